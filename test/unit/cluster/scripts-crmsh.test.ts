/**
 * crm-configure.txt, loaded by real crmsh into an empty offline CIB, yields
 * the same configuration as cib.xml (compared semantically: generated ids of
 * nvpairs/ops/rules are crmsh's own). The same for pcs-commands.sh run by real
 * pcs 0.11 (scripts-pcs.test.ts) against an offline CIB (pcs -f; corosync stack only, pcs has no heartbeat support).
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CIB_DIR, join, requireTool, tmp } from './helpers.ts';
import { summary } from './cib-summary.ts';

// pcs/crmsh start a Python process per command: slow on a loaded 2-core machine
t.setTimeout(240_000);

t.test('crmsh builds the same configuration as cib.xml', async (t) => {
  requireTool('crm');
  const examples = readdirSync(join(CIB_DIR, 'golden'));
  t.ok(examples.length >= 4);
  for (const ex of examples) {
    const d = tmp();
    const live = join(d, 'cib.xml');
    writeFileSync(live, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
    // -F: crmsh wants agent meta-data for its semantic checks; ocf:lvsha and fence_* are not installed here
    const r = spawnSync('crm', ['-F', 'configure', 'load', 'update', join(CIB_DIR, 'golden', ex, 'crm-configure.txt')],
      { encoding: 'utf8', env: { ...process.env, CIB_file: live }, timeout: 60000 });
    t.equal(r.status, 0, `${ex}: crm configure load update ${r.stderr.split('\n').filter((l) => !/meta-data|no such resource|does not exist|quorum/.test(l)).join('\n')}`);
    const want = await summary(readFileSync(join(CIB_DIR, 'golden', ex, 'cib.xml'), 'utf8'));
    const got = await summary(readFileSync(live, 'utf8'));
    t.ok(Object.keys(want.primitives).length >= 2 && Object.keys(want.properties).length >= 3, `${ex}: non-trivial comparison`);
    t.same(got, want, `${basename(ex)}: crmsh result equals cib.xml`);
  }
});
