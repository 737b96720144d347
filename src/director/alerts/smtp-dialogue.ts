/**
 * The SMTP client dialogue, pure: a reply parser (multi-line "250-…" replies,
 * split across reads) and a state machine that says what to send next.
 * greeting 220 → EHLO (HELO if EHLO is refused) → MAIL FROM → RCPT TO per
 * recipient → DATA → message → QUIT. The socket lives in smtp-client.ts.
 */
import { LvshaError } from '../../errors.ts';

export interface SmtpReply { code: number; lines: string[] }

/** The server said something we cannot go on from (stage and reply in context). */
export class SmtpError extends LvshaError {
  readonly stage: string;
  readonly reply: SmtpReply | undefined;
  constructor(message: string, stage: string, reply?: SmtpReply) {
    super(message, { stage, code: reply?.code, reply: reply?.lines.join(' | ') });
    this.stage = stage;
    this.reply = reply;
  }
}

export function formatReply(r: SmtpReply): string {
  return `${r.code} ${r.lines.join(' ')}`.trim();
}

/** Splits the byte stream into replies; a line that is not "NNN[ -]text" is a protocol error. */
export class ReplyParser {
  #buf = '';
  #lines: string[] = [];

  push(chunk: string): SmtpReply[] {
    this.#buf += chunk;
    const out: SmtpReply[] = [];
    let nl: number;
    while ((nl = this.#buf.indexOf('\n')) >= 0) {
      const line = this.#buf.slice(0, nl).replace(/\r$/, '');
      this.#buf = this.#buf.slice(nl + 1);
      const m = /^(\d{3})([ -]|$)(.*)$/.exec(line);
      if (!m) throw new SmtpError(`malformed SMTP reply line "${line.slice(0, 80)}"`, 'reply');
      this.#lines.push(m[3]!);
      if (m[2] !== '-') {
        out.push({ code: Number(m[1]), lines: this.#lines });
        this.#lines = [];
      }
    }
    if (this.#buf.length > 4096) throw new SmtpError('SMTP reply line longer than 4096 bytes', 'reply');
    return out;
  }
}

export interface Envelope {
  /** EHLO/HELO argument. */
  helo: string;
  sender: string;
  recipients: readonly string[];
  /** smtpData() output: CRLF, dot-stuffed, with the terminator. */
  data: string;
}

type State = 'greeting' | 'ehlo' | 'helo' | 'mail' | 'rcpt' | 'data' | 'body' | 'quit' | 'abort' | 'done';

export type Step =
  | { kind: 'send'; text: string }
  | { kind: 'done'; result: DialogueResult };

export interface DialogueResult {
  ok: boolean;
  /** Why it failed (ok=false). */
  error?: SmtpError;
  /** Recipients the server refused (the message went to the others). */
  rejected: { recipient: string; reply: string }[];
}

const pos = (r: SmtpReply) => r.code >= 200 && r.code < 300;

export class SmtpDialogue {
  #env: Envelope;
  #state: State = 'greeting';
  #rcpt = 0;
  #accepted = 0;
  #rejected: DialogueResult['rejected'] = [];
  #error: SmtpError | undefined;
  #sent = false;

  constructor(env: Envelope) {
    if (env.recipients.length === 0) throw new SmtpError('no recipient address in emailalert', 'envelope');
    this.#env = env;
  }

  get state(): string { return this.#state; }

  /** Feed one reply; returns what to send next, or the end. */
  onReply(r: SmtpReply): Step {
    const e = this.#env;
    switch (this.#state) {
      case 'greeting':
        if (r.code !== 220) return this.#fail('greeting', r);
        return this.#go('ehlo', `EHLO ${e.helo}`);
      case 'ehlo':
        if (pos(r)) return this.#go('mail', `MAIL FROM:<${e.sender}>`);
        // an old server that does not know EHLO answers 5xx: fall back to HELO (as Net::SMTP does)
        if (r.code >= 500) return this.#go('helo', `HELO ${e.helo}`);
        return this.#fail('EHLO', r);
      case 'helo':
        if (!pos(r)) return this.#fail('HELO', r);
        return this.#go('mail', `MAIL FROM:<${e.sender}>`);
      case 'mail':
        if (!pos(r)) return this.#fail('MAIL FROM', r);
        return this.#go('rcpt', `RCPT TO:<${e.recipients[0]}>`);
      case 'rcpt': {
        const who = e.recipients[this.#rcpt]!;
        if (pos(r)) this.#accepted++;
        else this.#rejected.push({ recipient: who, reply: formatReply(r) });
        this.#rcpt++;
        if (this.#rcpt < e.recipients.length) return this.#go('rcpt', `RCPT TO:<${e.recipients[this.#rcpt]}>`);
        if (this.#accepted === 0) return this.#fail('RCPT TO', r, 'the server refused every recipient');
        return this.#go('data', 'DATA');
      }
      case 'data':
        if (r.code !== 354) return this.#fail('DATA', r);
        this.#state = 'body';
        return { kind: 'send', text: e.data };
      case 'body':
        if (!pos(r)) return this.#fail('message', r);
        this.#sent = true;
        return this.#go('quit', 'QUIT');
      case 'quit':
      case 'abort':
        // the answer to QUIT does not change the outcome
        return this.#end();
      case 'done':
        return this.#end();
    }
  }

  #go(state: State, line: string): Step {
    this.#state = state;
    return { kind: 'send', text: `${line}\r\n` };
  }

  #fail(stage: string, r: SmtpReply, why?: string): Step {
    this.#error = new SmtpError(`${why ?? `${stage} refused`}: ${formatReply(r)}`, stage, r);
    this.#state = 'abort';
    return { kind: 'send', text: 'QUIT\r\n' };
  }

  #end(): Step {
    this.#state = 'done';
    const result: DialogueResult = { ok: this.#sent, rejected: this.#rejected };
    if (this.#error) result.error = this.#error;
    return { kind: 'done', result };
  }

  /** Outcome when the connection ends early: sent if the server had accepted the message. */
  result(): DialogueResult {
    const r: DialogueResult = { ok: this.#sent, rejected: this.#rejected };
    if (this.#error) r.error = this.#error;
    return r;
  }
}

/** smtp= "host", "host:port", "[v6]:port" or "[v6]" → host and port (25 by default). */
export function parseSmtpServer(s: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : 25 };
  const m = /^([^:]+)(?::(\d+))?$/.exec(s);
  if (m) return { host: m[1]!, port: m[2] ? Number(m[2]) : 25 };
  return { host: s, port: 25 };
}
