// Line/UDP/binary protocol checks against scripted servers: the happy path and how each fails.
import t from 'tap';
import type net from 'node:net';
import { runCheck, validateCheck, type CheckSpec } from '../../../src/check/index.ts';
import { decodeMessage, QTYPE } from '../../../src/check/dns-codec.ts';
import { encodeLength, readTlv, children } from '../../../src/check/ber.ts';
import { createHash } from 'node:crypto';
import { tcpServer, udpServer } from './servers.ts';

const neg = (service: string, port: number, extra: Partial<CheckSpec> = {}): CheckSpec =>
  validateCheck({ type: 'negotiate', service, host: '127.0.0.1', port, negotiateTimeout: 1, checkTimeout: 1, ...extra });

/** Line server: greeting, then reply(line) for each received line (undefined = stay silent). */
function lines(greeting: string | undefined, reply: (line: string, s: net.Socket) => string | undefined, log?: string[]) {
  return (s: net.Socket) => {
    if (greeting !== undefined) s.write(greeting);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        log?.push(line);
        const r = reply(line, s);
        if (r !== undefined && !s.destroyed) s.write(r);
      }
    });
  };
}

t.test('simpletcp: request sent with \\n escapes, a line matches receive', async (t) => {
  const log: string[] = [];
  const srv = await tcpServer(lines(undefined, (l) => (l === 'PING' ? 'hello\nPONG ready\n' : undefined), log));
  t.teardown(() => srv.close());
  t.ok((await runCheck(neg('simpletcp', srv.port, { request: 'xPING\\n', receive: 'PONG' }))).ok);
  t.same(log[0], 'PING', 'first character of request dropped, \\n expanded');
  t.notOk((await runCheck(neg('simpletcp', srv.port, { request: 'xPING\\n', receive: 'NOPE' }))).ok);
});

t.test('smtp: 220 greeting (multi-line), EHLO, QUIT; 554 greeting or silence is down', async (t) => {
  const log: string[] = [];
  const good = await tcpServer(lines('220-mail.example ESMTP\r\n220 ready\r\n', (l) => (l.startsWith('EHLO') ? '250-mail\r\n250 8BITMIME\r\n' : l === 'QUIT' ? '221 bye\r\n' : undefined), log));
  const helo = await tcpServer(lines('220 old\r\n', (l) => (l.startsWith('EHLO') ? '500 what\r\n' : l.startsWith('HELO') ? '250 ok\r\n' : undefined)));
  const bad = await tcpServer(lines('554 go away\r\n', () => undefined));
  const silent = await tcpServer(() => {});
  t.teardown(async () => { await good.close(); await helo.close(); await bad.close(); await silent.close(); });
  t.ok((await runCheck(neg('smtp', good.port))).ok);
  t.match(log, ['EHLO lvsha.localdomain']);
  t.ok((await runCheck(neg('submission', helo.port))).ok, 'falls back to HELO');
  t.notOk((await runCheck(neg('smtp', bad.port))).ok);
  const s = await runCheck(neg('smtp', silent.port, { negotiateTimeout: 0.3 }));
  t.notOk(s.ok);
  t.match(s.message, /timed out/);
});

t.test('pop: +OK greeting, USER/PASS when login set', async (t) => {
  const srv = await tcpServer(lines('+OK POP3 ready\r\n', (l) => (l.startsWith('USER') ? '+OK\r\n' : l === 'PASS right' ? '+OK logged in\r\n' : l.startsWith('PASS') ? '-ERR auth\r\n' : undefined)));
  t.teardown(() => srv.close());
  t.ok((await runCheck(neg('pop', srv.port))).ok);
  t.ok((await runCheck(neg('pop', srv.port, { login: 'u', passwd: 'right' }))).ok);
  const r = await runCheck(neg('pop', srv.port, { login: 'u', passwd: 'wrong' }));
  t.notOk(r.ok);
  t.match(r.message, /login failed/);
});

t.test('imap: * OK greeting, LOGIN when login set', async (t) => {
  const srv = await tcpServer(lines('* OK IMAP4rev1 ready\r\n', (l) => {
    if (l === 'a1 LOGIN "u" "right"') return '* CAPABILITY IMAP4rev1\r\na1 OK done\r\n';
    if (l.startsWith('a1 LOGIN')) return 'a1 NO [AUTHENTICATIONFAILED] bad\r\n';
    return l.startsWith('a2 LOGOUT') ? '* BYE\r\na2 OK\r\n' : undefined;
  }));
  const bad = await tcpServer(lines('* BYE too many\r\n', () => undefined));
  t.teardown(async () => { await srv.close(); await bad.close(); });
  t.ok((await runCheck(neg('imap', srv.port))).ok);
  t.ok((await runCheck(neg('imap', srv.port, { login: 'u', passwd: 'right' }))).ok);
  t.notOk((await runCheck(neg('imap', srv.port, { login: 'u', passwd: 'x' }))).ok);
  t.notOk((await runCheck(neg('imap', bad.port))).ok);
});

t.test('nntp: banner 2xx up, 502 down', async (t) => {
  const ok = await tcpServer(lines('200 news ready\r\n', () => undefined));
  const no = await tcpServer(lines('502 no permission\r\n', () => undefined));
  t.teardown(async () => { await ok.close(); await no.close(); });
  t.ok((await runCheck(neg('nntp', ok.port))).ok);
  t.notOk((await runCheck(neg('nntp', no.port))).ok);
});

t.test('ftp: login, CWD /, PASV, RETR; content decides', async (t) => {
  const dataSrv = await tcpServer((s) => s.end('welcome to ftp\n'));
  const log: string[] = [];
  const srv = await tcpServer(lines('220 ftp ready\r\n', (l) => {
    if (l.startsWith('USER')) return '331 pass\r\n';
    if (l.startsWith('PASS')) return '230 ok\r\n';
    if (l === 'CWD /' || l === 'TYPE I') return '250 ok\r\n';
    if (l === 'PASV') return `227 Entering Passive Mode (10,9,9,9,${dataSrv.port >> 8},${dataSrv.port & 255})\r\n`;
    if (l.startsWith('RETR')) return '150 here\r\n226 done\r\n';
    return l === 'QUIT' ? '221 bye\r\n' : undefined;
  }, log));
  t.teardown(async () => { await srv.close(); await dataSrv.close(); });
  const r = await runCheck(neg('ftp', srv.port, { login: 'anonymous', passwd: 'x@', request: 'welcome.msg', receive: 'welcome' }));
  t.ok(r.ok, r.message);
  t.ok(log.includes('RETR welcome.msg'));
  t.notOk((await runCheck(neg('ftp', srv.port, { request: 'welcome.msg', receive: 'goodbye' }))).ok);
});

t.test('sip over udp and tcp: 200 OK up, 404 down, provisional skipped', async (t) => {
  const u = await udpServer((m, reply) => {
    const s = m.toString();
    const callId = /Call-ID: (\S+)/.exec(s)?.[1];
    reply(Buffer.from(`SIP/2.0 100 Trying\r\nCall-ID: ${callId}\r\n\r\n`));
    reply(Buffer.from(`${s.startsWith('OPTIONS sip:ok@') ? 'SIP/2.0 200 OK' : 'SIP/2.0 404 Not Found'}\r\nCall-ID: ${callId}\r\n\r\n`));
  });
  const tc = await tcpServer(lines(undefined, (l) => (l.startsWith('OPTIONS') ? 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n' : undefined)));
  t.teardown(async () => { await u.close(); await tc.close(); });
  t.ok((await runCheck(neg('sip', u.port, { protocol: 'udp', login: 'ok@127.0.0.1' }))).ok);
  t.notOk((await runCheck(neg('sip', u.port, { protocol: 'udp', login: 'no@127.0.0.1' }))).ok);
  t.ok((await runCheck(neg('sip', tc.port, { protocol: 'tcp', login: 'ok@127.0.0.1' }))).ok);
});

function dnsAnswer(q: Buffer, ip: string, id = q.readUInt16BE(0)): Buffer {
  const out = Buffer.concat([q, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...ip.split('.').map(Number)])]);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x8180, 2);
  out.writeUInt16BE(1, 6);
  return out;
}

t.test('dns over udp and tcp: A answer matches receive; wrong id ignored; NXDOMAIN down', async (t) => {
  const u = await udpServer((m, reply) => {
    const q = decodeMessage(m);
    if (q.qdcount !== 1) return;
    if (m.includes(Buffer.from('nx'))) { const r = Buffer.from(m); r.writeUInt16BE(0x8183, 2); reply(r); return; }
    reply(dnsAnswer(m, '6.6.6.6', (q.id + 1) & 0xffff)); // a spoofed/stale answer first
    reply(dnsAnswer(m, '192.0.2.7'));
  });
  const tc = await tcpServer((s) => s.once('data', (d) => {
    const a = dnsAnswer(d.subarray(2), '192.0.2.8');
    s.end(Buffer.concat([Buffer.from([a.length >> 8, a.length & 255]), a]));
  }));
  t.teardown(async () => { await u.close(); await tc.close(); });
  t.ok((await runCheck(neg('dns', u.port, { protocol: 'udp', request: 'www.example.com', receive: '192\\.0\\.2\\.7' }))).ok);
  t.notOk((await runCheck(neg('dns', u.port, { protocol: 'udp', request: 'www.example.com', receive: '6\\.6' }))).ok, 'wrong-id reply is ignored');
  t.notOk((await runCheck(neg('dns', u.port, { protocol: 'udp', request: 'nx.example.com', receive: '.' }))).ok);
  t.ok((await runCheck(neg('dns', tc.port, { protocol: 'tcp', request: 'www.example.com', receive: '192.0.2.8' }))).ok);
  t.equal(QTYPE.A, 1);
});

t.test('udp checks: a connect refused at once (no route, broadcast) is down, not a crash', async (t) => {
  // Linux refuses connect() of a UDP socket to 255.255.255.255 without SO_BROADCAST (EACCES),
  // as it refuses a real without a route (ENETUNREACH): same code path, deterministic here.
  for (const [service, extra] of [['dns', { request: 'www.example.com', receive: '.' }], ['radius', { login: 'u', passwd: 'p', secret: 's' }], ['sip', {}]] as const) {
    const r = await runCheck(neg(service, 53, { host: '255.255.255.255', protocol: 'udp', ...extra }));
    t.notOk(r.ok, `${service}: down`);
    t.match(r.message, /EACCES|permission/i, `${service}: ${r.message}`);
  }
});

t.test('radius: Access-Accept up, Reject down, wrong secret down', async (t) => {
  const secret = 's3cret';
  const u = await udpServer((m, reply) => {
    // Accept user "ok", reject others (user name is the first attribute).
    const user = m.subarray(22, 20 + m[21]!).toString();
    const resp = Buffer.from([user === 'ok' ? 2 : 3, m[1]!, 0, 20, ...Buffer.alloc(16)]);
    createHash('md5').update(resp.subarray(0, 4)).update(m.subarray(4, 20)).update(user === 'badsecret' ? 'other' : secret).digest().copy(resp, 4);
    reply(resp);
  });
  t.teardown(() => u.close());
  t.ok((await runCheck(neg('radius', u.port, { protocol: 'udp', login: 'ok', passwd: 'p', secret }))).ok);
  const rej = await runCheck(neg('radius', u.port, { login: 'no', passwd: 'p', secret }));
  t.notOk(rej.ok);
  t.match(rej.message, /Reject/);
  const bad = await runCheck(neg('radius', u.port, { login: 'badsecret', passwd: 'p', secret, checkTimeout: 0.3 }));
  t.notOk(bad.ok);
  t.match(bad.message, /authenticator/);
});

t.test('ldap: anonymous bind, base search, DN matches receive', async (t) => {
  const srv = await tcpServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (let tl = readTlv(buf); tl; tl = readTlv(buf)) {
        buf = buf.subarray(tl.end);
        const [id, op] = children(tl.content);
        const idb = Buffer.from([0x02, 1, id!.content[0]!]);
        const msg = (body: Buffer) => Buffer.concat([Buffer.from([0x30]), encodeLength(idb.length + body.length), idb, body]);
        if (op!.tag === 0x60) s.write(msg(Buffer.from([0x61, 7, 0x0a, 1, 0, 4, 0, 4, 0])));
        if (op!.tag === 0x63) {
          const base = children(op!.content)[0]!.content;
          if (base.toString() === 'dc=example,dc=org') {
            const dn = Buffer.concat([Buffer.from([0x04, base.length]), base, Buffer.from([0x30, 0])]);
            s.write(msg(Buffer.concat([Buffer.from([0x64, dn.length]), dn])));
            s.write(msg(Buffer.from([0x65, 7, 0x0a, 1, 0, 4, 0, 4, 0])));
          } else s.write(msg(Buffer.from([0x65, 7, 0x0a, 1, 32, 4, 0, 4, 0])));
        }
      }
    });
  });
  t.teardown(() => srv.close());
  const r = await runCheck(neg('ldap', srv.port, { request: '/dc=example,dc=org', receive: 'example' }));
  t.ok(r.ok, r.message);
  t.notOk((await runCheck(neg('ldap', srv.port, { request: '/dc=example,dc=org', receive: 'nomatch' }))).ok);
  t.notOk((await runCheck(neg('ldap', srv.port, { request: '/dc=missing' }))).ok);
});
