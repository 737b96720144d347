// The sendmail transport (no smtp=): a fake sendmail given by path records its
// arguments and stdin; a missing one is reported once; a failing one is logged.
import t from 'tap';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertMailer } from '../../../../src/director/alerts/mailer.ts';
import { configOf, recordingLog } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-sendmail-'));

function fakeSendmail(body: string): string {
  const p = join(dir, `sendmail-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const cf = (extra = '') => `emailalert="lvs-admin@example.test, oncall@example.test"\n${extra}virtual=10.90.0.15:80\n\treal=10.91.0.1:80 gate\n\tchecktype=connect\n`;

t.test('sendmail -t gets the message on stdin; From only with emailalertfrom', async (t) => {
  const out = join(dir, 'out1');
  const sm = fakeSendmail(`printf '%s\\n' "$@" > ${out}.args; cat > ${out}.stdin`);
  const log = recordingLog();
  const mailer = new AlertMailer({ log, sendmailPath: sm, hostname: 'director1', user: 'root' });
  const cfg = configOf(cf());
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'Deleted real server: 10.91.0.1:80 (10.90.0.15:80)', phase: 'running' }], cfg);
  t.equal(await mailer.drain(10_000), 0);
  t.equal(readFileSync(`${out}.args`, 'utf8'), '-t\n-oi\n', 'recipients come from To: (-t), as Mail::Send runs it');
  t.equal(readFileSync(`${out}.stdin`, 'utf8').replace(/^Date: .*$/m, 'Date: <date>'), [
    'To: lvs-admin@example.test, oncall@example.test',
    'Subject: Deleted real server: 10.91.0.1:80 (10.90.0.15:80)',
    'Date: <date>',
    '',
    'ldirectord host: director1',
    'Log-Message: Deleted real server: 10.91.0.1:80 (10.90.0.15:80)',
    'Daemon-Status: running',
    '',
  ].join('\n'), 'no From: sendmail fills in its own; no Message-ID: sendmail adds it');
  t.same(log.lines, ['info: emailalert: Deleted real server: 10.91.0.1:80 (10.90.0.15:80)']);

  const out2 = join(dir, 'out2');
  const sm2 = fakeSendmail(`cat > ${out2}.stdin`);
  const m2 = new AlertMailer({ log: recordingLog(), sendmailPath: sm2, hostname: 'director1', user: 'root' });
  const cfg2 = configOf(cf('emailalertfrom=LVS <lvs@example.test>\n'));
  m2.send([{ virtual: cfg2.virtuals[0]!.id, subject: 'x', phase: 'starting' }], cfg2);
  await m2.drain(10_000);
  t.match(readFileSync(`${out2}.stdin`, 'utf8'), /^From: LVS <lvs@example\.test>\nTo: lvs-admin@example\.test, oncall@example\.test\nSubject: x\n/);
});

t.test('a missing sendmail is logged once, with what to do', async (t) => {
  const log = recordingLog();
  const missing = join(dir, 'no-such-sendmail');
  const mailer = new AlertMailer({ log, sendmailPath: missing, hostname: 'director1', user: 'root' });
  const cfg = configOf(cf());
  const v = cfg.virtuals[0]!.id;
  mailer.send([{ virtual: v, subject: 'first', phase: 'running' }, { virtual: v, subject: 'second', phase: 'running' }], cfg);
  t.equal(await mailer.drain(10_000), 0);
  mailer.send([{ virtual: v, subject: 'third', phase: 'running' }], cfg);
  await mailer.drain(10_000);
  const errs = log.lines.filter((l) => l.startsWith('err: '));
  t.equal(errs.length, 1, 'one error for three alerts');
  t.match(errs[0], new RegExp(`cannot run ${missing} \\(ENOENT\\): install an MTA that provides it \\(apt-get install postfix, or exim4-daemon-light\\), or set smtp=<relay host>`));
  t.notOk(existsSync(missing));
});

t.test('a failing sendmail: exit status and its message are logged', async (t) => {
  const log = recordingLog();
  const sm = fakeSendmail('cat >/dev/null; echo "sendmail: fatal: no relay configured" >&2; exit 75');
  const mailer = new AlertMailer({ log, sendmailPath: sm, hostname: 'director1', user: 'root' });
  const cfg = configOf(cf());
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'Quiescent real server: 10.91.0.1:80 (10.90.0.15:80) (Weight set to 0)', phase: 'running' }], cfg);
  await mailer.drain(10_000);
  t.match(log.lines.at(-1), /^err: emailalert: failed to send email message: .* -t failed \(75\): sendmail: fatal: no relay configured \(subject: Quiescent real server/);
});

t.test('a sendmail that hangs is cut off by the timeout', async (t) => {
  const log = recordingLog();
  const sm = fakeSendmail('exec sleep 30');
  const mailer = new AlertMailer({ log, sendmailPath: sm, hostname: 'director1', user: 'root', timeoutMs: 300 });
  const cfg = configOf(cf());
  mailer.send([{ virtual: cfg.virtuals[0]!.id, subject: 'x', phase: 'running' }], cfg);
  t.equal(await mailer.drain(10_000), 0);
  t.match(log.lines.at(-1), /did not finish within 0\.3 s/);
});
