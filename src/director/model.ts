/**
 * The director's own view of an ldirectord.cf: what the engine needs to decide,
 * already resolved (ports, forwarding, timeouts). Built from the parser's
 * output by config-adapter.ts, so the reconciler never sees parser details.
 * Pure types plus the narrow ports (IPVS, checks) the daemon talks through.
 */
import type { Destination, Forward, Service, ServiceKey, Table } from '../ipvs/model.ts';
import type { Op } from '../ipvs/codec.ts';
import type { CheckResult, CheckSpec } from '../check/types.ts';

/** ldirectord's $DAEMON_STATUS: what emailalertstatus filters on. */
export type DaemonPhase = 'starting' | 'running' | 'stopping' | 'reloading';

/** A virtual's e-mail alert settings, per-virtual overrides already applied. */
export interface AlertSettings {
  /** emailalert as written ("a@example.com, b@example.com"); '' = no mail. */
  to: string;
  /** emailalertfreq in seconds: resend while a real stays down; 0 = never. */
  freq: number;
  /** emailalertstatus: the daemon phases in which mail goes out ([] = none). */
  statuses: readonly DaemonPhase[];
  /** smtp= "host", "host:port" or "[v6]:port"; undefined = sendmail. */
  smtp: string | undefined;
  /** servicename= / comment=: subject prefix and body lines. */
  servicename: string | undefined;
  comment: string | undefined;
}

export interface DirectorReal {
  /** IPVS destination id "10.0.0.2:80" / "[v6]:80" (after ldirectord's port rule). */
  id: string;
  address: string;
  port: number;
  forward: Forward;
  weight: number;
  lowerThreshold: number;
  upperThreshold: number;
  /** Identity of the check: reals with equal keys are checked once per pass (ldirectord's real id). */
  checkKey: string;
  check: CheckSpec;
  /** Config line, for messages. */
  line: number;
}

export interface DirectorFallback {
  id: string;
  address: string;
  port: number;
  forward: Forward;
}

export interface DirectorVirtual {
  /** formatServiceKey(key): "TCP 10.0.0.1:80", "FWM 5". */
  id: string;
  /** What fallbackcommand gets: "10.0.0.1:80" (or the fwmark "5:0") and "tcp"/"udp"/"fwm". */
  vipPort: string;
  protocol: 'tcp' | 'udp' | 'fwm';
  key: ServiceKey;
  /** Service attributes (scheduler, persistence, netmask, ops, schedflags). */
  service: Service;
  reals: DirectorReal[];
  fallback: DirectorFallback | undefined;
  fallbackcommand: string | undefined;
  quiescent: boolean;
  failurecount: number;
  cleanstop: boolean;
  monitorfile: string | undefined;
  /** checktype=off: never checked, never changed after start (ldirectord "Checking off"). */
  checksOff: boolean;
  /** Seconds between this virtual's check passes: its own value with fork=yes, else the global one. */
  checkinterval: number;
  alert: AlertSettings;
  line: number;
}

export type LogTarget = { kind: 'file'; path: string } | { kind: 'syslog'; facility: string };

export interface DirectorConfig {
  /** Absolute path of the config file. */
  file: string;
  /** ldirectord's config name (basename): pid file /run/ldirectord.<name>.pid. */
  name: string;
  checkinterval: number;
  autoreload: boolean;
  callback: string | undefined;
  logfile: LogTarget;
  supervised: boolean;
  readdquiescent: boolean;
  maintenancedir: string | undefined;
  /** fork=yes: each virtual keeps its own checkinterval (no processes are forked). */
  fork: boolean;
  /** emailalertfrom= (global only): From header, and the envelope sender's address. */
  emailalertfrom: string | undefined;
  /** execute= entries as written, with their config line. */
  execute: { config: string; line: number }[];
  virtuals: DirectorVirtual[];
  warnings: string[];
}

/** One IPVS change the director makes: the service and destination subset of the IPVS client's ops. */
export type IpvsOp = Extract<Op, { op: 'add-service' | 'edit-service' | 'del-service' | 'add-dest' | 'edit-dest' | 'del-dest' }>;

/** The kernel, as the daemon and agent need it. */
export interface IpvsPort {
  /** One netlink dump of every service and destination. */
  list(): Promise<Table>;
  /** Apply in order; stops at the first failure and throws (with what was applied in the error). */
  apply(ops: readonly IpvsOp[]): Promise<void>;
  close(): void;
}

/** Runs one check bounded by its own timeout; never throws (a failure is ok:false). */
export type CheckPort = (spec: CheckSpec, signal: AbortSignal) => Promise<CheckResult>;
