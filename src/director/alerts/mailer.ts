/**
 * AlertMailer: takes alerts from the daemon, keeps the ones emailalert /
 * emailalertstatus want, and sends them in the background, one at a time
 * (SMTP relay per smtp=, else sendmail). The check loop never waits for mail:
 * send() only queues. Failures are logged, never thrown; a missing sendmail
 * is logged once. drain() lets a clean stop flush what is queued, bounded.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import type { DaemonLog } from '../daemon-log.ts';
import type { DirectorConfig } from '../model.ts';
import { composeAlert, type MailMessage } from './message.ts';
import { wantsMail, type Alert } from './policy.ts';
import { sendSmtp } from './smtp-client.ts';
import { DEFAULT_SENDMAIL, sendViaSendmail } from './sendmail.ts';

export interface AlertMailerOptions {
  log: Pick<DaemonLog, 'info' | 'err'>;
  /** The sendmail program (tests give a fake one); default /usr/sbin/sendmail. */
  sendmailPath?: string;
  hostname?: string;
  user?: string;
  /** Per-message deadline, ms (default 30 s). */
  timeoutMs?: number;
  /** Mails waiting beyond this are dropped (a dead relay must not grow memory). Default 200. */
  maxQueue?: number;
}

interface Job { smtp: string | undefined; msg: MailMessage }

function currentUser(): string {
  try { return userInfo().username; } catch { return 'root'; }
}

export class AlertMailer {
  readonly #log: AlertMailerOptions['log'];
  readonly #sendmail: string;
  readonly #hostname: string;
  readonly #user: string;
  readonly #timeoutMs: number;
  readonly #maxQueue: number;
  #queue: Job[] = [];
  #running: Promise<void> | undefined;
  #dropped = 0;
  #sendmailMissingLogged = false;
  #seq = 0;

  constructor(opts: AlertMailerOptions) {
    this.#log = opts.log;
    this.#sendmail = opts.sendmailPath ?? DEFAULT_SENDMAIL;
    this.#hostname = opts.hostname ?? osHostname();
    this.#user = opts.user ?? currentUser();
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#maxQueue = opts.maxQueue ?? 200;
  }

  /** Queue the alerts the configuration wants mailed; returns at once. */
  send(alerts: readonly Alert[], cfg: DirectorConfig): void {
    for (const a of alerts) {
      const v = cfg.virtuals.find((x) => x.id === a.virtual);
      if (!v || !wantsMail(v.alert, a.phase)) continue;
      this.#log.info(`emailalert: ${a.subject}`);
      const transport = v.alert.smtp !== undefined ? 'smtp' : 'sendmail';
      const msg = composeAlert({
        settings: v.alert, subject: a.subject, phase: a.phase, hostname: this.#hostname, user: this.#user,
        from: cfg.emailalertfrom, date: new Date(),
        ...(transport === 'smtp' ? { messageId: `${Date.now()}.${process.pid}.${++this.#seq}.ldirectord@${this.#hostname}` } : {}),
      }, transport);
      if (msg.recipients.length === 0) { this.#log.err(`emailalert: no address in "${v.alert.to}" (${cfg.file}:${v.line}); not sent: ${msg.subject}`); continue; }
      if (this.#queue.length >= this.#maxQueue) { this.#dropped++; continue; }
      this.#queue.push({ smtp: v.alert.smtp, msg });
    }
    if (this.#dropped > 0) {
      this.#log.err(`emailalert: ${this.#dropped} alert(s) dropped: ${this.#queue.length} still waiting for the mail server`);
      this.#dropped = 0;
    }
    this.#kick();
  }

  /** Mails queued or in flight. */
  get pending(): number { return this.#queue.length + (this.#running ? 1 : 0); }

  /** Wait until the queue is empty, at most `ms`; returns how many were left. */
  async drain(ms: number): Promise<number> {
    const end = Date.now() + ms;
    while (this.#running && Date.now() < end) {
      await Promise.race([this.#running, new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())).unref())]);
    }
    const left = this.pending;
    if (left > 0) this.#log.err(`emailalert: ${left} alert(s) not sent: stopping`);
    return left;
  }

  #kick(): void {
    if (this.#running || this.#queue.length === 0) return;
    this.#running = (async () => {
      let job: Job | undefined;
      while ((job = this.#queue.shift()) !== undefined) {
        try { await this.#deliver(job); } catch (e) { this.#log.err(`emailalert: ${(e as Error).message}`); }
      }
    })().finally(() => { this.#running = undefined; this.#kick(); });
  }

  async #deliver({ smtp, msg }: Job): Promise<void> {
    if (smtp !== undefined) {
      const r = await sendSmtp(smtp, msg, { helo: this.#hostname, timeoutMs: this.#timeoutMs });
      for (const x of r.rejected) this.#log.err(`emailalert: ${smtp} refused recipient ${x.recipient}: ${x.reply}`);
      if (!r.ok) this.#log.err(`emailalert: failed to send SMTP email message via ${smtp}: ${r.error?.message ?? 'unknown error'} (subject: ${msg.subject})`);
      return;
    }
    const r = await sendViaSendmail(this.#sendmail, msg, this.#timeoutMs);
    if (r.ok) { this.#sendmailMissingLogged = false; return; }
    if (r.error.name === 'NotInstalledError') {
      if (this.#sendmailMissingLogged) return; // said once; every further alert would repeat it
      this.#sendmailMissingLogged = true;
    }
    this.#log.err(`emailalert: failed to send email message: ${r.error.message} (subject: ${msg.subject})`);
  }
}
