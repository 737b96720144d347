/** Minimal DNS message codec (RFC 1035): one-question queries, answer parsing with compression. Pure. */
import net from 'node:net';

export const QTYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28 } as const;

export interface DnsRecord { name: string; type: number; class: number; ttl: number; data: string | Buffer }
export interface DnsMessage { id: number; flags: number; rcode: number; qdcount: number; answers: DnsRecord[] }

export class DnsFormatError extends Error { override name = 'DnsFormatError'; }

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'latin1');
    if (b.length > 63) throw new DnsFormatError(`label too long: ${l}`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new DnsFormatError('name too long');
  return out;
}

export function encodeQuery(id: number, name: string, qtype: number, recursionDesired = true): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id & 0xffff, 0);
  h.writeUInt16BE(recursionDesired ? 0x0100 : 0, 2);
  h.writeUInt16BE(1, 4);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(qtype, 0);
  q.writeUInt16BE(1, 2); // IN
  return Buffer.concat([h, encodeName(name), q]);
}

/** in-addr.arpa / ip6.arpa name for an address (Net::DNS search() does this for IP requests). */
export function reverseName(ip: string): string {
  if (net.isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (net.isIPv6(ip)) {
    const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const nibbles = groups.map((g) => g.padStart(4, '0')).join('').split('');
    return `${nibbles.reverse().join('.')}.ip6.arpa`;
  }
  throw new DnsFormatError(`not an IP address: ${ip}`);
}

function readName(buf: Buffer, off: number): { name: string; next: number } {
  const labels: string[] = [];
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (off >= buf.length) throw new DnsFormatError('name runs past end');
    const len = buf[off]!;
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length) throw new DnsFormatError('truncated pointer');
      if (++jumps > 64) throw new DnsFormatError('compression loop');
      if (next < 0) next = off + 2;
      off = ((len & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    if (len & 0xc0) throw new DnsFormatError('bad label type');
    if (len === 0) { if (next < 0) next = off + 1; break; }
    if (off + 1 + len > buf.length) throw new DnsFormatError('label runs past end');
    labels.push(buf.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  return { name: labels.join('.'), next };
}

export function decodeMessage(buf: Buffer): DnsMessage {
  if (buf.length < 12) throw new DnsFormatError('short header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  let off = 12;
  for (let i = 0; i < qd; i++) { off = readName(buf, off).next + 4; }
  if (off > buf.length) throw new DnsFormatError('truncated question');
  const answers: DnsRecord[] = [];
  for (let i = 0; i < an; i++) {
    const n = readName(buf, off);
    off = n.next;
    if (off + 10 > buf.length) throw new DnsFormatError('truncated record');
    const type = buf.readUInt16BE(off);
    const cls = buf.readUInt16BE(off + 2);
    const ttl = buf.readUInt32BE(off + 4);
    const rdlen = buf.readUInt16BE(off + 8);
    off += 10;
    if (off + rdlen > buf.length) throw new DnsFormatError('truncated rdata');
    let data: string | Buffer = buf.subarray(off, off + rdlen);
    if (type === QTYPE.A && rdlen === 4) data = [...buf.subarray(off, off + 4)].join('.');
    else if (type === QTYPE.AAAA && rdlen === 16) {
      const g: string[] = [];
      for (let k = 0; k < 16; k += 2) g.push(buf.readUInt16BE(off + k).toString(16));
      data = g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
    } else if (type === QTYPE.PTR || type === QTYPE.CNAME || type === QTYPE.NS) data = readName(buf, off).name;
    answers.push({ name: n.name, type, class: cls, ttl, data });
    off += rdlen;
  }
  return { id, flags, rcode: flags & 0x0f, qdcount: qd, answers };
}
