// execute= children: the pure plan (which configs, which argument, which order,
// errors with file:line), the runner wiring (reload || start), and `status`
// reporting the children (with a guard against children naming each other).
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteChildren, spawnRunner, type ChildRunner } from '../../../src/director/children.ts';
import { runLdirectordCli } from '../../../src/director/cli.ts';
import { planReload, planStart, planStop, resolveExecute, unquote, type ExecuteChild } from '../../../src/director/execute.ts';
import { STATUS_VERSION, type StatusFile } from '../../../src/director/status.ts';

const files = new Set(['/r/etc/ha.d/web.cf', '/r/etc/ha.d/conf/mail.cf', '/srv/lb/rel.cf', '/abs/dns.cf', '/home/op/lab/x.cf', '/r/etc/ha.d/main.cf']);
const opts = { root: '/r', cwd: '/', isFile: (p: string) => files.has(p) };
const main = '/r/etc/ha.d/main.cf';

t.test('unquote: what sh hands ldirectord', async (t) => {
  t.equal(unquote('"web.cf"'), 'web.cf');
  t.equal(unquote(" 'web.cf' "), 'web.cf');
  t.equal(unquote('web.cf  '), 'web.cf');
  t.equal(unquote('"a b.cf"'), 'a b.cf');
});

t.test('resolution: /etc/ha.d, /etc/ha.d/conf, then the literal path', async (t) => {
  const r = resolveExecute(main, [
    { config: 'web.cf', line: 3 }, { config: '"mail.cf"', line: 4 }, { config: 'srv/lb/rel.cf', line: 5 }, { config: '/abs/dns.cf', line: 6 },
  ], opts);
  t.same(r.errors, []);
  t.same(r.warnings, []);
  t.same(r.children, [
    { arg: 'web.cf', path: '/r/etc/ha.d/web.cf', where: `${main}:3` },
    { arg: 'mail.cf', path: '/r/etc/ha.d/conf/mail.cf', where: `${main}:4` },
    { arg: '/srv/lb/rel.cf', path: '/srv/lb/rel.cf', where: `${main}:5` },
    { arg: '/abs/dns.cf', path: '/abs/dns.cf', where: `${main}:6` },
  ], 'names under /etc/ha.d are passed as written (same pid-file name); a relative literal path becomes absolute');
  const fg = resolveExecute(main, [{ config: 'lab/x.cf', line: 2 }], { ...opts, cwd: '/home/op' });
  t.same(fg.children.map((c) => c.arg), ['/home/op/lab/x.cf'], 'in the foreground a relative path is relative to the current directory');
  const daemon = resolveExecute(main, [{ config: 'lab/x.cf', line: 2 }], opts);
  t.same(daemon.children, [], 'daemonised, ldirectord has chdir()ed to /: not found');
  t.equal(daemon.errors[0]?.message, `${main}:2: execute=lab/x.cf: configuration lab/x.cf not found (looked in /r/etc/ha.d/lab/x.cf, /r/etc/ha.d/conf/lab/x.cf, /lab/x.cf; create it, or give an absolute path)`);
  t.equal(daemon.errors[0]?.where, `${main}:2`);
});

t.test('itself and a second spelling of the same file are warnings, skipped', async (t) => {
  const r = resolveExecute(main, [{ config: 'main.cf', line: 2 }, { config: 'web.cf', line: 3 }, { config: '/r/etc/ha.d/web.cf', line: 7 }], opts);
  t.same(r.children.map((c) => c.arg), ['web.cf']);
  t.same(r.errors, []);
  t.same(r.warnings.map((w) => w.message), [
    `${main}:2: execute=main.cf names this configuration itself; ignored (remove the line)`,
    `${main}:7: execute=/r/etc/ha.d/web.cf is the same configuration as the execute= at ${main}:3; ignored (remove one of the two lines)`,
  ]);
});

const c = (arg: string): ExecuteChild => ({ arg, path: `/r/etc/ha.d/${arg}`, where: `${main}:1` });

t.test('order: start in file order, stop in reverse, reload = stop dropped, reload kept, start new', async (t) => {
  const steps = (s: ReturnType<typeof planStart>) => s.map((x) => `${x.action} ${x.child.arg}`);
  t.same(steps(planStart([c('a.cf'), c('b.cf')])), ['start a.cf', 'start b.cf']);
  t.same(steps(planStop([c('a.cf'), c('b.cf')])), ['stop b.cf', 'stop a.cf']);
  t.same(steps(planReload([c('a.cf'), c('b.cf'), c('c.cf')], [c('c.cf'), c('d.cf'), c('a.cf')])), ['stop b.cf', 'reload-or-start c.cf', 'start d.cf', 'reload-or-start a.cf']);
  t.same(planReload([], []), []);
});

t.test('runner: reload || start, outcomes logged with file:line', async (t) => {
  const calls: string[] = [];
  const lines: string[] = [];
  const results: Record<string, number> = { 'a.cf reload': 1, 'a.cf start': 0, 'b.cf reload': 0, 'c.cf start': 2 };
  const runner: ChildRunner = async (args, timeoutMs) => {
    calls.push(`${args.join(' ')} (${timeoutMs / 1000}s)`);
    return { code: results[args.join(' ')] ?? 0, output: args[0] === 'c.cf' ? 'config file c.cf not found' : '', timedOut: false };
  };
  const kids = new ExecuteChildren({ info: (m) => { lines.push(`info: ${m}`); }, err: (m) => { lines.push(`err: ${m}`); } }, runner);
  await kids.enqueue([{ action: 'reload-or-start', child: c('a.cf') }, { action: 'reload-or-start', child: c('b.cf') }, { action: 'start', child: c('c.cf') }]);
  t.same(calls, ['a.cf reload (15s)', 'a.cf start (130s)', 'b.cf reload (15s)', 'c.cf start (130s)']);
  t.same(lines, [
    `info: execute: ldirectord a.cf start (${main}:1)`,
    `info: execute: ldirectord b.cf reload (${main}:1)`,
    `err: ${main}:1: execute: ldirectord c.cf start failed (exit 2): config file c.cf not found`,
  ], 'a failed reload that a start repairs is not an error');
});

t.test('status reports every execute= child after its own, each once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsha-exec-status-'));
  const env = { LVSHA_PID_DIR: dir, LVSHA_RUN_DIR: dir, LVSHA_ETC_ROOT: join(dir, 'root') };
  mkdirSync(join(dir, 'root/etc/ha.d'), { recursive: true });
  const mainCf = join(dir, 'main.cf');
  const childCf = join(dir, 'root/etc/ha.d/child.cf');
  writeFileSync(mainCf, 'execute=child.cf\n');
  writeFileSync(childCf, `execute=${mainCf}\n`);
  // live "ldirectord" processes for the pid files (the pid check reads /proc/PID/cmdline)
  const sleepers = [0, 1].map(() => spawn('sh', ['-c', 'sleep 30', 'ldirectord'], { stdio: 'ignore' }));
  t.teardown(() => { for (const s of sleepers) s.kill('SIGKILL'); });
  const st = (pid: number, config: string, name: string, children: string[]): StatusFile => ({
    version: STATUS_VERSION, pid, config, name, phase: 'running', firstPassApplied: true, pass: 1, startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(), checkinterval: 10, lastError: null, virtuals: [], desired: [], children,
  });
  writeFileSync(join(dir, 'ldirectord.main.cf.pid'), `${sleepers[0]!.pid}\n`);
  writeFileSync(join(dir, 'ldirectord.main.cf.json'), JSON.stringify(st(sleepers[0]!.pid!, mainCf, 'main.cf', ['child.cf', join(dir, 'gone.cf')])));
  writeFileSync(join(dir, 'ldirectord.child.cf.pid'), `${sleepers[1]!.pid}\n`);
  writeFileSync(join(dir, 'ldirectord.child.cf.json'), JSON.stringify(st(sleepers[1]!.pid!, childCf, 'child.cf', [mainCf])));
  let out = '', err = '';
  const code = await runLdirectordCli([mainCf, 'status'], { env, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  t.equal(code, 0, 'the children do not change our exit code');
  t.same(err.split('\n').filter(Boolean).map((l) => l.replace(/ \(looked in.*/, '')), [
    `ldirectord for ${mainCf} is running with pid: ${sleepers[0]!.pid}`,
    `ldirectord for ${childCf} is running with pid: ${sleepers[1]!.pid}`,
    `${join(dir, 'gone.cf')}: config file ${join(dir, 'gone.cf')} not found`,
  ], 'main, then child (whose execute= of main is not followed again), then the missing one');
  t.equal(out.match(/is running with pid/g)?.length, 2, 'each status block once');
});

t.test('spawnRunner: this program with <cfg> <command>, without the foreground marker, bounded', async (t) => {
  const fg = 'LVSHA_LDIRECTORD_FOREGROUND';
  const env = { [fg]: '1', PATH: process.env['PATH'] };
  const run = spawnRunner(async () => ['sh', '-c', `echo "$0 $1 fg=\${${fg}:-unset} cwd=$(pwd)"; exit 3`], env, fg);
  t.same(await run(['web.cf', 'start'], 5000), { code: 3, output: 'web.cf start fg=unset cwd=/', timedOut: false },
    'a child that inherited the marker would run its daemon in the foreground and never return');
  const slow = spawnRunner(async () => ['sh', '-c', 'exec sleep 5'], env, fg);
  const r = await slow(['web.cf', 'stop'], 200);
  t.equal(r.timedOut, true);
  t.not(r.code, 0);
});
