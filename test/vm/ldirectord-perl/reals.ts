/**
 * Real servers for the Perl-vs-lvsha corpus comparison (40-perl-corpus.test.sh), run inside the
 * real servers' namespace, one Node process instead of a daemon per protocol: HTTPS (443, static
 * files of WWWDIR, "/" = index.html), an HTTP proxy (3128: any URL, index.html), SMTP (25) and
 * submission (587), POP3 (110, login probe/probe), POP3S (995), IMAP (143), IMAPS (993), NNTP
 * (119), simpletcp (6379: PING → +PONG), FTP (21: any login, PASV or PORT, WWWDIR's files), DNS
 * (53 UDP and TCP: every A question answers 10.91.0.80), LDAP (389) and LDAPS (636) (any bind; a
 * base search returns the base entry), RADIUS (1812/udp, secret testing123: Access-Accept for
 * probe/probe, else Access-Reject), SIP (5060/udp: 200 OK to OPTIONS), PostgreSQL (5432, trust)
 * and MySQL (3306, any password); every SQL query returns one row. Just enough of each protocol
 * for both ldirectord's negotiate checks (Net::SMTP, Mail::POP3Client, Net::IMAP::Simple, LWP,
 * Net::FTP, Net::DNS, Net::LDAP, Authen::Radius, DBD::Pg, DBD::mysql, its SIP and simpletcp code)
 * and lvsha's. Touches READY_FILE once every port listens.
 * Usage: node reals.ts CERT KEY WWWDIR READY_FILE
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';

const [certFile, keyFile, www, ready] = process.argv.slice(2);
if (!certFile || !keyFile || !www || !ready) { console.error('usage: reals.ts CERT KEY WWWDIR READY_FILE'); process.exit(2); }
const cred = { cert: readFileSync(certFile), key: readFileSync(keyFile) };

type Session = (s: net.Socket) => void;

/** Calls `each` with every line received (CR stripped) until it returns false. */
function onLines(s: net.Socket, each: (line: string) => boolean): void {
  s.on('error', () => {});
  s.setEncoding('latin1');
  let buf = '';
  s.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (!each(line)) return;
    }
  });
}

/** Line-oriented session: greet, then answer each line; `true` closes after the reply. */
function lineSession(greeting: string, answer: (line: string) => [string, boolean]): Session {
  return (s) => {
    onLines(s, (line) => {
      const [reply, close] = answer(line);
      if (close) { s.end(reply); return false; }
      s.write(reply);
      return true;
    });
    s.write(greeting);
  };
}

const word = (l: string) => (l.split(' ')[0] ?? '').toUpperCase();

const smtp = lineSession('220 real ESMTP ready\r\n', (l) => {
  switch (word(l)) {
    case 'EHLO': return ['250-real\r\n250 8BITMIME\r\n', false];
    case 'QUIT': return ['221 bye\r\n', true];
    default: return ['250 ok\r\n', false];
  }
});

const pop3 = lineSession('+OK POP3 ready\r\n', (l) => {
  switch (word(l)) {
    case 'CAPA': return ['+OK\r\nUSER\r\n.\r\n', false];
    case 'USER': return ['+OK\r\n', false];
    case 'PASS': return l === 'PASS probe' ? ['+OK logged in\r\n', false] : ['-ERR authentication failed\r\n', false];
    case 'STAT': return ['+OK 0 0\r\n', false];
    case 'QUIT': return ['+OK bye\r\n', true];
    default: return ['-ERR unknown command\r\n', false];
  }
});

const imap = lineSession('* OK IMAP4rev1 ready\r\n', (l) => {
  const [tag = '*', cmd = ''] = l.split(' ');
  if (cmd.toUpperCase() === 'LOGOUT') return [`* BYE logging out\r\n${tag} OK LOGOUT completed\r\n`, true];
  return [`${tag} OK ${cmd} completed\r\n`, false];
});

const nntp = lineSession('200 news ready\r\n', (l) => (word(l) === 'QUIT' ? ['205 bye\r\n', true] : ['500 unknown\r\n', false]));

/** simpletcp: whatever the request, once it ends (a line, or the client's write shutdown), one +PONG line. */
const pong: Session = (s) => {
  s.on('error', () => {});
  let done = false;
  const reply = () => { if (!done) { done = true; s.end('+PONG\r\n'); } };
  s.on('data', (d: Buffer) => { if (d.includes(10)) reply(); });
  s.on('end', reply);
};

/** FTP: USER/PASS (anything), CWD, TYPE, PASV (a data listener per PASV) or PORT, RETR of WWWDIR files; data before or after RETR. */
const ftp: Session = (s) => {
  // the last PASV or PORT decides (Net::FTP's get() after ldirectord's pasv() sends PORT)
  let pasv: Promise<net.Socket> | undefined;
  let pasvListener: net.Server | undefined;
  let port: { host: string; port: number } | undefined;
  const dropPasv = () => { pasvListener?.close(); pasvListener = undefined; pasv = undefined; };
  s.on('close', dropPasv);
  const reply = (t: string) => { if (!s.destroyed) s.write(t); };
  const dataConn = (): Promise<net.Socket> | undefined => {
    if (pasv) { const p = pasv; pasv = undefined; pasvListener = undefined; return p; }
    if (port) {
      const { host, port: p } = port; port = undefined;
      return new Promise((res, rej) => { const d = net.connect(p, host, () => res(d)); d.on('error', rej); });
    }
    return undefined;
  };
  onLines(s, (line) => {
    const arg = line.slice(line.indexOf(' ') + 1);
    switch (word(line)) {
      case 'USER': reply('331 password please\r\n'); break;
      case 'PASS': reply('230 logged in\r\n'); break;
      case 'CWD': reply('250 ok\r\n'); break;
      case 'TYPE': reply('200 ok\r\n'); break;
      case 'PASV': {
        dropPasv(); port = undefined;
        const l = net.createServer();
        pasvListener = l;
        pasv = new Promise((res, rej) => { l.once('connection', (c) => { l.close(); res(c); }); l.on('error', rej); });
        pasv.catch(() => {});
        l.listen(0, s.localAddress, () => {
          const p = (l.address() as net.AddressInfo).port;
          reply(`227 Entering Passive Mode (${(s.localAddress ?? '').replace(/^::ffff:/, '').split('.').join(',')},${p >> 8},${p & 255})\r\n`);
        });
        break;
      }
      case 'PORT': {
        dropPasv();
        const n = arg.split(',').map(Number);
        port = { host: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
        reply('200 ok\r\n');
        break;
      }
      case 'RETR': {
        const dc = dataConn();
        if (!dc) { reply('425 use PASV or PORT first\r\n'); break; }
        let body: Buffer;
        try { body = readFileSync(join(www, normalize(`/${arg}`))); } catch { reply('550 no such file\r\n'); dc.then((d) => d.destroy(), () => {}); break; }
        reply('150 opening data connection\r\n');
        dc.then((d) => d.end(body, () => reply('226 transfer complete\r\n')), () => reply('425 no data connection\r\n'));
        break;
      }
      case 'QUIT': s.end('221 bye\r\n'); return false;
      default: reply('502 not implemented\r\n');
    }
    return true;
  });
  reply('220 real FTP ready\r\n');
};

/** DNS: an A record 10.91.0.80 for any A question, an empty NOERROR answer otherwise. */
function dnsAnswer(q: Buffer): Buffer | undefined {
  if (q.length < 12 || q.readUInt16BE(4) < 1) return undefined;
  let p = 12;
  while (p < q.length && q[p] !== 0) p += q[p]! + 1;
  if (p + 5 > q.length) return undefined;
  const question = q.subarray(12, p + 5);
  const isA = q.readUInt16BE(p + 1) === 1;
  const head = Buffer.alloc(12);
  head.writeUInt16BE(q.readUInt16BE(0), 0);
  head.writeUInt16BE(0x8180 | (q.readUInt16BE(2) & 0x0100), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(isA ? 1 : 0, 6);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 91, 0, 80]);
  return Buffer.concat([head, question, isA ? answer : Buffer.alloc(0)]);
}

const dnsTcp: Session = (s) => {
  s.on('error', () => {});
  let buf = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const a = dnsAnswer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + buf.readUInt16BE(0));
      if (!a) { s.destroy(); return; }
      const len = Buffer.alloc(2);
      len.writeUInt16BE(a.length, 0);
      s.write(Buffer.concat([len, a]));
    }
  });
};

// LDAP: BER by hand (short and long lengths, one-byte tags).
const ber = (tag: number, ...parts: Buffer[]): Buffer => {
  const c = Buffer.concat(parts);
  const len = c.length < 128 ? Buffer.from([c.length]) : c.length < 256 ? Buffer.from([0x81, c.length]) : Buffer.from([0x82, c.length >> 8, c.length & 255]);
  return Buffer.concat([Buffer.from([tag]), len, c]);
};
const berStr = (s: string) => ber(0x04, Buffer.from(s, 'utf8'));
const berInt = (n: number) => ber(0x02, Buffer.from([n]));
function berRead(b: Buffer, off: number): { tag: number; body: Buffer; end: number } | undefined {
  if (off + 2 > b.length) return undefined;
  let len = b[off + 1]!, p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (p + n > b.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  return p + len > b.length ? undefined : { tag: b[off]!, body: b.subarray(p, p + len), end: p + len };
}
const ldap: Session = (s) => {
  s.on('error', () => {});
  let buf = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (let m = berRead(buf, 0); m; m = berRead(buf, 0)) {
      buf = buf.subarray(m.end);
      const id = berRead(m.body, 0);
      const op = id && berRead(m.body, id.end);
      if (!id || !op) { s.destroy(); return; }
      const msg = (...ops: Buffer[]) => ops.map((o) => ber(0x30, ber(0x02, id.body), o));
      const result = (tag: number) => ber(tag, ber(0x0a, Buffer.from([0])), berStr(''), berStr(''));
      if (op.tag === 0x60) s.write(Buffer.concat(msg(result(0x61))));  // bind → success
      else if (op.tag === 0x63) {                                       // search → the base entry, done
        const base = berRead(op.body, 0)!.body.toString('utf8');
        const attrs = ber(0x30, ber(0x30, berStr('objectClass'), ber(0x31, berStr('top'), berStr('dcObject'))));
        s.write(Buffer.concat(msg(ber(0x64, berStr(base), attrs), result(0x65))));
      } else if (op.tag === 0x42) { s.end(); return; }                  // unbind
      else s.write(Buffer.concat(msg(ber(0x78, ber(0x0a, Buffer.from([2])), berStr(''), berStr('unsupported')))));
    }
  });
};

const md5 = (...p: Buffer[]) => { const h = createHash('md5'); for (const x of p) h.update(x); return h.digest(); };
/** RADIUS Access-Request → Access-Accept when User-Name and the decrypted User-Password are probe/probe. */
function radiusReply(q: Buffer, secret: Buffer): Buffer | undefined {
  if (q.length < 20 || q[0] !== 1) return undefined;
  const auth = q.subarray(4, 20);
  let user = '', pass = '';
  for (let p = 20; p + 2 <= q.length && q[p + 1]! >= 2; p += q[p + 1]!) {
    const v = q.subarray(p + 2, p + q[p + 1]!);
    if (q[p] === 1) user = v.toString('utf8');
    if (q[p] === 2) {
      const out = Buffer.alloc(v.length);
      for (let i = 0; i < v.length; i += 16) {
        const b = md5(secret, i === 0 ? auth : v.subarray(i - 16, i));
        for (let k = 0; k < 16 && i + k < v.length; k++) out[i + k] = v[i + k]! ^ b[k]!;
      }
      pass = out.toString('utf8').replace(/\0+$/, '');
    }
  }
  const head = Buffer.from([user === 'probe' && pass === 'probe' ? 2 : 3, q[1]!, 0, 20]);
  return Buffer.concat([head, md5(head, auth, secret)]);
}

/** SIP OPTIONS → 200 OK with the request's Via, From, To, Call-ID and CSeq. */
function sipReply(q: Buffer): Buffer | undefined {
  const lines = q.toString('latin1').split('\r\n');
  if (!/^OPTIONS /.test(lines[0] ?? '')) return undefined;
  const keep = lines.filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
  return Buffer.from(['SIP/2.0 200 OK', ...keep, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
}

/** PostgreSQL (protocol 3, trust): every query, simple or extended, returns one row "1". */
const pgMsg = (type: string, body: Buffer = Buffer.alloc(0)) => {
  const h = Buffer.alloc(5); h.write(type, 0, 'latin1'); h.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
};
const cstr = (...s: string[]) => Buffer.from(s.map((x) => `${x}\0`).join(''), 'utf8');
const int32 = (...n: number[]) => { const b = Buffer.alloc(4 * n.length); n.forEach((v, i) => b.writeInt32BE(v, 4 * i)); return b; };
const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const pgRowDesc = pgMsg('T', Buffer.concat([int16(1), cstr('?column?'), int32(0), int16(0), int32(23), int16(4), int32(-1), int16(0)]));
const pgRow = pgMsg('D', Buffer.concat([int16(1), int32(1), Buffer.from('1')]));
const pgsql: Session = (s) => {
  s.on('error', () => {});
  let buf = Buffer.alloc(0);
  let started = false;
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (!started) {
        if (buf.length < 8 || buf.length < buf.readInt32BE(0)) return;
        const len = buf.readInt32BE(0), code = buf.readInt32BE(4);
        buf = buf.subarray(len);
        if (code === 80877103 || code === 80877104) { s.write('N'); continue; }  // SSLRequest, GSSENCRequest
        started = true;
        s.write(Buffer.concat([pgMsg('R', int32(0)),
          ...[['server_version', '15.0'], ['server_encoding', 'UTF8'], ['client_encoding', 'UTF8'], ['DateStyle', 'ISO, MDY'],
            ['integer_datetimes', 'on'], ['standard_conforming_strings', 'on']].map(([k, v]) => pgMsg('S', cstr(k!, v!))),
          pgMsg('K', int32(process.pid, 1)), pgMsg('Z', Buffer.from('I'))]));
        continue;
      }
      if (buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return;
      const type = String.fromCharCode(buf[0]!), body = buf.subarray(5, 1 + buf.readInt32BE(1));
      buf = buf.subarray(1 + buf.readInt32BE(1));
      switch (type) {
        case 'Q': s.write(Buffer.concat([pgRowDesc, pgRow, pgMsg('C', cstr('SELECT 1')), pgMsg('Z', Buffer.from('I'))])); break;
        case 'P': s.write(pgMsg('1')); break;
        case 'B': s.write(pgMsg('2')); break;
        case 'D': s.write(body[0] === 0x53 ? Buffer.concat([pgMsg('t', int16(0)), pgRowDesc]) : pgRowDesc); break;
        case 'E': s.write(Buffer.concat([pgRow, pgMsg('C', cstr('SELECT 1'))])); break;
        case 'C': s.write(pgMsg('3')); break;
        case 'S': s.write(pgMsg('Z', Buffer.from('I'))); break;
        case 'X': s.end(); return;
        default: break;  // Flush and the rest: nothing to say
      }
    }
  });
};

/** MySQL (protocol 41, mysql_native_password, any password): every query returns one row "1". */
const myPkt = (seq: number, payload: Buffer) => { const h = Buffer.alloc(4); h.writeUIntLE(payload.length, 0, 3); h[3] = seq & 255; return Buffer.concat([h, payload]); };
const lenStr = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
const CAPS = 0x1 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000;
const myOk = (seq: number) => myPkt(seq, Buffer.from([0, 0, 0, 2, 0, 0, 0]));
const myEof = (seq: number) => myPkt(seq, Buffer.from([0xfe, 0, 0, 2, 0]));
const myColumn = Buffer.concat([lenStr('def'), lenStr(''), lenStr(''), lenStr(''), lenStr('1'), lenStr(''),
  Buffer.from([0x0c, 0x3f, 0, 1, 0, 0, 0, 0x08, 0x81, 0, 0, 0, 0])]);
const mysql: Session = (s) => {
  s.on('error', () => {});
  const scramble = Buffer.from(randomBytes(20).map((b) => 33 + (b % 90)));
  const caps = Buffer.alloc(4); caps.writeUInt32LE(CAPS);
  s.write(myPkt(0, Buffer.concat([Buffer.from([10]), Buffer.from('8.0.36-lvsha\0'), int32(1).reverse(), scramble.subarray(0, 8), Buffer.from([0]),
    caps.subarray(0, 2), Buffer.from([0x21, 2, 0]), caps.subarray(2, 4), Buffer.from([21]), Buffer.alloc(10),
    scramble.subarray(8), Buffer.from([0]), Buffer.from('mysql_native_password\0')])));
  let buf = Buffer.alloc(0);
  let authed = false;
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUIntLE(0, 3)) {
      const seq = buf[3]!, p = buf.subarray(4, 4 + buf.readUIntLE(0, 3));
      buf = buf.subarray(4 + p.length);
      if (!authed) { authed = true; s.write(myOk(seq + 1)); continue; }
      if (p[0] === 0x01) { s.end(); return; }                     // COM_QUIT
      if (p[0] !== 0x03) { s.write(myOk(seq + 1)); continue; }   // COM_PING, COM_INIT_DB, ...
      s.write(Buffer.concat([myPkt(1, Buffer.from([1])), myPkt(2, myColumn), myEof(3), myPkt(4, lenStr('1')), myEof(5)]));
    }
  });
};

const serveFile = (req: http.IncomingMessage, res: http.ServerResponse, path: string): void => {
  try {
    const body = readFileSync(join(www, normalize(path).replace(/^(\.\.[/\\])+/, '')));
    res.writeHead(200, { 'content-type': 'text/html' }).end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404).end('not found\n');
  }
};

const servers: [number, net.Server][] = [
  [25, net.createServer(smtp)], [587, net.createServer(smtp)],
  [110, net.createServer(pop3)], [995, tls.createServer(cred, pop3)],
  [143, net.createServer(imap)], [993, tls.createServer(cred, imap)],
  [119, net.createServer(nntp)], [6379, net.createServer({ allowHalfOpen: true }, pong)],
  [21, net.createServer(ftp)], [53, net.createServer(dnsTcp)],
  [389, net.createServer(ldap)], [636, tls.createServer(cred, ldap)],
  [5432, net.createServer(pgsql)], [3306, net.createServer(mysql)],
  [443, https.createServer(cred, (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    serveFile(req, res, path === '/' || path === '' ? '/index.html' : path);
  })],
  // a proxy answers any absolute URL with the same page
  [3128, http.createServer((req, res) => serveFile(req, res, '/index.html'))],
];
for (const [, srv] of servers) srv.on('tlsClientError', () => {}).on('error', (e) => { console.error(e); process.exit(1); });
const udp: [number, (q: Buffer) => Buffer | undefined][] = [
  [53, dnsAnswer], [1812, (q) => radiusReply(q, Buffer.from('testing123'))], [5060, sipReply],
];
await Promise.all([
  ...servers.map(([port, srv]) => new Promise<void>((r) => srv.listen({ port, host: '::', ipv6Only: false }, r))),
  ...udp.map(([port, answer]) => new Promise<void>((r, j) => {
    const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
    sock.on('message', (q, from) => { const a = answer(q); if (a) sock.send(a, from.port, from.address); });
    sock.on('error', j);
    sock.bind(port, '::', () => r());
  })),
]);
writeFileSync(ready, `${process.pid}\n`);
