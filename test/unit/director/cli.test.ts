import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, runLdirectordCli } from '../../../src/director/cli.ts';
import { formatStatus, jsonToTable, tableToJson, type StatusFile } from '../../../src/director/status.ts';
import { makeService } from '../../../src/ipvs/model.ts';
import { compareTables } from '../../../src/director/agent.ts';
import { splitCommand } from '../../../src/director/daemon.ts';
import { inMaintenance, maintenanceNames } from '../../../src/director/maintenance.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-ld-cli-'));
const env = { LVSHA_PID_DIR: dir, LVSHA_RUN_DIR: dir, LVSHA_ETC_ROOT: join(dir, 'etc') };
const cf = join(dir, 'test.cf');
writeFileSync(cf, 'checkinterval=1\nvirtual=10.90.0.1:80\n\treal=10.91.1.1:80 masq\n\tservice=http\n');
const bad = join(dir, 'bad.cf');
writeFileSync(bad, 'checkinterval=1\nvirtual=10.90.0.1:80\n\treal=10.91.1.1:80 masq\n\tcheckype=connect\n');

async function run(...args: string[]) {
  let out = '', err = '';
  const code = await runLdirectordCli(args, { env, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

t.test('argument parsing', async (t) => {
  t.same(parseArgs(['status']), { config: undefined, command: 'status', debug: false, json: false });
  t.same(parseArgs(['-d', 'x.cf', 'start']), { config: 'x.cf', command: 'start', debug: true, json: false });
  t.match(parseArgs(['x.cf', 'bogus']), /unknown command/);
  t.equal((await run('x.cf', 'bogus')).code, 2);
});

t.test('exit codes like ldirectord', async (t) => {
  t.equal((await run(join(dir, 'missing.cf'), 'status')).code, 1, 'config file not found: init error 1');
  const st = await run(cf, 'status');
  t.equal(st.code, 3, 'stopped: 3');
  t.match(st.out, `ldirectord is stopped for ${cf}`);
  t.equal((await run(cf, 'reload')).code, 1, 'reload when stopped: 1');
  t.equal((await run(cf, 'stop')).code, 0, 'stop when stopped: 0');
  t.equal((await run(cf, 'try-restart')).code, 0, 'try-restart when stopped: 0');
  const b = await run(bad, 'start');
  t.equal(b.code, 2, 'config error at start: 2');
  t.match(b.err, /bad\.cf:4/, 'names file:line');

  writeFileSync(join(dir, 'ldirectord.test.cf.pid'), '999999\n');
  const stale = await run(cf, 'status');
  t.equal(stale.code, 1, 'stale pid file: 1');
  t.match(stale.err, /stale pid file/);

  const child = spawn('sh', ['-c', 'sleep 30', 'ldirectord'], { stdio: 'ignore' });
  t.teardown(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  writeFileSync(join(dir, 'ldirectord.test.cf.pid'), `${child.pid}\n`);
  const running = await run(cf, 'status');
  t.equal(running.code, 0, 'running: 0');
  t.match(running.err, `is running with pid: ${child.pid}`);
  t.equal((await run(cf, 'start')).code, 0, 'start when running: no-op 0');
  const exited = new Promise((r) => child.once('exit', r));
  t.equal((await run(cf, 'reload')).code, 0, 'reload sends HUP');
  await exited;
});

const status: StatusFile = {
  version: 1, pid: 42, config: '/etc/ha.d/ldirectord.cf', name: 'ldirectord.cf', phase: 'running', firstPassApplied: true, pass: 3,
  startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:10.000Z', checkinterval: 5, lastError: null,
  virtuals: [{ id: 'TCP 10.0.0.1:80', scheduler: 'wrr', quiescent: true, fallback: { id: '10.0.9.9:80', active: false }, reals: [
    { id: '10.0.1.1:80', health: 'up', weight: 2, ipvsWeight: 2, forward: 'masq', failcount: 0, failurecount: 3, last: { ok: true, message: 'HTTP 200', at: '2026-01-01T00:00:09.000Z' }, since: '2026-01-01T00:00:00.000Z' },
    { id: '10.0.1.2:80', health: 'down', weight: 1, ipvsWeight: 0, forward: 'masq', failcount: 0, failurecount: 3, last: { ok: false, message: 'connect: ECONNREFUSED', at: '2026-01-01T00:00:09.000Z' }, since: '2026-01-01T00:00:05.000Z' },
  ] }],
  desired: [],
};

t.test('status formatting: every virtual and real with health, weight, last check', async (t) => {
  const text = formatStatus(status, Date.parse('2026-01-01T00:00:12.000Z'));
  t.match(text, 'is running with pid: 42 (running, pass 3, updated 2s ago');
  t.match(text, 'TCP 10.0.0.1:80 wrr quiescent, fallback 10.0.9.9:80');
  t.match(text, /10\.0\.1\.1:80\s+up\s+weight 2\/2\s+masq\s+ok .*HTTP 200/);
  t.match(text, /10\.0\.1\.2:80\s+down\s+weight 0\/1\s+masq\s+FAIL .*ECONNREFUSED/);
});

t.test('status table JSON round trip and monitor comparison', async (t) => {
  const key = { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  const d = { family: 'inet' as const, address: '10.0.1.1', port: 80, forward: 'masq' as const, weight: 2, upperThreshold: 0, lowerThreshold: 0 };
  const tab = { services: [{ ...makeService(key, 'wrr'), destinations: [d] }] };
  const back = jsonToTable(JSON.parse(JSON.stringify(tableToJson(tab))));
  t.same(compareTables(back, tab, true), []);
  const k2 = { services: [{ ...makeService(key, 'wrr'), destinations: [{ ...d, weight: 0 }] }] };
  t.same(compareTables(back, k2, false), [], 'depth 0 looks at services only');
  t.match(compareTables(back, k2, true), [/weight 0, want 2/]);
  t.match(compareTables(back, { services: [] }, false), [/missing from the kernel/]);
});

t.test('fallbackcommand is split without a shell', async (t) => {
  t.same(splitCommand('/usr/local/bin/fb --x "a b"'), ['/usr/local/bin/fb', '--x', 'a b']);
});

t.test('maintenance file names', async (t) => {
  t.same(maintenanceNames('10.0.1.1', 80, 'web1.example.com'), ['10.0.1.1:80', '10.0.1.1', 'web1.example.com:80', 'web1.example.com', 'web1:80', 'web1']);
  t.same(maintenanceNames('fd00::1', 80, undefined), ['[fd00::1]:80', '[fd00::1]']);
  const files = new Set(['/m/web1']);
  t.ok(inMaintenance('/m', '10.0.1.1', 80, 'web1.example.com', (p) => files.has(p)));
  t.notOk(inMaintenance('/m', '10.0.1.2', 80, 'web2.example.com', (p) => files.has(p)));
});
