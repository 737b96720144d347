import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLdirectordConfig } from '../../../src/ldirectord/config/load.ts';
import { LdirectordConfigError, parseHosts, parseServices, createResolver } from '../../../src/ldirectord/config/index.ts';

const root = mkdtempSync(join(tmpdir(), 'lvsha-ldload-'));
mkdirSync(join(root, 'etc/ha.d'), { recursive: true });
const hostsFile = join(root, 'hosts');
const servicesFile = join(root, 'services');
writeFileSync(hostsFile, '127.0.0.1 localhost\n10.91.0.7 web7.test web7 # comment\nfd00:91::7 web7.test\n');
writeFileSync(servicesFile, 'http 80/tcp www # WWW\nhttp 80/udp\nhttp-alt 8080/tcp webcache\n');

t.test('resolver tables', async (t) => {
  t.same(parseHosts('10.0.0.1 a b\n# x\nfd00::1 a\n').get('a'), ['10.0.0.1', 'fd00::1']);
  t.same(parseServices('smtp 25/tcp mail\n').map((s) => s.name), ['smtp', 'mail']);
  const r = createResolver({ hosts: parseHosts('10.0.0.1 a\nfd00::1 a\n'), services: parseServices('x 1/udp\nx 2/tcp\n') });
  t.same([r.host('a', 'inet'), r.host('A', 'inet6'), r.host('b', 'inet'), r.host('fd00:0::1', 'inet6'), r.host('10.0.0.300', 'inet')], ['10.0.0.1', 'fd00::1', undefined, 'fd00::1', undefined]);
  t.same([r.service('x', ''), r.service('x', 'tcp'), r.service('y', '')], [1, 2, undefined]);
});

t.test('loadLdirectordConfig: locate, hosts/services files, effective model', async (t) => {
  writeFileSync(join(root, 'etc/ha.d/web.cf'), 'virtual=10.90.0.7:www\n\treal=web7:http-alt masq\n\treal=dns-only.test:8080 masq\n');
  const lookups: string[] = [];
  const c = await loadLdirectordConfig('web.cf', {
    root, hostsFile, servicesFile, hostname: 'dir1',
    lookup: async (name, family) => { lookups.push(`${name}/${family}`); return name === 'dns-only.test' ? ['10.91.0.8'] : []; },
  });
  t.equal(c.path, join(root, 'etc/ha.d/web.cf'));
  t.equal(c.name, 'web.cf');
  t.same(c.effective.virtuals[0]!.reals.map((r) => [r.address, r.port, r.ipvs.port]), [['10.91.0.7', 8080, 8080], ['10.91.0.8', 8080, 8080]]);
  t.same(lookups, ['dns-only.test/inet'], 'only names missing from the hosts file go to DNS');
});

t.test('loadLdirectordConfig: errors name the found path', async (t) => {
  writeFileSync(join(root, 'etc/ha.d/bad.cf'), 'virtual=10.90.0.7:80\n\treal=nowhere.test:80 gate\n');
  const e = await t.rejects(loadLdirectordConfig('bad.cf', { root, hostsFile, servicesFile, lookup: async () => [] }));
  t.ok(e instanceof LdirectordConfigError);
  t.match((e as Error).message, `${join(root, 'etc/ha.d/bad.cf')}:2: invalid address (nowhere.test) for real server`);
});
