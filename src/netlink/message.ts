/**
 * Netlink message and attribute framing (pure). Small on purpose: the agents'
 * hot paths (monitor) use this instead of the netlink package's generated
 * rtnetlink structs, which cost ~30 ms to load; only its raw socket is used.
 */
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;

export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  // GET modifiers
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  // NEW modifiers
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
} as const;

export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;
export const NLA_F_NESTED = 0x8000;
export const NLA_TYPE_MASK = 0x3fff;

export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  /** nlmsg_pid: the sender's port id */
  port: number;
  /** the payload after the 16-byte header */
  data: Buffer;
}

export const align4 = (n: number): number => (n + 3) & ~3;

/** A Buffer view of the same bytes (no copy). */
export function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** errno carried by an NLMSG_ERROR (or NLMSG_DONE) payload: positive, 0 = ACK */
export function errorCode(m: NlMessage): number {
  return m.data.length >= 4 ? -m.data.readInt32LE(0) : 0;
}

/** Bytes a message with this payload takes in a buffer of messages (header + payload + padding). */
export const messageSize = (payload: Uint8Array): number => NLMSG_HDRLEN + align4(payload.length);

export function encodeMessage(type: number, flags: number, seq: number, payload: Uint8Array, port = 0): Buffer {
  const buf = Buffer.allocUnsafe(messageSize(payload));
  encodeMessageInto(buf, 0, type, flags, seq, payload, port);
  return buf;
}

/** Writes one message at buf[off..] (room: messageSize(payload)); returns the offset after it. */
export function encodeMessageInto(buf: Buffer, off: number, type: number, flags: number, seq: number, payload: Uint8Array, port = 0): number {
  const len = NLMSG_HDRLEN + payload.length;
  buf.writeUInt32LE(len, off);
  buf.writeUInt16LE(type, off + 4);
  buf.writeUInt16LE(flags, off + 6);
  buf.writeUInt32LE(seq >>> 0, off + 8);
  buf.writeUInt32LE(port >>> 0, off + 12);
  buf.set(payload, off + NLMSG_HDRLEN);
  const end = off + align4(len);
  if (end > off + len) buf.fill(0, off + len, end);
  return end;
}

/** Splits a datagram into messages; stops at a malformed length rather than reading past it. */
export function decodeMessages(bytes: Uint8Array): NlMessage[] {
  const buf = toBuffer(bytes);
  const out: NlMessage[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) break;
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      port: buf.readUInt32LE(off + 12),
      data: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return out;
}

export interface NlAttr {
  type: number;
  nested: boolean;
  data: Buffer;
}

export function encodeAttr(type: number, value: Uint8Array, nested = false): Buffer {
  const buf = Buffer.alloc(NLA_HDRLEN + align4(value.length));
  buf.writeUInt16LE(NLA_HDRLEN + value.length, 0);
  buf.writeUInt16LE(type | (nested ? NLA_F_NESTED : 0), 2);
  buf.set(value, NLA_HDRLEN);
  return buf;
}

export function encodeNested(type: number, attrs: readonly Uint8Array[]): Buffer {
  return encodeAttr(type, Buffer.concat(attrs), true);
}

export const u8 = (type: number, v: number): Buffer => encodeAttr(type, Buffer.from([v & 0xff]));
export function u16(type: number, v: number): Buffer {
  const b = Buffer.alloc(2); b.writeUInt16LE(v); return encodeAttr(type, b);
}
/** network byte order (IPVS ports) */
export function be16(type: number, v: number): Buffer {
  const b = Buffer.alloc(2); b.writeUInt16BE(v); return encodeAttr(type, b);
}
export function u32(type: number, v: number): Buffer {
  const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return encodeAttr(type, b);
}
export function be32(type: number, v: number): Buffer {
  const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return encodeAttr(type, b);
}
export function str(type: number, s: string): Buffer {
  return encodeAttr(type, Buffer.from(s + '\0', 'utf8'));
}

export function decodeAttrs(bytes: Uint8Array): NlAttr[] {
  const buf = toBuffer(bytes);
  const out: NlAttr[] = [];
  let off = 0;
  while (off + NLA_HDRLEN <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < NLA_HDRLEN || off + len > buf.length) break;
    const t = buf.readUInt16LE(off + 2);
    out.push({ type: t & NLA_TYPE_MASK, nested: (t & NLA_F_NESTED) !== 0, data: buf.subarray(off + NLA_HDRLEN, off + len) });
    off += align4(len);
  }
  return out;
}

/** type → last value (netlink attributes are unique per level in every message lvsha reads) */
export function attrMap(buf: Uint8Array): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of decodeAttrs(buf)) m.set(a.type, a.data);
  return m;
}

export function cstring(b: Uint8Array | undefined): string | undefined {
  if (b === undefined) return undefined;
  const buf = toBuffer(b);
  const z = buf.indexOf(0);
  return buf.toString('utf8', 0, z < 0 ? buf.length : z);
}

export const attrU32 = (a: NlAttr): number => a.data.readUInt32LE(0);
export const attrStr = (a: NlAttr): string => cstring(a.data) ?? '';
