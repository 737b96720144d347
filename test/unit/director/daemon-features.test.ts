// The daemon's e-mail alerts, fork=yes per-virtual checkinterval and execute=
// children, against the real daemon code (the kernel table is a test double;
// real servers, the SMTP relay and the checks are real sockets on 127.0.0.1).
import t from 'tap';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Director } from '../../../src/director/daemon.ts';
import { planLanes, dueLanes, msUntilDue, longestIntervalSec } from '../../../src/director/lanes.ts';
import { readStatus } from '../../../src/director/status.ts';
import { fakeKernel } from './fake-kernel.ts';
import { startSink } from './alerts/smtp-sink.ts';
import { configOf } from './alerts/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-ld-features-'));
const env = { LVSHA_PID_DIR: dir, LVSHA_RUN_DIR: dir, LVSHA_ETC_ROOT: join(dir, 'root') };
const until = async (f: () => boolean, ms = 10_000) => { const end = Date.now() + ms; while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 25)); return f(); };

/** A TCP "real server" on 127.0.0.1 that counts connections (each connect check is one). */
async function realServer(port = 0, onConn: (s: Socket) => void = (s) => s.destroy()) {
  let conns = 0;
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => { conns++; sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); onConn(s); });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return {
    port: (srv.address() as { port: number }).port,
    get conns() { return conns; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

t.test('lanes: fork=no is one lane on the global interval; fork=yes one per virtual on its own', async (t) => {
  const text = 'checkinterval=30\n%virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq\n\tchecktype=on\n\tcheckinterval=2\nvirtual=10.0.0.2:80\n\treal=10.0.1.2:80 masq\n\tchecktype=on\n';
  const no = planLanes(configOf(text.replace('%', '')));
  t.same(no.map((l) => [l.key, l.virtuals, l.intervalMs]), [['*', ['TCP 10.0.0.1:80', 'TCP 10.0.0.2:80'], 30_000]], 'fork=no ignores the per-virtual checkinterval, as ldirectord does');
  const yes = planLanes(configOf(text.replace('%', 'fork=yes\n')));
  t.same(yes.map((l) => [l.key, l.virtuals, l.intervalMs]), [['TCP 10.0.0.1:80', ['TCP 10.0.0.1:80'], 2000], ['TCP 10.0.0.2:80', ['TCP 10.0.0.2:80'], 30_000]]);
  t.same(planLanes(configOf('fork=yes\ncheckinterval=4\n')).map((l) => [l.key, l.intervalMs]), [['*', 4000]], 'no virtual: still one lane');
  const clocks = [{ nextDue: 100, running: false }, { nextDue: 50, running: true }, { nextDue: 400, running: false }];
  t.same(dueLanes(clocks, 100), [clocks[0]]);
  t.equal(msUntilDue(clocks, 120), 0);
  t.equal(msUntilDue(clocks.slice(1), 120), 280, 'a running lane wakes the loop itself');
  t.equal(longestIntervalSec(yes, 10), 30);
});

t.test('alerts: Added while starting, Deleted, Inaccessible every emailalertfreq, Purged at stop', async (t) => {
  const sink = await startSink();
  t.teardown(() => sink.close());
  let real = await realServer();
  const port = real.port;
  const cf = join(dir, 'mail.cf');
  writeFileSync(cf, `checkinterval=1\nlogfile="${join(dir, 'mail.log')}"\nemailalert="ops@example.test"\nemailalertfreq=1\nemailalertfrom=lvs@example.test\nsmtp=127.0.0.1:${sink.port}\n` +
    `virtual=10.0.0.1:80\n\treal=127.0.0.1:${port} masq 2\n\tchecktype=connect\n\tchecktimeout=2\n\tservicename=web\n`);
  const k = fakeKernel();
  let ready = false;
  const d = Director.load({ configPath: cf, name: 'mail.cf', stdoutLog: false, debug: false, env, openIpvs: async () => k.port, onReady: () => { ready = true; } });
  const running = d.run();
  t.ok(await until(() => ready), 'first pass applied');
  const subjects = () => sink.sessions.flatMap((s) => s.data.map((x) => `${/^Subject: (.*)\r$/m.exec(x)?.[1]} | ${/^Daemon-Status: (.*)\r$/m.exec(x)?.[1]}`));
  const r = `127.0.0.1:${port} (10.0.0.1:80)`;
  t.ok(await until(() => subjects().length >= 1));
  t.same(subjects(), [`[web] Added real server: ${r} (Weight set to 2) | starting`], 'the first pass happens while starting');

  await real.close();
  t.ok(await until(() => subjects().length >= 3, 8000), 'down, then a resend');
  t.same(subjects().slice(1, 3), [`[web] Deleted real server: ${r} | running`, `[web] Inaccessible real server: ${r} | running`]);
  t.equal(k.tab.services[0]?.destinations.length, 0, 'the real left the table');

  real = await realServer(port);
  t.teardown(() => real.close());
  const n = subjects().length;
  t.ok(await until(() => subjects().slice(n).some((s) => s.includes('Added real server')), 8000), 'back up');
  const before = subjects().length;
  await new Promise((r) => setTimeout(r, 2200));
  t.equal(subjects().filter((s, i) => i >= before && s.includes('Inaccessible')).length, 0, 'no resend once it is up');

  d.requestStop();
  t.equal(await running, 0);
  t.same(subjects().at(-1), `[web] Purged real server (stop): ${r} | stopping`, 'clean stop mails before the daemon exits');
  t.ok(sink.sessions.every((s) => s.transcript.includes('C: MAIL FROM:<lvs@example.test>') && s.transcript.includes('C: RCPT TO:<ops@example.test>')));
  t.match(readFileSync(join(dir, 'mail.log'), 'utf8'), /emailalert: Deleted real server: 127\.0\.0\.1:\d+ \(10\.0\.0\.1:80\)/);
});

t.test('fork=yes: each virtual keeps its own checkinterval, and a slow virtual does not hold up another', async (t) => {
  const fast = await realServer();
  const slow = await realServer(0, () => { /* accept and never answer: the simpletcp check waits for its timeout */ });
  const rare = await realServer();
  t.teardown(async () => { await fast.close(); await slow.close(); await rare.close(); });
  const cf = join(dir, 'fork.cf');
  const text = (fork: string) => `${fork}checkinterval=30\nlogfile="${join(dir, 'fork.log')}"\n` +
    `virtual=10.0.0.1:80\n\treal=127.0.0.1:${fast.port} masq\n\tchecktype=connect\n\tcheckinterval=1\n` +
    `virtual=10.0.0.2:80\n\treal=127.0.0.1:${slow.port} masq\n\tchecktype=negotiate\n\tservice=simpletcp\n\trequest="xping"\n\treceive="pong"\n\tnegotiatetimeout=10\n\tcheckinterval=1\n` +
    `virtual=10.0.0.3:80\n\treal=127.0.0.1:${rare.port} masq\n\tchecktype=connect\n`;
  writeFileSync(cf, text('fork=yes\n'));
  const k = fakeKernel();
  const d = Director.load({ configPath: cf, name: 'fork.cf', stdoutLog: false, debug: false, env, openIpvs: async () => k.port });
  const running = d.run();
  t.ok(await until(() => fast.conns >= 4, 8000), 'the 1 s virtual is checked every second while the other 1 s virtual waits 10 s for its check');
  t.equal(slow.conns, 1, 'the slow check is still in its first pass');
  t.equal(rare.conns, 1, 'the virtual without its own checkinterval uses the global 30 s');
  t.match(readFileSync(join(dir, 'fork.log'), 'utf8'), /fork=yes: no processes are forked; checks always run concurrently in this one process, and each virtual service is checked on its own checkinterval/);
  t.notOk(readStatus(join(dir, 'ldirectord.fork.cf.json'))?.firstPassApplied, 'not ready before every lane has applied once');
  t.equal(readStatus(join(dir, 'ldirectord.fork.cf.json'))?.checkinterval, 30, 'status reports the longest interval (the agent\'s staleness bound)');
  d.requestStop();
  t.equal(await running, 0);

  // fork=no: the per-virtual checkinterval is ignored (ldirectord warns), one pass every 30 s
  const before = fast.conns;
  writeFileSync(cf, text(''));
  const d2 = Director.load({ configPath: cf, name: 'fork.cf', stdoutLog: false, debug: false, env, openIpvs: async () => fakeKernel().port });
  t.match(d2.cfg.warnings.join('\n'), /checkinterval in virtual service tcp:10\.0\.0\.1:80 ignored when fork=no/);
  const running2 = d2.run();
  t.ok(await until(() => fast.conns > before));
  await new Promise((r) => setTimeout(r, 2500));
  t.equal(fast.conns, before + 1, 'one check in 2.5 s: the global interval counts');
  d2.requestStop();
  await running2;
});

t.test('execute=: children start after the first pass, follow reloads, stop with us', async (t) => {
  mkdirSync(join(dir, 'root/etc/ha.d'), { recursive: true });
  for (const f of ['a.cf', 'b.cf', 'c.cf']) writeFileSync(join(dir, 'root/etc/ha.d', f), 'checkinterval=5\n');
  const cf = join(dir, 'parent.cf');
  const base = `checkinterval=1\nautoreload=no\nlogfile="${join(dir, 'parent.log')}"\n`;
  writeFileSync(cf, `${base}execute=a.cf\nexecute="b.cf"\nexecute=missing.cf\nvirtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq\n\tchecktype=on\n`);
  const calls: string[] = [];
  let ready = false;
  const d = Director.load({
    configPath: cf, name: 'parent.cf', stdoutLog: false, debug: false, env, openIpvs: async () => fakeKernel().port, onReady: () => { ready = true; },
    runChild: async (args) => { calls.push(args.join(' ')); return { code: args[1] === 'reload' && args[0] === 'b.cf' ? 1 : 0, output: '', timedOut: false }; },
  });
  const running = d.run();
  t.ok(await until(() => ready));
  t.ok(await until(() => calls.length >= 2));
  t.same(calls, ['a.cf start', 'b.cf start'], 'file order, after the first pass');
  t.match(readFileSync(join(dir, 'parent.log'), 'utf8'), new RegExp(`${cf.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6: execute=missing\\.cf: configuration missing\\.cf not found \\(looked in `), 'a missing child is named by file:line');
  t.same(readStatus(join(dir, 'ldirectord.parent.cf.json'))?.children, ['a.cf', 'b.cf'], 'the status file lists them for `status`');

  calls.length = 0;
  writeFileSync(cf, `${base}execute=b.cf\nexecute=c.cf\nvirtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq\n\tchecktype=on\n`);
  d.requestReload();
  t.ok(await until(() => calls.length >= 4));
  t.same(calls, ['a.cf stop', 'b.cf reload', 'b.cf start', 'c.cf start'], 'dropped one stops; kept one reloads (and starts when the reload fails); new one starts');

  calls.length = 0;
  d.requestStop();
  t.equal(await running, 0);
  t.same(calls, ['c.cf stop', 'b.cf stop'], 'stopped with us, last first');
});
