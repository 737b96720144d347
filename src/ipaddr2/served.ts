/** ip_served of IPaddr2 4.12: is ip/netmask on the NIC? Plus the link state for check_link_status. */
import type { Address } from '../net/addresses.ts';
import { bytesEqual } from '../net/ipaddr.ts';
import { OPER } from '../net/nl.ts';
import type { Vip } from './prepare.ts';

export type Served = 'ok' | 'no' | 'down';

export interface ServedInfo {
  state: Served;
  /** all addresses of the family (one dump, reused by start/stop) */
  addrs: Address[];
  /** the matching address on the NIC, when served */
  mine: Address | undefined;
}

export function matching(v: Vip, addrs: readonly Address[], prefixlen: number | undefined = v.prefixlen): Address[] {
  if (!v.ipBytes || prefixlen === undefined) return [];
  return addrs.filter((a) => a.family === v.af && a.prefixlen === prefixlen && a.local !== undefined && bytesEqual(a.local, v.ipBytes!));
}

export async function ipServed(v: Vip, checkLink: boolean): Promise<ServedInfo> {
  const addrs = await v.addrs;
  const found = matching(v, addrs);
  const mine = v.link ? found.find((a) => a.index === v.link!.index) : undefined;
  if (!mine) return { state: 'no', addrs, mine };
  if (checkLink && v.link && (v.link.operstate === OPER.DOWN || v.link.operstate === OPER.LOWERLAYERDOWN)) return { state: 'down', addrs, mine };
  return { state: 'ok', addrs, mine };
}
