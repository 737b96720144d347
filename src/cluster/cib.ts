/**
 * Pacemaker CIB for an LVS director group (pure tree; rendering loads xml2js lazily).
 *
 * Layout: primitive lvs-ldirectord; group "lvs" = [masq gateway IPaddr2 →] VIP
 * (ocf:lvsha:IPaddr2) [→ IPVS sync master], colocated with the director and ordered
 * after it with kind=Optional; stickiness above any location score so nothing fails back.
 * Why not one group: in a failover both start in one transition and the optional order
 * starts the director first, so its IPVS services exist when the VIP arrives (and its
 * ARP announcements redirect clients). With the VIP first the new director answers VIP
 * packets itself with RSTs until the services appear, and a synced connection dies: the
 * kernel only consults IPVS (and the connections synced to it) once a netns has a
 * virtual service. A mandatory order (a group) would instead restart the VIP whenever
 * Pacemaker recovers the director daemon in place; the optional one leaves it alone.
 */
import {
  IPADDR2_TIMEOUTS, IPVS_SYNC_TIMEOUTS, LDIRECTORD_TIMEOUTS, PING_TIMEOUTS, STONITH_TIMEOUTS,
} from '../../agents/timeouts.ts';
import type { Model } from './description.ts';

/** Newest schema Debian 12's Pacemaker 2.1.5 ships (/usr/share/pacemaker/pacemaker-3.9.rng). */
export const COROSYNC_SCHEMA = 'pacemaker-3.9';
/** Heartbeat implies Pacemaker ≤ 1.1; pacemaker-1.0 is understood by every Heartbeat-era Pacemaker. */
export const HEARTBEAT_SCHEMA = 'pacemaker-1.0';

/** Ids of what `lvsha cluster apply` owns in a live CIB. */
export const GROUP_ID = 'lvs';
export const DIRECTOR_ID = `${GROUP_ID}-ldirectord`;

export interface CibOptions {
  /** Swap the ocf:lvsha agents for stock ones (ocf:heartbeat:IPaddr2 + Dummy): a test aid while dist/ is not built. */
  stockAgents?: boolean;
}

type Attrs = Record<string, string>;
type El = { $?: Attrs; [child: string]: unknown };

type OpTiming = { timeout: number; interval?: number };
type Timeouts = Readonly<Record<'start' | 'stop' | 'monitor', OpTiming> & { reload?: OpTiming }>;

function ops(id: string, t: Timeouts): El {
  const op = (name: string, o: OpTiming): El => ({
    $: { id: `${id}-${name}-${o.interval ?? 0}s`, name, interval: `${o.interval ?? 0}s`, timeout: `${o.timeout}s` },
  });
  // Reload where the agent has one (Pacemaker's default 20 s is not what the agent advertises).
  // Pacemaker 2.1 schedules a parameter reload as "reload-agent" and takes its timeout from the op
  // of that name, then runs the agent's legacy "reload"; Pacemaker 2.0 schedules "reload".
  const reload = t.reload ? [op('reload', t.reload), op('reload-agent', t.reload)] : [];
  return { op: [op('start', t.start), op('stop', t.stop), op('monitor', t.monitor), ...reload] };
}

function nvset(tag: string, id: string, pairs: [string, string][]): El {
  return { [tag]: { $: { id }, nvpair: pairs.map(([name, value]) => ({ $: { id: `${id}-${name}`, name, value } })) } };
}

function primitive(id: string, cls: string, provider: string | undefined, type: string, params: [string, string][], t: Timeouts): El {
  const $: Attrs = { id, class: cls, type };
  if (provider) $['provider'] = provider;
  return { $, ...(params.length ? nvset('instance_attributes', `${id}-instance_attributes`, params) : {}), operations: ops(id, t) };
}

const cidrParams = (a: { addr: { text: string }; prefix: number; nic: string }): [string, string][] =>
  [['ip', a.addr.text], ['cidr_netmask', String(a.prefix)], ['nic', a.nic]];

export function cibTree(m: Model, opts: CibOptions = {}): { cib: El } {
  const hb = m.stack === 'heartbeat';
  const fencing = m.fences.length > 0;
  const [ipProv, ldType, ldProv] = opts.stockAgents ? ['heartbeat', 'Dummy', 'heartbeat'] : ['lvsha', 'ldirectord', 'lvsha'];

  const props: [string, string][] = [
    ['stonith-enabled', fencing ? 'true' : 'false'],
    // corosync's votequorum two_node gives a lone survivor quorum; heartbeat has no such rule for 2 nodes
    ['no-quorum-policy', hb && m.nodes.length === 2 ? 'ignore' : 'stop'],
    ['symmetric-cluster', 'true'],
  ];
  // no cluster-name: the controller copies corosync's cluster_name itself (pcs refuses to set it)

  // ---- the group
  const director = primitive(DIRECTOR_ID, 'ocf', ldProv, ldType,
    opts.stockAgents ? [] : [['configfile', m.ldirectord.configfile]], LDIRECTORD_TIMEOUTS);
  const members: El[] = [];
  if (m.gateway) {
    // before the VIP: NAT replies of synced connections need it the moment traffic arrives
    members.push(primitive(`${GROUP_ID}-gateway`, 'ocf', ipProv, 'IPaddr2', cidrParams(m.gateway), IPADDR2_TIMEOUTS));
  }
  members.push(primitive(`${GROUP_ID}-vip`, 'ocf', ipProv, 'IPaddr2', cidrParams(m.vip), IPADDR2_TIMEOUTS));
  if (m.sync) {
    members.push(primitive(`${GROUP_ID}-sync-master`, 'ocf', opts.stockAgents ? 'heartbeat' : 'lvsha', opts.stockAgents ? 'Dummy' : 'ipvs-sync',
      opts.stockAgents ? [] : [['role', 'master'], ['mcast_interface', m.sync.mcastInterface], ['syncid', String(m.sync.syncid)]],
      IPVS_SYNC_TIMEOUTS));
  }

  const primitives: El[] = [director];
  const clones: El[] = [];
  const locations: El[] = [];
  const colocations: El[] = [
    // the addresses go where the director runs (a director that cannot run on a node moves them)
    { $: { id: `${GROUP_ID}-with-director`, rsc: GROUP_ID, 'with-rsc': DIRECTOR_ID, score: 'INFINITY' } },
  ];
  const orders: El[] = [{ $: { id: `${GROUP_ID}-director-first`, first: DIRECTOR_ID, then: GROUP_ID, kind: 'Optional' } }];

  for (const f of m.fences) {
    const params: [string, string][] = hb
      ? [['hostlist', f.hosts.join(' ')], ...f.params]
      : [['pcmk_host_list', f.hosts.join(' ')], ...f.params];
    const p = primitive(f.id, 'stonith', undefined, f.agent, params, STONITH_TIMEOUTS);
    if (hb && f.agent === 'external/ssh') {
      // the ssh "device" exists on every node: run it everywhere
      clones.push({ $: { id: `${f.id}-clone` }, primitive: p });
    } else {
      primitives.push(p);
      // a device fencing exactly one node should not run on that node
      if (f.hosts.length === 1) locations.push({ $: { id: `${f.id}-not-on-${f.hosts[0]}`, rsc: f.id, node: f.hosts[0]!, score: '-INFINITY' } });
    }
  }
  if (m.ping) {
    clones.push({
      $: { id: 'ping-clone' },
      ...nvset('meta_attributes', 'ping-clone-meta_attributes', [['interleave', 'true']]),
      primitive: primitive('ping', 'ocf', 'pacemaker', 'ping', [
        ['host_list', m.ping.hosts.map((h) => h.text).join(' ')], ['multiplier', String(m.ping.multiplier)],
        ['dampen', m.ping.dampen], ['name', 'pingd'],
      ], PING_TIMEOUTS),
    });
    locations.push({
      $: { id: `${GROUP_ID}-needs-connectivity`, rsc: GROUP_ID },
      rule: {
        $: { id: `${GROUP_ID}-needs-connectivity-rule`, score: '-INFINITY', 'boolean-op': 'or' },
        expression: [
          { $: { id: `${GROUP_ID}-needs-connectivity-undef`, attribute: 'pingd', operation: 'not_defined' } },
          { $: { id: `${GROUP_ID}-needs-connectivity-zero`, attribute: 'pingd', operation: 'lte', value: '0', type: 'number' } },
        ],
      },
    });
  }
  if (m.sync) {
    primitives.push(primitive(`${GROUP_ID}-sync-backup`, 'ocf', opts.stockAgents ? 'heartbeat' : 'lvsha', opts.stockAgents ? 'Dummy' : 'ipvs-sync',
      opts.stockAgents ? [] : [['role', 'backup'], ['mcast_interface', m.sync.mcastInterface], ['syncid', String(m.sync.syncid)]],
      IPVS_SYNC_TIMEOUTS));
    // the backup daemon receives on a director that does not hold the group
    colocations.push({ $: { id: `${GROUP_ID}-sync-backup-apart`, rsc: `${GROUP_ID}-sync-backup`, 'with-rsc': GROUP_ID, score: '-INFINITY' } });
  }
  if (m.preferred) {
    locations.push({ $: { id: `${GROUP_ID}-prefers-${m.preferred.node}`, rsc: GROUP_ID, node: m.preferred.node, score: String(m.preferred.score) } });
  }

  const resources: El = {};
  if (primitives.length) resources['primitive'] = primitives;
  if (clones.length) resources['clone'] = clones;
  resources['group'] = { $: { id: GROUP_ID }, primitive: members };

  const constraints: El = {};
  if (locations.length) constraints['rsc_location'] = locations;
  if (colocations.length) constraints['rsc_colocation'] = colocations;
  constraints['rsc_order'] = orders;

  const defaults: [string, string][] = [
    ['resource-stickiness', m.stickiness],
    ['migration-threshold', String(m.migrationThreshold)],
  ];
  if (m.failureTimeout) defaults.push(['failure-timeout', m.failureTimeout]);

  return {
    cib: {
      $: { 'validate-with': hb ? HEARTBEAT_SCHEMA : COROSYNC_SCHEMA, admin_epoch: '0', epoch: '1', num_updates: '0' },
      configuration: {
        crm_config: nvset('cluster_property_set', 'cib-bootstrap-options', props),
        nodes: '',
        resources,
        constraints,
        rsc_defaults: nvset('meta_attributes', 'rsc-options', defaults),
      },
      status: '',
    },
  };
}

export async function renderXml(tree: object): Promise<string> {
  const { Builder } = (await import('xml2js')).default;
  const b = new Builder({ renderOpts: { pretty: true, indent: '  ', newline: '\n' }, xmldec: { version: '1.0', encoding: 'UTF-8' } });
  return `${b.buildObject(tree)}\n`;
}

export async function renderCib(m: Model, opts: CibOptions = {}): Promise<string> {
  return renderXml(cibTree(m, opts));
}
