/**
 * ip_validate + ip_init of IPaddr2 4.12, in the same order and with the same
 * exit codes, over rtnetlink. Every action runs this first; the monitor path
 * does one GETLINK and, only when nic or cidr_netmask is not given, one route dump.
 */
import { OCF } from '../ocf/exit-codes.ts';
import { isProbe } from '../ocf/env.ts';
import type { ActionContext } from '../ocf/types.ts';
import { afOf, parseIp } from '../net/ipaddr.ts';
import type { Family } from '../net/ipaddr.ts';
import { findif } from '../net/findif.ts';
import { getLinkByName } from '../net/links.ts';
import { getAddresses } from '../net/addresses.ts';
import type { Address } from '../net/addresses.ts';
import type { Link } from '../net/links.ts';
import { getRoutes } from '../net/routes.ts';
import type { Route } from '../net/routes.ts';
import { RTM, encodeIfinfo } from '../net/nl.ts';
import { parseLink } from '../net/links.ts';
import { openRtnl } from '../net/rtnl.ts';
import type { Rtnl } from '../net/rtnl.ts';
import {
  AgentExit, checkFindifParams, cloneAddress, convertDottedQuad, familyOf, netmaskNumber, ocfIsDecimal, ocfIsTrue, param, sanitizeIPv6,
} from './params.ts';

export interface Vip {
  ctx: ActionContext;
  nl: Rtnl;
  family: Family;
  af: number;
  /** the address text (IPv6 in RFC 5952 form) */
  ip: string;
  ipBytes: Uint8Array | undefined;
  nic: string;
  link: Link | undefined;
  netmask: string;
  prefixlen: number | undefined;
  /** NIC:label, or undefined */
  label: string | undefined;
  /** the broadcast parameter as given */
  broadcast: string;
  route: Route | undefined;
  /** the family's address dump, requested while the link was looked up */
  addrs: Promise<Address[]>;
  p: (name: string) => string;
  isTrue: (name: string) => boolean;
}

export function isProbe4(ctx: ActionContext): boolean {
  return isProbe(ctx.action, ctx.env);
}

export async function getLinkByIndex(nl: Rtnl, index: number): Promise<Link | undefined> {
  try {
    const msgs = await nl.get(RTM.GETLINK, encodeIfinfo({ index }), `link ${index}`, false);
    const m = msgs.find((x) => x.type === RTM.NEWLINK);
    return m ? parseLink(m) : undefined;
  } catch {
    return undefined;
  }
}

const fail = (code: number, reason?: string, logs: AgentExit['logs'] = []): never => { throw new AgentExit(code, reason, logs); };

export async function prepare(ctx: ActionContext, nl: Rtnl): Promise<Vip> {
  const action = ctx.action;
  const params = ctx.env.params;
  const p = (name: string): string => param(params, name);
  const isTrue = (name: string): boolean => ocfIsTrue(p(name));
  const log = ctx.log;

  let ip = p('ip');
  if (isTrue('unique_clone_address')) ip = cloneAddress(ip, Number(ctx.env.meta.clone ?? '0') || 0);

  if (ip === '' && action !== 'stop') fail(OCF.ERR_CONFIGURED, 'IP address (the ip parameter) is mandatory');
  if ((action === 'start' || action === 'stop') && process.getuid?.() !== 0) fail(OCF.ERR_PERM, `You must be root for ${action} operation.`);

  const cloneMax = ctx.env.meta.clone_max ?? '1';
  if (isTrue('lvs_support') && ocfIsDecimal(cloneMax) && Number(cloneMax) > 1) fail(OCF.ERR_CONFIGURED, 'LVS and load sharing do not go together well');
  if (!ocfIsDecimal(cloneMax) || Number(cloneMax) <= 0) fail(OCF.ERR_CONFIGURED, `Invalid meta-attribute clone_max [${cloneMax}], should be positive integer`);

  const family = familyOf(ip);
  if (family === 4) {
    if (isTrue('lvs_ipv6_addrlabel')) fail(OCF.ERR_CONFIGURED, 'IPv4 does not support lvs_ipv6_addrlabel');
  } else {
    ip = sanitizeIPv6(ip);
    if (isTrue('lvs_support')) fail(OCF.ERR_CONFIGURED, 'The IPv6 does not support lvs_support');
    if (isTrue('lvs_ipv6_addrlabel') && !ocfIsDecimal(p('lvs_ipv6_addrlabel_value'))) {
      fail(OCF.ERR_CONFIGURED, `Invalid lvs_ipv6_addrlabel_value [${p('lvs_ipv6_addrlabel_value')}], should be positive integer`);
    }
  }

  // nic:label form
  let nicParam = params.nic ?? '';
  let iflabel = p('iflabel');
  if (nicParam.includes(':')) {
    iflabel = nicParam.slice(nicParam.indexOf(':') + 1);
    nicParam = nicParam.slice(0, nicParam.indexOf(':'));
  }
  const nicGiven = nicParam === '' ? undefined : nicParam;

  // findif
  let netmaskRaw = p('cidr_netmask');
  if (netmaskRaw === '' && (params.netmask ?? '') !== '') netmaskRaw = params.netmask!;
  const conv = convertDottedQuad(netmaskRaw);
  if (conv.log) log[conv.log.level](conv.log.msg);
  const netmask = conv.netmask;
  const findifFail = (rc: number, msg: string): never => {
    if (isProbe4(ctx)) fail(OCF.NOT_RUNNING, undefined, [{ level: 'err', msg }, { level: 'info', msg: '[findif] failed' }]);
    if (action === 'stop') fail(OCF.SUCCESS, undefined, [{ level: 'err', msg }, { level: 'warn', msg: '[findif] failed' }]);
    return fail(rc, '[findif] failed', [{ level: 'err', msg }]);
  };
  // the address dump every action needs goes out together with the link lookup (one round trip less)
  const addrs = action === 'validate-all' ? Promise.resolve([]) : getAddresses(nl, afOf(family));
  addrs.catch(() => undefined); // observed later; never an unhandled rejection if we exit first
  const link = nicGiven === undefined ? undefined : await getLinkByName(nl, nicGiven);
  if (action === 'start' || action === 'validate-all') {
    if (nicGiven !== undefined && !link) findifFail(OCF.ERR_CONFIGURED, `Invalid interface name [${nicGiven}]: Device "${nicGiven}" does not exist.`);
    const bad = checkFindifParams(family, ip, nicGiven, netmask, p('broadcast'));
    if (bad) findifFail(OCF.ERR_CONFIGURED, bad);
  }
  const ipBytes = parseIp(ip, family);
  const prefixGiven = netmask === '' ? undefined : netmaskNumber(netmask, family);
  let route: Route | undefined;
  let nic: string;
  let prefixlen: number | undefined;
  const needRoute = nicGiven === undefined || netmask === '' || action === 'start';
  if (needRoute) {
    // an unparsable ip or netmask makes `ip route list match` fail: no route
    const routes = ipBytes && (netmask === '' || prefixGiven !== undefined) ? await getRoutes(nl, afOf(family)) : [];
    const names = new Map<number, string>();
    if (link) names.set(link.index, link.name);
    const r = findif({ family, ip: ipBytes ?? new Uint8Array(family === 4 ? 4 : 16), nic: nicGiven, nicIndex: link?.index, netmask: prefixGiven ?? (netmask === '' ? undefined : -1), routes, ifname: (i) => names.get(i) });
    if (!r.ok) return findifFail(r.rc, r.message);
    route = r.route;
    if (nicGiven === undefined) {
      const l = route?.oif !== undefined ? await getLinkByIndex(nl, route.oif) : undefined;
      if (!l) return findifFail(OCF.ERR_GENERIC, 'Unable to find nic or netmask.');
      nic = l.name;
      prefixlen = prefixGiven ?? route!.dstLen;
      return finish(l);
    }
    nic = nicGiven;
    prefixlen = netmask === '' ? route!.dstLen : prefixGiven;
  } else {
    nic = nicGiven;
    prefixlen = prefixGiven;
  }
  return finish(link);

  function finish(l: Link | undefined): Vip {
    const nm = netmask === '' ? String(prefixlen) : netmask;
    let label: string | undefined;
    if (iflabel !== '') {
      label = `${nic}:${iflabel}`;
      if (label.length > 15) fail(OCF.ERR_CONFIGURED, `Interface label [${label}] exceeds maximum character limit of 15`);
    }
    const sender = p('arp_sender');
    if (!['', 'send_arp', 'iputils_arping', 'libnet_arping', 'ipoibarping'].includes(sender)) fail(OCF.ERR_CONFIGURED, `unrecognized arp_sender value: ${sender}`);
    const cip = Number(cloneMax) > 1 && !isTrue('unique_clone_address');
    if (cip && action !== 'stop') {
      fail(OCF.ERR_INSTALLED, 'Cluster-IP mode (a clone with clone-max > 1 and unique_clone_address=false) is not supported: it needs the iptables CLUSTERIP target, which Linux removed in 6.x. Use unique_clone_address=true with globally-unique=true, or a single primitive.');
    }
    if (isTrue('unique_clone_address') && !ocfIsTrue(ctx.env.meta.globally_unique)) fail(OCF.ERR_CONFIGURED, 'unique_clone_address makes sense only with meta globally_unique set');
    const ai = p('arp_interval');
    if (!ocfIsDecimal(ai) || Number(ai) <= 0) fail(OCF.ERR_CONFIGURED, `Invalid OCF_RESKEY_arp_interval [${ai}]`);
    const ac = p('arp_count');
    if (!ocfIsDecimal(ac) || Number(ac) <= 0) fail(OCF.ERR_CONFIGURED, `Invalid OCF_RESKEY_arp_count [${ac}]`);
    if (p('preferred_lft') === '') fail(OCF.ERR_CONFIGURED, 'Empty value is invalid for OCF_RESKEY_preferred_lft');
    return { ctx, nl, family, af: afOf(family), ip, ipBytes, nic, link: l, netmask: nm, prefixlen, label, broadcast: p('broadcast'), route, p, isTrue, addrs };
  }
}

/**
 * Runs an action body with the rtnetlink socket open and IPaddr2's prologue done;
 * AgentExit becomes the exit code (logs first, then the exit reason).
 */
export async function withVip(ctx: ActionContext, body: (v: Vip) => Promise<number>): Promise<number> {
  const ns = ctx.env.params.network_namespace ?? '';
  if (ns !== '') return (await import('./netns.ts')).reexecInNamespace(ctx, ns);
  const t0 = performance.now();
  let nl: Rtnl;
  try {
    nl = await openRtnl();
    ctx.log.debug(`rtnetlink socket open after ${(performance.now() - t0).toFixed(1)} ms`);
  } catch (err) {
    ctx.exitReason(`cannot open an rtnetlink socket: ${err instanceof Error ? err.message : String(err)}`);
    return OCF.ERR_GENERIC;
  }
  try {
    const vip = await prepare(ctx, nl);
    return await body(vip);
  } catch (err) {
    if (err instanceof AgentExit) {
      for (const l of err.logs) ctx.log[l.level](l.msg);
      if (err.reason !== undefined) ctx.exitReason(err.reason);
      return err.code;
    }
    throw err;
  } finally {
    nl.close();
    // HA_debug=1: where an action's time goes (Node start-up vs the agent's own work)
    // performance.now() counts from process start
    ctx.log.debug(`${ctx.action}: ${(performance.now() - t0).toFixed(1)} ms in the action, ${t0.toFixed(1)} ms of start-up before it`);
  }
}
