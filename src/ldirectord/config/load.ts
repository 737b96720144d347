/**
 * I/O wrapper for the daemon: find the file like ldirectord, read it, resolve
 * names (/etc/hosts, /etc/services, then DNS for what is left), parse, and
 * build the effective model. Throws LdirectordConfigError / ConfigError.
 */
import { readFile } from 'node:fs/promises';
import { effectiveConfig, type EffectiveConfig } from './effective.ts';
import { locateConfig, type LocateOptions } from './locate.ts';
import { checkLdirectordConfig, LdirectordConfigError } from './parse.ts';
import { systemResolver, type SystemResolverOptions } from './system-resolver.ts';
import type { ConfigIssue, Family, ParsedConfig, Resolver } from './types.ts';

export type HostLookup = (name: string, family: Family) => Promise<string[]>;

export interface LoadOptions extends LocateOptions, SystemResolverOptions {
  /** DNS lookup for names missing from /etc/hosts; default node:dns lookup (all addresses). Pass null to disable. */
  lookup?: HostLookup | null;
}

export interface LoadedConfig {
  path: string;
  /** $CFGNAME, used in /var/run/ldirectord.<name>.pid. */
  name: string;
  text: string;
  parsed: ParsedConfig;
  effective: EffectiveConfig;
  warnings: ConfigIssue[];
}

async function dnsLookup(name: string, family: Family): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  try {
    return (await lookup(name, { family: family === 'inet' ? 4 : 6, all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/** A resolver wrapper that records the host names it could not resolve. */
export function recordingResolver(inner: Resolver): { resolver: Resolver; missing: Map<string, Family> } {
  const missing = new Map<string, Family>();
  return {
    missing,
    resolver: {
      host(name, family) {
        const r = inner.host(name, family);
        if (r === undefined) missing.set(name, family);
        return r;
      },
      service: (n, p) => inner.service(n, p),
      hostname: () => inner.hostname(),
    },
  };
}

/** Parse text with system lookups; names not in /etc/hosts go through `lookup` (DNS) once. */
export async function parseWithLookups(text: string, file: string, opts: LoadOptions = {}): Promise<{ parsed: ParsedConfig; warnings: ConfigIssue[] }> {
  const first = recordingResolver(systemResolver(opts));
  let r = checkLdirectordConfig(text, { file, resolver: first.resolver });
  const lookup = opts.lookup === undefined ? dnsLookup : opts.lookup;
  if (r.errors.length > 0 && first.missing.size > 0 && lookup) {
    const extraHosts: Record<string, string[]> = { ...opts.extraHosts };
    for (const [name, family] of first.missing) {
      extraHosts[name] = [...(extraHosts[name] ?? []), ...(await lookup(name, family))];
    }
    r = checkLdirectordConfig(text, { file, resolver: systemResolver({ ...opts, extraHosts }) });
  }
  if (r.errors.length > 0 || !r.config) throw new LdirectordConfigError(r.errors);
  return { parsed: r.config, warnings: r.warnings };
}

export async function loadLdirectordConfig(cfg?: string, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const { path, name } = locateConfig(cfg, opts);
  const text = await readFile(path, 'utf8');
  const { parsed, warnings } = await parseWithLookups(text, path, opts);
  const effective = effectiveConfig(parsed, warnings);
  return { path, name, text, parsed, effective, warnings: effective.warnings };
}
