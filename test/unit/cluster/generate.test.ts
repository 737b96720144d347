/**
 * Generated files: golden copies of every cib/*.lvsha example (random keys masked),
 * crm_verify (real Pacemaker 2.1 binary) on every CIB for both stacks, and the
 * writer's all-or-nothing, mode and no-overwrite rules.
 * Regenerate the goldens after an intended change: LVSHA_UPDATE_GOLDEN=1 npx tap test/unit/cluster/generate.test.ts
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { modelFromText } from '../../../src/cluster/load.ts';
import { planCluster, type PlannedFile } from '../../../src/cluster/plan.ts';
import { writePlan } from '../../../src/cluster/write.ts';
import { renderCib } from '../../../src/cluster/cib.ts';
import { buildModel } from '../../../src/cluster/description.ts';
import { flagsToSections } from '../../../src/cluster/from-flags.ts';
import { CIB_DIR, crmVerify, join, rngValidate, tmp } from './helpers.ts';

const rnd = (n: number): Uint8Array => randomBytes(n);
const EXAMPLES = readdirSync(CIB_DIR).filter((f) => f.endsWith('.lvsha')).sort();
const mask = (f: PlannedFile): string => String(f.content).replace(/^(\d+ sha1) [0-9a-f]+$/m, '$1 <KEY>');

t.test('examples: golden files and crm_verify', async (t) => {
  t.ok(EXAMPLES.length >= 4, `examples found: ${EXAMPLES.join(', ')}`);
  for (const ex of EXAMPLES) {
    const name = basename(ex, '.lvsha');
    const model = modelFromText(readFileSync(join(CIB_DIR, ex), 'utf8'), `cib/${ex}`);
    const plan = await planCluster(model, rnd);
    const gdir = join(CIB_DIR, 'golden', name);
    for (const f of plan.files) {
      if (f.content instanceof Uint8Array) continue; // corosync authkey: binary random, checked below
      const p = join(gdir, f.name);
      if (process.env['LVSHA_UPDATE_GOLDEN'] === '1') {
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, mask(f));
      }
      t.equal(mask(f), existsSync(p) ? readFileSync(p, 'utf8') : '(golden missing)', `${name}/${f.name} matches cib/golden`);
    }
    const dir = tmp();
    writeFileSync(join(dir, 'cib.xml'), String(plan.files.find((f) => f.name === 'cib.xml')!.content));
    const v = crmVerify(join(dir, 'cib.xml'));
    t.equal(v.rc, 0, `${name}: crm_verify accepts the CIB ${v.out}`);
    const x = rngValidate(join(dir, 'cib.xml'));
    t.equal(x.rc, 0, `${name}: valid against ${x.schema}.rng ${x.out}`);
  }
});

const FLAGS = {
  node: ['director1=192.168.0.10', 'director2=192.168.0.20'], vip: '192.168.0.200/24', nic: 'eth0',
  real: ['192.168.0.110:80', '192.168.0.120:80'], method: 'gate',
};

t.test('flag-built CIBs for both stacks, 2 and 3 nodes, every option pass crm_verify', async (t) => {
  const variants: [string, Parameters<typeof flagsToSections>[0]][] = [
    ['corosync 2 nodes', { ...FLAGS, stack: 'corosync' }],
    ['heartbeat 2 nodes', { ...FLAGS, stack: 'heartbeat' }],
    ['corosync 3 nodes', { ...FLAGS, node: [...FLAGS.node, 'director3=192.168.0.30'] }],
    ['heartbeat 3 nodes', { ...FLAGS, stack: 'heartbeat', node: [...FLAGS.node, 'director3=192.168.0.30'] }],
    ['masq, VIP as gateway', { ...FLAGS, method: 'masq' }],
  ];
  for (const [name, f] of variants) {
    const m = buildModel(flagsToSections(f), 'cli');
    const dir = tmp();
    writeFileSync(join(dir, 'cib.xml'), await renderCib(m));
    const v = crmVerify(join(dir, 'cib.xml'));
    t.equal(v.rc, 0, `${name}: crm_verify ${v.out}`);
    const x = rngValidate(join(dir, 'cib.xml'));
    t.equal(x.rc, 0, `${name}: valid against ${x.schema}.rng ${x.out}`);
  }
  // every optional feature at once, on both stacks
  const all = (stack: string): string => `
[cluster]
stack = ${stack}
preferred_node = a
failure_timeout = 60s
[node a]
address = 10.0.0.1/24
[node b]
address = 10.0.0.2/24
[vip]
address = 10.0.0.100/24
method = masq
gateway = 10.1.0.254/24
gateway_nic = eth1
[service s]
port = 80
real = 10.1.0.5:8080
[ping]
host_list = 10.0.0.254 10.0.0.253
[sync]
syncid = 3
[fence f1]
agent = ${stack === 'heartbeat' ? 'external/ipmi' : 'fence_ipmilan'}
hosts = a
param = ipaddr=10.0.9.1
`;
  for (const stack of ['corosync', 'heartbeat']) {
    const dir = tmp();
    writeFileSync(join(dir, 'cib.xml'), await renderCib(modelFromText(all(stack))));
    const v = crmVerify(join(dir, 'cib.xml'));
    t.equal(v.rc, 0, `all options, ${stack}: crm_verify ${v.out}`);
    const x = rngValidate(join(dir, 'cib.xml'));
    t.equal(x.rc, 0, `all options, ${stack}: valid against ${x.schema}.rng ${x.out}`);
    t.match(readFileSync(join(dir, 'cib.xml'), 'utf8'), stack === 'heartbeat' ? /validate-with="pacemaker-1.0"/ : /validate-with="pacemaker-3.9"/);
  }
  // crm_verify must be able to fail: a broken CIB is refused
  const dir = tmp();
  writeFileSync(join(dir, 'cib.xml'), (await renderCib(buildModel(flagsToSections(FLAGS), 'cli'))).replace('class="ocf"', 'class="nosuch"'));
  t.not(crmVerify(join(dir, 'cib.xml')).rc, 0, 'crm_verify rejects a bad resource class');
});

t.test('CIB content rules', async (t) => {
  const m = buildModel(flagsToSections(FLAGS), 'cli');
  const xml = await renderCib(m);
  t.match(xml, /name="stonith-enabled" value="false"/, 'no fencing device → stonith-enabled=false');
  t.match(xml, /name="no-quorum-policy" value="stop"/, 'corosync: two_node handles quorum');
  t.match(xml, /name="resource-stickiness" value="INFINITY"/);
  // the director outside the group, started first in a failover, without restarting the VIP on its recovery (src/cluster/cib.ts)
  t.match(xml, /<primitive id="lvs-ldirectord" class="ocf" type="ldirectord" provider="lvsha">/);
  t.match(xml, /<group id="lvs">\s*<primitive id="lvs-vip" class="ocf" type="IPaddr2" provider="lvsha">/, 'the group holds the VIP');
  t.notMatch(xml, /<group id="lvs">[\s\S]*lvs-ldirectord[\s\S]*<\/group>/, 'the director is not in the group');
  t.match(xml, /<rsc_colocation id="lvs-with-director" rsc="lvs" with-rsc="lvs-ldirectord" score="INFINITY"\/>/);
  t.match(xml, /<rsc_order id="lvs-director-first" first="lvs-ldirectord" then="lvs" kind="Optional"\/>/);
  t.match(xml, /name="configfile" value="\/etc\/ha.d\/ldirectord.cf"/);
  t.match(xml, /<op id="lvs-vip-monitor-10s" name="monitor" interval="10s" timeout="20s"\/>/);
  const hb = await renderCib(buildModel(flagsToSections({ ...FLAGS, stack: 'heartbeat' }), 'cli'));
  t.match(hb, /name="no-quorum-policy" value="ignore"/, 'heartbeat 2 nodes: no-quorum-policy=ignore');
  const plan = await planCluster(m, rnd);
  t.match(plan.warnings.join('\n'), /WARNING: NO FENCING/, 'loud warning without fencing');
});

t.test('stack files', async (t) => {
  const co = await planCluster(buildModel(flagsToSections(FLAGS), 'cli'), rnd);
  const get = (p: Awaited<ReturnType<typeof planCluster>>, n: string) => p.files.find((f) => f.name === n);
  t.match(String(get(co, 'corosync.conf')!.content), /two_node: 1/);
  t.equal((get(co, 'authkey')!.content as Uint8Array).length, 256, 'corosync authkey: 256 random bytes');
  t.equal(get(co, 'authkey')!.mode, 0o400);
  const co3 = await planCluster(buildModel(flagsToSections({ ...FLAGS, node: [...FLAGS.node, 'd3=192.168.0.30'] }), 'cli'), rnd);
  t.notMatch(String(get(co3, 'corosync.conf')!.content), /two_node/, 'no two_node for 3 nodes');
  const hb = await planCluster(buildModel(flagsToSections({ ...FLAGS, stack: 'heartbeat' }), 'cli'), rnd);
  const ak = String(get(hb, 'authkeys')!.content);
  t.match(ak, /^auth 1$/m);
  t.match(ak, /^1 sha1 [0-9a-f]{64}$/m, '256-bit sha1 key');
  t.equal(get(hb, 'authkeys')!.mode, 0o600);
  const ha = String(get(hb, 'ha.cf')!.content);
  t.ok(ha.search(/^udpport/m) < ha.search(/^ucast/m) && ha.search(/^ucast/m) > 0, 'udpport before media');
  t.match(ha, /^auto_failback off$/m);
  t.match(ha, /^crm respawn$/m);
  t.match(ha, /^node director1$/m);
  const ak2 = String(get(await planCluster(buildModel(flagsToSections({ ...FLAGS, stack: 'heartbeat' }), 'cli'), rnd), 'authkeys')!.content);
  t.not(ak, ak2, 'a fresh key every time');
});

t.test('writer: modes, atomic, no overwrite without --force, nothing written on error', async (t) => {
  const m = buildModel(flagsToSections({ ...FLAGS, stack: 'heartbeat' }), 'cli');
  const plan = await planCluster(m, rnd);
  const dir = tmp();
  const old = process.umask(0o077); // must not change the modes
  await writePlan(dir, plan.files, false);
  process.umask(old);
  t.equal(statSync(join(dir, 'authkeys')).mode & 0o777, 0o600);
  t.equal(statSync(join(dir, 'ha.cf')).mode & 0o777, 0o644);
  const cdir = tmp();
  process.umask(0o077);
  await writePlan(cdir, (await planCluster(buildModel(flagsToSections(FLAGS), 'cli'), rnd)).files, false);
  process.umask(old);
  t.equal(statSync(join(cdir, 'authkey')).mode & 0o777, 0o400, 'corosync authkey 0400');
  t.equal(statSync(join(cdir, 'pcs-commands.sh')).mode & 0o777, 0o755);
  t.same(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temp files left');
  const before = readFileSync(join(dir, 'authkeys'), 'utf8');
  const plan2 = await planCluster(m, rnd);
  await t.rejects(writePlan(dir, plan2.files, false), /would overwrite cib.xml, crm-configure.txt/);
  t.equal(readFileSync(join(dir, 'authkeys'), 'utf8'), before, 'refused: nothing changed');
  await writePlan(dir, plan2.files, true);
  t.not(readFileSync(join(dir, 'authkeys'), 'utf8'), before, '--force replaces');
  // a failure half-way leaves nothing behind
  const dir2 = tmp();
  const bad = [...plan.files, { name: 'zzz', content: 42 as unknown as string, mode: 0o644 }]; // fails after the other temp files exist
  await t.rejects(writePlan(dir2, bad, false));
  t.same(readdirSync(dir2).filter((f) => f !== 'realserver'), [], 'nothing renamed into place');
});

t.test('CLI: init writes nothing on a bad description', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const dir = tmp();
  const r = spawnSync(process.execPath, ['src/cluster/dev-main.ts', 'cluster', 'init', '--node', 'a=10.0.0.1', '--node', 'b=10.0.0.2',
    '--vip', '10.9.0.1/24', '--real', '10.0.0.5:80', '--out', dir], { encoding: 'utf8', cwd: join(CIB_DIR, '..') });
  t.equal(r.status, 1);
  t.match(r.stderr, /lvsha: --vip: \[vip\] address: 10.9.0.1 is outside every node's subnet/);
  t.same(readdirSync(dir), []);
  const ok = spawnSync(process.execPath, ['src/cluster/dev-main.ts', 'cluster', 'init', '--node', 'a=10.0.0.1', '--node', 'b=10.0.0.2',
    '--vip', '10.0.0.100/24', '--real', '10.0.0.5:80', '--stack', 'heartbeat', '--out', dir], { encoding: 'utf8', cwd: join(CIB_DIR, '..') });
  t.equal(ok.status, 0, ok.stderr);
  t.notMatch(ok.stdout, /sha1/, 'the key is not printed');
  t.match(ok.stderr, /NO FENCING/);
  const args = ['src/cluster/dev-main.ts', 'cluster', 'init', '--node', 'a=10.0.0.1', '--node', 'b=10.0.0.2',
    '--vip', '10.0.0.100/24', '--real', '10.0.0.5:80', '--stack', 'heartbeat', '--out', dir];
  const key0 = readFileSync(join(dir, 'authkeys'), 'utf8');
  const again = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: join(CIB_DIR, '..') });
  t.equal(again.status, 1, 'a second init without --force is refused');
  t.match(again.stderr, /would overwrite .*\(pass --force/);
  t.equal(spawnSync(process.execPath, [...args, '--force'], { cwd: join(CIB_DIR, '..') }).status, 0);
  t.equal(readFileSync(join(dir, 'authkeys'), 'utf8'), key0, '--force keeps the existing key');
  t.equal(spawnSync(process.execPath, [...args, '--force', '--new-keys'], { cwd: join(CIB_DIR, '..') }).status, 0);
  t.not(readFileSync(join(dir, 'authkeys'), 'utf8'), key0, '--new-keys replaces it');
  const shown = spawnSync(process.execPath, [...args, '--force', '--print-keys'], { encoding: 'utf8', cwd: join(CIB_DIR, '..') });
  t.match(shown.stdout, /authkeys: [\s\S]*\n1 sha1 [0-9a-f]{64}/, '--print-keys prints it');
});
