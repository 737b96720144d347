/**
 * The rtnetlink reads an agent's monitor needs (link and address dumps), on
 * the light socket. Pure decoders are exported for tests.
 */
import { attrMap, cstring } from './message.ts';
import { NETLINK_ROUTE, NetlinkSocket } from './socket.ts';

export const RTM = { NEWLINK: 16, GETLINK: 18, NEWADDR: 20, DELADDR: 21, GETADDR: 22, GETROUTE: 26 } as const;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IFF_UP = 0x1;
export const IFF_LOWER_UP = 0x10000;
export const IFA_F = { SECONDARY: 0x01, NODAD: 0x02, DADFAILED: 0x08, DEPRECATED: 0x20, TENTATIVE: 0x40, PERMANENT: 0x80, NOPREFIXROUTE: 0x200 } as const;
/** RFC 2863 operstates as the kernel reports them (IFLA_OPERSTATE) */
export const OPER = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'] as const;

export interface LinkInfo {
  index: number;
  name: string;
  flags: number;
  operstate: string;
  mac: string | undefined;
  altnames: string[];
}

export interface AddrInfo {
  family: 4 | 6;
  index: number;
  prefixlen: number;
  flags: number;
  scope: number;
  address: string;
  local: string | undefined;
  broadcast: string | undefined;
  label: string | undefined;
  /** seconds; 0xffffffff = forever */
  preferred: number | undefined;
  valid: number | undefined;
}

export function formatIp(b: Buffer): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // RFC 5952: compress the longest run (≥ 2) of zero groups
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i; while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function decodeLink(payload: Buffer): LinkInfo {
  // struct ifinfomsg { u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change; }
  const index = payload.readInt32LE(4);
  const flags = payload.readUInt32LE(8);
  const attrs = attrMap(payload.subarray(16));
  const mac = attrs.get(1); // IFLA_ADDRESS
  const op = attrs.get(16)?.[0]; // IFLA_OPERSTATE
  const altnames: string[] = [];
  const propList = attrs.get(52); // IFLA_PROP_LIST (nested IFLA_ALT_IFNAME = 53)
  if (propList) for (const [t, v] of attrMap(propList)) if (t === 53) altnames.push(cstring(v) ?? '');
  return {
    index, flags,
    name: cstring(attrs.get(3)) ?? `if${index}`, // IFLA_IFNAME
    operstate: op === undefined ? 'UNKNOWN' : (OPER[op] ?? 'UNKNOWN'),
    mac: mac && mac.length === 6 ? [...mac].map((x) => x.toString(16).padStart(2, '0')).join(':') : undefined,
    altnames,
  };
}

export function decodeAddr(payload: Buffer): AddrInfo {
  // struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; }
  const family = payload[0] === AF_INET6 ? 6 : 4;
  const attrs = attrMap(payload.subarray(8));
  const addr = attrs.get(1); // IFA_ADDRESS
  const local = attrs.get(2); // IFA_LOCAL
  const brd = attrs.get(4); // IFA_BROADCAST
  const ci = attrs.get(6); // IFA_CACHEINFO { u32 prefered; u32 valid; … }
  const f32 = attrs.get(8); // IFA_FLAGS (u32, supersedes the u8)
  return {
    family,
    index: payload.readUInt32LE(4),
    prefixlen: payload[1] ?? 0,
    flags: f32 ? f32.readUInt32LE(0) : (payload[2] ?? 0),
    scope: payload[3] ?? 0,
    // IPv4: IFA_LOCAL is the interface's address (IFA_ADDRESS is the peer on p-t-p links)
    address: formatIp(family === 4 ? (local ?? addr ?? Buffer.alloc(4)) : (addr ?? local ?? Buffer.alloc(16))),
    local: local ? formatIp(local) : undefined,
    broadcast: brd ? formatIp(brd) : undefined,
    label: cstring(attrs.get(3)), // IFA_LABEL
    preferred: ci ? ci.readUInt32LE(0) : undefined,
    valid: ci ? ci.readUInt32LE(4) : undefined,
  };
}

function family(f: 4 | 6 | undefined): number {
  return f === 4 ? AF_INET : f === 6 ? AF_INET6 : 0;
}

export class RtnlReader {
  private readonly sock: NetlinkSocket;
  private constructor(sock: NetlinkSocket) { this.sock = sock; }
  static async open(): Promise<RtnlReader> { return new RtnlReader(await NetlinkSocket.open(NETLINK_ROUTE)); }
  close(): void { this.sock.close(); }

  async links(): Promise<LinkInfo[]> {
    const req = Buffer.alloc(16);
    const msgs = await this.sock.request(RTM.GETLINK, 0, req, 'dump links', true);
    return msgs.filter((m) => m.type === RTM.NEWLINK).map((m) => decodeLink(m.payload));
  }

  async addresses(fam?: 4 | 6): Promise<AddrInfo[]> {
    const req = Buffer.alloc(8);
    req[0] = family(fam);
    const msgs = await this.sock.request(RTM.GETADDR, 0, req, 'dump addresses', true);
    return msgs.filter((m) => m.type === RTM.NEWADDR).map((m) => decodeAddr(m.payload));
  }
}
