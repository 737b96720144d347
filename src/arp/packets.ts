/**
 * Gratuitous ARP and unsolicited neighbour advertisement payloads (pure).
 * The Ethernet header is added by the kernel (AF_PACKET/SOCK_DGRAM), so these
 * are the bytes after it.
 */

export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
export const BROADCAST_MAC = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
/** ff02::1, all-nodes */
export const ALL_NODES = new Uint8Array([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

/**
 * An ARP packet for Ethernet/IPv4 (28 bytes). Debian's libnet send_arp sends,
 * per count, a REQUEST (target MAC 0) then a REPLY (target MAC = own MAC),
 * both with sender IP = target IP = the VIP, to the Ethernet broadcast address.
 */
export function buildArp(op: number, senderMac: Uint8Array, senderIp: Uint8Array, targetMac: Uint8Array, targetIp: Uint8Array): Uint8Array {
  const b = new Uint8Array(28);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 1); // htype Ethernet
  dv.setUint16(2, 0x0800); // ptype IPv4
  b[4] = 6; b[5] = 4;
  dv.setUint16(6, op);
  b.set(senderMac.subarray(0, 6), 8);
  b.set(senderIp.subarray(0, 4), 14);
  b.set(targetMac.subarray(0, 6), 18);
  b.set(targetIp.subarray(0, 4), 24);
  return b;
}

export function gratuitousArpPair(mac: Uint8Array, ip: Uint8Array): [Uint8Array, Uint8Array] {
  return [buildArp(ARPOP_REQUEST, mac, ip, new Uint8Array(6), ip), buildArp(ARPOP_REPLY, mac, ip, mac, ip)];
}

/** One's-complement sum over 16-bit words (RFC 1071), not yet inverted. */
function sum16(b: Uint8Array, acc = 0): number {
  let s = acc;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (b.length & 1) s += b[b.length - 1]! << 8;
  return s;
}

function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + (x >>> 16);
  return x;
}

/** ICMPv6 checksum over the IPv6 pseudo-header (RFC 8200 §8.1) and the message. */
export function icmp6Checksum(src: Uint8Array, dst: Uint8Array, icmp: Uint8Array): number {
  const pseudo = new Uint8Array(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  new DataView(pseudo.buffer).setUint32(32, icmp.length);
  pseudo[39] = 58;
  const c = (~fold(sum16(icmp, sum16(pseudo)))) & 0xffff;
  return c === 0 ? 0xffff : c;
}

/**
 * IPv6 packet carrying an unsolicited neighbour advertisement (RFC 4861 §7.2.6):
 * src = the address, dst = ff02::1, hop limit 255, flags Override only, and a
 * Target Link-Layer Address option, as send_ua does.
 */
export function buildUnsolicitedNa(mac: Uint8Array, addr: Uint8Array, opts: { router?: boolean } = {}): Uint8Array {
  const icmp = new Uint8Array(32);
  icmp[0] = 136; // neighbour advertisement
  icmp[4] = 0x20 | (opts.router ? 0x80 : 0); // O flag
  icmp.set(addr, 8);
  icmp[24] = 2; // option: target link-layer address
  icmp[25] = 1; // length in 8-octet units
  icmp.set(mac.subarray(0, 6), 26);
  const ck = icmp6Checksum(addr, ALL_NODES, icmp);
  icmp[2] = ck >> 8; icmp[3] = ck & 0xff;
  const ip6 = new Uint8Array(40 + icmp.length);
  const dv = new DataView(ip6.buffer);
  dv.setUint32(0, 0x60000000);
  dv.setUint16(4, icmp.length);
  ip6[6] = 58; // next header ICMPv6
  ip6[7] = 255; // hop limit, required for ND
  ip6.set(addr, 8);
  ip6.set(ALL_NODES, 24);
  ip6.set(icmp, 40);
  return ip6;
}

/** 33:33 + last 32 bits of the IPv6 multicast destination (RFC 2464 §7). */
export function ipv6MulticastMac(dst: Uint8Array): Uint8Array {
  return new Uint8Array([0x33, 0x33, dst[12]!, dst[13]!, dst[14]!, dst[15]!]);
}

/** Verifies the ICMPv6 checksum of an IPv6 packet (for tests and captures). */
export function icmp6ChecksumOk(ip6: Uint8Array): boolean {
  const len = new DataView(ip6.buffer, ip6.byteOffset, ip6.byteLength).getUint16(4);
  const icmp = new Uint8Array(ip6.subarray(40, 40 + len));
  const given = (icmp[2]! << 8) | icmp[3]!;
  icmp[2] = 0; icmp[3] = 0;
  return icmp6Checksum(ip6.subarray(8, 24), ip6.subarray(24, 40), icmp) === given;
}
