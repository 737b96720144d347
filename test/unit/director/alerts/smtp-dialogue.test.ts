import t from 'tap';
import { ReplyParser, SmtpDialogue, SmtpError, parseSmtpServer, type Step } from '../../../../src/director/alerts/smtp-dialogue.ts';

const env = { helo: 'director1', sender: 's@example.test', recipients: ['a@example.test', 'b@example.test'], data: 'x\r\n.\r\n' };
const sent = (s: Step) => (s.kind === 'send' ? s.text : `<done ${s.result.ok}>`);

t.test('reply parser: multi-line replies, split reads, malformed lines', async (t) => {
  const p = new ReplyParser();
  t.same(p.push('220 hi\r\n250-a'), [{ code: 220, lines: ['hi'] }]);
  t.same(p.push('b\r\n250-PIPE'), []);
  t.same(p.push('LINING\r\n250 8BITMIME\r\n354 go\n'), [{ code: 250, lines: ['ab', 'PIPELINING', '8BITMIME'] }, { code: 354, lines: ['go'] }]);
  t.same(new ReplyParser().push('250\r\n'), [{ code: 250, lines: [''] }], 'bare code');
  t.throws(() => new ReplyParser().push('hello there\r\n'), SmtpError);
  t.throws(() => new ReplyParser().push('2'.repeat(5000)), /longer than 4096/);
});

t.test('dialogue: the happy path', async (t) => {
  const d = new SmtpDialogue(env);
  const steps = [
    d.onReply({ code: 220, lines: ['hi'] }), d.onReply({ code: 250, lines: ['ok'] }), d.onReply({ code: 250, lines: [] }),
    d.onReply({ code: 250, lines: [] }), d.onReply({ code: 251, lines: ['forwarded'] }), d.onReply({ code: 354, lines: [] }),
    d.onReply({ code: 250, lines: [] }), d.onReply({ code: 221, lines: [] }),
  ].map(sent);
  t.same(steps, ['EHLO director1\r\n', 'MAIL FROM:<s@example.test>\r\n', 'RCPT TO:<a@example.test>\r\n', 'RCPT TO:<b@example.test>\r\n', 'DATA\r\n', 'x\r\n.\r\n', 'QUIT\r\n', '<done true>']);
});

t.test('dialogue: failures end with QUIT and say where', async (t) => {
  const at = (replies: number[]) => {
    const d = new SmtpDialogue(env);
    let last: Step | undefined;
    for (const code of replies) last = d.onReply({ code, lines: ['text'] });
    return { d, last: last! };
  };
  let r = at([421]);
  t.equal(sent(r.last), 'QUIT\r\n');
  const end = r.d.onReply({ code: 221, lines: [] });
  t.ok(end.kind === 'done' && !end.result.ok && end.result.error?.stage === 'greeting');
  r = at([220, 250, 550]);
  t.equal(sent(r.last), 'QUIT\r\n', 'MAIL FROM refused');
  t.match(r.d.result().error?.message, /MAIL FROM refused: 550 text/);
  r = at([220, 250, 250, 550, 250, 554]);
  t.match(r.d.result().error?.message, /DATA refused: 554/);
  t.same(r.d.result().rejected, [{ recipient: 'a@example.test', reply: '550 text' }]);
  r = at([220, 250, 250, 250, 250, 354, 452]);
  t.match(r.d.result().error?.message, /message refused: 452/);
  r = at([220, 421]);
  t.match(r.d.result().error?.message, /EHLO refused: 421/, 'a 4xx to EHLO is not a reason to try HELO');
  r = at([220, 502, 250]);
  t.equal(sent(r.last), 'MAIL FROM:<s@example.test>\r\n', 'HELO after a 5xx EHLO');
  t.throws(() => new SmtpDialogue({ ...env, recipients: [] }), /no recipient/);
});

t.test('smtp= server forms', async (t) => {
  t.same(parseSmtpServer('mail.example.test'), { host: 'mail.example.test', port: 25 });
  t.same(parseSmtpServer('127.0.0.1:2525'), { host: '127.0.0.1', port: 2525 });
  t.same(parseSmtpServer('[::1]:2525'), { host: '::1', port: 2525 });
  t.same(parseSmtpServer('[fd00::25]'), { host: 'fd00::25', port: 25 });
});
