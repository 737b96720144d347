/** Sends gratuitous ARPs / unsolicited NAs through lvsha's native AF_PACKET helper. */
import { lvshaNative } from '../native/lvsha-native.ts';
import { BROADCAST_MAC, ETH_P_ARP, ETH_P_IPV6, ALL_NODES, buildUnsolicitedNa, gratuitousArpPair, ipv6MulticastMac } from './packets.ts';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

export interface AnnounceOpts {
  ifindex: number;
  mac: Uint8Array;
  ip: Uint8Array;
  count: number;
  intervalMs: number;
  signal?: AbortSignal | undefined;
}

/** count × (REQUEST, REPLY), interval/2 after each packet: the pacing of Debian's libnet send_arp. */
export async function sendGratuitousArps(o: AnnounceOpts): Promise<number> {
  const native = lvshaNative();
  const [req, rep] = gratuitousArpPair(o.mac, o.ip);
  let sent = 0;
  for (let i = 0; i < o.count && !o.signal?.aborted; i++) {
    native.sendPacket(o.ifindex, ETH_P_ARP, BROADCAST_MAC, req); sent++;
    await sleep(o.intervalMs / 2, o.signal);
    native.sendPacket(o.ifindex, ETH_P_ARP, BROADCAST_MAC, rep); sent++;
    if (i + 1 < o.count) await sleep(o.intervalMs / 2, o.signal);
  }
  return sent;
}

/** count unsolicited NAs to ff02::1, interval apart (send_ua). */
export async function sendUnsolicitedNas(o: AnnounceOpts): Promise<number> {
  const native = lvshaNative();
  const pkt = buildUnsolicitedNa(o.mac, o.ip);
  const dstMac = ipv6MulticastMac(ALL_NODES);
  let sent = 0;
  for (let i = 0; i < o.count && !o.signal?.aborted; i++) {
    native.sendPacket(o.ifindex, ETH_P_IPV6, dstMac, pkt); sent++;
    if (i + 1 < o.count) await sleep(o.intervalMs, o.signal);
  }
  return sent;
}
