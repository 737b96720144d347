/** Minimal BER (X.690) for LDAPv3: the few requests a health check sends and the replies it reads. Pure. */

export class BerError extends Error { override name = 'BerError'; }

export function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function berInt(tag: number, n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do { bytes.unshift(v & 0xff); v = Math.floor(v / 256); } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

export const octets = (tag: number, s: string): Buffer => tlv(tag, Buffer.from(s, 'utf8'));
export const seq = (tag: number, ...parts: Uint8Array[]): Buffer => tlv(tag, Buffer.concat(parts));

export interface Tlv { tag: number; content: Buffer; end: number }

/** Reads one TLV at `off`; returns undefined when `buf` doesn't yet hold all of it. */
export function readTlv(buf: Buffer, off = 0): Tlv | undefined {
  if (off + 2 > buf.length) return undefined;
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw new BerError('multi-byte tags are not used by LDAP');
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const nb = len & 0x7f;
    if (nb === 0 || nb > 4) throw new BerError('unsupported length form');
    if (p + nb > buf.length) return undefined;
    len = 0;
    for (let i = 0; i < nb; i++) len = len * 256 + buf[p + i]!;
    p += nb;
  }
  if (p + len > buf.length) return undefined;
  return { tag, content: buf.subarray(p, p + len), end: p + len };
}

export function children(content: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < content.length) {
    const t = readTlv(content, off);
    if (!t) throw new BerError('truncated element');
    out.push(t);
    off = t.end;
  }
  return out;
}

export function decodeInt(content: Buffer): number {
  if (content.length === 0 || content.length > 6) throw new BerError('bad integer');
  let v = content[0]! & 0x80 ? -1 : 0;
  for (const b of content) v = v * 256 + b;
  return content[0]! & 0x80 ? v - (-1 * 256 ** content.length) - 256 ** content.length : v;
}

// ---- LDAP (RFC 4511) ----
export const LDAP_OP = { BIND_REQ: 0x60, BIND_RESP: 0x61, UNBIND_REQ: 0x42, SEARCH_REQ: 0x63, SEARCH_ENTRY: 0x64, SEARCH_DONE: 0x65, SEARCH_REF: 0x73 } as const;

const message = (id: number, op: Buffer): Buffer => seq(0x30, berInt(0x02, id), op);

/** Simple bind; empty dn and password = anonymous. */
export function encodeBindRequest(id: number, dn: string, password: string): Buffer {
  return message(id, seq(LDAP_OP.BIND_REQ, berInt(0x02, 3), octets(0x04, dn), octets(0x80, password)));
}

/** Base-scope search of `base` with filter (objectClass=*), no attributes requested (all), like Net::LDAP. */
export function encodeBaseSearch(id: number, base: string): Buffer {
  return message(id, seq(LDAP_OP.SEARCH_REQ,
    octets(0x04, base),
    berInt(0x0a, 0), // scope baseObject
    berInt(0x0a, 0), // derefAliases never
    berInt(0x02, 0), // sizeLimit
    berInt(0x02, 0), // timeLimit
    tlv(0x01, Buffer.from([0])), // typesOnly FALSE
    octets(0x87, 'objectClass'), // present filter
    seq(0x30), // attributes: all user attributes
  ));
}

export function encodeUnbind(id: number): Buffer {
  return message(id, tlv(LDAP_OP.UNBIND_REQ, Buffer.alloc(0)));
}

export interface LdapMessage { id: number; op: number; resultCode?: number; diagnostic?: string; dn?: string }

export function decodeLdapMessage(t: Tlv): LdapMessage {
  if (t.tag !== 0x30) throw new BerError('LDAPMessage is not a SEQUENCE');
  const [idT, opT] = children(t.content);
  if (!idT || !opT || idT.tag !== 0x02) throw new BerError('bad LDAPMessage');
  const m: LdapMessage = { id: decodeInt(idT.content), op: opT.tag };
  if (opT.tag === LDAP_OP.SEARCH_ENTRY) {
    const [dn] = children(opT.content);
    if (!dn || dn.tag !== 0x04) throw new BerError('bad SearchResultEntry');
    m.dn = dn.content.toString('utf8');
  } else if (opT.tag === LDAP_OP.BIND_RESP || opT.tag === LDAP_OP.SEARCH_DONE) {
    const [rc, , diag] = children(opT.content);
    if (!rc || rc.tag !== 0x0a) throw new BerError('bad LDAPResult');
    m.resultCode = decodeInt(rc.content);
    if (diag) m.diagnostic = diag.content.toString('utf8');
  }
  return m;
}
