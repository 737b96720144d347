/** Minimal IPv4/IPv6 address arithmetic for validating a cluster description (pure). */
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;
export interface Addr { family: Family; value: bigint; text: string }
export interface Cidr extends Addr { prefix: number | undefined }

function v4ToBig(s: string): bigint {
  return s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBig(s: string): bigint {
  let str = s;
  // embedded IPv4 tail (::ffff:1.2.3.4)
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (m) {
    const v = v4ToBig(m[2]!);
    str = `${m[1]}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = str.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function parseAddr(s: string): Addr | undefined {
  if (isIPv4(s)) return { family: 4, value: v4ToBig(s), text: s };
  if (isIPv6(s)) return { family: 6, value: v6ToBig(s), text: s.toLowerCase() };
  return undefined;
}

/** "a.b.c.d[/len]" → Cidr, or undefined if malformed (bad address or prefix out of range). */
export function parseCidr(s: string): Cidr | undefined {
  const [ip, len, extra] = s.split('/');
  if (ip === undefined || extra !== undefined) return undefined;
  const a = parseAddr(ip);
  if (!a) return undefined;
  if (len === undefined) return { ...a, prefix: undefined };
  if (!/^\d{1,3}$/.test(len)) return undefined;
  const p = Number(len);
  if (p > (a.family === 4 ? 32 : 128)) return undefined;
  return { ...a, prefix: p };
}

function mask(family: Family, prefix: number): bigint {
  const bits = family === 4 ? 32n : 128n;
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

export function sameSubnet(a: Addr, b: Addr, prefix: number): boolean {
  if (a.family !== b.family) return false;
  const m = mask(a.family, prefix);
  return (a.value & m) === (b.value & m);
}

export function sameAddr(a: Addr, b: Addr): boolean {
  return a.family === b.family && a.value === b.value;
}

/** The network address (all host bits 0) or, for IPv4, the broadcast address: not usable as a host address. */
export function isNetworkOrBroadcast(a: Addr, prefix: number): boolean {
  const bits = a.family === 4 ? 32 : 128;
  if (prefix >= bits - 1) return false;
  const m = mask(a.family, prefix);
  const host = a.value & ~m & ((1n << BigInt(bits)) - 1n);
  return host === 0n || (a.family === 4 && host === (1n << BigInt(bits - prefix)) - 1n);
}

/** "ip:port" / "[v6]:port" → parts, or undefined. */
export function parseHostPort(s: string): { addr: Addr; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m) return undefined;
  const addr = parseAddr(m[1]!);
  const port = Number(m[2]);
  if (!addr || port < 1 || port > 65535) return undefined;
  return { addr, port };
}

export function formatHostPort(a: Addr, port: number): string {
  return a.family === 6 ? `[${a.text}]:${port}` : `${a.text}:${port}`;
}
