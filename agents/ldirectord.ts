/**
 * ocf:lvsha:ldirectord — the LVS director for an unchanged ldirectord.cf.
 * Parameter-compatible with ocf:heartbeat:ldirectord (configfile, ldirectord).
 * Meta-data says OCF 1.0, so Pacemaker uses legacy reload for changes of non-unique
 * parameters (config_digest is the one meant for it: roll out a changed file without a
 * restart); reload-agent does the same but is not advertised (ocf-tester's DTD rejects it). Implementations load per action (src/director/agent.ts).
 */
import { LDIRECTORD_TIMEOUTS } from './timeouts.ts';
import type { AgentDefinition } from '../src/ocf/types.ts';

const impl = () => import('../src/director/agent.ts');

const agent: AgentDefinition = {
  metadata: {
    name: 'ldirectord', version: '1.0', ocfVersion: '1.0',
    shortdesc: 'LVS director: health-checks real servers and programs kernel IPVS (ldirectord-compatible)',
    longdesc:
      'Runs the lvsha director daemon for an existing ldirectord.cf. The daemon health-checks the real servers ' +
      'concurrently and programs kernel IPVS over generic netlink (quiescent, fallback, maintenancedir, autoreload as ' +
      'ldirectord). start returns once the first check pass is applied to the kernel. monitor checks that the daemon is ' +
      'alive and that the kernel holds the virtual services it wants (OCF_CHECK_LEVEL=10: every real server and weight); ' +
      'it is cheap (a status file and one netlink dump), unlike ocf:heartbeat:ldirectord\'s. If the daemon dies the ' +
      'IPVS table stays, so traffic keeps flowing until it is restarted. Needs the ip_vs kernel module.',
    parameters: [
      {
        name: 'configfile', shortdesc: 'configuration file path', unique: true, type: 'string', default: '/etc/ha.d/ldirectord.cf',
        longdesc: 'The full path of the ldirectord configuration file (unchanged ldirectord.cf syntax).',
      },
      {
        name: 'ldirectord', shortdesc: 'ldirectord binary path (ignored)', type: 'string', default: '/usr/sbin/ldirectord',
        longdesc: 'Accepted for compatibility with ocf:heartbeat:ldirectord and ignored: lvsha runs its own director.',
      },
      {
        name: 'config_digest', shortdesc: 'SHA-256 of the configfile to run', type: 'string', default: '',
        longdesc:
          'Optional. The SHA-256 (sha256sum) of the configfile this resource must run. To roll out a changed ' +
          'ldirectord.cf: copy it to every director, then set this parameter to its new digest; Pacemaker runs reload ' +
          'on the active director, which re-reads the file without a restart (no connection is lost). A node whose ' +
          'file has another digest refuses start and reload (exit 2, so Pacemaker keeps the resource off that node ' +
          'only) and monitor warns if the running configuration differs. Empty: no check.',
      },
    ],
    actions: [
      { name: 'start', timeout: LDIRECTORD_TIMEOUTS.start.timeout },
      { name: 'stop', timeout: LDIRECTORD_TIMEOUTS.stop.timeout },
      { name: 'reload', timeout: LDIRECTORD_TIMEOUTS.reload.timeout },
      { name: 'monitor', timeout: LDIRECTORD_TIMEOUTS.monitor.timeout, interval: LDIRECTORD_TIMEOUTS.monitor.interval, depth: 0 },
      { name: 'meta-data', timeout: 5 },
      { name: 'validate-all', timeout: 20 },
    ],
  },
  actions: {
    start: async (c) => (await impl()).start(c),
    stop: async (c) => (await impl()).stop(c),
    monitor: async (c) => (await impl()).monitor(c),
    status: async (c) => (await impl()).monitor(c),
    reload: async (c) => (await impl()).reload(c),
    'reload-agent': async (c) => (await impl()).reload(c),
    'validate-all': async (c) => (await impl()).validateAll(c),
  },
};
export default agent;
