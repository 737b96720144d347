/**
 * Request/response over a netlink socket, using only the netlink package's raw
 * socket (its native binding). Handles sequence numbers, multi-part dumps,
 * ACKs and NLMSG_ERROR → NetlinkError with the errno name.
 */
import { constants } from 'node:os';
import { LvshaError } from '../errors.ts';
import { decodeMessages, encodeMessage, NLM_F, NLMSG, type NlMessage } from './message.ts';

export const NETLINK_ROUTE = 0;
export const NETLINK_GENERIC = 16;

const ERRNO_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(constants.errno).map(([name, num]) => [num, name]),
);

export class NetlinkError extends LvshaError {
  readonly errno: number;
  readonly code: string;
  constructor(errno: number, what: string) {
    const code = ERRNO_NAMES[errno] ?? `E${errno}`;
    super(`${what}: ${code}`, { errno, code });
    this.errno = errno;
    this.code = code;
  }
}

interface RawSocket {
  on(ev: 'message', cb: (msg: Buffer) => void): void;
  on(ev: 'error', cb: (err: Error) => void): void;
  send(msg: Uint8Array, options: { port?: number }, cb: (err?: Error) => void): void;
  close(): void;
  unref(): void;
  ref(): void;
  setRecvBufferSize(n: number): void;
}

interface Pending {
  parts: NlMessage[];
  resolve: (msgs: NlMessage[]) => void;
  reject: (e: Error) => void;
  what: string;
  dump: boolean;
}

export class NetlinkSocket {
  private readonly raw: RawSocket;
  private seq = Math.floor(Math.random() * 0x7fffffff);
  private readonly pending = new Map<number, Pending>();

  private constructor(raw: RawSocket) {
    this.raw = raw;
    raw.on('message', (buf) => this.onMessage(buf));
    raw.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
    raw.unref();
  }

  static async open(protocol: number, recvBufferSize = 1 << 20): Promise<NetlinkSocket> {
    // only the raw layer: ~3 ms to load instead of ~30 ms for the whole package
    const mod = (await import('netlink/dist/raw.js')) as unknown as { RawNetlinkSocket: new (p: number, o?: object) => RawSocket };
    const Raw = mod.RawNetlinkSocket ?? (mod as unknown as { default: typeof mod }).default.RawNetlinkSocket;
    const raw = new Raw(protocol);
    try { raw.setRecvBufferSize(recvBufferSize); } catch { /* keep the default */ }
    return new NetlinkSocket(raw);
  }

  /**
   * Sends one request. With `dump`, collects every part until NLMSG_DONE;
   * otherwise asks for an ACK and resolves with any reply messages.
   */
  request(type: number, flags: number, payload: Uint8Array, what: string, dump = false): Promise<NlMessage[]> {
    const seq = (this.seq = (this.seq + 1) >>> 0);
    const f = NLM_F.REQUEST | flags | (dump ? NLM_F.DUMP : NLM_F.ACK);
    return new Promise<NlMessage[]>((resolve, reject) => {
      this.pending.set(seq, { parts: [], resolve, reject, what, dump });
      if (this.pending.size === 1) this.raw.ref();
      this.raw.send(encodeMessage(type, f, seq, payload), {}, (err) => {
        if (err) this.settle(seq, err);
      });
    });
  }

  close(): void {
    this.raw.close();
  }

  private settle(seq: number, result: Error | NlMessage[]): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    if (this.pending.size === 0) this.raw.unref();
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  private onMessage(buf: Buffer): void {
    for (const m of decodeMessages(buf)) {
      const p = this.pending.get(m.seq);
      if (!p) continue;
      if (m.type === NLMSG.ERROR) {
        const errno = -m.payload.readInt32LE(0);
        this.settle(m.seq, errno === 0 ? p.parts : new NetlinkError(errno, p.what));
      } else if (m.type === NLMSG.DONE) {
        // a dump may end with an error code in DONE's payload (e.g. EINTR on a changing table)
        const errno = m.payload.length >= 4 ? -m.payload.readInt32LE(0) : 0;
        this.settle(m.seq, errno > 0 ? new NetlinkError(errno, p.what) : p.parts);
      } else {
        p.parts.push(m);
        if (!p.dump && (m.flags & NLM_F.MULTI) === 0) {
          // a plain reply: wait for the ACK that follows it
        }
      }
    }
  }
}
