// IPVS apply benchmark (runs as root on a kernel with IPVS; see run.sh).
// Builds N services x M destinations from empty, then changes one destination, with
//  (a) lvsha (in-process IpvsClient: read state, plan, pipelined apply; and the CLI process),
//  (b) one ipvsadm process per rule (ldirectord's way: it runs system("ipvsadm ...") per rule),
//  (c) ipvsadm -R (one process, all rules).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

// CPU split. In-process lvsha steps: process.cpuUsage() (user = JS, sys = syscalls and the kernel's
// IPVS work, which netlink runs synchronously in the sender's sendmsg). Child processes (ipvsadm,
// the per-rule script, the CLI): the waited-for children's utime/stime (/proc/self/stat cutime and
// cstime, in clock ticks). Wall time under TCG includes any host contention; CPU time mostly not.
const CLK_TCK = Number(sh('getconf', ['CLK_TCK']).trim()) || 100;
type Who = 'self' | 'children';
interface Cost { ms: number; user: number; sys: number; who: Who }
function childCpu(): { user: number; sys: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  return { user: (Number(f[13]) * 1000) / CLK_TCK, sys: (Number(f[14]) * 1000) / CLK_TCK }; // fields 16, 17
}
function cpuNow(who: Who): { user: number; sys: number } {
  if (who === 'children') return childCpu();
  const u = process.cpuUsage();
  return { user: u.user / 1000, sys: u.system / 1000 };
}
async function timed<T>(who: Who, fn: () => T | Promise<T>): Promise<[T, Cost]> {
  const c0 = cpuNow(who);
  const t = now();
  const r = await fn();
  const ms = now() - t;
  const c1 = cpuNow(who);
  return [r, { ms, user: c1.user - c0.user, sys: c1.sys - c0.sys, who }];
}
const add = (a: Cost, b: Cost): Cost => ({ ms: a.ms + b.ms, user: a.user + b.user, sys: a.sys + b.sys, who: a.who });
const scale = (a: Cost, k: number): Cost => ({ ms: a.ms * k, user: a.user * k, sys: a.sys * k, who: a.who });
const cpu = (c: Cost) => c.user + c.sys;

const fmt = (ms: number) => (ms / 1000).toFixed(3).padStart(9);
const rec = (name: string, c: Cost, note = '') => {
  const split = `user ${fmt(c.user)} sys ${fmt(c.sys)} (${c.who === 'self' ? 'this process' : 'children'})`;
  console.log(`${name.padEnd(58)} ${fmt(c.ms)} s  ${split}  ${note}`);
};

console.log(`IPVS bench: ${N} services x ${M} destinations = ${R} rules; kernel ${sh('uname', ['-r']).trim()}, node ${process.version}, CLK_TCK ${CLK_TCK}`);
console.log(`${''.padEnd(58)} ${'wall'.padStart(9)}    CPU seconds`);

// ---------- build from empty ----------
// (a) lvsha in-process, step by step
clear();
const [c, tOpen] = await timed('self', () => IpvsClient.open());
const [desired, tValidate] = await timed('self', () => validateTable(tableJson, 'bench'));
const [st0, tRead] = await timed('self', () => c.getState());
const [ops, tPlan] = await timed('self', () => plan(desired, st0));
const reqBefore = c.requests;
const [, tApply] = await timed('self', () => c.apply(ops));
const aBuild = [tOpen, tValidate, tRead, tPlan, tApply].reduce(add);
if (count() !== R) throw new Error(`lvsha build: expected ${R} rules, kernel has ${count()}`);
rec('(a) lvsha apply, in-process (open+validate+read+plan+apply)', aBuild, `${ops.length} ops, ${c.requests - reqBefore} write requests in ${c.sends} sendmsg, ${c.requests} requests total`);
rec('      open (netlink socket, IPVS family)', tOpen);
rec('      validate', tValidate);
rec('      read (kernel table)', tRead);
rec('      plan', tPlan);
rec('      apply', tApply, `${((tApply.ms * 1000) / ops.length).toFixed(0)} us wall, ${((cpu(tApply) * 1000) / ops.length).toFixed(0)} us CPU per op`);
c.close();

// (a') lvsha CLI process (includes node start-up)
clear();
const [cli, aCli] = await timed('children', () => spawnSync(process.execPath, [...process.execArgv, join(ROOT, 'src/ipvs/main.ts'), 'ipvs', 'apply', fileJson], { encoding: 'utf8' }));
if (cli.status !== 0 || count() !== R) throw new Error(`lvsha CLI failed: ${cli.stderr}`);
rec("(a') lvsha ipvs apply FILE, a new process", aCli, cli.stdout.trim());
const [, nodeStart] = await timed('children', () => spawnSync(process.execPath, [...process.execArgv, '-e', '0']));
rec('     (for reference: node -e 0 start-up)', nodeStart);

// (c) ipvsadm -R
clear();
const [, cBuild] = await timed('children', () => sh('ipvsadm', ['-R'], rules.join('\n') + '\n'));
if (count() !== R) throw new Error('ipvsadm -R build incomplete');
rec('(c) ipvsadm -R (one process, all rules)', cBuild);

// (b) one ipvsadm process per rule, from a shell script (cheaper than ldirectord's system() which adds a sh -c each)
clear();
const nb = SAMPLE > 0 ? Math.min(SAMPLE, R) : R;
const script = join(tmp, 'per-rule.sh');
writeFileSync(script, rules.slice(0, nb).map((r) => `ipvsadm ${r} || exit 1`).join('\n') + '\n');
const [, bMeasured] = await timed('children', () => sh('sh', [script]));
const bBuild = scale(bMeasured, R / nb);
if (count() !== nb) throw new Error('per-rule build incomplete');
rec(`(b) one ipvsadm process per rule${nb < R ? ` (MEASURED ${nb}, EXTRAPOLATED to ${R})` : ''}`, bBuild,
  `${(bMeasured.ms / nb).toFixed(2)} ms wall, ${(cpu(bMeasured) / nb).toFixed(2)} ms CPU per process`);

// ---------- change one destination ----------
// start from the full table built by ipvsadm -R
clear(); sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
const c2 = await IpvsClient.open();
// (a1) agent case: lvsha knows the table it wrote -> plan against it, no read
const known = await c2.getState();
const desiredChanged = validateTable(changed, 'bench');
const r0 = c2.requests;
const [ops1, a1plan] = await timed('self', () => plan(desiredChanged, known));
const [, a1apply] = await timed('self', () => c2.apply(ops1));
const a1 = add(a1plan, a1apply);
rec('(a) lvsha change 1 dest, table known (agent): plan+apply', a1, `${ops1.length} op (${ops1.map((o) => o.op).join()}), ${c2.requests - r0} netlink request`);
rec(`      plan (compare ${N} services with the known table)`, a1plan);
rec('      apply', a1apply);
if (c2.requests - r0 !== 1) throw new Error('one-destination change must cost exactly one netlink request');
// (a0) agent that already knows which destination changed (a health check result): the op itself
const op0 = { ...ops1[0]!, dest: { ...(ops1[0] as { dest: import('../../src/ipvs/model.ts').Destination }).dest, weight: 6 } } as (typeof ops1)[0];
const r00 = c2.requests;
const [, a0] = await timed('self', () => c2.exec(op0));
rec('(a) lvsha change 1 dest, agent sends the known op (exec)', a0, `${c2.requests - r00} netlink request`);
// the same single request again: the first one above also pays for anything still cold in this process
const [, a0b] = await timed('self', () => c2.exec({ ...op0, dest: { ...(op0 as { dest: import('../../src/ipvs/model.ts').Destination }).dest, weight: 7 } } as (typeof ops1)[0]));
rec('      the same again (a second single request)', a0b);
// (a2) stateless: read the whole kernel table, plan, apply
c2.close(); clear(); sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
const c3 = await IpvsClient.open();
const r1 = c3.requests;
const [cur, a2read] = await timed('self', () => c3.getState());
const [ops2, a2plan] = await timed('self', () => plan(desiredChanged, cur));
const [, a2apply] = await timed('self', () => c3.apply(ops2));
const a2 = [a2read, a2plan, a2apply].reduce(add);
rec('(a) lvsha change 1 dest, stateless: read table+plan+apply', a2, `${ops2.length} op, ${c3.writes} write request, ${c3.requests - r1} requests incl. ${c3.requests - r1 - 1} reads (1 dump per service)`);
rec('      read (kernel table)', a2read, `${((a2read.ms) / (c3.requests - r1 - 1)).toFixed(2)} ms wall per read request`);
rec('      plan', a2plan);
rec('      apply', a2apply);
c3.close();
// (a3) CLI process
clear(); sh('ipvsadm', ['-R'], rules.join('\n') + '\n');
const [cli2, a3] = await timed('children', () => spawnSync(process.execPath, [...process.execArgv, join(ROOT, 'src/ipvs/main.ts'), 'ipvs', 'apply', fileChanged], { encoding: 'utf8' }));
rec("(a') lvsha ipvs apply FILE (changed), a new process", a3, cli2.stdout.trim());
// (b) one ipvsadm process
const [, b1] = await timed('children', () => sh('ipvsadm', changeRule.split(' ')));
rec('(b) one ipvsadm -e process', b1);
// (c) ipvsadm -R full reload (clear + restore: what a declarative ipvsadm wrapper does)
const [, c1] = await timed('children', () => {
  sh('ipvsadm', ['-C']);
  sh('ipvsadm', ['-R'], rules.map((r) => r === want.replace('-w 5', '-w 1') ? want : r).join('\n') + '\n');
});
rec('(c) ipvsadm -C + ipvsadm -R (full reload with the change)', c1);
const saved = sh('ipvsadm', ['-S', '-n']);
if (!saved.includes(`-a -t ${vip(N >> 1)}:80 -r ${rip(N >> 1, 3)}:8003 -m -w 5`)) throw new Error('change not visible');

console.log('\nRatios (higher = lvsha faster):');
const ratio = (x: number, y: number) => `${(x / y).toFixed(1)}x`;
console.log(`  build ${R} rules: (b) per-rule / (a) lvsha in-process = ${ratio(bBuild.ms, aBuild.ms)}   (target >= 100x)`);
console.log(`  build ${R} rules: (b) per-rule / (a') lvsha CLI process = ${ratio(bBuild.ms, aCli.ms)}`);
console.log(`  build ${R} rules: (c) ipvsadm -R / (a) lvsha in-process = ${ratio(cBuild.ms, aBuild.ms)}   (target >= 1x)`);
console.log(`  build ${R} rules: (c) ipvsadm -R / (a') lvsha CLI process = ${ratio(cBuild.ms, aCli.ms)}`);
console.log(`  change 1 dest: (b) one ipvsadm process / (a) lvsha agent exec = ${ratio(b1.ms, a0.ms)}`);
console.log(`  change 1 dest: (b) one ipvsadm process / (a) lvsha agent plan+apply = ${ratio(b1.ms, a1.ms)}`);
console.log(`  change 1 dest: (c) ipvsadm -C + -R / (a) lvsha agent = ${ratio(c1.ms, a1.ms)}`);
console.log(`  change 1 dest: (c) ipvsadm -C + -R / (a) lvsha stateless = ${ratio(c1.ms, a2.ms)}`);
console.log('Same ratios on CPU time (user+sys; less sensitive to a loaded host):');
console.log(`  build ${R} rules: (b) per-rule / (a) lvsha in-process = ${ratio(cpu(bBuild), cpu(aBuild))}`);
console.log(`  build ${R} rules: (c) ipvsadm -R / (a) lvsha in-process = ${ratio(cpu(cBuild), cpu(aBuild))}`);
console.log(`  change 1 dest: (b) one ipvsadm process / (a) lvsha agent exec = ${ratio(cpu(b1), cpu(a0))}`);
const fail: string[] = [];
if (bBuild.ms / aBuild.ms < 100) fail.push('build: < 100x faster than one ipvsadm process per rule');
if (cBuild.ms / aBuild.ms < 1) fail.push('build: slower than ipvsadm -R');
console.log(fail.length ? `\nTARGETS MISSED: ${fail.join('; ')}` : '\nTargets met: >= 100x faster than per-rule ipvsadm, not slower than ipvsadm -R.');
clear();
