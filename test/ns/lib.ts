/**
 * Helpers for the IPaddr2 namespace tests: topology (topo.sh), running an agent
 * inside a namespace with an OCF environment, normalised `ip addr` state, and
 * tcpdump captures in the peer namespace. Root and iproute2 are required.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OURS = process.env.LVSHA_IPADDR2 || join(ROOT, 'dist/resource.d/lvsha/IPaddr2');
export const REF = '/usr/lib/ocf/resource.d/heartbeat/IPaddr2';
const TOPO = join(ROOT, 'test/ns/topo.sh');

/** Fails with an install hint when something the tests need is missing. */
export function requirements(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('run as root (namespaces, addresses)');
  const need: Array<[string, string]> = [['ip', 'iproute2'], ['tcpdump', 'tcpdump'], ['ocf-tester', 'resource-agents'], ['crm_resource', 'pacemaker-cli-utils'], ['xmllint', 'libxml2-utils'], ['arping', 'iputils-arping'], ['unshare', 'util-linux']];
  for (const [bin, pkg] of need) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) missing.push(`${bin}: apt-get install ${pkg}`);
  }
  if (!existsSync(REF)) missing.push(`${REF}: apt-get install resource-agents`);
  if (!existsSync(OURS)) missing.push(`${OURS}: run npm run build (or test/ns/run.sh)`);
  return missing;
}

export function topoUp(tag: string): void {
  const r = spawnSync('bash', [TOPO, 'up', tag], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`topo.sh up ${tag}: ${r.stderr}`);
}
/** Waits (≤ 5 s) until eth0 and eth1 of ns report operstate UP, so the first packets are not lost. */
export async function waitLinksUp(ns: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const out = sh(`ip -n ${ns} -br link show`).out;
    if (/^eth0\S*\s+UP/m.test(out) && /^eth1\S*\s+UP/m.test(out)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`links of ${ns} not UP after 5 s`);
}

export function topoDown(tag: string): void {
  spawnSync('bash', [TOPO, 'down', tag]);
}
export const nsName = (tag: string): string => `lvsha-ip-${tag}`;
export const peerName = (tag: string): string => `lvsha-ip-${tag}-peer`;

export function sh(cmd: string): { code: number; out: string; err: string } {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

export interface AgentResult { code: number; out: string; err: string }

/** Runs `agent action` inside namespace ns with OCF_RESKEY_<k>=v for params and CRM_meta_<k>=v for meta. */
export function runAgent(agent: string, ns: string, action: string, params: Record<string, string>, opts: { meta?: Record<string, string>; rsctmp?: string; env?: Record<string, string> } = {}): Promise<AgentResult> {
  const env: Record<string, string> = {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin', OCF_ROOT: '/usr/lib/ocf', OCF_RA_VERSION_MAJOR: '1', OCF_RA_VERSION_MINOR: '0',
    OCF_RESOURCE_INSTANCE: 'vip', OCF_RESOURCE_TYPE: 'IPaddr2', HA_LOGFACILITY: 'none',
    OCF_RESKEY_CRM_meta_timeout: '20000', OCF_RESKEY_CRM_meta_interval: action === 'monitor' ? '10000' : '0',
    ...(opts.rsctmp ? { HA_RSCTMP: opts.rsctmp } : {}),
    ...(opts.env ?? {}),
  };
  for (const [k, v] of Object.entries(opts.meta ?? {})) env[`OCF_RESKEY_CRM_meta_${k}`] = v;
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  return new Promise((res) => {
    execFile('ip', ['netns', 'exec', ns, agent, action], { env, timeout: 60_000, encoding: 'utf8' }, (err, out, errOut) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      res({ code, out, err: errOut });
    });
  });
}

/** `ip -o addr` of a namespace, normalised: lifetimes in seconds blurred, the topology's link-local addresses dropped. */
export function addrState(ns: string, keep: string[] = []): string[] {
  const r = sh(`ip -n ${ns} -o addr show`);
  return r.out.split('\n').filter((l) => l.trim() !== '')
    .filter((l) => !/ inet6 fe80::/.test(l) || keep.some((k) => k !== '' && l.includes(` ${k}/`)))
    .map((l) => l.replace(/\\\s+/g, ' ').replace(/\d+sec/g, 'Nsec').replace(/\s+/g, ' ').trim())
    .sort();
}

export function addrlabels(ns: string): string[] {
  return sh(`ip -n ${ns} addrlabel list`).out.split('\n').filter((l) => l.trim() !== '').sort();
}

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** tcpdump -w in a namespace; stop() waits until it has flushed and returns the file bytes. */
export async function capture(ns: string, iface: string, filter: string): Promise<{ stop: () => Promise<Uint8Array> }> {
  const dir = tmpDir('lvsha-ip-pcap-');
  const file = join(dir, 'cap.pcap');
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '--immediate-mode', '-U', '-n', '-i', iface, '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  // tcpdump prints "listening on" once the socket is open
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error('tcpdump did not start within 5 s')), 5000);
    child.stderr!.on('data', (d: Buffer) => { if (d.toString().includes('listening on')) { clearTimeout(t); res(); } });
    child.on('exit', (c) => { clearTimeout(t); rej(new Error(`tcpdump exited ${c}`)); });
  });
  return {
    stop: async () => {
      await new Promise((r) => setTimeout(r, 400));
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await done;
      const bytes = existsSync(file) && statSync(file).size > 0 ? new Uint8Array(readFileSync(file)) : new Uint8Array();
      rmSync(dir, { recursive: true, force: true });
      return bytes;
    },
  };
}
