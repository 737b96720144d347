/**
 * Sends one message over SMTP with node:net, driving SmtpDialogue. Bounded by
 * one deadline for the whole transaction; never throws: the result says what
 * happened (the mailer logs it). No TLS/AUTH: ldirectord's Net::SMTP path has
 * neither, and an alert relay is normally a local or trusted MTA.
 */
import { connect } from 'node:net';
import type { MailMessage } from './message.ts';
import { smtpData } from './message.ts';
import { ReplyParser, SmtpDialogue, SmtpError, parseSmtpServer, type DialogueResult } from './smtp-dialogue.ts';

export interface SmtpSendOptions {
  /** EHLO argument: this host's name. */
  helo: string;
  /** Whole-transaction deadline, ms (default 30 s). */
  timeoutMs?: number;
}

export function sendSmtp(server: string, msg: MailMessage, opts: SmtpSendOptions): Promise<DialogueResult> {
  const { host, port } = parseSmtpServer(server);
  return new Promise((resolve) => {
    let dialogue: SmtpDialogue;
    try {
      dialogue = new SmtpDialogue({ helo: opts.helo, sender: msg.sender, recipients: msg.recipients, data: smtpData(msg.text) });
    } catch (e) {
      resolve({ ok: false, error: e as SmtpError, rejected: [] });
      return;
    }
    const parser = new ReplyParser();
    const sock = connect({ host, port });
    let settled = false;
    const finish = (r: DialogueResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const failed = (stage: string, message: string): void => {
      const r = dialogue.result();
      // the message was accepted before the connection broke: that is a success
      finish(r.ok ? r : { ok: false, error: r.error ?? new SmtpError(message, stage), rejected: r.rejected });
    };
    const timer = setTimeout(() => failed(dialogue.state, `no answer from ${host}:${port} within ${(opts.timeoutMs ?? 30_000) / 1000} s (at ${dialogue.state})`), opts.timeoutMs ?? 30_000);
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      try {
        for (const reply of parser.push(chunk)) {
          const step = dialogue.onReply(reply);
          if (step.kind === 'done') { finish(step.result); return; }
          sock.write(step.text);
        }
      } catch (e) {
        failed(dialogue.state, (e as Error).message);
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => failed(dialogue.state === 'greeting' ? 'connect' : dialogue.state, `${host}:${port}: ${e.code ?? e.message}`));
    sock.on('close', () => failed(dialogue.state, `${host}:${port} closed the connection (at ${dialogue.state})`));
  });
}
