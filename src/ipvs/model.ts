/**
 * Typed model of the kernel IPVS table (services, destinations, statistics,
 * info, timeouts, sync daemons) plus parsing/formatting of the textual keys
 * admins know from ipvsadm ("TCP 10.0.0.1:80", "FWM 5", "[2001:db8::1]:80").
 * Pure: no I/O.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 'inet' | 'inet6';
export type Protocol = 'tcp' | 'udp' | 'sctp';
/** masq = NAT, route = direct routing ("gate"), tunnel = IP-in-IP/GUE/GRE ("ipip"), local, bypass. */
export type Forward = 'masq' | 'local' | 'tunnel' | 'route' | 'bypass';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';
/** Scheduler flags; sh-/mh- names are aliases of flag-1 (fallback) and flag-2 (port). */
export type SchedFlag = 'flag-1' | 'flag-2' | 'flag-3';

export const AF = { inet: 2, inet6: 10 } as const;
export const PROTO = { tcp: 6, udp: 17, sctp: 132 } as const;
export const SVC_F = { PERSISTENT: 0x1, HASHED: 0x2, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20 } as const;
export const FWD = { masq: 0, local: 1, tunnel: 2, route: 3, bypass: 4 } as const;
export const TUN_TYPE = { ipip: 0, gue: 1, gre: 2 } as const;
export const TUN_CSUM = { nocsum: 0, csum: 1, remcsum: 2 } as const;
export const DAEMON_STATE = { master: 1, backup: 2 } as const;

/** Schedulers in Debian's 6.1 kernel (twos arrived in 6.2; it is accepted by name, the kernel decides). */
export const KNOWN_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const;

/** Identity of a virtual service: either protocol+address+port, or a firewall mark. */
export type ServiceKey =
  | { readonly family: Family; readonly protocol: Protocol; readonly address: string; readonly port: number; readonly fwmark?: undefined }
  | { readonly family: Family; readonly fwmark: number; readonly protocol?: undefined; readonly address?: undefined; readonly port?: undefined };

export interface Stats {
  conns: bigint; inpkts: bigint; outpkts: bigint; inbytes: bigint; outbytes: bigint;
  cps: bigint; inpps: bigint; outpps: bigint; inbps: bigint; outbps: bigint;
}
export const STATS_FIELDS = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes', 'cps', 'inpps', 'outpps', 'inbps', 'outbps'] as const;
export function zeroStats(): Stats {
  return { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };
}

export interface Service {
  key: ServiceKey;
  scheduler: string;
  /** Persistence timeout in seconds when the service is persistent (flag PERSISTENT), else undefined. */
  persistent?: number | undefined;
  /**
   * Persistence granularity. IPv4: the mask as a host-order u32 (0xffffff00 for /24);
   * IPv6: the prefix length 1..128. Defaults: 0xffffffff / 128.
   */
  netmask: number;
  onePacket: boolean;
  schedFlags: SchedFlag[];
  /** Persistence engine ("sip"), or undefined. */
  pe?: string | undefined;
  /** Raw timeout as the kernel reports it even without PERSISTENT (round-trip fidelity). */
  timeout?: number | undefined;
  /** Read back only. */
  stats?: Stats | undefined;
}

export interface Tunnel { type: TunnelType; port: number; checksum: TunnelChecksum }

export interface Destination {
  family: Family;
  address: string;
  port: number;
  forward: Forward;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  /** Only meaningful with forward 'tunnel'. */
  tunnel?: Tunnel | undefined;
  /** Read back only. */
  activeConns?: number | undefined;
  inactConns?: number | undefined;
  persistConns?: number | undefined;
  stats?: Stats | undefined;
}

export interface VirtualService extends Service { destinations: Destination[] }
export interface Table { services: VirtualService[] }

export interface Info { version: number; connTabSize: number }
export interface Timeouts { tcp: number; tcpFin: number; udp: number }
export interface SyncDaemon {
  state: 'master' | 'backup';
  ifname: string;
  syncId: number;
  maxLen?: number | undefined;
  group?: string | undefined;
  port?: number | undefined;
  ttl?: number | undefined;
}

// ---------- defaults / constructors ----------

export function defaultNetmask(family: Family): number { return family === 'inet' ? 0xffffffff : 128; }

export function makeService(key: ServiceKey, scheduler: string, more: Partial<Omit<Service, 'key' | 'scheduler'>> = {}): Service {
  return { key, scheduler, netmask: defaultNetmask(key.family), onePacket: false, schedFlags: [], ...more };
}
export function makeDest(address: string, port: number, more: Partial<Omit<Destination, 'address' | 'port'>> = {}): Destination {
  return { family: familyOf(address), address, port, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0, ...more };
}

// ---------- addresses ----------

export function familyOf(address: string): Family {
  if (isIpv4Text(address)) return 'inet';
  if (isIPv6(address)) return 'inet6';
  throw new TypeError(`not an IP address: ${address}`);
}

/**
 * Writes a dotted-quad IPv4 address as 4 bytes at out[off..]; false (nothing defined written) unless
 * `address` is exactly what net.isIPv4 accepts: 4 decimal octets 0..255 without leading zeros.
 * The encoder's hot path: no regular expression, no allocation.
 */
export function ipv4Into(address: string, out: Uint8Array, off: number): boolean {
  let part = 0, n = 0, digits = 0;
  for (let k = 0; k < address.length; k++) {
    const c = address.charCodeAt(k);
    if (c === 46) {
      if (digits === 0 || part === 3) return false;
      out[off + part++] = n; n = 0; digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && n === 0) return false; // leading zero
      n = n * 10 + c - 48;
      if (++digits > 3 || n > 255) return false;
    } else return false;
  }
  if (digits === 0 || part !== 3) return false;
  out[off + 3] = n;
  return true;
}

const scratch4 = new Uint8Array(4);
/** net.isIPv4 without its regular expression (the validator's and planner's per-destination path). */
export function isIpv4Text(address: string): boolean { return ipv4Into(address, scratch4, 0); }

/** Address → bytes (4 for IPv4, 16 for IPv6). */
export function addrToBytes(address: string): Buffer {
  const b4 = Buffer.allocUnsafe(4);
  if (ipv4Into(address, b4, 0)) return b4;
  if (!isIPv6(address)) throw new TypeError(`not an IP address: ${address}`);
  let a = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) { const b = addrToBytes(v4[1]!); a = a.slice(0, -v4[1]!.length) + `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`; }
  const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Bytes → canonical text (RFC 5952 for IPv6, like inet_ntop). */
export function bytesToAddr(family: Family, b: Uint8Array): string {
  if (family === 'inet') return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[i * 2] ?? 0) << 8) | (b[i * 2 + 1] ?? 0));
  // IPv4-mapped/compatible forms as glibc inet_ntop prints them
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && (g[5] === 0xffff || (g[5] === 0 && (g[6] !== 0 || (g[7] ?? 0) > 1)))) {
    const v4 = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
    return g[5] === 0xffff ? `::ffff:${v4}` : `::${v4}`;
  }
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Normalise an address to the form the kernel will report back. */
export function canonicalAddr(address: string): string {
  // fast path: an IPv4 dotted quad without leading zeros is already canonical
  if (/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(address)) return address;
  return bytesToAddr(familyOf(address), addrToBytes(address));
}

/** "10.0.0.1:80" / "[2001:db8::1]:80". */
export function formatAddrPort(address: string, port: number): string {
  return !isIpv4Text(address) && isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Parse "10.0.0.1:80", "10.0.0.1", "[v6]:80", "[v6]", "v6" (no port). Port undefined when absent. */
export function parseAddrPort(text: string): { address: string; port: number | undefined } {
  const s = text.trim();
  const v4 = parseIpv4Port(s);
  if (v4) return v4;
  let addr: string, port: string | undefined;
  const m6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (m6) { addr = m6[1]!; port = m6[2]; }
  else if (isIPv6(s)) { addr = s; }
  else { const i = s.lastIndexOf(':'); if (i >= 0) { addr = s.slice(0, i); port = s.slice(i + 1); } else addr = s; }
  if (!isIPv4(addr) && !isIPv6(addr)) throw new TypeError(`not an IP address: "${addr}" in "${text}"`);
  if (port !== undefined && !/^\d+$/.test(port)) throw new TypeError(`bad port "${port}" in "${text}"`);
  const p = port === undefined ? undefined : Number(port);
  if (p !== undefined && p > 65535) throw new TypeError(`port ${p} out of range 0..65535 in "${text}"`);
  return { address: canonicalAddr(addr), port: p };
}

/**
 * The common case of parseAddrPort, "10.0.0.1" or "10.0.0.1:80" with a canonical address and a valid
 * port, without regular expressions; undefined for anything else (the general path decides).
 */
function parseIpv4Port(s: string): { address: string; port: number | undefined } | undefined {
  const i = s.indexOf(':');
  if (i < 0) return isIpv4Text(s) ? { address: s, port: undefined } : undefined;
  if (i === s.length - 1 || s.indexOf(':', i + 1) >= 0) return undefined;
  const address = s.slice(0, i);
  if (!isIpv4Text(address)) return undefined;
  let port = 0;
  for (let k = i + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return undefined;
    port = port * 10 + c - 48;
  }
  return port <= 65535 ? { address, port } : undefined;
}

// ---------- service keys ----------

const PROTO_NAME: Record<Protocol, string> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

/** "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "FWM 5", "FWM 5 IPv6". */
export function formatServiceKey(k: ServiceKey): string {
  if (k.fwmark !== undefined) return `FWM ${k.fwmark}${k.family === 'inet6' ? ' IPv6' : ''}`;
  return `${PROTO_NAME[k.protocol]} ${formatAddrPort(k.address, k.port)}`;
}

export function parseServiceKey(text: string): ServiceKey {
  const m = /^\s*(TCP|UDP|SCTP|FWM)\s+(\S+)(?:\s+(IPv6|IPv4))?\s*$/i.exec(text);
  if (!m) throw new TypeError(`bad service key "${text}" (write e.g. "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53" or "FWM 5")`);
  const kind = m[1]!.toUpperCase();
  if (kind === 'FWM') {
    if (!/^\d+$/.test(m[2]!)) throw new TypeError(`bad firewall mark "${m[2]}" in "${text}"`);
    return { family: m[3]?.toLowerCase() === 'ipv6' ? 'inet6' : 'inet', fwmark: Number(m[2]) };
  }
  const { address, port } = parseAddrPort(m[2]!);
  if (port === undefined) throw new TypeError(`service "${text}" needs a port`);
  return { family: familyOf(address), protocol: kind.toLowerCase() as Protocol, address, port };
}

export function serviceKeyId(k: ServiceKey): string { return formatServiceKey(k); }
export function destKeyId(d: Pick<Destination, 'address' | 'port'>): string { return formatAddrPort(d.address, d.port); }

// ---------- scheduler flags ----------

export function schedFlagsToBits(flags: readonly SchedFlag[]): number {
  let b = 0;
  for (const f of flags) b |= f === 'flag-1' ? SVC_F.SCHED1 : f === 'flag-2' ? SVC_F.SCHED2 : SVC_F.SCHED3;
  return b;
}
export function bitsToSchedFlags(bits: number): SchedFlag[] {
  const out: SchedFlag[] = [];
  if (bits & SVC_F.SCHED1) out.push('flag-1');
  if (bits & SVC_F.SCHED2) out.push('flag-2');
  if (bits & SVC_F.SCHED3) out.push('flag-3');
  return out;
}
/** Accepts sh-fallback, sh-port, mh-fallback, mh-port, flag-1..3. */
export function parseSchedFlag(name: string): SchedFlag | undefined {
  switch (name.trim().toLowerCase()) {
    case 'flag-1': case 'sh-fallback': case 'mh-fallback': return 'flag-1';
    case 'flag-2': case 'sh-port': case 'mh-port': return 'flag-2';
    case 'flag-3': return 'flag-3';
    default: return undefined;
  }
}
/** Names as ipvsadm prints them for this scheduler. */
export function schedFlagNames(scheduler: string, flags: readonly SchedFlag[]): string[] {
  const sorted = (['flag-1', 'flag-2', 'flag-3'] as const).filter((f) => flags.includes(f));
  if (scheduler === 'sh' || scheduler === 'mh') {
    return sorted.filter((f) => f !== 'flag-3').map((f) => `${scheduler}-${f === 'flag-1' ? 'fallback' : 'port'}`);
  }
  return sorted;
}

// ---------- netmask ----------

export function netmaskToText(family: Family, netmask: number): string {
  if (family === 'inet6') return String(netmask);
  return [24, 16, 8, 0].map((s) => (netmask >>> s) & 0xff).join('.');
}
/** IPv4: "255.255.255.0" or prefix length 0..32; IPv6: prefix length 1..128. */
export function parseNetmask(family: Family, v: string | number): number {
  const s = String(v).trim().replace(/^\//, '');
  if (family === 'inet' && isIPv4(s)) return addrToBytes(s).readUInt32BE(0);
  if (!/^\d+$/.test(s)) throw new TypeError(`bad netmask "${v}"`);
  const n = Number(s);
  if (family === 'inet6') { if (n < 1 || n > 128) throw new TypeError(`IPv6 netmask must be a prefix length 1..128, not ${n}`); return n; }
  if (n > 32) throw new TypeError(`IPv4 netmask prefix must be 0..32, not ${n}`);
  return n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
}

// ---------- comparison (what the planner considers "equal") ----------

export function sameServiceKey(a: ServiceKey, b: ServiceKey): boolean { return serviceKeyId(a) === serviceKeyId(b); }
