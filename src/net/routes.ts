/** Routing table dump over rtnetlink (what `ip route list` reads). */
import { RTA, RTM, attrU32, decodeAttrs, encodeRtmsg } from './nl.ts';
import type { NlMessage } from './nl.ts';
import type { Rtnl } from './rtnl.ts';

export interface Route {
  family: number;
  dstLen: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  /** undefined = default route (all zeros) */
  dst: Uint8Array | undefined;
  oif: number | undefined;
  prefsrc: Uint8Array | undefined;
  gateway: Uint8Array | undefined;
  priority: number | undefined;
}

export function parseRoute(m: NlMessage): Route {
  const d = m.data;
  const r: Route = { family: d[0]!, dstLen: d[1]!, table: d[4]!, protocol: d[5]!, scope: d[6]!, type: d[7]!, flags: new DataView(d.buffer, d.byteOffset + 8, 4).getUint32(0, true), dst: undefined, oif: undefined, prefsrc: undefined, gateway: undefined, priority: undefined };
  for (const a of decodeAttrs(d.subarray(12))) {
    if (a.type === RTA.DST) r.dst = new Uint8Array(a.data);
    else if (a.type === RTA.OIF) r.oif = attrU32(a);
    else if (a.type === RTA.PREFSRC) r.prefsrc = new Uint8Array(a.data);
    else if (a.type === RTA.GATEWAY) r.gateway = new Uint8Array(a.data);
    else if (a.type === RTA.PRIORITY) r.priority = attrU32(a);
    else if (a.type === RTA.TABLE) r.table = attrU32(a);
  }
  return r;
}

export async function getRoutes(nl: Rtnl, family: number): Promise<Route[]> {
  const msgs = await nl.get(RTM.GETROUTE, encodeRtmsg({ family }), 'route dump');
  return msgs.filter((m) => m.type === RTM.NEWROUTE).map(parseRoute);
}
