/** MySQL client/server protocol pieces a health check needs (handshake v10, auth responses, packets). Pure. */
import { createHash } from 'node:crypto';

export const CLIENT = {
  LONG_PASSWORD: 0x1, CONNECT_WITH_DB: 0x8, PROTOCOL_41: 0x200, TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000, PLUGIN_AUTH: 0x80000,
} as const;

export class MysqlProtocolError extends Error { override name = 'MysqlProtocolError'; }

export function packet(seq: number, payload: Uint8Array): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq & 0xff;
  return Buffer.concat([h, payload]);
}

export interface Handshake { protocol: number; serverVersion: string; connectionId: number; scramble: Buffer; capabilities: number; plugin: string }

export function parseHandshake(p: Buffer): Handshake {
  if (p[0] === 0xff) throw new MysqlProtocolError(`server error: ${parseError(p)}`);
  if (p[0] !== 10) throw new MysqlProtocolError(`unsupported handshake protocol ${p[0]}`);
  let off = 1;
  const nul = p.indexOf(0, off);
  if (nul < 0) throw new MysqlProtocolError('bad handshake');
  const serverVersion = p.toString('latin1', off, nul);
  off = nul + 1;
  const connectionId = p.readUInt32LE(off); off += 4;
  const part1 = p.subarray(off, off + 8); off += 9;
  let capabilities = p.readUInt16LE(off); off += 2;
  let part2: Buffer = Buffer.alloc(0);
  let plugin = 'mysql_native_password';
  if (off < p.length) {
    off += 3; // charset, status
    capabilities |= p.readUInt16LE(off) << 16; off += 2;
    const authLen = p[off]!; off += 11;
    if (capabilities & CLIENT.SECURE_CONNECTION) {
      const n = Math.max(13, authLen - 8);
      part2 = p.subarray(off, off + n - 1); // last byte is a NUL terminator
      off += n;
    }
    if (capabilities & CLIENT.PLUGIN_AUTH) {
      const end = p.indexOf(0, off);
      plugin = p.toString('latin1', off, end < 0 ? p.length : end);
    }
  }
  return { protocol: 10, serverVersion, connectionId, scramble: Buffer.concat([part1, part2]), capabilities: capabilities >>> 0, plugin };
}

const sha1 = (...b: Uint8Array[]) => { const h = createHash('sha1'); for (const x of b) h.update(x); return h.digest(); };
const sha256 = (...b: Uint8Array[]) => { const h = createHash('sha256'); for (const x of b) h.update(x); return h.digest(); };

/** mysql_native_password: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))); empty password → empty response. */
export function nativePassword(password: string, scramble: Uint8Array): Buffer {
  if (password === '') return Buffer.alloc(0);
  const s1 = sha1(Buffer.from(password, 'utf8'));
  const s3 = sha1(scramble.subarray(0, 20), sha1(s1));
  for (let i = 0; i < s1.length; i++) s1[i]! ^= s3[i]!;
  return s1;
}

/** caching_sha2_password fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble). */
export function cachingSha2Password(password: string, scramble: Uint8Array): Buffer {
  if (password === '') return Buffer.alloc(0);
  const a = sha256(Buffer.from(password, 'utf8'));
  const b = sha256(sha256(a), scramble.subarray(0, 20));
  for (let i = 0; i < a.length; i++) a[i]! ^= b[i]!;
  return a;
}

export function authResponse(plugin: string, password: string, scramble: Uint8Array): Buffer {
  if (plugin === 'mysql_native_password') return nativePassword(password, scramble);
  if (plugin === 'caching_sha2_password') return cachingSha2Password(password, scramble);
  if (plugin === 'mysql_clear_password') return Buffer.from(`${password}\0`, 'utf8');
  throw new MysqlProtocolError(`unsupported auth plugin ${plugin}`);
}

export function handshakeResponse(o: { user: string; password: string; database?: string; scramble: Uint8Array; plugin: string; serverCapabilities: number }): Buffer {
  const plugin = o.plugin === 'caching_sha2_password' || o.plugin === 'mysql_native_password' ? o.plugin : 'mysql_native_password';
  let caps = CLIENT.LONG_PASSWORD | CLIENT.PROTOCOL_41 | CLIENT.TRANSACTIONS | CLIENT.SECURE_CONNECTION | CLIENT.PLUGIN_AUTH;
  if (o.database) caps |= CLIENT.CONNECT_WITH_DB;
  caps &= o.serverCapabilities | CLIENT.LONG_PASSWORD;
  const head = Buffer.alloc(32);
  head.writeUInt32LE(caps >>> 0, 0);
  head.writeUInt32LE(16 * 1024 * 1024, 4);
  head[8] = 33; // utf8_general_ci
  const auth = authResponse(plugin, o.password, o.scramble);
  const parts: Buffer[] = [head, Buffer.from(`${o.user}\0`, 'utf8'), Buffer.from([auth.length]), auth];
  if (caps & CLIENT.CONNECT_WITH_DB) parts.push(Buffer.from(`${o.database}\0`, 'utf8'));
  if (caps & CLIENT.PLUGIN_AUTH) parts.push(Buffer.from(`${plugin}\0`, 'latin1'));
  return Buffer.concat(parts);
}

export function parseError(p: Buffer): string {
  if (p[0] !== 0xff || p.length < 3) return 'malformed error';
  const code = p.readUInt16LE(1);
  const msg = p[3] === 0x23 ? p.toString('utf8', 9) : p.toString('utf8', 3);
  return `${code} ${msg}`;
}

export function comQuery(query: string): Buffer {
  return Buffer.concat([Buffer.from([0x03]), Buffer.from(query, 'utf8')]);
}

/** Length-encoded integer at off → [value, next offset]. */
export function lenenc(p: Buffer, off: number): [number, number] {
  const b = p[off];
  if (b === undefined) throw new MysqlProtocolError('truncated lenenc');
  if (b < 0xfb) return [b, off + 1];
  if (b === 0xfc) return [p.readUInt16LE(off + 1), off + 3];
  if (b === 0xfd) return [p.readUIntLE(off + 1, 3), off + 4];
  if (b === 0xfe) return [Number(p.readBigUInt64LE(off + 1)), off + 9];
  throw new MysqlProtocolError('bad lenenc');
}

export const isEof = (p: Buffer): boolean => p[0] === 0xfe && p.length < 9;
