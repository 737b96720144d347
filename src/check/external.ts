/**
 * checktype=external: run `checkcommand VIP|fwmark VPORT RIP RPORT` (no shell),
 * up on exit 0, SIGTERM at checktimeout (ldirectord system_timeout), SIGKILL shortly after.
 */
import { CheckFailure } from './conn.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export async function checkExternal(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  if (!spec.command) throw new CheckFailure('external: no checkcommand');
  const { execa } = await import('execa');
  const args = [spec.virtualAddress ?? '', String(spec.virtualPort ?? 0), spec.host, String(spec.port)];
  const r = await execa(spec.command, args, {
    reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore',
    cancelSignal: ctx.signal, killSignal: 'SIGTERM', forceKillAfterDelay: 500, cleanup: true,
  });
  if (r.exitCode === 0) return 'exit 0';
  if (r.isCanceled || r.timedOut) throw new CheckFailure(`external: ${spec.command} killed at timeout`);
  if (r.exitCode !== undefined) throw new CheckFailure(`external: ${spec.command} exited ${r.exitCode}`);
  if (r.signal) throw new CheckFailure(`external: ${spec.command} killed by ${r.signal}`);
  throw new CheckFailure(`external: cannot run ${spec.command}: ${r.shortMessage ?? r.message}`);
}
