// IPVS apply benchmark (runs as root on a kernel with IPVS; see run.sh).
// Builds N services x M destinations from empty, then changes one destination, with
//  (a) lvsha (in-process IpvsClient: read state, plan, pipelined apply; and the CLI process),
//  (b) one ipvsadm process per rule (ldirectord's way: it runs system("ipvsadm ...") per rule),
//  (c) ipvsadm -R (one process, all rules).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpvsClient } from '../../src/ipvs/client.ts';
import { plan } from '../../src/ipvs/planner.ts';
import { validateTable } from '../../src/ipvs/validate.ts';

const N = Number(process.env.LVSHA_BENCH_SERVICES || 1000);
const M = Number(process.env.LVSHA_BENCH_DESTS || 10);
const SAMPLE = Number(process.env.LVSHA_BENCH_SAMPLE || 0); // 0 = run every ipvsadm process
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'lvsha-bench-'));
const now = () => performance.now();
const sh = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...(input !== undefined ? { input } : {}) });
const clear = () => sh('ipvsadm', ['-C']);
const count = () => sh('ipvsadm', ['-S', '-n']).split('\n').filter(Boolean).length;

const vip = (i: number) => `10.100.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const rip = (i: number, j: number) => `10.${200 + (j % 50)}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const services = Array.from({ length: N }, (_, i) => ({
  service: `TCP ${vip(i)}:80`, scheduler: 'wrr',
  destinations: Array.from({ length: M }, (_, j) => ({ address: `${rip(i, j)}:${8000 + j}`, forward: 'masq', weight: 1 })),
}));
const tableJson = { services };
const rules: string[] = [];
for (const s of services) {
  const v = s.service.split(' ')[1]!;
  rules.push(`-A -t ${v} -s wrr`);
  for (const d of s.destinations) rules.push(`-a -t ${v} -r ${d.address} -m -w 1`);
}
const R = rules.length;
const fileJson = join(tmp, 'table.json');
writeFileSync(fileJson, JSON.stringify(tableJson));
const changed = structuredClone(tableJson);
changed.services[N >> 1]!.destinations[3]!.weight = 5;
const fileChanged = join(tmp, 'changed.json');
writeFileSync(fileChanged, JSON.stringify(changed));
const changeRule = `-e -t ${vip(N >> 1)}:80 -r ${rip(N >> 1, 3)}:${8003} -m -w 5`;
const want = changeRule.replace('-e', '-a');

const results: [string, number, string][] = [];
const rec = (name: string, ms: number, note = '') => { results.push([name, ms, note]); console.log(`${name.padEnd(58)} ${(ms / 1000).toFixed(3).padStart(9)} s  ${note}`); };

console.log(`IPVS bench: ${N} services x ${M} destinations = ${R} rules; kernel ${sh('uname', ['-r']).trim()}, node ${process.version}`);

// ---------- build from empty ----------
// (a) lvsha in-process
clear();
let t0 = now();
const c = await IpvsClient.open();
const desired = validateTable(tableJson, 'bench');
const st0 = await c.getState();
const ops = plan(desired, st0);
const reqBefore = c.requests;
await c.apply(ops);
const aBuild = now() - t0;
if (count() !== R) throw new Error(`lvsha build: expected ${R} rules, kernel has ${count()}`);
rec('(a) lvsha apply, in-process (open+validate+read+plan+apply)', aBuild, `${ops.length} ops, ${c.requests - reqBefore} write requests, ${c.requests} requests total`);
c.close();

// (a') lvsha CLI process (includes node start-up)
clear();
t0 = now();
const cli = spawnSync(process.execPath, [join(ROOT, 'src/ipvs/main.ts'), 'ipvs', 'apply', fileJson], { encoding: 'utf8' });
const aCli = now() - t0;
if (cli.status !== 0 || count() !== R) throw new Error(`lvsha CLI failed: ${cli.stderr}`);
rec("(a') lvsha ipvs apply FILE, a new process", aCli, cli.stdout.trim());
const nodeStart = (() => { const t = now(); spawnSync(process.execPath, ['-e', '0']); return now() - t; })();
rec('     (for reference: node -e 0 start-up)', nodeStart);

// (c) ipvsadm -R
clear();
t0 = now();
sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
const cBuild = now() - t0;
if (count() !== R) throw new Error('ipvsadm -R build incomplete');
rec('(c) ipvsadm -R (one process, all rules)', cBuild);

// (b) one ipvsadm process per rule, from a shell script (cheaper than ldirectord's system() which adds a sh -c each)
clear();
const nb = SAMPLE > 0 ? Math.min(SAMPLE, R) : R;
const script = join(tmp, 'per-rule.sh');
writeFileSync(script, rules.slice(0, nb).map((r) => `ipvsadm ${r} || exit 1`).join('\n') + '\n');
t0 = now();
sh('sh', [script]);
let bMeasured = now() - t0;
const bBuild = bMeasured * (R / nb);
if (count() !== nb) throw new Error('per-rule build incomplete');
rec(`(b) one ipvsadm process per rule${nb < R ? ` (MEASURED ${nb}, EXTRAPOLATED to ${R})` : ''}`, bBuild, `${(bMeasured / nb).toFixed(2)} ms per process`);

// ---------- change one destination ----------
// start from the full table built by ipvsadm -R
clear(); sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
const c2 = await IpvsClient.open();
// (a1) agent case: lvsha knows the table it wrote -> plan against it, no read
const known = await c2.getState();
const desiredChanged = validateTable(changed, 'bench');
t0 = now();
const r0 = c2.requests;
const ops1 = plan(desiredChanged, known);
await c2.apply(ops1);
const a1 = now() - t0;
rec('(a) lvsha change 1 dest, table known (agent): plan+apply', a1, `${ops1.length} op (${ops1.map((o) => o.op).join()}), ${c2.requests - r0} netlink request`);
if (c2.requests - r0 !== 1) throw new Error('one-destination change must cost exactly one netlink request');
// (a0) agent that already knows which destination changed (a health check result): the op itself
const op0 = { ...ops1[0]!, dest: { ...(ops1[0] as { dest: import('../../src/ipvs/model.ts').Destination }).dest, weight: 6 } } as (typeof ops1)[0];
t0 = now();
const r00 = c2.requests;
await c2.exec(op0);
const a0 = now() - t0;
rec('(a) lvsha change 1 dest, agent sends the known op (exec)', a0, `${c2.requests - r00} netlink request`);
if (!sh('ipvsadm', ['-S', '-n']).includes(want.replace('-a ', '-a ').replace(/^-a/, '-a'))) { /* checked below */ }
// (a2) stateless: read the whole kernel table, plan, apply
c2.close(); clear(); sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
const c3 = await IpvsClient.open();
t0 = now();
const r1 = c3.requests;
const cur = await c3.getState();
const ops2 = plan(desiredChanged, cur);
await c3.apply(ops2);
const a2 = now() - t0;
rec('(a) lvsha change 1 dest, stateless: read table+plan+apply', a2, `${ops2.length} op, ${c3.writes} write request, ${c3.requests - r1} requests incl. ${c3.requests - r1 - 1} reads (1 dump per service)`);
c3.close();
// (a3) CLI process
clear(); sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
t0 = now();
const cli2 = spawnSync(process.execPath, [join(ROOT, 'src/ipvs/main.ts'), 'ipvs', 'apply', fileChanged], { encoding: 'utf8' });
const a3 = now() - t0;
rec("(a') lvsha ipvs apply FILE (changed), a new process", a3, cli2.stdout.trim());
// (b) one ipvsadm process
t0 = now();
sh('ipvsadm', changeRule.split(' '));
const b1 = now() - t0;
rec('(b) one ipvsadm -e process', b1);
// (c) ipvsadm -R full reload (clear + restore: what a declarative ipvsadm wrapper does)
t0 = now();
sh('ipvsadm', ['-C']);
sh('ipvsadm', ['-R'], rules.map((r) => r === want.replace('-w 5', '-w 1') ? want : r).join('\n') + '\n');
const c1 = now() - t0;
rec('(c) ipvsadm -C + ipvsadm -R (full reload with the change)', c1);
const saved = sh('ipvsadm', ['-S', '-n']);
if (!saved.includes(`-a -t ${vip(N >> 1)}:80 -r ${rip(N >> 1, 3)}:8003 -m -w 5`)) throw new Error('change not visible');

console.log('\nRatios (higher = lvsha faster):');
const ratio = (x: number, y: number) => `${(x / y).toFixed(1)}x`;
console.log(`  build ${R} rules: (b) per-rule / (a) lvsha in-process = ${ratio(bBuild, aBuild)}   (target >= 100x)`);
console.log(`  build ${R} rules: (b) per-rule / (a') lvsha CLI process = ${ratio(bBuild, aCli)}`);
console.log(`  build ${R} rules: (c) ipvsadm -R / (a) lvsha in-process = ${ratio(cBuild, aBuild)}   (target >= 1x)`);
console.log(`  build ${R} rules: (c) ipvsadm -R / (a') lvsha CLI process = ${ratio(cBuild, aCli)}`);
console.log(`  change 1 dest: (b) one ipvsadm process / (a) lvsha agent exec = ${ratio(b1, a0)}`);
console.log(`  change 1 dest: (b) one ipvsadm process / (a) lvsha agent plan+apply = ${ratio(b1, a1)}`);
console.log(`  change 1 dest: (c) ipvsadm -C + -R / (a) lvsha agent = ${ratio(c1, a1)}`);
console.log(`  change 1 dest: (c) ipvsadm -C + -R / (a) lvsha stateless = ${ratio(c1, a2)}`);
const fail: string[] = [];
if (bBuild / aBuild < 100) fail.push('build: < 100x faster than one ipvsadm process per rule');
if (cBuild / aBuild < 1) fail.push('build: slower than ipvsadm -R');
console.log(fail.length ? `\nTARGETS MISSED: ${fail.join('; ')}` : '\nTargets met: >= 100x faster than per-rule ipvsadm, not slower than ipvsadm -R.');
clear();
