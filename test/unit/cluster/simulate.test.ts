/**
 * crm_simulate (Pacemaker 2.1, no daemons) on generated CIBs proves the
 * behaviour an LVS pair needs: the group runs on one node, moves when that
 * node fails, stays put when it returns (no fail-back), and a monitor failure
 * is recovered in place.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cibFile, CIB_DIR, join, simulate, tmp } from './helpers.ts';

const MEMBERS = ['lvs-vip', 'lvs-ldirectord'];

const two = (stack: string, extra = ''): string => `
[cluster]
stack = ${stack}
${extra}
[node director1]
address = 192.168.0.10/24
[node director2]
address = 192.168.0.20/24
[vip]
address = 192.168.0.200/24
[service web]
real = 192.168.0.110:80
real = 192.168.0.120:80
`;

async function scenario(t: Test, label: string, cib: string, expectFirst?: string): Promise<void> {
  const d = tmp();
  const running = join(d, 'running.xml');
  const failed = join(d, 'failover.xml');
  // 1. both nodes come up: every member starts, all on the same node
  const up = await simulate(cib, ['-u', 'director1', '-u', 'director2'], running);
  const starts = up.actions.filter((a) => a.action === 'start' && MEMBERS.includes(a.resource));
  t.equal(starts.length, MEMBERS.length, `${label}: both members start`);
  const holder = up.placement['lvs-vip']?.[0];
  t.ok(holder, `${label}: VIP placed (${holder})`);
  for (const m of MEMBERS) t.same(up.placement[m], [holder], `${label}: ${m} on ${holder} only`);
  if (expectFirst) t.equal(holder, expectFirst, `${label}: preferred node ${expectFirst} wins at first start`);
  const other = holder === 'director1' ? 'director2' : 'director1';

  // 2. the holder goes down: the group moves
  const down = await simulate(running, ['-d', holder!], failed);
  for (const m of MEMBERS) t.same(down.placement[m], [other], `${label}: ${m} moved to ${other}`);

  // 3. it comes back: nothing moves (no fail-back)
  const back = await simulate(failed, ['-u', holder!]);
  t.same(back.actions.filter((a) => MEMBERS.includes(a.resource) && a.action !== 'monitor'), [], `${label}: no action on the group when ${holder} returns`);
  for (const m of MEMBERS) t.same(back.placement[m], [other], `${label}: ${m} stays on ${other}`);

  // 4. a monitor failure (rc 7) on the VIP: recovered in place
  const mon = await simulate(running, ['-i', `lvs-vip_monitor_10000@${holder}=7`]);
  const vipActs = mon.actions.filter((a) => a.resource === 'lvs-vip');
  t.ok(vipActs.some((a) => (a.action === 'recover' || a.action === 'start') && a.node === holder), `${label}: VIP recovered on ${holder} ${JSON.stringify(vipActs)}`);
  t.notOk(mon.actions.some((a) => a.node === other && a.action === 'start'), `${label}: nothing started on ${other}`);
  t.same(mon.placement['lvs-vip'], [holder], `${label}: VIP still on ${holder}`);
}

t.test('corosync two-node, no fencing', async (t) => scenario(t, 'corosync', await cibFile(two('corosync'))));
t.test('heartbeat two-node (pacemaker-1.0 schema)', async (t) => scenario(t, 'heartbeat', await cibFile(two('heartbeat'))));
t.test('preferred node below stickiness: starts there, no fail-back', async (t) =>
  scenario(t, 'preferred director2', await cibFile(two('corosync', 'preferred_node = director2\npreferred_score = 100')), 'director2'));
t.test('finite stickiness 200 above preferred 100', async (t) =>
  scenario(t, 'stickiness 200', await cibFile(two('corosync', 'stickiness = 200\npreferred_node = director1\npreferred_score = 100')), 'director1'));

t.test('example two-node-corosync (fencing + ping): group needs connectivity', async (t) => {
  const d = tmp();
  const cib = join(d, 'cib.xml');
  // the committed golden CIB of the example
  execFileSync('cp', [join(CIB_DIR, 'golden', 'two-node-corosync', 'cib.xml'), cib]);
  const up = await simulate(cib, ['-u', 'director1', '-u', 'director2'], join(d, 'run.xml'));
  t.same(up.placement['lvs-vip'] ?? [], [], 'no pingd attribute yet → the group does not start');
  t.ok(up.actions.some((a) => a.resource.startsWith('ping') && a.action === 'start'), 'ping clone starts');
  t.ok(up.actions.some((a) => a.resource === 'fence-director1' && a.action === 'start' && a.node === 'director2'), 'fence-director1 runs on director2');
  // give both nodes connectivity (what ping would set), then the group starts on the preferred node
  for (const n of ['director1', 'director2']) {
    execFileSync('crm_attribute', ['--node', n, '--name', 'pingd', '--update', '1000', '--lifetime', 'reboot'], { env: { ...process.env, CIB_file: join(d, 'run.xml') } });
  }
  const conn = await simulate(join(d, 'run.xml'), [], join(d, 'conn.xml'));
  t.same(conn.placement['lvs-vip'], ['director1'], 'with connectivity: group on preferred director1');
  // director1 loses connectivity → the group moves despite INFINITY stickiness
  execFileSync('crm_attribute', ['--node', 'director1', '--name', 'pingd', '--update', '0', '--lifetime', 'reboot'], { env: { ...process.env, CIB_file: join(d, 'conn.xml') } });
  const lost = await simulate(join(d, 'conn.xml'), []);
  t.same(lost.placement['lvs-vip'], ['director2'], 'connectivity lost on director1 → moves to director2');
  t.ok(readFileSync(cib, 'utf8').includes('fence_ipmilan'));
});

t.test('three directors, masq + sync: group together, sync backup elsewhere', async (t) => {
  const d = tmp();
  const cib = join(d, 'cib.xml');
  execFileSync('cp', [join(CIB_DIR, 'golden', 'three-node-masq', 'cib.xml'), cib]);
  const up = await simulate(cib, ['-u', 'dir-a', '-u', 'dir-b', '-u', 'dir-c'], join(d, 'run.xml'));
  const holder = up.placement['lvs-vip']?.[0];
  for (const m of ['lvs-gateway', 'lvs-ldirectord', 'lvs-sync-master']) t.same(up.placement[m], [holder], `${m} with the VIP on ${holder}`);
  t.ok(up.placement['lvs-sync-backup']?.[0] && up.placement['lvs-sync-backup'][0] !== holder, `sync backup on another director (${up.placement['lvs-sync-backup']})`);
  const down = await simulate(join(d, 'run.xml'), ['-d', holder!]);
  const nh = down.placement['lvs-vip']?.[0];
  t.ok(nh && nh !== holder, `group moved to ${nh}`);
  t.not(down.placement['lvs-sync-backup']?.[0], nh, 'sync backup not on the new holder');
});
