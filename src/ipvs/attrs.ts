/**
 * IPVS generic-netlink constants (include/uapi/linux/ip_vs.h) and a minimal
 * netlink attribute (TLV) writer/reader. Pure.
 */
import { endianness } from 'node:os';
import { toBuffer } from '../netlink/message.ts';

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

export const CMD = {
  NEW_SERVICE: 1, SET_SERVICE: 2, DEL_SERVICE: 3, GET_SERVICE: 4,
  NEW_DEST: 5, SET_DEST: 6, DEL_DEST: 7, GET_DEST: 8,
  NEW_DAEMON: 9, DEL_DAEMON: 10, GET_DAEMON: 11,
  SET_CONFIG: 12, GET_CONFIG: 13, SET_INFO: 14, GET_INFO: 15, ZERO: 16, FLUSH: 17,
} as const;
export type CmdName = keyof typeof CMD;
export const CMD_NAME: Record<number, CmdName> = Object.fromEntries(Object.entries(CMD).map(([k, v]) => [v, k as CmdName]));

export const CMD_ATTR = { SERVICE: 1, DEST: 2, DAEMON: 3, TIMEOUT_TCP: 4, TIMEOUT_TCP_FIN: 5, TIMEOUT_UDP: 6 } as const;
export const SVC_ATTR = {
  AF: 1, PROTOCOL: 2, ADDR: 3, PORT: 4, FWMARK: 5, SCHED_NAME: 6, FLAGS: 7, TIMEOUT: 8, NETMASK: 9, STATS: 10, PE_NAME: 11, STATS64: 12,
} as const;
export const DEST_ATTR = {
  ADDR: 1, PORT: 2, FWD_METHOD: 3, WEIGHT: 4, U_THRESH: 5, L_THRESH: 6, ACTIVE_CONNS: 7, INACT_CONNS: 8, PERSIST_CONNS: 9,
  STATS: 10, ADDR_FAMILY: 11, STATS64: 12, TUN_TYPE: 13, TUN_PORT: 14, TUN_FLAGS: 15,
} as const;
export const DAEMON_ATTR = {
  STATE: 1, MCAST_IFN: 2, SYNC_ID: 3, SYNC_MAXLEN: 4, MCAST_GROUP: 5, MCAST_GROUP6: 6, MCAST_PORT: 7, MCAST_TTL: 8,
} as const;
export const STATS_ATTR = {
  CONNS: 1, INPKTS: 2, OUTPKTS: 3, INBYTES: 4, OUTBYTES: 5, CPS: 6, INPPS: 7, OUTPPS: 8, INBPS: 9, OUTBPS: 10, PAD: 11,
} as const;
export const INFO_ATTR = { VERSION: 1, CONN_TAB_SIZE: 2 } as const;

/** Netlink message flags used by the client. */
export const NLM_F = { REQUEST: 0x1, MULTI: 0x2, ACK: 0x4, ROOT: 0x100, MATCH: 0x200, DUMP: 0x300 } as const;

const LE = endianness() === 'LE';
const NLA_TYPE_MASK = 0x3fff; // strips NLA_F_NESTED / NLA_F_NET_BYTEORDER

/**
 * Builds a run of attributes into one growing buffer. Host-order integers unless the method says
 * big-endian. Nested attributes are written in place (nested()), so a whole request, or a
 * batch of them, is one buffer.
 */
export class AttrWriter {
  private buf: Buffer;
  private len = 0;

  constructor(capacity = 256) { this.buf = Buffer.allocUnsafe(capacity); }

  /** Bytes written so far. */
  get length(): number { return this.len; }
  /** The current backing buffer: valid until the next write (a write may move it). */
  get target(): Buffer { return this.buf; }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }
  /** Header + zeroed padding for a payload of `plen` bytes; returns the payload offset. */
  private head(type: number, plen: number): number {
    const alen = 4 + plen;
    if (alen > 0xffff) throw new RangeError(`netlink attribute ${type} too long (${plen} bytes)`);
    const total = (alen + 3) & ~3;
    this.room(total);
    const off = this.len;
    hostU16(this.buf, alen, off);
    hostU16(this.buf, type, off + 2);
    this.zero(off + alen, off + total);
    this.len += total;
    return off + 4;
  }
  /** Zeroes buf[from..to): a few bytes at a time here, where a loop beats Buffer#fill's argument checks. */
  private zero(from: number, to: number): void {
    for (let i = from; i < to; i++) this.buf[i] = 0;
  }
  /** An attribute with a zeroed payload of `plen` bytes to fill in `target`; returns the payload offset. */
  reserve(type: number, plen: number): number {
    const o = this.head(type, plen);
    this.zero(o, o + plen);
    return o;
  }
  raw(type: number, payload: Uint8Array): this {
    const o = this.head(type, payload.length);
    this.buf.set(payload, o);
    return this;
  }
  // head() first: it may move the buffer, so `this.buf` is read after it
  u8(type: number, v: number): this { const o = this.head(type, 1); this.buf[o] = v & 0xff; return this; }
  u16(type: number, v: number): this { const o = this.head(type, 2); hostU16(this.buf, v & 0xffff, o); return this; }
  be16(type: number, v: number): this { const o = this.head(type, 2); be16(this.buf, v & 0xffff, o); return this; }
  u32(type: number, v: number): this { const o = this.head(type, 4); hostU32(this.buf, v >>> 0, o); return this; }
  be32(type: number, v: number): this { const o = this.head(type, 4); be32(this.buf, v >>> 0, o); return this; }
  u64(type: number, v: bigint): this { const o = this.head(type, 8); LE ? this.buf.writeBigUInt64LE(v, o) : this.buf.writeBigUInt64BE(v, o); return this; }
  /** NUL-terminated string. */
  str(type: number, s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    const o = this.head(type, n + 1);
    this.buf.write(s, o, 'utf8');
    this.buf[o + n] = 0;
    return this;
  }
  /** A nested attribute holding what another writer built (a copy; the encoders use nested()). */
  nest(type: number, inner: AttrWriter): this { return this.raw(type, inner.view()); }
  /**
   * A nested attribute whose content `fill` writes in place (like libnl's nla_nest_start/end):
   * no inner buffer, no copy.
   */
  nested(type: number, fill: (w: this) => unknown): this {
    const start = this.head(type, 0) - 4;
    fill(this);
    const len = this.len - start; // the content is a run of 4-aligned attributes: no padding
    if (len > 0xffff) throw new RangeError(`nested netlink attribute ${type} too long (${len} bytes)`);
    hostU16(this.buf, len, start);
    return this;
  }
  /** The 4-byte generic netlink header (cmd, version, reserved) that precedes a request's attributes. */
  genlHeader(cmd: number, version: number): this {
    this.room(4);
    this.buf[this.len] = cmd;
    this.buf[this.len + 1] = version;
    this.buf[this.len + 2] = 0;
    this.buf[this.len + 3] = 0;
    this.len += 4;
    return this;
  }
  /** The bytes written so far (a view; copy with buffer()). */
  view(): Buffer { return this.buf.subarray(0, this.len); }
  buffer(): Buffer { return Buffer.from(this.view()); }
}

// Byte stores rather than Buffer#writeUInt*: the encoder writes ~16 of these per request, and the
// Buffer methods' range checks dominated it. The value is taken modulo 2^16 / 2^32.
export function hostU16(b: Uint8Array, v: number, off: number): void {
  if (LE) { b[off] = v; b[off + 1] = v >>> 8; } else { b[off] = v >>> 8; b[off + 1] = v; }
}
export function hostU32(b: Uint8Array, v: number, off: number): void {
  if (LE) { b[off] = v; b[off + 1] = v >>> 8; b[off + 2] = v >>> 16; b[off + 3] = v >>> 24; }
  else { b[off] = v >>> 24; b[off + 1] = v >>> 16; b[off + 2] = v >>> 8; b[off + 3] = v; }
}
function be16(b: Uint8Array, v: number, off: number): void { b[off] = v >>> 8; b[off + 1] = v; }
function be32(b: Uint8Array, v: number, off: number): void { b[off] = v >>> 24; b[off + 1] = v >>> 16; b[off + 2] = v >>> 8; b[off + 3] = v; }
// toBuffer wraps only a plain Uint8Array: attribute payloads are Buffer views already (parseAttrs)
export function readHostU16(b: Uint8Array, off = 0): number { const x = toBuffer(b); return LE ? x.readUInt16LE(off) : x.readUInt16BE(off); }
export function readHostU32(b: Uint8Array, off = 0): number { const x = toBuffer(b); return LE ? x.readUInt32LE(off) : x.readUInt32BE(off); }
export function readHostU64(b: Uint8Array, off = 0): bigint { const x = toBuffer(b); return LE ? x.readBigUInt64LE(off) : x.readBigUInt64BE(off); }

/** Parsed attribute run: type → payload (last one wins; IPVS never repeats a type). */
export type Attrs = Map<number, Buffer>;

export function parseAttrs(buf: Uint8Array): Attrs {
  const b = toBuffer(buf);
  const out: Attrs = new Map();
  let off = 0;
  while (off + 4 <= b.length) {
    const len = LE ? b.readUInt16LE(off) : b.readUInt16BE(off);
    const type = (LE ? b.readUInt16LE(off + 2) : b.readUInt16BE(off + 2)) & NLA_TYPE_MASK;
    if (len < 4 || off + len > b.length) throw new RangeError(`malformed netlink attribute at offset ${off} (len ${len}, buffer ${b.length})`);
    out.set(type, b.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}

export function getU8(a: Attrs, t: number): number | undefined { const v = a.get(t); return v && v.length >= 1 ? v[0] : undefined; }
export function getU16(a: Attrs, t: number): number | undefined { const v = a.get(t); return v && v.length >= 2 ? readHostU16(v) : undefined; }
export function getBe16(a: Attrs, t: number): number | undefined { const v = a.get(t); return v && v.length >= 2 ? v.readUInt16BE(0) : undefined; }
export function getU32(a: Attrs, t: number): number | undefined { const v = a.get(t); return v && v.length >= 4 ? readHostU32(v) : undefined; }
export function getU64(a: Attrs, t: number): bigint | undefined { const v = a.get(t); return v && v.length >= 8 ? readHostU64(v) : undefined; }
export function getStr(a: Attrs, t: number): string | undefined {
  const v = a.get(t); if (!v) return undefined;
  const z = v.indexOf(0); return v.subarray(0, z < 0 ? v.length : z).toString('utf8');
}
