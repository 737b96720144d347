/**
 * IPVS generic-netlink constants (include/uapi/linux/ip_vs.h) and a minimal
 * netlink attribute (TLV) writer/reader. Pure.
 */
import { endianness } from 'node:os';

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

/** Builds a run of attributes. Host-order integers unless the method says big-endian. */
export class AttrWriter {
  private readonly parts: Buffer[] = [];
  private len = 0;

  raw(type: number, payload: Uint8Array): this {
    const alen = 4 + payload.length;
    const pad = (4 - (alen % 4)) % 4;
    const b = Buffer.allocUnsafe(alen + pad); // pooled: many tiny buffers per request
    if (pad) b.fill(0, alen);
    hostU16(b, alen, 0);
    hostU16(b, type, 2);
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(b, 4);
    this.parts.push(b);
    this.len += b.length;
    return this;
  }
  u8(type: number, v: number): this { return this.raw(type, Buffer.from([v & 0xff])); }
  u16(type: number, v: number): this { const b = Buffer.allocUnsafe(2); hostU16(b, v, 0); return this.raw(type, b); }
  be16(type: number, v: number): this { const b = Buffer.allocUnsafe(2); b.writeUInt16BE(v, 0); return this.raw(type, b); }
  u32(type: number, v: number): this { const b = Buffer.allocUnsafe(4); hostU32(b, v >>> 0, 0); return this.raw(type, b); }
  be32(type: number, v: number): this { const b = Buffer.allocUnsafe(4); b.writeUInt32BE(v >>> 0, 0); return this.raw(type, b); }
  u64(type: number, v: bigint): this { const b = Buffer.allocUnsafe(8); LE ? b.writeBigUInt64LE(v) : b.writeBigUInt64BE(v); return this.raw(type, b); }
  /** NUL-terminated string. */
  str(type: number, s: string): this { return this.raw(type, Buffer.concat([Buffer.from(s, 'utf8'), Buffer.alloc(1)])); }
  nest(type: number, inner: AttrWriter): this { return this.raw(type, inner.buffer()); }
  buffer(): Buffer { return Buffer.concat(this.parts, this.len); }
}

export function hostU16(b: Buffer, v: number, off: number): void { LE ? b.writeUInt16LE(v, off) : b.writeUInt16BE(v, off); }
export function hostU32(b: Buffer, v: number, off: number): void { LE ? b.writeUInt32LE(v, off) : b.writeUInt32BE(v, off); }
export function readHostU16(b: Uint8Array, off = 0): number { const x = Buffer.from(b.buffer, b.byteOffset, b.byteLength); return LE ? x.readUInt16LE(off) : x.readUInt16BE(off); }
export function readHostU32(b: Uint8Array, off = 0): number { const x = Buffer.from(b.buffer, b.byteOffset, b.byteLength); return LE ? x.readUInt32LE(off) : x.readUInt32BE(off); }
export function readHostU64(b: Uint8Array, off = 0): bigint { const x = Buffer.from(b.buffer, b.byteOffset, b.byteLength); return LE ? x.readBigUInt64LE(off) : x.readBigUInt64BE(off); }

/** Parsed attribute run: type → payload (last one wins; IPVS never repeats a type). */
export type Attrs = Map<number, Buffer>;

export function parseAttrs(buf: Uint8Array): Attrs {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Attrs = new Map();
  let off = 0;
  while (off + 4 <= b.length) {
    const len = readHostU16(b, off);
    const type = readHostU16(b, off + 2) & NLA_TYPE_MASK;
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
