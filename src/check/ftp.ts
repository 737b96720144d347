/**
 * negotiate ftp (ldirectord check_ftp via Net::FTP): login, CWD /, TYPE I, PASV,
 * RETR `request`; up when the retrieved content matches `receive`. Like
 * ldirectord, only the content decides (a failed login just yields no content).
 */
import { CheckFailure, connect, stripBrackets } from './conn.ts';
import { expectReply, readReply } from './reply.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export async function checkFtp(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    await expectReply(conn, 'ftp greeting', (c) => c >= 200 && c < 300);
    conn.write(`USER ${spec.login ?? 'anonymous'}\r\n`);
    const u = await readReply(conn, 'ftp USER');
    if (u.code === 331 || u.code === 332) {
      conn.write(`PASS ${spec.passwd ?? (spec.login ? '' : '-anonymous@')}\r\n`);
      await expectReply(conn, 'ftp login', (c) => c === 230 || c === 202);
    } else if (u.code !== 230) throw new CheckFailure(`ftp login: ${u.text.slice(0, 80)}`);
    conn.write('CWD /\r\n');
    await expectReply(conn, 'ftp CWD /', (c) => c >= 200 && c < 300);
    conn.write('TYPE I\r\n');
    await expectReply(conn, 'ftp TYPE I', (c) => c >= 200 && c < 300);
    conn.write('PASV\r\n');
    const p = await expectReply(conn, 'ftp PASV', (c) => c === 227);
    const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(p.text);
    if (!m) throw new CheckFailure(`ftp PASV: cannot parse ${p.text.slice(0, 80)}`);
    // Connect the data channel to the control peer, not the advertised address (NAT-safe, no bounce).
    const dataPort = Number(m[5]) * 256 + Number(m[6]);
    const data = await connect({ host: stripBrackets(spec.host), port: dataPort, signal: ctx.signal });
    try {
      conn.write(`RETR ${spec.request ?? ''}\r\n`);
      await expectReply(conn, 'ftp RETR', (c) => c === 125 || c === 150);
      const content = (await data.readAll()).toString('latin1');
      const re = new RegExp(spec.receive ?? '');
      if (!re.test(content)) throw new CheckFailure(`ftp: content of ${spec.request ?? ''} does not match /${spec.receive ?? ''}/`);
      conn.write('QUIT\r\n');
      return `retrieved ${content.length} bytes`;
    } finally {
      data.close();
    }
  } finally {
    conn.close();
  }
}
