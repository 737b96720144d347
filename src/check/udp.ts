/** One UDP request/response exchange bounded by the check's signal, with retransmission. */
import dgram from 'node:dgram';
import net from 'node:net';
import { CheckFailure, abortMessage, errText, stripBrackets } from './conn.ts';

export interface UdpExchange {
  host: string;
  port: number;
  signal: AbortSignal;
  /** Builds the datagram; gets the local address/port (SIP needs them in Via). */
  build: (local: { address: string; port: number }) => Uint8Array;
  /** Returns true to accept a reply (ids must match); false to keep waiting. */
  accept: (msg: Buffer) => boolean;
  /** First retransmit delay, doubled each time; 0 = never retransmit. */
  retransmitMs?: number;
}

export function udpExchange(o: UdpExchange): Promise<Buffer> {
  const host = stripBrackets(o.host);
  return new Promise((resolve, reject) => {
    if (o.signal.aborted) { reject(new CheckFailure(abortMessage(o.signal))); return; }
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let timer: NodeJS.Timeout | undefined;
    let payload: Uint8Array | undefined;
    const finish = (err: Error | undefined, msg?: Buffer) => {
      o.signal.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      try { sock.close(); } catch { /* already closed */ }
      if (err) reject(err); else resolve(msg!);
    };
    const onAbort = () => finish(new CheckFailure(abortMessage(o.signal)));
    o.signal.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (e) => finish(new CheckFailure(errText(e))));
    sock.on('message', (msg) => {
      let ok = false;
      try { ok = o.accept(msg); } catch (e) { finish(e instanceof Error ? e : new CheckFailure(String(e))); return; }
      if (ok) finish(undefined, msg);
    });
    // A connect that fails at once (no route to the real: ENETUNREACH; a broadcast address:
    // EACCES) reaches only this callback, with no 'error' event; sending on the unconnected
    // socket then threw outside the check and killed the daemon.
    sock.connect(o.port, host, (err?: Error) => {
      if (err) { finish(new CheckFailure(errText(err))); return; }
      const a = sock.address();
      payload = o.build({ address: a.address, port: a.port });
      let delay = o.retransmitMs ?? 1000;
      const send = () => {
        sock.send(payload!, (e) => { if (e) finish(new CheckFailure(errText(e))); });
        if (delay > 0) { timer = setTimeout(send, delay); delay *= 2; }
      };
      send();
    });
  });
}
