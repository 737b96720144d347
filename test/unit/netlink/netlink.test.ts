import t from 'tap';
import { execFileSync } from 'node:child_process';
import { attrMap, be16, decodeAttrs, decodeMessages, encodeAttr, encodeMessage, encodeNested, NLM_F, str, u32 } from '../../../src/netlink/message.ts';
import { getAddresses } from '../../../src/net/addresses.ts';
import { formatIp } from '../../../src/net/ipaddr.ts';
import { getLinks } from '../../../src/net/links.ts';
import { openRtnl } from '../../../src/net/rtnl.ts';
import { NETLINK_GENERIC, NetlinkError, NetlinkSocket } from '../../../src/netlink/socket.ts';

t.test('message framing is byte exact', async (t) => {
  const m = encodeMessage(22, NLM_F.REQUEST | NLM_F.DUMP, 7, Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]));
  t.same([...m], [24, 0, 0, 0, 22, 0, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0]);
  const two = Buffer.concat([encodeMessage(1, 0, 1, Buffer.from([1, 2, 3])), encodeMessage(3, 2, 2, Buffer.alloc(4))]);
  const d = decodeMessages(two);
  t.equal(d.length, 2);
  t.same([...d[0]!.data], [1, 2, 3], 'payload excludes padding');
  t.equal(d[1]!.type, 3);
  t.same(decodeMessages(Buffer.from([200, 0, 0, 0])), [], 'a truncated header is ignored');
});

t.test('attributes: padding, byte order, nesting', async (t) => {
  t.same([...str(6, 'wrr')], [8, 0, 6, 0, 0x77, 0x72, 0x72, 0]);
  t.same([...be16(4, 80)], [6, 0, 4, 0, 0, 80, 0, 0], 'port big-endian, padded');
  t.same([...u32(4, 1)], [8, 0, 4, 0, 1, 0, 0, 0]);
  const nest = encodeNested(1, [u32(5, 9), encodeAttr(6, Buffer.from('x'))]);
  t.equal(nest.readUInt16LE(2), 0x8001, 'NLA_F_NESTED set');
  const inner = decodeAttrs(decodeAttrs(nest)[0]!.data);
  t.same(inner.map((a) => a.type), [5, 6]);
  t.equal(attrMap(decodeAttrs(nest)[0]!.data).get(5)!.readUInt32LE(0), 9);
});

t.test('live: rtnetlink dumps of this namespace agree with ip(8), two dumps at once included', async (t) => {
  const nl = await openRtnl();
  try {
    // two dumps in flight on one socket: the kernel would answer EBUSY, the socket serialises them
    const [links, addrs] = await Promise.all([getLinks(nl), getAddresses(nl, 2)]);
    const lo = links.find((l) => l.name === 'lo');
    t.ok(lo, 'lo is listed');
    const mine = addrs.map((a) => `inet ${formatIp(a.local!)}/${a.prefixlen}`);
    t.ok(mine.includes('inet 127.0.0.1/8'));
    const ipOut = execFileSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' });
    for (const m of mine) t.match(ipOut, m);
  } finally {
    nl.close();
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
    t.equal(attrMap(ok[0]!.data.subarray(4)).get(1)!.readUInt16LE(0), 0x10, 'nlctrl has id 16');
  } finally {
    s.close();
  }
});

t.test('live: a batch is one sendmsg; only its last request asks for an ACK, every result is still exact', async (t) => {
  const s = await NetlinkSocket.open(NETLINK_GENERIC);
  try {
    const get = (name: string) => ({ type: 0x10, flags: 0, data: Buffer.concat([Buffer.from([3, 2, 0, 0]), str(2, name)]), what: `resolve ${name}` });
    const badCmd = { type: 0x10, flags: 0, data: Buffer.from([0x7f, 1, 0, 0]), what: 'unknown nlctrl command' };
    const r = await s.batch([get('nlctrl'), badCmd, get('nlctrl'), get('no-such-family'), get('nlctrl'), get('nlctrl')]);
    t.equal(r.length, 6);
    t.same(r.map((x) => (x instanceof NetlinkError ? x.code : x instanceof Error ? 'other error' : `${x.length} reply`)),
      ['1 reply', 'EOPNOTSUPP', '1 reply', 'ENOENT', '1 reply', '1 reply'],
      'errors of un-ACKed requests arrive by sequence number; the rest succeed, with their replies');
    t.match((r[3] as Error).message, /resolve no-such-family: ENOENT/);
    // the last one failing settles the batch too
    const r2 = await s.batch([get('nlctrl'), get('no-such-family')]);
    t.same(r2.map((x) => x instanceof NetlinkError ? x.code : 'ok'), ['ok', 'ENOENT']);
    t.same(await s.batch([]), [], 'an empty batch sends nothing');
  } finally {
    s.close();
  }
  // nothing can be sent on a closed socket: every request settles with the error, nothing hangs
  const r3 = await s.batch([{ type: 0x10, flags: 0, data: Buffer.from([3, 2, 0, 0]), what: 'x' }, { type: 0x10, flags: 0, data: Buffer.from([3, 2, 0, 0]), what: 'y' }]);
  t.same(r3.map((x) => x instanceof Error && /closed/.test(x.message)), [true, true], 'a batch on a closed socket: both fail');
  await t.rejects(s.request(0x10, 0, Buffer.from([3, 2, 0, 0]), 'z'), /closed/, 'a request on a closed socket rejects');
});
