/**
 * negotiate sip (ldirectord check_sip): OPTIONS sip:<login> over the virtual's
 * protocol (udp or tcp); up when the status line is "SIP/2.0 200 OK".
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { CheckFailure, connect } from './conn.ts';
import { udpExchange } from './udp.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export function buildSipOptions(login: string, local: { address: string; port: number }, transport: 'UDP' | 'TCP', callId: string): string {
  const addr = net.isIPv6(local.address) ? `[${local.address}]` : local.address;
  return `OPTIONS sip:${login} SIP/2.0\r\n` +
    `Via: SIP/2.0/${transport} ${addr}:${local.port};branch=z9hG4bK${callId.slice(0, 10)}\r\n` +
    'Max-Forwards: 70\r\n' +
    `To: <sip:${login}>\r\n` +
    `From: <sip:${login}>;tag=1928301774\r\n` +
    `Call-ID: ${callId}\r\n` +
    'CSeq: 63104 OPTIONS\r\n' +
    `Contact: <sip:${login}>\r\n` +
    'Accept: application/sdp\r\n' +
    'Content-Length: 0\r\n\r\n';
}

function statusOk(firstLine: string): string {
  if (!/^SIP\/2\.0 200 OK/.test(firstLine)) throw new CheckFailure(`sip: ${firstLine.slice(0, 80) || 'no status line'}`);
  return firstLine;
}

export async function checkSip(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const login = spec.login ?? '';
  const callId = randomBytes(8).toString('hex');
  if (spec.protocol === 'udp') {
    const reply = await udpExchange({
      host: spec.host, port: spec.port, signal: ctx.signal,
      build: (local) => Buffer.from(buildSipOptions(login, local, 'UDP', callId)),
      // Ignore provisional 1xx and stray datagrams; the final reply for our Call-ID decides.
      accept: (m) => { const s = m.toString('latin1'); return s.includes(callId) && !/^SIP\/2\.0 1\d\d/.test(s); },
    });
    return statusOk(reply.toString('latin1').split(/\r?\n/)[0] ?? '');
  }
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    const a = conn.socket.address() as net.AddressInfo;
    conn.write(buildSipOptions(login, { address: a.address, port: a.port }, 'TCP', callId));
    for (let i = 0; i < 10; i++) {
      const line = await conn.readLine();
      if (/^SIP\/2\.0 1\d\d/.test(line)) {
        while ((await conn.readLine()) !== '') { /* skip provisional headers */ }
        continue;
      }
      return statusOk(line);
    }
    throw new CheckFailure('sip: too many provisional replies');
  } finally {
    conn.close();
  }
}
