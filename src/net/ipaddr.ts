/**
 * IPv4/IPv6 text <-> bytes, RFC 5952 formatting, prefix arithmetic. Pure.
 */

export type Family = 4 | 6;
export const AF_INET = 2;
export const AF_INET6 = 10;

export function afOf(family: Family): number {
  return family === 4 ? AF_INET : AF_INET6;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Strict dotted quad; undefined if invalid. */
export function parseIPv4(s: string): Uint8Array | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** RFC 4291 text forms, including a trailing dotted quad; undefined if invalid. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let text = s;
  if (text.includes('.')) {
    // a trailing dotted quad stands for the last two groups
    const idx = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(idx + 1));
    if (!v4) return undefined;
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16), lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    text = `${text.slice(0, idx + 1)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1 && total !== 8) return undefined;
  if (halves.length === 2 && total > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}

export function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952: lowercase, no leading zeros, the longest run (≥2) of zero groups as "::". */
export function formatIPv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function formatIp(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}

export function parseIp(s: string, family: Family): Uint8Array | undefined {
  return family === 4 ? parseIPv4(s) : parseIPv6(s);
}

/** Does prefix/len contain addr? */
export function prefixContains(prefix: Uint8Array, len: number, addr: Uint8Array): boolean {
  if (prefix.length !== addr.length) return false;
  for (let bit = 0; bit < len; bit++) {
    const byte = bit >> 3, mask = 0x80 >> (bit & 7);
    if ((prefix[byte]! & mask) !== (addr[byte]! & mask)) return false;
  }
  return true;
}

/** iproute2 "brd +" (set host bits) / "brd -" (clear host bits) for an IPv4 address. */
export function broadcastFor(addr: Uint8Array, len: number, mode: '+' | '-'): Uint8Array {
  const out = new Uint8Array(addr);
  for (let bit = len; bit < 32; bit++) {
    const byte = bit >> 3, mask = 0x80 >> (bit & 7);
    out[byte] = mode === '+' ? out[byte]! | mask : out[byte]! & ~mask;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatMac(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
