/**
 * checktype=ping (and connect on UDP virtuals): ICMP echo, `checkcount` attempts of
 * `checktimeout` each, up on any reply (ldirectord check_ping / Net::Ping icmp).
 * The echo runs in lvsha's native helper on the libuv thread pool: no process per
 * check, and the event loop never blocks.
 */
import { CheckFailure, stripBrackets } from './conn.ts';
import { parseIPv4, parseIPv6 } from '../net/ipaddr.ts';
import type { CheckContext, CheckSpec } from './types.ts';

let seq = 0;
const ident = process.pid & 0xffff;

async function pingOnce(host: string, timeoutSec: number): Promise<boolean> {
  const v4 = parseIPv4(host);
  const addr = v4 ?? parseIPv6(host);
  if (!addr) throw new CheckFailure(`ping: ${host} is not an IP address`);
  const { lvshaNative } = await import('../native/lvsha-native.ts');
  seq = (seq + 1) & 0xffff;
  try {
    const rtt = await lvshaNative().icmpEcho(v4 ? 4 : 6, addr, ident, seq, Math.max(1, Math.round(timeoutSec * 1000)));
    return rtt >= 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new CheckFailure(code === 'EPERM' ? 'ping: raw ICMP sockets need root (CAP_NET_RAW)' : `ping: ${(e as Error).message}`);
  }
}

export async function checkPing(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const host = stripBrackets(spec.host);
  const count = Math.max(1, spec.checkCount ?? 1);
  const perTry = spec.checkTimeout ?? 5;
  for (let i = 0; i < count; i++) {
    if (ctx.signal.aborted) break;
    if (await pingOnce(host, perTry)) return `pong (attempt ${i + 1}/${count})`;
  }
  throw new CheckFailure(`no echo reply after ${count} attempt(s)`);
}
