/**
 * ldirectord's pid file: /run/ldirectord.<cfgname>.pid, stale unless
 * /proc/<pid>/cmdline contains "ldirectord" (as the Perl ld_init checks).
 */
import { readFileSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

export function pidPath(name: string, env: Record<string, string | undefined> = process.env): string {
  return join(env['LVSHA_PID_DIR'] ?? '/run', `ldirectord.${name}.pid`);
}

export type PidState = { state: 'running'; pid: number } | { state: 'stale'; pid: number } | { state: 'none' };

export function readPid(path: string): number | undefined {
  try {
    const m = /^\s*(\d+)/.exec(readFileSync(path, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Is `pid` a live ldirectord (ours or Perl's)? */
export function isLdirectord(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('ldirectord');
  } catch {
    return false;
  }
}

export function pidState(path: string): PidState {
  const pid = readPid(path);
  if (pid === undefined) {
    try { readFileSync(path); return { state: 'stale', pid: 0 }; } catch { return { state: 'none' }; }
  }
  return isLdirectord(pid) ? { state: 'running', pid } : { state: 'stale', pid };
}

export function writePid(path: string, pid = process.pid): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n`, { mode: 0o644 });
}

/** Remove the pid file if it still names `pid`. */
export function removePid(path: string, pid = process.pid): void {
  if (readPid(path) === pid) {
    try { unlinkSync(path); } catch { /* already gone */ }
  }
}
