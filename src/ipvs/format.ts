/**
 * Text output: the `ipvsadm -Ln` layouts (plain, --stats, --rate, --thresholds,
 * --persistent-conn, --tun-info, --exact), `ipvsadm -S -n` rules, timeouts and
 * sync daemons, byte for byte as ipvsadm 1.31 prints them (including its sort
 * order, which compares addresses as wrapping C ints); and the declarative
 * JSON form that `lvsha ipvs apply` reads back. Pure.
 */
import {
  AF, PROTO, addrToBytes, formatServiceKey, netmaskToText, schedFlagNames, type Destination, type Info, type Service,
  type Stats, type SyncDaemon, type Table, type Timeouts, type VirtualService,
} from './model.ts';

export interface ListFormat { stats?: boolean; rate?: boolean; thresholds?: boolean; persistentConn?: boolean; tunInfo?: boolean; exact?: boolean }

const FWD_NAME: Record<Destination['forward'], string> = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', route: 'Route', bypass: '(null)' };
const FWD_SWITCH: Record<Destination['forward'], string> = { masq: '-m', local: '-g', tunnel: '-i', route: '-g', bypass: '(null)' };
const PROTO_TEXT = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const;
const PROTO_OPT = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;
const TUN_FLAG_SHORT = { nocsum: '-c', csum: '+c', remcsum: 'r+c' } as const;
const TUN_FLAG_OPT = { nocsum: '--tun-nocsum', csum: '--tun-csum', remcsum: '--tun-remcsum' } as const;

const padR = (s: string, n: number) => s.length >= n ? s : s + ' '.repeat(n - s.length);
const padL = (s: string, n: number) => s.length >= n ? s : ' '.repeat(n - s.length) + s;

/** ipvsadm's print_largenum. */
export function largenum(i: bigint, exact = false): string {
  if (exact) { const s = i.toString(); return padL(s, s.length <= 8 ? 9 : s.length + 1); }
  if (i < 100000000n) return padL(i.toString(), 9);
  if (i < 1000000000n) return padL((i / 1000n).toString(), 8) + 'K';
  if (i < 100000000000n) return padL((i / 1000000n).toString(), 8) + 'M';
  if (i < 100000000000000n) return padL((i / 1000000000n).toString(), 8) + 'G';
  return padL((i / 1000000000000n).toString(), 8) + 'T';
}

// ---- ipvsadm's sort (int subtraction of unsigned values, as C does) ----
const words = (address: string): number[] => {
  const b = addrToBytes(address);
  const w = [0, 0, 0, 0];
  for (let i = 0; i < b.length / 4; i++) w[i] = b.readUInt32BE(i * 4);
  return w;
};
const cdiff = (a: number, b: number) => (a - b) | 0;
function cmpAddr(v6: boolean, a: string, b: string): number {
  const wa = words(a), wb = words(b);
  if (!v6) return cdiff(wa[0]!, wb[0]!);
  let r = 0;
  for (let i = 0; !r && i < 4; i++) r = cdiff(wa[i]!, wb[i]!);
  return r;
}
export function compareServices(a: Service, b: Service): number {
  let r = cdiff(a.key.fwmark ?? 0, b.key.fwmark ?? 0); if (r) return r;
  r = AF[a.key.family] - AF[b.key.family]; if (r) return r;
  r = (a.key.protocol ? PROTO[a.key.protocol] : PROTO.tcp) - (b.key.protocol ? PROTO[b.key.protocol] : PROTO.tcp); if (r) return r;
  r = cmpAddr(a.key.family === 'inet6', a.key.address ?? (a.key.family === 'inet' ? '0.0.0.0' : '::'), b.key.address ?? (b.key.family === 'inet' ? '0.0.0.0' : '::'));
  if (r) return r;
  return (a.key.port ?? 0) - (b.key.port ?? 0);
}
export function compareDests(a: Destination, b: Destination): number {
  const r = cmpAddr(a.family === 'inet6', a.address, b.address);
  return r || a.port - b.port;
}

function addrPort(family: 'inet' | 'inet6', address: string, port: number): string {
  return family === 'inet' ? `${address}:${port}` : `[${address}]:${port}`;
}

function svcName(s: Service, rule: boolean): string {
  const k = s.key;
  if (k.fwmark !== undefined) {
    if (rule) return `-f ${k.fwmark}${k.family === 'inet6' ? ' -6' : ''}`;
    return `FWM  ${k.fwmark}${k.family === 'inet6' ? ' IPv6' : ''}`;
  }
  const v = addrPort(k.family, k.address, k.port);
  if (rule) return `${PROTO_OPT[k.protocol]} ${v}`;
  const n = `${padR(PROTO_TEXT[k.protocol], 4)} ${v}`;
  return k.family === 'inet6' ? n : n.slice(0, 33);
}

function persistText(s: Service, rule: boolean): string {
  if (s.persistent === undefined) return '';
  let t = rule ? ` -p ${s.persistent}` : ` persistent ${s.persistent}`;
  const m = rule ? ' -M ' : ' mask ';
  if (s.key.family === 'inet' && s.netmask >>> 0 !== 0xffffffff) t += m + netmaskToText('inet', s.netmask);
  if (s.key.family === 'inet6' && s.netmask !== 128) t += m + String(s.netmask);
  return t;
}

export function formatTitle(f: ListFormat): string {
  const h = padR('Prot LocalAddress:Port', 33);
  if (f.stats) return `${h} ${padL('Conns', 8)} ${padL('InPkts', 8)} ${padL('OutPkts', 8)} ${padL('InBytes', 8)} ${padL('OutBytes', 8)}\n  -> RemoteAddress:Port\n`;
  if (f.rate) return `${h} ${padL('CPS', 8)} ${padL('InPPS', 8)} ${padL('OutPPS', 8)} ${padL('InBPS', 8)} ${padL('OutBPS', 8)}\n  -> RemoteAddress:Port\n`;
  if (f.thresholds) return `${h} ${padR('Uthreshold', 10)} ${padR('Lthreshold', 10)} ${padR('ActiveConn', 10)} ${padR('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
  if (f.persistentConn) return `${h} ${padR('Weight', 9)} ${padR('PersistConn', 11)} ${padR('ActiveConn', 10)} ${padR('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
  if (f.tunInfo) return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
  return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
}

const st = (s: Stats | undefined, k: keyof Stats) => s?.[k] ?? 0n;

export function formatServiceEntry(s: VirtualService, f: ListFormat): string {
  const name = svcName(s, false);
  let out: string;
  const five = (a: keyof Stats, b: keyof Stats, c: keyof Stats, d: keyof Stats, e: keyof Stats, x: Stats | undefined) =>
    [a, b, c, d, e].map((k) => largenum(st(x, k), f.exact)).join('');
  if (f.stats) out = padR(name, 33) + five('conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes', s.stats);
  else if (f.rate) out = padR(name, 33) + five('cps', 'inpps', 'outpps', 'inbps', 'outbps', s.stats);
  else {
    out = `${name} ${s.scheduler}`;
    const fl = schedFlagNames(s.scheduler, s.schedFlags);
    if (s.schedFlags.length) out += ` (${fl.join(',')})`;
    out += persistText(s, false);
    if (s.persistent !== undefined && s.pe) out += ` pe ${s.pe}`;
    if (s.onePacket) out += ' ops';
  }
  out += '\n';
  for (const d of [...s.destinations].sort(compareDests)) {
    let dn = addrPort(d.family, d.address, d.port);
    if (d.family !== 'inet6') dn = dn.slice(0, 28);
    const u = (n: number | undefined) => String((n ?? 0) >>> 0);
    const w = String(d.weight | 0);
    if (f.stats) out += `  -> ${padR(dn, 28)}${five('conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes', d.stats)}\n`;
    else if (f.rate) out += `  -> ${padR(dn, 28)} ${padL(st(d.stats, 'cps').toString(), 8)} ${padL(st(d.stats, 'inpps').toString(), 8)} ${padL(st(d.stats, 'outpps').toString(), 8)}${largenum(st(d.stats, 'inbps'), f.exact)}${largenum(st(d.stats, 'outbps'), f.exact)}\n`;
    else if (f.thresholds) out += `  -> ${padR(dn, 28)} ${padR(u(d.upperThreshold), 10)} ${padR(u(d.lowerThreshold), 10)} ${padR(u(d.activeConns), 10)} ${padR(u(d.inactConns), 10)}\n`;
    else if (f.persistentConn) out += `  -> ${padR(dn, 28)} ${padR(u(d.weight), 9)} ${padR(u(d.persistConns), 11)} ${padR(u(d.activeConns), 10)} ${padR(u(d.inactConns), 10)}\n`;
    else if (f.tunInfo) out += `  -> ${padR(dn, 28)} ${padR(FWD_NAME[d.forward], 7)} ${padR(tunInfo(d), 13)} ${padR(w, 6)} ${padR(u(d.activeConns), 10)} ${padR(u(d.inactConns), 10)}\n`;
    else out += `  -> ${padR(dn, 28)} ${padR(FWD_NAME[d.forward], 7)} ${padR(w, 6)} ${padR(u(d.activeConns), 10)} ${padR(u(d.inactConns), 10)}\n`;
  }
  return out;
}

function tunInfo(d: Destination): string {
  if (d.forward !== 'tunnel') return 'n/a';
  const t = d.tunnel ?? { type: 'ipip', port: 0, checksum: 'nocsum' };
  if (t.type === 'ipip') return 'ipip';
  if (t.type === 'gue') return `gue:${t.port}:${TUN_FLAG_SHORT[t.checksum]}`.slice(0, 15);
  return `gre:${TUN_FLAG_SHORT[t.checksum]}`;
}

/** `ipvsadm -Ln [--stats|--rate|--thresholds|--persistent-conn|--tun-info] [--exact]`. */
export function formatList(info: Info, table: Table, f: ListFormat = {}): string {
  const v = info.version;
  let out = `IP Virtual Server version ${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff} (size=${info.connTabSize})\n`;
  out += formatTitle(f);
  for (const s of [...table.services].sort(compareServices)) out += formatServiceEntry(s, f);
  return out;
}

/** `ipvsadm -S -n`. */
export function formatRules(table: Table): string {
  let out = '';
  for (const s of [...table.services].sort(compareServices)) {
    const name = svcName(s, true);
    out += `-A ${name} -s ${s.scheduler}${persistText(s, true)}`;
    if (s.pe) out += ` --pe ${s.pe}`;
    if (s.onePacket) out += ' -o';
    if (s.schedFlags.length) out += ` -b ${schedFlagNames(s.scheduler, s.schedFlags).join(',')}`;
    out += '\n';
    for (const d of [...s.destinations].sort(compareDests)) {
      const dn = addrPort(d.family, d.address, d.port);
      const base = `-a ${name} -r ${dn} ${FWD_SWITCH[d.forward]} -w ${d.weight | 0}`;
      const t = d.forward === 'tunnel' ? d.tunnel ?? { type: 'ipip', port: 0, checksum: 'nocsum' } : undefined;
      if (!t) out += `${base}\n`;
      else if (t.type === 'gre') out += `${base} --tun-type gre ${TUN_FLAG_OPT[t.checksum]}\n`;
      else if (t.type === 'gue') out += `${base} --tun-type gue --tun-port ${t.port} ${TUN_FLAG_OPT[t.checksum]}\n`;
      else out += `${base} --tun-type ipip\n`;
    }
  }
  return out;
}

export function formatTimeouts(t: Timeouts): string { return `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`; }

export function formatDaemons(ds: SyncDaemon[]): string {
  let out = '';
  for (const d of ds) {
    out += `${d.state} sync daemon (mcast=${d.ifname}, syncid=${d.syncId}`;
    if (d.maxLen) out += `, maxlen=${d.maxLen}`;
    if (d.group) out += `, group=${d.group}`;
    if (d.port) out += `, port=${d.port}`;
    if (d.ttl) out += `, ttl=${d.ttl}`;
    out += ')\n';
  }
  return out;
}

/** The declarative JSON shape `lvsha ipvs apply` reads (read-only counters only when asked). */
export function tableToJson(table: Table & { timeouts?: Timeouts | undefined; daemons?: SyncDaemon[] | undefined }, withCounters = false): Record<string, unknown> {
  const stats = (s: Stats | undefined) => s ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.toString()])) : undefined;
  const services = [...table.services].sort(compareServices).map((s) => {
    const o: Record<string, unknown> = { service: formatServiceKey(s.key), scheduler: s.scheduler };
    if (s.persistent !== undefined) {
      o.persistent = s.persistent;
      if (s.netmask !== (s.key.family === 'inet' ? 0xffffffff : 128)) o.netmask = s.key.family === 'inet' ? netmaskToText('inet', s.netmask) : s.netmask;
    }
    if (s.onePacket) o.onePacket = true;
    if (s.schedFlags.length) o.schedFlags = schedFlagNames(s.scheduler, s.schedFlags);
    if (s.pe) o.pe = s.pe;
    if (withCounters) o.stats = stats(s.stats);
    o.destinations = [...s.destinations].sort(compareDests).map((d) => {
      const x: Record<string, unknown> = { address: addrPort(d.family, d.address, d.port), forward: d.forward, weight: d.weight };
      if (d.upperThreshold) x.upperThreshold = d.upperThreshold;
      if (d.lowerThreshold) x.lowerThreshold = d.lowerThreshold;
      if (d.forward === 'tunnel' && d.tunnel && (d.tunnel.type !== 'ipip' || d.tunnel.checksum !== 'nocsum')) {
        x.tunnel = d.tunnel.type === 'gue' ? { ...d.tunnel } : { type: d.tunnel.type, checksum: d.tunnel.checksum };
      }
      if (withCounters) { x.activeConns = d.activeConns ?? 0; x.inactConns = d.inactConns ?? 0; x.persistConns = d.persistConns ?? 0; x.stats = stats(d.stats); }
      return x;
    });
    return o;
  });
  const out: Record<string, unknown> = { services };
  if (table.timeouts) out.timeouts = table.timeouts;
  if (table.daemons) out.daemons = table.daemons;
  return out;
}
