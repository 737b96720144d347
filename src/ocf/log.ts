/**
 * ocf_log for lvsha: every line to stderr (Pacemaker captures it into its log),
 * and, as ocf-shellfuncs does, to HA_LOGFILE / HA_DEBUGLOG (PCMK_ variants too)
 * and to syslog when a facility is configured. Debug lines only with HA_debug=1.
 * Synchronous appends: an agent is short-lived and must not lose its last words.
 */
import { appendFileSync } from 'node:fs';
import { lvshaNative } from '../native/lvsha-native.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'err' | 'crit';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  err(msg: string): void;
  crit(msg: string): void;
}

export interface LogSinks {
  stderr: (line: string) => void;
  logfile: string | undefined;
  debuglog: string | undefined;
  debug: boolean;
  /** syslog facility name, or undefined for none */
  facility: string | undefined;
  /** the syslog socket (/dev/log) */
  syslogSocket: string;
  tag: string;
}

const LEVEL_TAG: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', err: 'ERROR', crit: 'CRIT' };
const SYSLOG_SEVERITY: Record<LogLevel, number> = { crit: 2, err: 3, warn: 4, info: 6, debug: 7 };
const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export function sinksFromEnv(env: Record<string, string | undefined>, tag: string): LogSinks {
  const fac = env.HA_LOGFACILITY ?? env.PCMK_logfacility;
  return {
    stderr: (line) => process.stderr.write(line + '\n'),
    logfile: nonEmpty(env.HA_LOGFILE ?? env.PCMK_logfile),
    debuglog: nonEmpty(env.HA_DEBUGLOG ?? env.PCMK_debugfile),
    debug: /^(1|yes|true|on)$/i.test(env.HA_debug ?? env.PCMK_debug ?? ''),
    facility: fac && fac !== 'none' && fac in FACILITIES ? fac : undefined,
    syslogSocket: env.LVSHA_SYSLOG_SOCKET ?? '/dev/log',
    tag,
  };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' || s === '/dev/null' ? undefined : s;
}

export function createLogger(sinks: LogSinks): Logger {
  const emit = (level: LogLevel, msg: string): void => {
    if (level === 'debug' && !sinks.debug) return;
    const line = `${sinks.tag}: ${LEVEL_TAG[level]}: ${msg}`;
    sinks.stderr(line);
    const stamped = `${sinks.tag}(${process.pid})[${new Date().toISOString()}]: ${LEVEL_TAG[level]}: ${msg}\n`;
    const file = level === 'debug' ? sinks.debuglog : sinks.logfile;
    if (file) {
      try { appendFileSync(file, stamped); } catch { /* an unwritable log must not fail the action */ }
    }
    if (sinks.facility) sendSyslog(sinks.syslogSocket, sinks.facility, level, sinks.tag, msg);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    err: (m) => emit('err', m),
    crit: (m) => emit('crit', m),
  };
}

/** RFC 3164 datagram to the syslog socket (Node has no unix datagram sockets: lvsha's native helper sends it); best effort. */
export function sendSyslog(socket: string, facility: string, level: LogLevel, tag: string, msg: string): void {
  const pri = (FACILITIES[facility] ?? 1) * 8 + SYSLOG_SEVERITY[level];
  try {
    lvshaNative().sendUnixDgram(socket, Buffer.from(`<${pri}>${tag}[${process.pid}]: ${msg}`));
  } catch {
    // no syslog daemon listening: stderr and the log files still have the line
  }
}
