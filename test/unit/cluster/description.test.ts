/** The description parser and validator: good input, and a table of bad input with the exact message expected. */
import t from 'tap';
import { ConfigError } from '../../../src/errors.ts';
import { modelFromText } from '../../../src/cluster/load.ts';
import { buildModel } from '../../../src/cluster/description.ts';
import { flagsToSections } from '../../../src/cluster/from-flags.ts';

const BASE = `
[cluster]
name = t
stack = corosync
[node d1]
address = 192.168.0.10/24
[node d2]
address = 192.168.0.20/24
[vip]
address = 192.168.0.200/24
nic = eth0
method = gate
[service web]
port = 80
real = 192.168.0.110:80
real = 192.168.0.120:80
`;
/** BASE with `from` replaced by `to` (which must occur). */
function edit(from: string, to: string, base = BASE): string {
  if (!base.includes(from)) throw new Error(`test bug: "${from}" not in base`);
  return base.replace(from, to);
}
const HB = edit('stack = corosync', 'stack = heartbeat');

t.test('a good description', async (t) => {
  const m = modelFromText(BASE, 'x.lvsha');
  t.equal(m.nodes.length, 2);
  t.same(m.nodes.map((n) => [n.name, n.nodeid, n.prefix]), [['d1', 1, 24], ['d2', 2, 24]]);
  t.equal(m.vip.prefix, 24);
  t.equal(m.stickiness, 'INFINITY');
  t.equal(m.services[0]!.checktype, 'connect', 'no request → TCP connect check');
  t.same(m.heartbeat.media, ['ucast eth0 192.168.0.10', 'ucast eth0 192.168.0.20'], 'default media: ucast to every node');
});

t.test('flags build the same model as the file', async (t) => {
  const secs = flagsToSections({
    node: ['d1=192.168.0.10', 'd2=192.168.0.20'], vip: '192.168.0.200/24', nic: 'eth0',
    real: ['192.168.0.110:80', '192.168.0.120:80'], method: 'gate',
  });
  const m = buildModel(secs, 'command line');
  t.equal(m.nodes[0]!.prefix, 24, 'node prefix taken from the VIP when omitted');
  t.equal(m.services.length, 1);
  t.equal(m.services[0]!.port, 80);
  t.throws(() => flagsToSections({ node: ['d1:192.168.0.10'] }), /--node: "d1:192.168.0.10" is not NAME=IP/);
  const dup = flagsToSections({ node: ['d1=192.168.0.11'] }, (await import('../../../src/cluster/description-text.ts')).parseDescriptionText(BASE, 'f'));
  t.throws(() => buildModel(dup, 'f'), /--node: \[node d1\]: duplicate node name "d1" \(first at f:5\)/);
});

t.test('N directors', async (t) => {
  const m = modelFromText(`${BASE}\n[node d3]\naddress = 192.168.0.30/24\n`);
  t.equal(m.nodes.length, 3);
  t.equal(m.nodes[2]!.nodeid, 3);
});

const BAD: [string, string, RegExp][] = [
  ['unknown section', `${BASE}[virtual]\nport = 1\n`, /x:\d+: \[virtual\]: unknown section/],
  ['unknown key', edit('nic = eth0', 'nic = eth0\nnetmask = 24'), /x:12: \[vip\] netmask: unknown key \(known keys: address, nic/],
  ['duplicate key', edit('nic = eth0', 'nic = eth0\nnic = eth1'), /x:12: \[vip\] nic: given twice \(first at x:11\)/],
  ['line without =', edit('nic = eth0', 'nic eth0'), /x:11: expected "key = value", got "nic eth0"/],
  ['malformed header', edit('[vip]', '[vip'), /x:9: malformed section header "\[vip"/],
  ['duplicate node name', edit('[node d2]', '[node d1]'), /x:7: \[node d1\]: duplicate node name "d1" \(first at x:5\)/],
  ['bad node name', edit('[node d2]', '[node d_2]'), /\[node d_2\]: "d_2" is not a valid node name/],
  ['one node only', edit('[node d2]\naddress = 192.168.0.20/24\n', ''), /nodes: 1 node\(s\) given, a cluster needs at least 2/],
  ['bad node address', edit('192.168.0.20/24', '192.168.0.300/24'), /x:8: \[node d2\] address: "192.168.0.300\/24" is not an IP address/],
  ['duplicate node address', edit('192.168.0.20/24', '192.168.0.10/24'), /x:8: \[node d2\] address: duplicate address 192.168.0.10 \(also node d1\)/],
  ['node on network address', edit('192.168.0.20/24', '192.168.0.0/24'), /\[node d2\] address: 192.168.0.0\/24 is the network or broadcast address/],
  ['VIP missing', edit('address = 192.168.0.200/24\n', ''), /\[vip\] address: missing/],
  ['VIP outside every subnet', edit('192.168.0.200/24', '10.1.1.1/24'), /x:10: \[vip\] address: 10.1.1.1 is outside every node's subnet \(d1 192.168.0.10\/24, d2 192.168.0.20\/24\)/],
  ['VIP = node address', edit('192.168.0.200/24', '192.168.0.20/24'), /\[vip\] address: 192.168.0.20 is also the address of node d2/],
  ['VIP broadcast', edit('192.168.0.200/24', '192.168.0.255/24'), /\[vip\] address: 192.168.0.255\/24 is the network or broadcast address/],
  ['IPv6 node with IPv4 VIP', edit('192.168.0.20/24', 'fd00::2/64'), /\[node d2\] address: IPv6 node address but IPv4 VIP/],
  ['bad method', edit('method = gate', 'method = dr'), /\[vip\] method: "dr" is not one of gate, masq, ipip/],
  ['bad real server', edit('real = 192.168.0.120:80', 'real = 192.168.0.120'), /x:16: \[service web\] real: "192.168.0.120" is not IP:PORT \[WEIGHT\]/],
  ['duplicate real server', edit('real = 192.168.0.120:80', 'real = 192.168.0.110:80'), /x:16: \[service web\] real: duplicate real server 192.168.0.110:80 \(first at x:15\)/],
  ['real server is a director', edit('real = 192.168.0.120:80', 'real = 192.168.0.10:80'), /\[service web\] real: 192.168.0.10 is director d1/],
  ['gate cannot map ports', edit('real = 192.168.0.120:80', 'real = 192.168.0.120:8080'), /\[service web\] real: port 8080 differs from the service port 80 \(method gate cannot map ports/],
  ['gateway without masq', edit('method = gate', 'method = gate\ngateway = 10.0.0.1/24'), /\[vip\] gateway: only used with method masq \(method is gate\)/],
  ['masq reals off-subnet without gateway', edit('method = gate', 'method = masq').replace(/192\.168\.0\.1([12])0:80/g, '10.0.0.$1:80'), /\[vip\] gateway: method masq: real server 10.0.0.1 is outside the VIP subnet/],
  ['preferred node unknown', edit('stack = corosync', 'stack = corosync\npreferred_node = d9'), /\[cluster\] preferred_node: unknown node "d9" \(known nodes: d1, d2\)/],
  ['preferred score would fail back', edit('stack = corosync', 'stack = corosync\nstickiness = 100\npreferred_node = d1\npreferred_score = 200'), /\[cluster\] preferred_score: 200 is not below stickiness 100: the group would fail back/],
  ['stickiness 0', edit('stack = corosync', 'stack = corosync\nstickiness = 0'), /\[cluster\] stickiness: 0 lets resources fail back/],
  ['heartbeat deadtime <= 2 x keepalive', `${HB}[heartbeat]\nkeepalive = 2\ndeadtime = 4\n`, /\[heartbeat\] deadtime: 4000ms must be more than 2 x keepalive \(2000ms\)/],
  ['heartbeat initdead < deadtime', `${HB}[heartbeat]\ndeadtime = 30\ninitdead = 20\n`, /\[heartbeat\] initdead: 20000ms is below deadtime \(30000ms\)/],
  ['heartbeat warntime >= deadtime', `${HB}[heartbeat]\ndeadtime = 10\nwarntime = 10\n`, /\[heartbeat\] warntime: 10000ms must be between keepalive \(1000ms\) and deadtime \(10000ms\)/],
  ['heartbeat bad mcast', `${HB}[heartbeat]\nmcast = eth0 10.0.0.1 694 1 0\n`, /\[heartbeat\] mcast: "eth0 10.0.0.1 694 1 0" is not "DEV GROUP PORT TTL LOOP"/],
  ['heartbeat bad time', `${HB}[heartbeat]\nkeepalive = 1min\n`, /\[heartbeat\] keepalive: "1min" is not a time/],
  ['corosync consensus < 1.2 token', `${BASE}[corosync]\ntoken = 3000\nconsensus = 3000\n`, /\[corosync\] consensus: 3000ms is below 1.2 x token \(3600ms\)/],
  ['duplicate nodeid', edit('address = 192.168.0.20/24', 'address = 192.168.0.20/24\nnodeid = 1', edit('address = 192.168.0.10/24', 'address = 192.168.0.10/24\nnodeid = 1')), /\[node d2\] nodeid: duplicate nodeid 1 \(also node d1\)/],
  ['fence_* agent on heartbeat', `${HB}[fence f]\nagent = fence_ipmilan\n`, /\[fence f\] agent: "fence_ipmilan" is a fence-agents agent/],
  ['stonith plugin on corosync', `${BASE}[fence f]\nagent = external/ssh\n`, /\[fence f\] agent: "external\/ssh" is not a fence_\* agent/],
  ['fence host unknown', `${BASE}[fence f]\nagent = fence_xvm\nhosts = d1 d7\n`, /\[fence f\] hosts: unknown node "d7"/],
  ['unknown stack', edit('stack = corosync', 'stack = openais'), /\[cluster\] stack: "openais" is not one of corosync, heartbeat/],
  ['no real servers', edit('real = 192.168.0.110:80\nreal = 192.168.0.120:80\n', ''), /\[service web\] real: no real servers/],
  ['two services on one port', `${BASE}[service web2]\nport = 80\nreal = 192.168.0.130:80\n`, /\[service web2\] port: tcp\/80 is already served by \[service web\]/],
  ['sync id out of range', `${BASE}[sync]\nsyncid = 300\n`, /\[sync\] syncid: "300" is not an integer in 0..255/],
  ['ping host not an IP', `${BASE}[ping]\nhost_list = router\n`, /\[ping\] host_list: "router" is not an IP address/],
];

t.test(`bad descriptions (${BAD.length} cases)`, async (t) => {
  for (const [name, text, re] of BAD) {
    let caught: unknown;
    try { modelFromText(text, 'x'); } catch (e) { caught = e; }
    t.ok(caught instanceof ConfigError, `${name}: ConfigError`);
    t.match((caught as Error | undefined)?.message ?? '(no error)', re, name);
  }
});
