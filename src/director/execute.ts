/**
 * execute= children, pure: which other ldirectord configurations this one
 * starts, stops and reloads with itself, in which order, and which argument
 * each child gets. ldirectord runs `ldirectord <value> start` through a shell
 * (so quotes are the shell's), and the child looks the name up like any
 * command-line config: /etc/ha.d/<name>, /etc/ha.d/conf/<name>, then the
 * literal path, relative to the daemon's directory ("/" once daemonised).
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { configCandidates } from '../ldirectord/config/locate.ts';

export interface ExecuteEntry { config: string; line: number }

export interface ExecuteChild {
  /** What the child command gets: the name as written when /etc/ha.d has it, else the absolute path. */
  arg: string;
  /** The configuration file it names. */
  path: string;
  /** "file:line" of the execute= line, for every message about it. */
  where: string;
}

export interface ResolveOptions {
  /** Prefix of /etc/ha.d (LVSHA_ETC_ROOT in tests); default "/". */
  root?: string;
  /** Base of a relative literal path: "/" for a daemonised director (ldirectord chdirs there), else its cwd. */
  cwd: string;
  isFile: (path: string) => boolean;
}

/** The value as sh would hand it over: surrounding quotes removed, outer blanks dropped. */
export function unquote(raw: string): string {
  const t = raw.trim();
  const m = /^"([^"]*)"$/.exec(t) ?? /^'([^']*)'$/.exec(t);
  return (m ? m[1]! : t).trim();
}

/**
 * Resolve every execute= entry. Missing files are errors (the child could not
 * start); the configuration itself and a second spelling of the same file are
 * warnings. Only resolvable, distinct children are returned, in file order.
 */
export function resolveExecute(file: string, entries: readonly ExecuteEntry[], opts: ResolveOptions): { children: ExecuteChild[]; errors: ConfigError[]; warnings: ConfigError[] } {
  const children: ExecuteChild[] = [];
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  const self = resolve(file);
  const seen = new Map<string, string>();
  for (const e of entries) {
    const where = `${file}:${e.line}`;
    const name = unquote(e.config);
    const cands = configCandidates(name, opts.root ?? '/');
    const literal = isAbsolute(name) ? name : resolve(opts.cwd, name);
    cands[cands.length - 1] = literal;
    const idx = cands.findIndex((p) => opts.isFile(p));
    if (idx < 0) {
      errors.push(new ConfigError(`execute=${e.config}: configuration ${name} not found`, {
        where, hint: `looked in ${cands.join(', ')}; create it, or give an absolute path`, context: { candidates: cands },
      }));
      continue;
    }
    const path = resolve(cands[idx]!);
    if (path === self) {
      warnings.push(new ConfigError(`execute=${e.config} names this configuration itself; ignored`, { where, hint: 'remove the line' }));
      continue;
    }
    const first = seen.get(path);
    if (first !== undefined) {
      warnings.push(new ConfigError(`execute=${e.config} is the same configuration as the execute= at ${first}; ignored`, { where, hint: 'remove one of the two lines' }));
      continue;
    }
    seen.set(path, where);
    // a name found under /etc/ha.d is passed as written, so the child's pid file name is the one `ldirectord <name>` uses
    children.push({ arg: idx < cands.length - 1 ? name : literal, path, where });
  }
  return { children, errors, warnings };
}

export type ChildAction = 'start' | 'stop' | 'reload-or-start';
export interface ChildStep { action: ChildAction; child: ExecuteChild }

/** Start: in file order, after this director's first pass (ldirectord: after ld_start). */
export function planStart(children: readonly ExecuteChild[]): ChildStep[] {
  return children.map((child) => ({ action: 'start', child }));
}

/** Stop: the last started stops first. */
export function planStop(children: readonly ExecuteChild[]): ChildStep[] {
  return [...children].reverse().map((child) => ({ action: 'stop', child }));
}

/**
 * Reload (ldirectord reread_config): children no longer listed stop, listed
 * ones reload (or start if they are not running), new ones start.
 */
export function planReload(old: readonly ExecuteChild[], next: readonly ExecuteChild[]): ChildStep[] {
  const nextPaths = new Set(next.map((c) => c.path));
  const oldPaths = new Set(old.map((c) => c.path));
  const steps = planStop(old.filter((c) => !nextPaths.has(c.path)));
  for (const child of next) steps.push({ action: oldPaths.has(child.path) ? 'reload-or-start' : 'start', child });
  return steps;
}
