/**
 * `lvsha cluster apply` against a real cibadmin editing an offline CIB file
 * (CIB_file=…): loads the owned sections, a second run changes nothing (same
 * epoch), admin-owned elements survive, and dropped owned elements go away.
 */
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { applyCib } from '../../../src/cluster/apply.ts';
import { renderCib } from '../../../src/cluster/cib.ts';
import { modelFromText } from '../../../src/cluster/load.ts';
import { crmVerify, join, requireTool, tmp } from './helpers.ts';

const DESC = (extra: string): string => `
[node director1]
address = 192.168.0.10/24
[node director2]
address = 192.168.0.20/24
[vip]
address = 192.168.0.200/24
[service web]
real = 192.168.0.110:80
${extra}`;

const epoch = (f: string): string => /<cib[^>]* epoch="(\d+)"/.exec(readFileSync(f, 'utf8'))?.[1] ?? '?';

/** An empty offline CIB that cibadmin (and so applyCib) edits through CIB_file for this test. */
function offlineCib(t: Test): { d: string; live: string } {
  requireTool('cibadmin');
  const d = tmp();
  const live = join(d, 'live.xml');
  writeFileSync(live, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
  const old = process.env['CIB_file'];
  process.env['CIB_file'] = live;
  t.teardown(() => { if (old === undefined) delete process.env['CIB_file']; else process.env['CIB_file'] = old; });
  return { d, live };
}

t.test('apply is idempotent and keeps what it does not own', async (t) => {
  const { d, live } = offlineCib(t);
  // an admin's own resource must survive
  execFileSync('cibadmin', ['--create', '-o', 'resources', '--xml-text', '<primitive id="admin-dummy" class="ocf" provider="heartbeat" type="Dummy"/>']);

  writeFileSync(join(d, 'cib.xml'), await renderCib(modelFromText(DESC('[ping]\nhost_list = 192.168.0.1\n[cluster]\npreferred_node = director1\n'))));
  const r1 = await applyCib(d);
  t.ok(r1.changed.includes('lvs') && r1.changed.includes('ping-clone') && r1.changed.includes('rsc-options'), `first run writes: ${r1.changed.join(', ')}`);
  t.ok(r1.changed.includes('property stonith-enabled'));
  const e1 = epoch(live);
  const r2 = await applyCib(d);
  t.same(r2.changed, [], 'second run changes nothing');
  t.same(r2.removed, []);
  t.equal(epoch(live), e1, `epoch unchanged (${e1})`);
  t.equal(crmVerify(live).rc, 0, 'the live CIB verifies');
  const text = readFileSync(live, 'utf8');
  t.match(text, /id="admin-dummy"/, 'admin resource kept');
  t.match(text, /<group id="lvs">/);

  // drop ping and the preference: the owned leftovers go, the group is updated in place
  writeFileSync(join(d, 'cib.xml'), await renderCib(modelFromText(DESC('[cluster]\nstickiness = 500\n'))));
  const r3 = await applyCib(d);
  t.same(r3.removed.sort(), ['lvs-needs-connectivity', 'lvs-prefers-director1', 'ping-clone'], 'stale owned elements removed');
  t.same(r3.changed, ['rsc-options'], 'only rsc_defaults changed');
  const after = readFileSync(live, 'utf8');
  t.notMatch(after, /ping-clone/);
  t.match(after, /name="resource-stickiness" value="500"/);
  t.match(after, /id="admin-dummy"/, 'admin resource still kept');
  const r4 = await applyCib(d);
  t.same([r4.changed, r4.removed], [[], []], 'and idempotent again');
});

t.test('apply moves the director out of the old group in one update (no orphan stop)', async (t) => {
  const { d, live } = offlineCib(t);
  // what lvsha 0.1 wrote: group lvs = VIP, director; no colocation/order of its own
  const now = await renderCib(modelFromText(DESC('')));
  const director = /<primitive id="lvs-ldirectord"[\s\S]*?<\/primitive>/.exec(now)![0];
  const oldCib = now.replace(director, '').replace(/<rsc_colocation id="lvs-with-director"[^>]*\/>/, '')
    .replace(/<rsc_order id="lvs-director-first"[^>]*\/>/, '').replace(/(<group id="lvs">[\s\S]*?)(<\/group>)/, `$1${director}$2`);
  writeFileSync(join(d, 'cib.xml'), oldCib);
  await applyCib(d);
  t.match(readFileSync(live, 'utf8'), /<group id="lvs">[\s\S]*id="lvs-ldirectord"[\s\S]*<\/group>/, 'old layout loaded');
  writeFileSync(join(d, 'cib.xml'), now);
  const logs: string[] = [];
  const r = await applyCib(d, undefined, (s) => logs.push(s));
  t.match(logs.join('\n'), /moved lvs-ldirectord out of its group/);
  t.same(r.removed, [], 'nothing deleted (a deleted resource would be stopped as an orphan)');
  const after = readFileSync(live, 'utf8');
  t.notMatch(after, /<group id="lvs">[\s\S]*id="lvs-ldirectord"[\s\S]*<\/group>/, 'director left the group');
  t.match(after, /<rsc_order id="lvs-director-first"/);
  t.equal(crmVerify(live).rc, 0, 'the live CIB verifies');
  const again = await applyCib(d);
  t.same([again.changed, again.removed], [[], []], 'idempotent afterwards');
});

t.test('apply: missing cib.xml is a clear error', async (t) => {
  await t.rejects(applyCib(tmp()), /cib.xml: cannot read: .*run lvsha cluster init first/);
});
