/** checktype=connect: a TCP connect (ldirectord: UDP virtuals are pinged instead, see run.ts). */
import net from 'node:net';
import { CheckFailure, abortMessage, errText, stripBrackets } from './conn.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export function checkConnect(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const { signal } = ctx;
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new CheckFailure(abortMessage(signal))); return; }
    const sock = net.connect({ host: stripBrackets(spec.host), port: spec.port });
    const onAbort = () => { sock.destroy(); reject(new CheckFailure(`connect: ${abortMessage(signal)}`)); };
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      // Plain close like ldirectord's close($sock); resetOnDestroy would spare a TIME_WAIT but looks like an error to servers.
      sock.destroy();
      resolve('connected');
    });
    sock.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(new CheckFailure(`connect: ${errText(e)}`));
    });
  });
}
