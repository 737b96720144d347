import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Director } from '../../../src/director/daemon.ts';
import { fakeKernel } from './fake-kernel.ts';
import { readStatus } from '../../../src/director/status.ts';
import { serviceKeyId, destKeyId, type Table } from '../../../src/ipvs/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-ld-daemon-'));
const env = { LVSHA_PID_DIR: dir, LVSHA_RUN_DIR: dir };
const cf = join(dir, 'd.cf');
const conf = (extra = '') => `checkinterval=1\nautoreload=yes\nlogfile="${join(dir, 'd.log')}"\n${extra}virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 2\n\treal=10.0.1.2:80 masq 3\n\tchecktype=on\n`;

t.test('daemon: first pass, drift repair, broken reload kept, autoreload, clean stop', async (t) => {
  writeFileSync(cf, conf());
  const k = fakeKernel();
  let ready = false;
  const d = Director.load({ configPath: cf, name: 'd.cf', stdoutLog: false, debug: false, env, openIpvs: async () => k.port, onReady: () => { ready = true; } });
  const running = d.run();
  const until = async (f: () => boolean, ms = 8000) => { const end = Date.now() + ms; while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 50)); return f(); };
  t.ok(await until(() => ready), 'first pass applied');
  const weights = () => k.tab.services.flatMap((s) => s.destinations.map((x) => `${destKeyId(x)}=${x.weight}`)).sort().join(' ');
  t.equal(weights(), '10.0.1.1:80=2 10.0.1.2:80=3');
  t.ok(existsSync(join(dir, 'ldirectord.d.cf.pid')), 'pid file');
  const st = readStatus(join(dir, 'ldirectord.d.cf.json'));
  t.equal(st?.firstPassApplied, true);
  t.equal(st?.virtuals[0]?.reals.length, 2);

  k.tab.services.length = 0; // ipvsadm -C
  t.ok(await until(() => weights() === '10.0.1.1:80=2 10.0.1.2:80=3', 4000), 'flushed table restored within an interval');

  await new Promise((r) => setTimeout(r, 1100)); // a different mtime second
  writeFileSync(cf, 'checkinterval=1\nvirtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 2\n\tbogus=1\n');
  t.ok(await until(() => /d\.cf:4/.test(readFileSync(join(dir, 'd.log'), 'utf8'))), 'broken autoreload logged with file:line');
  t.equal(weights(), '10.0.1.1:80=2 10.0.1.2:80=3', 'old configuration keeps running');
  t.match(readStatus(join(dir, 'ldirectord.d.cf.json'))?.lastError ?? '', /keeping the running configuration/);

  await new Promise((r) => setTimeout(r, 1100));
  writeFileSync(cf, conf().replace('masq 3', 'masq 7'));
  t.ok(await until(() => weights() === '10.0.1.1:80=2 10.0.1.2:80=7'), 'autoreload applies a weight change');

  d.requestStop();
  t.equal(await running, 0);
  t.same(k.tab.services, [], 'cleanstop removed our virtual');
  t.notOk(existsSync(join(dir, 'ldirectord.d.cf.pid')), 'pid file removed');
});

t.test('daemon: adoption of an existing table changes nothing; other services untouched', async (t) => {
  writeFileSync(cf, conf('cleanstop=no\n'));
  const initial: Table = { services: [
    { key: { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80 }, scheduler: 'wrr', netmask: 0xffffffff, onePacket: false, schedFlags: [], destinations: [
      { family: 'inet', address: '10.0.1.1', port: 80, forward: 'masq', weight: 2, upperThreshold: 0, lowerThreshold: 0 },
      { family: 'inet', address: '10.0.1.2', port: 80, forward: 'masq', weight: 3, upperThreshold: 0, lowerThreshold: 0 },
    ] },
    { key: { family: 'inet', protocol: 'udp', address: '10.9.9.9', port: 53 }, scheduler: 'rr', netmask: 0xffffffff, onePacket: false, schedFlags: [], destinations: [] },
  ] };
  const k = fakeKernel(initial);
  let ready = false;
  const d = Director.load({ configPath: cf, name: 'd.cf', stdoutLog: false, debug: false, env, openIpvs: async () => k.port, onReady: () => { ready = true; } });
  const running = d.run();
  const end = Date.now() + 8000;
  while (!ready && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  t.ok(ready);
  t.same(k.log, [], 'no IPVS operation on adoption');
  d.requestStop();
  await running;
  t.equal(k.tab.services.length, 2, 'cleanstop=no keeps the virtual; the foreign service is never touched');
});
