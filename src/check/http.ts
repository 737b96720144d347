/**
 * negotiate http / https / http_proxy (ldirectord check_http): one request with
 * `httpmethod`, Host = virtualhost (else the real's address), up on 2xx and the
 * body matching `receive`. TLS without certificate/hostname verification unless
 * tlsVerify. A fresh connection per check (like LWP), closed afterwards.
 * Default client: http1.ts (built in; undici costs ~2× the CPU per check when
 * every check is a new connection to a new origin). setHttpClient('undici')
 * switches to undici, loaded lazily.
 */
import net from 'node:net';
import { CheckFailure, abortMessage, errText, receiveMatches, stripBrackets } from './conn.ts';
import type { CheckContext, CheckSpec } from './types.ts';

type Undici = typeof import('undici');
let undiciP: Promise<Undici> | undefined;
let http1M: typeof import('./http1.ts') | undefined;
const loadHttp1 = async () => (http1M ??= await import('./http1.ts'));

const MAX_BODY = 1024 * 1024;

function hostPort(host: string, port: number): string {
  const h = stripBrackets(host);
  return net.isIPv6(h) ? `[${h}]:${port}` : `${h}:${port}`;
}

let httpClient: 'builtin' | 'undici' = process.env['LVSHA_HTTP_CLIENT'] === 'undici' ? 'undici' : 'builtin';
/** Engine-wide HTTP client: the built-in HTTP/1.1 client (default, cheapest per check) or undici. */
export function setHttpClient(client: 'builtin' | 'undici'): void { httpClient = client; }

interface Prepared { head: Buffer; origin: string; path: string; headers: Record<string, string>; scheme: string; receive: RegExp | undefined; servername: string | undefined }
// Request bytes and regex per spec object, built once: the daemon reuses spec objects every interval.
const prepared = new WeakMap<CheckSpec, Prepared>();

async function prepare(spec: CheckSpec): Promise<Prepared> {
  const service = spec.service ?? 'http';
  const scheme = service === 'https' ? 'https' : 'http';
  const origin = `${scheme}://${hostPort(spec.host, spec.port)}`;
  const request = spec.request ?? '/';
  let path: string;
  const headers: Record<string, string> = {};
  if (service === 'http_proxy') {
    // The real is the proxy; request is the absolute URL to fetch through it.
    path = /^https?:\/\//.test(request) ? request : `http://${spec.virtualHost ?? 'localhost'}/${request.replace(/^\/+/, '')}`;
    // HTTP/1.1 needs Host even in absolute form: the target's host, as LWP sends it.
    headers['host'] = new URL(path).host;
  } else {
    path = /^https?:\/\//.test(request) ? new URL(request).pathname + new URL(request).search : `/${request.replace(/^\/+/, '')}`;
    headers['host'] = spec.virtualHost ?? hostPort(spec.host, spec.port).replace(/:\d+$/, '');
  }
  headers['user-agent'] = 'lvsha-healthcheck';
  headers['accept'] = '*/*';
  headers['connection'] = 'close';
  const { buildRequest } = await loadHttp1();
  const servername = scheme === 'https' && spec.virtualHost && net.isIP(spec.virtualHost) === 0 ? spec.virtualHost : undefined;
  return { head: buildRequest(spec.httpMethod ?? 'GET', path, headers), origin, path, headers, scheme, receive: spec.receive ? new RegExp(spec.receive) : undefined, servername };
}

export async function checkHttp(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  let p = prepared.get(spec);
  if (!p) { p = await prepare(spec); prepared.set(spec, p); }
  if (httpClient === 'undici') return viaUndici(spec, ctx, p.scheme, p.origin, p.path, p.headers);
  const { http1 } = await loadHttp1();
  const req: Parameters<typeof http1>[0] = {
    host: spec.host, port: spec.port, tls: p.scheme === 'https', tlsVerify: spec.tlsVerify === true, head: p.head,
    isHead: spec.httpMethod === 'HEAD', signal: ctx.signal, wantBody: p.receive !== undefined, maxBody: MAX_BODY,
  };
  if (p.servername !== undefined) req.servername = p.servername;
  const res = await http1(req);
  if (res.status < 200 || res.status > 299) throw new CheckFailure(`HTTP ${res.status}${res.reason ? ` ${res.reason}` : ''}`);
  if (p.receive && !p.receive.test(res.body.toString('latin1'))) throw new CheckFailure(`HTTP ${res.status}, body does not match /${spec.receive}/`);
  return `HTTP ${res.status}`;
}

/** The same check through undici (LVSHA_HTTP_CLIENT=undici): kept for comparison in the bench. */
async function viaUndici(spec: CheckSpec, ctx: CheckContext, scheme: string, origin: string, path: string, headers: Record<string, string>): Promise<string> {
  const undici = await (undiciP ??= import('undici'));
  const connectOpts: Record<string, unknown> = { rejectUnauthorized: spec.tlsVerify === true, timeout: ctx.timeoutMs };
  if (scheme === 'https' && spec.virtualHost && net.isIP(spec.virtualHost) === 0) connectOpts['servername'] = spec.virtualHost;
  const client = new undici.Client(origin, {
    connect: connectOpts, headersTimeout: ctx.timeoutMs, bodyTimeout: ctx.timeoutMs, pipelining: 1, keepAliveTimeout: 1,
  });
  try {
    const res = await client.request({ path, method: spec.httpMethod ?? 'GET', headers, signal: ctx.signal });
    let body = '';
    if (spec.receive) {
      let size = 0;
      const chunks: Buffer[] = [];
      for await (const c of res.body as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_BODY) { chunks.push(c.subarray(0, MAX_BODY - (size - c.length))); break; }
        chunks.push(c);
      }
      body = Buffer.concat(chunks).toString('latin1');
    } else {
      await res.body.dump();
    }
    if (res.statusCode < 200 || res.statusCode > 299) throw new CheckFailure(`HTTP ${res.statusCode}`);
    if (!receiveMatches(spec.receive, body)) throw new CheckFailure(`HTTP ${res.statusCode}, body does not match /${spec.receive}/`);
    return `HTTP ${res.statusCode}`;
  } catch (e) {
    if (e instanceof CheckFailure) throw e;
    if (ctx.signal.aborted) throw new CheckFailure(`${scheme}: ${abortMessage(ctx.signal)}`);
    throw new CheckFailure(`${scheme}: ${errText(e)}`);
  } finally {
    client.destroy().catch(() => {});
  }
}
