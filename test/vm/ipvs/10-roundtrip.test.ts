// Every model feature round-trips between lvsha and ipvsadm on a real kernel.
import t from 'tap';
import { existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDaemons, formatList, formatRules, formatTimeouts, type ListFormat } from '../../../src/ipvs/format.ts';
import { validateTable } from '../../../src/ipvs/validate.ts';
import { parseRules } from '../../../src/ipvs/rules.ts';
import { plan } from '../../../src/ipvs/planner.ts';
import { IpvsApplyError, IpvsKernelError } from '../../../src/ipvs/errors.ts';
import { makeDest, makeService, parseServiceKey, KNOWN_SCHEDULERS, type Table } from '../../../src/ipvs/model.ts';
import { closeIpvs, ipvs, ipvsadm, ipvsadmR, lvsha, lvshaIn, reset, sh, run } from './helpers.ts';
import { applyCommand, flushCommand, listCommand } from '../../../src/ipvs/cli.ts';

t.teardown(() => { closeIpvs(); try { reset(); } catch { /* */ } });
const tmp = mkdtempSync(join(tmpdir(), 'lvsha-ipvs-'));

// A table with every feature: v4/v6/fwmark, TCP/UDP/SCTP, sh/mh flags, persistence+netmask, one-packet, PE,
// masq/route/tunnel (ipip, gue, gre, checksum flags), thresholds, weights 0 and max, mixed-family tunnel dest.
const FULL = {
  services: [
    { service: 'TCP 10.0.0.1:80', scheduler: 'wrr', destinations: [
      { address: '10.0.0.2:80', weight: 3, upperThreshold: 100, lowerThreshold: 50 },
      { address: '10.0.0.3:80', forward: 'route', weight: 0 },
      { address: '10.0.0.4:80', forward: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } },
      { address: '10.0.0.5:80', forward: 'tunnel', tunnel: { type: 'gre', checksum: 'csum' } },
      { address: '10.0.0.6:80', forward: 'tunnel', tunnel: { type: 'gue', port: 5555, checksum: 'remcsum' } },
      { address: '10.0.0.7:80', forward: 'tunnel' },
      { address: '10.0.0.8:8080', weight: 2147483647, upperThreshold: 2147483647 },
    ] },
    { service: 'UDP 10.0.0.1:53', scheduler: 'sh', schedFlags: ['sh-fallback', 'sh-port'], onePacket: true, destinations: [{ address: '10.0.0.2:53' }] },
    { service: 'TCP 10.0.0.1:443', scheduler: 'mh', schedFlags: ['mh-fallback', 'mh-port'], persistent: 600, netmask: '255.255.255.0' },
    { service: 'TCP 10.0.0.1:444', scheduler: 'wlc', schedFlags: ['flag-1', 'flag-3'], persistent: 360 },
    { service: 'TCP 10.0.0.1:0', scheduler: 'lc', persistent: 30, netmask: 16 },
    { service: 'UDP 10.0.0.1:5060', scheduler: 'dh', persistent: 30, pe: 'sip', onePacket: true },
    { service: 'SCTP 10.0.0.1:9', scheduler: 'nq', destinations: [{ address: '10.0.0.9:9', weight: 7 }] },
    { service: 'TCP [2001:db8::1]:80', scheduler: 'sed', persistent: 100, netmask: 64, destinations: [
      { address: '[2001:db8::2]:80', weight: 5 }, { address: '[2001:db8::3]:80', forward: 'route' }, { address: '10.0.0.7:80', forward: 'tunnel' },
    ] },
    { service: 'FWM 5', scheduler: 'wrr', persistent: 60, destinations: [{ address: '10.0.0.9', forward: 'route' }, { address: '10.0.0.10:81' }] },
    { service: 'FWM 6 IPv6', scheduler: 'lc', destinations: [{ address: '[2001:db8::9]:80' }, { address: '10.0.0.11', forward: 'tunnel', tunnel: { type: 'gue', port: 1, checksum: 'nocsum' } }] },
  ],
};
const FORMATS: [string, string[], ListFormat][] = [
  ['-Ln', [], {}], ['--stats', ['--stats'], { stats: true }], ['--stats --exact', ['--stats', '--exact'], { stats: true, exact: true }],
  ['--thresholds', ['--thresholds'], { thresholds: true }], ['--persistent-conn', ['--persistent-conn'], { persistentConn: true }],
  ['--tun-info', ['--tun-info'], { tunInfo: true }],
];

t.test('what lvsha adds, ipvsadm shows identically', async (t) => {
  reset();
  const c = await ipvs();
  const want = validateTable(FULL, 'FULL');
  const ops = plan(want, await c.getState());
  await c.apply(ops);
  const info = await c.getInfo();
  for (const [name, args, f] of FORMATS) t.equal(ipvsadm('-Ln', ...args), formatList(info, want, f), `ipvsadm -Ln ${name} shows the desired table`);
  t.equal(ipvsadm('-S', '-n'), formatRules(want), 'ipvsadm -S -n');
  const back = await c.getTable();
  for (const [name, args, f] of FORMATS) t.equal(formatList(info, back, f), ipvsadm('-Ln', ...args), `lvsha read-back == ipvsadm ${name}`);
  t.same(plan(want, await c.getState()), [], 'reading back gives the desired table: nothing left to do');
  // the CLI prints the same text (one real process; the variants in-process)
  const r = lvsha('list');
  t.equal(r.code, 0, r.err);
  t.equal(r.out, ipvsadm('-Ln'), 'lvsha ipvs list (a new process) == ipvsadm -Ln');
  for (const [name, args, f] of FORMATS) {
    const x = await lvshaIn((io, c) => listCommand(f, io, c));
    t.equal(x.out, ipvsadm('-Ln', ...args), `lvsha ipvs list ${name}`);
  }
  t.equal((await lvshaIn((io, c) => listCommand({ rules: true }, io, c))).out, ipvsadm('-S', '-n'), 'lvsha ipvs list --rules == ipvsadm -S -n');
});

t.test('what ipvsadm adds, lvsha reads back identically', async (t) => {
  reset();
  const rules = [
    '-A -t 10.1.0.1:80 -s rr', '-a -t 10.1.0.1:80 -r 10.1.0.2:80 -m -w 3 -x 100 -y 50', '-a -t 10.1.0.1:80 -r 10.1.0.3:80 -g -w 0',
    '-a -t 10.1.0.1:80 -r 10.1.0.4 -i --tun-type gue --tun-port 6080 --tun-csum', '-a -t 10.1.0.1:80 -r 10.1.0.5 -i --tun-type gre --tun-csum',
    '-a -t 10.1.0.1:80 -r 10.1.0.6 -i --tun-type gue --tun-port 7 --tun-remcsum', '-a -t 10.1.0.1:80 -r 10.1.0.7 -i',
    '-A -u 10.1.0.1:53 -s sh -b sh-fallback,sh-port -o', '-a -u 10.1.0.1:53 -r 10.1.0.2:53 -m',
    '-A -t 10.1.0.1:443 -s mh -b mh-fallback,mh-port -p 600 -M 255.255.255.0', '-A -t 10.1.0.1:444 -s wlc -b flag-2 -p',
    '-A -f 5 -s wrr -p 60', '-a -f 5 -r 10.1.0.9 -g', '-A -f 6 -6 -s lc', '-a -f 6 -6 -r [2001:db8::9]:80 -m',
    '-A -t [2001:db8::1]:80 -s sed -p 100 -M 64', '-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -m -w 5', '-a -t [2001:db8::1]:80 -r 10.1.0.7 -i',
    '-A --sctp-service 10.1.0.1:9 -s nq --pe sip', '-A -u 10.1.0.1:5060 -s dh -p 30 --pe sip -o',
  ].join('\n') + '\n';
  ipvsadmR(rules);
  const c = await ipvs();
  const info = await c.getInfo();
  const back = await c.getTable();
  for (const [name, args, f] of FORMATS) t.equal(formatList(info, back, f), ipvsadm('-Ln', ...args), `ipvsadm ${name}`);
  t.equal(formatRules(back), ipvsadm('-S', '-n'), '-S -n');
  // model-level: what lvsha reads is what the same rules describe
  const desired = validateTable(parseRules(ipvsadm('-S', '-n'), 'saved'));
  const d = desired.services.find((s) => s.key.port === 80 && s.key.family === 'inet')!.destinations.find((x) => x.address === '10.1.0.2')!;
  d.upperThreshold = 100; d.lowerThreshold = 50; // -S does not save thresholds
  t.same(plan(desired, { services: back.services }), [], 'the rules and the kernel table agree field by field');
  const s443 = back.services.find((s) => s.key.port === 443)!;
  t.same([s443.scheduler, s443.persistent, s443.netmask, s443.schedFlags], ['mh', 600, 0xffffff00, ['flag-1', 'flag-2']]);
  const v6 = back.services.find((s) => s.key.family === 'inet6' && s.key.fwmark === undefined)!;
  t.same([v6.netmask, v6.destinations.map((x) => `${x.family} ${x.address} ${x.forward}`).sort()], [64, ['inet 10.1.0.7 tunnel', 'inet6 2001:db8::2 masq']]);
  const gue = back.services.find((s) => s.key.port === 80 && s.key.family === 'inet')!.destinations.find((x) => x.address === '10.1.0.6')!;
  t.same(gue.tunnel, { type: 'gue', port: 7, checksum: 'remcsum' });
  // and lvsha can make it equal to another table with in-place edits only
  const edited = structuredClone(desired);
  edited.services.find((s) => s.key.port === 443)!.scheduler = 'rr';
  edited.services.find((s) => s.key.port === 443)!.schedFlags = [];
  const ops = plan(edited, { services: back.services });
  t.same(ops.map((o) => o.op), ['edit-service']);
  await c.apply(ops);
  t.match(ipvsadm('-Ln', '-t', '10.1.0.1:443'), /TCP  10\.1\.0\.1:443 rr persistent 600 mask 255\.255\.255\.0\n/);
});

t.test('every scheduler the kernel has', async (t) => {
  reset();
  const c = await ipvs();
  const kdir = `/lib/modules/${run('uname', ['-r']).trim()}/kernel/net/netfilter/ipvs`;
  for (const sched of KNOWN_SCHEDULERS) {
    const have = existsSync(`${kdir}/ip_vs_${sched}.ko`) || existsSync(`${kdir}/ip_vs_${sched}.ko.xz`);
    const key = parseServiceKey('TCP 10.2.0.1:80');
    const svc = makeService(key, sched);
    if (have) {
      await c.apply([{ op: 'add-service', service: svc }, { op: 'add-dest', key, dest: makeDest('10.2.0.2', 80, { weight: 2 }) }]);
      t.match(ipvsadm('-Ln'), new RegExp(`TCP  10\\.2\\.0\\.1:80 ${sched}\\n  -> 10\\.2\\.0\\.2:80 +Masq +2 `), `${sched}: ipvsadm shows it`);
      const viaIpvsadm = (await c.getServices())[0]!;
      t.equal(viaIpvsadm.scheduler, sched);
      reset();
      ipvsadm('-A', '-t', '10.2.0.1:80', '-s', sched);
      t.equal((await c.getServices())[0]!.scheduler, sched, `${sched}: lvsha reads what ipvsadm added`);
      reset();
    } else {
      // not in this kernel (twos arrived in 6.2): a typed error naming the module, nothing applied
      try { await c.apply([{ op: 'add-service', service: svc }]); t.fail(`${sched} should be rejected`); }
      catch (e) {
        t.ok(e instanceof IpvsApplyError, `${sched}: apply error`);
        const k = (e as IpvsApplyError).cause as IpvsKernelError;
        t.equal(k.errno, 'ENOENT');
        t.match(k.message, new RegExp(`ip_vs_${sched} not available`));
        t.equal((e as IpvsApplyError).applied.length, 0);
      }
      t.equal(ipvsadm('-S', '-n'), '', `${sched}: table unchanged`);
    }
  }
});

t.test('timeouts both ways', async (t) => {
  const c = await ipvs();
  await c.setTimeouts({ tcp: 100, tcpFin: 20, udp: 30 });
  t.equal(ipvsadm('-Ln', '--timeout'), 'Timeout (tcp tcpfin udp): 100 20 30\n');
  ipvsadm('--set', '901', '121', '301');
  t.same(await c.getTimeouts(), { tcp: 901, tcpFin: 121, udp: 301 });
  t.equal(formatTimeouts(await c.getTimeouts()), ipvsadm('-Ln', '--timeout'));
  t.equal((await lvshaIn((io, c) => listCommand({ timeout: true }, io, c))).out, ipvsadm('-Ln', '--timeout'));
  await c.setTimeouts({ tcp: 900, tcpFin: 120, udp: 300 });
});

t.test('sync daemons both ways', async (t) => {
  const c = await ipvs();
  sh('ip link add lvsha-sy0 type veth peer name lvsha-sy1 && ip link set lvsha-sy0 up && ip link set lvsha-sy1 up');
  t.teardown(() => { try { sh('ip link del lvsha-sy0'); } catch { /* */ } });
  await c.exec({ op: 'add-daemon', daemon: { state: 'master', ifname: 'lvsha-sy0', syncId: 7 } });
  ipvsadm('--start-daemon', 'backup', '--mcast-interface', 'lvsha-sy1', '--syncid', '8', '--sync-maxlen', '1400', '--mcast-group', '224.0.0.99', '--mcast-port', '8849', '--mcast-ttl', '2');
  const ds = await c.getDaemons();
  t.equal(formatDaemons(ds), ipvsadm('-Ln', '--daemon'), 'lvsha reads both daemons as ipvsadm shows them');
  t.equal((await lvshaIn((io, c) => listCommand({ daemon: true }, io, c))).out, ipvsadm('-Ln', '--daemon'));
  const b = ds.find((d) => d.state === 'backup')!;
  t.same([b.ifname, b.syncId, b.maxLen, b.group, b.port, b.ttl], ['lvsha-sy1', 8, 1400, '224.0.0.99', 8849, 2]);
  t.match(ipvsadm('-Ln', '--daemon'), /master sync daemon \(mcast=lvsha-sy0, syncid=7/);
  await c.exec({ op: 'del-daemon', state: 'master' });
  ipvsadm('--stop-daemon', 'backup');
  t.same(await c.getDaemons(), []);
  // declarative: daemons in a table
  const want = validateTable({ services: [], daemons: [{ state: 'master', ifname: 'lvsha-sy0', syncId: 3 }] });
  await c.apply(plan(want, await c.getState()));
  t.match(ipvsadm('-Ln', '--daemon'), /^master sync daemon \(mcast=lvsha-sy0, syncid=3/);
  t.same(plan(want, await c.getState()), [], 'daemon matches after apply');
  await c.exec({ op: 'del-daemon', state: 'master' });
});

t.test('kernel errors are typed and name the service/destination', async (t) => {
  reset();
  const c = await ipvs();
  const key = parseServiceKey('TCP 10.3.0.1:80');
  const svc = makeService(key, 'rr');
  await c.exec({ op: 'add-service', service: svc });
  const fails = async (op: Parameters<typeof c.exec>[0], errno: string, re: RegExp) => {
    try { await c.exec(op); t.fail(`${op.op} should fail`); }
    catch (e) { t.ok(e instanceof IpvsKernelError, `${op.op}: typed`); t.equal((e as IpvsKernelError).errno, errno); t.match((e as Error).message, re); }
  };
  await fails({ op: 'add-service', service: svc }, 'EEXIST', /service TCP 10\.3\.0\.1:80 already exists/);
  await fails({ op: 'edit-service', service: makeService(parseServiceKey('TCP 10.3.0.9:80'), 'rr') }, 'ESRCH', /service TCP 10\.3\.0\.9:80 does not exist/);
  await fails({ op: 'add-dest', key: parseServiceKey('TCP 10.3.0.9:80'), dest: makeDest('10.3.0.2', 80) }, 'ESRCH', /service TCP 10\.3\.0\.9:80 does not exist/);
  await c.exec({ op: 'add-dest', key, dest: makeDest('10.3.0.2', 80) });
  await fails({ op: 'add-dest', key, dest: makeDest('10.3.0.2', 80) }, 'EEXIST', /destination 10\.3\.0\.2:80 of service TCP 10\.3\.0\.1:80 already exists/);
  await fails({ op: 'del-dest', key, dest: makeDest('10.3.0.99', 80) }, 'ENOENT', /destination 10\.3\.0\.99:80 of service TCP 10\.3\.0\.1:80 does not exist/);
  await fails({ op: 'add-dest', key, dest: makeDest('2001:db8::2', 80) }, 'EINVAL', /allowed only for tunnel/);
  await fails({ op: 'add-service', service: makeService(parseServiceKey('TCP 10.3.0.2:80'), 'nosuch') }, 'ENOENT', /ip_vs_nosuch not available/);
  await fails({ op: 'add-dest', key, dest: makeDest('10.3.0.3', 80, { upperThreshold: 1, lowerThreshold: 5 }) }, 'ERANGE', /10\.3\.0\.3:80/);
});

t.test('a rejection midway reports exactly which ops were applied', async (t) => {
  reset();
  const c = await ipvs();
  const k1 = parseServiceKey('TCP 10.4.0.1:80');
  const kMissing = parseServiceKey('TCP 10.4.0.9:80');
  const ops = [
    { op: 'add-service' as const, service: makeService(k1, 'rr') },
    { op: 'add-dest' as const, key: k1, dest: makeDest('10.4.0.2', 80) },
    { op: 'add-dest' as const, key: kMissing, dest: makeDest('10.4.0.3', 80) },
    ...Array.from({ length: 200 }, (_, i) => ({ op: 'add-dest' as const, key: k1, dest: makeDest('10.4.1.1', 1000 + i) })),
  ];
  try { await c.apply(ops, { window: 1, batch: 1 }); t.fail('should fail'); }
  catch (e) {
    const a = e as IpvsApplyError;
    t.ok(a instanceof IpvsApplyError);
    t.same(a.applied, ops.slice(0, 2), 'one request at a time: exactly the two ops before the failure');
    t.equal(a.failed, ops[2]);
    t.equal(a.pending.length, 200);
    t.match(a.message, /2 of 203 operations were applied: add-service TCP 10\.4\.0\.1:80; add-dest TCP 10\.4\.0\.1:80 -> 10\.4\.0\.2:80/);
  }
  t.equal(ipvsadm('-S', '-n'), '-A -t 10.4.0.1:80 -s rr\n-a -t 10.4.0.1:80 -r 10.4.0.2:80 -m -w 1\n', 'the kernel has exactly those');
  // batched + pipelined (the default): the kernel runs the rest of a batch after a rejection;
  // whatever it applied is accounted for precisely
  reset();
  try { await c.apply(ops); t.fail('should fail'); }
  catch (e) {
    const a = e as IpvsApplyError;
    const kernelDests = (await c.getDests(k1)).length;
    const appliedDests = a.applied.filter((o) => o.op === 'add-dest').length;
    t.equal(kernelDests, appliedDests, `kernel has exactly the ${appliedDests} destinations reported as applied`);
    t.equal(a.applied.length + a.rejected.length + a.pending.length, ops.length, 'every op accounted for');
  }
});

t.test('bad input is rejected whole with the field named; kernel table unchanged', async (t) => {
  reset();
  ipvsadmR('-A -t 10.5.0.1:80 -s rr\n-a -t 10.5.0.1:80 -r 10.5.0.2:80 -m -w 1\n');
  const before = ipvsadm('-S', '-n');
  const bad = structuredClone(FULL) as any;
  bad.services[0].destinations[2].weight = 2 ** 31;
  bad.services[2].netmask = '255.0.255.0';
  const f = join(tmp, 'bad.json');
  writeFileSync(f, JSON.stringify(bad));
  const r = lvsha('apply', f);
  t.equal(r.code, 2, 'exit 2 for bad input');
  t.match(r.err, /services\[0\]\.destinations\[2\]\.weight: weight must be an integer 0\.\.2147483647/);
  t.match(r.err, /services\[2\]\.netmask: IPv4 netmask 255\.0\.255\.0 is not contiguous/);
  t.match(r.err, /nothing was applied/);
  t.equal(ipvsadm('-S', '-n'), before, 'kernel table unchanged');
  const fr = join(tmp, 'bad.rules');
  writeFileSync(fr, '-A -t 10.5.0.1:80 -s rr\n-a -t 10.5.0.1:80 -r 10.5.0.3:80 -m -w 1 -x 5 -y 9\n');
  const r2 = await lvshaIn((io, c) => applyCommand(fr, {}, io, c));
  t.equal(r2.code, 2);
  t.match(r2.err, /bad\.rules:2\.lowerThreshold: lower threshold 9 is above the upper threshold 5/);
  t.equal(ipvsadm('-S', '-n'), before, 'kernel table unchanged');
});

t.test('CLI apply (JSON and ipvsadm rules), dry run, list --json round trip, flush', async (t) => {
  reset();
  const fj = join(tmp, 'full.json');
  writeFileSync(fj, JSON.stringify(FULL, null, 2));
  let r = await lvshaIn((io, c) => applyCommand(fj, { dryRun: true }, io, c));
  t.equal(r.code, 0, r.err);
  t.match(r.out, /^add-service TCP 10\.0\.0\.1:80\nadd-dest TCP 10\.0\.0\.1:80 -> 10\.0\.0\.2:80\n/);
  t.equal(ipvsadm('-S', '-n'), '', 'dry run sends nothing');
  r = lvsha('apply', fj);
  t.equal(r.code, 0, r.err);
  const want = validateTable(FULL);
  const nOps = want.services.reduce((n, s) => n + 1 + s.destinations.length, 0);
  t.equal(r.out, `${nOps} operations applied\n`, 'a new lvsha process applies the file');
  t.equal(ipvsadm('-Ln'), formatList(await (await ipvs()).getInfo(), want));
  t.equal((await lvshaIn((io, c) => applyCommand(fj, {}, io, c))).out, '0 operations applied\n', 'idempotent');
  // list --json is an apply file
  const js = await lvshaIn((io, c) => listCommand({ json: true }, io, c));
  const fj2 = join(tmp, 'listed.json');
  writeFileSync(fj2, js.out);
  t.equal((await lvshaIn((io, c) => applyCommand(fj2, {}, io, c))).out, '0 operations applied\n', 'list --json output applies as a no-op');
  // ipvsadm rules file: the saved table, edited
  const saved = ipvsadm('-S', '-n').replace('-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 3', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 9 -x 100 -y 50');
  const fr = join(tmp, 'saved.rules');
  writeFileSync(fr, saved);
  r = await lvshaIn((io, c) => applyCommand(fr, { dryRun: true }, io, c));
  // -S does not save thresholds, so the file also drops 10.0.0.8's upper threshold: two in-place edits
  t.equal(r.out, 'edit-dest TCP 10.0.0.1:80 -> 10.0.0.2:80\nedit-dest TCP 10.0.0.1:80 -> 10.0.0.8:8080\n2 operations would be applied (dry run)\n');
  r = await lvshaIn((io, c) => applyCommand(fr, {}, io, c));
  t.equal(r.code, 0, r.err);
  t.equal(r.out, '2 operations applied\n');
  t.match(ipvsadm('-Ln'), /-> 10\.0\.0\.2:80 +Masq +9 /);
  t.match(ipvsadm('-Ln', '--thresholds'), /-> 10\.0\.0\.2:80 +100 +50 /);
  t.match(ipvsadm('-Ln', '--thresholds'), /-> 10\.0\.0\.8:8080 +0 +0 /);
  r = await lvshaIn((io, c) => flushCommand(io, c));
  t.equal(r.code, 0);
  t.equal(ipvsadm('-S', '-n'), '');
});
