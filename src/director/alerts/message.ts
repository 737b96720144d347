/**
 * The alert e-mail, pure: the headers and body ldirectord writes
 * (ld_emailalert_net_smtp / ld_emailalert_mail_send), plus the envelope and
 * the SMTP DATA encoding (CRLF, dot-stuffing). No I/O.
 */
import type { AlertSettings, DaemonPhase } from '../model.ts';

export interface MailInput {
  settings: Pick<AlertSettings, 'to' | 'servicename' | 'comment'>;
  /** ldirectord's subject, without the servicename prefix. */
  subject: string;
  phase: DaemonPhase;
  /** This director's host name ("ldirectord host:", default sender domain, EHLO). */
  hostname: string;
  /** The user the daemon runs as (default sender, as ldirectord's getpwuid($<)). */
  user: string;
  /** emailalertfrom=, as written ("ldirectord" <lvs@example.com> is fine). */
  from: string | undefined;
  date: Date;
  /** Message-ID without brackets; omitted when undefined (sendmail adds its own). */
  messageId?: string;
}

export interface MailMessage {
  /** Envelope sender (MAIL FROM). */
  sender: string;
  /** Envelope recipients (one RCPT TO each). */
  recipients: string[];
  /** Subject as sent (with the [servicename] prefix), for logs. */
  subject: string;
  /** Headers and body, LF line ends. */
  text: string;
}

/** The bare address of "Name <a@b>" or "a@b". */
export function bareAddress(s: string): string {
  const m = /<([^>]*)>/.exec(s);
  return (m ? m[1]! : s).trim();
}

/**
 * emailalert="a@b, Name <c@d>" → ['a@b', 'c@d'] (ldirectord's Net::SMTP path sent the
 * whole string as one RCPT). Commas inside "quotes" or <brackets> do not split.
 */
export function parseRecipients(to: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (const ch of to) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle = true;
    else if (!quoted && ch === '>') angle = false;
    if (ch === ',' && !quoted && !angle) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts.map(bareAddress).filter((a) => a !== '');
}

/** Header values are one line: a CR/LF in a config value must not start a new header. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+\s*/g, ' ').trim();
}

const ASCII = /^[\x20-\x7e]*$/;

/** RFC 2047 for a non-ASCII subject (servicename= may be any text). */
function encodeHeader(s: string): string {
  return ASCII.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/** RFC 5322 date: "Sun, 22 Nov 2026 06:46:03 +0000". */
export function rfc5322Date(d: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]!;
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const tz = `${off >= 0 ? '+' : '-'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${day}, ${p(d.getDate())} ${mon} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${tz}`;
}

/**
 * ldirectord's message. `transport` matters for From: over SMTP it is always
 * set (emailalertfrom, else user@host, as Net::SMTP's path does); for sendmail
 * only with emailalertfrom (sendmail fills in its own, as Mail::Send leaves it).
 */
export function composeAlert(m: MailInput, transport: 'smtp' | 'sendmail'): MailMessage {
  const subject = oneLine(m.settings.servicename ? `[${m.settings.servicename}] ${m.subject}` : m.subject);
  const fallbackFrom = `${m.user}@${m.hostname}`;
  const from = m.from !== undefined && m.from.trim() !== '' ? oneLine(m.from) : undefined;
  const headers: string[] = [];
  if (from !== undefined || transport === 'smtp') headers.push(`From: ${from ?? fallbackFrom}`);
  headers.push(`To: ${oneLine(m.settings.to)}`, `Subject: ${encodeHeader(subject)}`, `Date: ${rfc5322Date(m.date)}`);
  if (m.messageId !== undefined) headers.push(`Message-ID: <${m.messageId}>`);
  let details = '';
  if (m.settings.servicename) details += `Service name: ${m.settings.servicename}\n`;
  if (m.settings.comment) details += `Comment: ${m.settings.comment}\n`;
  const body = `ldirectord host: ${m.hostname}\nLog-Message: ${subject}\nDaemon-Status: ${m.phase}\n` + (details ? `\n${details}\n` : '');
  if (!ASCII.test(body.replace(/\n/g, ''))) headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit');
  const senderAddr = from !== undefined ? bareAddress(from) : '';
  return {
    sender: senderAddr.includes('@') ? senderAddr : fallbackFrom,
    recipients: parseRecipients(m.settings.to),
    subject,
    text: `${headers.join('\n')}\n\n${body}`,
  };
}

/** SMTP DATA payload: CRLF line ends, a leading "." doubled (RFC 5321 4.5.2), then the ".\r\n" terminator. */
export function smtpData(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n') + '\r\n.\r\n';
}
