// findif.sh (resource-agents 4.12) route choice over fixture route tables.
import t from 'tap';
import { chooseRoute, findif, findifBroadcast, routeWords } from '../../../src/net/findif.ts';
import type { Route } from '../../../src/net/routes.ts';
import type { Address } from '../../../src/net/addresses.ts';
import { parseIPv4, parseIPv6 } from '../../../src/net/ipaddr.ts';

const NAMES: Record<number, string> = { 1: 'lo', 2: 'eth0', 3: 'eth1', 4: 'bond0' };
const ifname = (i: number): string | undefined => NAMES[i];
const v4 = (s: string): Uint8Array => parseIPv4(s)!;
const v6 = (s: string): Uint8Array => parseIPv6(s)!;

function r4(dst: string, len: number, oif: number, extra: Partial<Route> = {}): Route {
  return { family: 2, dstLen: len, table: 254, protocol: 2, scope: 253, type: 1, flags: 0, dst: len === 0 ? undefined : v4(dst), oif, prefsrc: undefined, gateway: undefined, priority: undefined, ...extra };
}
function r6(dst: string, len: number, oif: number, extra: Partial<Route> = {}): Route {
  return { family: 10, dstLen: len, table: 254, protocol: 2, scope: 0, type: 1, flags: 0, dst: len === 0 ? undefined : v6(dst), oif, prefsrc: undefined, gateway: undefined, priority: 256, ...extra };
}

const table4: Route[] = [
  r4('0.0.0.0', 0, 2, { scope: 0, gateway: v4('10.9.0.254'), protocol: 3 }), // default via: scope global → ignored
  r4('10.9.0.0', 24, 2, { prefsrc: v4('10.9.0.1') }),
  r4('10.9.0.0', 16, 3, { protocol: 3 }), // a wider route on eth1
  r4('10.9.1.0', 24, 3, { prefsrc: v4('10.9.1.1') }),
  r4('10.9.0.77', 32, 4, { protocol: 3 }), // host route: no "/32" in ip's output → ignored
  r4('10.9.2.0', 24, 4, { scope: 0, gateway: v4('10.9.1.254'), protocol: 3 }), // via gateway: scope global
  r4('10.9.3.0', 24, 4, { type: 7, scope: 0 }), // unreachable
  r4('127.0.0.0', 8, 1, { table: 255, type: 2, scope: 254, prefsrc: v4('127.0.0.1') }),
  r4('127.0.0.1', 32, 1, { table: 255, type: 2, scope: 254, prefsrc: v4('127.0.0.1') }),
];

const base = { family: 4 as const, nic: undefined, nicIndex: undefined, netmask: undefined, routes: table4, ifname };

t.test('IPv4: the longest matching link-scope prefix wins', async (t) => {
  const r = findif({ ...base, ip: v4('10.9.0.50') });
  t.same(r.ok && [r.nic, r.netmask], ['eth0', 24]);
  t.same(routeWords(chooseRoute({ ...base, ip: v4('10.9.0.50') })!, ifname, false), ['10.9.0.0/24', 'dev', 'eth0', 'proto', 'kernel', 'src', '10.9.0.1']);
});

t.test('IPv4: netmask limits the match to prefixes no longer than it', async (t) => {
  const r = findif({ ...base, ip: v4('10.9.0.50'), netmask: 16 });
  t.same(r.ok && [r.nic, r.netmask], ['eth1', 16]);
  t.notOk(findif({ ...base, ip: v4('10.9.0.50'), netmask: 8 }).ok, '/8: no route that short');
});

t.test('IPv4: nic filters routes; nic+netmask need no route', async (t) => {
  const r = findif({ ...base, ip: v4('10.9.0.50'), nic: 'eth1', nicIndex: 3 });
  t.same(r.ok && [r.nic, r.netmask], ['eth1', 16]);
  const none = findif({ ...base, ip: v4('10.8.0.50'), nic: 'eth1', nicIndex: 3 });
  t.same(none, { ok: false, rc: 1, message: 'Unable to find nic or netmask.' });
  const given = findif({ ...base, ip: v4('10.8.0.50'), nic: 'eth1', nicIndex: 3, netmask: 20 });
  t.same(given.ok && [given.nic, given.netmask, given.route], ['eth1', 20, undefined]);
  t.notOk(findif({ ...base, ip: v4('10.9.0.50'), nic: 'nope', nicIndex: undefined }).ok, 'unknown nic matches no route');
});

t.test('IPv4: host, gateway, unreachable and default routes are never chosen', async (t) => {
  const via = findif({ ...base, ip: v4('10.9.2.5') });
  t.same(via.ok && [via.nic, via.netmask], ['eth1', 16], 'the /24 via a gateway is skipped, the link /16 wins');
  const unr = findif({ ...base, ip: v4('10.9.3.5') });
  t.same(unr.ok && [unr.nic, unr.netmask], ['eth1', 16], 'the unreachable /24 is skipped');
  t.notOk(findif({ ...base, ip: v4('192.0.2.1') }).ok);
  const host = findif({ ...base, ip: v4('10.9.0.77') });
  t.same(host.ok && host.nic, 'eth0', 'the /32 on bond0 is invisible; the /24 wins');
});

t.test('IPv4: ties go to the last route (awk >=)', async (t) => {
  const routes = [r4('10.5.0.0', 24, 2), r4('10.5.0.0', 24, 3, { priority: 100 })];
  const r = findif({ ...base, routes, ip: v4('10.5.0.9') });
  t.same(r.ok && r.nic, 'eth1');
});

t.test('IPv4: 127.* falls back to the local table', async (t) => {
  const r = findif({ ...base, ip: v4('127.0.0.2') });
  t.same(r.ok && [r.nic, r.netmask], ['lo', 8]);
});

t.test('IPv4 broadcast copied from the address whose line holds the src field', async (t) => {
  const addrs: Address[] = [
    { family: 2, prefixlen: 8, flags: 0x80, scope: 254, index: 1, local: v4('127.0.0.1'), broadcast: undefined, label: 'lo', preferred: undefined, valid: undefined },
    { family: 2, prefixlen: 24, flags: 0x80, scope: 0, index: 2, local: v4('10.9.0.1'), broadcast: v4('10.9.0.255'), label: 'eth0', preferred: undefined, valid: undefined },
    { family: 2, prefixlen: 24, flags: 0x80, scope: 0, index: 3, local: v4('10.9.1.1'), broadcast: undefined, label: 'eth1', preferred: undefined, valid: undefined },
  ];
  t.equal(findifBroadcast(chooseRoute({ ...base, ip: v4('10.9.0.50') }), addrs, ifname), '10.9.0.255');
  t.equal(findifBroadcast(chooseRoute({ ...base, ip: v4('10.9.1.50') }), addrs, ifname), '', 'no brd on that address');
  t.equal(findifBroadcast(chooseRoute({ ...base, ip: v4('10.9.0.50'), netmask: 16 }), addrs, ifname), '', 'proto boot route without src: no 7th field');
  t.equal(findifBroadcast(undefined, addrs, ifname), '');
});

t.test('IPv6', async (t) => {
  const table6: Route[] = [
    r6('2001:db8:9::', 64, 2),
    r6('2001:db8:9::', 48, 3),
    r6('2001:db8:9::77', 128, 4),
    r6('fe80::', 64, 2),
    r6('::', 0, 2, { gateway: v6('2001:db8:9::fe'), protocol: 3 }),
  ];
  const b6 = { family: 6 as const, nic: undefined, nicIndex: undefined, netmask: undefined, routes: table6, ifname };
  const r = findif({ ...b6, ip: v6('2001:db8:9::50') });
  t.same(r.ok && [r.nic, r.netmask], ['eth0', 64]);
  const r48 = findif({ ...b6, ip: v6('2001:db8:9::50'), netmask: 56 });
  t.same(r48.ok && [r48.nic, r48.netmask], ['eth1', 56], 'netmask given is kept');
  t.notOk(findif({ ...b6, ip: v6('2001:db8:a::1') }).ok, 'the default route does not count');
  const scope = findif({ ...b6, ip: v6('2001:db8:9::50'), routes: table6.map((x) => ({ ...x, scope: 200 })) });
  t.ok(scope.ok, 'no scope filter for IPv6');
});
