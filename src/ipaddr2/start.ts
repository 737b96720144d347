/**
 * start: IPaddr2 4.12 ip_start over rtnetlink — idempotent; lvs_support moves a
 * conflicting /32 off lo*; run_arping; add the address (label, broadcast,
 * nodad/noprefixroute, preferred_lft); link up; then gratuitous ARPs (IPv4) or,
 * after DAD, unsolicited NAs (IPv6).
 */
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import { addAddress, addrLabel, deleteAddress, getAddresses } from '../net/addresses.ts';
import { broadcastFor, formatIp, parseIPv4 } from '../net/ipaddr.ts';
import { findifBroadcast } from '../net/findif.ts';
import { getLinks, setLinkUp } from '../net/links.ts';
import { IFA_F } from '../net/nl.ts';
import { NetlinkError } from '../net/rtnl.ts';
import { parseLifetime } from './params.ts';
import { getLinkByIndex, withVip } from './prepare.ts';
import type { Vip } from './prepare.ts';
import { ipServed, matching } from './served.ts';
import { removeConflictingLoopback } from './lvs.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function start(ctx: ActionContext): Promise<number> {
  if (process.env.LVSHA_IPADDR2_ANNOUNCE === '1') return (await import('./announce.ts')).announceChild(ctx);
  return withVip(ctx, async (v) => {
    if (v.nic === '') { ctx.exitReason('No nic found or specified'); return OCF.ERR_CONFIGURED; }
    const served = await ipServed(v, false);
    if (served.state === 'ok') return OCF.SUCCESS;
    if (!v.link) { ctx.exitReason(`Failed to add ${v.ip}`); ctx.log.err(`interface ${v.nic} does not exist`); return OCF.ERR_GENERIC; }
    if (!v.ipBytes || v.prefixlen === undefined) { ctx.exitReason(`Failed to add ${v.ip}`); return OCF.ERR_GENERIC; }

    if (v.isTrue('lvs_support')) {
      const links = await getLinks(v.nl);
      const byIndex = new Map(links.map((l) => [l.index, l.name]));
      for (const a of matching(v, served.addrs, 32)) {
        if ((byIndex.get(a.index) ?? '').startsWith('lo')) await removeConflictingLoopback(v, a.index);
      }
    }

    const rc = await addInterface(v, served.addrs);
    if (rc !== OCF.SUCCESS) { ctx.exitReason(`Failed to add ${v.ip}`); return rc; }

    if (v.nic.startsWith('lo')) return OCF.SUCCESS; // no ARP on loopback
    const link = (await getLinkByIndex(v.nl, v.link.index)) ?? v.link;
    if (!link.mac || link.mac.length !== 6) {
      ctx.log.warn(`${v.nic} has no Ethernet address: no gratuitous ARP/NA sent`);
      return OCF.SUCCESS;
    }
    const count = Number(v.p('arp_count'));
    const { announce, announceInBackground, arpBg } = await import('./announce.ts');
    if (v.family === 6) {
      // IPv6: wait out DAD (up to 10 s), as run_send_ua does
      for (let i = 0; i < 100; i++) {
        const a = matching(v, await getAddresses(v.nl, v.af)).find((x) => x.index === link.index);
        if (a && (a.flags & IFA_F.DADFAILED) !== 0) {
          ctx.log.err(`IPv6 address collision ${v.ip} [DAD]`);
          try { await deleteAddress(v.nl, { family: v.af, index: link.index, local: v.ipBytes, prefixlen: v.prefixlen }); } catch { ctx.log.err('Could not delete IPv6 address'); }
          ctx.exitReason('run_send_ua failed.');
          return OCF.ERR_GENERIC;
        }
        if (!a || (a.flags & IFA_F.TENTATIVE) === 0) break;
        if (i === 99) ctx.log.warn('IPv6 address : DAD is still in tentative');
        else await sleep(100);
      }
    }
    if (arpBg(v)) {
      await announceInBackground(v);
      return OCF.SUCCESS;
    }
    const sent = await announce(v, link, count, ctx.signal);
    if (!sent && v.family === 6) { ctx.exitReason('run_send_ua failed.'); return OCF.ERR_GENERIC; }
    return OCF.SUCCESS;
  });
}

/** add_interface: the address, then link up. */
export async function addInterface(v: Vip, addrs: Awaited<ReturnType<typeof getAddresses>>): Promise<number> {
  const ctx = v.ctx;
  const link = v.link!;
  const ip = v.ipBytes!;
  const prefixlen = v.prefixlen!;

  if (v.family === 4 && v.isTrue('run_arping')) {
    const { arpingCollision } = await import('./arping.ts');
    if (await arpingCollision(v.nic, v.ip)) {
      ctx.log.err(`IPv4 address collision ${v.ip} [DAD]`);
      return OCF.ERR_GENERIC;
    }
  }
  if (v.family === 6 && v.isTrue('lvs_ipv6_addrlabel')) {
    const value = Number(v.p('lvs_ipv6_addrlabel_value'));
    ctx.log.info(`Adding IPv6 address label prefix ${v.ip} label ${value}`);
    try { await addrLabel(v.nl, 'add', v.af, ip, value); } catch (err) { ctx.log.warn(`ip addrlabel add prefix ${v.ip} label ${value} failed: ${String(err)}`); }
  }

  let broadcast: Uint8Array | undefined;
  if (v.family === 4) {
    const b = v.broadcast;
    if (b === '+' || b === '-') broadcast = broadcastFor(ip, prefixlen, b);
    else if (b !== '') broadcast = parseIPv4(b);
    else {
      const links = await getLinks(v.nl);
      const names = new Map(links.map((l) => [l.index, l.name]));
      const found = findifBroadcast(v.route, addrs, (i) => names.get(i));
      broadcast = found === '' ? undefined : parseIPv4(found);
    }
  }
  let flags = 0;
  if (v.family === 6 && v.isTrue('nodad')) flags |= IFA_F.NODAD;
  if (v.isTrue('noprefixroute')) flags |= IFA_F.NOPREFIXROUTE;
  let preferredLft: number | undefined;
  if (v.family === 6) {
    preferredLft = parseLifetime(v.p('preferred_lft'));
    if (preferredLft === undefined) {
      ctx.log.err(`invalid preferred_lft "${v.p('preferred_lft')}": use "forever" or a number of seconds`);
      return OCF.ERR_GENERIC;
    }
  }
  const extras = [
    flags & IFA_F.NODAD ? 'nodad' : '', flags & IFA_F.NOPREFIXROUTE ? 'noprefixroute' : '',
    v.label ? `label ${v.label}` : '', preferredLft !== undefined ? `preferred_lft ${v.p('preferred_lft')}` : '',
  ].filter(Boolean).join(' ');
  const fam = v.family === 4 ? 'inet' : 'inet6';
  ctx.log.info(`Adding ${fam} address ${v.ip}/${prefixlen}${broadcast ? ` with broadcast address ${formatIp(broadcast)}` : ''} to device ${v.nic}${extras ? ` (with ${extras})` : ''}`);
  try {
    await addAddress(v.nl, { family: v.af, index: link.index, local: ip, prefixlen, broadcast, label: v.family === 4 ? v.label : undefined, flags, scope: v.family === 4 && ip[0] === 127 ? 254 : 0, preferredLft });
  } catch (err) {
    ctx.log.err(`adding ${v.ip}/${prefixlen} to ${v.nic} failed: ${err instanceof NetlinkError ? err.code : String(err)}`);
    return OCF.ERR_GENERIC;
  }
  ctx.log.info(`Bringing device ${v.nic} up`);
  try {
    await setLinkUp(v.nl, link.index);
  } catch (err) {
    ctx.log.err(`ip link set ${v.nic} up failed: ${String(err)}`);
    return OCF.ERR_GENERIC;
  }
  return OCF.SUCCESS;
}

