/**
 * checktype=ping (and connect on UDP virtuals): ICMP echo, `checkcount` attempts of
 * `checktimeout` each, up on any reply (ldirectord check_ping / Net::Ping icmp).
 * Node has no raw or ICMP datagram sockets, so this forks iputils `ping -c1 -W`
 * via execa (no shell). The lead's native addon (src/native) can replace
 * `pingOnce` with an in-process ICMP socket without changing callers.
 */
import net from 'node:net';
import { CheckFailure, stripBrackets } from './conn.ts';
import type { CheckContext, CheckSpec } from './types.ts';

async function pingOnce(host: string, timeoutSec: number, signal: AbortSignal): Promise<boolean> {
  const { execa } = await import('execa');
  const args = [net.isIPv6(host) ? '-6' : '-4', '-n', '-q', '-c', '1', '-W', String(Math.max(1, Math.ceil(timeoutSec))), host];
  const r = await execa('ping', args, {
    reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore',
    cancelSignal: signal, timeout: Math.ceil(timeoutSec * 1000) + 500, forceKillAfterDelay: 200,
  });
  if ((r as { code?: string }).code === 'ENOENT' || (r.failed && r.exitCode === undefined && !r.isCanceled && !r.timedOut)) {
    throw new CheckFailure('ping: cannot run iputils ping (apt-get install iputils-ping)');
  }
  return r.exitCode === 0;
}

export async function checkPing(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const host = stripBrackets(spec.host);
  const count = Math.max(1, spec.checkCount ?? 1);
  const perTry = spec.checkTimeout ?? 5;
  for (let i = 0; i < count; i++) {
    if (ctx.signal.aborted) break;
    if (await pingOnce(host, perTry, ctx.signal)) return `pong (attempt ${i + 1}/${count})`;
  }
  throw new CheckFailure(`no echo reply after ${count} attempt(s)`);
}
