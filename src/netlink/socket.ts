/**
 * Request/response over a netlink socket, using only the netlink package's raw
 * socket (its native binding; ~3 ms to load against ~30 ms for the package's
 * generated rtnetlink/genl layers). Handles sequence numbers, multi-part dumps,
 * ACKs, NLMSG_ERROR → NetlinkError with the errno name, one dump at a time per
 * socket (the kernel answers EBUSY to a second), and batches of requests sent
 * in a single sendmsg (the kernel runs them in order; see batch() for the ACKs).
 */
import { constants } from 'node:os';
import { LvshaError } from '../errors.ts';
import { decodeMessages, encodeMessageInto, errorCode, messageSize, NLM_F, NLMSG, type NlMessage } from './message.ts';

export const NETLINK_ROUTE = 0;
export const NETLINK_GENERIC = 16;

const ERRNO_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(constants.errno).map(([name, num]) => [num, name]),
);

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

export class NetlinkError extends LvshaError {
  readonly errno: number;
  readonly code: string;
  constructor(errno: number, what: string) {
    const code = errnoName(errno);
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
  setSendBufferSize(n: number): void;
}

/** Results of a batch, in request order: the reply messages before the ACK, or the error (the kernel's: NetlinkError). */
export type BatchResult = NlMessage[] | Error;

/** One request in flight, by sequence number. */
interface Pending {
  parts: NlMessage[];
  what: string;
  resolve: (msgs: NlMessage[]) => void;
  reject: (e: Error) => void;
}

/** A batch in flight: requests with the consecutive sequence numbers first, first+1, … (mod 2^32). */
interface Batch {
  first: number;
  items: readonly BatchItem[];
  results: (BatchResult | undefined)[];
  /** reply messages of members that have any (IPVS writes have none) */
  parts: (NlMessage[] | undefined)[];
  /** members before this index are settled */
  next: number;
  resolve: (r: BatchResult[]) => void;
}

export interface BatchItem {
  type: number;
  flags: number;
  data: Uint8Array;
  what: string;
}

export interface NlRequestOptions {
  /** NLM_F_DUMP: collect every part until NLMSG_DONE */
  dump?: boolean;
}

export class NetlinkSocket {
  private readonly raw: RawSocket;
  private seq = Math.floor(Math.random() * 0x7fffffff);
  private readonly pending = new Map<number, Pending>();
  /** few at a time (the IPVS client keeps 4 in flight): found by a scan of their sequence ranges */
  private readonly batches: Batch[] = [];
  private inFlight = 0;
  private closed = false;
  private dumpChain: Promise<unknown> = Promise.resolve();

  private constructor(raw: RawSocket) {
    this.raw = raw;
    raw.on('message', (buf) => this.onMessage(buf));
    raw.on('error', (err) => {
      for (const seq of [...this.pending.keys()]) this.settle(seq, err);
      for (const b of [...this.batches]) this.failBatch(b, err);
    });
    raw.unref();
  }

  static async open(protocol: number, bufferSize = 1 << 20): Promise<NetlinkSocket> {
    const mod = (await import('netlink/dist/raw.js')) as unknown as { RawNetlinkSocket?: new (p: number) => RawSocket; default?: { RawNetlinkSocket: new (p: number) => RawSocket } };
    const Raw = mod.RawNetlinkSocket ?? mod.default!.RawNetlinkSocket;
    const raw = new Raw(protocol);
    try { raw.setRecvBufferSize(bufferSize); raw.setSendBufferSize(bufferSize); } catch { /* keep the defaults */ }
    return new NetlinkSocket(raw);
  }

  close(): void {
    this.closed = true;
    this.raw.close();
  }

  /**
   * One request. With `dump`, resolves with every part once NLMSG_DONE arrives
   * (dumps on one socket are serialised); otherwise asks for an ACK and resolves
   * with the reply messages that came before it.
   */
  request(type: number, flags: number, data: Uint8Array, what: string, opts: NlRequestOptions = {}): Promise<NlMessage[]> {
    if (!opts.dump) return this.sendOne({ type, flags: flags | NLM_F.ACK, data, what });
    const run = (): Promise<NlMessage[]> => this.sendOne({ type, flags: flags | NLM_F.DUMP, data, what });
    const p = this.dumpChain.then(run, run);
    this.dumpChain = p.catch(() => undefined);
    return p;
  }

  /**
   * Several requests in one sendmsg, settled together: one result per request, in order. Only the
   * last asks for an ACK: the kernel runs a buffer's messages in order and answers an error for any
   * failing one whether or not it asked (netlink_rcv_skb), and those answers are queued in order, so
   * when a later request's answer arrives, every earlier one without an error answer succeeded.
   * That makes one reply datagram per batch instead of one per request (each ACK also echoes the
   * request); a rejected request still gets its own error, with its errno.
   */
  batch(items: readonly BatchItem[]): Promise<BatchResult[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<BatchResult[]>((resolve) => {
      const last = items.length - 1;
      const { buf, first } = this.frame(items, (it, i) => it.flags | (i === last ? NLM_F.ACK : 0));
      const b: Batch = { first, items, results: new Array<BatchResult | undefined>(items.length), parts: [], next: 0, resolve };
      this.busy(+1);
      this.batches.push(b);
      this.transmit(buf, (err) => this.failBatch(b, err));
    });
  }

  private sendOne(item: BatchItem): Promise<NlMessage[]> {
    return new Promise<NlMessage[]>((resolve, reject) => {
      const { buf, first } = this.frame([item], (it) => it.flags);
      this.busy(+1);
      this.pending.set(first, { parts: [], what: item.what, resolve, reject });
      this.transmit(buf, (err) => this.settle(first, err));
    });
  }

  /** Frames the items into one buffer (one allocation) with consecutive sequence numbers from `first`. */
  private frame(items: readonly BatchItem[], flagsOf: (it: BatchItem, i: number) => number): { buf: Buffer; first: number } {
    let total = 0;
    for (const it of items) total += messageSize(it.data);
    const buf = Buffer.allocUnsafe(total);
    const first = (this.seq + 1) >>> 0;
    let off = 0;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      this.seq = (this.seq + 1) >>> 0;
      off = encodeMessageInto(buf, off, it.type, NLM_F.REQUEST | flagsOf(it, i), this.seq, it.data);
    }
    return { buf, first };
  }

  private transmit(buf: Buffer, failed: (err: Error) => void): void {
    try {
      this.raw.send(buf, {}, (err) => { if (err) failed(err); });
    } catch (e) {
      failed(e as Error); // e.g. the socket was closed: nothing was sent
    }
  }

  /** The socket keeps the event loop alive only while requests (single or batches) are in flight. */
  private busy(delta: 1 | -1): void {
    this.inFlight += delta;
    if (this.closed) return; // the raw socket refuses ref/unref once closed
    if (delta > 0 && this.inFlight === 1) this.raw.ref();
    if (delta < 0 && this.inFlight === 0) this.raw.unref();
  }

  private settle(seq: number, result: Error | NlMessage[]): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    this.busy(-1);
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  private batchOf(seq: number): Batch | undefined {
    for (const b of this.batches) if (((seq - b.first) >>> 0) < b.items.length) return b;
    return undefined;
  }

  /** Member `i` has its answer; the members before it that had none have succeeded. */
  private settleMember(b: Batch, i: number, result: BatchResult): void {
    if (i < b.next) return;
    for (let j = b.next; j < i; j++) b.results[j] = b.parts[j] ?? [];
    b.results[i] = result;
    b.next = i + 1;
    if (b.next === b.items.length) this.endBatch(b);
  }

  /** The socket failed (send error, receive overflow): every member not yet answered gets the error. */
  private failBatch(b: Batch, err: Error): void {
    if (!this.batches.includes(b)) return;
    for (let j = b.next; j < b.items.length; j++) b.results[j] = err;
    b.next = b.items.length;
    this.endBatch(b);
  }

  private endBatch(b: Batch): void {
    this.batches.splice(this.batches.indexOf(b), 1);
    this.busy(-1);
    b.resolve(b.results as BatchResult[]);
  }

  private onMessage(buf: Buffer): void {
    for (const m of decodeMessages(buf)) {
      const end = m.type === NLMSG.ERROR || m.type === NLMSG.DONE;
      const p = this.pending.get(m.seq);
      if (p) {
        if (!end) p.parts.push(m);
        else { const errno = failure(m); this.settle(m.seq, errno ? new NetlinkError(errno, p.what) : p.parts); }
        continue;
      }
      const b = this.batchOf(m.seq);
      if (!b) continue;
      const i = (m.seq - b.first) >>> 0;
      if (!end) (b.parts[i] ??= []).push(m);
      else { const errno = failure(m); this.settleMember(b, i, errno ? new NetlinkError(errno, b.items[i]!.what) : b.parts[i] ?? []); }
    }
  }
}

/**
 * The errno an NLMSG_ERROR or NLMSG_DONE carries; 0 = success: an ACK, or a dump's normal end
 * (a dump may end with an error code in DONE's payload, e.g. EINTR on a changing table).
 */
function failure(m: NlMessage): number {
  const errno = errorCode(m);
  return m.type === NLMSG.ERROR ? errno : Math.max(errno, 0);
}
