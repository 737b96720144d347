/**
 * A Resolver from this machine's /etc/hosts, /etc/services and hostname.
 * Synchronous file reads only, no DNS: names not in /etc/hosts can be
 * pre-resolved by the caller (extraHosts), e.g. with dns.lookup.
 */
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { createResolver, parseHosts, parseServices } from './resolver.ts';
import type { Resolver } from './types.ts';

export interface SystemResolverOptions {
  hostsFile?: string;
  servicesFile?: string;
  /** Extra name → addresses, consulted after /etc/hosts. */
  extraHosts?: Record<string, string[]>;
  /** Default: $HOSTNAME, else os.hostname() (ldirectord: $ENV{HOSTNAME}, else uname). */
  hostname?: string;
}

function read(p: string): string {
  try { return readFileSync(p, 'utf8'); } catch { return ''; }
}

export function systemResolver(opts: SystemResolverOptions = {}): Resolver {
  const hosts = parseHosts(read(opts.hostsFile ?? '/etc/hosts'));
  for (const [k, v] of Object.entries(opts.extraHosts ?? {})) hosts.set(k.toLowerCase(), [...(hosts.get(k.toLowerCase()) ?? []), ...v]);
  return createResolver({
    hosts,
    services: parseServices(read(opts.servicesFile ?? '/etc/services')),
    hostname: opts.hostname ?? process.env['HOSTNAME'] ?? osHostname(),
  });
}
