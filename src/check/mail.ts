/**
 * negotiate smtp/submission (Net::SMTP: 220 greeting, EHLO, QUIT), pop/pops
 * (Mail::POP3Client: +OK greeting, USER/PASS when login is set) and imap/imaps
 * (Net::IMAP::Simple: "* OK" greeting, LOGIN when login is set).
 */
import { CheckFailure, connect } from './conn.ts';
import { expectReply, readReply } from './reply.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export async function checkSmtp(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    const greet = await expectReply(conn, 'smtp greeting', (c) => c === 220);
    conn.write('EHLO lvsha.localdomain\r\n');
    const ehlo = await readReply(conn, 'smtp EHLO');
    if (ehlo.code !== 250) {
      conn.write('HELO lvsha.localdomain\r\n');
      await expectReply(conn, 'smtp HELO', (c) => c === 250);
    }
    conn.write('QUIT\r\n');
    return greet.text.split('\n')[0]!.slice(0, 80);
  } finally {
    conn.close();
  }
}

function quoteImap(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export async function checkPop(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const tls = spec.service === 'pops';
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal, tls, tlsVerify: spec.tlsVerify === true });
  try {
    const greet = await conn.readLine();
    if (!greet.startsWith('+OK')) throw new CheckFailure(`pop greeting: ${greet.slice(0, 80)}`);
    if (spec.login) {
      conn.write(`USER ${spec.login}\r\n`);
      const u = await conn.readLine();
      if (!u.startsWith('+OK')) throw new CheckFailure(`pop USER: ${u.slice(0, 80)}`);
      conn.write(`PASS ${spec.passwd ?? ''}\r\n`);
      const p = await conn.readLine();
      if (!p.startsWith('+OK')) throw new CheckFailure(`pop login failed: ${p.slice(0, 80)}`);
    }
    conn.write('QUIT\r\n');
    return spec.login ? 'logged in' : greet.slice(0, 80);
  } finally {
    conn.close();
  }
}

export async function checkImap(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const tls = spec.service === 'imaps';
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal, tls, tlsVerify: spec.tlsVerify === true });
  try {
    const greet = await conn.readLine();
    if (!/^\* (OK|PREAUTH)\b/i.test(greet)) throw new CheckFailure(`imap greeting: ${greet.slice(0, 80)}`);
    if (spec.login) {
      conn.write(`a1 LOGIN ${quoteImap(spec.login)} ${quoteImap(spec.passwd ?? '')}\r\n`);
      for (let i = 0; i < 1000; i++) {
        const line = await conn.readLine();
        if (line.startsWith('* ')) continue;
        if (/^a1 OK\b/i.test(line)) break;
        throw new CheckFailure(`imap login failed: ${line.slice(0, 80)}`);
      }
    }
    conn.write('a2 LOGOUT\r\n');
    return spec.login ? 'logged in' : greet.slice(0, 80);
  } finally {
    conn.close();
  }
}
