/**
 * The rtnetlink socket of the IPaddr2 agent and the real-server tool: the
 * project's light netlink layer (src/netlink) bound to NETLINK_ROUTE.
 */
import { NETLINK_ROUTE, NetlinkError, NetlinkSocket } from '../netlink/socket.ts';
import type { NlMessage } from '../netlink/message.ts';

export { NetlinkError };

export interface Rtnl {
  /** A request acknowledged by the kernel; rejects with NetlinkError. */
  ack(type: number, flags: number, payload: Uint8Array, what: string): Promise<void>;
  /** A dump (NLM_F_DUMP), or a single GET when dump is false. */
  get(type: number, payload: Uint8Array, what: string, dump?: boolean): Promise<NlMessage[]>;
  close(): void;
}

export async function openRtnl(): Promise<Rtnl> {
  const sock = await NetlinkSocket.open(NETLINK_ROUTE);
  return {
    ack: async (type, flags, payload, what) => { await sock.request(type, flags, payload, what); },
    get: (type, payload, what, dump = true) => sock.request(type, 0, payload, what, { dump }),
    close: () => sock.close(),
  };
}
