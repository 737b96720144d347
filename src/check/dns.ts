/**
 * negotiate dns (ldirectord check_dns / Net::DNS search): query `request` (A, or
 * PTR when it is an IP address) at the real, over TCP when the virtual is tcp;
 * up when an A address or PTR name matches `receive` (an empty receive never matches).
 */
import { randomInt } from 'node:crypto';
import net from 'node:net';
import { CheckFailure, connect } from './conn.ts';
import { QTYPE, decodeMessage, encodeQuery, reverseName, type DnsMessage } from './dns-codec.ts';
import { udpExchange } from './udp.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export function dnsQuestion(request: string | undefined): { name: string; qtype: number } {
  const r = (request ?? '').replace(/^\//, '');
  return net.isIP(r) ? { name: reverseName(r), qtype: QTYPE.PTR } : { name: r, qtype: QTYPE.A };
}

export function dnsAnswerMatches(msg: DnsMessage, receive: string | undefined): boolean {
  if (!receive) return false;
  const re = new RegExp(receive);
  return msg.answers.some((a) => (a.type === QTYPE.A || a.type === QTYPE.PTR) && typeof a.data === 'string' && re.test(a.data));
}

export async function checkDns(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const q = dnsQuestion(spec.request);
  const id = randomInt(0, 0x10000);
  const query = encodeQuery(id, q.name, q.qtype);
  let msg: DnsMessage;
  if (spec.protocol === 'tcp') {
    const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
    try {
      const framed = Buffer.alloc(2 + query.length);
      framed.writeUInt16BE(query.length, 0);
      query.copy(framed, 2);
      conn.write(framed);
      const len = (await conn.readBytes(2)).readUInt16BE(0);
      msg = decodeMessage(await conn.readBytes(len));
      if (msg.id !== id) throw new CheckFailure('dns: reply id mismatch');
    } finally {
      conn.close();
    }
  } else {
    const reply = await udpExchange({
      host: spec.host, port: spec.port, signal: ctx.signal, build: () => query,
      accept: (m) => m.length >= 12 && m.readUInt16BE(0) === id && (m[2]! & 0x80) !== 0,
    });
    msg = decodeMessage(reply);
  }
  if (msg.rcode !== 0) throw new CheckFailure(`dns: rcode ${msg.rcode} for ${q.name}`);
  if (!dnsAnswerMatches(msg, spec.receive)) throw new CheckFailure(`dns: no A/PTR answer for ${q.name} matches /${spec.receive ?? ''}/`);
  return `${q.name} answered`;
}
