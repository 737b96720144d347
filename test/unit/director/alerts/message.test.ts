import t from 'tap';
import { bareAddress, composeAlert, parseRecipients, rfc5322Date, smtpData } from '../../../../src/director/alerts/message.ts';

const base = {
  settings: { to: 'a@example.test', servicename: undefined, comment: undefined },
  subject: 'Deleted real server: 10.0.1.1:80 (10.0.0.1:80)', phase: 'running' as const,
  hostname: 'director1', user: 'root', from: undefined, date: new Date(2026, 10, 22, 6, 5, 4),
};

t.test('recipients and addresses', async (t) => {
  t.same(parseRecipients('a@example.test, b@example.test'), ['a@example.test', 'b@example.test']);
  t.same(parseRecipients(' "Ops, Night" <ops@example.test> ,x@example.test,, '), ['ops@example.test', 'x@example.test'], 'a comma in a quoted name does not split; the address in <> is used');
  t.equal(bareAddress('"ldirectord" <lvs@example.test>'), 'lvs@example.test');
  t.equal(bareAddress(' lvs@example.test '), 'lvs@example.test');
});

t.test('ldirectord body: host, Log-Message, Daemon-Status; details only with servicename/comment', async (t) => {
  const m = composeAlert(base, 'sendmail');
  t.equal(m.text, `To: a@example.test\nSubject: Deleted real server: 10.0.1.1:80 (10.0.0.1:80)\nDate: ${rfc5322Date(base.date)}\n\nldirectord host: director1\nLog-Message: Deleted real server: 10.0.1.1:80 (10.0.0.1:80)\nDaemon-Status: running\n`);
  t.equal(m.sender, 'root@director1');
  t.same(m.recipients, ['a@example.test']);
  const s = composeAlert({ ...base, settings: { to: 'a@example.test', servicename: 'web', comment: 'call Bob' }, from: 'LVS <lvs@example.test>', messageId: 'x@director1' }, 'smtp');
  t.equal(s.subject, '[web] Deleted real server: 10.0.1.1:80 (10.0.0.1:80)');
  t.equal(s.sender, 'lvs@example.test', 'envelope sender from emailalertfrom');
  t.equal(s.text, [
    'From: LVS <lvs@example.test>', 'To: a@example.test', 'Subject: [web] Deleted real server: 10.0.1.1:80 (10.0.0.1:80)',
    `Date: ${rfc5322Date(base.date)}`, 'Message-ID: <x@director1>', '',
    'ldirectord host: director1', 'Log-Message: [web] Deleted real server: 10.0.1.1:80 (10.0.0.1:80)', 'Daemon-Status: running', '',
    'Service name: web', 'Comment: call Bob', '', '',
  ].join('\n'));
});

t.test('header safety and non-ASCII', async (t) => {
  const m = composeAlert({ ...base, settings: { to: 'a@example.test\nBcc: evil@example.test', servicename: 'Café', comment: undefined } }, 'smtp');
  t.match(m.text, /^To: a@example\.test Bcc: evil@example\.test$/m, 'a newline in a value cannot start a header');
  t.notMatch(m.text, /^Bcc:/m);
  t.match(m.text, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/m, 'RFC 2047 subject');
  t.match(m.text, /^Content-Type: text\/plain; charset=UTF-8$/m);
  t.match(m.text, /^Service name: Café$/m);
  t.equal(composeAlert({ ...base, from: 'no address here' }, 'smtp').sender, 'root@director1', 'a From without an address keeps user@host as envelope sender');
});

t.test('date format', async (t) => {
  t.match(rfc5322Date(new Date(2026, 0, 5, 7, 8, 9)), /^Mon, 05 Jan 2026 07:08:09 [+-]\d{4}$/);
});

t.test('SMTP DATA encoding', async (t) => {
  t.equal(smtpData('a\n.b\n'), 'a\r\n..b\r\n.\r\n');
  t.equal(smtpData('.\n'), '..\r\n.\r\n', 'a lone dot is stuffed, not a terminator');
  t.equal(smtpData('x\r\ny'), 'x\r\ny\r\n.\r\n', 'CRLF input kept, final CRLF added');
  t.equal(smtpData(''), '\r\n.\r\n');
});
