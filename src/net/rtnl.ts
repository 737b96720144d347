/**
 * A small rtnetlink client on the raw socket of the `netlink` package. The
 * package's high-level layer costs ~40 ms to load; the raw socket ~6 ms, and
 * the codec in nl.ts is all the monitor path needs.
 */
import { NLMSG_DONE, NLMSG_ERROR, NLM_F, decodeMessages, encodeMessage, errorCode } from './nl.ts';
import type { NlMessage } from './nl.ts';

interface RawSocket {
  on(ev: 'message', fn: (msg: Buffer) => void): unknown;
  on(ev: 'error', fn: (err: Error) => void): unknown;
  send(msg: Uint8Array, opts: object, cb: (err?: Error) => void): void;
  close(): void;
}

/** errno names for the few the agent reports */
const ERRNO: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 17: 'EEXIST', 19: 'ENODEV', 22: 'EINVAL', 95: 'EOPNOTSUPP', 99: 'EADDRNOTAVAIL' };

export class NetlinkError extends Error {
  readonly errno: number;
  readonly code: string;
  constructor(errno: number, what: string) {
    const code = ERRNO[errno] ?? `errno ${errno}`;
    super(`${what}: ${code}`);
    this.errno = errno;
    this.code = code;
  }
}

export interface Rtnl {
  /** A request acknowledged by the kernel; rejects with NetlinkError. */
  ack(type: number, flags: number, payload: Uint8Array, what: string): Promise<void>;
  /** A dump (NLM_F_DUMP), or a single GET when dump is false. */
  get(type: number, payload: Uint8Array, what: string, dump?: boolean): Promise<NlMessage[]>;
  close(): void;
}

export async function openRtnl(): Promise<Rtnl> {
  const { RawNetlinkSocket } = (await import('netlink/dist/raw.js')) as unknown as { RawNetlinkSocket: new (proto: number, opts?: object) => RawSocket };
  const sock = new RawNetlinkSocket(0 /* NETLINK_ROUTE */, { recvBufferSize: 1 << 20 });
  let seq = (Date.now() & 0xffff) << 8;
  const pending = new Map<number, { msgs: NlMessage[]; done: (err: Error | null, msgs: NlMessage[]) => void; dump: boolean; what: string }>();
  sock.on('message', (buf: Buffer) => {
    for (const m of decodeMessages(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))) {
      const p = pending.get(m.seq);
      if (!p) continue;
      if (m.type === NLMSG_ERROR) {
        const e = errorCode(m);
        pending.delete(m.seq);
        p.done(e === 0 ? null : new NetlinkError(e, p.what), p.msgs);
      } else if (m.type === NLMSG_DONE) {
        pending.delete(m.seq);
        p.done(null, p.msgs);
      } else {
        p.msgs.push(m);
        if (!p.dump && (m.flags & NLM_F.MULTI) === 0) {
          pending.delete(m.seq);
          p.done(null, p.msgs);
        }
      }
    }
  });
  sock.on('error', (err: Error) => {
    for (const [k, p] of pending) { pending.delete(k); p.done(err, []); }
  });
  const request = (type: number, flags: number, payload: Uint8Array, what: string, dump: boolean): Promise<NlMessage[]> =>
    new Promise((resolve, reject) => {
      const s = ++seq;
      pending.set(s, { msgs: [], dump, what, done: (err, msgs) => (err ? reject(err) : resolve(msgs)) });
      sock.send(encodeMessage(type, flags, s, payload), {}, (err?: Error) => {
        if (err) { pending.delete(s); reject(err); }
      });
    });
  // the kernel runs one dump at a time per socket (EBUSY otherwise): dumps queue, other requests don't
  let dumpChain: Promise<unknown> = Promise.resolve();
  const dumpOnce = (type: number, payload: Uint8Array, what: string): Promise<NlMessage[]> => {
    const p = dumpChain.then(() => request(type, NLM_F.REQUEST | NLM_F.DUMP, payload, what, true));
    dumpChain = p.catch(() => undefined);
    return p;
  };
  return {
    ack: async (type, flags, payload, what) => { await request(type, flags | NLM_F.REQUEST | NLM_F.ACK, payload, what, false); },
    get: (type, payload, what, dump = true) => (dump ? dumpOnce(type, payload, what) : request(type, NLM_F.REQUEST, payload, what, false)),
    close: () => sock.close(),
  };
}
