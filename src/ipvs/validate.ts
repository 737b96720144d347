/**
 * Validation of a whole desired table before anything is sent to the kernel.
 * Input is the documented JSON shape (see docs in cli.ts / table.ts); output is
 * the typed model. Every problem is collected and reported with its field path
 * (e.g. `services[1].destinations[0].weight`, or `file:line` for rule files).
 */
import { ConfigError } from '../errors.ts';
import {
  KNOWN_SCHEDULERS, canonicalAddr, defaultNetmask, familyOf, formatServiceKey, parseAddrPort, parseNetmask,
  parseSchedFlag, parseServiceKey, serviceKeyId, type Destination, type Family, type Forward, type Protocol,
  type SchedFlag, type ServiceKey, type SyncDaemon, type Table, type Timeouts, type Tunnel, type VirtualService,
} from './model.ts';

export const MAX_WEIGHT = 2 ** 31 - 1;
export const MAX_U32 = 2 ** 32 - 1;
export const MAX_THRESHOLD = 2 ** 31 - 1;
/** ipvsadm's limit for -p (31 days); the kernel multiplies by HZ into an unsigned int. */
export const MAX_PERSISTENT = 2678400;
export const KNOWN_PE = ['sip'] as const;
/** Counters `lvsha ipvs list --json --stats` prints; accepted and ignored so its output can be applied back. */
const READ_ONLY = ['stats', 'activeConns', 'inactConns', 'persistConns'];
// built once: they are checked for every service and destination
const SERVICE_FIELDS = ['service', 'protocol', 'address', 'port', 'fwmark', 'family', 'scheduler', 'persistent', 'netmask', 'onePacket', 'schedFlags', 'pe', 'destinations', 'stats'];
const DEST_FIELDS = ['address', 'port', 'forward', 'weight', 'upperThreshold', 'lowerThreshold', 'tunnel', ...READ_ONLY];

export interface DesiredTable extends Table { timeouts?: Partial<Timeouts> | undefined; daemons?: SyncDaemon[] | undefined }

/** Location label for an input object (rule files attach their line). */
export const WHERE = Symbol('where');
type Obj = Record<string, unknown> & { [WHERE]?: string };

export class TableValidationError extends ConfigError {
  readonly problems: { path: string; message: string }[];
  constructor(source: string, problems: { path: string; message: string }[]) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the desired IPVS table, nothing was applied:\n` +
      problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'), { context: { problems } });
    this.problems = problems;
  }
}

const FORWARD_ALIASES: Record<string, Forward> = {
  masq: 'masq', nat: 'masq', masquerading: 'masq', m: 'masq',
  route: 'route', gate: 'route', dr: 'route', droute: 'route', gatewaying: 'route', g: 'route',
  tunnel: 'tunnel', ipip: 'tunnel', tun: 'tunnel', i: 'tunnel',
  local: 'local', bypass: 'bypass',
};

export function validateTable(input: unknown, source = 'table'): DesiredTable {
  const problems: { path: string; message: string }[] = [];
  const bad = (path: string, message: string) => { problems.push({ path, message }); };
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const loc = (o: Obj, path: string) => o[WHERE] ?? path;
  const intIn = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  const known = (o: Obj, path: string, keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${loc(o, path)}.${k}`, `unknown field (known: ${keys.join(', ')})`);
  };

  if (!isObj(input)) { throw new TableValidationError(source, [{ path: '(top)', message: 'expected an object like {"services": [...]}' }]); }
  known(input, '(top)', ['services', 'timeouts', 'daemons']);
  const rawServices = input.services ?? [];
  if (!Array.isArray(rawServices)) bad('services', 'must be an array');
  const services: VirtualService[] = [];
  const seen = new Map<string, string>();

  (Array.isArray(rawServices) ? rawServices : []).forEach((rs: unknown, i) => {
    const p = `services[${i}]`;
    if (!isObj(rs)) { bad(p, 'must be an object'); return; }
    const P = loc(rs, p);
    known(rs, p, SERVICE_FIELDS);
    // key
    let key: ServiceKey | undefined;
    try {
      if (typeof rs.service === 'string') key = parseServiceKey(rs.service);
      else if (rs.fwmark !== undefined) {
        if (!intIn(rs.fwmark, 1, MAX_U32)) throw new TypeError(`fwmark must be an integer 1..${MAX_U32}`);
        const fam = rs.family ?? 'inet';
        if (fam !== 'inet' && fam !== 'inet6') throw new TypeError('family must be "inet" or "inet6"');
        key = { family: fam, fwmark: rs.fwmark };
      } else if (rs.address !== undefined) {
        const proto = rs.protocol ?? 'tcp';
        if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new TypeError(`protocol must be tcp, udp or sctp, not ${JSON.stringify(proto)}`);
        if (typeof rs.address !== 'string') throw new TypeError('address must be a string');
        const ap = parseAddrPort(rs.address);
        const port = rs.port ?? ap.port;
        if (!intIn(port, 0, 65535)) throw new TypeError(`port must be an integer 0..65535`);
        key = { family: familyOf(ap.address), protocol: proto as Protocol, address: ap.address, port };
      } else throw new TypeError('missing "service" (e.g. "TCP 10.0.0.1:80" or "FWM 5")');
      if (rs.service !== undefined && key.fwmark !== undefined && key.fwmark === 0) throw new TypeError('fwmark must be 1..4294967295');
    } catch (e) { bad(`${P}.service`, (e as Error).message); }
    if (!key) return;
    const id = serviceKeyId(key);
    if (seen.has(id)) bad(`${P}.service`, `duplicate service ${id} (also ${seen.get(id)})`);
    seen.set(id, P);
    const fam: Family = key.family;

    // scheduler
    const scheduler = rs.scheduler ?? 'wlc';
    if (typeof scheduler !== 'string' || !(KNOWN_SCHEDULERS as readonly string[]).includes(scheduler)) {
      bad(`${P}.scheduler`, `unknown scheduler ${JSON.stringify(scheduler)} (one of ${KNOWN_SCHEDULERS.join(' ')})`);
    }
    // persistence
    let persistent: number | undefined;
    if (rs.persistent !== undefined && rs.persistent !== false) {
      if (rs.persistent === true) persistent = 360;
      else if (intIn(rs.persistent, 1, MAX_PERSISTENT)) persistent = rs.persistent;
      else bad(`${P}.persistent`, `persistence timeout must be an integer 1..${MAX_PERSISTENT} seconds (or true for 360, like ipvsadm)`);
    }
    let netmask = defaultNetmask(fam);
    if (rs.netmask !== undefined) {
      if (rs.persistent === undefined || rs.persistent === false) bad(`${P}.netmask`, 'a persistence netmask needs "persistent"');
      try {
        if (typeof rs.netmask !== 'string' && typeof rs.netmask !== 'number') throw new TypeError('must be a string or number');
        netmask = parseNetmask(fam, rs.netmask);
        if (fam === 'inet') {
          const inv = (~netmask) >>> 0;
          if ((inv & (inv + 1)) !== 0) throw new TypeError(`IPv4 netmask ${rs.netmask} is not contiguous`);
        }
      } catch (e) { bad(`${P}.netmask`, (e as Error).message + (fam === 'inet6' ? ' (IPv6 services take a prefix length, e.g. 64)' : ' (e.g. "255.255.255.0" or 24)')); }
    }
    if (key.fwmark === undefined && key.port === 0 && persistent === undefined) bad(`${P}.service`, 'port 0 ("all ports") is only allowed for a persistent service');
    // flags
    let onePacket = false;
    if (rs.onePacket !== undefined) {
      if (typeof rs.onePacket !== 'boolean') bad(`${P}.onePacket`, 'must be true or false');
      else onePacket = rs.onePacket;
      if (onePacket && key.protocol !== undefined && key.protocol !== 'udp') bad(`${P}.onePacket`, 'one-packet scheduling applies to UDP (or fwmark) services only');
    }
    const schedFlags: SchedFlag[] = [];
    if (rs.schedFlags !== undefined) {
      const list = typeof rs.schedFlags === 'string' ? rs.schedFlags.split(',') : rs.schedFlags;
      if (!Array.isArray(list)) bad(`${P}.schedFlags`, 'must be an array of flag names');
      else list.forEach((f: unknown, j) => {
        const fp = `${P}.schedFlags[${j}]`;
        const flag = typeof f === 'string' ? parseSchedFlag(f) : undefined;
        if (!flag) { bad(fp, `unknown scheduler flag ${JSON.stringify(f)} (sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2, flag-3)`); return; }
        const prefix = (f as string).trim().toLowerCase().split('-')[0];
        if ((prefix === 'sh' || prefix === 'mh') && scheduler !== prefix) bad(fp, `${f} needs scheduler "${prefix}", not "${String(scheduler)}"`);
        if (!schedFlags.includes(flag)) schedFlags.push(flag);
      });
    }
    let pe: string | undefined;
    if (rs.pe !== undefined) {
      if (typeof rs.pe !== 'string' || !(KNOWN_PE as readonly string[]).includes(rs.pe)) bad(`${P}.pe`, `unknown persistence engine ${JSON.stringify(rs.pe)} (known: ${KNOWN_PE.join(', ')})`);
      else pe = rs.pe;
    }

    // destinations
    const destinations: Destination[] = [];
    const rd = rs.destinations ?? [];
    if (!Array.isArray(rd)) bad(`${P}.destinations`, 'must be an array');
    const dseen = new Set<string>();
    (Array.isArray(rd) ? rd : []).forEach((d: unknown, j) => {
      const dp0 = `${P}.destinations[${j}]`;
      if (!isObj(d)) { bad(dp0, 'must be an object'); return; }
      const dp = loc(d, dp0);
      known(d, dp0, DEST_FIELDS);
      let address: string | undefined, port: number | undefined;
      try {
        if (typeof d.address !== 'string') throw new TypeError('missing "address" (e.g. "10.0.0.2:80")');
        const ap = parseAddrPort(d.address);
        address = ap.address;
        port = (d.port as number | undefined) ?? ap.port ?? (key.fwmark === undefined ? key.port : 0);
        if (!intIn(port, 0, 65535)) throw new TypeError('port must be an integer 0..65535');
      } catch (e) { bad(`${dp}.address`, (e as Error).message); return; }
      const dfam = familyOf(address);
      const fwdPeek = typeof d.forward === 'string' ? FORWARD_ALIASES[d.forward.toLowerCase()] : undefined;
      if (key.fwmark === undefined && (fwdPeek === 'route' || fwdPeek === 'tunnel') && port !== key.port) {
        // the kernel forwards DR/tunnel packets unchanged; ipvsadm silently rewrites the port, we refuse instead
        bad(`${dp}.address`, `with forward "${fwdPeek}" the destination port must be the service port ${key.port}, not ${port}`);
      }
      const fwdIn = d.forward ?? 'masq';
      const forward = typeof fwdIn === 'string' ? FORWARD_ALIASES[fwdIn.toLowerCase()] : undefined;
      if (!forward) bad(`${dp}.forward`, `unknown forwarding method ${JSON.stringify(fwdIn)} (masq, route/gate, tunnel/ipip, local)`);
      const did = `${address}|${port}`;
      if (dseen.has(did)) bad(`${dp}.address`, `duplicate destination ${d.address} in ${formatServiceKey(key)}`);
      dseen.add(did);
      if (dfam !== fam && forward !== 'tunnel') {
        bad(`${dp}.address`, `${dfam === 'inet' ? 'IPv4' : 'IPv6'} destination in an ${fam === 'inet' ? 'IPv4' : 'IPv6'} service: a different address family is allowed only with forward "tunnel"`);
      }
      const weight = d.weight ?? 1;
      if (!intIn(weight, 0, MAX_WEIGHT)) bad(`${dp}.weight`, `weight must be an integer 0..${MAX_WEIGHT}`);
      const upper = d.upperThreshold ?? 0, lower = d.lowerThreshold ?? 0;
      // the kernel answers EINVAL above INT_MAX (ipvsadm has the same limit)
      if (!intIn(upper, 0, MAX_THRESHOLD)) bad(`${dp}.upperThreshold`, `must be an integer 0..${MAX_THRESHOLD}`);
      if (!intIn(lower, 0, MAX_THRESHOLD)) bad(`${dp}.lowerThreshold`, `must be an integer 0..${MAX_THRESHOLD}`);
      else if (intIn(upper, 0, MAX_THRESHOLD) && lower > upper) bad(`${dp}.lowerThreshold`, `lower threshold ${lower} is above the upper threshold ${upper} (the kernel refuses it; 0 means no limit only for the upper one)`);
      let tunnel: Tunnel | undefined;
      if (d.tunnel !== undefined) {
        const tp = `${dp}.tunnel`;
        if (forward !== 'tunnel') bad(tp, 'tunnel settings need forward "tunnel"');
        if (!isObj(d.tunnel)) bad(tp, 'must be an object like {"type":"gue","port":6080,"checksum":"csum"}');
        else {
          const t = d.tunnel;
          known(t, tp, ['type', 'port', 'checksum']);
          const type = t.type ?? 'ipip';
          if (type !== 'ipip' && type !== 'gue' && type !== 'gre') bad(`${tp}.type`, `unknown tunnel type ${JSON.stringify(type)} (ipip, gue, gre)`);
          const tport = t.port ?? 0;
          if (type === 'gue' && !intIn(tport, 1, 65535)) bad(`${tp}.port`, 'a GUE tunnel needs a port 1..65535');
          if (type !== 'gue' && t.port !== undefined) bad(`${tp}.port`, `a tunnel port applies only to type "gue"`);
          const checksum = t.checksum ?? 'nocsum';
          if (checksum !== 'nocsum' && checksum !== 'csum' && checksum !== 'remcsum') bad(`${tp}.checksum`, `must be nocsum, csum or remcsum`);
          if (type === 'ipip' && checksum !== 'nocsum') bad(`${tp}.checksum`, 'checksum options need type "gue" or "gre"');
          if (type === 'gre' && checksum === 'remcsum') bad(`${tp}.checksum`, 'remcsum is only valid with type "gue"');
          tunnel = { type: type as Tunnel['type'], port: typeof tport === 'number' ? tport : 0, checksum: checksum as Tunnel['checksum'] };
        }
      } else if (forward === 'tunnel') tunnel = { type: 'ipip', port: 0, checksum: 'nocsum' };
      destinations.push({
        family: dfam, address: canonicalAddr(address), port: port!, forward: forward ?? 'masq',
        weight: weight as number, upperThreshold: upper as number, lowerThreshold: lower as number, tunnel,
      });
    });
    services.push({ key, scheduler: scheduler as string, persistent, netmask, onePacket, schedFlags, pe, destinations });
  });

  // timeouts
  let timeouts: Partial<Timeouts> | undefined;
  if (input.timeouts !== undefined) {
    const t = input.timeouts;
    if (!isObj(t)) bad('timeouts', 'must be an object like {"tcp":900,"tcpFin":120,"udp":300}');
    else {
      known(t, 'timeouts', ['tcp', 'tcpFin', 'udp']);
      timeouts = {};
      for (const k of ['tcp', 'tcpFin', 'udp'] as const) {
        if (t[k] === undefined) continue;
        if (!intIn(t[k], 0, 2147483)) bad(`timeouts.${k}`, 'must be an integer number of seconds 0..2147483 (0 = unchanged)');
        else timeouts[k] = t[k];
      }
    }
  }
  let daemons: SyncDaemon[] | undefined;
  if (input.daemons !== undefined) {
    if (!Array.isArray(input.daemons)) bad('daemons', 'must be an array');
    else {
      daemons = [];
      const states = new Set<string>();
      input.daemons.forEach((d: unknown, i) => {
        const p = `daemons[${i}]`;
        if (!isObj(d)) { bad(p, 'must be an object'); return; }
        known(d, p, ['state', 'ifname', 'syncId', 'maxLen', 'group', 'port', 'ttl']);
        if (d.state !== 'master' && d.state !== 'backup') { bad(`${p}.state`, 'must be "master" or "backup"'); return; }
        if (states.has(d.state)) bad(`${p}.state`, `duplicate ${d.state} sync daemon`);
        states.add(d.state);
        if (typeof d.ifname !== 'string' || !/^[^\s/]{1,15}$/.test(d.ifname)) bad(`${p}.ifname`, 'must be an interface name (1..15 characters)');
        if (!intIn(d.syncId ?? 0, 0, 255)) bad(`${p}.syncId`, 'must be an integer 0..255');
        if (d.maxLen !== undefined && !intIn(d.maxLen, 1, 65535)) bad(`${p}.maxLen`, 'must be an integer 1..65535');
        if (d.port !== undefined && !intIn(d.port, 1, 65535)) bad(`${p}.port`, 'must be an integer 1..65535');
        if (d.ttl !== undefined && !intIn(d.ttl, 1, 255)) bad(`${p}.ttl`, 'must be an integer 1..255');
        let group: string | undefined;
        if (d.group !== undefined) {
          try { group = canonicalAddr(String(d.group)); } catch { bad(`${p}.group`, 'must be a multicast IP address'); }
        }
        daemons!.push({ state: d.state, ifname: String(d.ifname), syncId: (d.syncId as number | undefined) ?? 0,
          maxLen: d.maxLen as number | undefined, group, port: d.port as number | undefined, ttl: d.ttl as number | undefined });
      });
    }
  }

  if (problems.length) throw new TableValidationError(source, problems);
  return { services, timeouts, daemons };
}
