/**
 * The route choice of resource-agents 4.12 `findif.sh` (the shell function
 * IPaddr2 calls), over rtnetlink data instead of `ip route` text. Pure.
 *
 *   ip -o -f FAM route list match IP[/NM] [scope link (IPv4)] [| grep "dev NIC "]
 *   → among lines with a "/" (iproute2 omits /len on host and default routes),
 *     the longest prefix wins; on a tie the last line wins (awk ">=").
 *   no route and IP is 127.* → the first "local" route with a /len in table local, scope host.
 *   nic/netmask from the route unless given; IPv4 broadcast, unless given, is copied
 *   from the first `ip -o -f inet addr show` line that contains the route line's 7th
 *   field (normally the "src" address) when that line has "brd".
 */
import { AF_INET, formatIp, prefixContains } from './ipaddr.ts';
import type { Family } from './ipaddr.ts';
import { RTN, RTM_F_CLONED, RT_SCOPE, RT_TABLE_LOCAL, RT_TABLE_MAIN } from './nl.ts';
import type { Route } from './routes.ts';
import type { Address } from './addresses.ts';

export interface FindifInput {
  family: Family;
  ip: Uint8Array;
  /** nic parameter, already resolved to its ifindex (undefined = not given) */
  nicIndex: number | undefined;
  /** the nic name as given (used in the "grep dev NIC" filter) */
  nic: string | undefined;
  netmask: number | undefined;
  routes: readonly Route[];
  /** ifindex → name */
  ifname: (index: number) => string | undefined;
}

export type FindifResult =
  | { ok: true; nic: string; netmask: number; route: Route | undefined }
  | { ok: false; rc: number; message: string };

/** iproute2's rtnl_rtprot names for the values that show up in practice */
const PROTO: Record<number, string> = { 0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra', 12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 18: 'keepalived', 42: 'babel', 99: 'openr', 186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp' };

/** The words of the `ip -o route list` line for a route, as iproute2 6.1 prints it with a scope filter. */
export function routeWords(r: Route, ifname: (i: number) => string | undefined, withType: boolean): string[] {
  const full = r.family === AF_INET ? 32 : 128;
  const w: string[] = [];
  if (withType && r.type !== RTN.UNICAST) w.push(r.type === RTN.LOCAL ? 'local' : r.type === RTN.BROADCAST ? 'broadcast' : String(r.type));
  if (r.dst === undefined || r.dstLen === 0) w.push('default');
  else w.push(r.dstLen === full ? formatIp(r.dst) : `${formatIp(r.dst)}/${r.dstLen}`);
  if (r.gateway) w.push('via', formatIp(r.gateway));
  if (r.oif !== undefined) w.push('dev', ifname(r.oif) ?? `if${r.oif}`);
  if (r.protocol !== 3) w.push('proto', PROTO[r.protocol] ?? String(r.protocol));
  if (r.prefsrc) w.push('src', formatIp(r.prefsrc));
  if (r.priority !== undefined) w.push('metric', String(r.priority));
  return w;
}

function matches(r: Route, ip: Uint8Array, netmask: number | undefined, full: number): boolean {
  const len = netmask ?? full;
  if (r.dstLen > len) return false;
  const dst = r.dst ?? new Uint8Array(ip.length);
  return prefixContains(dst, r.dstLen, ip);
}

export function chooseRoute(inp: FindifInput): Route | undefined {
  const full = inp.family === 4 ? 32 : 128;
  let best: Route | undefined;
  let bestLen = 0;
  for (const r of inp.routes) {
    if (r.table !== RT_TABLE_MAIN || (r.flags & RTM_F_CLONED) !== 0) continue;
    if (inp.family === 4 && r.scope !== RT_SCOPE.LINK) continue;
    if (r.type !== RTN.UNICAST) continue;
    // awk /\// — only routes printed with "/len"
    if (r.dst === undefined || r.dstLen === 0 || r.dstLen === full) continue;
    if (!matches(r, inp.ip, inp.netmask, full)) continue;
    if (inp.nic !== undefined && (inp.nicIndex === undefined || r.oif !== inp.nicIndex)) continue;
    if (r.dstLen >= bestLen) { best = r; bestLen = r.dstLen; }
  }
  if (best || inp.family !== 4 || inp.ip[0] !== 127) return best;
  // getnetworkinfo(): table local, scope host, the first line whose 2nd word has a "/"
  for (const r of inp.routes) {
    if (r.table !== RT_TABLE_LOCAL || r.scope !== RT_SCOPE.HOST) continue;
    if (r.dst === undefined || r.dstLen === 0 || r.dstLen === full) continue;
    if (!matches(r, inp.ip, undefined, full)) continue; // getnetworkinfo matches the bare IP
    return r;
  }
  return undefined;
}

export function findif(inp: FindifInput): FindifResult {
  const route = chooseRoute(inp);
  if (inp.nic === undefined || inp.netmask === undefined) {
    if (!route) return { ok: false, rc: 1, message: 'Unable to find nic or netmask.' };
  }
  // the caller resolves the route's ifindex when the name is not known here
  const nic = inp.nic ?? (route?.oif !== undefined ? inp.ifname(route.oif) ?? '' : '');
  return { ok: true, nic, netmask: inp.netmask ?? route!.dstLen, route };
}

/** The IPv4 broadcast findif copies from an existing address (empty string = none). */
export function findifBroadcast(route: Route | undefined, addrs: readonly Address[], ifname: (i: number) => string | undefined): string {
  if (!route) return '';
  const words = routeWords(route, ifname, false);
  const f7 = words[6];
  if (f7 === undefined) return '';
  for (const a of addrs) {
    if (a.family !== AF_INET || !a.local) continue;
    const name = ifname(a.index) ?? '';
    const brd = a.broadcast ? ` brd ${formatIp(a.broadcast)}` : '';
    const line = `${a.index}: ${name}    inet ${formatIp(a.local)}/${a.prefixlen}${brd} scope x ${a.label ?? name}`;
    if (line.includes(f7)) return a.broadcast ? formatIp(a.broadcast) : '';
  }
  return '';
}
