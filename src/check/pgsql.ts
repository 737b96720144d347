/**
 * negotiate pgsql (ldirectord check_sql via DBD::Pg): startup as `login` on
 * `database`, authenticate (trust, cleartext, md5 or SCRAM-SHA-256), run
 * `request` (leading "/" stripped) as a simple query, up on ≥ 1 data row.
 * Bounded by negotiatetimeout (ldirectord's DBI connect has none).
 */
import { randomBytes } from 'node:crypto';
import { CheckFailure, connect, type Conn } from './conn.ts';
import {
  md5Password, parseErrorFields, passwordMessage, queryMessage, saslInitialResponse, scramClientFinal, scramClientFirst,
  scramVerifyFinal, startupMessage, terminateMessage, message, type ScramState,
} from './pgsql-codec.ts';
import type { CheckContext, CheckSpec } from './types.ts';

async function readMessage(conn: Conn): Promise<{ type: string; body: Buffer }> {
  const h = await conn.readBytes(5);
  const type = String.fromCharCode(h[0]!);
  const len = h.readInt32BE(1);
  if (len < 4 || len > 16 * 1024 * 1024) throw new CheckFailure('pgsql: bad message length');
  return { type, body: Buffer.from(await conn.readBytes(len - 4)) };
}

export async function checkPgsql(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const query = (spec.request ?? '').replace(/^\//, '');
  if (!spec.login || !query) throw new CheckFailure('pgsql: login and request are required');
  const password = spec.passwd ?? '';
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    conn.write(startupMessage(spec.login, spec.database));
    let scram: ScramState | undefined;
    for (let i = 0; i < 1000; i++) {
      const m = await readMessage(conn);
      if (m.type === 'E') throw new CheckFailure(`pgsql: ${parseErrorFields(m.body)}`);
      if (m.type === 'Z') break;
      if (m.type !== 'R') continue; // ParameterStatus, BackendKeyData, NoticeResponse
      const code = m.body.readInt32BE(0);
      if (code === 0) continue;
      if (code === 3) conn.write(passwordMessage(password));
      else if (code === 5) conn.write(passwordMessage(md5Password(spec.login, password, m.body.subarray(4, 8))));
      else if (code === 10) {
        const mechs = m.body.toString('latin1', 4).split('\0');
        if (!mechs.includes('SCRAM-SHA-256')) throw new CheckFailure(`pgsql: unsupported SASL mechanisms ${mechs.join(' ')}`);
        const first = scramClientFirst(randomBytes(18).toString('base64'));
        scram = first.state;
        conn.write(saslInitialResponse('SCRAM-SHA-256', first.message));
      } else if (code === 11 && scram) {
        let final: string;
        try { final = scramClientFinal(scram, m.body.toString('utf8', 4), password); } catch (e) { throw new CheckFailure(`pgsql: ${(e as Error).message}`); }
        conn.write(message('p', Buffer.from(final, 'utf8')));
      } else if (code === 12 && scram) {
        if (!scramVerifyFinal(scram, m.body.toString('utf8', 4))) throw new CheckFailure('pgsql: SCRAM server signature mismatch');
      } else throw new CheckFailure(`pgsql: unsupported authentication request ${code}`);
    }
    conn.write(queryMessage(query));
    let rows = 0;
    let error = '';
    for (let i = 0; i < 1_000_000; i++) {
      const m = await readMessage(conn);
      if (m.type === 'D') rows++;
      else if (m.type === 'E') error = parseErrorFields(m.body);
      else if (m.type === 'Z') break;
    }
    conn.write(terminateMessage());
    if (error) throw new CheckFailure(`pgsql: ${error}`);
    if (rows < 1) throw new CheckFailure('pgsql: query returned 0 rows');
    return `${rows} row(s)`;
  } finally {
    conn.close();
  }
}
