/** RADIUS (RFC 2865) Access-Request encoding with User-Password hiding and response verification. Pure. */
import { createHash, createHmac } from 'node:crypto';

export const RADIUS = { ACCESS_REQUEST: 1, ACCESS_ACCEPT: 2, ACCESS_REJECT: 3, ACCESS_CHALLENGE: 11 } as const;
const ATTR = { USER_NAME: 1, USER_PASSWORD: 2, NAS_IDENTIFIER: 32, MESSAGE_AUTHENTICATOR: 80 } as const;

function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RFC 2865 §5.2: pad to 16, c(i) = p(i) XOR MD5(secret + c(i-1)), c(0) = request authenticator. */
export function hidePassword(password: string, secret: string, authenticator: Uint8Array): Buffer {
  const p = Buffer.from(password, 'utf8');
  if (p.length > 128) throw new RangeError('RADIUS password longer than 128 bytes');
  const len = Math.max(16, Math.ceil(p.length / 16) * 16);
  const padded = Buffer.alloc(len);
  p.copy(padded);
  const out = Buffer.alloc(len);
  const s = Buffer.from(secret, 'utf8');
  let prev: Uint8Array = authenticator;
  for (let i = 0; i < len; i += 16) {
    const b = md5(s, prev);
    for (let k = 0; k < 16; k++) out[i + k] = padded[i + k]! ^ b[k]!;
    prev = out.subarray(i, i + 16);
  }
  return out;
}

function attr(type: number, value: Uint8Array): Buffer {
  if (value.length > 253) throw new RangeError(`RADIUS attribute ${type} too long`);
  return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
}

export function encodeAccessRequest(o: { id: number; authenticator: Uint8Array; user: string; password: string; secret: string; nasIdentifier?: string }): Buffer {
  const attrs = [
    attr(ATTR.USER_NAME, Buffer.from(o.user, 'utf8')),
    attr(ATTR.USER_PASSWORD, hidePassword(o.password, o.secret, o.authenticator)),
    attr(ATTR.NAS_IDENTIFIER, Buffer.from(o.nasIdentifier ?? 'lvsha', 'utf8')),
    attr(ATTR.MESSAGE_AUTHENTICATOR, Buffer.alloc(16)),
  ];
  const body = Buffer.concat(attrs);
  const pkt = Buffer.concat([Buffer.from([RADIUS.ACCESS_REQUEST, o.id & 0xff, 0, 0]), Buffer.from(o.authenticator), body]);
  pkt.writeUInt16BE(pkt.length, 2);
  // RFC 3579 Message-Authenticator: HMAC-MD5 over the packet with the attribute zeroed (servers may require it).
  const mac = createHmac('md5', o.secret).update(pkt).digest();
  mac.copy(pkt, pkt.length - 16);
  return pkt;
}

/** Checks id, length and Response Authenticator = MD5(code|id|len|requestAuth|attrs|secret). */
export function verifyResponse(resp: Buffer, id: number, requestAuth: Uint8Array, secret: string): { code: number } | string {
  if (resp.length < 20) return 'short packet';
  if (resp[1] !== (id & 0xff)) return 'id mismatch';
  const len = resp.readUInt16BE(2);
  if (len < 20 || len > resp.length) return 'bad length';
  const expect = md5(resp.subarray(0, 4), requestAuth, resp.subarray(20, len), Buffer.from(secret, 'utf8'));
  if (!expect.equals(resp.subarray(4, 20))) return 'bad response authenticator (wrong secret?)';
  return { code: resp[0]! };
}
