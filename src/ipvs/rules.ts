/**
 * The `ipvsadm -S -n` / `ipvsadm -R` rule format → the declarative JSON shape
 * that validate.ts checks. Each produced object remembers "file:line" so
 * validation errors point at the rule. Pure.
 *
 * Understood: -A/-E/-D (service add/edit/delete), -a/-e/-d (server), -C,
 * --set TCP TCPFIN UDP, --start-daemon STATE with --mcast-interface, --syncid,
 * --sync-maxlen, --mcast-group, --mcast-port, --mcast-ttl. Options and defaults
 * are ipvsadm's: scheduler wlc, forward -g, weight 1, -p without value = 360 s,
 * DR/tunnel servers take the service port.
 */
import { ConfigError } from '../errors.ts';
import { parseAddrPort } from './model.ts';
import { WHERE } from './validate.ts';

type Obj = Record<string, unknown> & { [WHERE]?: string };

export function looksLikeRules(text: string): boolean {
  const first = text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  return first !== undefined && first.startsWith('-');
}

function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

const SHORT: Record<string, string> = {
  '-A': 'add-service', '-E': 'edit-service', '-D': 'delete-service', '-C': 'clear',
  '-a': 'add-server', '-e': 'edit-server', '-d': 'delete-server',
  '-t': 'tcp-service', '-u': 'udp-service', '-f': 'fwmark-service', '-6': 'ipv6',
  '-s': 'scheduler', '-p': 'persistent', '-M': 'netmask', '-b': 'sched-flags', '-o': 'ops',
  '-r': 'real-server', '-g': 'gatewaying', '-i': 'ipip', '-m': 'masquerading', '-w': 'weight',
  '-x': 'u-threshold', '-y': 'l-threshold', '-n': 'numeric',
};
const WITH_ARG = new Set(['tcp-service', 'udp-service', 'sctp-service', 'fwmark-service', 'scheduler', 'netmask', 'sched-flags', 'pe',
  'real-server', 'weight', 'u-threshold', 'l-threshold', 'tun-type', 'tun-port', 'mcast-interface', 'syncid', 'sync-maxlen',
  'mcast-group', 'mcast-port', 'mcast-ttl', 'start-daemon', 'stop-daemon']);
const FLAGS = new Set(['add-service', 'edit-service', 'delete-service', 'clear', 'add-server', 'edit-server', 'delete-server', 'set',
  'ipv6', 'persistent', 'ops', 'gatewaying', 'ipip', 'masquerading', 'numeric', 'tun-nocsum', 'tun-csum', 'tun-remcsum', 'tcp-service',
  'udp-service', 'sctp-service', 'fwmark-service', 'scheduler', 'netmask', 'sched-flags', 'pe', 'real-server', 'weight', 'u-threshold', 'l-threshold']);

export function parseRules(text: string, file = 'rules'): Record<string, unknown> {
  const services: Obj[] = [];
  const index = new Map<string, Obj>();
  const daemons: Obj[] = [];
  let timeouts: Obj | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, li) => {
    const where = `${file}:${li + 1}`;
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const toks = tokenize(line);
    if (toks[0] === 'ipvsadm') toks.shift();
    const o: Record<string, string | true> = {};
    let cmd: string | undefined;
    const fail = (msg: string, hint?: string): never => { throw new ConfigError(msg, { where, ...(hint ? { hint } : {}) }); };
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      let name: string;
      let val: string | undefined;
      if (t.startsWith('--')) {
        const eq = t.indexOf('='); name = eq > 0 ? t.slice(2, eq) : t.slice(2); if (eq > 0) val = t.slice(eq + 1);
        if (!FLAGS.has(name) && !WITH_ARG.has(name)) fail(`unknown option "${t}"`, 'write rules as `ipvsadm -S -n` prints them');
      }
      else if (SHORT[t]) name = SHORT[t]!;
      else fail(`unknown option "${t}"`, 'write rules as `ipvsadm -S -n` prints them');
      if (['add-service', 'edit-service', 'delete-service', 'clear', 'add-server', 'edit-server', 'delete-server', 'set', 'start-daemon', 'stop-daemon'].includes(name!)) {
        if (cmd) fail(`two commands on one line (${cmd} and ${name!})`);
        cmd = name!;
      }
      if (name! === 'set') {
        const v = toks.slice(i + 1, i + 4);
        if (v.length !== 3 || !v.every((x) => /^\d+$/.test(x))) fail('--set needs three numbers: TCP TCPFIN UDP');
        o.set = v.join(' '); i += 3; continue;
      }
      if (name! === 'persistent') {
        const nx = toks[i + 1];
        if (val === undefined && nx !== undefined && /^\d+$/.test(nx)) { val = nx; i++; }
        o.persistent = val ?? true; continue;
      }
      if (WITH_ARG.has(name!)) {
        if (val === undefined) { val = toks[++i]; if (val === undefined) fail(`option --${name!} needs a value`); }
        o[name!] = val!;
      } else o[name!] = val ?? true;
    }
    if (!cmd) fail('no command (-A, -E, -D, -a, -e, -d, -C, --set or --start-daemon)');
    const svcKey = (): string => {
      const v6 = o.ipv6 === true;
      if (typeof o['tcp-service'] === 'string') return `TCP ${o['tcp-service']}`;
      if (typeof o['udp-service'] === 'string') return `UDP ${o['udp-service']}`;
      if (typeof o['sctp-service'] === 'string') return `SCTP ${o['sctp-service']}`;
      if (typeof o['fwmark-service'] === 'string') return `FWM ${o['fwmark-service']}${v6 ? ' IPv6' : ''}`;
      return fail('missing service (-t, -u, --sctp-service or -f)');
    };
    const num = (k: string): number | string | undefined => {
      const v = o[k]; if (v === undefined) return undefined;
      return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : String(v);
    };
    switch (cmd) {
      case 'clear': services.length = 0; index.clear(); return;
      case 'set': { const [a, b, c] = String(o.set).split(' ').map(Number); timeouts = { tcp: a, tcpFin: b, udp: c }; return; }
      case 'start-daemon': {
        const d: Obj = { state: o['start-daemon'], ifname: o['mcast-interface'] ?? 'eth0', syncId: num('syncid') ?? 0 };
        if (o['sync-maxlen'] !== undefined) d.maxLen = num('sync-maxlen');
        if (o['mcast-group'] !== undefined) d.group = o['mcast-group'];
        if (o['mcast-port'] !== undefined) d.port = num('mcast-port');
        if (o['mcast-ttl'] !== undefined) d.ttl = num('mcast-ttl');
        d[WHERE] = where; daemons.push(d); return;
      }
      case 'stop-daemon': { const i = daemons.findIndex((d) => d.state === o['stop-daemon']); if (i >= 0) daemons.splice(i, 1); return; }
      case 'add-service': case 'edit-service': {
        const key = svcKey();
        let s = index.get(key);
        if (cmd === 'add-service' && s) fail(`service ${key} is defined twice (first at ${s[WHERE]})`);
        if (cmd === 'edit-service' && !s) fail(`-E for ${key} before its -A`);
        if (!s) { s = { service: key, destinations: [] }; s[WHERE] = where; services.push(s); index.set(key, s); }
        s.scheduler = o.scheduler ?? s.scheduler ?? 'wlc';
        if (o.persistent !== undefined) s.persistent = o.persistent === true ? true : num('persistent');
        else if (cmd === 'add-service') delete s.persistent;
        if (o.netmask !== undefined) s.netmask = num('netmask');
        if (o['sched-flags'] !== undefined) s.schedFlags = String(o['sched-flags']).split(',');
        if (o.ops !== undefined) s.onePacket = true;
        if (o.pe !== undefined) s.pe = o.pe;
        return;
      }
      case 'delete-service': { const key = svcKey(); const s = index.get(key); if (s) { services.splice(services.indexOf(s), 1); index.delete(key); } return; }
      case 'add-server': case 'edit-server': case 'delete-server': {
        const key = svcKey();
        const s = index.get(key);
        if (!s) return fail(`server for ${key} before its -A line`);
        if (typeof o['real-server'] !== 'string') return fail('missing -r SERVER[:PORT]');
        const dests = s.destinations as Obj[];
        let ap: { address: string; port: number | undefined };
        try { ap = parseAddrPort(o['real-server']); } catch (e) { return fail((e as Error).message); }
        const fwd = o.masquerading ? 'masq' : o.ipip ? 'tunnel' : o.gatewaying ? 'route' : undefined;
        const fwmark = key.startsWith('FWM');
        const svcPort = fwmark ? 0 : parseAddrPort(key.split(' ')[1]!).port ?? 0;
        const effFwd = fwd ?? (cmd === 'add-server' ? 'route' : undefined);
        let port = ap.port ?? svcPort;
        if (!fwmark && (effFwd === 'route' || effFwd === 'tunnel')) port = svcPort; // as ipvsadm does
        const same = (d: Obj) => { const x = parseAddrPort(String(d.address)); return x.address === ap.address && x.port === port; };
        const found = dests.find(same);
        if (cmd === 'delete-server') { if (found) dests.splice(dests.indexOf(found), 1); return; }
        if (cmd === 'add-server' && found) fail(`server ${o['real-server']} is defined twice in ${key} (first at ${found[WHERE]})`);
        const d: Obj = found ?? { address: ap.address.includes(':') ? `[${ap.address}]:${port}` : `${ap.address}:${port}` };
        if (!found) { d[WHERE] = where; dests.push(d); }
        if (effFwd) d.forward = effFwd;
        d.weight = num('weight') ?? d.weight ?? 1;
        if (o['u-threshold'] !== undefined) d.upperThreshold = num('u-threshold');
        if (o['l-threshold'] !== undefined) d.lowerThreshold = num('l-threshold');
        const tun = { ...(d.tunnel as Obj | undefined) };
        if (o['tun-type'] !== undefined) tun.type = o['tun-type'];
        if (o['tun-port'] !== undefined) tun.port = num('tun-port');
        if (o['tun-csum']) tun.checksum = 'csum';
        if (o['tun-remcsum']) tun.checksum = 'remcsum';
        if (o['tun-nocsum']) tun.checksum = 'nocsum';
        if (Object.keys(tun).length) { const t: Obj = tun; t[WHERE] = `${where}`; d.tunnel = t; }
        return;
      }
    }
  });
  const out: Record<string, unknown> = { services };
  if (timeouts) out.timeouts = timeouts;
  if (daemons.length) out.daemons = daemons;
  return out;
}
