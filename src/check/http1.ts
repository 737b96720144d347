/**
 * A lean HTTP/1.1 client for health checks: one request per fresh connection
 * ("Connection: close"), one small state machine on the socket's data events,
 * body by Content-Length, chunked or until close, bounded in size. Used by
 * http.ts for http/https/http_proxy: at thousands of reals per interval,
 * every check is a new connection to a different origin, where undici costs
 * several times more CPU per request (see bench/healthcheck).
 */
import net from 'node:net';
import tls from 'node:tls';
import { CheckFailure, abortMessage, errText, stripBrackets } from './conn.ts';

export interface Http1Request {
  host: string;
  port: number;
  tls: boolean;
  tlsVerify: boolean;
  servername?: string;
  /** The complete request head (buildRequest). */
  head: Buffer;
  isHead: boolean;
  signal: AbortSignal;
  /** Read the body (only when something will look at it). */
  wantBody: boolean;
  maxBody: number;
}

export interface Http1Response { status: number; reason: string; body: Buffer }

export function buildRequest(method: string, target: string, headers: Record<string, string>): Buffer {
  let s = `${method} ${target} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v) || /[\r\n ]/.test(target)) throw new CheckFailure(`invalid header or target: ${k}`);
    s += `${k}: ${v}\r\n`;
  }
  return Buffer.from(`${s}\r\n`, 'latin1');
}

export interface ParsedHead { status: number; reason: string; headLen: number; contentLength: number | undefined; chunked: boolean }

/** Parses the response head if complete (undefined = need more). Skips 1xx interim responses. */
export function parseHead(buf: Buffer): ParsedHead | undefined {
  let off = 0;
  for (let round = 0; round < 8; round++) {
    const end = buf.indexOf('\r\n\r\n', off, 'latin1');
    if (end < 0) {
      if (buf.length - off > 65536) throw new CheckFailure('response head too large');
      return undefined;
    }
    const head = buf.toString('latin1', off, end);
    const eol = head.indexOf('\r\n');
    const statusLine = eol < 0 ? head : head.slice(0, eol);
    const m = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?$/.exec(statusLine);
    if (!m) throw new CheckFailure(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 60))}`);
    const status = Number(m[1]);
    if (status < 200) { off = end + 4; continue; }
    const cl = /\r\ncontent-length:[ \t]*([^\r\n]*)/i.exec(head);
    const te = /\r\ntransfer-encoding:[ \t]*([^\r\n]*)/i.exec(head);
    let contentLength: number | undefined;
    if (cl) {
      contentLength = Number(cl[1]!.trim());
      if (!Number.isInteger(contentLength) || contentLength < 0) throw new CheckFailure('bad Content-Length');
    }
    return { status, reason: m[2] ?? '', headLen: end + 4, contentLength, chunked: te !== null && /chunked/i.test(te[1]!) };
  }
  throw new CheckFailure('too many interim responses');
}

/** Decodes a chunked body; complete=false while the terminating chunk hasn't arrived. Stops at max bytes. */
export function decodeChunked(buf: Buffer, max: number): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let size = 0;
  let off = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', off, 'latin1');
    if (eol < 0) return { body: Buffer.concat(parts), complete: false };
    const len = parseInt(buf.toString('latin1', off, eol), 16);
    if (!Number.isFinite(len) || len < 0) throw new CheckFailure('bad chunk size');
    if (len === 0) return { body: Buffer.concat(parts), complete: true };
    const start = eol + 2;
    const avail = Math.min(len, buf.length - start);
    const take = Math.min(avail, max - size);
    if (take > 0) { parts.push(buf.subarray(start, start + take)); size += take; }
    if (size >= max) return { body: Buffer.concat(parts), complete: true };
    if (avail < len || start + len + 2 > buf.length) return { body: Buffer.concat(parts), complete: false };
    off = start + len + 2;
  }
}

const readBuffer = Buffer.alloc(64 * 1024);

export function http1(req: Http1Request): Promise<Http1Response> {
  const { signal } = req;
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new CheckFailure(abortMessage(signal))); return; }
    const host = stripBrackets(req.host);
    let sock: net.Socket;
    if (req.tls) {
      const o: tls.ConnectionOptions = { host, port: req.port, rejectUnauthorized: req.tlsVerify };
      if (req.servername !== undefined) o.servername = req.servername;
      else if (net.isIP(host) === 0) o.servername = host;
      sock = tls.connect(o);
    } else {
      // onread with one shared read buffer skips the Readable stream machinery (~30% of the
      // per-check JS cost); the bytes are copied out synchronously, so sharing is safe.
      sock = net.connect({ host, port: req.port, noDelay: true, onread: { buffer: readBuffer, callback: (n: number, b: Uint8Array) => { onData(Buffer.from(b.subarray(0, n))); return true; } } } as net.NetConnectOpts);
    }
    let chunks: Buffer[] = [];
    let total = 0;
    let head: ParsedHead | undefined;
    let done = false;
    const finish = (err: Error | undefined, res?: Http1Response) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) reject(err); else resolve(res!);
    };
    const onAbort = () => finish(new CheckFailure(abortMessage(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    const buffered = () => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks)];
      return chunks[0] ?? Buffer.alloc(0);
    };
    // Returns true when the response is complete (or enough of it was read).
    const evaluate = (ended: boolean): boolean => {
      const buf = buffered();
      if (!head) {
        head = parseHead(buf);
        if (!head) {
          if (ended) throw new CheckFailure(buf.length ? 'truncated response head' : 'connection closed without a response');
          return false;
        }
      }
      const bodyBuf = buf.subarray(head.headLen);
      const noBody = req.isHead || head.status === 204 || head.status === 304;
      if (!req.wantBody || noBody) { respond(Buffer.alloc(0)); return true; }
      if (head.chunked) {
        const d = decodeChunked(bodyBuf, req.maxBody);
        if (d.complete || ended) { respond(d.body); return true; }
        return false;
      }
      if (head.contentLength !== undefined) {
        const want = Math.min(head.contentLength, req.maxBody);
        if (bodyBuf.length >= want) { respond(bodyBuf.subarray(0, want)); return true; }
        if (ended) throw new CheckFailure('connection closed before the end of the body');
        return false;
      }
      if (bodyBuf.length >= req.maxBody || ended) { respond(bodyBuf.subarray(0, req.maxBody)); return true; }
      return false;
    };
    const respond = (body: Buffer) => finish(undefined, { status: head!.status, reason: head!.reason, body });
    function onData(d: Buffer): void {
      if (done) return;
      chunks.push(d);
      total += d.length;
      if (total > req.maxBody + 65536 && !head) { finish(new CheckFailure('response head too large')); return; }
      try { evaluate(false); } catch (e) { finish(e as Error); }
    }
    if (req.tls) sock.on('data', onData);
    sock.on('end', () => { try { if (!evaluate(true)) finish(new CheckFailure('incomplete response')); } catch (e) { finish(e as Error); } });
    sock.on('close', () => { if (!done) finish(new CheckFailure('connection closed without a response')); });
    sock.on('error', (e) => {
      if (done) return;
      // A reset after a complete response is still a response (some servers RST on close).
      if (head || chunks.length) { try { if (evaluate(true)) return; } catch { /* fall through */ } }
      finish(new CheckFailure(`${req.tls ? 'https' : 'http'}: ${errText(e)}`));
    });
    sock.write(req.head);
  });
}
