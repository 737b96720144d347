/** Minimal reader for classic pcap files (tcpdump -w) with Ethernet link type; decodes ARP and ICMPv6 NA. */
import { formatIp, formatMac } from '../net/ipaddr.ts';
import { icmp6ChecksumOk } from './packets.ts';

export interface Frame {
  ts: number;
  dst: string;
  src: string;
  ethertype: number;
  payload: Uint8Array;
}

export function readPcap(buf: Uint8Array): Frame[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let le: boolean, nano: boolean;
  if (magic === 0xa1b2c3d4) { le = true; nano = false; }
  else if (magic === 0xa1b23c4d) { le = true; nano = true; }
  else if (dv.getUint32(0, false) === 0xa1b2c3d4) { le = false; nano = false; }
  else if (dv.getUint32(0, false) === 0xa1b23c4d) { le = false; nano = true; }
  else throw new Error('not a pcap file');
  const linktype = dv.getUint32(20, le);
  if (linktype !== 1) throw new Error(`pcap link type ${linktype}, want Ethernet (1)`);
  const frames: Frame[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = dv.getUint32(off, le), frac = dv.getUint32(off + 4, le), incl = dv.getUint32(off + 8, le);
    const data = buf.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    if (data.length < 14) continue;
    frames.push({
      ts: sec + frac / (nano ? 1e9 : 1e6),
      dst: formatMac(data.subarray(0, 6)),
      src: formatMac(data.subarray(6, 12)),
      ethertype: (data[12]! << 8) | data[13]!,
      payload: data.subarray(14),
    });
  }
  return frames;
}

export interface ArpInfo { op: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string }

export function decodeArp(p: Uint8Array): ArpInfo | undefined {
  if (p.length < 28 || p[0] !== 0 || p[1] !== 1 || p[2] !== 8 || p[3] !== 0) return undefined;
  return { op: (p[6]! << 8) | p[7]!, senderMac: formatMac(p.subarray(8, 14)), senderIp: formatIp(p.subarray(14, 18)), targetMac: formatMac(p.subarray(18, 24)), targetIp: formatIp(p.subarray(24, 28)) };
}

export interface NaInfo { src: string; dst: string; hopLimit: number; flags: { router: boolean; solicited: boolean; override: boolean }; target: string; tlla: string | undefined; checksumOk: boolean }

export function decodeNa(p: Uint8Array): NaInfo | undefined {
  if (p.length < 40 + 24 || p[0]! >> 4 !== 6 || p[6] !== 58 || p[40] !== 136) return undefined;
  const f = p[44]!;
  let tlla: string | undefined;
  for (let o = 64; o + 8 <= p.length;) {
    const len = p[o + 1]! * 8;
    if (len === 0) break;
    if (p[o] === 2) tlla = formatMac(p.subarray(o + 2, o + 8));
    o += len;
  }
  return {
    src: formatIp(p.subarray(8, 24)), dst: formatIp(p.subarray(24, 40)), hopLimit: p[7]!,
    flags: { router: (f & 0x80) !== 0, solicited: (f & 0x40) !== 0, override: (f & 0x20) !== 0 },
    target: formatIp(p.subarray(48, 64)), tlla, checksumOk: icmp6ChecksumOk(p),
  };
}
