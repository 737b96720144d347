/**
 * Netlink / rtnetlink message codec (pure): nlmsghdr, rtattr TLVs, and the
 * fixed headers of the rtnetlink families lvsha uses. Host byte order is
 * little-endian on every platform lvsha ships for (x86-64, arm64).
 */

// Framing is the project's shared netlink codec; this module adds rtnetlink's structs.
export { NLM_F, NLMSG, decodeAttrs, decodeMessages, encodeAttr, encodeMessage, errorCode, attrU32, attrStr } from '../netlink/message.ts';
export type { NlMessage, NlAttr as Attr } from '../netlink/message.ts';

export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
  NEWADDRLABEL: 72, DELADDRLABEL: 73,
} as const;

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

export function cstr(s: string): Uint8Array {
  return Buffer.from(s + '\0', 'utf8');
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
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
