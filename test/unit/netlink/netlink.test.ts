import t from 'tap';
import { execFileSync } from 'node:child_process';
import { attrMap, be16, decodeAttrs, decodeMessages, encodeAttr, encodeMessage, encodeNested, NLM_F, str, u32 } from '../../../src/netlink/message.ts';
import { decodeAddr, formatIp, RtnlReader } from '../../../src/netlink/rtnl.ts';
import { NETLINK_GENERIC, NetlinkError, NetlinkSocket } from '../../../src/netlink/socket.ts';

t.test('message framing is byte exact', async (t) => {
  const m = encodeMessage(22, NLM_F.REQUEST | NLM_F.DUMP, 7, Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]));
  t.same([...m], [24, 0, 0, 0, 22, 0, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0]);
  const two = Buffer.concat([encodeMessage(1, 0, 1, Buffer.from([1, 2, 3])), encodeMessage(3, 2, 2, Buffer.alloc(4))]);
  const d = decodeMessages(two);
  t.equal(d.length, 2);
  t.same([...d[0]!.payload], [1, 2, 3], 'payload excludes padding');
  t.equal(d[1]!.type, 3);
  t.same(decodeMessages(Buffer.from([200, 0, 0, 0])), [], 'a truncated header is ignored');
});

t.test('attributes: padding, byte order, nesting', async (t) => {
  t.same([...str(6, 'wrr')], [8, 0, 6, 0, 0x77, 0x72, 0x72, 0]);
  t.same([...be16(4, 80)], [6, 0, 4, 0, 0, 80, 0, 0], 'port big-endian, padded');
  t.same([...u32(4, 1)], [8, 0, 4, 0, 1, 0, 0, 0]);
  const nest = encodeNested(1, [u32(5, 9), encodeAttr(6, Buffer.from('x'))]);
  t.equal(nest.readUInt16LE(2), 0x8001, 'NLA_F_NESTED set');
  const inner = decodeAttrs(decodeAttrs(nest)[0]!.value);
  t.same(inner.map((a) => a.type), [5, 6]);
  t.equal(attrMap(decodeAttrs(nest)[0]!.value).get(5)!.readUInt32LE(0), 9);
});

t.test('IPv6 formatting follows RFC 5952', async (t) => {
  const v6 = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');
  t.equal(formatIp(v6('2001:0db8:0000:0000:0000:0000:0000:0001')), '2001:db8::1');
  t.equal(formatIp(v6('fe80:0000:0000:0000:0001:0000:0000:0001')), 'fe80::1:0:0:1');
  t.equal(formatIp(v6('2001:0db8:0000:0001:0001:0001:0001:0001')), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  t.equal(formatIp(Buffer.alloc(16)), '::');
  t.equal(formatIp(Buffer.from([10, 0, 0, 1])), '10.0.0.1');
});

t.test('address message decoding', async (t) => {
  // ifaddrmsg AF_INET /24 flags 0x80 scope 0 index 2; IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_LABEL
  const payload = Buffer.concat([
    Buffer.from([2, 24, 0x80, 0, 2, 0, 0, 0]),
    encodeAttr(1, Buffer.from([10, 1, 2, 3])), encodeAttr(2, Buffer.from([10, 1, 2, 3])),
    encodeAttr(4, Buffer.from([10, 1, 2, 255])), str(3, 'eth0:vip'),
  ]);
  t.match(decodeAddr(payload), { family: 4, index: 2, prefixlen: 24, address: '10.1.2.3', broadcast: '10.1.2.255', label: 'eth0:vip', flags: 0x80 });
});

t.test('live: dumps of this namespace agree with ip(8)', async (t) => {
  const r = await RtnlReader.open();
  try {
    const links = await r.links();
    const lo = links.find((l) => l.name === 'lo');
    t.ok(lo, 'lo is listed');
    const addrs = await r.addresses(4);
    t.ok(addrs.some((a) => a.address === '127.0.0.1' && a.prefixlen === 8 && a.index === lo!.index));
    const ipOut = execFileSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' });
    for (const a of addrs) t.match(ipOut, `inet ${a.address}/${a.prefixlen}`);
  } finally {
    r.close();
  }
});

t.test('live: generic netlink errors carry the errno name', async (t) => {
  const s = await NetlinkSocket.open(NETLINK_GENERIC);
  try {
    // CTRL_CMD_GETFAMILY (3) for a family that does not exist → ENOENT
    const genl = Buffer.from([3, 2, 0, 0]);
    const err = await s.request(0x10, 0, Buffer.concat([genl, str(2, 'no-such-family')]), 'resolve no-such-family').catch((e: unknown) => e);
    t.type(err, NetlinkError);
    t.equal((err as NetlinkError).code, 'ENOENT');
    t.match((err as Error).message, /resolve no-such-family: ENOENT/);
    const ok = await s.request(0x10, 0, Buffer.concat([genl, str(2, 'nlctrl')]), 'resolve nlctrl');
    t.equal(ok.length, 1, 'one reply before the ACK');
    t.equal(attrMap(ok[0]!.payload.subarray(4)).get(1)!.readUInt16LE(0), 0x10, 'nlctrl has id 16');
  } finally {
    s.close();
  }
});
