// IPaddr2's prologue (ip_init + ip_validate order and exit codes) without root: the rtnetlink socket is
// replaced by one that knows no links and has empty tables, so only the parameter logic is exercised.
// The same cases run against the real kernel and ocf:heartbeat:IPaddr2 in test/ns/compare.test.ts.
import t from 'tap';
import { prepare } from '../../../src/ipaddr2/prepare.ts';
import { AgentExit } from '../../../src/ipaddr2/params.ts';
import { NetlinkError } from '../../../src/net/rtnl.ts';
import type { Rtnl } from '../../../src/net/rtnl.ts';
import { RTM } from '../../../src/net/nl.ts';
import { readOcfEnv } from '../../../src/ocf/env.ts';
import type { ActionContext } from '../../../src/ocf/types.ts';

const emptyKernel: Rtnl = {
  ack: async () => undefined,
  get: async (type, _p, what, dump = true) => {
    if (type === RTM.GETLINK && !dump) throw new NetlinkError(19, what);
    return [];
  },
  close: () => undefined,
};

function ctx(action: string, params: Record<string, string>, meta: Record<string, string> = {}): ActionContext & { logs: string[] } {
  const env: Record<string, string> = { OCF_RESKEY_CRM_meta_interval: action === 'monitor' ? '10000' : '0' };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  for (const [k, v] of Object.entries(meta)) env[`OCF_RESKEY_CRM_meta_${k}`] = v;
  const logs: string[] = [];
  const l = (lvl: string) => (m: string) => { logs.push(`${lvl}: ${m}`); };
  return { action, env: readOcfEnv(env, action), log: { debug: l('debug'), info: l('info'), warn: l('warn'), err: l('err'), crit: l('crit') }, exitReason: () => undefined, signal: new AbortController().signal, logs };
}

async function exitOf(action: string, params: Record<string, string>, meta?: Record<string, string>): Promise<[number, string | undefined]> {
  try {
    await prepare(ctx(action, params, meta), emptyKernel);
    return [0, undefined];
  } catch (e) {
    if (e instanceof AgentExit) return [e.code, e.reason];
    throw e;
  }
}

t.test('mandatory ip', async (t) => {
  t.same(await exitOf('validate-all', { ip: '' }), [6, 'IP address (the ip parameter) is mandatory']);
  t.same(await exitOf('monitor', {}), [6, 'IP address (the ip parameter) is mandatory']);
  t.same((await exitOf('stop', { ip: '' }))[0], 0, 'stop: findif fails → success, as 4.12');
});

t.test('order: clone checks, family checks, findif, label, sender, counts', async (t) => {
  t.same(await exitOf('validate-all', { ip: '10.9.0.5', lvs_support: 'true' }, { clone_max: '2' }), [6, 'LVS and load sharing do not go together well']);
  t.same(await exitOf('validate-all', { ip: '10.9.0.5' }, { clone_max: 'x' }), [6, 'Invalid meta-attribute clone_max [x], should be positive integer']);
  t.same(await exitOf('validate-all', { ip: '10.9.0.5', lvs_ipv6_addrlabel: 'true' }), [6, 'IPv4 does not support lvs_ipv6_addrlabel']);
  t.same(await exitOf('validate-all', { ip: '2001:db8::5', lvs_support: 'true' }), [6, 'The IPv6 does not support lvs_support']);
  t.same(await exitOf('validate-all', { ip: '10.9.0.5', nic: 'eth9' }), [6, '[findif] failed'], 'unknown nic on validate-all');
  t.same(await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9' }), [1, '[findif] failed'], 'unknown nic, no netmask, on monitor: findif rc 1');
  t.same(await exitOf('monitor', { ip: '10.9.0.5' }, { interval: '0' }), [7, undefined], 'probe: findif failure → 7');
  const label = await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9:abcdefghijkl', cidr_netmask: '24' });
  t.same(label, [6, 'Interface label [eth9:abcdefghijkl] exceeds maximum character limit of 15']);
  t.same(await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9', cidr_netmask: '24', arp_sender: 'x' }), [6, 'unrecognized arp_sender value: x']);
  t.same(await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9', cidr_netmask: '24', arp_count: '0' }), [6, 'Invalid OCF_RESKEY_arp_count [0]']);
  t.same(await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9', cidr_netmask: '24', arp_interval: '' }), [6, 'Invalid OCF_RESKEY_arp_interval []']);
  t.same(await exitOf('monitor', { ip: '2001:db8::5', nic: 'eth9', cidr_netmask: '64', preferred_lft: '' }), [6, 'Empty value is invalid for OCF_RESKEY_preferred_lft']);
  t.same(await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9', cidr_netmask: '24', unique_clone_address: 'true' }), [6, 'unique_clone_address makes sense only with meta globally_unique set']);
  const cip = await exitOf('monitor', { ip: '10.9.0.5', nic: 'eth9', cidr_netmask: '24' }, { clone_max: '2' });
  t.equal(cip[0], 5, 'Cluster-IP mode is refused');
  t.match(cip[1], /CLUSTERIP/);
});

t.test('a good configuration resolves', async (t) => {
  const c = ctx('monitor', { ip: '2001:DB8::5', nic: 'eth9:v', cidr_netmask: '64' });
  const v = await prepare(c, emptyKernel);
  t.same([v.ip, v.family, v.nic, v.netmask, v.prefixlen, v.label], ['2001:db8::5', 6, 'eth9', '64', 64, 'eth9:v']);
  const d = ctx('monitor', { ip: '10.9.0.5', nic: 'eth9', cidr_netmask: '255.255.255.0' });
  t.equal((await prepare(d, emptyKernel)).prefixlen, 24);
  t.match(d.logs, ['warn: Please convert dotted quad netmask 255.255.255.0 to CIDR notation 24!']);
});
