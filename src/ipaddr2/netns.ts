/**
 * network_namespace: re-run this action inside the namespace, as the shell
 * agent does with `ip netns exec NS $0 ACTION`, with the parameter cleared.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';

function isSea(): boolean {
  try {
    const req = createRequire(resolve('noop.js'));
    return (req('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    return false;
  }
}

/**
 * The command line that re-enters this agent, without the action. In the SEA,
 * argv[1] is the path as invoked (resource.d/lvsha/IPaddr2 or lvsha); from
 * source it is `node [execArgv] src/main.ts agent IPaddr2`.
 */
export function selfCommand(action: string): string[] {
  const argv = process.argv;
  let end = argv.lastIndexOf(action);
  if (end < 2) end = argv.length;
  if (isSea()) return [argv[1] ?? process.execPath, ...argv.slice(2, end)];
  return [process.execPath, ...process.execArgv, ...argv.slice(1, end)];
}

export function reexecInNamespace(ctx: ActionContext, ns: string): Promise<number> {
  const [cmd, ...args] = ['ip', 'netns', 'exec', ns, ...selfCommand(ctx.action), ctx.action];
  const env = { ...process.env, OCF_RESKEY_network_namespace: '' };
  return new Promise((resolve) => {
    const child = spawn(cmd!, args, { env, stdio: 'inherit' });
    child.on('error', (err) => { ctx.exitReason(`cannot run ip netns exec ${ns}: ${err.message}`); resolve(OCF.ERR_INSTALLED); });
    child.on('exit', (code, sig) => resolve(code ?? (sig ? OCF.ERR_GENERIC : OCF.ERR_GENERIC)));
  });
}
