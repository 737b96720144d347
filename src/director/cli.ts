/**
 * `lvsha ldirectord [-d] [configfile] start|stop|restart|try-restart|reload|force-reload|status [--json]`
 * with ldirectord's config search, pid file and exit codes:
 *   status: 0 running, 3 stopped, 1 stale pid file; reload when stopped: 1;
 *   configuration error at start: 2; config file not found: 1.
 * Differences, on purpose: only start/restart parse the config (stop/status of a
 * running daemon work while the file on disk is broken), and the pid file is
 * written in supervised/-d mode too, so `status` and the agent see the daemon.
 * execute= children: as in ldirectord, the daemon itself starts them after its
 * first pass, reloads them on SIGHUP and stops them on SIGTERM, so `start`,
 * `reload`, `stop` and Pacemaker's signals all carry them (daemon.ts,
 * execute.ts); `status` reports each child after its own.
 */
import { spawn } from 'node:child_process';
import { ConfigError, NotInstalledError, LvshaError } from '../errors.ts';
import { locateConfig } from '../ldirectord/config/locate.ts';
import { pidPath, pidState } from './pidfile.ts';
import { formatStatus, readStatus, statusPath } from './status.ts';

export const COMMANDS = ['start', 'stop', 'restart', 'try-restart', 'reload', 'force-reload', 'status'] as const;
export type LdCommand = (typeof COMMANDS)[number];

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface CliArgs { config: string | undefined; command: LdCommand; debug: boolean; json: boolean }

export const FOREGROUND_ENV = 'LVSHA_LDIRECTORD_FOREGROUND';

export function parseArgs(args: readonly string[]): CliArgs | string {
  const pos: string[] = [];
  let debug = false, json = false;
  for (const a of args) {
    if (a === '-d' || a === '--debug') debug = true;
    else if (a === '--json') json = true;
    else if (a === '--') continue;
    else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else pos.push(a);
  }
  if (pos.length < 1 || pos.length > 2) return 'expected [configfile] start|stop|restart|try-restart|reload|force-reload|status';
  const cmd = pos[pos.length - 1]!;
  if (!(COMMANDS as readonly string[]).includes(cmd)) return `unknown command "${cmd}" (start|stop|restart|try-restart|reload|force-reload|status)`;
  return { config: pos.length === 2 ? pos[0] : undefined, command: cmd as LdCommand, debug, json };
}

/**
 * The argv that runs `ldirectord …` of this program: the SEA binary's own CLI
 * (`lvsha ldirectord …`), or in development node + src/director/main.ts.
 */
export async function daemonArgv(): Promise<string[]> {
  let sea = false;
  try { sea = (await import('node:sea')).isSea(); } catch { /* not available */ }
  if (sea) return [process.execPath, 'ldirectord'];
  const { basename, dirname, join } = await import('node:path');
  const script = process.argv[1] ?? '';
  // development: src/main.ts (agent) or src/director/main.ts (CLI) → src/director/main.ts
  const dev = !script.endsWith('.ts') ? undefined
    : basename(dirname(script)) === 'director' ? script : join(dirname(script), 'director', 'main.ts');
  return [process.execPath, ...process.execArgv, dev ?? script, 'ldirectord'];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitGone(pidFile: string, pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pidState(pidFile).state !== 'running' || !alive(pid)) return true;
    await sleep(100);
  }
  return false;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * @param seen configs whose status is already being reported (internal): execute=
 *             children that name each other are reported once, not forever.
 */
export async function runLdirectordCli(args: readonly string[], io: CliIo, seen: Set<string> = new Set()): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`lvsha ldirectord: ${parsed}\nusage: lvsha ldirectord [-d] [configfile] start|stop|restart|try-restart|reload|force-reload|status [--json]\n`);
    return 2;
  }
  let located: { path: string; name: string };
  try {
    located = locateConfig(parsed.config ?? 'ldirectord.cf', { root: io.env['LVSHA_ETC_ROOT'] ?? '/' });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 1;
  }
  const { path, name } = located;
  const pidFile = pidPath(name, io.env);
  const ps = pidState(pidFile);
  switch (parsed.command) {
    case 'status': {
      if (ps.state === 'running') {
        io.stderr(`ldirectord for ${path} is running with pid: ${ps.pid}\n`);
        const st = readStatus(statusPath(name, io.env));
        if (parsed.json) io.stdout(JSON.stringify(st ?? { pid: ps.pid, config: path, phase: 'unknown' }, null, 1) + '\n');
        else if (st) io.stdout(formatStatus(st));
        // ldirectord's status also runs `ldirectord <cfg> status` for every execute= child (its exit code stays ours)
        seen.add(path);
        if (!parsed.json) {
          for (const child of st?.children ?? []) {
            let key = child;
            try { key = locateConfig(child, { root: io.env['LVSHA_ETC_ROOT'] ?? '/' }).path; } catch { /* its own status says so */ }
            if (!seen.has(key)) await runLdirectordCli([child, 'status'], io, seen);
          }
        }
        return 0;
      }
      if (ps.state === 'stale') io.stderr(`ldirectord stale pid file ${pidFile} for ${path}\n`);
      if (parsed.json) io.stdout(JSON.stringify({ config: path, phase: 'stopped', stalePid: ps.state === 'stale' }) + '\n');
      else io.stdout(`ldirectord is stopped for ${path}\n`);
      return ps.state === 'stale' ? 1 : 3;
    }
    case 'reload': case 'force-reload':
      if (ps.state !== 'running') { io.stderr(`ldirectord is stopped for ${path}\n`); return 1; }
      process.kill(ps.pid, 'SIGHUP');
      return 0;
    case 'stop':
      if (ps.state !== 'running') return 0;
      process.kill(ps.pid, 'SIGTERM');
      await waitGone(pidFile, ps.pid, 30_000);
      return 0;
    case 'try-restart':
    case 'restart':
      if (ps.state === 'running') {
        process.kill(ps.pid, 'SIGTERM');
        if (!await waitGone(pidFile, ps.pid, 60_000)) { io.stderr(`ldirectord (pid ${ps.pid}) did not stop within 60 s\n`); return 1; }
      } else if (parsed.command === 'try-restart') return 0;
      return start(path, name, parsed, io);
    case 'start':
      if (ps.state === 'running') return 0;
      return start(path, name, parsed, io);
  }
}

async function start(path: string, name: string, args: CliArgs, io: CliIo): Promise<number> {
  const { Director } = await import('./daemon.ts');
  let director;
  try {
    director = Director.load({ configPath: path, name, stdoutLog: args.debug, debug: args.debug, env: io.env });
  } catch (e) {
    if (e instanceof ConfigError) { io.stderr(`${e.message}\n`); return 2; }
    throw e;
  }
  const foreground = args.debug || director.cfg.supervised || io.env[FOREGROUND_ENV] === '1';
  if (foreground) {
    const stdoutLog = args.debug || director.cfg.supervised;
    if (io.env[FOREGROUND_ENV] === '1') {
      // detached child: the parent stops reading our stderr once we are up
      process.stderr.on('error', () => {});
      process.stdout.on('error', () => {});
    }
    const d = stdoutLog ? Director.load({ configPath: path, name, stdoutLog, debug: args.debug, env: io.env }) : director;
    try {
      return await d.run();
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return e instanceof NotInstalledError ? 5 : 1;
    }
  }
  // Daemonise: the same program in the foreground, detached, in its own session.
  const argv = await daemonArgv();
  const child = spawn(argv[0]!, [...argv.slice(1), path, 'start'], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...io.env, [FOREGROUND_ENV]: '1' },
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const pidFile = pidPath(name, io.env);
  const code = await new Promise<number>((resolve) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      const ps = pidState(pidFile);
      if (ps.state === 'running' && ps.pid === child.pid) { clearInterval(poll); resolve(0); }
      else if (Date.now() - t0 > 120_000) { clearInterval(poll); err += 'daemon did not write its pid file within 120 s\n'; resolve(1); }
    }, 50);
    // 'close', not 'exit': the child's last stderr lines (why it failed) arrive after 'exit'
    child.once('close', (c) => { clearInterval(poll); resolve(c === 0 ? 1 : (c ?? 1)); });
  });
  child.stderr!.destroy();
  child.unref();
  if (err) io.stderr(err);
  return code;
}

/** For errors the CLI maps itself. */
export class LdirectordCliError extends LvshaError {}
