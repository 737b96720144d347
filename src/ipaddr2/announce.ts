/**
 * Announcing the address: arp_count gratuitous ARP pairs (IPv4) or unsolicited
 * NAs (IPv6), in the foreground or — arp_bg, default true for IPv4 as in
 * IPaddr2 — from a detached copy of this agent, so start returns at once.
 * The background sender's pid is kept in HA_RSCTMP/send_arp-<ip> (IPaddr2's
 * file), and stop ends it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import type { Link } from '../net/links.ts';
import { getLinkByIndex, withVip } from './prepare.ts';
import type { Vip } from './prepare.ts';
import { ocfIsTrue } from './params.ts';
import { stateDir } from './lvs.ts';

/** Set in the environment of the background sender: its `start` only announces. */
export const ANNOUNCE_ENV = 'LVSHA_IPADDR2_ANNOUNCE';

export function pidfile(ip: string): string {
  return join(stateDir(), `send_arp-${ip}`);
}

export function arpBg(v: Vip): boolean {
  const bg = v.p('arp_bg');
  return bg === '' ? v.family === 4 : ocfIsTrue(bg);
}

/** Sends the announcements in this process. Returns false if sending failed. */
export async function announce(v: Vip, link: Link, count: number, signal: AbortSignal): Promise<boolean> {
  const ctx = v.ctx;
  const intervalMs = Number(v.p('arp_interval'));
  const { sendGratuitousArps, sendUnsolicitedNas } = await import('../arp/sender.ts');
  try {
    if (v.family === 4) {
      ctx.log.info(`sending ${count} gratuitous ARP request/reply pairs for ${v.ip} on ${v.nic}, ${intervalMs} ms apart`);
      await sendGratuitousArps({ ifindex: link.index, mac: link.mac!, ip: v.ipBytes!, count, intervalMs, signal });
    } else {
      ctx.log.info(`sending ${count} unsolicited neighbour advertisements for ${v.ip} on ${v.nic}, ${intervalMs} ms apart`);
      await sendUnsolicitedNas({ ifindex: link.index, mac: link.mac!, ip: v.ipBytes!, count, intervalMs, signal });
    }
    return true;
  } catch (err) {
    ctx.log.err(`${v.family === 4 ? 'Could not send gratuitous arps' : 'Could not send ICMPv6 Unsolicited Neighbor Advertisements'}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** Starts the detached sender and records its pid. */
export async function announceInBackground(v: Vip): Promise<void> {
  const { selfCommand } = await import('./netns.ts');
  const [cmd, ...args] = [...selfCommand('start'), 'start'];
  const count = Number(v.p('arp_count')), interval = Number(v.p('arp_interval'));
  const env = {
    ...process.env, [ANNOUNCE_ENV]: '1', OCF_RESKEY_network_namespace: '',
    // the sender's own deadline: long enough for every packet
    OCF_RESKEY_CRM_meta_timeout: String(count * interval + 10_000),
  };
  const child = spawn(cmd!, args, { env, detached: true, stdio: 'ignore' });
  await new Promise<void>((resolve) => { child.once('spawn', resolve); child.once('error', () => resolve()); });
  if (child.pid === undefined) {
    v.ctx.log.err('Could not start the background ARP sender; sending in the foreground');
    const link = v.link!;
    await announce(v, link, count, v.ctx.signal);
    return;
  }
  try {
    mkdirSync(stateDir(), { recursive: true, mode: 0o755 });
    writeFileSync(pidfile(v.ip), `${child.pid}\n`);
  } catch (err) {
    v.ctx.log.warn(`could not write ${pidfile(v.ip)}: ${String(err)}`);
  }
  child.unref();
  v.ctx.log.info(`announcing ${v.ip} from the background (pid ${child.pid})`);
}

/** The background sender: `start` with ANNOUNCE_ENV=1. */
export function announceChild(ctx: ActionContext): Promise<number> {
  return withVip(ctx, async (v) => {
    try {
      const link = v.link ? (await getLinkByIndex(v.nl, v.link.index)) ?? v.link : undefined;
      if (!link?.mac || link.mac.length !== 6 || !v.ipBytes) return OCF.ERR_GENERIC;
      return (await announce(v, link, Number(v.p('arp_count')), ctx.signal)) ? OCF.SUCCESS : OCF.ERR_GENERIC;
    } finally {
      try {
        if (readFileSync(pidfile(v.ip), 'utf8').trim() === String(process.pid)) rmSync(pidfile(v.ip), { force: true });
      } catch { /* already gone */ }
    }
  });
}

/** stop: end a background sender still running for this address (only if the pid is really one). */
export function killBackgroundSender(v: Vip): void {
  const file = pidfile(v.ip);
  let pid: number;
  try { pid = Number(readFileSync(file, 'utf8').trim()); } catch { return; }
  try {
    // the pid may have been reused: only signal a process that carries our marker
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    if (Number.isInteger(pid) && pid > 1 && environ.split('\0').includes(`${ANNOUNCE_ENV}=1`)) {
      process.kill(pid, 'SIGTERM');
      v.ctx.log.info(`killed previously running send_arp for ${v.ip}`);
    }
  } catch {
    /* not running any more */
  }
  rmSync(file, { force: true });
}
