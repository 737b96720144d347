/**
 * Pure resolvers for the parser: IP literals, a hosts table and an
 * /etc/services table given as text. No DNS and no file access here
 * (system-resolver.ts reads the files).
 */
import type { Family, Resolver } from './types.ts';

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(s: string): boolean {
  return V4.test(s);
}

/** Canonical (RFC 5952, lower case) form of an IPv6 literal, or undefined. */
export function canonicalIPv6(s: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(':')) return undefined;
  try {
    const h = new URL(`http://[${s}]/`).hostname; // WHATWG URL validates and compresses
    return h.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** An IP literal of the family, canonicalised; undefined if it is not one. */
export function ipLiteral(name: string, family: Family): string | undefined {
  if (family === 'inet') return isIPv4(name) ? name : undefined;
  return canonicalIPv6(name);
}

export interface ServiceEntry {
  name: string;
  port: number;
  protocol: string;
}

/** Parse /etc/services text: "name port/proto [aliases...] [# comment]". File order is kept (getservbyname returns the first). */
export function parseServices(text: string): ServiceEntry[] {
  const out: ServiceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const m = /^(\d+)\/(\w+)$/.exec(portProto ?? '');
    if (!name || !m) continue;
    for (const n of [name, ...aliases]) out.push({ name: n, port: Number(m[1]), protocol: m[2]! });
  }
  return out;
}

/** Parse /etc/hosts text into name → addresses (file order). */
export function parseHosts(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const [addr, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (!addr || names.length === 0) continue;
    for (const n of names) {
      const k = n.toLowerCase();
      out.set(k, [...(out.get(k) ?? []), addr]);
    }
  }
  return out;
}

export interface ResolverOptions {
  /** name → addresses (any family; the right family is picked). */
  hosts?: Map<string, string[]> | Record<string, string[]>;
  /** /etc/services entries (parseServices). */
  services?: ServiceEntry[];
  hostname?: string;
}

/** A deterministic resolver: IP literals, then the hosts table; services from the table. */
export function createResolver(opts: ResolverOptions = {}): Resolver {
  const hosts = opts.hosts instanceof Map ? opts.hosts : new Map(Object.entries(opts.hosts ?? {}));
  const services = opts.services ?? [];
  const hostname = opts.hostname ?? 'localhost';
  return {
    host(name, family) {
      const lit = ipLiteral(name, family);
      if (lit) return lit;
      for (const a of hosts.get(name.toLowerCase()) ?? []) {
        const r = ipLiteral(a, family);
        if (r) return r;
      }
      return undefined;
    },
    service(name, protocol) {
      return services.find((s) => s.name === name && (protocol === '' || s.protocol === protocol))?.port;
    },
    hostname: () => hostname,
  };
}
