/**
 * Netlink / rtnetlink message codec (pure): nlmsghdr, rtattr TLVs, and the
 * fixed headers of the rtnetlink families lvsha uses. Host byte order is
 * little-endian on every platform lvsha ships for (x86-64, arm64).
 */

export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;

export const NLM_F = { REQUEST: 0x1, MULTI: 0x2, ACK: 0x4, ROOT: 0x100, MATCH: 0x200, DUMP: 0x300, REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;

export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
  NEWADDRLABEL: 72, DELADDRLABEL: 73,
} as const;

export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** payload after the 16-byte header */
  data: Uint8Array;
}

export interface Attr {
  type: number;
  data: Uint8Array;
}

const align4 = (n: number): number => (n + 3) & ~3;

export function encodeAttr(type: number, data: Uint8Array): Uint8Array {
  const len = 4 + data.length;
  const out = new Uint8Array(align4(len));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, len, true);
  dv.setUint16(2, type, true);
  out.set(data, 4);
  return out;
}

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

export function cstr(s: string): Uint8Array {
  const enc = new TextEncoder().encode(s);
  const b = new Uint8Array(enc.length + 1);
  b.set(enc);
  return b;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function encodeMessage(type: number, flags: number, seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, out.length, true);
  dv.setUint16(4, type, true);
  dv.setUint16(6, flags, true);
  dv.setUint32(8, seq >>> 0, true);
  dv.setUint32(12, 0, true);
  out.set(payload, 16);
  return out;
}

/** Splits one datagram into its messages. */
export function decodeMessages(buf: Uint8Array): NlMessage[] {
  const out: NlMessage[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = dv.getUint32(off, true);
    if (len < 16 || off + len > buf.length) break;
    out.push({
      type: dv.getUint16(off + 4, true),
      flags: dv.getUint16(off + 6, true),
      seq: dv.getUint32(off + 8, true),
      pid: dv.getUint32(off + 12, true),
      data: buf.subarray(off + 16, off + len),
    });
    off += align4(len);
  }
  return out;
}

export function decodeAttrs(buf: Uint8Array): Attr[] {
  const out: Attr[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = dv.getUint16(off, true);
    if (len < 4 || off + len > buf.length) break;
    out.push({ type: dv.getUint16(off + 2, true) & 0x3fff, data: buf.subarray(off + 4, off + len) });
    off += align4(len);
  }
  return out;
}

export function attrU32(a: Attr): number {
  return new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength).getUint32(0, true);
}

export function attrStr(a: Attr): string {
  const z = a.data.indexOf(0);
  return new TextDecoder().decode(z >= 0 ? a.data.subarray(0, z) : a.data);
}

/** errno from an NLMSG_ERROR payload (positive; 0 = ACK). */
export function errorCode(m: NlMessage): number {
  return -new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength).getInt32(0, true);
}

// ---- ifinfomsg (16 bytes) ----
export const IFLA = { ADDRESS: 1, BROADCAST: 2, IFNAME: 3, MTU: 4, LINK: 5, OPERSTATE: 16, ALT_IFNAME: 53 } as const;
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_LOWER_UP = 0x10000;
/** RFC 2863 operstates as the kernel reports them in IFLA_OPERSTATE */
export const OPER = { UNKNOWN: 0, NOTPRESENT: 1, DOWN: 2, LOWERLAYERDOWN: 3, TESTING: 4, DORMANT: 5, UP: 6 } as const;

export function encodeIfinfo(m: { family?: number; type?: number; index?: number; flags?: number; change?: number }): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setUint8(0, m.family ?? 0);
  dv.setUint16(2, m.type ?? 0, true);
  dv.setInt32(4, m.index ?? 0, true);
  dv.setUint32(8, m.flags ?? 0, true);
  dv.setUint32(12, m.change ?? 0, true);
  return b;
}

// ---- ifaddrmsg (8 bytes) ----
export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, ANYCAST: 5, CACHEINFO: 6, MULTICAST: 7, FLAGS: 8 } as const;
export const IFA_F = { SECONDARY: 0x01, NODAD: 0x02, OPTIMISTIC: 0x04, DADFAILED: 0x08, HOMEADDRESS: 0x10, DEPRECATED: 0x20, TENTATIVE: 0x40, PERMANENT: 0x80, MANAGETEMPADDR: 0x100, NOPREFIXROUTE: 0x200 } as const;

export function encodeIfaddr(m: { family: number; prefixlen: number; flags?: number; scope?: number; index: number }): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint8(0, m.family);
  dv.setUint8(1, m.prefixlen);
  dv.setUint8(2, (m.flags ?? 0) & 0xff);
  dv.setUint8(3, m.scope ?? 0);
  dv.setUint32(4, m.index, true);
  return b;
}

// ---- rtmsg (12 bytes) ----
export const RTA = { DST: 1, SRC: 2, IIF: 3, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, TABLE: 15 } as const;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;
export const RT_SCOPE = { UNIVERSE: 0, SITE: 200, LINK: 253, HOST: 254, NOWHERE: 255 } as const;
export const RTN = { UNICAST: 1, LOCAL: 2, BROADCAST: 3, ANYCAST: 4, MULTICAST: 5, BLACKHOLE: 6, UNREACHABLE: 7, PROHIBIT: 8 } as const;
export const RTM_F_CLONED = 0x200;

export function encodeRtmsg(m: { family: number; dstLen?: number; table?: number; scope?: number; type?: number; flags?: number }): Uint8Array {
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  dv.setUint8(0, m.family);
  dv.setUint8(1, m.dstLen ?? 0);
  dv.setUint8(4, m.table ?? 0);
  dv.setUint8(6, m.scope ?? 0);
  dv.setUint8(7, m.type ?? 0);
  dv.setUint32(8, m.flags ?? 0, true);
  return b;
}

// ---- ifaddrlblmsg (12 bytes) ----
export const IFAL = { ADDRESS: 1, LABEL: 2 } as const;

export function encodeAddrlabel(m: { family: number; prefixlen: number; index?: number }): Uint8Array {
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  dv.setUint8(0, m.family);
  dv.setUint8(2, m.prefixlen);
  dv.setUint32(4, m.index ?? 0, true);
  return b;
}
