/**
 * The daemon's log, as ldirectord writes it: `logfile="/path"` gets lines
 * `[Sun Nov 22 03:49:21 2026|ldirectord.cf|1234] message`; a facility name
 * goes to syslog as datagrams through the native helper (src/ocf/log.ts sendSyslog; the lines
 * are few: state changes, not every check); supervised/debug mode also prints to stdout. monitorfile lines follow
 * the code's format `[date] [pid] <real id> [up|down] <msg>`.
 */
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { LogTarget } from './model.ts';
import { sendSyslog } from '../ocf/log.ts';

function perlTime(d = new Date()): string {
  // Perl's scalar localtime: "Sun Nov 22 03:49:21 2026"
  const s = d.toString(); // "Sun Nov 22 2026 03:49:21 GMT+0000 (...)"
  const m = /^(\w{3}) (\w{3}) (\d{2}) (\d{4}) (\d{2}:\d{2}:\d{2})/.exec(s);
  if (!m) return d.toISOString();
  return `${m[1]} ${m[2]} ${String(Number(m[3])).padStart(2, ' ')} ${m[5]} ${m[4]}`;
}

export interface DaemonLog {
  info(msg: string): void;
  warn(msg: string): void;
  err(msg: string): void;
  debug(msg: string): void;
  monitor(file: string, realId: string, up: boolean, msg: string): void;
  retarget(target: LogTarget, configFile: string): void;
}

export function createDaemonLog(target: LogTarget, configFile: string, opts: { stdout: boolean; debug: boolean }): DaemonLog {
  let cfgName = basename(configFile);
  let tgt = target;
  const syslogSocket = process.env.LVSHA_SYSLOG_SOCKET ?? '/dev/log';
  const syslog = (facility: string, level: 'info' | 'warn' | 'err' | 'debug', msg: string): void =>
    sendSyslog(syslogSocket, facility, level, 'ldirectord', msg);
  const line = (level: 'info' | 'warn' | 'err' | 'debug', msg: string): void => {
    if (level === 'debug' && !opts.debug) return;
    const text = `[${perlTime()}|${cfgName}|${process.pid}] ${msg}`;
    if (opts.stdout) process.stdout.write(text + '\n');
    if (tgt.kind === 'file') {
      try { appendFileSync(tgt.path, text + '\n'); } catch { /* an unwritable log must not stop the director */ }
    } else syslog(tgt.facility, level, msg);
  };
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    err: (m) => line('err', m),
    debug: (m) => line('debug', m),
    monitor(file, realId, up, msg) {
      const esc = msg.replace(/[%|\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
      try { appendFileSync(file, `[${perlTime()}] [${process.pid}] ${realId.replace(/:+/g, ' ')} [${up ? 'up' : 'down'}] ${esc}\n`); }
      catch (e) { line('err', `Error writing to monitorfile '${file}': ${(e as Error).message}`); }
    },
    retarget(t, file) { tgt = t; cfgName = basename(file); },
  };
}
