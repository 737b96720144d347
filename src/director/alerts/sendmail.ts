/**
 * Sends one message through the local MTA the way Mail::Send does without
 * smtp=: `sendmail -t` (recipients from the To: header) with the message on
 * stdin. `-oi` keeps a lone "." line from ending the message early.
 * Bounded by a timeout; never throws (the result says what happened).
 */
import { spawn } from 'node:child_process';
import { LvshaError, NotInstalledError } from '../../errors.ts';
import type { MailMessage } from './message.ts';

export const DEFAULT_SENDMAIL = '/usr/sbin/sendmail';

export class SendmailError extends LvshaError {}

export type SendmailResult = { ok: true } | { ok: false; error: SendmailError | NotInstalledError };

export function sendViaSendmail(path: string, msg: MailMessage, timeoutMs = 30_000): Promise<SendmailResult> {
  return new Promise((resolve) => {
    let settled = false;
    let stderr = '';
    const done = (r: SendmailResult): void => { if (!settled) { settled = true; clearTimeout(timer); resolve(r); } };
    const child = spawn(path, ['-t', '-oi'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      done({ ok: false, error: new SendmailError(`${path} -t did not finish within ${timeoutMs / 1000} s`, { path }) });
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') {
        done({ ok: false, error: new NotInstalledError(`cannot run ${path} (${e.code}): install an MTA that provides it (apt-get install postfix, or exim4-daemon-light), or set smtp=<relay host> in the configuration`, { path, errno: e.code }) });
      } else done({ ok: false, error: new SendmailError(`${path}: ${e.message}`, { path, errno: e.code }) });
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => { if (stderr.length < 2000) stderr += s; });
    // a sendmail that exits before reading stdin gives EPIPE here; its exit status tells the story
    child.stdin!.on('error', () => {});
    child.stdin!.end(msg.text);
    child.on('close', (code, signal) => {
      if (code === 0) done({ ok: true });
      else done({ ok: false, error: new SendmailError(`${path} -t failed (${code ?? signal})${stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : ''}`, { path, code, signal }) });
    });
  });
}
