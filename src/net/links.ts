/** Network interfaces over rtnetlink: parse RTM_NEWLINK, look up by name, dump, set up. */
import { IFF_UP, IFLA, RTM, attrStr, concat, cstr, decodeAttrs, encodeAttr, encodeIfinfo } from './nl.ts';
import type { NlMessage } from './nl.ts';
import type { Rtnl } from './rtnl.ts';
import { NetlinkError } from './rtnl.ts';

export interface Link {
  index: number;
  name: string;
  /** ARPHRD_* (1 = Ethernet, 772 = loopback, 32 = InfiniBand) */
  type: number;
  flags: number;
  /** IFLA_OPERSTATE (see OPER in nl.ts) */
  operstate: number;
  mac: Uint8Array | undefined;
  altnames: string[];
}

export function parseLink(m: NlMessage): Link {
  const dv = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  const link: Link = { index: dv.getInt32(4, true), type: dv.getUint16(2, true), flags: dv.getUint32(8, true), name: '', operstate: 0, mac: undefined, altnames: [] };
  for (const a of decodeAttrs(m.data.subarray(16))) {
    if (a.type === IFLA.IFNAME) link.name = attrStr(a);
    else if (a.type === IFLA.OPERSTATE) link.operstate = a.data[0] ?? 0;
    else if (a.type === IFLA.ADDRESS) link.mac = new Uint8Array(a.data);
    else if (a.type === 22 /* IFLA_PROP_LIST */) {
      for (const p of decodeAttrs(a.data)) if (p.type === IFLA.ALT_IFNAME) link.altnames.push(attrStr(p));
    }
  }
  return link;
}

/** The link named `name` (or one of its altnames), or undefined if there is none. */
export async function getLinkByName(nl: Rtnl, name: string): Promise<Link | undefined> {
  if (name === '' || name.length > 127 || /[\s/]/.test(name)) return undefined;
  const attr = name.length <= 15 ? encodeAttr(IFLA.IFNAME, cstr(name)) : encodeAttr(IFLA.ALT_IFNAME, cstr(name));
  try {
    const msgs = await nl.get(RTM.GETLINK, concat([encodeIfinfo({}), attr]), `link ${name}`, false);
    const m = msgs.find((x) => x.type === RTM.NEWLINK);
    return m ? parseLink(m) : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && (err.errno === 19 || err.errno === 22 || err.errno === 34)) return undefined;
    throw err;
  }
}

export async function getLinks(nl: Rtnl): Promise<Link[]> {
  const msgs = await nl.get(RTM.GETLINK, encodeIfinfo({}), 'link dump');
  return msgs.filter((m) => m.type === RTM.NEWLINK).map(parseLink);
}

/** ip link set dev X up */
export async function setLinkUp(nl: Rtnl, index: number): Promise<void> {
  await nl.ack(RTM.NEWLINK, 0, encodeIfinfo({ index, flags: IFF_UP, change: IFF_UP }), `link ${index} up`);
}
