/**
 * Operation timings the lvsha agents advertise in their meta-data, in seconds.
 * The agents' meta-data and the CIB generator (src/cluster/cib.ts) both read
 * these, so what Pacemaker is told and what the agents promise never drift apart.
 * IPaddr2 keeps ocf:heartbeat:IPaddr2 4.12's values; ldirectord's start waits for
 * the first check pass, so it gets more time than the Perl agent's 15 s.
 */
export const IPADDR2_TIMEOUTS = {
  start: { timeout: 20 },
  stop: { timeout: 20 },
  monitor: { interval: 10, timeout: 20 },
} as const;

export const LDIRECTORD_TIMEOUTS = {
  start: { timeout: 60 },
  stop: { timeout: 30 },
  monitor: { interval: 20, timeout: 20 },
  // validates the file, then waits for the daemon to re-read it (after a running check pass)
  reload: { timeout: 60 },
} as const;

/** ocf:lvsha:ipvs-sync: start/stop of the IPVS connection-sync daemon is a single netlink call. */
export const IPVS_SYNC_TIMEOUTS = {
  start: { timeout: 20 },
  stop: { timeout: 20 },
  monitor: { interval: 10, timeout: 20 },
} as const;

/** ocf:pacemaker:ping as shipped with Pacemaker 2.1 (start 60s, stop 20s, monitor 10s/60s). */
export const PING_TIMEOUTS = {
  start: { timeout: 60 },
  stop: { timeout: 20 },
  monitor: { interval: 10, timeout: 60 },
} as const;

/** Fencing devices: Pacemaker's default 20s is too short for IPMI/ssh round trips. */
export const STONITH_TIMEOUTS = {
  start: { timeout: 60 },
  stop: { timeout: 60 },
  monitor: { interval: 60, timeout: 60 },
} as const;
