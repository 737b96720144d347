/**
 * A small promise-based stream connection for line and binary protocols. Every
 * wait is tied to the check's AbortSignal, so a hung or slow server costs only
 * its own check: on abort the socket is destroyed and pending reads reject.
 */
import net from 'node:net';
import tls from 'node:tls';

export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export interface ConnectOptions {
  host: string;
  port: number;
  signal: AbortSignal;
  tls?: boolean;
  tlsVerify?: boolean;
  servername?: string;
}

export class Conn {
  readonly socket: net.Socket;
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  #error: Error | undefined;
  #waiter: (() => void) | undefined;
  #onAbort: () => void;
  #signal: AbortSignal;

  constructor(socket: net.Socket, signal: AbortSignal) {
    this.socket = socket;
    this.#signal = signal;
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    socket.on('end', () => { this.#ended = true; this.#wake(); });
    socket.on('close', () => { this.#ended = true; this.#wake(); });
    socket.on('error', (e) => { this.#error ??= e; this.#wake(); });
    this.#onAbort = () => {
      this.#error ??= new CheckFailure(abortMessage(signal));
      socket.destroy();
      this.#wake();
    };
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  #wait(): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#ended) return Promise.reject(new CheckFailure('connection closed by server'));
    return new Promise((resolve) => { this.#waiter = resolve; });
  }

  /** Waits for more bytes (rejects on close/error/abort). For length-prefixed framing. */
  more(): Promise<void> { return this.#wait(); }

  /** Drops n buffered bytes. */
  consume(n: number): void { this.#buf = this.#buf.subarray(n); }

  /** Bytes buffered so far (not consumed). */
  get buffered(): Buffer { return this.#buf; }
  get ended(): boolean { return this.#ended; }

  /** One line without its CR/LF. `max` bounds memory against a lying server. */
  async readLine(max = 64 * 1024): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf(10);
      if (i >= 0) {
        const line = this.#buf.subarray(0, i > 0 && this.#buf[i - 1] === 13 ? i - 1 : i).toString('latin1');
        this.#buf = this.#buf.subarray(i + 1);
        return line;
      }
      if (this.#buf.length > max) throw new CheckFailure('line too long');
      if (this.#ended && !this.#error && this.#buf.length > 0) {
        const line = this.#buf.toString('latin1');
        this.#buf = Buffer.alloc(0);
        return line;
      }
      await this.#wait();
    }
  }

  /** Exactly n bytes. */
  async readBytes(n: number): Promise<Buffer> {
    while (this.#buf.length < n) await this.#wait();
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Everything until the peer closes (bounded by max). */
  async readAll(max = 1024 * 1024): Promise<Buffer> {
    for (;;) {
      if (this.#buf.length > max) throw new CheckFailure('response too large');
      if (this.#ended) {
        if (this.#error && !(this.#error as NodeJS.ErrnoException).code?.startsWith('ECONNRESET')) throw this.#error;
        const out = this.#buf;
        this.#buf = Buffer.alloc(0);
        return out;
      }
      await this.#wait();
    }
  }

  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Half-close (shutdown(SHUT_WR)). */
  endWrite(): void { if (!this.socket.destroyed) this.socket.end(); }

  close(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.socket.destroy();
  }
}

export function abortMessage(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name === 'TimeoutError') return 'timed out';
  if (r instanceof Error) return r.message;
  return 'aborted';
}

/** TCP (optionally TLS) connect bounded by the signal. */
export function connect(opts: ConnectOptions): Promise<Conn> {
  const { signal } = opts;
  const host = stripBrackets(opts.host);
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new CheckFailure(abortMessage(signal))); return; }
    let sock: net.Socket;
    const onAbort = () => { sock.destroy(); reject(new CheckFailure(abortMessage(signal))); };
    const done = (err?: Error) => {
      signal.removeEventListener('abort', onAbort);
      sock.removeListener('error', done);
      if (err) { sock.destroy(); reject(new CheckFailure(`connect: ${errText(err)}`)); return; }
      resolve(new Conn(sock, signal));
    };
    if (opts.tls) {
      const o: tls.ConnectionOptions = { host, port: opts.port, rejectUnauthorized: opts.tlsVerify === true };
      if (opts.servername !== undefined && net.isIP(opts.servername) === 0) o.servername = opts.servername;
      else if (net.isIP(host) === 0) o.servername = host;
      sock = tls.connect(o, () => done());
    } else {
      sock = net.connect({ host, port: opts.port, noDelay: true }, () => done());
    }
    sock.once('error', done);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function errText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${code} ${e.message}` : e.message;
  }
  return String(e);
}

/** ldirectord `receive` is a Perl regex; JS RegExp covers the common subset. Empty = match anything. */
export function receiveMatches(receive: string | undefined, text: string): boolean {
  if (receive === undefined || receive === '') return true;
  return new RegExp(receive).test(text);
}
