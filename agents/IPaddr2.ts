/** ocf:lvsha:IPaddr2 — placeholder until the VIP agent lands. */
import type { AgentDefinition } from '../src/ocf/types.ts';
import { OCF } from '../src/ocf/exit-codes.ts';

const agent: AgentDefinition = {
  metadata: {
    name: 'IPaddr2', version: '0.1', ocfVersion: '1.0',
    shortdesc: 'LVS director (ldirectord-compatible)',
    longdesc: 'Runs the lvsha director daemon for an ldirectord.cf file.',
    parameters: [{ name: 'configfile', shortdesc: 'configuration file', longdesc: 'Path of ldirectord.cf.', type: 'string', default: '/etc/ha.d/ldirectord.cf', unique: true }],
    actions: [{ name: 'start', timeout: 15 }, { name: 'stop', timeout: 15 }, { name: 'monitor', timeout: 10, interval: 20, depth: 0 }, { name: 'meta-data', timeout: 10 }, { name: 'validate-all', timeout: 10 }],
  },
  actions: { monitor: async () => OCF.NOT_RUNNING },
};
export default agent;
