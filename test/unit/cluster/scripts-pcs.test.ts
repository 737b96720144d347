/**
 * crm-configure.txt, loaded by real crmsh into an empty offline CIB, yields
 * the same configuration as cib.xml (compared semantically: generated ids of
 * nvpairs/ops/rules are crmsh's own). The same for pcs-commands.sh run by real
 * pcs 0.11 against an offline CIB (pcs -f; corosync stack only, pcs has no heartbeat support).
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { CIB_DIR, join, requireTool, tmp } from './helpers.ts';
import { summary } from './cib-summary.ts';

// pcs/crmsh start a Python process per command: slow on a loaded 2-core machine
t.setTimeout(300_000);

t.test('pcs builds the same configuration as cib.xml', async (t) => {
  requireTool('pcs');
  // pcs starts a Python process per command (~2 s each): the two richest examples cover every command form
  const examples = ['two-node-corosync', 'three-node-masq'];
  for (const ex of examples) {
    const d = tmp();
    const live = join(d, 'cib.xml');
    writeFileSync(live, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
    // run the script against the offline file instead of a live cluster; --force because the
    // ocf:lvsha and fence_* agents (their meta-data) are not installed on this host
    const script = readFileSync(join(CIB_DIR, 'golden', ex, 'pcs-commands.sh'), 'utf8')
      .replace(/^f=\$\(mktemp.*$/m, `f=${live}`).replace(/^trap .*$/m, '')
      .replace(/^pcs cluster cib "\$f"$/m, '').replace(/^pcs cluster cib-push .*$/m, '')
      .replaceAll(/^pcs -f/gm, 'pcs --force -f');
    const r = spawnSync('sh', ['-e', '-c', script], { encoding: 'utf8', timeout: 120000 });
    t.equal(r.status, 0, `${ex}: pcs script runs ${r.stderr.split('\n').filter((l) => /^Error/.test(l)).join('\n')}`);
    t.notMatch(r.stderr, /Deprecation/, `${ex}: no deprecated pcs syntax`);
    const want = await summary(readFileSync(join(CIB_DIR, 'golden', ex, 'cib.xml'), 'utf8'));
    const got = await summary(readFileSync(live, 'utf8'));
    t.same(got, want, `${ex}: pcs result equals cib.xml`);
  }
});
