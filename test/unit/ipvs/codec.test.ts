import t from 'tap';
import { AttrWriter, CMD, CMD_ATTR, SVC_ATTR, DEST_ATTR, STATS_ATTR, parseAttrs } from '../../../src/ipvs/attrs.ts';
import {
  encodeOp, encodeService, encodeDest, decodeServiceAttrs, decodeDestAttrs, decodeServiceMsg, decodeDestMsg, decodeInfoMsg,
  decodeConfigMsg, decodeDaemonMsg, OP_CMD, requests, writeOpAttrs, type Op,
} from '../../../src/ipvs/codec.ts';
import { makeService, makeDest, parseServiceKey, type Service, type Destination } from '../../../src/ipvs/model.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const h = (s: string) => s.replace(/\s+/g, '');

// Attribute headers are host order; these expectations are for little-endian hosts (x86_64, arm64).
t.equal(require_le(), true, 'tests assume a little-endian host');
function require_le() { return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1; }

t.test('NEW_SERVICE TCP 10.0.0.1:80 rr, byte for byte', async (t) => {
  const r = encodeOp({ op: 'add-service', service: makeService(parseServiceKey('TCP 10.0.0.1:80'), 'rr') });
  t.equal(r.cmd, CMD.NEW_SERVICE);
  t.equal(r.dump, false);
  t.equal(hex(r.data), h(`
    5400 0100
      0600 0100 0200 0000
      0600 0200 0600 0000
      1400 0300 0a000001 00000000 00000000 00000000
      0600 0400 0050 0000
      0700 0600 727200 00
      0c00 0700 00000000 ffffffff
      0800 0800 00000000
      0800 0900 ffffffff`));
});

t.test('persistent IPv4 service: flags, timeout, __be32 netmask; one-packet + sched flags', async (t) => {
  const s = makeService(parseServiceKey('UDP 192.168.1.10:53'), 'sh', { persistent: 600, netmask: 0xffffff00, onePacket: true, schedFlags: ['flag-1', 'flag-2'] });
  const a = parseAttrs(encodeService(s).buffer());
  t.equal(hex(a.get(SVC_ATTR.PORT)!), '0035', 'port big-endian');
  t.equal(hex(a.get(SVC_ATTR.FLAGS)!), '1d000000ffffffff', 'PERSISTENT|ONEPACKET|SCHED1|SCHED2 host order + full mask');
  t.equal(hex(a.get(SVC_ATTR.TIMEOUT)!), '58020000', '600 s host order');
  t.equal(hex(a.get(SVC_ATTR.NETMASK)!), 'ffffff00', 'IPv4 netmask is the mask in network order');
  t.equal(hex(a.get(SVC_ATTR.PROTOCOL)!), '1100');
});

t.test('IPv6 service: 16-byte address, host-order prefix length', async (t) => {
  const s = makeService(parseServiceKey('TCP [2001:db8::1]:443'), 'sed', { persistent: 100, netmask: 64 });
  const a = parseAttrs(encodeService(s).buffer());
  t.equal(hex(a.get(SVC_ATTR.AF)!), '0a00');
  t.equal(hex(a.get(SVC_ATTR.ADDR)!), '20010db8000000000000000000000001');
  t.equal(hex(a.get(SVC_ATTR.PORT)!), '01bb');
  t.equal(hex(a.get(SVC_ATTR.NETMASK)!), '40000000', 'IPv6 netmask is a host-order prefix length');
});

t.test('fwmark service key and PE name', async (t) => {
  const s = makeService({ family: 'inet6', fwmark: 5 }, 'wrr', { persistent: 60, pe: 'sip' });
  const b = encodeService(s).buffer();
  const a = parseAttrs(b);
  t.equal(hex(a.get(SVC_ATTR.FWMARK)!), '05000000');
  t.notOk(a.has(SVC_ATTR.PROTOCOL)); t.notOk(a.has(SVC_ATTR.ADDR)); t.notOk(a.has(SVC_ATTR.PORT));
  t.equal(a.get(SVC_ATTR.PE_NAME)!.toString('latin1'), 'sip\0');
  t.equal(hex(a.get(SVC_ATTR.NETMASK)!), '80000000');
});

t.test('NEW_DEST with GUE tunnel, byte for byte', async (t) => {
  const d = makeDest('10.0.0.4', 80, { forward: 'tunnel', weight: 2, upperThreshold: 100, lowerThreshold: 50, tunnel: { type: 'gue', port: 6080, checksum: 'csum' } });
  const r = encodeOp({ op: 'add-dest', key: parseServiceKey('TCP 10.0.0.1:80'), dest: d });
  t.equal(r.cmd, CMD.NEW_DEST);
  const top = parseAttrs(r.data);
  t.equal(hex(top.get(CMD_ATTR.DEST)!), h(`
    1400 0100 0a000004 00000000 00000000 00000000
    0600 0200 0050 0000
    0600 0b00 0200 0000
    0800 0300 02000000
    0800 0400 02000000
    0800 0500 64000000
    0800 0600 32000000
    0500 0d00 01 000000
    0600 0e00 17c0 0000
    0600 0f00 0100 0000`));
  t.equal(hex(top.get(CMD_ATTR.SERVICE)!).length > 0, true, 'service key nest present');
});

t.test('DEST always carries ADDR_FAMILY (mixed-family tunnel)', async (t) => {
  const d = makeDest('2001:db8::7', 80, { forward: 'tunnel' });
  const a = parseAttrs(encodeDest(d).buffer());
  t.equal(hex(a.get(DEST_ATTR.ADDR_FAMILY)!), '0a00');
  const del = encodeOp({ op: 'del-dest', key: parseServiceKey('TCP 10.0.0.1:80'), dest: d });
  const da = parseAttrs(parseAttrs(del.data).get(CMD_ATTR.DEST)!);
  t.same([...da.keys()], [DEST_ATTR.ADDR, DEST_ATTR.PORT, DEST_ATTR.ADDR_FAMILY], 'DEL_DEST sends only the identity');
});

t.test('other commands', async (t) => {
  t.same(encodeOp({ op: 'flush' }), { cmd: CMD.FLUSH, data: Buffer.alloc(0), dump: false });
  t.equal(hex(encodeOp({ op: 'zero' }).data), '');
  t.equal(encodeOp({ op: 'zero', key: { family: 'inet', fwmark: 1 } }).data.length, 4 + 8 + 8);
  t.equal(hex(encodeOp({ op: 'set-timeouts', timeouts: { tcp: 100, udp: 30 } }).data), h('0800 0400 64000000 0800 0500 00000000 0800 0600 1e000000'));
  t.equal(encodeOp({ op: 'set-timeouts', timeouts: {} }).cmd, CMD.SET_CONFIG);
  const nd = encodeOp({ op: 'add-daemon', daemon: { state: 'backup', ifname: 'eth1', syncId: 7, maxLen: 1400, group: '224.0.0.99', port: 8849, ttl: 2 } });
  t.equal(nd.cmd, CMD.NEW_DAEMON);
  t.equal(hex(parseAttrs(nd.data).get(CMD_ATTR.DAEMON)!), h(`
    0800 0100 02000000
    0900 0200 6574683100 000000
    0800 0300 07000000
    0600 0400 7805 0000
    0800 0500 e0000063
    0600 0700 9122 0000
    0500 0800 02 000000`));
  t.equal(hex(encodeOp({ op: 'del-daemon', state: 'master' }).data), h('0c00 0300 0800 0100 01000000'));
  t.same(requests.getServices(), { cmd: CMD.GET_SERVICE, data: Buffer.alloc(0), dump: true });
  t.equal(requests.getDests(parseServiceKey('TCP 10.0.0.1:80')).dump, true);
  t.equal(requests.getInfo().cmd, CMD.GET_INFO);
  t.equal(requests.getConfig().cmd, CMD.GET_CONFIG);
  t.equal(requests.getDaemons().cmd, CMD.GET_DAEMON);
  const ops: Op[] = [
    { op: 'edit-service', service: makeService(parseServiceKey('TCP 10.0.0.1:80'), 'wrr') },
    { op: 'del-service', key: parseServiceKey('TCP 10.0.0.1:80') },
    { op: 'edit-dest', key: parseServiceKey('TCP 10.0.0.1:80'), dest: makeDest('10.0.0.2', 80) },
  ];
  t.same(ops.map((o) => encodeOp(o).cmd), [CMD.SET_SERVICE, CMD.DEL_SERVICE, CMD.SET_DEST]);
  t.same([...parseAttrs(parseAttrs(encodeOp(ops[1]!).data).get(CMD_ATTR.SERVICE)!).keys()], [SVC_ATTR.AF, SVC_ATTR.PROTOCOL, SVC_ATTR.ADDR, SVC_ATTR.PORT]);
});

t.test('round trips: every service feature', async (t) => {
  const cases: Service[] = [
    makeService(parseServiceKey('TCP 10.0.0.1:80'), 'rr'),
    makeService(parseServiceKey('UDP 10.0.0.1:53'), 'sh', { onePacket: true, schedFlags: ['flag-1', 'flag-2'] }),
    makeService(parseServiceKey('TCP 10.0.0.1:443'), 'mh', { persistent: 600, netmask: 0xffffff00, schedFlags: ['flag-2'] }),
    makeService(parseServiceKey('SCTP 10.0.0.1:9'), 'nq', { pe: 'sip' }),
    makeService(parseServiceKey('TCP [2001:db8::1]:80'), 'sed', { persistent: 100, netmask: 64 }),
    makeService({ family: 'inet', fwmark: 5 }, 'wrr', { persistent: 60, schedFlags: ['flag-3'] }),
    makeService({ family: 'inet6', fwmark: 4294967295 }, 'lc'),
  ];
  for (const s of cases) {
    const back = decodeServiceAttrs(parseAttrs(encodeService(s).buffer()));
    const { stats, timeout, ...rest } = back;
    t.same(rest, { ...s, persistent: s.persistent, pe: s.pe }, `service ${JSON.stringify(s.key)}`);
    t.equal(timeout, s.persistent ?? 0);
    t.same(stats, { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n });
  }
});

t.test('round trips: every destination feature', async (t) => {
  const cases: Destination[] = [
    makeDest('10.0.0.2', 80, { weight: 3, upperThreshold: 100, lowerThreshold: 50 }),
    makeDest('10.0.0.3', 80, { forward: 'route', weight: 0 }),
    makeDest('10.0.0.4', 80, { forward: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }),
    makeDest('10.0.0.5', 80, { forward: 'tunnel', tunnel: { type: 'gre', port: 0, checksum: 'nocsum' } }),
    makeDest('10.0.0.6', 80, { forward: 'tunnel', tunnel: { type: 'gue', port: 1, checksum: 'remcsum' } }),
    makeDest('2001:db8::2', 8080, { weight: 2147483647, upperThreshold: 4294967295 }),
    makeDest('10.0.0.8', 0, { forward: 'local' }),
  ];
  for (const d of cases) {
    const back = decodeDestAttrs(parseAttrs(encodeDest(d).buffer()), 'inet');
    const { stats, activeConns, inactConns, persistConns, ...rest } = back;
    const want = { ...d, ...(d.forward === 'tunnel' ? {} : {}) };
    t.same(rest, want, `dest ${d.address}:${d.port} ${d.forward}`);
    t.equal(activeConns, 0); t.ok(stats);
  }
});

t.test('decoding kernel replies: STATS64 u64, STATS fallback, missing ADDR_FAMILY', async (t) => {
  const s64 = new AttrWriter();
  [1n, 2n, 3n, 2n ** 40n, 2n ** 63n + 5n, 6n, 7n, 8n, 9n, 10n].forEach((v, i) => s64.u64(i + 1, v));
  const svc = encodeService(makeService(parseServiceKey('TCP 10.0.0.1:80'), 'wlc'))
    .nest(SVC_ATTR.STATS64, s64);
  const msg = new AttrWriter().nest(CMD_ATTR.SERVICE, svc).buffer();
  const got = decodeServiceMsg(msg);
  t.equal(got.stats!.inbytes, 2n ** 40n);
  t.equal(got.stats!.outbytes, 2n ** 63n + 5n);
  t.equal(got.stats!.outbps, 10n);
  // old 32-bit STATS only: conns u32, bytes u64
  const s32 = new AttrWriter().u32(STATS_ATTR.CONNS, 4000000000).u32(STATS_ATTR.INPKTS, 2).u32(STATS_ATTR.OUTPKTS, 3)
    .u64(STATS_ATTR.INBYTES, 2n ** 33n).u64(STATS_ATTR.OUTBYTES, 5n).u32(STATS_ATTR.CPS, 6);
  const dest = new AttrWriter().raw(DEST_ATTR.ADDR, Buffer.from('20010db8000000000000000000000002', 'hex')).be16(DEST_ATTR.PORT, 80)
    .u32(DEST_ATTR.FWD_METHOD, 0).u32(DEST_ATTR.WEIGHT, 1).u32(DEST_ATTR.U_THRESH, 0).u32(DEST_ATTR.L_THRESH, 0)
    .u32(DEST_ATTR.ACTIVE_CONNS, 11).u32(DEST_ATTR.INACT_CONNS, 12).u32(DEST_ATTR.PERSIST_CONNS, 13).nest(DEST_ATTR.STATS, s32);
  const d = decodeDestMsg(new AttrWriter().nest(CMD_ATTR.DEST, dest).buffer(), 'inet6');
  t.equal(d.family, 'inet6', 'no ADDR_FAMILY: the service family is used');
  t.equal(d.address, '2001:db8::2');
  t.equal(d.stats!.conns, 4000000000n);
  t.equal(d.stats!.inbytes, 2n ** 33n);
  t.same([d.activeConns, d.inactConns, d.persistConns], [11, 12, 13]);
  t.same(decodeInfoMsg(new AttrWriter().u32(1, 0x010201).u32(2, 4096).buffer()), { version: 0x010201, connTabSize: 4096 });
  t.same(decodeConfigMsg(new AttrWriter().u32(4, 900).u32(5, 120).u32(6, 300).buffer()), { tcp: 900, tcpFin: 120, udp: 300 });
  const dm = new AttrWriter().u32(1, 1).str(2, 'eth1').u32(3, 9).u16(4, 1472).u16(7, 8848).u8(8, 1).raw(5, Buffer.from([224, 0, 0, 81]));
  t.same(decodeDaemonMsg(new AttrWriter().nest(CMD_ATTR.DAEMON, dm).buffer()),
    { state: 'master', ifname: 'eth1', syncId: 9, maxLen: 1472, group: '224.0.0.81', port: 8848, ttl: 1 });
  t.throws(() => parseAttrs(Buffer.from('0900010000', 'hex')), /malformed/);
  // nested flag bit (NLA_F_NESTED) is ignored when reading
  const nf = Buffer.from(new AttrWriter().nest(CMD_ATTR.SERVICE, encodeService(makeService(parseServiceKey('TCP 10.0.0.1:80'), 'rr'))).buffer());
  nf.writeUInt16LE(0x8001, 2);
  t.equal(decodeServiceMsg(nf).scheduler, 'rr');
});

t.test('a batch written into one growing writer equals the requests encoded one by one', async (t) => {
  const key = parseServiceKey('TCP 10.0.0.1:80');
  const key6 = parseServiceKey('UDP [2001:db8::1]:53');
  const ops: Op[] = [
    { op: 'add-service', service: makeService(key, 'wrr', { persistent: 300, schedFlags: ['flag-1'], pe: 'sip' }) },
    { op: 'add-service', service: makeService(key6, 'sh', { netmask: 64 }) },
    ...Array.from({ length: 40 }, (_, i): Op => ({ op: 'add-dest', key: i % 2 ? key : key6, dest: makeDest(i % 2 ? `10.1.${i}.2` : `2001:db8::${i + 2}`, 80 + i, { weight: i }) })),
    { op: 'edit-dest', key, dest: makeDest('10.1.1.2', 81, { forward: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }) },
    { op: 'del-dest', key, dest: makeDest('10.1.1.2', 81) },
    { op: 'del-service', key: key6 },
    { op: 'set-timeouts', timeouts: { tcp: 900 } },
    { op: 'zero', key }, { op: 'flush' },
  ];
  const w = new AttrWriter(16); // grows many times while requests are being written
  const ends: number[] = [];
  for (const op of ops) { writeOpAttrs(w.genlHeader(OP_CMD[op.op], 1), op); ends.push(w.length); }
  const all = w.view();
  ops.forEach((op, i) => {
    const one = encodeOp(op);
    const got = all.subarray(i ? ends[i - 1] : 0, ends[i]);
    t.equal(hex(got), hex(Buffer.concat([Buffer.from([one.cmd, 1, 0, 0]), one.data])), `${op.op} #${i}`);
  });
});
