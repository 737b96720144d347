/**
 * ocf:lvsha:ipvs-sync — the kernel's IPVS connection-synchronisation daemon
 * (what `ipvsadm --start-daemon master|backup` starts), so connections survive a
 * director failover. The cluster generator places role=master with the VIP and
 * the director and role=backup on the other director (src/cluster/cib.ts).
 * Meta-data says OCF 1.0 (ocf-tester's ra-api-1.dtd); a parameter change restarts it.
 */
import { IPVS_SYNC_TIMEOUTS } from './timeouts.ts';
import type { AgentDefinition, MetaParameter } from '../src/ocf/types.ts';

const impl = () => import('../src/ipvs-sync/actions.ts');

const parameters: MetaParameter[] = [
  {
    name: 'role', type: 'string', required: true,
    shortdesc: 'Sync daemon role: master or backup',
    longdesc: 'master sends the connection table of this director to the sync multicast group; backup receives it ' +
      'and keeps the entries, so connections continue when this node takes over the virtual IP. The kernel runs at ' +
      'most one daemon per role in a network namespace; both roles may run on one node.',
  },
  {
    name: 'mcast_interface', type: 'string', required: true,
    shortdesc: 'Interface for the sync multicast',
    longdesc: 'The network interface the sync messages are sent on (master) or received on (backup), e.g. eth1. ' +
      'It must exist on the node and should carry an IPv4 address. At most 15 characters.',
  },
  {
    name: 'syncid', type: 'integer', default: '0',
    shortdesc: 'Sync ID (0..255)',
    longdesc: 'The backup accepts only messages with this ID; use the same value on master and backup, and a ' +
      'different one for each director pair sharing a network. 0 on the backup accepts any ID.',
  },
  {
    name: 'sync_maxlen', type: 'integer',
    shortdesc: 'Maximum sync message payload (bytes)',
    longdesc: 'Upper limit of a sync message\'s payload. Empty: derived from the interface MTU. The kernel clamps ' +
      'the value to what the MTU allows.',
  },
  {
    name: 'mcast_group', type: 'string',
    shortdesc: 'Multicast group (IPv4 or IPv6)',
    longdesc: 'The multicast group of the sync messages, e.g. 224.0.0.81 or ff02::1:81. Empty: the kernel default 224.0.0.81.',
  },
  {
    name: 'mcast_port', type: 'integer',
    shortdesc: 'Multicast UDP port',
    longdesc: 'The UDP port of the sync messages (1..65535). Empty: the kernel default 8848.',
  },
  {
    name: 'mcast_ttl', type: 'integer',
    shortdesc: 'Multicast TTL',
    longdesc: 'The TTL of the sync messages (1..255). Empty: the kernel default 1 (the local segment).',
  },
];

const agent: AgentDefinition = {
  metadata: {
    name: 'ipvs-sync', version: '1.0', ocfVersion: '1.0',
    shortdesc: 'IPVS connection synchronisation daemon (master or backup)',
    longdesc:
      'Starts and stops the Linux kernel\'s IPVS connection-synchronisation daemon for one role, as ' +
      '`ipvsadm --start-daemon` does, over generic netlink. Run role=master on the director that holds the virtual IP ' +
      'and role=backup on the other directors, with the same mcast_interface, syncid, mcast_group and mcast_port, so ' +
      'that established connections keep their real server after a failover. monitor compares the running daemon with ' +
      'the parameters: not running gives 7, other settings give 1. Needs the ip_vs kernel module.',
    parameters,
    actions: [
      { name: 'start', timeout: IPVS_SYNC_TIMEOUTS.start.timeout },
      { name: 'stop', timeout: IPVS_SYNC_TIMEOUTS.stop.timeout },
      { name: 'monitor', timeout: IPVS_SYNC_TIMEOUTS.monitor.timeout, interval: IPVS_SYNC_TIMEOUTS.monitor.interval, depth: 0 },
      { name: 'meta-data', timeout: 5 },
      { name: 'validate-all', timeout: 20 },
    ],
  },
  actions: {
    start: async (c) => (await impl()).start(c),
    stop: async (c) => (await impl()).stop(c),
    monitor: async (c) => (await impl()).monitor(c),
    'validate-all': async (c) => (await impl()).validateAll(c),
  },
};
export default agent;
