/**
 * Turn a ParsedConfig into what a daemon uses directly: per virtual the
 * inherited settings (ldirectord's ld_setup() and fallback_find()), per real
 * its effective check, and the IPVS service/destinations it implies.
 * Pure.
 */
import {
  defaultNetmask, makeService, parseNetmask, parseSchedFlag,
  type Destination as IpvsDestination, type Forward as IpvsForward, type SchedFlag, type Service as IpvsService,
} from '../../ipvs/model.ts';
import { virtualId } from './parse.ts';
import {
  SERVICE_PORTS,
  type CheckType, type ConfigIssue, type EmailAlertStatus, type Family, type FallbackConfig, type Forward,
  type GlobalConfig, type ParsedConfig, type RealConfig, type Service, type VirtualConfig, type VirtualProtocol,
} from './types.ts';

/** Everything that decides the outcome of one health check of one real server. */
export interface EffectiveCheck {
  type: CheckType;
  service: Service;
  /** Virtual protocol: connect on udp is a ping in ldirectord. */
  protocol: VirtualProtocol;
  family: Family;
  /** Address to check. */
  address: string;
  /** ld_checkport(): checkport, else the real's configured port if > 0, else the service's port. */
  port: number | undefined;
  request: string;
  receive: string;
  /** ld_setup()'s URL (http/https/http_proxy), e.g. "http://10.91.0.1:80/index.html". */
  url: string;
  virtualhost: string | undefined;
  httpmethod: 'GET' | 'HEAD';
  login: string;
  passwd: string;
  database: string;
  secret: string;
  /** external/external-perl: an executable path, exec'd without a shell (ldirectord's exec LIST). */
  checkcommand: string;
  /** Arguments ldirectord passes to checkcommand: VIP ("[v6]" bracketed) or fwmark, VPORT, RIP ("[v6]"), RPORT. */
  externalArgs: [string, string, string, string];
  /** Virtual identity passed to external checks: VIP (or fwmark) and virtual port. */
  virtualAddress: string;
  virtualPort: number;
  /** Real port as configured (passed to external checks). */
  realPort: number;
  checktimeout: number;
  negotiatetimeout: number;
  checkcount: number;
  /** checktype=N: connect checks between negotiate checks (0 otherwise). */
  numConnects: number;
}

export interface EffectiveReal {
  line: number;
  address: string;
  /** Port as written in the config. */
  port: number;
  forward: Forward;
  weight: number;
  lowerThreshold: number;
  upperThreshold: number;
  check: EffectiveCheck;
  /** From the virtual (per virtual, then global): consecutive failures before down. */
  failurecount: number;
  /** From the virtual: down → weight 0 instead of removal. */
  quiescent: boolean;
  /**
   * Stable identity of the check (JSON of EffectiveCheck): reals with equal keys,
   * in any virtual, can share one check run.
   */
  checkKey: string;
  /** ldirectord's own get_real_id_str() (it also groups by weight and forwarding). */
  ldirectordId: string;
  /** The IPVS destination this real implies when up (weight as configured). */
  ipvs: IpvsDestination;
}

export interface EffectiveFallback {
  address: string;
  port: number;
  forward: Forward;
  /** Always weight 1, no thresholds (parse_fallback). */
  ipvs: IpvsDestination;
}

export interface EffectiveVirtual {
  line: number;
  /** ldirectord's virtual id: "tcp:10.90.0.1:80", "fwm:5", "fwm6:5". */
  id: string;
  family: Family;
  protocol: VirtualProtocol;
  address: string | undefined;
  port: number;
  fwmark: number | undefined;
  checktype: CheckType;
  service: Service;
  checktimeout: number;
  negotiatetimeout: number;
  checkcount: number;
  failurecount: number;
  /** Sleep between passes: the virtual's value only counts with fork=yes. */
  checkinterval: number;
  quiescent: boolean;
  cleanstop: boolean;
  emailalert: string;
  emailalertfreq: number;
  emailalertstatus: EmailAlertStatus[];
  smtp: string | undefined;
  fallback: EffectiveFallback | undefined;
  /** Shell command line, run as `<cmd> start|stop VIP:PORT PROTO`. */
  fallbackcommand: string | undefined;
  monitorfile: string | undefined;
  servicename: string | undefined;
  comment: string | undefined;
  reals: EffectiveReal[];
  ipvs: IpvsService;
  /** Scheduler flags (or "netmask <value>") ipvsadm would reject; ldirectord passes them through unchecked. */
  unknownSchedFlags: string[];
}

export interface EffectiveConfig {
  file: string;
  global: GlobalConfig;
  virtuals: EffectiveVirtual[];
  /** checkKey → the reals sharing it (virtual index, real index). */
  checks: Map<string, { virtual: number; real: number }[]>;
  warnings: ConfigIssue[];
}

const FORWARD: Record<Forward, IpvsForward> = { gate: 'route', ipip: 'tunnel', masq: 'masq' };

/** ld_setup()'s timeout chains. */
export function effectiveTimeouts(v: Pick<VirtualConfig, 'checktimeout' | 'negotiatetimeout'>, g: Pick<GlobalConfig, 'checktimeout' | 'negotiatetimeout'>): { checktimeout: number; negotiatetimeout: number } {
  return {
    checktimeout: v.checktimeout ?? v.negotiatetimeout ?? g.checktimeout ?? g.negotiatetimeout ?? 5,
    negotiatetimeout: v.negotiatetimeout ?? v.checktimeout ?? g.negotiatetimeout ?? g.checktimeout ?? 30,
  };
}

/**
 * The IPVS destination port: ipvsadm forces it to the virtual's port for
 * direct routing and tunnelling (not for masq, not for fwmark services).
 */
export function ipvsDestPort(v: Pick<VirtualConfig, 'protocol' | 'port'>, forward: Forward, port: number): number {
  return v.protocol !== 'fwm' && forward !== 'masq' ? v.port : port;
}

/** fallback_find(): the virtual's own, else the global one for its family and protocol, port defaulting to the virtual's. */
export function findFallback(v: VirtualConfig, g: GlobalConfig): { address: string; port: number; forward: Forward } | undefined {
  let f: FallbackConfig | undefined = v.fallback;
  if (!f) {
    const gf = v.family === 'inet6' ? g.fallback6 : g.fallback;
    if (!gf) return undefined;
    // A fwm virtual has no global fallback entry in ldirectord ($FALLBACK->{fwm} is undef).
    if (v.protocol === 'fwm') return undefined;
    f = gf[v.protocol];
  }
  return { address: f.address, port: f.port ?? v.port, forward: f.forward };
}

export function toIpvsService(v: VirtualConfig): { service: IpvsService; unknownSchedFlags: string[] } {
  const key = v.protocol === 'fwm'
    ? { family: v.family, fwmark: v.fwmark! }
    : { family: v.family, protocol: v.protocol, address: v.address!, port: v.port };
  const schedFlags: SchedFlag[] = [];
  const unknown: string[] = [];
  for (const name of v.schedflags?.split(',') ?? []) {
    const f = parseSchedFlag(name);
    if (f) { if (!schedFlags.includes(f)) schedFlags.push(f); } else unknown.push(name);
  }
  let netmask = defaultNetmask(v.family);
  if (v.persistent !== undefined && v.netmask !== undefined) {
    try { netmask = parseNetmask(v.family, v.netmask); } catch { unknown.push(`netmask ${v.netmask}`); }
  }
  const service = makeService(key, v.scheduler, {
    // ldirectord passes -p only when persistent= is set, and -M only with -p.
    persistent: v.persistent,
    netmask,
    onePacket: v.protocol === 'udp' && v.ops,
    schedFlags,
  });
  return { service, unknownSchedFlags: unknown };
}

function dest(v: VirtualConfig, address: string, port: number, forward: Forward, weight: number, lower: number, upper: number): IpvsDestination {
  return {
    family: v.family, address, port: ipvsDestPort(v, forward, port), forward: FORWARD[forward], weight,
    upperThreshold: upper, lowerThreshold: lower,
  };
}

function perlQuotemeta(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
}

function effectiveReal(v: VirtualConfig, g: GlobalConfig, r: RealConfig): EffectiveReal {
  const t = effectiveTimeouts(v, g);
  const checkPort = v.checkport ?? (r.port > 0 ? r.port : SERVICE_PORTS[v.service]);
  const schema = v.service === 'http_proxy' ? 'http' : v.service;
  const server = v.family === 'inet6' ? `[${r.address}]` : r.address;
  let request: string;
  let receive: string;
  let url: string;
  if (r.request !== undefined && r.receive !== undefined) {
    request = r.request;
    receive = r.receive;
    const uri = request.replace(/^\//, '');
    url = request.includes(`${schema}://`) ? uri : `${schema}://${server}:${checkPort ?? ''}/${uri}`;
  } else {
    // A per-real request without receive (see parse.ts) is kept, but the URL uses the virtual's.
    request = r.request ?? v.request;
    receive = v.receive;
    const uri = v.request.replace(/^\//, '');
    url = v.service === 'http_proxy' ? uri : `${schema}://${server}:${checkPort ?? ''}/${uri}`;
  }
  const check: EffectiveCheck = {
    type: v.checktype, service: v.service, protocol: v.protocol, family: v.family, address: r.address,
    port: checkPort, request, receive, url, virtualhost: v.virtualhost, httpmethod: v.httpmethod,
    login: v.login, passwd: v.passwd, database: v.database, secret: v.secret, checkcommand: v.checkcommand,
    virtualAddress: v.protocol === 'fwm' ? String(v.fwmark) : (v.family === 'inet6' ? `[${v.address}]` : v.address!),
    virtualPort: v.port, realPort: r.port,
    externalArgs: [v.protocol === 'fwm' ? String(v.fwmark) : (v.family === 'inet6' ? `[${v.address}]` : v.address!), String(v.port), server, String(r.port)],
    checktimeout: t.checktimeout, negotiatetimeout: t.negotiatetimeout,
    checkcount: v.checkcount ?? g.checkcount, numConnects: v.numConnects,
  };
  const idCheck = v.checktype === 'negotiate' || v.checktype === 'combined' ? `${v.checktype}:${v.service}`
    : v.checktype === 'external' || v.checktype === 'external-perl' ? `${v.checktype}:${v.checkcommand}` : v.checktype;
  const ldirectordId = [idCheck, v.protocol, server, r.port, v.virtualhost ?? '', v.checkport ?? '', r.weight, r.forward,
    perlQuotemeta(request), perlQuotemeta(receive)].join(':');
  const lower = r.lowerThreshold ?? 0;
  const upper = r.upperThreshold ?? 0;
  return {
    line: r.line, address: r.address, port: r.port, forward: r.forward, weight: r.weight,
    lowerThreshold: lower, upperThreshold: upper, check, checkKey: checkKey(check), ldirectordId,
    failurecount: v.failurecount ?? g.failurecount, quiescent: v.quiescent ?? g.quiescent,
    ipvs: dest(v, r.address, r.port, r.forward, r.weight, lower, upper),
  };
}

/** Stable key: fixed field order, so equal checks give equal strings. */
export function checkKey(c: EffectiveCheck): string {
  const fields: (keyof EffectiveCheck)[] = [
    'type', 'service', 'protocol', 'family', 'address', 'port', 'request', 'receive', 'url', 'virtualhost',
    'httpmethod', 'login', 'passwd', 'database', 'secret', 'checkcommand', 'virtualAddress', 'virtualPort',
    'realPort', 'externalArgs', 'checktimeout', 'negotiatetimeout', 'checkcount', 'numConnects',
  ];
  // external checks get the virtual as arguments; the others do not depend on it.
  const external = c.type === 'external' || c.type === 'external-perl';
  return JSON.stringify(fields.filter((f) => external || (f !== 'virtualAddress' && f !== 'virtualPort' && f !== 'realPort' && f !== 'externalArgs'))
    .map((f) => [f, c[f] ?? null]));
}

export function effectiveVirtual(v: VirtualConfig, g: GlobalConfig): EffectiveVirtual {
  const t = effectiveTimeouts(v, g);
  const { service, unknownSchedFlags } = toIpvsService(v);
  const fb = findFallback(v, g);
  return {
    line: v.line, id: virtualId(v), family: v.family, protocol: v.protocol, address: v.address, port: v.port,
    fwmark: v.fwmark, checktype: v.checktype, service: v.service,
    checktimeout: t.checktimeout, negotiatetimeout: t.negotiatetimeout,
    checkcount: v.checkcount ?? g.checkcount, failurecount: v.failurecount ?? g.failurecount,
    checkinterval: g.fork ? (v.checkinterval ?? g.checkinterval) : g.checkinterval,
    quiescent: v.quiescent ?? g.quiescent, cleanstop: v.cleanstop ?? g.cleanstop,
    emailalert: v.emailalert ?? g.emailalert, emailalertfreq: v.emailalertfreq ?? g.emailalertfreq,
    emailalertstatus: v.emailalertstatus ?? g.emailalertstatus, smtp: v.smtp ?? g.smtp,
    fallback: fb && { ...fb, ipvs: dest(v, fb.address, fb.port, fb.forward, 1, 0, 0) },
    fallbackcommand: v.fallbackcommand ?? g.fallbackcommand,
    monitorfile: v.monitorfile, servicename: v.servicename, comment: v.comment,
    reals: v.reals.map((r) => effectiveReal(v, g, r)),
    ipvs: service, unknownSchedFlags,
  };
}

export function effectiveConfig(c: ParsedConfig, warnings: ConfigIssue[] = []): EffectiveConfig {
  const virtuals = c.virtuals.map((v) => effectiveVirtual(v, c.global));
  const checks = new Map<string, { virtual: number; real: number }[]>();
  const out = [...warnings];
  virtuals.forEach((v, vi) => {
    v.reals.forEach((r, ri) => {
      const l = checks.get(r.checkKey) ?? [];
      l.push({ virtual: vi, real: ri });
      checks.set(r.checkKey, l);
    });
    const raw = c.virtuals[vi]!;
    const warn = (text: string, message: string, hint: string) => out.push({ file: c.file, line: v.line, text, message, hint });
    for (const f of v.unknownSchedFlags) {
      if (f.startsWith('netmask ')) warn(f, `invalid ${f}: ipvsadm would reject it`, 'write a dotted quad netmask such as 255.255.255.0');
      else warn(f, `unknown scheduler flag "${f}": ipvsadm would reject it`, 'use flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback or mh-port');
    }
    if (v.protocol !== 'fwm' && v.port === 0 && raw.persistent === undefined) {
      warn(v.id, `virtual ${v.id} has port 0 but is not persistent: ipvsadm rejects it`, 'give a port, or add persistent=<seconds>');
    }
    if (raw.ops && v.protocol !== 'udp') warn('ops=yes', `ops=yes is ignored for ${v.id}: one-packet scheduling is only for UDP`, 'remove ops=yes, or set protocol=udp');
    if (raw.netmask !== undefined && raw.persistent === undefined) warn(`netmask=${raw.netmask}`, `netmask is ignored for ${v.id} without persistent=`, 'add persistent=<seconds> or remove netmask');
  });
  return { file: c.file, global: c.global, virtuals, checks, warnings: out };
}
