/**
 * lvs_support (LVS-DR): a /32 VIP on lo* conflicts with the VIP on the NIC.
 * Before adding, remove it and remember it under HA_RSCTMP/<ip> (same file and
 * format as IPaddr2: "ip 32 255.255.255.255 lo"); restore it on stop.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addAddress, deleteAddress } from '../net/addresses.ts';
import { parseIPv4 } from '../net/ipaddr.ts';
import { getLinkByName, setLinkUp } from '../net/links.ts';
import type { Vip } from './prepare.ts';

export function stateDir(): string {
  return process.env.HA_RSCTMP && process.env.HA_RSCTMP !== '' ? process.env.HA_RSCTMP : '/run/resource-agents';
}

export async function removeConflictingLoopback(v: Vip, loIndex: number): Promise<void> {
  v.ctx.log.info('Removing conflicting loopback lo.');
  const file = join(stateDir(), v.ip);
  try {
    mkdirSync(stateDir(), { recursive: true, mode: 0o755 });
    writeFileSync(file, `${v.ip} 32 255.255.255.255 lo\n`);
  } catch {
    v.ctx.log.err('Could not save conflicting loopback lo. it will not be restored.');
  }
  try {
    await deleteAddress(v.nl, { family: v.af, index: loIndex, local: v.ipBytes!, prefixlen: 32 });
  } catch (err) {
    v.ctx.log.err(`removing ${v.ip}/32 from lo failed: ${String(err)}`);
  }
}

export async function restoreLoopback(v: Vip): Promise<void> {
  const file = join(stateDir(), v.ip);
  let text: string;
  try { text = readFileSync(file, 'utf8').trim(); } catch { return; }
  if (text === '') return;
  const [ip, nm, brd, ifname] = text.split(/\s+/);
  v.ctx.log.info(`Restoring loopback IP Address ${text}.`);
  const lo = ifname ? await getLinkByName(v.nl, ifname) : undefined;
  const local = ip ? parseIPv4(ip) : undefined;
  if (lo && local) {
    try {
      await addAddress(v.nl, { family: v.af, index: lo.index, local, prefixlen: Number(nm ?? 32), broadcast: brd ? parseIPv4(brd) : undefined });
      await setLinkUp(v.nl, lo.index);
    } catch (err) {
      v.ctx.log.err(`restoring ${text} failed: ${String(err)}`);
    }
  }
  rmSync(file, { force: true });
}
