// Side by side with ocf:heartbeat:IPaddr2 (resource-agents 4.12): for each parameter set, each agent runs
// in its own fresh namespace pair with the same topology (test/ns/topo.sh), and both must give the same exit
// codes for validate-all, probe, start, monitor, stop, monitor, and leave the same `ip addr` (and addrlabel) state.
import t from 'tap';
import { OURS, REF, addrState, addrlabels, nsName, peerName, requirements, runAgent, sh, tmpDir, topoDown, topoUp, waitLinksUp } from './lib.ts';

interface Case { name: string; params: Record<string, string>; meta?: Record<string, string>; setup?: string[] }

// ${NS} / ${PEER} in setup commands and parameter values are replaced per namespace.
const CASES: Case[] = [
  { name: 'v4 auto nic/netmask', params: { ip: '10.9.0.50' } },
  { name: 'v4 nic+cidr', params: { ip: '10.9.0.51', nic: 'eth0', cidr_netmask: '24' } },
  { name: 'v4 auto on eth1', params: { ip: '10.9.1.52' } },
  { name: 'v4 /32 on nic', params: { ip: '10.9.0.53', nic: 'eth0', cidr_netmask: '32' } },
  { name: 'v4 dotted-quad netmask', params: { ip: '10.9.0.54', cidr_netmask: '255.255.255.0' } },
  { name: 'v4 iflabel', params: { ip: '10.9.0.55', iflabel: 'vip' } },
  { name: 'v4 nic:label form', params: { ip: '10.9.0.56', nic: 'eth0:web' } },
  { name: 'v4 broadcast + with /25', params: { ip: '10.9.0.57', cidr_netmask: '25', broadcast: '+' } },
  { name: 'v4 broadcast -', params: { ip: '10.9.0.58', broadcast: '-' } },
  { name: 'v4 explicit broadcast', params: { ip: '10.9.0.59', broadcast: '10.9.0.127' } },
  { name: 'v4 noprefixroute', params: { ip: '10.9.0.60', noprefixroute: 'true' } },
  { name: 'v4 lvs_support, /32 on lo', params: { ip: '10.9.0.61', lvs_support: 'true' }, setup: ['ip -n ${NS} addr add 10.9.0.61/32 dev lo'] },
  { name: 'v4 lvs_support, no conflict', params: { ip: '10.9.0.62', lvs_support: 'true' } },
  { name: 'v4 same ip on another nic', params: { ip: '10.9.0.64', nic: 'eth0', cidr_netmask: '24' }, setup: ['ip -n ${NS} addr add 10.9.0.64/24 dev eth1'] },
  { name: 'v4 already up, other label', params: { ip: '10.9.0.65', iflabel: 'new' }, setup: ['ip -n ${NS} addr add 10.9.0.65/24 brd + dev eth0 label eth0:old'] },
  { name: 'v4 127.0.0.2 on lo', params: { ip: '127.0.0.2' } },
  { name: 'v4 refresh ARPs', params: { ip: '10.9.0.66', arp_count: '2', arp_interval: '50', arp_count_refresh: '1' } },
  { name: 'v4 flush_routes', params: { ip: '10.9.0.67', flush_routes: 'true' } },
  { name: 'v4 network_namespace', params: { ip: '10.9.0.68', network_namespace: '${NS}' } },
  { name: 'v4 no route', params: { ip: '10.8.0.50' } },
  { name: 'v4 no route, nic+cidr given', params: { ip: '10.8.0.51', nic: 'eth0', cidr_netmask: '24' } },
  { name: 'v4 invalid ip', params: { ip: '10.9.0.300' } },
  { name: 'v4 netmask 33', params: { ip: '10.9.0.70', cidr_netmask: '33' } },
  { name: 'v4 bogus dotted netmask', params: { ip: '10.9.0.71', cidr_netmask: '255.0.255.0' } },
  { name: 'v4 missing nic', params: { ip: '10.9.0.72', nic: 'nope' } },
  { name: 'v4 missing nic, cidr given', params: { ip: '10.9.0.73', nic: 'nope', cidr_netmask: '24' } },
  { name: 'empty ip', params: { ip: '' } },
  { name: 'v4 arp_count=0', params: { ip: '10.9.0.74', arp_count: '0' } },
  { name: 'v4 arp_count empty', params: { ip: '10.9.0.75', arp_count: '' } },
  { name: 'v4 arp_interval=abc', params: { ip: '10.9.0.76', arp_interval: 'abc' } },
  { name: 'v4 label too long', params: { ip: '10.9.0.77', iflabel: 'abcdefghijkl' } },
  { name: 'v4 bad broadcast', params: { ip: '10.9.0.78', broadcast: 'foo' } },
  { name: 'v4 + lvs_ipv6_addrlabel', params: { ip: '10.9.0.79', lvs_ipv6_addrlabel: 'true' } },
  { name: 'v4 arp_sender bogus', params: { ip: '10.9.0.80', arp_sender: 'bogus' } },
  { name: 'v4 arp_sender iputils_arping', params: { ip: '10.9.0.81', arp_sender: 'iputils_arping' } },
  { name: 'v4 unique_clone_address, not globally unique', params: { ip: '10.9.0.82', unique_clone_address: 'true' } },
  { name: 'v4 unique_clone_address clone 2', params: { ip: '10.9.0.83', unique_clone_address: 'true' }, meta: { clone: '2', clone_max: '3', globally_unique: 'true' } },
  { name: 'v4 clone_max=0', params: { ip: '10.9.0.84' }, meta: { clone_max: '0' } },
  { name: 'v4 lvs_support in a clone', params: { ip: '10.9.0.85', lvs_support: 'true' }, meta: { clone_max: '2' } },
  { name: 'v4 run_arping, address free', params: { ip: '10.9.0.86', run_arping: 'true' } },
  { name: 'v4 run_arping, address taken', params: { ip: '10.9.0.87', run_arping: 'true' }, setup: ['ip -n ${PEER} addr add 10.9.0.87/24 dev eth0'] },
  { name: 'v6 auto', params: { ip: '2001:db8:9::50' } },
  { name: 'v6 nic+cidr', params: { ip: '2001:db8:9::51', nic: 'eth0', cidr_netmask: '64' } },
  { name: 'v6 /128 on nic', params: { ip: '2001:db8:9::52', nic: 'eth0', cidr_netmask: '128' } },
  { name: 'v6 nodad', params: { ip: '2001:db8:9::53', nodad: 'true' } },
  { name: 'v6 noprefixroute, preferred_lft 0', params: { ip: '2001:db8:9::54', noprefixroute: 'true', preferred_lft: '0' } },
  { name: 'v6 non-canonical text', params: { ip: '2001:DB8:9:0::55' } },
  { name: 'v6 iflabel', params: { ip: '2001:db8:9::56', iflabel: 'v6' } },
  { name: 'v6 lvs_ipv6_addrlabel', params: { ip: '2001:db8:9::57', lvs_ipv6_addrlabel: 'true', lvs_ipv6_addrlabel_value: '99' } },
  { name: 'v6 lvs_ipv6_addrlabel_value bad', params: { ip: '2001:db8:9::58', lvs_ipv6_addrlabel: 'true', lvs_ipv6_addrlabel_value: 'x' } },
  { name: 'v6 lvs_support', params: { ip: '2001:db8:9::59', lvs_support: 'true' } },
  { name: 'v6 link-local without nic', params: { ip: 'fe80::50' } },
  { name: 'v6 link-local with nic', params: { ip: 'fe80::51', nic: 'eth0', cidr_netmask: '64' } },
  { name: 'v6 invalid characters', params: { ip: '2001:db8:9::zz' } },
  { name: 'v6 no route', params: { ip: '2001:db8:a::1' } },
  { name: 'v6 netmask 129', params: { ip: '2001:db8:9::5a', cidr_netmask: '129' } },
  { name: 'v6 preferred_lft empty', params: { ip: '2001:db8:9::5b', preferred_lft: '' } },
  { name: 'v6 preferred_lft garbage', params: { ip: '2001:db8:9::5c', preferred_lft: 'abc' } },
  { name: 'v6 duplicate (DAD fails)', params: { ip: '2001:db8:9::5d' }, setup: ['ip -n ${PEER} addr add 2001:db8:9::5d/64 dev eth0 nodad'] },
];

const STEPS: Array<[string, string]> = [['validate-all', '0'], ['monitor', '0'], ['start', '0'], ['monitor', '10000'], ['stop', '0'], ['monitor', '10000']];

interface Outcome { codes: number[]; after: string[]; stopped: string[]; labels: string[]; errs: string[] }

async function runCase(c: Case, tag: string, agent: string): Promise<Outcome> {
  const NS = nsName(tag), PEER = peerName(tag);
  const subst = (s: string): string => s.replaceAll('${NS}', NS).replaceAll('${PEER}', PEER);
  topoUp(tag);
  try {
    await waitLinksUp(NS); await waitLinksUp(PEER);
    for (const cmd of c.setup ?? []) sh(subst(cmd));
    const rsctmp = tmpDir('lvsha-ip-cmp-');
    const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, subst(v)]));
    const keep = [params.ip ?? ''];
    const out: Outcome = { codes: [], after: [], stopped: [], labels: [], errs: [] };
    for (const [i, [action, interval]] of STEPS.entries()) {
      const r = await runAgent(agent, NS, action, params, { rsctmp, meta: { ...(c.meta ?? {}), interval } });
      out.codes.push(r.code);
      if (r.code !== 0 && r.code !== 7) out.errs.push(`${action}: ${r.err.trim().split('\n').slice(-2).join(' | ')}`);
      if (i === 3) { out.after = addrState(NS, keep); out.labels = addrlabels(NS); }
    }
    out.stopped = addrState(NS, keep);
    return out;
  } finally {
    topoDown(tag);
  }
}

const missing = requirements();
if (missing.length) {
  t.fail(`missing: ${missing.join('; ')}`);
} else {
  const rows: string[] = [];
  const BATCH = Number(process.env.LVSHA_NS_PARALLEL ?? 4);
  t.test(`${CASES.length} parameter sets, ours vs ocf:heartbeat:IPaddr2`, async (t) => {
    for (let b = 0; b < CASES.length; b += BATCH) {
      const batch = CASES.slice(b, b + BATCH);
      const results = await Promise.all(batch.map(async (c, j) => {
        const n = b + j;
        const [ref, ours] = await Promise.all([runCase(c, `c${n}r`, REF), runCase(c, `c${n}o`, OURS)]);
        return { c, ref, ours };
      }));
      for (const { c, ref, ours } of results) {
        t.test(c.name, async (t) => {
          t.same(ours.codes, ref.codes, `exit codes [validate-all probe start monitor stop monitor]\n ours: ${ours.errs.join(' / ')}\n ref:  ${ref.errs.join(' / ')}`);
          t.same(ours.after, ref.after, 'ip addr after start');
          t.same(ours.labels, ref.labels, 'ip addrlabel after start');
          t.same(ours.stopped, ref.stopped, 'ip addr after stop');
        });
        const same = JSON.stringify(ours) === JSON.stringify({ ...ours, codes: ref.codes });
        rows.push(`| ${c.name.padEnd(44)} | ${ref.codes.join(' ')} | ${ours.codes.join(' ')} | ${same && JSON.stringify(ours.after) === JSON.stringify(ref.after) ? 'same' : 'DIFF'} |`);
      }
    }
    t.comment(['', '| parameter set | 4.12: validate probe start monitor stop monitor | lvsha | state |', '|---|---|---|---|', ...rows].join('\n'));
  });
}
