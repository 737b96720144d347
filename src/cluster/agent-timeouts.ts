/**
 * Operation timings the lvsha agents advertise in their meta-data, in seconds.
 * The CIB generator writes these into every op; the agents' meta-data should
 * import the same constants so the two can never drift apart.
 * Values follow the agents we replace (ocf:heartbeat:IPaddr2 4.12, ocf:heartbeat:ldirectord).
 */
export const IPADDR2_TIMEOUTS = {
  start: { timeout: 20 },
  stop: { timeout: 20 },
  monitor: { interval: 10, timeout: 20 },
} as const;

export const LDIRECTORD_TIMEOUTS = {
  start: { timeout: 15 },
  stop: { timeout: 15 },
  monitor: { interval: 20, timeout: 10 },
} as const;

/** ocf:lvsha:ipvs-sync (not written yet): IPVS connection-sync daemon start/stop is a single netlink call. */
export const IPVS_SYNC_TIMEOUTS = {
  start: { timeout: 20 },
  stop: { timeout: 20 },
  monitor: { interval: 30, timeout: 20 },
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
