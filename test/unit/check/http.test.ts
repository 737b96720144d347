// HTTP/HTTPS/http_proxy checks against scripted servers: status, body, Host, TLS, and misbehaving servers.
import t from 'tap';
import { runCheck, validateCheck, type CheckSpec } from '../../../src/check/index.ts';
import { closedPort, httpHandler, httpReply, selfSigned, tcpServer } from './servers.ts';

const spec = (port: number, extra: Partial<CheckSpec> = {}): CheckSpec =>
  validateCheck({ type: 'negotiate', service: 'http', host: '127.0.0.1', port, request: '/alive.html', negotiateTimeout: 1, ...extra });

t.test('2xx with matching body is up; Host from virtualhost; method', async (t) => {
  const seen: string[] = [];
  const srv = await tcpServer(httpHandler((_h, s) => s.end(httpReply('200 OK', 'I am alive')), seen));
  t.teardown(() => srv.close());
  const r = await runCheck(spec(srv.port, { receive: 'alive', virtualHost: 'www.example.com' }));
  t.ok(r.ok, r.message);
  t.match(seen[0], /^GET \/alive.html HTTP\/1.1\r\n/);
  t.match(seen[0], /\r\nhost: www.example.com/i);
  const h = await runCheck(spec(srv.port, { httpMethod: 'HEAD' }));
  t.ok(h.ok, h.message);
  t.match(seen[1], /^HEAD \/alive.html/);
  const noVh = await runCheck(spec(srv.port));
  t.ok(noVh.ok);
  t.match(seen[2], /\r\nhost: 127.0.0.1\r?\n?/i, 'Host defaults to the real address');
});

t.test('wrong status, wrong body are down', async (t) => {
  const srv = await tcpServer(httpHandler((h, s) => s.end(h.includes('/bad') ? httpReply('503 Busy', 'alive') : httpReply('200 OK', 'maintenance'))));
  t.teardown(() => srv.close());
  const a = await runCheck(spec(srv.port, { request: '/bad' }));
  t.notOk(a.ok);
  t.match(a.message, /503/);
  const b = await runCheck(spec(srv.port, { receive: 'alive' }));
  t.notOk(b.ok);
  t.match(b.message, /does not match/);
  const c = await runCheck(spec(srv.port, { request: '/redirect', receive: '' }));
  t.ok(c.ok, 'empty receive matches anything');
});

t.test('hung, slow, reset, closed, garbage: each bounded by its own timeout', async (t) => {
  const hung = await tcpServer(() => { /* accept and say nothing */ });
  const slow = await tcpServer(httpHandler((_h, s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nalive'); // body never completes
  }));
  const rst = await tcpServer((s) => s.resetAndDestroy());
  const garbage = await tcpServer((s) => s.end('SSH-2.0-OpenSSH\r\n'));
  const closed = await closedPort();
  t.teardown(async () => { await hung.close(); await slow.close(); await rst.close(); await garbage.close(); });
  const t0 = performance.now();
  const rs = await Promise.all([
    runCheck(spec(hung.port, { negotiateTimeout: 0.4 })),
    runCheck(spec(slow.port, { negotiateTimeout: 0.4, receive: 'alive' })),
    runCheck(spec(rst.port)),
    runCheck(spec(garbage.port)),
    runCheck(spec(closed)),
  ]);
  const took = performance.now() - t0;
  for (const r of rs) t.notOk(r.ok, r.message);
  t.match(rs[0]!.message, /timed out/);
  t.match(rs[1]!.message, /timed out/);
  t.ok(rs[2]!.durationMs < 300, 'RST fails fast');
  t.match(rs[4]!.message, /ECONNREFUSED/);
  t.ok(took < 1000, `all five done in ${took.toFixed(0)} ms, bounded by the 0.4 s timeouts`);
});

t.test('https: self-signed accepted by default (as ldirectord), rejected with tlsVerify', async (t) => {
  const srv = await tcpServer(httpHandler((_h, s) => s.end(httpReply('200 OK', 'secure alive'))), { tls: selfSigned() });
  t.teardown(() => srv.close());
  const a = await runCheck(spec(srv.port, { service: 'https', receive: 'secure' }));
  t.ok(a.ok, a.message);
  const b = await runCheck(spec(srv.port, { service: 'https', tlsVerify: true, virtualHost: 'real.example' }));
  t.notOk(b.ok);
  t.match(b.message, /self.signed|certificate/i);
  const plain = await tcpServer(httpHandler((_h, s) => s.end(httpReply('200 OK', 'x'))));
  t.teardown(() => plain.close());
  const c = await runCheck(spec(plain.port, { service: 'https' }));
  t.notOk(c.ok, 'https against a plain server is down');
});

t.test('http_proxy: absolute URI through the real', async (t) => {
  const seen: string[] = [];
  const srv = await tcpServer(httpHandler((_h, s) => s.end(httpReply('200 OK', 'proxied')), seen));
  t.teardown(() => srv.close());
  const r = await runCheck(spec(srv.port, { service: 'http_proxy', request: 'http://www.example.com/index.html', receive: 'proxied' }));
  t.ok(r.ok, r.message);
  t.match(seen[0], /^GET http:\/\/www.example.com\/index.html HTTP\/1.1/);
});

t.test('a huge body does not blow memory and still matches its start', async (t) => {
  const srv = await tcpServer(httpHandler((_h, s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\nalive');
    const chunk = Buffer.alloc(65536, 120);
    let sent = 0;
    const pump = () => { while (sent < 49_000_000 && s.write(chunk)) sent += chunk.length; if (sent < 49_000_000) s.once('drain', pump); };
    pump();
  }));
  t.teardown(() => srv.close());
  const r = await runCheck(spec(srv.port, { receive: '^alive', negotiateTimeout: 5 }));
  t.ok(r.ok, r.message);
});

t.test('chunked bodies, interim 1xx, body until close, reset after a full response', async (t) => {
  const srv = await tcpServer(httpHandler((h, s) => {
    if (h.includes('/chunked')) s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nI am \r\n6\r\nalive!\r\n0\r\n\r\n');
    else if (h.includes('/interim')) s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nalive');
    else if (h.includes('/close')) s.end('HTTP/1.0 200 OK\r\n\r\nalive until close');
    else if (h.includes('/rst')) { s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nalive'); setTimeout(() => s.resetAndDestroy(), 20); }
    else if (h.includes('/short')) s.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nalive');
    else s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  }));
  t.teardown(() => srv.close());
  for (const p of ['/chunked', '/interim', '/close', '/rst']) {
    const r = await runCheck(spec(srv.port, { request: p, receive: 'alive' }));
    t.ok(r.ok, `${p}: ${r.message}`);
  }
  const short = await runCheck(spec(srv.port, { request: '/short', receive: 'alive' }));
  t.notOk(short.ok, 'body shorter than Content-Length is down');
  t.match(short.message, /before the end of the body/);
});

t.test('the undici client gives the same verdicts', async (t) => {
  const { setHttpClient } = await import('../../../src/check/index.ts');
  setHttpClient('undici');
  t.teardown(() => setHttpClient('builtin'));
  // load undici before the first 1 s check: on a loaded CI machine its first import alone can take most of a second
  await import('undici');
  const srv = await tcpServer(httpHandler((h, s) => s.end(h.includes('/bad') ? httpReply('500 Oops', 'x') : httpReply('200 OK', 'I am alive'))));
  const hung = await tcpServer(() => {});
  t.teardown(async () => { await srv.close(); await hung.close(); });
  t.ok((await runCheck(spec(srv.port, { receive: 'alive' }))).ok);
  t.notOk((await runCheck(spec(srv.port, { receive: 'dead' }))).ok);
  t.notOk((await runCheck(spec(srv.port, { request: '/bad' }))).ok);
  const h = await runCheck(spec(hung.port, { negotiateTimeout: 0.3 }));
  t.notOk(h.ok);
  t.match(h.message, /timed out/);
});
