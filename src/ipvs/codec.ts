/**
 * Pure encoder/decoder for the IPVS generic-netlink commands. Produces and
 * consumes the attribute payload that follows the genl header.
 *
 * Traps handled here (see anchors §E): PORT and TUN_PORT are big-endian; the
 * IPv4 NETMASK is a __be32 mask while the IPv6 one is a host-order prefix
 * length; FLAGS is an 8-byte host-order {flags, mask}; DEST ADDR_FAMILY is
 * always sent; STATS64 counters are u64.
 */
import {
  AttrWriter, CMD, CMD_ATTR, DAEMON_ATTR, DEST_ATTR, INFO_ATTR, STATS_ATTR, SVC_ATTR,
  getBe16, getStr, getU16, getU32, getU64, getU8, hostU32, parseAttrs, readHostU32, type Attrs,
} from './attrs.ts';
import {
  AF, DAEMON_STATE, FWD, PROTO, SVC_F, TUN_CSUM, TUN_TYPE, addrToBytes, bitsToSchedFlags, bytesToAddr, ipv4Into,
  schedFlagsToBits, zeroStats, type Destination, type Family, type Forward, type Info, type Service,
  type ServiceKey, type Stats, type SyncDaemon, type Timeouts, type TunnelChecksum, type TunnelType,
} from './model.ts';

/** One kernel operation. The planner emits these; the client sends them. */
export type Op =
  | { op: 'add-service'; service: Service }
  | { op: 'edit-service'; service: Service }
  | { op: 'del-service'; key: ServiceKey }
  | { op: 'add-dest'; key: ServiceKey; dest: Destination }
  | { op: 'edit-dest'; key: ServiceKey; dest: Destination }
  | { op: 'del-dest'; key: ServiceKey; dest: Pick<Destination, 'family' | 'address' | 'port'> }
  | { op: 'flush' }
  | { op: 'zero'; key?: ServiceKey | undefined }
  | { op: 'set-timeouts'; timeouts: Partial<Timeouts> }
  | { op: 'add-daemon'; daemon: SyncDaemon }
  | { op: 'del-daemon'; state: SyncDaemon['state'] };

export interface Request { cmd: number; data: Buffer; dump: boolean }

const FAMILY_OF_AF: Record<number, Family> = { [AF.inet]: 'inet', [AF.inet6]: 'inet6' };
const PROTO_OF_NUM: Record<number, 'tcp' | 'udp' | 'sctp'> = { [PROTO.tcp]: 'tcp', [PROTO.udp]: 'udp', [PROTO.sctp]: 'sctp' };
const FWD_OF_NUM: Forward[] = ['masq', 'local', 'tunnel', 'route', 'bypass'];
const TUN_OF_NUM: TunnelType[] = ['ipip', 'gue', 'gre'];
const CSUM_OF_NUM: TunnelChecksum[] = ['nocsum', 'csum', 'remcsum'];

/** 16-byte union nf_inet_addr (as ipvsadm/keepalived send it), written in place. */
function addr16(w: AttrWriter, type: number, address: string): void {
  const o = w.reserve(type, 16);
  if (!ipv4Into(address, w.target, o)) addrToBytes(address).copy(w.target, o);
}

// ---------- encoding ----------
// Every encoder appends to the writer it is given (a new one by default) and returns it, so the
// client can write a whole batch of requests into one buffer.

export function encodeServiceKey(k: ServiceKey, w = new AttrWriter()): AttrWriter {
  w.u16(SVC_ATTR.AF, AF[k.family]);
  if (k.fwmark !== undefined) {
    w.u32(SVC_ATTR.FWMARK, k.fwmark);
  } else {
    w.u16(SVC_ATTR.PROTOCOL, PROTO[k.protocol]);
    addr16(w, SVC_ATTR.ADDR, k.address);
    w.be16(SVC_ATTR.PORT, k.port);
  }
  return w;
}

export function serviceFlagBits(s: Service): number {
  return (s.persistent !== undefined ? SVC_F.PERSISTENT : 0) | (s.onePacket ? SVC_F.ONEPACKET : 0) | schedFlagsToBits(s.schedFlags);
}

/** Full service (NEW_SERVICE / SET_SERVICE): key + scheduler, flags, timeout, netmask (+ PE). */
export function encodeService(s: Service, w = new AttrWriter()): AttrWriter {
  encodeServiceKey(s.key, w);
  w.str(SVC_ATTR.SCHED_NAME, s.scheduler);
  if (s.pe) w.str(SVC_ATTR.PE_NAME, s.pe);
  const flags = w.reserve(SVC_ATTR.FLAGS, 8);
  hostU32(w.target, serviceFlagBits(s), flags);
  hostU32(w.target, 0xffffffff, flags + 4); // mask: we state every flag, the kernel keeps none of the old ones
  w.u32(SVC_ATTR.TIMEOUT, s.persistent ?? s.timeout ?? 0);
  if (s.key.family === 'inet') w.be32(SVC_ATTR.NETMASK, s.netmask); // __be32 mask
  else w.u32(SVC_ATTR.NETMASK, s.netmask); // host-order prefix length
  return w;
}

export function encodeDestKey(d: Pick<Destination, 'family' | 'address' | 'port'>, w = new AttrWriter()): AttrWriter {
  addr16(w, DEST_ATTR.ADDR, d.address);
  w.be16(DEST_ATTR.PORT, d.port);
  w.u16(DEST_ATTR.ADDR_FAMILY, AF[d.family]);
  return w;
}

/** Full destination (NEW_DEST / SET_DEST). */
export function encodeDest(d: Destination, w = new AttrWriter()): AttrWriter {
  encodeDestKey(d, w);
  w.u32(DEST_ATTR.FWD_METHOD, FWD[d.forward]);
  w.u32(DEST_ATTR.WEIGHT, d.weight);
  w.u32(DEST_ATTR.U_THRESH, d.upperThreshold);
  w.u32(DEST_ATTR.L_THRESH, d.lowerThreshold);
  const t = d.forward === 'tunnel' ? d.tunnel : undefined;
  w.u8(DEST_ATTR.TUN_TYPE, TUN_TYPE[t?.type ?? 'ipip']);
  w.be16(DEST_ATTR.TUN_PORT, t?.port ?? 0);
  w.u16(DEST_ATTR.TUN_FLAGS, TUN_CSUM[t?.checksum ?? 'nocsum']);
  return w;
}

export function encodeDaemon(d: SyncDaemon, w = new AttrWriter()): AttrWriter {
  w.u32(DAEMON_ATTR.STATE, DAEMON_STATE[d.state]);
  w.str(DAEMON_ATTR.MCAST_IFN, d.ifname);
  w.u32(DAEMON_ATTR.SYNC_ID, d.syncId);
  if (d.maxLen !== undefined) w.u16(DAEMON_ATTR.SYNC_MAXLEN, d.maxLen);
  if (d.group !== undefined) {
    const b = addrToBytes(d.group);
    if (b.length === 4) w.raw(DAEMON_ATTR.MCAST_GROUP, b); else w.raw(DAEMON_ATTR.MCAST_GROUP6, b);
  }
  if (d.port !== undefined) w.u16(DAEMON_ATTR.MCAST_PORT, d.port);
  if (d.ttl !== undefined) w.u8(DAEMON_ATTR.MCAST_TTL, d.ttl);
  return w;
}

/** The IPVS command of each operation. */
export const OP_CMD: Readonly<Record<Op['op'], number>> = {
  'add-service': CMD.NEW_SERVICE, 'edit-service': CMD.SET_SERVICE, 'del-service': CMD.DEL_SERVICE,
  'add-dest': CMD.NEW_DEST, 'edit-dest': CMD.SET_DEST, 'del-dest': CMD.DEL_DEST,
  flush: CMD.FLUSH, zero: CMD.ZERO, 'set-timeouts': CMD.SET_CONFIG, 'add-daemon': CMD.NEW_DAEMON, 'del-daemon': CMD.DEL_DAEMON,
};

/** Appends the attributes of one operation's request (the payload after the genl header) to `w`. */
export function writeOpAttrs(w: AttrWriter, op: Op): AttrWriter {
  switch (op.op) {
    case 'add-service':
    case 'edit-service':
      return w.nested(CMD_ATTR.SERVICE, (n) => encodeService(op.service, n));
    case 'del-service':
      return w.nested(CMD_ATTR.SERVICE, (n) => encodeServiceKey(op.key, n));
    case 'add-dest':
    case 'edit-dest':
      return w.nested(CMD_ATTR.SERVICE, (n) => encodeServiceKey(op.key, n)).nested(CMD_ATTR.DEST, (n) => encodeDest(op.dest, n));
    case 'del-dest':
      return w.nested(CMD_ATTR.SERVICE, (n) => encodeServiceKey(op.key, n)).nested(CMD_ATTR.DEST, (n) => encodeDestKey(op.dest, n));
    case 'flush': return w;
    case 'zero':
      return op.key ? w.nested(CMD_ATTR.SERVICE, (n) => encodeServiceKey(op.key!, n)) : w;
    case 'set-timeouts':
      // 0 = leave unchanged (kernel semantics)
      return w.u32(CMD_ATTR.TIMEOUT_TCP, op.timeouts.tcp ?? 0).u32(CMD_ATTR.TIMEOUT_TCP_FIN, op.timeouts.tcpFin ?? 0).u32(CMD_ATTR.TIMEOUT_UDP, op.timeouts.udp ?? 0);
    case 'add-daemon':
      return w.nested(CMD_ATTR.DAEMON, (n) => encodeDaemon(op.daemon, n));
    case 'del-daemon':
      return w.nested(CMD_ATTR.DAEMON, (n) => n.u32(DAEMON_ATTR.STATE, DAEMON_STATE[op.state]));
  }
}

/** The request for one operation. */
export function encodeOp(op: Op): Request {
  return { cmd: OP_CMD[op.op], data: writeOpAttrs(new AttrWriter(), op).buffer(), dump: false };
}

export const requests = {
  getServices: (): Request => ({ cmd: CMD.GET_SERVICE, data: Buffer.alloc(0), dump: true }),
  getService: (k: ServiceKey): Request => ({ cmd: CMD.GET_SERVICE, data: new AttrWriter().nested(CMD_ATTR.SERVICE, (n) => encodeServiceKey(k, n)).buffer(), dump: false }),
  getDests: (k: ServiceKey): Request => ({ cmd: CMD.GET_DEST, data: new AttrWriter().nested(CMD_ATTR.SERVICE, (n) => encodeServiceKey(k, n)).buffer(), dump: true }),
  getInfo: (): Request => ({ cmd: CMD.GET_INFO, data: Buffer.alloc(0), dump: false }),
  getConfig: (): Request => ({ cmd: CMD.GET_CONFIG, data: Buffer.alloc(0), dump: false }),
  getDaemons: (): Request => ({ cmd: CMD.GET_DAEMON, data: Buffer.alloc(0), dump: true }),
};

// ---------- decoding ----------

export function decodeStats(a: Attrs): Stats {
  const s64 = a.get(SVC_ATTR.STATS64); // same id (12) for services and dests
  const s32 = a.get(SVC_ATTR.STATS);
  const st = zeroStats();
  if (s64) {
    const x = parseAttrs(s64);
    const g = (t: number) => getU64(x, t) ?? 0n;
    st.conns = g(STATS_ATTR.CONNS); st.inpkts = g(STATS_ATTR.INPKTS); st.outpkts = g(STATS_ATTR.OUTPKTS);
    st.inbytes = g(STATS_ATTR.INBYTES); st.outbytes = g(STATS_ATTR.OUTBYTES); st.cps = g(STATS_ATTR.CPS);
    st.inpps = g(STATS_ATTR.INPPS); st.outpps = g(STATS_ATTR.OUTPPS); st.inbps = g(STATS_ATTR.INBPS); st.outbps = g(STATS_ATTR.OUTBPS);
  } else if (s32) {
    const x = parseAttrs(s32);
    const g = (t: number) => BigInt(getU32(x, t) ?? 0);
    const g64 = (t: number) => getU64(x, t) ?? 0n;
    st.conns = g(STATS_ATTR.CONNS); st.inpkts = g(STATS_ATTR.INPKTS); st.outpkts = g(STATS_ATTR.OUTPKTS);
    st.inbytes = g64(STATS_ATTR.INBYTES); st.outbytes = g64(STATS_ATTR.OUTBYTES); st.cps = g(STATS_ATTR.CPS);
    st.inpps = g(STATS_ATTR.INPPS); st.outpps = g(STATS_ATTR.OUTPPS); st.inbps = g(STATS_ATTR.INBPS); st.outbps = g(STATS_ATTR.OUTBPS);
  }
  return st;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RangeError(`IPVS reply lacks ${what}`);
  return v;
}

/** Service attributes (the content of CMD_ATTR_SERVICE). */
export function decodeServiceAttrs(a: Attrs): Service {
  const af = need(getU16(a, SVC_ATTR.AF), 'SVC AF');
  const family = FAMILY_OF_AF[af];
  if (!family) throw new RangeError(`IPVS service has unknown address family ${af}`);
  const fwmark = getU32(a, SVC_ATTR.FWMARK) ?? 0;
  let key: ServiceKey;
  if (fwmark) key = { family, fwmark };
  else {
    const p = need(getU16(a, SVC_ATTR.PROTOCOL), 'SVC PROTOCOL');
    const protocol = PROTO_OF_NUM[p];
    if (!protocol) throw new RangeError(`IPVS service has unknown protocol ${p}`);
    key = { family, protocol, address: bytesToAddr(family, need(a.get(SVC_ATTR.ADDR), 'SVC ADDR')), port: need(getBe16(a, SVC_ATTR.PORT), 'SVC PORT') };
  }
  const fl = a.get(SVC_ATTR.FLAGS);
  const bits = fl && fl.length >= 4 ? readHostU32(fl) : 0;
  const timeout = getU32(a, SVC_ATTR.TIMEOUT) ?? 0;
  const nm = a.get(SVC_ATTR.NETMASK);
  const netmask = nm && nm.length >= 4 ? (family === 'inet' ? nm.readUInt32BE(0) : readHostU32(nm)) : family === 'inet' ? 0xffffffff : 128;
  const pe = getStr(a, SVC_ATTR.PE_NAME);
  return {
    key,
    scheduler: getStr(a, SVC_ATTR.SCHED_NAME) ?? '',
    persistent: bits & SVC_F.PERSISTENT ? timeout : undefined,
    netmask,
    onePacket: (bits & SVC_F.ONEPACKET) !== 0,
    schedFlags: bitsToSchedFlags(bits),
    pe: pe ? pe : undefined,
    timeout,
    stats: decodeStats(a),
  };
}

/** Destination attributes (content of CMD_ATTR_DEST); svcFamily is used when ADDR_FAMILY is absent (old kernels). */
export function decodeDestAttrs(a: Attrs, svcFamily: Family): Destination {
  const af = getU16(a, DEST_ATTR.ADDR_FAMILY);
  const family = af ? FAMILY_OF_AF[af] ?? svcFamily : svcFamily;
  const fwd = FWD_OF_NUM[(getU32(a, DEST_ATTR.FWD_METHOD) ?? 0) & 0x7] ?? 'masq';
  const d: Destination = {
    family,
    address: bytesToAddr(family, need(a.get(DEST_ATTR.ADDR), 'DEST ADDR')),
    port: need(getBe16(a, DEST_ATTR.PORT), 'DEST PORT'),
    forward: fwd,
    weight: (getU32(a, DEST_ATTR.WEIGHT) ?? 0) | 0,
    upperThreshold: getU32(a, DEST_ATTR.U_THRESH) ?? 0,
    lowerThreshold: getU32(a, DEST_ATTR.L_THRESH) ?? 0,
    activeConns: getU32(a, DEST_ATTR.ACTIVE_CONNS) ?? 0,
    inactConns: getU32(a, DEST_ATTR.INACT_CONNS) ?? 0,
    persistConns: getU32(a, DEST_ATTR.PERSIST_CONNS) ?? 0,
    stats: decodeStats(a),
  };
  if (fwd === 'tunnel') {
    d.tunnel = {
      type: TUN_OF_NUM[getU8(a, DEST_ATTR.TUN_TYPE) ?? 0] ?? 'ipip',
      port: getBe16(a, DEST_ATTR.TUN_PORT) ?? 0,
      checksum: CSUM_OF_NUM[getU16(a, DEST_ATTR.TUN_FLAGS) ?? 0] ?? 'nocsum',
    };
  }
  return d;
}

/** A NEW_SERVICE reply message (GET_SERVICE dump/doit). */
export function decodeServiceMsg(data: Uint8Array): Service {
  return decodeServiceAttrs(parseAttrs(need(parseAttrs(data).get(CMD_ATTR.SERVICE), 'CMD_ATTR_SERVICE')));
}
/** A NEW_DEST reply message (GET_DEST dump). */
export function decodeDestMsg(data: Uint8Array, svcFamily: Family): Destination {
  return decodeDestAttrs(parseAttrs(need(parseAttrs(data).get(CMD_ATTR.DEST), 'CMD_ATTR_DEST')), svcFamily);
}
export function decodeInfoMsg(data: Uint8Array): Info {
  const a = parseAttrs(data);
  return { version: getU32(a, INFO_ATTR.VERSION) ?? 0, connTabSize: getU32(a, INFO_ATTR.CONN_TAB_SIZE) ?? 0 };
}
export function decodeConfigMsg(data: Uint8Array): Timeouts {
  const a = parseAttrs(data);
  return { tcp: getU32(a, CMD_ATTR.TIMEOUT_TCP) ?? 0, tcpFin: getU32(a, CMD_ATTR.TIMEOUT_TCP_FIN) ?? 0, udp: getU32(a, CMD_ATTR.TIMEOUT_UDP) ?? 0 };
}
export function decodeDaemonMsg(data: Uint8Array): SyncDaemon | undefined {
  const n = parseAttrs(data).get(CMD_ATTR.DAEMON);
  if (!n) return undefined;
  const a = parseAttrs(n);
  const st = getU32(a, DAEMON_ATTR.STATE) ?? 0;
  const state = st & DAEMON_STATE.master ? 'master' : st & DAEMON_STATE.backup ? 'backup' : undefined;
  if (!state) return undefined;
  const g4 = a.get(DAEMON_ATTR.MCAST_GROUP);
  const g6 = a.get(DAEMON_ATTR.MCAST_GROUP6);
  const d: SyncDaemon = { state, ifname: getStr(a, DAEMON_ATTR.MCAST_IFN) ?? '', syncId: getU32(a, DAEMON_ATTR.SYNC_ID) ?? 0 };
  const maxLen = getU16(a, DAEMON_ATTR.SYNC_MAXLEN); if (maxLen) d.maxLen = maxLen;
  if (g6 && g6.length === 16) d.group = bytesToAddr('inet6', g6);
  else if (g4 && g4.length === 4 && g4.readUInt32BE(0) !== 0) d.group = bytesToAddr('inet', g4);
  const port = getU16(a, DAEMON_ATTR.MCAST_PORT); if (port) d.port = port;
  const ttl = getU8(a, DAEMON_ATTR.MCAST_TTL); if (ttl) d.ttl = ttl;
  return d;
}
