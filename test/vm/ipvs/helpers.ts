// Helpers for the IPVS tests that run as root on a kernel with IPVS (VM or fresh netns).
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IpvsClient } from '../../../src/ipvs/client.ts';
import { exitCodeFor, type Io } from '../../../src/ipvs/cli.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const NODE = process.execPath;
/** Children get this process's V8 flags (group-inner.sh passes --no-memory-protection-keys). */
export const NODE_ARGS = process.execArgv;
export const MAIN = `${ROOT}src/ipvs/main.ts`;

/** Run a command; throws with its output if it fails. */
export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; status?: number };
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${x.status}): ${x.stderr ?? ''}${x.stdout ?? ''}`);
  }
}
export const ipvsadm = (...args: string[]) => run('ipvsadm', args);
export const ipvsadmR = (rules: string) => run('ipvsadm', ['-R'], rules);
export const sh = (script: string) => run('sh', ['-c', script]);

/** `lvsha ipvs …` through the real CLI entry. */
export function lvsha(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(NODE, [...NODE_ARGS, MAIN, 'ipvs', ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The same commands in-process (no node start-up): output captured, exit code as the CLI would set it. */
export async function lvshaIn(fn: (io: Io, c: IpvsClient) => Promise<unknown>): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: Io = { out: (s) => { out += s; }, err: (s) => { err += s; } };
  try { await fn(io, await ipvs()); return { code: 0, out, err }; }
  catch (e) { return { code: exitCodeFor(e), out, err: err + (e as Error).message + '\n' }; }
}

let client: IpvsClient | undefined;
export async function ipvs(): Promise<IpvsClient> { return client ??= await IpvsClient.open(); }
export function closeIpvs(): void { client?.close(); client = undefined; }

export function reset(): void { ipvsadm('-C'); }
