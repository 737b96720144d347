/** Typed access to lvsha's own native helper (native/lvsha_native.c), loaded on first use. */
import { loadNative } from './load.ts';

export interface LvshaNative {
  sendPacket(ifindex: number, ethertype: number, dstMac: Uint8Array, payload: Uint8Array): number;
  sendUnixDgram(path: string, data: Uint8Array): number;
  /** resolves to the round-trip time in ms, or -1 on timeout */
  icmpEcho(family: 4 | 6, addr: Uint8Array, id: number, seq: number, timeoutMs: number): Promise<number>;
}

let cached: LvshaNative | undefined;

export function lvshaNative(): LvshaNative {
  cached ??= loadNative('lvsha_native.node', 'build/native/lvsha_native.node') as LvshaNative;
  return cached;
}
