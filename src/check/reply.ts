/** Reading numeric-reply protocols (SMTP, FTP, NNTP): "NNN-..." continues, "NNN ..." ends. */
import { CheckFailure, type Conn } from './conn.ts';

export interface Reply { code: number; text: string }

export async function readReply(conn: Conn, what: string): Promise<Reply> {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const line = await conn.readLine();
    lines.push(line);
    const m = /^(\d{3})([ -]?)/.exec(line);
    if (!m) throw new CheckFailure(`${what}: unexpected reply ${JSON.stringify(line.slice(0, 80))}`);
    if (m[2] !== '-') return { code: Number(m[1]), text: lines.join('\n') };
  }
  throw new CheckFailure(`${what}: reply too long`);
}

export async function expectReply(conn: Conn, what: string, ok: (code: number) => boolean): Promise<Reply> {
  const r = await readReply(conn, what);
  if (!ok(r.code)) throw new CheckFailure(`${what}: ${r.text.split('\n').pop()?.slice(0, 120)}`);
  return r;
}
