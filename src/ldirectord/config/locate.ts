/**
 * ldirectord's config-file search (ld_init): a name is tried as
 * <root>/etc/ha.d/<cfg>, then <root>/etc/ha.d/conf/<cfg>, then as given.
 * With one command-line argument ldirectord uses "ldirectord.cf".
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../../errors.ts';

export const DEFAULT_CONFIG_NAME = 'ldirectord.cf';

export interface LocateOptions {
  /** Prefix for /etc/ha.d (tests); default "/". The literal-path fallback is not prefixed. */
  root?: string;
  /** Injectable "is a regular file" test (default: fs.statSync). */
  isFile?: (path: string) => boolean;
}

function defaultIsFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

/** The candidate paths, in ldirectord's order. */
export function configCandidates(cfg: string = DEFAULT_CONFIG_NAME, root = '/'): string[] {
  return [join(root, 'etc/ha.d', cfg), join(root, 'etc/ha.d/conf', cfg), cfg];
}

/** Resolve like ldirectord; throws ConfigError listing where it looked. */
export function locateConfig(cfg: string = DEFAULT_CONFIG_NAME, opts: LocateOptions = {}): { path: string; name: string } {
  const isFile = opts.isFile ?? defaultIsFile;
  const cands = configCandidates(cfg, opts.root ?? '/');
  for (const p of cands) {
    // ldirectord uses "-f": Perl's -f follows symlinks, as statSync does.
    if (isFile(p)) return { path: p, name: configName(cfg) };
  }
  throw new ConfigError(`config file ${cfg} not found`, {
    where: cfg,
    hint: `looked in ${cands.join(', ')}; give an existing file or create /etc/ha.d/${cfg}`,
    context: { candidates: cands },
  });
}

/** $CFGNAME: the last path component (used in the pid file name /var/run/ldirectord.<name>.pid). */
export function configName(cfg: string = DEFAULT_CONFIG_NAME): string {
  if (cfg === DEFAULT_CONFIG_NAME) return 'ldirectord';
  return basename(cfg);
}
