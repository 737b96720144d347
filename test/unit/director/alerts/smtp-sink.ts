// A real SMTP server for tests: node:net on 127.0.0.1, an ephemeral port, one
// transcript per connection ("C: …" what the client sent, "S: …" our replies)
// and the raw DATA payload as received on the wire (CRLF, dot-stuffed).
import { createServer, type Socket } from 'node:net';

export interface SinkSession { transcript: string[]; data: string[] }

export interface SinkOptions {
  /** Answer EHLO with 502 (an old server): the client must fall back to HELO. */
  noEhlo?: boolean;
  /** RCPT TO addresses refused with 550. */
  refuse?: string[];
  /** Never send the greeting (a hung server). */
  silent?: boolean;
  /** Greet with this instead of 220. */
  greeting?: string;
}

export async function startSink(opts: SinkOptions = {}) {
  const sessions: SinkSession[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const s: SinkSession = { transcript: [], data: [] };
    sessions.push(s);
    const say = (line: string) => { for (const l of line.split('\r\n')) s.transcript.push(`S: ${l}`); sock.write(`${line}\r\n`); };
    if (opts.silent) return;
    say(opts.greeting ?? '220 sink.test ESMTP');
    let buf = '';
    let inData = false;
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          s.data.push(buf.slice(0, end + 5));
          s.transcript.push('C: <message>');
          buf = buf.slice(end + 5);
          inData = false;
          say('250 2.0.0 Ok: queued as 1');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        s.transcript.push(`C: ${line}`);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        if (verb === 'EHLO') say(opts.noEhlo ? '502 5.5.2 Error: command not recognized' : '250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME');
        else if (verb === 'HELO') say('250 sink.test');
        else if (verb === 'MAIL') say('250 2.1.0 Ok');
        else if (verb === 'RCPT') {
          const addr = /<([^>]*)>/.exec(line)?.[1] ?? '';
          say(opts.refuse?.includes(addr) ? '550 5.1.1 <' + addr + '>: Recipient address rejected' : '250 2.1.5 Ok');
        } else if (verb === 'DATA') { say('354 End data with <CR><LF>.<CR><LF>'); inData = true; }
        else if (verb === 'QUIT') { say('221 2.0.0 Bye'); sock.end(); return; }
        else say('500 5.5.2 Error: command not recognized');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    sessions,
    /** Wait until `n` sessions have ended with QUIT (or the time is up). */
    async waitFor(n: number, ms = 10_000): Promise<boolean> {
      const end = Date.now() + ms;
      const done = () => sessions.filter((x) => x.transcript.includes('S: 221 2.0.0 Bye')).length >= n;
      while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return done();
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
