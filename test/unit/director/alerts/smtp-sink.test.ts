// The SMTP transport against a real SMTP server on 127.0.0.1 (a node:net sink in this test):
// the exact dialogue, the exact message on the wire, dot-stuffing, and every way it can fail.
import t from 'tap';
import { createServer } from 'node:net';
import { AlertMailer } from '../../../../src/director/alerts/mailer.ts';
import { sendSmtp } from '../../../../src/director/alerts/smtp-client.ts';
import { configOf, recordingLog, until } from './helpers.ts';
import { startSink } from './smtp-sink.ts';

const cf = (port: number, extra = '') => `emailalert="lvs-admin@example.test, Oncall <oncall@example.test>"
emailalertfrom="ldirectord" <ldirectord@example.test>
smtp=127.0.0.1:${port}
${extra}
virtual=10.90.0.15:80
\treal=10.91.0.1:80 gate
\tchecktype=connect
\tservicename=web-frontend
\tcomment=Front-end web pool, call the web team
`;

const normalise = (data: string) => data
  .replace(/^Date: .*$/m, 'Date: <date>')
  .replace(/^Message-ID: <[^>]+>/m, 'Message-ID: <id>');

t.test('alert over SMTP: exact dialogue and message', async (t) => {
  const sink = await startSink();
  t.teardown(() => sink.close());
  const cfg = configOf(cf(sink.port));
  const log = recordingLog();
  const mailer = new AlertMailer({ log, hostname: 'director1', user: 'root' });
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'Deleted real server: 10.91.0.1:80 (10.90.0.15:80)', phase: 'running' }], cfg);
  t.equal(mailer.pending, 1, 'send() only queues: the caller does not wait for the relay');
  t.ok(await sink.waitFor(1), 'the session ended with QUIT');
  t.same(sink.sessions[0]!.transcript, [
    'S: 220 sink.test ESMTP',
    'C: EHLO director1',
    'S: 250-sink.test', 'S: 250-PIPELINING', 'S: 250 8BITMIME',
    'C: MAIL FROM:<ldirectord@example.test>',
    'S: 250 2.1.0 Ok',
    'C: RCPT TO:<lvs-admin@example.test>',
    'S: 250 2.1.5 Ok',
    'C: RCPT TO:<oncall@example.test>',
    'S: 250 2.1.5 Ok',
    'C: DATA',
    'S: 354 End data with <CR><LF>.<CR><LF>',
    'C: <message>',
    'S: 250 2.0.0 Ok: queued as 1',
    'C: QUIT',
    'S: 221 2.0.0 Bye',
  ]);
  const data = sink.sessions[0]!.data[0]!;
  t.equal(normalise(data), [
    'From: "ldirectord" <ldirectord@example.test>',
    'To: lvs-admin@example.test, Oncall <oncall@example.test>',
    'Subject: [web-frontend] Deleted real server: 10.91.0.1:80 (10.90.0.15:80)',
    'Date: <date>',
    'Message-ID: <id>',
    '',
    'ldirectord host: director1',
    'Log-Message: [web-frontend] Deleted real server: 10.91.0.1:80 (10.90.0.15:80)',
    'Daemon-Status: running',
    '',
    'Service name: web-frontend',
    'Comment: Front-end web pool, call the web team',
    '',
    '.',
    '',
  ].join('\r\n'));
  t.match(data, /^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r$/m, 'RFC 5322 date');
  t.match(data, /^Message-ID: <\d+\.\d+\.1\.ldirectord@director1>\r$/m);
  t.ok(await until(() => mailer.pending === 0));
  t.same(log.lines, ['info: emailalert: Deleted real server: 10.91.0.1:80 (10.90.0.15:80)'], 'logged as ldirectord does; no error');
});

t.test('without emailalertfrom the sender is user@host, as ldirectord Net::SMTP path', async (t) => {
  const sink = await startSink();
  t.teardown(() => sink.close());
  const cfg = configOf(cf(sink.port).replace(/^emailalertfrom=.*\n/m, ''));
  const mailer = new AlertMailer({ log: recordingLog(), hostname: 'director1', user: 'root' });
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'Added real server: 10.91.0.1:80 (10.90.0.15:80) (Weight set to 1)', phase: 'starting' }], cfg);
  t.ok(await sink.waitFor(1));
  t.ok(sink.sessions[0]!.transcript.includes('C: MAIL FROM:<root@director1>'));
  t.match(sink.sessions[0]!.data[0]!, /^From: root@director1\r\nTo: /);
  t.match(sink.sessions[0]!.data[0]!, /\r\nDaemon-Status: starting\r\n/);
});

t.test('dot-stuffing on the wire', async (t) => {
  const sink = await startSink();
  t.teardown(() => sink.close());
  const r = await sendSmtp(`127.0.0.1:${sink.port}`, { sender: 'a@example.test', recipients: ['b@example.test'], subject: 's', text: 'Subject: s\n\nfirst\n.second\n.\n..third\nlast' }, { helo: 'director1' });
  t.same(r, { ok: true, rejected: [] });
  t.equal(sink.sessions[0]!.data[0], 'Subject: s\r\n\r\nfirst\r\n..second\r\n..\r\n...third\r\nlast\r\n.\r\n', 'leading dots doubled, CRLF, terminator');
});

t.test('an old server without EHLO gets HELO', async (t) => {
  const sink = await startSink({ noEhlo: true });
  t.teardown(() => sink.close());
  const r = await sendSmtp(`127.0.0.1:${sink.port}`, { sender: 'a@example.test', recipients: ['b@example.test'], subject: 's', text: 'Subject: s\n\nx\n' }, { helo: 'director1' });
  t.equal(r.ok, true);
  t.same(sink.sessions[0]!.transcript.slice(0, 6), ['S: 220 sink.test ESMTP', 'C: EHLO director1', 'S: 502 5.5.2 Error: command not recognized', 'C: HELO director1', 'S: 250 sink.test', 'C: MAIL FROM:<a@example.test>']);
});

t.test('a refused recipient: the others still get it, the refusal is logged', async (t) => {
  const sink = await startSink({ refuse: ['oncall@example.test'] });
  t.teardown(() => sink.close());
  const cfg = configOf(cf(sink.port));
  const log = recordingLog();
  const mailer = new AlertMailer({ log, hostname: 'director1', user: 'root' });
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'Inaccessible real server: 10.91.0.1:80 (10.90.0.15:80)', phase: 'running' }], cfg);
  t.ok(await sink.waitFor(1));
  t.ok(await until(() => mailer.pending === 0));
  t.equal(sink.sessions[0]!.data.length, 1, 'message sent');
  t.match(log.lines, [/emailalert: Inaccessible/, new RegExp(`err: emailalert: 127\\.0\\.0\\.1:${sink.port} refused recipient oncall@example\\.test: 550 5\\.1\\.1`)]);
});

t.test('every recipient refused: no DATA, QUIT, error logged', async (t) => {
  const sink = await startSink({ refuse: ['x@example.test'] });
  t.teardown(() => sink.close());
  const r = await sendSmtp(`127.0.0.1:${sink.port}`, { sender: 'a@example.test', recipients: ['x@example.test'], subject: 's', text: 'x\n' }, { helo: 'h' });
  t.equal(r.ok, false);
  t.match(r.error?.message, /refused every recipient: 550/);
  t.equal(r.error?.context['stage'], 'RCPT TO');
  t.notOk(sink.sessions[0]!.transcript.includes('C: DATA'));
  t.equal(sink.sessions[0]!.transcript.at(-2), 'C: QUIT');
});

t.test('a server that refuses us at the greeting', async (t) => {
  const sink = await startSink({ greeting: '554 5.3.2 go away' });
  t.teardown(() => sink.close());
  const r = await sendSmtp(`127.0.0.1:${sink.port}`, { sender: 'a@example.test', recipients: ['b@example.test'], subject: 's', text: 'x\n' }, { helo: 'h' });
  t.equal(r.ok, false);
  t.match(r.error?.message, /greeting refused: 554 5\.3\.2 go away/);
});

t.test('a hung server times out; a closed port is refused; neither throws', async (t) => {
  const sink = await startSink({ silent: true });
  t.teardown(() => sink.close());
  const cfg = configOf(cf(sink.port));
  const log = recordingLog();
  const mailer = new AlertMailer({ log, hostname: 'director1', user: 'root', timeoutMs: 500 });
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'Deleted real server: 10.91.0.1:80 (10.90.0.15:80)', phase: 'running' }], cfg);
  t.ok(await until(() => mailer.pending === 0, 5000));
  t.match(log.lines.at(-1), /^err: emailalert: failed to send SMTP email message via 127\.0\.0\.1:\d+: no answer from 127\.0\.0\.1:\d+ within 0\.5 s \(at greeting\) \(subject: \[web-frontend\] Deleted real server/);

  // a port nobody listens on
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const dead = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const r = await sendSmtp(`127.0.0.1:${dead}`, { sender: 'a@example.test', recipients: ['b@example.test'], subject: 's', text: 'x\n' }, { helo: 'h' });
  t.equal(r.ok, false);
  t.match(r.error?.message, /ECONNREFUSED/);
  t.equal(r.error?.context['stage'], 'connect');
});

t.test('emailalertstatus and an empty emailalert keep mail from going out', async (t) => {
  const sink = await startSink();
  t.teardown(() => sink.close());
  const cfg = configOf(cf(sink.port, 'emailalertstatus=starting,stopping'));
  const log = recordingLog();
  const mailer = new AlertMailer({ log, hostname: 'director1', user: 'root' });
  const v = cfg.virtuals[0]!.id;
  mailer.send([{ virtual: v, subject: 'not in running', phase: 'running' }, { virtual: v, subject: 'not in reloading', phase: 'reloading' }], cfg);
  t.equal(mailer.pending, 0);
  mailer.send([{ virtual: v, subject: 'stopping is listed', phase: 'stopping' }], cfg);
  t.equal(await mailer.drain(5000), 0, 'drained');
  t.equal(sink.sessions.length, 1);
  t.same(log.lines, ['info: emailalert: stopping is listed']);
});
