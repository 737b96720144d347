import t from 'tap';
import { validateTable, TableValidationError } from '../../../src/ipvs/validate.ts';
import { parseRules } from '../../../src/ipvs/rules.ts';
import { ConfigError } from '../../../src/errors.ts';

const ok = { service: 'TCP 10.0.0.1:80', scheduler: 'wrr', destinations: [{ address: '10.0.0.2:80' }] };
function problems(input: unknown): string[] {
  try { validateTable(input, 't.json'); } catch (e) {
    if (e instanceof TableValidationError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

t.test('a good table validates to the model with defaults', async (t) => {
  const tbl = validateTable({ services: [ok, { service: 'FWM 5 IPv6', persistent: true, netmask: 64, destinations: [{ address: '[2001:db8::2]', forward: 'gate' }] }] });
  t.equal(tbl.services[0]!.destinations[0]!.weight, 1);
  t.equal(tbl.services[0]!.destinations[0]!.forward, 'masq');
  t.equal(tbl.services[1]!.scheduler, 'wlc');
  t.equal(tbl.services[1]!.persistent, 360);
  t.equal(tbl.services[1]!.netmask, 64);
  t.equal(tbl.services[1]!.destinations[0]!.port, 0);
  t.equal(tbl.services[1]!.destinations[0]!.forward, 'route');
  const v4 = validateTable({ services: [{ service: 'TCP 10.0.0.1:80', persistent: 10, netmask: 24 }] });
  t.equal(v4.services[0]!.netmask, 0xffffff00);
});

t.test('every invalid field is named, all at once', async (t) => {
  const p = problems({ services: [
    { service: 'TCP 10.0.0.1:80', scheduler: 'roundrobin' },
    { service: 'TCP 10.0.0.1:80', scheduler: 'rr' },
    { service: 'TCP 10.0.0.300:80' },
    { service: 'UDP 10.0.0.1:53', scheduler: 'rr', schedFlags: ['sh-port', 'bogus'], netmask: '255.0.255.0' },
    { service: 'TCP 10.0.0.1:81', onePacket: true, persistent: 99999999 },
    { service: 'TCP [2001:db8::1]:80', persistent: 5, netmask: 129, destinations: [
      { address: '10.0.0.2:80' }, { address: '[2001:db8::2]:80', weight: -1 }, { address: '[2001:db8::2]:80', weight: 2 ** 31 },
      { address: '[2001:db8::3]:80', upperThreshold: 5, lowerThreshold: 6 },
      { address: '[2001:db8::8]:80', upperThreshold: 2 ** 31 },
      { address: '[2001:db8::4]:80', forward: 'nat', tunnel: { type: 'gue' } },
      { address: '[2001:db8::5]:80', forward: 'tunnel', tunnel: { type: 'gre', checksum: 'remcsum', port: 5 } },
      { address: '[2001:db8::6]:81', forward: 'route' },
      { address: '[2001:db8::7]:80', forward: 'teleport', wieght: 1 },
    ] },
    { service: 'TCP 10.0.0.1:0' },
    { service: 'FWM 0' },
  ], timeouts: { tcp: -1 }, daemons: [{ state: 'primary', ifname: 'eth0' }] });
  const want = [
    'services[0].scheduler: unknown scheduler',
    'services[1].service: duplicate service TCP 10.0.0.1:80',
    'services[2].service: not an IP address',
    'services[3].netmask: a persistence netmask needs "persistent"',
    'services[3].netmask: IPv4 netmask 255.0.255.0 is not contiguous',
    'services[3].schedFlags[0]: sh-port needs scheduler "sh", not "rr"',
    'services[3].schedFlags[1]: unknown scheduler flag',
    'services[4].persistent: persistence timeout must be',
    'services[4].onePacket: one-packet scheduling applies to UDP',
    'services[5].netmask: IPv6 netmask must be a prefix length 1..128',
    'services[5].destinations[0].address: IPv4 destination in an IPv6 service',
    'services[5].destinations[1].weight: weight must be an integer 0..2147483647',
    'services[5].destinations[2].address: duplicate destination',
    'services[5].destinations[2].weight: weight must be an integer 0..2147483647',
    'services[5].destinations[3].lowerThreshold: lower threshold 6 is above the upper threshold 5',
    'services[5].destinations[4].upperThreshold: must be an integer 0..2147483647',
    'services[5].destinations[5].tunnel: tunnel settings need forward "tunnel"',
    'services[5].destinations[5].tunnel.port: a GUE tunnel needs a port',
    'services[5].destinations[6].tunnel.port: a tunnel port applies only to type "gue"',
    'services[5].destinations[6].tunnel.checksum: remcsum is only valid with type "gue"',
    'services[5].destinations[7].address: with forward "route" the destination port must be the service port 80',
    'services[5].destinations[8].wieght: unknown field',
    'services[5].destinations[8].forward: unknown forwarding method "teleport"',
    'services[6].service: port 0 ("all ports") is only allowed for a persistent service',
    'services[7].service: fwmark must be 1..4294967295',
    'timeouts.tcp: must be an integer',
    'daemons[0].state: must be "master" or "backup"',
  ];
  for (const w of want) t.ok(p.some((x) => x.startsWith(w)), w);
  t.equal(p.length, want.length, `no extra problems:\n${p.join('\n')}`);
});

t.test('error message names the source and says nothing was applied', async (t) => {
  try { validateTable({ services: [{ service: 'TCP 10.0.0.1:80', destinations: [{ address: '10.0.0.2', weight: 'x' }] }] }, 'desired.json'); t.fail('no throw'); }
  catch (e) {
    t.ok(e instanceof ConfigError);
    t.match((e as Error).message, /^desired\.json: 1 problem in the desired IPVS table, nothing was applied:\n  services\[0\]\.destinations\[0\]\.weight: /);
  }
  t.throws(() => validateTable([], 'x'), /expected an object/);
  t.throws(() => validateTable({ servics: [] }, 'x'), /\(top\)\.servics: unknown field/);
});

t.test('rule files: errors point at file:line', async (t) => {
  const rules = '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 3\n# comment\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 99999999999\n';
  const p = problems(parseRules(rules, 'r.rules'));
  t.same(p.map((x) => x.split(':').slice(0, 2).join(':')), ['r.rules:4.weight']);
  t.throws(() => parseRules('-A -t 10.0.0.1:80 --frobnicate\n', 'r.rules'), /r\.rules:1: unknown option "--frobnicate"/);
  t.throws(() => parseRules('-a -t 10.0.0.1:80 -r 10.0.0.2\n', 'r.rules'), /r\.rules:1: server for TCP 10\.0\.0\.1:80 before its -A line/);
  t.throws(() => parseRules('-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n', 'r.rules'), /r\.rules:2: service TCP 10\.0\.0\.1:80 is defined twice \(first at r\.rules:1\)/);
});

t.test('rule files: ipvsadm defaults and semantics', async (t) => {
  const tbl = validateTable(parseRules([
    'ipvsadm -A -t 10.0.0.1:80', '-a -t 10.0.0.1:80 -r 10.0.0.2:8080', '-a -t 10.0.0.1:80 -r 10.0.0.3:8080 -m',
    '-A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port -o -p', '-E -u 10.0.0.1:53 -s sh -p 30 -b sh-port -o',
    '-A -f 7 -6 -s rr', '-a -f 7 -6 -r [2001:db8::9]:80 -i --tun-type gue --tun-port 6080 --tun-csum',
    '-A -t 10.0.0.9:1', '-D -t 10.0.0.9:1',
    '--set 100 20 30', '--start-daemon master --mcast-interface eth1 --syncid 3',
  ].join('\n'), 'r'));
  const [a, b, c] = tbl.services;
  t.equal(a!.scheduler, 'wlc');
  t.same(a!.destinations.map((d) => [d.address, d.port, d.forward, d.weight]), [['10.0.0.2', 80, 'route', 1], ['10.0.0.3', 8080, 'masq', 1]]);
  t.same([b!.persistent, b!.onePacket, b!.schedFlags], [30, true, ['flag-2']]);
  t.same(c!.key, { family: 'inet6', fwmark: 7 });
  t.same(c!.destinations[0]!.tunnel, { type: 'gue', port: 6080, checksum: 'csum' });
  t.equal(tbl.services.length, 3);
  t.same(tbl.timeouts, { tcp: 100, tcpFin: 20, udp: 30 });
  t.same(tbl.daemons, [{ state: 'master', ifname: 'eth1', syncId: 3, maxLen: undefined, group: undefined, port: undefined, ttl: undefined }]);
});
