/**
 * negotiate mysql (ldirectord check_sql via DBD::mysql): connect, authenticate
 * (mysql_native_password, or caching_sha2_password fast path), run `request`
 * (leading "/" stripped), up when it returns ≥ 1 row. Unlike ldirectord this is
 * bounded by negotiatetimeout.
 */
import { CheckFailure, connect, type Conn } from './conn.ts';
import { authResponse, comQuery, handshakeResponse, isEof, lenenc, packet, parseError, parseHandshake } from './mysql-codec.ts';
import type { CheckContext, CheckSpec } from './types.ts';

async function readPacket(conn: Conn): Promise<{ seq: number; payload: Buffer }> {
  const h = await conn.readBytes(4);
  const len = h.readUIntLE(0, 3);
  const payload = Buffer.from(await conn.readBytes(len));
  return { seq: h[3]!, payload };
}

export async function checkMysql(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const query = (spec.request ?? '').replace(/^\//, '');
  if (!spec.login || !query) throw new CheckFailure('mysql: login and request are required');
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    const hs = parseHandshake((await readPacket(conn)).payload);
    const password = spec.passwd ?? '';
    const o: Parameters<typeof handshakeResponse>[0] = { user: spec.login, password, scramble: hs.scramble, plugin: hs.plugin, serverCapabilities: hs.capabilities };
    if (spec.database) o.database = spec.database;
    conn.write(packet(1, handshakeResponse(o)));
    let plugin = o.plugin === 'caching_sha2_password' ? o.plugin : 'mysql_native_password';
    for (let round = 0; round < 5; round++) {
      const { seq, payload } = await readPacket(conn);
      if (payload[0] === 0x00) break;
      if (payload[0] === 0xff) throw new CheckFailure(`mysql: ${parseError(payload)}`);
      if (payload[0] === 0xfe) { // AuthSwitchRequest
        const end = payload.indexOf(0, 1);
        plugin = payload.toString('latin1', 1, end);
        const data = payload.subarray(end + 1);
        conn.write(packet(seq + 1, authResponse(plugin, password, data)));
        continue;
      }
      if (payload[0] === 0x01 && plugin === 'caching_sha2_password') {
        if (payload[1] === 0x03) continue; // fast auth ok; OK packet follows
        throw new CheckFailure('mysql: caching_sha2_password full authentication needs TLS or RSA (not supported)');
      }
      throw new CheckFailure(`mysql: unexpected auth reply 0x${payload[0]?.toString(16)}`);
    }
    conn.write(packet(0, comQuery(query)));
    const first = (await readPacket(conn)).payload;
    if (first[0] === 0xff) throw new CheckFailure(`mysql: ${parseError(first)}`);
    if (first[0] === 0x00) throw new CheckFailure('mysql: query returned no result set');
    const [cols] = lenenc(first, 0);
    for (let i = 0; i < cols; i++) await readPacket(conn);
    const eof = (await readPacket(conn)).payload;
    if (!isEof(eof)) throw new CheckFailure('mysql: expected EOF after column definitions');
    let rows = 0;
    for (;;) {
      const p = (await readPacket(conn)).payload;
      if (p[0] === 0xff) throw new CheckFailure(`mysql: ${parseError(p)}`);
      if (isEof(p)) break;
      rows++;
    }
    conn.write(packet(0, Buffer.from([0x01]))); // COM_QUIT
    if (rows < 1) throw new CheckFailure('mysql: query returned 0 rows');
    return `${rows} row(s)`;
  } finally {
    conn.close();
  }
}
