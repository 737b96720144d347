// ipvs-sync parameters: what validate-all accepts and refuses, the NEW_DAEMON request they make,
// and the comparison with the daemon the kernel reports.
import t from 'tap';
import { ConfigError } from '../../../src/errors.ts';
import { daemonDiffs, describeDaemon, ifnameProblem, parseSyncParams, toDaemon } from '../../../src/ipvs-sync/params.ts';
import { decodeDaemonMsg, encodeDaemon } from '../../../src/ipvs/codec.ts';
import { AttrWriter, CMD_ATTR } from '../../../src/ipvs/attrs.ts';

const base = { role: 'master', mcast_interface: 'eth1', syncid: '7' };

t.test('the CIB generator\'s parameters parse', async (t) => {
  t.same(parseSyncParams(base), { role: 'master', ifname: 'eth1', syncId: 7, maxLen: undefined, group: undefined, port: undefined, ttl: undefined });
  t.equal(parseSyncParams({ ...base, role: 'backup' }).role, 'backup');
  t.equal(parseSyncParams({ ...base, role: ' Backup ' }).role, 'backup', 'case and blanks tolerated');
  t.equal(parseSyncParams({ role: 'master', mcast_interface: 'eth1' }).syncId, 0, 'syncid defaults to 0 (ipvsadm\'s default)');
  t.equal(parseSyncParams({ ...base, syncid: '' }).syncId, 0, 'empty = unset');
  t.equal(parseSyncParams({ ...base, syncid: '255' }).syncId, 255);
  t.equal(parseSyncParams({ ...base, syncid: '0' }).syncId, 0);
});

t.test('optional settings', async (t) => {
  const p = parseSyncParams({ ...base, sync_maxlen: '1400', mcast_group: 'FF02:0:0:0:0:0:1:81', mcast_port: '9000', mcast_ttl: '2' });
  t.same([p.maxLen, p.group, p.port, p.ttl], [1400, 'ff02::1:81', 9000, 2], 'IPv6 group canonicalised');
  t.equal(parseSyncParams({ ...base, mcast_group: '239.1.2.3' }).group, '239.1.2.3');
  const e = parseSyncParams({ ...base, mcast_group: '', mcast_port: ' ', mcast_ttl: '' });
  t.same([e.group, e.port, e.ttl], [undefined, undefined, undefined], 'empty values leave the kernel defaults');
});

const refuse: Array<[Record<string, string>, RegExp]> = [
  [{ mcast_interface: 'eth1' }, /parameter role: is not set.*role=master/],
  [{ ...base, role: 'primary' }, /parameter role: "primary" is not a sync daemon role \(write role=master or role=backup\)/],
  [{ role: 'master' }, /parameter mcast_interface: is not set/],
  [{ ...base, mcast_interface: 'abcdefghijklmnop' }, /mcast_interface: "abcdefghijklmnop" is 16 bytes long; .*at most 15/],
  [{ ...base, mcast_interface: 'eth0:1' }, /mcast_interface: "eth0:1" contains ":"/],
  [{ ...base, mcast_interface: 'a/b' }, /contains "\/"/],
  [{ ...base, mcast_interface: '..' }, /is not an interface name/],
  [{ ...base, syncid: '256' }, /parameter syncid: 256 is out of range 0\.\.255/],
  [{ ...base, syncid: '-1' }, /parameter syncid: "-1" is not an integer/],
  [{ ...base, syncid: '7x' }, /syncid: "7x" is not an integer/],
  [{ ...base, syncid: '1.5' }, /syncid: "1.5" is not an integer/],
  [{ ...base, sync_maxlen: '0' }, /sync_maxlen: 0 is out of range 1\.\.65535/],
  [{ ...base, sync_maxlen: '65536' }, /sync_maxlen: 65536 is out of range/],
  [{ ...base, mcast_port: '0' }, /mcast_port: 0 is out of range 1\.\.65535/],
  [{ ...base, mcast_port: '70000' }, /mcast_port: 70000 is out of range/],
  [{ ...base, mcast_ttl: '0' }, /mcast_ttl: 0 is out of range 1\.\.255/],
  [{ ...base, mcast_ttl: '256' }, /mcast_ttl: 256 is out of range/],
  [{ ...base, mcast_group: '10.1.1.1' }, /mcast_group: 10\.1\.1\.1 is not a multicast address/],
  [{ ...base, mcast_group: '2001:db8::1' }, /mcast_group: 2001:db8::1 is not a multicast address/],
  [{ ...base, mcast_group: 'sync.example' }, /mcast_group: "sync.example" is not an IPv4 or IPv6 address/],
];
t.test('bad parameters: ConfigError naming the parameter and what to write', async (t) => {
  for (const [p, re] of refuse) {
    t.throws(() => parseSyncParams(p), ConfigError, JSON.stringify(p));
    try { parseSyncParams(p); } catch (e) { t.match((e as Error).message, re); }
  }
});

t.test('interface names: Linux dev_valid_name', async (t) => {
  t.equal(ifnameProblem('eth0'), undefined);
  t.equal(ifnameProblem('abcdefghijklmno'), undefined, '15 characters is the limit');
  t.equal(ifnameProblem('vlan.100'), undefined);
  t.ok(ifnameProblem('a b'));
  t.ok(ifnameProblem('é'.repeat(8)), '15 bytes, not characters');
});

t.test('NEW_DAEMON request: only the settings given', async (t) => {
  t.same(toDaemon(parseSyncParams(base)), { state: 'master', ifname: 'eth1', syncId: 7 });
  const d = toDaemon(parseSyncParams({ ...base, role: 'backup', mcast_group: 'ff02::1:81', mcast_port: '9000', mcast_ttl: '3', sync_maxlen: '1000' }));
  t.same(d, { state: 'backup', ifname: 'eth1', syncId: 7, maxLen: 1000, group: 'ff02::1:81', port: 9000, ttl: 3 });
  // through the IPVS codec and back, as the kernel would report it
  const msg = new AttrWriter().nest(CMD_ATTR.DAEMON, encodeDaemon(d)).buffer();
  t.same(decodeDaemonMsg(msg), d, 'codec round trip');
});

t.test('comparison with the kernel\'s daemon', async (t) => {
  const want = parseSyncParams(base);
  // what Linux 6.1 reports for `ipvsadm --start-daemon master --mcast-interface eth1 --syncid 7`
  const kernel = { state: 'master' as const, ifname: 'eth1', syncId: 7, maxLen: 1472, group: '224.0.0.81', port: 8848, ttl: 1 };
  t.same(daemonDiffs(want, kernel), [], 'defaults match the kernel\'s; maxlen not compared');
  t.same(daemonDiffs(want, { state: 'master', ifname: 'eth1', syncId: 7 }), [], 'settings an old kernel does not report are not compared');
  t.same(daemonDiffs(want, { ...kernel, syncId: 3 }), ['syncid 3 (wanted 7)']);
  t.same(daemonDiffs(want, { ...kernel, ifname: 'eth2' }), ['mcast_interface eth2 (wanted eth1)']);
  t.same(daemonDiffs(want, { ...kernel, port: 9000, ttl: 2 }), ['mcast_port 9000 (wanted 8848)', 'mcast_ttl 2 (wanted 1)']);
  t.same(daemonDiffs(parseSyncParams({ ...base, mcast_group: 'ff02::1:81' }), { ...kernel, group: 'ff02:0::1:81' }), [], 'IPv6 compared canonically');
  t.same(daemonDiffs(parseSyncParams({ ...base, mcast_group: '239.0.0.1' }), kernel), ['mcast_group 224.0.0.81 (wanted 239.0.0.1)']);
  t.same(daemonDiffs(want, { ...kernel, state: 'backup' }), ['role backup (wanted master)']);
  t.equal(describeDaemon(kernel), 'master sync daemon on eth1, syncid 7 (group 224.0.0.81 port 8848 ttl 1 maxlen 1472)');
});
