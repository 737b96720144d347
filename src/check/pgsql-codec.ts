/** PostgreSQL frontend/backend protocol v3 pieces for a health check: startup, md5, SCRAM-SHA-256, simple query. Pure. */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

export function startupMessage(user: string, database: string | undefined): Buffer {
  const params = `user\0${user}\0${database ? `database\0${database}\0` : ''}application_name\0lvsha-healthcheck\0\0`;
  const body = Buffer.from(params, 'utf8');
  const out = Buffer.alloc(8 + body.length);
  out.writeInt32BE(out.length, 0);
  out.writeInt32BE(196608, 4); // protocol 3.0
  body.copy(out, 8);
  return out;
}

export function message(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  out.set(body, 5);
  return out;
}

export const passwordMessage = (s: string): Buffer => message('p', Buffer.from(`${s}\0`, 'utf8'));
export const queryMessage = (q: string): Buffer => message('Q', Buffer.from(`${q}\0`, 'utf8'));
export const terminateMessage = (): Buffer => message('X', Buffer.alloc(0));

const md5hex = (s: Uint8Array | string) => createHash('md5').update(s).digest('hex');

/** "md5" + md5(md5(password + user) + salt). */
export function md5Password(user: string, password: string, salt: Uint8Array): string {
  return `md5${md5hex(Buffer.concat([Buffer.from(md5hex(password + user), 'latin1'), salt]))}`;
}

export function saslInitialResponse(mechanism: string, data: string): Buffer {
  const m = Buffer.from(`${mechanism}\0`, 'latin1');
  const d = Buffer.from(data, 'utf8');
  const len = Buffer.alloc(4);
  len.writeInt32BE(d.length, 0);
  return message('p', Buffer.concat([m, len, d]));
}

const hmac = (key: Uint8Array, s: string) => createHmac('sha256', key).update(s).digest();

// PBKDF2 at 4096 iterations costs ~ms; cache per (password, salt, iterations) so thousands of reals per interval stay cheap.
const saltedCache = new Map<string, Buffer>();
function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  const key = `${iterations}:${salt.toString('base64')}:${password}`;
  let v = saltedCache.get(key);
  if (!v) {
    v = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
    if (saltedCache.size > 1024) saltedCache.clear();
    saltedCache.set(key, v);
  }
  return v;
}

export interface ScramState { clientNonce: string; clientFirstBare: string; serverSignature?: Buffer }

/** PostgreSQL ignores the SCRAM user name (it uses the startup user), so it is empty by default. */
export function scramClientFirst(clientNonce: string, user = ''): { message: string; state: ScramState } {
  const clientFirstBare = `n=${user},r=${clientNonce}`;
  return { message: `n,,${clientFirstBare}`, state: { clientNonce, clientFirstBare } };
}

/** Builds client-final from server-first; remembers the expected server signature in state. */
export function scramClientFinal(state: ScramState, serverFirst: string, password: string): string {
  const attrs = new Map(serverFirst.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
  const nonce = attrs.get('r') ?? '';
  const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
  const iterations = Number(attrs.get('i'));
  if (!nonce.startsWith(state.clientNonce) || !(iterations > 0) || salt.length === 0) throw new Error('invalid SCRAM server-first message');
  const salted = saltedPassword(password, salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${state.clientFirstBare},${serverFirst},${withoutProof}`;
  const sig = hmac(storedKey, authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ sig[i]!;
  state.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
  return `${withoutProof},p=${proof.toString('base64')}`;
}

export function scramVerifyFinal(state: ScramState, serverFinal: string): boolean {
  const v = /(?:^|,)v=([^,]+)/.exec(serverFinal)?.[1];
  return v !== undefined && state.serverSignature !== undefined && Buffer.from(v, 'base64').equals(state.serverSignature);
}

/** ErrorResponse / NoticeResponse fields → "SEVERITY CODE message". */
export function parseErrorFields(body: Buffer): string {
  const f: Record<string, string> = {};
  let off = 0;
  while (off < body.length && body[off] !== 0) {
    const t = String.fromCharCode(body[off]!);
    const end = body.indexOf(0, off + 1);
    if (end < 0) break;
    f[t] = body.toString('utf8', off + 1, end);
    off = end + 1;
  }
  return [f['S'], f['C'], f['M']].filter(Boolean).join(' ');
}
