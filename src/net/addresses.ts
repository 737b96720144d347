/** Interface addresses over rtnetlink: parse, dump, add, delete; IPv6 address labels. */
import { AF_INET, formatIp } from './ipaddr.ts';
import { IFA, IFAL, NLM_F, RTM, attrStr, attrU32, concat, cstr, decodeAttrs, encodeAddrlabel, encodeAttr, encodeIfaddr, u32 } from './nl.ts';
import type { NlMessage } from './nl.ts';
import type { Rtnl } from './rtnl.ts';

export interface Address {
  family: number;
  prefixlen: number;
  /** IFA_FLAGS when present (32 bits), else ifa_flags */
  flags: number;
  scope: number;
  index: number;
  /** IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL (IPv6) */
  local: Uint8Array | undefined;
  broadcast: Uint8Array | undefined;
  label: string | undefined;
  preferred: number | undefined;
  valid: number | undefined;
}

export function parseAddress(m: NlMessage): Address {
  const d = m.data;
  const a: Address = { family: d[0]!, prefixlen: d[1]!, flags: d[2]!, scope: d[3]!, index: new DataView(d.buffer, d.byteOffset + 4, 4).getUint32(0, true), local: undefined, broadcast: undefined, label: undefined, preferred: undefined, valid: undefined };
  let address: Uint8Array | undefined;
  for (const at of decodeAttrs(d.subarray(8))) {
    if (at.type === IFA.LOCAL) a.local = new Uint8Array(at.data);
    else if (at.type === IFA.ADDRESS) address = new Uint8Array(at.data);
    else if (at.type === IFA.BROADCAST) a.broadcast = new Uint8Array(at.data);
    else if (at.type === IFA.LABEL) a.label = attrStr(at);
    else if (at.type === IFA.FLAGS) a.flags = attrU32(at);
    else if (at.type === IFA.CACHEINFO && at.data.length >= 8) {
      const dv = new DataView(at.data.buffer, at.data.byteOffset, at.data.byteLength);
      a.preferred = dv.getUint32(0, true);
      a.valid = dv.getUint32(4, true);
    }
  }
  a.local ??= address;
  return a;
}

export async function getAddresses(nl: Rtnl, family: number): Promise<Address[]> {
  const msgs = await nl.get(RTM.GETADDR, encodeIfaddr({ family, prefixlen: 0, index: 0 }), 'address dump');
  return msgs.filter((m) => m.type === RTM.NEWADDR).map(parseAddress);
}

export interface NewAddress {
  family: number;
  index: number;
  local: Uint8Array;
  prefixlen: number;
  broadcast?: Uint8Array | undefined;
  label?: string | undefined;
  flags?: number;
  scope?: number;
  /** seconds; 0xffffffff = forever */
  preferredLft?: number | undefined;
}

/** The RTM_NEWADDR payload `ip addr add` sends (IFA_LOCAL + IFA_ADDRESS, optional brd/label/flags/cacheinfo). */
export function encodeNewAddress(a: NewAddress): Uint8Array {
  const flags = a.flags ?? 0;
  const parts = [
    encodeIfaddr({ family: a.family, prefixlen: a.prefixlen, flags, scope: a.scope ?? 0, index: a.index }),
    encodeAttr(IFA.LOCAL, a.local),
    encodeAttr(IFA.ADDRESS, a.local),
  ];
  if (a.broadcast && a.family === AF_INET) parts.push(encodeAttr(IFA.BROADCAST, a.broadcast));
  if (a.label !== undefined && a.label !== '') parts.push(encodeAttr(IFA.LABEL, cstr(a.label)));
  if (flags > 0xff) parts.push(encodeAttr(IFA.FLAGS, u32(flags)));
  if (a.preferredLft !== undefined) {
    const ci = new Uint8Array(16);
    const dv = new DataView(ci.buffer);
    dv.setUint32(0, a.preferredLft >>> 0, true);
    dv.setUint32(4, 0xffffffff, true);
    parts.push(encodeAttr(IFA.CACHEINFO, ci));
  }
  return concat(parts);
}

export async function addAddress(nl: Rtnl, a: NewAddress): Promise<void> {
  await nl.ack(RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL, encodeNewAddress(a), `add ${formatIp(a.local)}/${a.prefixlen}`);
}

export async function deleteAddress(nl: Rtnl, a: { family: number; index: number; local: Uint8Array; prefixlen: number }): Promise<void> {
  const payload = concat([encodeIfaddr({ family: a.family, prefixlen: a.prefixlen, index: a.index }), encodeAttr(IFA.LOCAL, a.local)]);
  await nl.ack(RTM.DELADDR, 0, payload, `delete ${formatIp(a.local)}/${a.prefixlen}`);
}

/** ip addrlabel add/del prefix <addr> label <value> (prefix /128) */
export async function addrLabel(nl: Rtnl, op: 'add' | 'del', family: number, addr: Uint8Array, label: number): Promise<void> {
  const payload = concat([encodeAddrlabel({ family, prefixlen: addr.length * 8 }), encodeAttr(IFAL.ADDRESS, addr), encodeAttr(IFAL.LABEL, u32(label))]);
  await nl.ack(op === 'add' ? RTM.NEWADDRLABEL : RTM.DELADDRLABEL, op === 'add' ? NLM_F.CREATE | NLM_F.EXCL : 0, payload, `addrlabel ${op} ${formatIp(addr)}`);
}
