// Lab client (adapted from seed-lab client.js; .cjs because package.json says "type": "module"). Plain CommonJS so that any node runs it.
//  http URL LOGFILE INTERVAL_MS TIMEOUT_MS MAX_S
//     one request at a time, a fresh TCP connection each (agent:false), 1 line per request:
//     "<start_ms> <end_ms> <status|ERR> <body|error code>"; stops after MAX_S seconds (bounded).
//  echo HOST PORT LOGFILE INTERVAL_MS MAX_S
//     ONE long-lived TCP connection; sends "<seq>\n" every INTERVAL_MS and logs each echo:
//     "<sent_ms> <recv_ms> ok <seq>"; on error/close logs "<ms> <ms> ERR <code>" and exits 0.
'use strict';
const fs = require('fs');
const mode = process.argv[2];
process.on('SIGTERM', () => process.exit(0));
if (mode === 'http') {
  const http = require('http');
  const [url, logfile, iv = '200', to = '1000', max = '3600'] = process.argv.slice(3);
  const fd = fs.openSync(logfile, 'a');
  const stopAt = Date.now() + +max * 1000;
  const one = () => {
    if (Date.now() > stopAt) process.exit(0);
    const t0 = Date.now();
    let done = false;
    const fin = (s) => {
      if (done) return;
      done = true;
      fs.writeSync(fd, `${t0} ${Date.now()} ${s}\n`);
      setTimeout(one, Math.max(0, +iv - (Date.now() - t0)));
    };
    const req = http.get(url, { agent: false }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (b += d));
      res.on('end', () => fin(`${res.statusCode} ${b.trim().replace(/\s+/g, '_') || '-'}`));
      res.on('error', (e) => fin(`ERR ${e.code || e.message}`));
    });
    // hard deadline for the whole request (connect + response), not an idle timeout
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), +to);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => fin(`ERR ${e.code || e.message}`));
  };
  one();
} else if (mode === 'echo') {
  const net = require('net');
  const [host, port, logfile, iv = '200', max = '600'] = process.argv.slice(3);
  const fd = fs.openSync(logfile, 'a');
  const sent = new Map();
  let seq = 0, buf = '';
  const s = net.connect({ host, port: +port }, () => {
    fs.writeSync(fd, `${Date.now()} ${Date.now()} connected ${s.localPort}\n`);
    const tick = setInterval(() => { seq++; sent.set(seq, Date.now()); s.write(`${seq}\n`); }, +iv);
    setTimeout(() => { clearInterval(tick); s.end(); process.exit(0); }, +max * 1000);
  });
  s.setEncoding('utf8');
  s.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const n = +buf.slice(0, i); buf = buf.slice(i + 1);
      fs.writeSync(fd, `${sent.get(n) || 0} ${Date.now()} ok ${n}\n`);
      sent.delete(n);
    }
  });
  const bad = (c) => { fs.writeSync(fd, `${Date.now()} ${Date.now()} ERR ${c}\n`); process.exit(0); };
  s.on('error', (e) => bad(e.code || e.message));
  s.on('close', () => bad('CLOSED'));
} else {
  process.stderr.write('usage: client.cjs http URL LOG IV_MS TO_MS MAX_S | echo HOST PORT LOG IV_MS MAX_S\n');
  process.exit(2);
}
