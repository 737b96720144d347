// Validation, connect/external/ping/combined semantics, and the scheduler's dedup, concurrency and isolation.
import t from 'tap';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/errors.ts';
import { CheckScheduler, checkKey, newCombinedState, runCheck, validateCheck, type CheckSpec } from '../../../src/check/index.ts';
import { closedPort, httpHandler, httpReply, tcpServer } from './servers.ts';

t.test('validateCheck rejects by name what is not supported', async (t) => {
  const base: CheckSpec = { type: 'negotiate', service: 'http', host: '10.0.0.1', port: 80 };
  t.throws(() => validateCheck({ ...base, type: 'external-perl', command: '/x.pl' }, 'ldirectord.cf:12'), { name: 'ConfigError', message: /ldirectord.cf:12: checktype external-perl is not supported/ });
  t.throws(() => validateCheck({ ...base, service: 'oracle' }), { message: /service oracle is not supported/ });
  t.throws(() => validateCheck({ ...base, service: 'gopher' }), { message: /unknown or missing service "gopher"/ });
  t.throws(() => validateCheck({ ...base, type: 'bogus' as 'on' }), ConfigError);
  t.throws(() => validateCheck({ ...base, service: 'mysql' }), { message: /needs login and request/ });
  t.throws(() => validateCheck({ ...base, service: 'radius' }), { message: /secret/ });
  t.throws(() => validateCheck({ ...base, host: 'www.example.com' }), { message: /not an IP address/ });
  t.throws(() => validateCheck({ ...base, port: 0 }), { message: /port 0/ });
  t.throws(() => validateCheck({ ...base, receive: '(' }), { message: /regular expression/ });
  t.throws(() => validateCheck({ ...base, type: 'combined' }), { message: /N ≥ 1/ });
  t.throws(() => validateCheck({ ...base, type: 'external' }), { message: /checkcommand/ });
  t.ok(validateCheck({ ...base, host: '[2001:db8::1]' }));
  t.ok(validateCheck({ type: 'ping', host: '127.0.0.1', port: 0 }));
});

t.test('checkKey: identical checks share a key, any difference splits them', async (t) => {
  const a: CheckSpec = { type: 'negotiate', service: 'http', host: '10.0.0.1', port: 80, request: '/', receive: 'ok' };
  t.equal(checkKey(a), checkKey({ ...a }));
  t.not(checkKey(a), checkKey({ ...a, virtualHost: 'x' }));
  t.not(checkKey(a), checkKey({ ...a, port: 81 }));
  t.equal(checkKey({ ...a, host: '[::1]' }), checkKey({ ...a, host: '::1' }));
});

t.test('on / off / none', async (t) => {
  t.ok((await runCheck({ type: 'on', host: '', port: 0 })).ok);
  t.notOk((await runCheck({ type: 'off', host: '', port: 0 })).ok);
  t.ok((await runCheck({ type: 'negotiate', service: 'none', host: '127.0.0.1', port: 1 })).ok);
});

t.test('connect: open port up, closed port down fast', async (t) => {
  const srv = await tcpServer((s) => s.end());
  t.teardown(() => srv.close());
  t.ok((await runCheck({ type: 'connect', host: '127.0.0.1', port: srv.port })).ok);
  const r = await runCheck({ type: 'connect', host: '127.0.0.1', port: await closedPort(), checkTimeout: 2 });
  t.notOk(r.ok);
  t.ok(r.durationMs < 500);
});

t.test('ping: loopback answers the native ICMP echo (v4 and v6)', async (t) => {
  const r = await runCheck({ type: 'ping', host: '127.0.0.1', port: 0, checkTimeout: 2 });
  t.ok(r.ok, r.message);
  const r6 = await runCheck({ type: 'ping', family: 6, host: '[::1]', port: 0, checkTimeout: 2 });
  t.ok(r6.ok, r6.message);
  const u = await runCheck({ type: 'connect', protocol: 'udp', host: '127.0.0.1', port: 53, checkTimeout: 2 });
  t.ok(u.ok, 'connect on a UDP virtual pings');
});

t.test('external: args VIP VPORT RIP RPORT, exit code decides, killed at timeout', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lvsha-chk-ext-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'args');
  const script = path.join(dir, 'check.sh');
  writeFileSync(script, `#!/bin/sh\necho "$@" > ${out}\n[ "$3" = 127.0.0.2 ] && exit 1\n[ "$3" = 127.0.0.3 ] && exec sleep 30\nexit 0\n`);
  chmodSync(script, 0o755);
  const s: CheckSpec = { type: 'external', command: script, virtualAddress: '192.0.2.10', virtualPort: 80, host: '127.0.0.1', port: 8080, checkTimeout: 0.5 };
  const ok = await runCheck(validateCheck(s));
  t.ok(ok.ok, ok.message);
  t.equal(readFileSync(out, 'utf8').trim(), '192.0.2.10 80 127.0.0.1 8080');
  t.notOk((await runCheck({ ...s, host: '127.0.0.2' })).ok);
  const hung = await runCheck({ ...s, host: '127.0.0.3' });
  t.notOk(hung.ok);
  t.match(hung.message, /killed at timeout|timed out/);
  t.ok(hung.durationMs < 1500, `hung script bounded (${hung.durationMs.toFixed(0)} ms)`);
  const missing = await runCheck({ ...s, command: path.join(dir, 'nope') });
  t.notOk(missing.ok);
});

t.test('checktype N: negotiate first, then N connects, then negotiate; a failed connect forces negotiate', async (t) => {
  const seen: string[] = [];
  const srv = await tcpServer(httpHandler((_h, s) => s.end(httpReply('200 OK', 'ok')), seen));
  t.teardown(() => srv.close());
  const spec = validateCheck({ type: 'combined', connectsBetweenNegotiates: 2, service: 'http', host: '127.0.0.1', port: srv.port, request: '/' });
  const st = newCombinedState();
  const kinds: string[] = [];
  for (let i = 0; i < 7; i++) {
    const before = seen.length;
    const r = await runCheck(spec, { combined: st });
    t.ok(r.ok);
    kinds.push(seen.length > before ? 'N' : 'C');
  }
  t.same(kinds, ['N', 'C', 'C', 'N', 'C', 'C', 'N']);
  const dead = { ...spec, port: await closedPort() };
  const st2 = newCombinedState();
  st2.numConnects = 0;
  await runCheck(dead, { combined: st2 });
  t.equal(st2.numConnects, 999999, 'failed connect → negotiate next');
});

t.test('scheduler: dedup fans out, concurrency limited, a hung real costs only itself', async (t) => {
  const seen: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const srv = await tcpServer(httpHandler((_h, s) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    setTimeout(() => { inFlight--; s.end(httpReply('200 OK', 'ok')); }, 20);
  }, seen));
  const hung = await tcpServer(() => {});
  t.teardown(async () => { await srv.close(); await hung.close(); });
  const mk = (port: number, request: string, negotiateTimeout = 2): CheckSpec => ({ type: 'negotiate', service: 'http', host: '127.0.0.1', port, request, negotiateTimeout });
  const checks = [{ id: 'hung', spec: mk(hung.port, '/', 0.5) }];
  for (let i = 0; i < 40; i++) checks.push({ id: `v${i % 4}/r${Math.floor(i / 4)}`, spec: mk(srv.port, `/r${Math.floor(i / 4)}`) });
  const fanned: number[] = [];
  const sch = new CheckScheduler({ concurrency: 3, onResult: (ids) => fanned.push(ids.length) });
  sch.setChecks(checks);
  t.same(sch.size, { requested: 41, unique: 11 });
  const rep = await sch.runPass();
  t.equal(rep.executed, 11);
  t.equal(rep.results.size, 41);
  t.equal(seen.length, 10, 'each of 10 distinct URLs fetched once for 4 virtuals');
  t.ok(maxInFlight <= 2 && maxInFlight >= 1, `limit 3, the hung real holds one slot: at most 2 here (saw ${maxInFlight})`);
  t.notOk(rep.results.get('hung')!.ok);
  t.ok(rep.results.get('v3/r9')!.ok);
  t.ok(rep.durationMs < 1500, `pass took ${rep.durationMs.toFixed(0)} ms; the hung real cost only its own 0.5 s slot`);
  t.same(fanned.filter((n) => n === 4).length, 10);
});

t.test('scheduler: start/stop loop runs passes and stops promptly', async (t) => {
  const srv = await tcpServer((s) => s.end());
  const hung = await tcpServer(() => {});
  t.teardown(async () => { await srv.close(); await hung.close(); });
  let passes = 0;
  const sch = new CheckScheduler({ intervalMs: 50, onPass: () => { passes++; } });
  sch.setChecks([{ id: 'a', spec: { type: 'connect', host: '127.0.0.1', port: srv.port } }]);
  sch.start();
  await new Promise((r) => setTimeout(r, 300));
  await sch.stop();
  t.ok(passes >= 3, `${passes} passes`);
  sch.setChecks([{ id: 'h', spec: { type: 'negotiate', service: 'http', host: '127.0.0.1', port: hung.port, negotiateTimeout: 30 } }]);
  sch.start();
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  await sch.stop();
  t.ok(performance.now() - t0 < 500, 'stop aborts checks in flight');
});

t.test('IPv6 reals: connect and http to [::1]', async (t) => {
  const net = await import('node:net');
  const srv = net.createServer((s) => {
    s.once('data', (d) => s.end(d.toString().includes('host: [::1]') ? httpReply('200 OK', 'v6 alive') : httpReply('400 Bad', 'no host')));
  });
  const ok = await new Promise<boolean>((r) => { srv.once('error', () => r(false)); srv.listen(0, '::1', () => r(true)); });
  if (!ok) { t.fail('cannot listen on ::1 (enable IPv6 on lo)'); return; }
  t.teardown(() => srv.close());
  const port = (srv.address() as import('node:net').AddressInfo).port;
  t.ok((await runCheck(validateCheck({ type: 'connect', host: '[::1]', port, family: 6 }))).ok);
  const r = await runCheck(validateCheck({ type: 'negotiate', service: 'http', host: '::1', port, request: '/', receive: 'v6' }));
  t.ok(r.ok, r.message);
});
