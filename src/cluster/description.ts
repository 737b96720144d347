/**
 * The validated cluster description (pure): raw sections (from the text file
 * or from CLI flags) → a typed model, or a ConfigError naming the place and
 * the field. All cross-field rules (subnets, duplicates, the stacks' timing
 * rules, fail-back) live here so every generator can trust its input.
 */
import { ConfigError } from '../errors.ts';
import type { RawEntry, RawSection } from './description-text.ts';
import {
  type Addr, type Cidr, isNetworkOrBroadcast, parseCidr, parseHostPort, sameAddr, sameSubnet,
} from './ip.ts';

export type Stack = 'corosync' | 'heartbeat';
export type Method = 'gate' | 'masq' | 'ipip';

export interface ClusterNode { name: string; addr: Cidr; prefix: number; nodeid: number; nic: string | undefined }
export interface RealServer { addr: Addr; port: number; weight: number }
export interface Service {
  name: string; port: number; protocol: 'tcp' | 'udp'; scheduler: string; persistent: number | undefined;
  checktype: string; service: string | undefined; request: string | undefined; receive: string | undefined;
  reals: RealServer[];
}
export interface Fence { id: string; agent: string; hosts: string[]; params: [string, string][] }
export interface Model {
  name: string;
  stack: Stack;
  nodes: ClusterNode[];
  vip: { addr: Addr; prefix: number; nic: string };
  method: Method;
  /** masq: the real servers' default gateway, a second address that moves with the VIP. */
  gateway: { addr: Addr; prefix: number; nic: string } | undefined;
  services: Service[];
  stickiness: string;
  migrationThreshold: number;
  failureTimeout: string | undefined;
  preferred: { node: string; score: number } | undefined;
  heartbeat: {
    keepaliveMs: number; warntimeMs: number; deadtimeMs: number; initdeadMs: number;
    udpport: number; media: string[]; logfacility: string; logfile: string | undefined;
  };
  corosync: { tokenMs: number; consensusMs: number | undefined; cipher: string; hash: string };
  fences: Fence[];
  ping: { hosts: Addr[]; multiplier: number; dampen: string } | undefined;
  sync: { mcastInterface: string; syncid: number } | undefined;
  ldirectord: {
    configfile: string; generate: boolean; checktimeout: number; checkinterval: number;
    quiescent: boolean; autoreload: boolean;
  };
}

// Allowed keys per section kind; `true` = may repeat.
const SCHEMA: Record<string, { named: boolean; repeat: boolean; keys: Record<string, boolean> }> = {
  cluster: {
    named: false, repeat: false,
    keys: {
      name: false, stack: false, stickiness: false, migration_threshold: false, failure_timeout: false,
      preferred_node: false, preferred_score: false,
    },
  },
  node: { named: true, repeat: true, keys: { address: false, nodeid: false, nic: false } },
  vip: { named: false, repeat: false, keys: { address: false, nic: false, method: false, gateway: false, gateway_nic: false } },
  service: {
    named: true, repeat: true,
    keys: {
      port: false, protocol: false, scheduler: false, persistent: false, checktype: false, service: false,
      request: false, receive: false, real: true,
    },
  },
  ldirectord: {
    named: false, repeat: false,
    keys: { configfile: false, generate: false, checktimeout: false, checkinterval: false, quiescent: false, autoreload: false },
  },
  heartbeat: {
    named: false, repeat: false,
    keys: {
      keepalive: false, warntime: false, deadtime: false, initdead: false, udpport: false,
      bcast: true, mcast: true, ucast: true, logfacility: false, logfile: false,
    },
  },
  corosync: { named: false, repeat: false, keys: { token: false, consensus: false, crypto_cipher: false, crypto_hash: false } },
  fence: { named: true, repeat: true, keys: { agent: false, hosts: false, param: true } },
  ping: { named: false, repeat: false, keys: { host_list: false, multiplier: false, dampen: false } },
  sync: { named: false, repeat: false, keys: { mcast_interface: false, syncid: false } },
};

const NAME_RE = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const NIC_RE = /^[A-Za-z0-9_.:@-]{1,15}$/;
const ID_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

const err = (where: string, field: string, msg: string, hint?: string): ConfigError =>
  new ConfigError(`${field}: ${msg}`, { where, ...(hint ? { hint } : {}), context: { field } });

/** Looks up keys of one section; reports unknown and duplicate keys. */
class Sec {
  readonly raw: RawSection;
  readonly label: string;
  constructor(raw: RawSection) {
    this.raw = raw;
    this.label = raw.name ? `[${raw.kind} ${raw.name}]` : `[${raw.kind}]`;
    const schema = SCHEMA[raw.kind]!;
    const seen = new Map<string, RawEntry>();
    for (const e of raw.entries) {
      if (!(e.key in schema.keys)) {
        throw err(e.where, `${this.label} ${e.key}`, 'unknown key',
          `known keys: ${Object.keys(schema.keys).join(', ')}`);
      }
      const prev = seen.get(e.key);
      if (prev && !schema.keys[e.key]) {
        throw err(e.where, `${this.label} ${e.key}`, `given twice (first at ${prev.where})`, 'keep one');
      }
      seen.set(e.key, e);
    }
  }
  field(key: string): string { return `${this.label} ${key}`; }
  get(key: string): RawEntry | undefined { return this.raw.entries.find((e) => e.key === key); }
  all(key: string): RawEntry[] { return this.raw.entries.filter((e) => e.key === key); }
  str(key: string, def: string): string { return this.get(key)?.value ?? def; }
  int(key: string, def: number, min: number, max: number): number {
    const e = this.get(key);
    if (!e) return def;
    if (!/^-?\d+$/.test(e.value) || Number(e.value) < min || Number(e.value) > max) {
      throw err(e.where, this.field(key), `"${e.value}" is not an integer in ${min}..${max}`);
    }
    return Number(e.value);
  }
  bool(key: string, def: boolean): boolean {
    const e = this.get(key);
    if (!e) return def;
    const v = e.value.toLowerCase();
    if (['yes', 'true', 'on', '1'].includes(v)) return true;
    if (['no', 'false', 'off', '0'].includes(v)) return false;
    throw err(e.where, this.field(key), `"${e.value}" is not a boolean`, 'write yes or no');
  }
  oneOf<T extends string>(key: string, def: T, allowed: readonly T[]): T {
    const e = this.get(key);
    if (!e) return def;
    if (!(allowed as readonly string[]).includes(e.value)) {
      throw err(e.where, this.field(key), `"${e.value}" is not one of ${allowed.join(', ')}`);
    }
    return e.value as T;
  }
  /** Heartbeat/corosync time: "N" (unit `unit`) or "Nms" / "Ns". */
  ms(key: string, defMs: number, unit: 's' | 'ms'): number {
    const e = this.get(key);
    if (!e) return defMs;
    const m = /^(\d+)(ms|s)?$/.exec(e.value);
    if (!m) throw err(e.where, this.field(key), `"${e.value}" is not a time`, 'write e.g. 2, 2s or 500ms');
    const n = Number(m[1]);
    const ms = (m[2] ?? unit) === 's' ? n * 1000 : n;
    if (ms <= 0) throw err(e.where, this.field(key), 'must be greater than 0');
    return ms;
  }
  where(key: string): string { return this.get(key)?.where ?? this.raw.where; }
}

function sectionsOf(raw: RawSection[]): Map<string, Sec[]> {
  const out = new Map<string, Sec[]>();
  const names = new Map<string, string>();
  for (const r of raw) {
    const schema = SCHEMA[r.kind];
    if (!schema) {
      throw err(r.where, `[${r.kind}]`, 'unknown section', `known sections: ${Object.keys(SCHEMA).join(', ')}`);
    }
    if (schema.named && !r.name) throw err(r.where, `[${r.kind}]`, 'needs a name', `write [${r.kind} NAME]`);
    if (!schema.named && r.name) throw err(r.where, `[${r.kind} ${r.name}]`, 'takes no name', `write [${r.kind}]`);
    const key = `${r.kind} ${r.name ?? ''}`;
    const prev = names.get(key);
    if (prev) {
      const what = r.kind === 'node' ? `duplicate node name "${r.name}"` : 'section given twice';
      throw err(r.where, r.name ? `[${r.kind} ${r.name}]` : `[${r.kind}]`, `${what} (first at ${prev})`);
    }
    names.set(key, r.where);
    const list = out.get(r.kind) ?? [];
    list.push(new Sec(r));
    out.set(r.kind, list);
  }
  return out;
}

export function buildModel(raw: RawSection[], origin: string): Model {
  const secs = sectionsOf(raw);
  const empty = (kind: string): Sec => new Sec({ kind, name: undefined, where: origin, entries: [] });
  const one = (kind: string): Sec => secs.get(kind)?.[0] ?? empty(kind);

  const cl = one('cluster');
  const name = cl.str('name', 'lvsha');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) {
    throw err(cl.where('name'), cl.field('name'), `"${name}" is not a valid cluster name`, '1-32 letters, digits, - or _');
  }
  const stack = cl.oneOf<Stack>('stack', 'corosync', ['corosync', 'heartbeat']);

  // ---- nodes
  const nodeSecs = secs.get('node') ?? [];
  if (nodeSecs.length < 2) {
    throw err(nodeSecs[0]?.raw.where ?? origin, 'nodes', `${nodeSecs.length} node(s) given, a cluster needs at least 2`,
      'add [node NAME] sections or --node NAME=IP');
  }
  const vipSec = one('vip');
  const vipE = vipSec.get('address');
  if (!vipE) throw err(vipSec.raw.where, vipSec.field('address'), 'missing', 'give the virtual IP as address = IP/PREFIX (or --vip)');
  const vipC = parseCidr(vipE.value);
  if (!vipC) throw err(vipE.where, vipSec.field('address'), `"${vipE.value}" is not an IP address[/prefix]`);

  const nodes: ClusterNode[] = [];
  const usedIds = new Map<number, string>();
  for (const s of nodeSecs) {
    const nm = s.raw.name!;
    if (!NAME_RE.test(nm) || nm.length > 64) {
      throw err(s.raw.where, s.label, `"${nm}" is not a valid node name`, 'it must equal the node\'s `uname -n`: letters, digits, - and .');
    }
    const ae = s.get('address');
    if (!ae) throw err(s.raw.where, s.field('address'), 'missing', 'write address = IP/PREFIX');
    const c = parseCidr(ae.value);
    if (!c) throw err(ae.where, s.field('address'), `"${ae.value}" is not an IP address[/prefix]`);
    if (c.family !== vipC.family) {
      throw err(ae.where, s.field('address'), `IPv${c.family} node address but IPv${vipC.family} VIP`, 'use one address family');
    }
    const prefix = c.prefix ?? vipC.prefix ?? (c.family === 4 ? 24 : 64);
    if (isNetworkOrBroadcast(c, prefix)) {
      throw err(ae.where, s.field('address'), `${c.text}/${prefix} is the network or broadcast address`);
    }
    for (const o of nodes) {
      if (sameAddr(o.addr, c)) throw err(ae.where, s.field('address'), `duplicate address ${c.text} (also node ${o.name})`);
    }
    const nodeid = s.int('nodeid', 0, 1, 0xfffffffe) || nodes.length + 1;
    const dupId = usedIds.get(nodeid);
    if (dupId) throw err(s.where('nodeid'), s.field('nodeid'), `duplicate nodeid ${nodeid} (also node ${dupId})`);
    usedIds.set(nodeid, nm);
    const nic = s.get('nic')?.value;
    if (nic !== undefined && !NIC_RE.test(nic)) throw err(s.where('nic'), s.field('nic'), `"${nic}" is not an interface name`);
    nodes.push({ name: nm, addr: c, prefix, nodeid, nic });
  }
  // auto-assigned ids must not collide with explicit ones
  if (new Set(nodes.map((n) => n.nodeid)).size !== nodes.length) {
    throw err(origin, 'nodeid', 'automatically numbered nodes collide with an explicit nodeid', 'give every node a nodeid, or none');
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const nodeRef = (e: RawEntry, field: string, v: string): string => {
    if (!byName.has(v)) throw err(e.where, field, `unknown node "${v}"`, `known nodes: ${[...byName.keys()].join(', ')}`);
    return v;
  };

  // ---- VIP
  const vipPrefix = vipC.prefix ?? nodes.find((n) => sameSubnet(n.addr, vipC, n.prefix))?.prefix;
  if (!nodes.some((n) => sameSubnet(n.addr, vipC, n.prefix)) || vipPrefix === undefined) {
    throw err(vipE.where, vipSec.field('address'),
      `${vipC.text} is outside every node's subnet (${nodes.map((n) => `${n.name} ${n.addr.text}/${n.prefix}`).join(', ')})`,
      'IPaddr2 can only bring a VIP up on a NIC of its subnet; fix the VIP or the node prefixes');
  }
  if (isNetworkOrBroadcast(vipC, vipPrefix)) {
    throw err(vipE.where, vipSec.field('address'), `${vipC.text}/${vipPrefix} is the network or broadcast address`);
  }
  for (const n of nodes) {
    if (sameAddr(n.addr, vipC)) throw err(vipE.where, vipSec.field('address'), `${vipC.text} is also the address of node ${n.name}`);
  }
  const vipNic = vipSec.str('nic', 'eth0');
  if (!NIC_RE.test(vipNic)) throw err(vipSec.where('nic'), vipSec.field('nic'), `"${vipNic}" is not an interface name`);
  const method = vipSec.oneOf<Method>('method', 'gate', ['gate', 'masq', 'ipip']);

  let gateway: Model['gateway'];
  const gwE = vipSec.get('gateway');
  if (gwE) {
    if (method !== 'masq') {
      throw err(gwE.where, vipSec.field('gateway'), `only used with method masq (method is ${method})`, 'remove it or set method = masq');
    }
    const g = parseCidr(gwE.value);
    if (!g || g.prefix === undefined) throw err(gwE.where, vipSec.field('gateway'), `"${gwE.value}" is not IP/PREFIX`);
    if (g.family !== vipC.family) throw err(gwE.where, vipSec.field('gateway'), 'address family differs from the VIP');
    for (const n of nodes) {
      if (sameAddr(n.addr, g)) throw err(gwE.where, vipSec.field('gateway'), `${g.text} is also the address of node ${n.name}`);
    }
    if (sameAddr(g, vipC)) throw err(gwE.where, vipSec.field('gateway'), 'equals the VIP');
    const gnic = vipSec.str('gateway_nic', vipNic);
    if (!NIC_RE.test(gnic)) throw err(vipSec.where('gateway_nic'), vipSec.field('gateway_nic'), `"${gnic}" is not an interface name`);
    gateway = { addr: g, prefix: g.prefix, nic: gnic };
  } else if (vipSec.get('gateway_nic')) {
    throw err(vipSec.where('gateway_nic'), vipSec.field('gateway_nic'), 'given without gateway');
  }

  // ---- services / real servers
  const services: Service[] = [];
  const seenReal = new Map<string, string>();
  const seenPort = new Map<string, string>();
  for (const s of secs.get('service') ?? []) {
    const port = s.int('port', 0, 1, 65535);
    const reals: RealServer[] = [];
    const proto = s.oneOf<'tcp' | 'udp'>('protocol', 'tcp', ['tcp', 'udp']);
    for (const e of s.all('real')) {
      const [hp, w, extra] = e.value.split(/\s+/);
      const parsed = hp ? parseHostPort(hp) : undefined;
      if (!parsed || extra !== undefined) {
        throw err(e.where, s.field('real'), `"${e.value}" is not IP:PORT [WEIGHT]`, 'e.g. real = 192.168.0.110:80 1');
      }
      if (parsed.addr.family !== vipC.family) throw err(e.where, s.field('real'), 'address family differs from the VIP');
      const weight = w === undefined ? 1 : /^\d+$/.test(w) && Number(w) <= 65535 ? Number(w) : NaN;
      if (Number.isNaN(weight)) throw err(e.where, s.field('real'), `weight "${w}" is not an integer 0..65535`);
      const key = `${parsed.addr.text}:${parsed.port}/${proto}/${port}`;
      const dup = seenReal.get(key);
      if (dup) throw err(e.where, s.field('real'), `duplicate real server ${hp} (first at ${dup})`);
      seenReal.set(key, e.where);
      if (sameAddr(parsed.addr, vipC)) throw err(e.where, s.field('real'), 'a real server cannot be the VIP');
      for (const n of nodes) {
        if (sameAddr(n.addr, parsed.addr)) throw err(e.where, s.field('real'), `${parsed.addr.text} is director ${n.name}`, 'real servers must be other hosts');
      }
      if (method !== 'masq' && port && parsed.port !== port) {
        throw err(e.where, s.field('real'), `port ${parsed.port} differs from the service port ${port}`,
          `method ${method} cannot map ports; use method masq or the same port`);
      }
      reals.push({ addr: parsed.addr, port: parsed.port, weight });
    }
    if (reals.length === 0) throw err(s.raw.where, s.field('real'), 'no real servers', 'add real = IP:PORT lines');
    const svcPort = port || reals[0]!.port;
    if (method !== 'masq') {
      const bad = reals.find((r) => r.port !== svcPort);
      if (bad) throw err(s.raw.where, s.field('real'), `ports differ (${svcPort} and ${bad.port})`, `method ${method} cannot map ports`);
    }
    const pk = `${proto}/${svcPort}`;
    if (seenPort.has(pk)) throw err(s.raw.where, s.field('port'), `${pk} is already served by [service ${seenPort.get(pk)}]`);
    seenPort.set(pk, s.raw.name!);
    // negotiate needs a request/receive pair; without one a TCP connect is the honest check
    const checktype = s.oneOf('checktype', s.get('request') ? 'negotiate' : 'connect', ['negotiate', 'connect', 'ping', 'on', 'off', 'external']);
    const persistent = s.get('persistent') ? s.int('persistent', 0, 1, 2678400) : undefined;
    const sched = s.oneOf('scheduler', 'wlc', ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']);
    services.push({
      name: s.raw.name!, port: svcPort, protocol: proto, scheduler: sched, persistent, checktype,
      service: s.get('service')?.value, request: s.get('request')?.value, receive: s.get('receive')?.value, reals,
    });
  }
  const ld = one('ldirectord');
  const generate = ld.bool('generate', true);
  if (generate && services.length === 0) {
    throw err(origin, 'services', 'no [service NAME] with real servers', 'add --real IP:PORT, a [service] section, or [ldirectord] generate = no to keep your own ldirectord.cf');
  }
  const configfile = ld.str('configfile', '/etc/ha.d/ldirectord.cf');
  if (!configfile.startsWith('/')) throw err(ld.where('configfile'), ld.field('configfile'), 'must be an absolute path');
  // real servers vs gateway: in masq the gateway must be on the reals' subnet (they route through it)
  if (gateway) {
    for (const s of services) {
      for (const r of s.reals) {
        if (!sameSubnet(r.addr, gateway.addr, gateway.prefix)) {
          throw err(vipSec.where('gateway'), vipSec.field('gateway'),
            `real server ${r.addr.text} is outside ${gateway.addr.text}/${gateway.prefix}`, 'the gateway must be on the real servers\' subnet');
        }
      }
    }
  }

  if (method === 'masq' && !gateway) {
    // without a gateway address the real servers must route through the VIP itself, so they share its subnet
    for (const s of services) {
      for (const r of s.reals) {
        if (!sameSubnet(r.addr, vipC, vipPrefix)) {
          throw err(vipSec.where('method'), vipSec.field('gateway'),
            `method masq: real server ${r.addr.text} is outside the VIP subnet and no gateway is given`,
            'add [vip] gateway = IP/PREFIX on the real servers\' subnet (it moves with the VIP)');
        }
      }
    }
  }

  // ---- stickiness / placement
  const stE = cl.get('stickiness');
  const stickiness = stE?.value ?? 'INFINITY';
  if (!/^(\+?INFINITY|\d{1,7})$/.test(stickiness)) {
    throw err(cl.where('stickiness'), cl.field('stickiness'), `"${stickiness}" is not INFINITY or a score 0..1000000`);
  }
  const stickyNum = /INFINITY/.test(stickiness) ? Infinity : Number(stickiness);
  if (stickyNum === 0) {
    throw err(cl.where('stickiness'), cl.field('stickiness'), '0 lets resources fail back', 'use INFINITY (the default) or a positive score');
  }
  let preferred: Model['preferred'];
  const pE = cl.get('preferred_node');
  if (pE) {
    const node = nodeRef(pE, cl.field('preferred_node'), pE.value);
    const score = cl.int('preferred_score', 100, 1, 999999);
    if (score >= stickyNum) {
      throw err(cl.where('preferred_score'), cl.field('preferred_score'),
        `${score} is not below stickiness ${stickiness}: the group would fail back`, 'lower preferred_score or raise stickiness');
    }
    preferred = { node, score };
  } else if (cl.get('preferred_score')) {
    throw err(cl.where('preferred_score'), cl.field('preferred_score'), 'given without preferred_node');
  }
  const migrationThreshold = cl.int('migration_threshold', 3, 1, 1000000);
  const ft = cl.get('failure_timeout');
  if (ft && !/^\d+(s|m|h|min)?$/.test(ft.value)) throw err(ft.where, cl.field('failure_timeout'), `"${ft.value}" is not a duration`);

  // ---- heartbeat timings (ha.cf(5): deadtime > 2*keepalive, initdead >= deadtime, warntime < deadtime)
  const hb = one('heartbeat');
  const keepaliveMs = hb.ms('keepalive', 1000, 's');
  const deadtimeMs = hb.ms('deadtime', 10000, 's');
  const warntimeMs = hb.ms('warntime', Math.floor(deadtimeMs / 2), 's');
  const initdeadMs = hb.ms('initdead', Math.max(60000, 2 * deadtimeMs), 's');
  if (stack === 'heartbeat' || secs.has('heartbeat')) {
    if (deadtimeMs <= 2 * keepaliveMs) {
      throw err(hb.where('deadtime'), hb.field('deadtime'),
        `${deadtimeMs}ms must be more than 2 x keepalive (${keepaliveMs}ms)`, 'heartbeat refuses this; raise deadtime or lower keepalive');
    }
    if (initdeadMs < deadtimeMs) {
      throw err(hb.where('initdead'), hb.field('initdead'), `${initdeadMs}ms is below deadtime (${deadtimeMs}ms)`, 'heartbeat refuses this; use at least 2 x deadtime');
    }
    if (warntimeMs >= deadtimeMs || warntimeMs < keepaliveMs) {
      throw err(hb.where('warntime'), hb.field('warntime'),
        `${warntimeMs}ms must be between keepalive (${keepaliveMs}ms) and deadtime (${deadtimeMs}ms)`);
    }
  }
  const udpport = hb.int('udpport', 694, 1, 65535);
  const media: string[] = [];
  for (const e of hb.all('bcast')) {
    if (!e.value.split(/\s+/).every((x) => NIC_RE.test(x))) throw err(e.where, hb.field('bcast'), `"${e.value}" is not a list of interfaces`);
    media.push(`bcast ${e.value}`);
  }
  for (const e of hb.all('mcast')) {
    const f = e.value.split(/\s+/);
    const g = f[1] ? parseCidr(f[1]) : undefined;
    if (f.length !== 5 || !NIC_RE.test(f[0]!) || !g || g.family !== 4 || (g.value >> 28n) !== 14n
      || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!) || !/^[01]$/.test(f[4]!)) {
      throw err(e.where, hb.field('mcast'), `"${e.value}" is not "DEV GROUP PORT TTL LOOP"`, 'e.g. mcast = eth0 239.0.0.43 694 1 0');
    }
    media.push(`mcast ${f.join(' ')}`);
  }
  for (const e of hb.all('ucast')) {
    const f = e.value.split(/\s+/);
    const a = f[1] ? parseCidr(f[1]) : undefined;
    if (f.length !== 2 || !NIC_RE.test(f[0]!) || !a) throw err(e.where, hb.field('ucast'), `"${e.value}" is not "DEV PEER-IP"`);
    media.push(`${a.family === 6 ? 'ucast6' : 'ucast'} ${f[0]} ${a.text}`);
  }
  if (media.length === 0) {
    // one ha.cf for all nodes: heartbeat ignores the ucast line that points at the local host
    for (const n of nodes) media.push(`${n.addr.family === 6 ? 'ucast6' : 'ucast'} ${n.nic ?? vipNic} ${n.addr.text}`);
  }
  const logfacility = hb.str('logfacility', 'local0');
  if (!/^(none|daemon|user|auth|authpriv|local[0-7])$/.test(logfacility)) {
    throw err(hb.where('logfacility'), hb.field('logfacility'), `"${logfacility}" is not a syslog facility`);
  }
  const logfile = hb.get('logfile')?.value;

  // ---- corosync timings (corosync.conf(5): consensus >= 1.2 x token)
  const cs = one('corosync');
  const tokenMs = cs.ms('token', 3000, 'ms');
  const consE = cs.get('consensus');
  const consensusMs = consE ? cs.ms('consensus', 0, 'ms') : undefined;
  if (consensusMs !== undefined && consensusMs < 1.2 * tokenMs) {
    throw err(consE!.where, cs.field('consensus'), `${consensusMs}ms is below 1.2 x token (${1.2 * tokenMs}ms)`, 'corosync refuses this; omit it to get the default');
  }
  const cipher = cs.oneOf('crypto_cipher', 'aes256', ['aes256', 'aes192', 'aes128']);
  const hash = cs.oneOf('crypto_hash', 'sha256', ['sha256', 'sha384', 'sha512', 'sha1']);

  // ---- fencing
  const fences: Fence[] = [];
  for (const s of secs.get('fence') ?? []) {
    const id = s.raw.name!;
    if (!ID_RE.test(id)) throw err(s.raw.where, s.label, `"${id}" is not a valid resource id`);
    const ae = s.get('agent');
    if (!ae) throw err(s.raw.where, s.field('agent'), 'missing', stack === 'heartbeat' ? 'e.g. agent = external/ssh' : 'e.g. agent = fence_ipmilan');
    const agent = ae.value;
    if (stack === 'corosync' && !/^fence_[a-z0-9_]+$/.test(agent)) {
      throw err(ae.where, s.field('agent'), `"${agent}" is not a fence_* agent`, 'Pacemaker 2 on corosync uses fence-agents (fence_ipmilan, fence_xvm, …)');
    }
    if (stack === 'heartbeat' && !/^external\/[a-z0-9_-]+$|^[a-z0-9_]+$/.test(agent)) {
      throw err(ae.where, s.field('agent'), `"${agent}" is not a heartbeat stonith plugin`, 'e.g. external/ssh or external/ipmi');
    }
    if (stack === 'heartbeat' && agent.startsWith('fence_')) {
      throw err(ae.where, s.field('agent'), `"${agent}" is a fence-agents agent; Pacemaker 1.x on heartbeat uses stonith plugins`, 'e.g. external/ssh or external/ipmi');
    }
    const hostsE = s.get('hosts');
    const hosts = hostsE ? hostsE.value.split(/[\s,]+/).filter(Boolean).map((h) => nodeRef(hostsE, s.field('hosts'), h)) : nodes.map((n) => n.name);
    const params: [string, string][] = [];
    for (const e of s.all('param')) {
      const m = /^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/.exec(e.value);
      if (!m) throw err(e.where, s.field('param'), `"${e.value}" is not NAME=VALUE`);
      params.push([m[1]!, m[2]!]);
    }
    fences.push({ id, agent, hosts, params });
  }

  // ---- ping (connectivity)
  let ping: Model['ping'];
  if (secs.has('ping')) {
    const p = one('ping');
    const hl = p.get('host_list');
    if (!hl) throw err(p.raw.where, p.field('host_list'), 'missing', 'e.g. host_list = 192.168.0.1');
    const hosts = hl.value.split(/[\s,]+/).filter(Boolean).map((h) => {
      const a = parseCidr(h);
      if (!a || a.prefix !== undefined) throw err(hl.where, p.field('host_list'), `"${h}" is not an IP address`);
      return a as Addr;
    });
    const multiplier = p.int('multiplier', 1000, 1, 1000000);
    const dampen = p.str('dampen', '5s');
    if (!/^\d+(ms|s|m)?$/.test(dampen)) throw err(p.where('dampen'), p.field('dampen'), `"${dampen}" is not a duration`);
    ping = { hosts, multiplier, dampen };
  }

  // ---- IPVS connection sync
  let sync: Model['sync'];
  if (secs.has('sync')) {
    const s = one('sync');
    const mi = s.str('mcast_interface', vipNic);
    if (!NIC_RE.test(mi)) throw err(s.where('mcast_interface'), s.field('mcast_interface'), `"${mi}" is not an interface name`);
    sync = { mcastInterface: mi, syncid: s.int('syncid', 0, 0, 255) };
  }

  return {
    name, stack, nodes, vip: { addr: vipC, prefix: vipPrefix, nic: vipNic }, method, gateway, services,
    stickiness: stickiness.replace(/^\+/, ''), migrationThreshold, failureTimeout: ft?.value, preferred,
    heartbeat: { keepaliveMs, warntimeMs, deadtimeMs, initdeadMs, udpport, media, logfacility, logfile },
    corosync: { tokenMs, consensusMs, cipher, hash },
    fences, ping, sync,
    ldirectord: {
      configfile, generate,
      checktimeout: ld.int('checktimeout', 5, 1, 3600), checkinterval: ld.int('checkinterval', 5, 1, 3600),
      quiescent: ld.bool('quiescent', false), autoreload: ld.bool('autoreload', false),
    },
  };
}
