/**
 * Pure parser for ldirectord.cf, following Perl ldirectord's read_config()
 * line by line (its regular expressions are ported as written, unanchored
 * ends included, so a file Perl accepts parses the same here).
 *
 * Differences on purpose: all errors are collected (Perl stops at the first),
 * messages name file:line, the text and the fix; file-system side effects of
 * read_config (opening logfile/monitorfile, -d maintenancedir) are left to the
 * daemon; host/service lookups go through an injected Resolver.
 */
import { ConfigError } from '../../errors.ts';
import { createResolver } from './resolver.ts';
import {
  EMAIL_ALERT_STATUSES, SERVICE_PORTS, SERVICES,
  type ConfigIssue, type EmailAlertStatus, type Family, type FallbackConfig, type Forward, type GlobalConfig,
  type ParseResult, type ParsedConfig, type RealConfig, type Resolver, type Service, type VirtualConfig,
} from './types.ts';

export interface ParseOptions {
  /** File name used in messages (default "ldirectord.cf"). */
  file?: string;
  resolver?: Resolver;
}

/** Directives accepted at the top level (not indented). */
export const GLOBAL_DIRECTIVES = [
  'virtual', 'virtual6', 'checktimeout', 'negotiatetimeout', 'checkinterval', 'checkcount', 'failurecount',
  'fallback', 'fallback6', 'fallbackcommand', 'autoreload', 'callback', 'logfile', 'execute', 'fork',
  'supervised', 'quiescent', 'readdquiescent', 'emailalert', 'emailalertfreq', 'emailalertstatus',
  'emailalertfrom', 'cleanstop', 'smtp', 'maintenancedir',
] as const;

/** Directives accepted inside a virtual section (indented by >= 4 spaces or a tab). */
export const VIRTUAL_DIRECTIVES = [
  'real', 'real6', 'request', 'receive', 'checktype', 'checkcommand', 'checktimeout', 'negotiatetimeout',
  'checkcount', 'failurecount', 'checkinterval', 'checkport', 'login', 'passwd', 'database', 'secret', 'load',
  'scheduler', 'persistent', 'schedflags', 'netmask', 'protocol', 'ops', 'service', 'httpmethod',
  'virtualhost', 'fallback', 'fallback6', 'fallbackcommand', 'quiescent', 'emailalert', 'emailalertfreq',
  'emailalertstatus', 'monitorfile', 'cleanstop', 'smtp', 'servicename', 'comment',
] as const;

const ALL_STATUSES: EmailAlertStatus[] = [...EMAIL_ALERT_STATUSES];

export function defaultGlobal(): GlobalConfig {
  // ldirectord's set_defaults(); note quiescent = no (the manual says yes).
  return {
    checktimeout: undefined, negotiatetimeout: undefined, checkinterval: 10, checkcount: 1, failurecount: 1,
    autoreload: false, callback: undefined, fallback: undefined, fallback6: undefined,
    fallbackcommand: undefined, logfile: { kind: 'file', path: '/var/log/ldirectord.log' }, emailalert: '',
    emailalertfreq: 0, emailalertstatus: [...ALL_STATUSES], emailalertfrom: undefined, smtp: undefined,
    execute: [], executeLines: [], supervised: false, fork: false, quiescent: false, readdquiescent: false, cleanstop: true,
    maintenancedir: undefined,
  };
}

/** Perl truthiness of a string ("" and "0" are false). */
const perlTrue = (s: string | undefined): boolean => s !== undefined && s !== '' && s !== '0';

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** Closest candidate within a small edit distance (ties: longest common prefix). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const prefix = (c: string) => { let i = 0; while (i < c.length && c[i] === w[i]) i++; return i; };
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = levenshtein(w, c);
    if (dist < bestD || (dist === bestD && best !== undefined && prefix(c) > prefix(best))) { bestD = dist; best = c; }
  }
  return best !== undefined && bestD <= (w.length <= 4 ? 1 : 2) ? best : undefined;
}

/** Other tools' names for the forwarding methods. */
const FORWARD_ALIASES: Record<string, Forward> = {
  nat: 'masq', masquerade: 'masq', masquerading: 'masq', dr: 'gate', route: 'gate', routing: 'gate', droute: 'gate',
  direct: 'gate', tun: 'ipip', tunnel: 'ipip',
};

function forwardHint(word: string, where: string): string {
  const alias = FORWARD_ALIASES[word.toLowerCase()];
  if (alias) return `write ${alias}: ldirectord's name for ${word}`;
  const s = suggest(word, ['gate', 'masq', 'ipip']);
  return s ? `did you mean "${s}"?` : `write gate, masq or ipip${where}`;
}

/** Thrown by parseLdirectordConfig: every error found, in file order. */
export class LdirectordConfigError extends ConfigError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const first = issues[0]!;
    super(first.message, {
      where: `${first.file}:${first.line}`,
      ...(first.hint !== undefined ? { hint: first.hint } : {}),
      context: { file: first.file, line: first.line, text: first.text, errors: issues.length },
    });
    this.issues = issues;
    if (issues.length > 1) {
      this.message = `${issues.length} errors in ${first.file}:\n` + issues.map(formatIssue).join('\n');
    }
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;
}

/** Parse and throw LdirectordConfigError (all errors) if anything is wrong. */
export function parseLdirectordConfig(text: string, opts: ParseOptions = {}): { config: ParsedConfig; warnings: ConfigIssue[] } {
  const r = checkLdirectordConfig(text, opts);
  if (r.errors.length > 0 || !r.config) throw new LdirectordConfigError(r.errors);
  return { config: r.config, warnings: r.warnings };
}

/** Parse without throwing: every error and warning. */
export function checkLdirectordConfig(text: string, opts: ParseOptions = {}): ParseResult {
  return new Parser(text, opts).run();
}

interface PendingReal { text: string; line: number }

interface Fb { server: string; port: string | undefined; forward: Forward }

class Parser {
  private readonly file: string;
  private readonly resolver: Resolver;
  private readonly lines: string[];
  private readonly errors: ConfigIssue[] = [];
  private readonly warnings: ConfigIssue[] = [];
  private readonly global = defaultGlobal();
  private readonly virtuals: VirtualConfig[] = [];
  private readonly seen = new Map<string, number>();

  constructor(text: string, opts: ParseOptions) {
    this.file = opts.file ?? 'ldirectord.cf';
    this.resolver = opts.resolver ?? createResolver();
    this.lines = text.split('\n');
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
  }

  private err(line: number, text: string, message: string, hint?: string): void {
    this.errors.push({ file: this.file, line, text, message, ...(hint !== undefined ? { hint } : {}) });
  }

  private warn(line: number, text: string, message: string, hint?: string): void {
    this.warnings.push({ file: this.file, line, text, message, ...(hint !== undefined ? { hint } : {}) });
  }

  run(): ParseResult {
    let i = 0;
    while (i < this.lines.length) {
      const data = this.lines[i]!;
      const lineNo = i + 1;
      i++;
      const vm = /^virtual(6)?\s*=\s*(.*)/s.exec(data);
      if (vm) {
        i = this.virtualSection(vm[1] ? 'inet6' : 'inet', vm[2]!, lineNo, i);
        continue;
      }
      if (/^\s*$/.test(data) || /^\s*#/.test(data)) continue;
      this.globalLine(data, lineNo);
    }
    if (!this.global.fork) {
      for (const v of this.virtuals) {
        if (v.checkinterval !== undefined) {
          this.warn(v.line, 'checkinterval', `checkinterval in virtual service ${virtualId(v)} ignored when fork=no`,
            'set fork=yes, or move checkinterval to the global section');
        }
      }
    }
    // Reals are resolved at the end of their section: report in file order.
    this.errors.sort((a, b) => a.line - b.line);
    this.warnings.sort((a, b) => a.line - b.line);
    const config: ParsedConfig = { file: this.file, global: this.global, virtuals: this.virtuals };
    return { config: this.errors.length === 0 ? config : undefined, errors: this.errors, warnings: this.warnings };
  }

  // ---- global section -------------------------------------------------------------------------

  private globalLine(data: string, line: number): void {
    const g = this.global;
    const m = (re: RegExp) => re.exec(data);
    let r: RegExpExecArray | null;
    const yesNo = (name: string, v: string, set: (b: boolean) => void) => {
      if (v === 'yes' || v === 'no') set(v === 'yes');
      else this.err(line, data, `invalid ${name} value "${v}"`, `write ${name}=yes or ${name}=no`);
    };
    if ((r = m(/^checktimeout\s*=\s*(.*)/s))) {
      const n = positiveInt(r[1]!);
      if (n === undefined || n <= 0) this.err(line, data, `invalid check timeout value "${r[1]}"`, 'write checktimeout=<seconds>, a whole number > 0');
      else g.checktimeout = n;
    } else if ((r = m(/^connecttimeout\s*=\s*(.*)/s))) {
      this.err(line, data, 'connecttimeout directive deprecated in favour of negotiatetimeout', `write negotiatetimeout=${r[1]!.trim() || '<seconds>'}`);
    } else if ((r = m(/^negotiatetimeout\s*=\s*(.*)/s))) {
      const n = positiveInt(r[1]!);
      if (n === undefined || n <= 0) this.err(line, data, `invalid negotiate timeout value "${r[1]}"`, 'write negotiatetimeout=<seconds>, a whole number > 0');
      else g.negotiatetimeout = n;
    } else if ((r = m(/^checkinterval\s*=\s*(.*)/s))) {
      const n = truthyInt(r[1]!);
      if (n === undefined) this.err(line, data, `invalid check interval value "${r[1]}"`, 'write checkinterval=<seconds>, a whole number > 0');
      else g.checkinterval = n;
    } else if ((r = m(/^checkcount\s*=\s*(.*)/s))) {
      const n = truthyInt(r[1]!);
      if (n === undefined) this.err(line, data, `invalid check count value "${r[1]}"`, 'write checkcount=<n>, a whole number > 0');
      else {
        g.checkcount = n;
        this.warn(line, data, 'checkcount option is deprecated and slated for removal', "use 'failurecount'");
      }
    } else if ((r = m(/^failurecount\s*=\s*(.*)/s))) {
      const n = truthyInt(r[1]!);
      if (n === undefined) this.err(line, data, `invalid failure count value "${r[1]}"`, 'write failurecount=<n>, a whole number > 0');
      else g.failurecount = n;
    } else if ((r = m(/^fallback(6)?\s*=\s*(.*)/s))) {
      const family: Family = r[1] ? 'inet6' : 'inet';
      const fb = this.parseFallback(line, r[2]!, undefined);
      if (fb) {
        const tcp = this.resolveFallback(line, 'tcp', fb, family);
        const udp = tcp && this.resolveFallback(line, 'udp', fb, family);
        if (tcp && udp) {
          if (family === 'inet') g.fallback = { tcp, udp };
          else g.fallback6 = { tcp, udp };
        }
      }
    } else if ((r = m(/^fallbackcommand\s*=\s*(.*)/s))) {
      if (r[1] === '') this.err(line, data, 'invalid fallback command: empty', 'write fallbackcommand="/path/to/script"');
      else g.fallbackcommand = r[1]!;
    } else if ((r = m(/^autoreload\s*=\s*(.*)/s))) {
      yesNo('autoreload', r[1]!, (b) => { g.autoreload = b; });
    } else if ((r = m(/^callback\s*=\s*"(.*)"/s))) {
      g.callback = r[1]!;
    } else if ((r = m(/^logfile\s*=\s*"(.*)"/s))) {
      const v = r[1]!;
      g.logfile = v.startsWith('/') ? { kind: 'file', path: v } : { kind: 'syslog', facility: v };
    } else if ((r = m(/^execute\s*=\s*(.*)/s))) {
      // ldirectord runs `ldirectord <value> start` through a shell: an empty value would start ldirectord.cf.
      if (/^\s*("\s*"|'\s*')?\s*$/.test(r[1]!)) {
        this.err(line, data, 'execute= names no configuration', 'write execute=<config file>, looked up like the command-line argument (/etc/ha.d/<name>, /etc/ha.d/conf/<name>, or a path)');
      } else if (!g.execute.includes(r[1]!)) { g.execute.push(r[1]!); g.executeLines.push(line); }
    } else if ((r = m(/^fork\s*=\s*(.*)/s))) {
      yesNo('fork', r[1]!, (b) => { g.fork = b; });
    } else if (/^supervised/.test(data)) {
      if ((r = m(/^supervised\s*=\s*(.*)/s)) && (r[1] === 'yes' || r[1] === 'no')) {
        g.supervised = r[1] === 'yes';
      } else if (/^supervised\s*$/.test(data)) {
        g.supervised = true;
        this.warn(line, data, 'bare "supervised" directive', 'write supervised=yes');
      } else {
        this.err(line, data, `invalid supervised value "${data.replace(/^supervised\s*=?\s*/, '')}"`, 'write supervised=yes or supervised=no');
      }
    } else if ((r = m(/^quiescent\s*=\s*(.*)/s))) {
      yesNo('quiescent', r[1]!, (b) => { g.quiescent = b; });
    } else if ((r = m(/^readdquiescent\s*=\s*(.*)/s))) {
      yesNo('readdquiescent', r[1]!, (b) => { g.readdquiescent = b; });
    } else if ((r = m(/^emailalert\s*=\s*(.*)/s))) {
      const a = this.emailAlert(line, data, r[1]!);
      if (a !== undefined) g.emailalert = a;
    } else if ((r = m(/^emailalertfreq\s*=\s*(\d*)/s))) {
      if (!/\d/.test(r[1]!)) this.err(line, data, 'invalid email alert frequency', 'write emailalertfreq=<seconds> (0 = never repeat)');
      else g.emailalertfreq = Number(r[1]);
    } else if ((r = m(/^emailalertstatus\s*=\s*(.*)/s))) {
      const s = this.emailAlertStatus(line, data, r[1]!);
      if (s) g.emailalertstatus = s;
    } else if ((r = m(/^emailalertfrom\s*=\s*(.*)/s))) {
      if (r[1] === '') this.err(line, data, 'no email from address specified', 'write emailalertfrom=user@example.com');
      else g.emailalertfrom = r[1]!;
    } else if ((r = m(/^cleanstop\s*=\s*(.*)/s))) {
      yesNo('cleanstop', r[1]!, (b) => { g.cleanstop = b; });
    } else if ((r = m(/^smtp\s*=\s*(.*)/s))) {
      const s = smtpServer(r[1]!);
      if ('error' in s) this.err(line, data, s.error, s.hint);
      else g.smtp = s.server;
    } else if ((r = m(/^maintenancedir\s*=\s*(.*)/s))) {
      if (r[1] === '') this.err(line, data, 'maintenance directory not specified', 'write maintenancedir=/path/to/dir');
      else g.maintenancedir = r[1]!;
    } else if ((r = m(/^timeout\s*=\s*(.*)/s))) {
      this.err(line, data, 'timeout directive deprecated in favour of checktimeout and negotiatetimeout',
        `write checktimeout=${r[1]!.trim() || '<seconds>'} and/or negotiatetimeout=${r[1]!.trim() || '<seconds>'}`);
    } else {
      this.unknown(line, data, 'global');
    }
  }

  private unknown(line: number, data: string, where: 'global' | 'virtual', hadHash = false): void {
    const text = data.trim();
    const word = /^([A-Za-z0-9_-]*)/.exec(text)![1]!;
    const inVirtual = (VIRTUAL_DIRECTIVES as readonly string[]).includes(word);
    const inGlobal = (GLOBAL_DIRECTIVES as readonly string[]).includes(word);
    if (where === 'global' && inVirtual && /^\s/.test(data)) {
      this.err(line, text, `"${word}" is indented but not inside a virtual section`,
        inGlobal ? 'remove the indentation, or put it directly under a virtual= line (a blank line ends a virtual section)'
          : 'put it directly under a virtual= line; a blank line ends a virtual section');
    } else if (where === 'global' && inVirtual) {
      this.err(line, text, `"${word}" is only valid inside a virtual section`, 'indent it by 4 spaces or a tab under a virtual= line');
    } else if (where === 'global' && /^\s/.test(data) && inGlobal) {
      this.err(line, text, `global directive "${word}" must start at the beginning of the line`, `remove the indentation before "${word}"`);
    } else if (where === 'virtual' && inGlobal) {
      this.err(line, text, `"${word}" is only valid in the global section`, 'move it before the first virtual= line, without indentation');
    } else if (where === 'virtual' && inVirtual) {
      this.err(line, text, `invalid "${word}" line "${text}"`, hadHash
        ? 'ldirectord cuts virtual-section lines at "#", even inside quotes: avoid "#" in the value (in a regexp, use \\x23)'
        : quotedHint(word));
    } else if (where === 'global' && inGlobal) {
      this.err(line, text, `invalid "${word}" line "${text}"`, quotedHint(word));
    } else {
      const own: readonly string[] = where === 'global' ? GLOBAL_DIRECTIVES : VIRTUAL_DIRECTIVES;
      const other: readonly string[] = where === 'global' ? VIRTUAL_DIRECTIVES : GLOBAL_DIRECTIVES;
      const s = word ? suggest(word, [...new Set([...own, ...other])]) : undefined;
      const note = s && !own.includes(s) ? (where === 'global' ? ' It belongs in a virtual section' : ' It belongs in the global section') : '';
      this.err(line, text, `unknown directive "${word || text}"`, s ? `did you mean "${s}"?${note}` : `see ldirectord(8) for the ${where} directives`);
    }
  }

  private emailAlert(line: number, data: string, v: string): string | undefined {
    const m = /^"([^"]*)"$/s.exec(v);
    const addr = m ? m[1]! : v;
    if (addr === '') {
      this.err(line, data, 'no email address specified', 'write emailalert="admin@example.com[, other@example.com]"');
      return undefined;
    }
    return addr;
  }

  private emailAlertStatus(line: number, data: string, arg: string): EmailAlertStatus[] | undefined {
    const items = arg.split(/\s*,\s*/);
    while (items.length > 0 && items[items.length - 1] === '') items.pop(); // Perl split drops trailing empties
    const none = items.includes('none');
    const set = new Set<EmailAlertStatus>();
    let ok = true;
    for (const i of items) {
      if (i === 'none') continue;
      if (i === 'all') ALL_STATUSES.forEach((s) => set.add(s));
      else if ((EMAIL_ALERT_STATUSES as readonly string[]).includes(i)) set.add(i as EmailAlertStatus);
      else {
        ok = false;
        this.err(line, data, `invalid email alert status "${i}"`, 'use all, none, or a comma list of starting, running, stopping, reloading');
        break;
      }
      if (none) {
        ok = false;
        this.err(line, data, `invalid email alert status: "${i}" specified with "none"`, 'write emailalertstatus=none alone');
        break;
      }
    }
    return ok ? ALL_STATUSES.filter((s) => set.has(s)) : undefined;
  }

  // ---- fallback -------------------------------------------------------------------------------

  /** parse_fallback(): "host[:port] [gate|masq|ipip]"; port defaults to the virtual's (unresolved) port. */
  private parseFallback(line: number, text: string, vport: string | undefined): Fb | undefined {
    let parse = text;
    let fwd: string | undefined;
    const m1 = /(\S+)(\s+(\S+))?\s*$/s.exec(parse);
    if (m1) { fwd = m1[3]; parse = m1[1]!; }
    const pm = /(:(\d+|[A-Za-z0-9\-_]+))?$/s.exec(parse)!;
    let port: string | undefined = pm[2];
    const server = parse.replace(/(:(\d+|[A-Za-z0-9\-_]+))?$/s, '');
    if (port === undefined && vport !== undefined) port = vport;
    let forward: Forward = 'gate';
    if (fwd) {
      if (fwd !== 'gate' && fwd !== 'masq' && fwd !== 'ipip') {
        this.err(line, text, `invalid forward method "${fwd}" for fallback server`, forwardHint(fwd, ''));
        return undefined;
      }
      forward = fwd;
    }
    return { server, port, forward };
  }

  private resolveFallback(line: number, protocol: 'tcp' | 'udp' | 'fwm', fb: Fb, family: Family): FallbackConfig | undefined {
    const address = this.resolver.host(stripBrackets(fb.server), family);
    if (address === undefined) {
      this.err(line, fb.server, `invalid ${family === 'inet' ? 'IPv4' : 'IPv6'} address or could not resolve for fallback server: ${fb.server}`,
        family === 'inet6' ? 'write fallback6=[IPv6-address]:port' : 'write fallback=<IPv4 address>[:port] [gate|masq|ipip]');
      return undefined;
    }
    let port: number | undefined;
    if (perlTrue(fb.port)) {
      port = this.servByName(fb.port!, protocol);
      if (port === undefined || port === 0) {
        this.err(line, fb.port!, `invalid port "${fb.port}" for fallback server`, 'write a port number 1..65535 or a service name from /etc/services');
        return undefined;
      }
    } else if (fb.port !== undefined) {
      port = Number(fb.port) || 0;
    }
    return { line, address, port, forward: fb.forward };
  }

  /** ld_getservbyname(): numbers 0..65535 as is, else the resolver. */
  private servByName(name: string, protocol: string): number | undefined {
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      return n >= 0 && n < 65536 ? n : undefined;
    }
    // getservbyname(name, "fwm") never matches: a fwmark fallback needs a numeric port.
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== '') return undefined;
    return this.resolver.service(name, protocol);
  }

  // ---- virtual section ------------------------------------------------------------------------

  /** Returns the index of the first line not consumed. */
  private virtualSection(family: Family, vattr: string, vline: number, start: number): number {
    const lineText = this.lines[vline - 1]!;
    let ipPort: string | undefined;
    let fwm: number | undefined;
    let vportRaw: string | undefined;
    let headerOk = true;
    let r: RegExpExecArray | null;
    if ((r = /^(\d+\.\d+\.\d+\.\d+):([0-9A-Za-z\-_]+)/.exec(vattr)) && family === 'inet') {
      ipPort = `${r[1]}:${r[2]}`; vportRaw = r[2]!;
    } else if ((r = /^([0-9A-Za-z._+-]+):([0-9A-Za-z\-_]+)/.exec(vattr))) {
      ipPort = `${r[1]}:${r[2]}`; vportRaw = r[2]!;
    } else if ((r = /^(\d+)/.exec(vattr))) {
      fwm = Number(r[1]);
      if (/^\d+\.\d+\.\d+\.\d+/.test(vattr)) {
        this.warn(vline, lineText, `"${vattr.trim()}" has no port, so ldirectord reads it as firewall mark ${fwm}`,
          `write virtual=${vattr.trim()}:<port> for an address`);
      }
    } else if ((r = /^\[([0-9A-Fa-f:]+)\]:([0-9A-Za-z\-_]+)/.exec(vattr))) {
      if (family === 'inet') {
        this.err(vline, lineText, 'cannot specify an IPv6 address here', `write virtual6=${vattr.trim()}`);
        headerOk = false;
      } else {
        ipPort = `[${r[1]}]:${r[2]}`; vportRaw = r[2]!;
      }
    } else {
      this.err(vline, lineText, `invalid address for virtual server "${vattr.trim()}"`,
        family === 'inet' ? 'write virtual=<IPv4 address or host>:<port or service>, or virtual=<fwmark number>'
          : 'write virtual6=[<IPv6 address>]:<port or service>, or virtual6=<fwmark number>');
      headerOk = false;
    }

    const v: VirtualConfig = {
      line: vline, family, address: undefined, port: 0, fwmark: fwm,
      protocol: ipPort ? 'tcp' : 'fwm', checktype: 'negotiate', numConnects: 0,
      service: 'none', serviceExplicit: false, checkcommand: '/bin/true', request: '/', receive: '', login: '',
      passwd: '', database: '', secret: '', httpmethod: 'GET', virtualhost: undefined, checkport: undefined,
      scheduler: 'wrr', persistent: undefined, netmask: undefined, schedflags: undefined, ops: false,
      checktimeout: undefined, negotiatetimeout: undefined, checkcount: undefined, failurecount: undefined,
      checkinterval: undefined, quiescent: undefined, cleanstop: undefined, emailalert: undefined,
      emailalertfreq: undefined, emailalertstatus: undefined, smtp: undefined, fallback: undefined,
      fallbackcommand: undefined, monitorfile: undefined, servicename: undefined, comment: undefined,
      load: undefined, reals: [],
    };
    if (ipPort && /:(53|domain)$/.test(ipPort)) v.protocol = 'udp';
    const vportForFallback = ipPort ? vportRaw : '0';

    const pending: PendingReal[] = [];
    let fallbackPending: { line: number; fb: Fb } | undefined;
    let i = start;
    for (; i < this.lines.length; i++) {
      const raw = this.lines[i]!;
      const line = i + 1;
      if (/^\s*#/.test(raw)) continue;
      const stripped = raw.replace(/#.*/s, '').replace(/\t/g, '    ');
      const lm = /^ {4,}(.+)/s.exec(stripped);
      if (!lm) break;
      const rcmd = lm[1]!;
      const fb = this.virtualLine(v, rcmd, line, family, pending, vportForFallback, raw.includes('#'));
      if (fb) fallbackPending = { line, fb };
    }
    if (!headerOk) return i;

    // Resolution waits for the whole section: the protocol decides getservbyname().
    if (fallbackPending) {
      const f = this.resolveFallback(fallbackPending.line, v.protocol, fallbackPending.fb, family);
      if (f) v.fallback = f;
    }
    let resolved = true;
    if (ipPort) {
      resolved = this.resolveVirtual(v, ipPort, family, vline, lineText);
    }
    if (resolved) {
      for (const p of pending) this.parseReal(v, p, family);
      const id = virtualId(v);
      const prev = this.seen.get(id);
      if (prev !== undefined) {
        this.err(vline, lineText, `duplicate virtual server ${id} (first defined at line ${prev})`, 'merge the two sections or remove one');
      } else {
        this.seen.set(id, vline);
      }
    }
    this.virtuals.push(v);
    return i;
  }

  private resolveVirtual(v: VirtualConfig, ipPort: string, family: Family, vline: number, text: string): boolean {
    const pm = /(:(\d+|[A-Za-z0-9\-_]+))?$/s.exec(ipPort)!;
    const portName = pm[2];
    const host = ipPort.replace(/(:(\d+|[A-Za-z0-9\-_]+))?$/s, '');
    const address = this.resolver.host(stripBrackets(host), family);
    if (address === undefined) {
      this.err(vline, text, `invalid address for virtual service: cannot resolve "${host}"`,
        family === 'inet' ? 'write an IPv4 address or a host name listed in /etc/hosts' : 'write an IPv6 address in brackets, e.g. [fd00:90::1]:80');
      return false;
    }
    let port = 0;
    if (portName !== undefined) {
      const p = this.servByName(portName, v.protocol);
      if (p === undefined) {
        this.err(vline, text, `invalid port for virtual service: "${portName}"`, `write a port number 0..65535 or a ${v.protocol} service name from /etc/services`);
        return false;
      }
      port = p;
    }
    v.address = address;
    v.port = port;
    if (!v.serviceExplicit) v.service = portToService(port);
    return true;
  }

  /** One indented line of a virtual section. Returns a parsed fallback to resolve later. */
  private virtualLine(v: VirtualConfig, rcmd: string, line: number, family: Family, pending: PendingReal[], vport: string | undefined, hadHash = false): Fb | undefined {
    let r: RegExpExecArray | null;
    const m = (re: RegExp) => re.exec(rcmd);
    const text = rcmd.trimEnd();
    const bad = (message: string, hint?: string) => this.err(line, text, message, hint);
    const yesNo = (name: string, val: string): boolean | undefined => {
      if (val === 'yes' || val === 'no') return val === 'yes';
      bad(`invalid ${name} value "${val}"`, `write ${name}=yes or ${name}=no`);
      return undefined;
    };
    const count = (name: string, val: string, what: string): number | undefined => {
      const n = truthyInt(val);
      if (n === undefined) bad(`invalid ${what} "${val}"`, `write ${name}=<n>, a whole number > 0`);
      return n;
    };
    if ((r = m(/^(real(6)?)\s*=\s*(.*)/s))) {
      if ((family === 'inet' && r[2]) || (family === 'inet6' && !r[2])) {
        bad(`cannot specify "${r[1]}" here`, `write "real${family === 'inet' ? '' : '6'}" in a ${family === 'inet' ? 'virtual' : 'virtual6'} section`);
      } else {
        pending.push({ text: r[3]!, line });
      }
    } else if ((r = m(/^request\s*=\s*"(.*)"/s))) {
      if (r[1] === '') bad('no request string specified', 'write request="/path" or remove the line');
      else v.request = r[1]!.startsWith('/') ? r[1]! : `/${r[1]}`;
    } else if ((r = m(/^receive\s*=\s*"(.*)"/s))) {
      if (r[1] === '') bad('invalid receive string: empty', 'write receive="<regexp>" or remove the line');
      else v.receive = r[1]!;
    } else if ((r = m(/^checktype\s*=\s*(.*)/s))) {
      const val = r[1]!;
      const d = /(\d+)/.exec(val);
      const w = /([\w-]+)/.exec(val);
      if (d) {
        v.numConnects = Number(d[1]);
        v.checktype = 'combined';
      } else if (w && ['connect', 'negotiate', 'ping', 'off', 'on', 'external', 'external-perl'].includes(w[1]!)) {
        v.checktype = w[1] as VirtualConfig['checktype'];
      } else {
        const s = w ? suggest(w[1]!, ['connect', 'negotiate', 'ping', 'off', 'on', 'external', 'external-perl']) : undefined;
        bad(`invalid checktype "${val.trim()}"`, s ? `did you mean checktype=${s}?` : 'write connect, negotiate, on, off, ping, external, external-perl or a number');
      }
    } else if ((r = m(/^checkcommand\s*=\s*"(.*)"/s) ?? m(/^checkcommand\s*=\s*(.*)/s))) {
      if (r[1] === '') bad('invalid check command: empty', 'write checkcommand="/path/to/script"');
      else v.checkcommand = r[1]!;
    } else if ((r = m(/^checktimeout\s*=\s*(.*)/s))) {
      const n = count('checktimeout', r[1]!, 'check timeout');
      if (n !== undefined) v.checktimeout = n;
    } else if ((r = m(/^connecttimeout\s*=\s*(.*)/s))) {
      bad('connecttimeout directive deprecated in favour of negotiatetimeout', `write negotiatetimeout=${r[1]!.trim() || '<seconds>'}`);
    } else if ((r = m(/^negotiatetimeout\s*=\s*(.*)/s))) {
      const n = count('negotiatetimeout', r[1]!, 'negotiate timeout');
      if (n !== undefined) v.negotiatetimeout = n;
    } else if ((r = m(/^checkcount\s*=\s*(.*)/s))) {
      const n = count('checkcount', r[1]!, 'check count');
      if (n !== undefined) {
        v.checkcount = n;
        this.warn(line, text, 'checkcount option is deprecated and slated for removal', "use 'failurecount'");
      }
    } else if ((r = m(/^failurecount\s*=\s*(.*)/s))) {
      const n = count('failurecount', r[1]!, 'failure count');
      if (n !== undefined) v.failurecount = n;
    } else if ((r = m(/^checkinterval\s*=\s*(.*)/s))) {
      const n = count('checkinterval', r[1]!, 'checkinterval');
      if (n !== undefined) v.checkinterval = n;
    } else if ((r = m(/^checkport\s*=\s*(.*)/s))) {
      const d = /(\d+)/.exec(r[1]!);
      if (!d) bad(`invalid port "${r[1]}"`, 'write checkport=<1..65535>');
      else if (!(Number(d[1]) > 0 && Number(d[1]) < 65536)) bad(`checkport ${d[1]} out of range`, 'write checkport=<1..65535>');
      else v.checkport = Number(d[1]);
    } else if ((r = m(/^(login|passwd|database|secret)\s*=\s*"(.*)"/s))) {
      const key = r[1] as 'login' | 'passwd' | 'database' | 'secret';
      if (r[2] === '') bad(`invalid ${key}: empty`, `write ${key}="<value>" or remove the line`);
      else v[key] = r[2]!;
    } else if ((r = m(/^load\s*=\s*"(.*)"/s))) {
      const w = /(\w+)/.exec(r[1]!);
      if (!w) bad('invalid string for load testing', 'write load="<word>" or remove the line');
      else v.load = w[1]!;
    } else if ((r = m(/^scheduler\s*=\s*(.*)/s))) {
      // ldirectord accepts any [a-z]+ (new kernel schedulers appear); IPVS rejects unknown ones.
      const s = /([a-z]+)/.exec(r[1]!);
      if (!s) bad(`invalid scheduler "${r[1]}"`, 'write a lower-case IPVS scheduler name, e.g. scheduler=wrr');
      else v.scheduler = s[1]!;
    } else if ((r = m(/^persistent\s*=\s*(.*)/s))) {
      const d = /(\d+)/.exec(r[1]!);
      if (!d) bad(`invalid persistent timeout "${r[1]}"`, 'write persistent=<seconds>');
      else v.persistent = Number(d[1]);
    } else if ((r = m(/^schedflags\s*=\s*(.*)/s))) {
      const s = /(\S+)/.exec(r[1]!);
      if (!s) bad('invalid sched-flags: empty', 'write schedflags=<flag[,flag]>, e.g. sh-port,sh-fallback');
      else v.schedflags = s[1]!;
    } else if ((r = m(/^netmask\s*=\s*(.*)/s))) {
      const val = r[1]!;
      if (family === 'inet6') {
        if (!/^\d+$/.test(val) || Number(val) < 1 || Number(val) > 128) bad(`invalid netmask "${val}": a prefix length between 1 and 128 is required`, 'write netmask=<1..128>');
        else v.netmask = val;
      } else if (!/^\d+\.\d+\.\d+\.\d+$/.test(val)) {
        bad(`invalid netmask "${val}": dotted quad notation is required`, 'write netmask=255.255.255.0 (for example)');
      } else v.netmask = val;
    } else if ((r = m(/^protocol\s*=\s*(.*)/s))) {
      const w = /(\w+)/.exec(r[1]!);
      if (!w) bad(`invalid protocol "${r[1]}"`, 'write protocol=tcp or protocol=udp');
      else if (v.protocol === 'fwm') {
        if (w[1] !== 'fwm') bad(`protocol must be fwm if the virtual service is a fwmark (a number), not "${w[1]}"`, 'write protocol=fwm or remove the line');
      } else if (w[1] === 'tcp' || w[1] === 'udp') v.protocol = w[1];
      else bad(`protocol must be tcp or udp for an address virtual service, not "${w[1]}"`, 'write protocol=tcp or protocol=udp (ldirectord has no sctp)');
    } else if ((r = m(/^ops\s*=\s*(.*)/s))) {
      const b = yesNo('ops', r[1]!);
      if (b !== undefined) v.ops = b;
    } else if ((r = m(/^service\s*=\s*(.*)/s))) {
      const w = /(\w+)/.exec(r[1]!);
      if (!w || !(SERVICES as readonly string[]).includes(w[1]!)) {
        const s = w ? suggest(w[1]!, SERVICES) : undefined;
        bad(`invalid service "${r[1]!.trim()}"`, s ? `did you mean service=${s}?` : `write one of ${SERVICES.join(', ')}`);
      } else {
        v.service = w[1] as Service;
        v.serviceExplicit = true;
        // Defaults applied when service= is read (not for a service derived from the port), as ldirectord does.
        const host = this.resolver.hostname();
        if (v.service === 'ftp' && v.login === '') v.login = 'anonymous';
        else if (v.service === 'sip' && v.login === '') v.login = `ldirectord@${host}`;
        if (v.service === 'ftp' && v.passwd === '') v.passwd = `ldirectord@${host}`;
      }
    } else if ((r = m(/^httpmethod\s*=\s*(.*)/s))) {
      const w = /(\w+)/.exec(r[1]!);
      const u = w?.[1]!.toUpperCase();
      if (u !== 'GET' && u !== 'HEAD') bad(`invalid httpmethod "${r[1]!.trim()}"`, 'write httpmethod=GET or httpmethod=HEAD');
      else v.httpmethod = u;
    } else if ((r = m(/^virtualhost\s*=\s*(.*)/s))) {
      v.virtualhost = /"?([^"]*)"?/s.exec(r[1]!)![1]!;
    } else if ((r = m(/^(fallback(6)?)\s*=\s*(.*)/s))) {
      if ((family === 'inet' && r[2]) || (family === 'inet6' && !r[2])) {
        bad(`cannot specify "${r[1]}" here`, `write "fallback${family === 'inet' ? '' : '6'}" in a ${family === 'inet' ? 'virtual' : 'virtual6'} section`);
        return undefined;
      }
      return this.parseFallback(line, r[3]!, vport);
    } else if ((r = m(/^fallbackcommand\s*=\s*"(.*)"/s) ?? m(/^fallbackcommand\s*=\s*(.*)/s))) {
      if (r[1] === '') bad('invalid fallback command: empty', 'write fallbackcommand="/path/to/script"');
      else v.fallbackcommand = r[1]!;
    } else if ((r = m(/^quiescent\s*=\s*(.*)/s))) {
      const b = yesNo('quiescent', r[1]!);
      if (b !== undefined) v.quiescent = b;
    } else if ((r = m(/^emailalert\s*=\s*(.*)/s))) {
      const a = this.emailAlert(line, text, r[1]!);
      if (a !== undefined) v.emailalert = a;
    } else if ((r = m(/^emailalertfreq\s*=\s*(\d*)/s))) {
      if (!/\d/.test(r[1]!)) bad('invalid email alert frequency', 'write emailalertfreq=<seconds> (0 = never repeat)');
      else v.emailalertfreq = Number(r[1]);
    } else if ((r = m(/^emailalertstatus\s*=\s*(.*)/s))) {
      const s = this.emailAlertStatus(line, text, r[1]!);
      if (s) v.emailalertstatus = s;
    } else if ((r = m(/^monitorfile\s*=\s*"(.*)"/s) ?? m(/^monitorfile\s*=\s*(.*)/s))) {
      if (r[1] === '') bad('unable to open monitorfile: empty path', 'write monitorfile="/path/to/file"');
      else v.monitorfile = r[1]!;
    } else if ((r = m(/^cleanstop\s*=\s*(.*)/s))) {
      const b = yesNo('cleanstop', r[1]!);
      if (b !== undefined) v.cleanstop = b;
    } else if ((r = m(/^smtp\s*=\s*(.*)/s))) {
      const s = smtpServer(r[1]!);
      if ('error' in s) bad(s.error, s.hint);
      else v.smtp = s.server;
    } else if ((r = m(/^servicename\s*=\s*(.*)/s))) {
      v.servicename = r[1]!;
    } else if ((r = m(/^comment\s*=\s*(.*)/s))) {
      v.comment = r[1]!;
    } else {
      this.unknown(line, rcmd, 'virtual', hadHash);
    }
    return undefined;
  }

  // ---- real servers ---------------------------------------------------------------------------

  private parseReal(v: VirtualConfig, p: PendingReal, family: Family): void {
    const { text, line } = p;
    const HOST = String.raw`\d+\.\d+\.\d+\.\d+|[A-Za-z0-9.-]+|\[[0-9A-fa-f:]+\]`;
    const m = new RegExp(String.raw`(${HOST})(->(${HOST}))?(:(\d+|[A-Za-z0-9\-_]+))?\s+(.*)`, 's').exec(text);
    if (!m) {
      this.err(line, text, `invalid real server "${text.trim()}"`, `write real${family === 'inet6' ? '6=[<IPv6>]' : '=<IPv4>[-><IPv4>]'}[:port] gate|masq|ipip [weight] ["request", "receive"] [l:<n>] [u:<n>]`);
      return;
    }
    const ip1 = m[1]!;
    const ip2 = m[3];
    const portName = m[5] ?? '0';
    const flags = m[6]!;
    const a1 = this.resolver.host(stripBrackets(ip1), family);
    if (a1 === undefined) {
      this.err(line, ip1, `invalid address (${ip1}) for real server (could not resolve host)`,
        family === 'inet6' ? 'write an IPv6 address in brackets, e.g. real6=[fd00:91::1]:80 gate' : 'write an IPv4 address or a host name listed in /etc/hosts');
      return;
    }
    const port = this.servByName(portName, '');
    if (port === undefined) {
      this.err(line, portName, `invalid port (${portName}) for real server (could not resolve port)`, 'write a port number 0..65535 or a service name from /etc/services');
      return;
    }
    const attrs = this.realFlags(line, text, flags);
    if (!attrs) return;
    if (ip2 !== undefined) {
      const a2 = this.resolver.host(stripBrackets(ip2), family);
      if (a2 === undefined) {
        this.err(line, ip2, `invalid address (${ip2}) for real server (could not resolve end host)`, 'write the last IPv4 address of the range');
        return;
      }
      if (family === 'inet6') {
        this.err(line, text, 'address range for IPv6 is not supported', 'write one real6= line per address');
        return;
      }
      const first = ipToInt(a1);
      const last = ipToInt(a2);
      if (first > last) {
        this.err(line, text, `invalid range ${a1}->${a2}: the first address must not be greater than the last`, `write real=${a2}->${a1}...`);
        return;
      }
      if (last - first >= 65536) {
        this.err(line, text, `range ${a1}->${a2} has ${last - first + 1} addresses`, 'split it; lvsha accepts at most 65536 reals per range');
        return;
      }
      for (let n = first; n <= last; n++) v.reals.push({ line, address: intToIp(n), port, ...attrs });
    } else {
      v.reals.push({ line, address: a1, port, ...attrs });
    }
  }

  /** add_real_server()'s flag parsing, regexps as in ldirectord. */
  private realFlags(line: number, text: string, flagsIn: string): Omit<RealConfig, 'line' | 'address' | 'port'> | undefined {
    const fm = /(\w+)(.*)/s.exec(flagsIn);
    if (!fm || (fm[1] !== 'gate' && fm[1] !== 'masq' && fm[1] !== 'ipip')) {
      this.err(line, text, `invalid forward method "${fm?.[1] ?? ''}" for real server`, forwardHint(fm?.[1] ?? '', ' after the address'));
      return undefined;
    }
    const forward = fm[1] as Forward;
    let flags = fm[2]!;
    const out: Omit<RealConfig, 'line' | 'address' | 'port'> = { forward, weight: 1 };
    let r: RegExpExecArray | null;
    if ((r = /\s+(\d+)(.*)/s.exec(flags))) { out.weight = Number(r[1]); flags = r[2]!; }
    if ((r = /\s+"(.*)"[, ]\s*"(.*)"(.*)/s.exec(flags))) {
      if (r[1]!.startsWith('/')) {
        // ldirectord's `unless ($request =~ /^\//)` match resets $2 and $3: the receive string
        // and everything after it (thresholds, junk) are dropped. Keep that, loudly.
        out.request = r[1]!;
        this.warn(line, text, `ldirectord ignores the receive string "${r[2]}"${/\S/.test(r[3]!) ? ` and "${r[3]!.trim()}"` : ''} after a per-real request starting with "/"`,
          `write the request without the leading "/" (e.g. "${r[1]!.slice(1)}"), ldirectord adds it`);
        return out;
      }
      out.request = `/${r[1]}`;
      out.receive = r[2]!;
      flags = r[3]!;
    }
    if ((r = /\s+l:(\d+)(.*)/s.exec(flags))) { out.lowerThreshold = Number(r[1]); flags = r[2]!; }
    if ((r = /\s+u:(\d+)(.*)/s.exec(flags))) { out.upperThreshold = Number(r[1]); flags = r[2]!; }
    if (/\S/.test(flags)) {
      this.err(line, text, `invalid real server line, around "${flags.trim()}"`,
        'write: <addr>[:port] gate|masq|ipip [weight] ["request", "receive"] [l:<lower>] [u:<upper>], in that order');
      return undefined;
    }
    return out;
  }
}

/** The first digit run of a value, if Perl would call it true (`$1 =~ /(\d+)/ && $1`). */
/**
 * smtp=host[:port]: ldirectord keeps the leading host characters and silently drops
 * a ":port" (Net::SMTP then uses 25); lvsha keeps the port, and takes [IPv6]:port.
 */
export function smtpServer(v: string): { server: string } | { error: string; hint: string } {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z._+-]+)(?::(\S*))?/.exec(v);
  if (!m) return { error: `invalid SMTP server address "${v}"`, hint: 'write smtp=<host or IP address>[:<port>]' };
  if (m[2] === undefined) return { server: m[1]! };
  const port = /^\d+$/.test(m[2]) ? Number(m[2]) : NaN;
  if (!(port >= 1 && port <= 65535)) return { error: `invalid SMTP server port "${m[2]}"`, hint: `write smtp=${m[1]}:<port 1-65535>, or leave the port out for 25` };
  return { server: `${m[1]}:${port}` };
}

function truthyInt(v: string): number | undefined {
  const d = /(\d+)/.exec(v);
  return d && perlTrue(d[1]) ? Number(d[1]) : undefined;
}

function positiveInt(v: string): number | undefined {
  const n = truthyInt(v);
  return n !== undefined && n > 0 ? n : undefined;
}

function stripBrackets(s: string): string {
  const m = /\[(.*)\]/s.exec(s);
  return m ? m[1]! : s;
}

export function portToService(port: number): Service {
  for (const s of SERVICES) if (SERVICE_PORTS[s] === port) return s;
  return 'none';
}

const QUOTED = ['request', 'receive', 'login', 'passwd', 'database', 'secret', 'load', 'callback', 'logfile'];

function quotedHint(word: string): string {
  return QUOTED.includes(word)
    ? `the value must be in double quotes: ${word}="<value>"`
    : `write ${word}=<value>; see ldirectord(8)`;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** ldirectord's get_virtual_id_str(): "tcp:10.0.0.1:80", "udp:[fd00::1]:53", "fwm:7", "fwm6:7". */
export function virtualId(v: Pick<VirtualConfig, 'protocol' | 'family' | 'fwmark' | 'address' | 'port'>): string {
  if (v.protocol === 'fwm') return `fwm${v.family === 'inet6' ? '6' : ''}:${v.fwmark}`;
  const a = v.family === 'inet6' ? `[${v.address}]` : v.address;
  return `${v.protocol}:${a}:${v.port}`;
}
