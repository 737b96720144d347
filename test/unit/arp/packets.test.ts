// ARP and NA bytes, compared with what Debian 12's send_arp (libnet) and send_ua put on the wire
// (captured with tcpdump from ocf:heartbeat:IPaddr2 4.12 in a namespace).
import t from 'tap';
import { buildUnsolicitedNa, gratuitousArpPair, icmp6Checksum, icmp6ChecksumOk, ipv6MulticastMac, ALL_NODES } from '../../../src/arp/packets.ts';
import { decodeArp, decodeNa } from '../../../src/arp/pcap.ts';
import { parseIPv4, parseIPv6 } from '../../../src/net/ipaddr.ts';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const mac = hex('ba61b878cdef');

t.test('gratuitous ARP request + reply, as libnet send_arp', async (t) => {
  const [req, rep] = gratuitousArpPair(mac, parseIPv4('10.9.0.50')!);
  // captured: 0806 | 0001 0800 0604 0001 ba61b878cdef 0a090032 000000000000 0a090032
  t.equal(toHex(req), '0001080006040001ba61b878cdef0a0900320000000000000a090032');
  t.equal(toHex(rep), '0001080006040002ba61b878cdef0a090032ba61b878cdef0a090032');
  t.same(decodeArp(rep), { op: 2, senderMac: 'ba:61:b8:78:cd:ef', senderIp: '10.9.0.50', targetMac: 'ba:61:b8:78:cd:ef', targetIp: '10.9.0.50' });
});

t.test('unsolicited NA, as send_ua (checksum included)', async (t) => {
  const pkt = buildUnsolicitedNa(mac, parseIPv6('2001:db8:9::50')!);
  // captured from send_ua (flow label 0x407a1 there; the flow label is not in the checksum)
  const captured = hex(`6004 07a1 0020 3aff 2001 0db8 0009 0000 0000 0000 0000 0050 ff02 0000 0000 0000 0000
    0000 0000 0001 8800 b9b1 2000 0000 2001 0db8 0009 0000 0000 0000 0000 0050 0201 ba61 b878 cdef`);
  t.equal(toHex(pkt.subarray(4)), toHex(captured.subarray(4)), 'identical after the version/class/flow-label word');
  t.equal(toHex(pkt.subarray(0, 4)), '60000000');
  t.ok(icmp6ChecksumOk(pkt));
  t.ok(icmp6ChecksumOk(captured), 'the checker agrees with the kernel-computed checksum');
  const na = decodeNa(pkt)!;
  t.same({ ...na }, { src: '2001:db8:9::50', dst: 'ff02::1', hopLimit: 255, flags: { router: false, solicited: false, override: true }, target: '2001:db8:9::50', tlla: 'ba:61:b8:78:cd:ef', checksumOk: true });
  const bad = new Uint8Array(pkt); bad[50] = bad[50]! ^ 1;
  t.notOk(icmp6ChecksumOk(bad), 'a flipped bit is caught');
  t.equal(toHex(ipv6MulticastMac(ALL_NODES)), '333300000001');
});

t.test('ICMPv6 checksum edge: odd length and 0 → 0xffff', async (t) => {
  const src = new Uint8Array(16), dst = new Uint8Array(16);
  t.equal(icmp6Checksum(src, dst, new Uint8Array([0xff])), 0xffff - ((0xff00 + 58 + 1) & 0xffff));
});
