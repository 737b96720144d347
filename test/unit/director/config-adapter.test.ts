import t from 'tap';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDirectorConfig } from '../../../src/director/config-adapter.ts';
import { runCheck } from '../../../src/check/index.ts';

function load(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'lvsha-adapter-'));
  const file = join(dir, 'ldirectord.cf');
  writeFileSync(file, text);
  return loadDirectorConfig(file, 'ldirectord.cf').config;
}

// Perl check_http requests ld_setup()'s $$r{url}. A real with its own request but no receive
// (a request starting with "/" makes ldirectord drop the receive, corpus 14) keeps that request
// in its id, yet its URL and receive come from the virtual.
const CF = `virtual=127.0.0.1:80
\treal=127.0.0.1:80 masq 10 "/a.html", "A-ok" l:10 u:100
\treal=127.0.0.2:80 masq 5
\treal=127.0.0.3:80 masq 2 "b.html", "B-ok" l:1 u:30
\tservice=http
\trequest="/index.html"
\treceive="ok"
virtual=127.0.0.1:53
\treal=127.0.0.1:53 gate
\trequest="www.example.test"
\treceive="192.0.2.1"
`;

t.test('http checks fetch the URL ldirectord builds, not the per-real request', async (t) => {
  const cfg = load(CF);
  const [r1, r2, r3] = cfg.virtuals[0]!.reals;
  t.equal(r1!.check.request, 'http://127.0.0.1:80/index.html', 'request without receive: the virtual\'s URL');
  t.equal(r1!.check.receive, 'ok', '... and the virtual\'s receive');
  t.same([r1!.lowerThreshold, r1!.upperThreshold], [0, 0], '... and no thresholds');
  t.equal(r2!.check.request, 'http://127.0.0.2:80/index.html');
  t.equal(r3!.check.request, 'http://127.0.0.3:80/b.html', 'request and receive: the real\'s URL');
  t.equal(r3!.check.receive, 'B-ok');
  t.equal(cfg.virtuals[1]!.reals[0]!.check.request, '/www.example.test', 'other services keep the request (with the "/" ldirectord prepends)');
});

t.test('the HTTP check requests the URL path', async (t) => {
  const seen: string[] = [];
  const srv = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end(req.url === '/index.html' ? 'Test Page' : 'A-ok');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  const cfg = load(CF.replace(/:80/g, `:${port}`));
  const r = await runCheck(cfg.virtuals[0]!.reals[0]!.check);
  t.same(seen, ['/index.html'], 'GET /index.html, not /a.html');
  t.equal(r.ok, false, 'down: /index.html does not match the virtual\'s receive "ok" (as in Perl)');
});
