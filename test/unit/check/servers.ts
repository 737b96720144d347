// Scripted servers on 127.0.0.1 for checker unit tests. Each is closed by the test that started it.
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Scripted { port: number; connections: number; maxConcurrent: number; close(): Promise<void> }

export async function tcpServer(onConn: (s: net.Socket) => void, opts: { tls?: { key: string; cert: string } } = {}): Promise<Scripted> {
  const sockets = new Set<net.Socket>();
  const st = { connections: 0, maxConcurrent: 0 };
  const handler = (s: net.Socket) => {
    st.connections++;
    sockets.add(s);
    st.maxConcurrent = Math.max(st.maxConcurrent, sockets.size);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConn(s);
  };
  const srv = opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : net.createServer(handler);
  srv.on('tlsClientError', () => {});
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    get connections() { return st.connections; },
    get maxConcurrent() { return st.maxConcurrent; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

export async function udpServer(onMsg: (msg: Buffer, reply: (b: Uint8Array) => void) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => onMsg(msg, (b) => sock.send(b, rinfo.port, rinfo.address)));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

/** A port nothing listens on (bound then closed). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let cert: { key: string; cert: string } | undefined;
/** Self-signed certificate for CN=real.example (needs openssl). */
export function selfSigned(): { key: string; cert: string } {
  if (cert) return cert;
  const dir = mkdtempSync(path.join(tmpdir(), 'lvsha-chk-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=real.example',
      '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' });
    cert = { key: readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'c.pem'), 'utf8') };
    return cert;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Minimal HTTP/1.x responder: reads the head, records it, replies via `respond`. */
export function httpHandler(respond: (head: string, s: net.Socket) => void, seen?: string[]): (s: net.Socket) => void {
  return (s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const i = buf.indexOf('\r\n\r\n');
      if (i >= 0) { const head = buf.slice(0, i); buf = ''; seen?.push(head); respond(head, s); }
    });
  };
}

export const httpReply = (status: string, body: string) =>
  `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
