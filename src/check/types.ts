/**
 * Health-check spec and result types. A CheckSpec is everything one check of one
 * real server needs, already resolved from ldirectord.cf (virtual → real inheritance,
 * checkport, default ports); the daemon builds them, this module runs them.
 */

export const CHECK_TYPES = ['connect', 'negotiate', 'ping', 'external', 'external-perl', 'on', 'off', 'combined'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** Services with a negotiate implementation here. */
export const SERVICES = [
  'http', 'https', 'http_proxy', 'simpletcp', 'dns', 'smtp', 'submission', 'pop', 'pops', 'imap', 'imaps',
  'ftp', 'ldap', 'ldaps', 'mysql', 'pgsql', 'sip', 'radius', 'nntp', 'none',
] as const;
export type Service = (typeof SERVICES)[number];

/** Services ldirectord knows that we refuse (named by validateCheck). */
export const UNSUPPORTED_SERVICES = ['oracle'] as const;

export interface CheckSpec {
  type: CheckType;
  /** Negotiate service (ldirectord `service`). Required for negotiate/combined. */
  service?: string;
  /** Transport of the virtual service: tcp (default) / udp (connect → ping, dns/sip over udp) / fwm. */
  protocol?: 'tcp' | 'udp' | 'fwm' | 'sctp';
  /** 4 or 6; derived from host when omitted. */
  family?: 4 | 6;
  /** Real server address (IP literal; brackets allowed for v6). */
  host: string;
  /** Port to check (ldirectord checkport, else real port, else service default). */
  port: number;
  /** Seconds; bounds connect/ping/external and the whole of ldap/radius. ldirectord default 5. */
  checkTimeout?: number;
  /** Seconds; bounds negotiate checks. ldirectord default 30. */
  negotiateTimeout?: number;
  /** ldirectord `request` (URL path for http, query for dns/sql, base DN for ldap, file for ftp…). */
  request?: string;
  /** ldirectord `receive`: a regular expression (Perl syntax, we use JS RegExp). */
  receive?: string;
  httpMethod?: 'GET' | 'HEAD';
  virtualHost?: string;
  login?: string;
  passwd?: string;
  database?: string;
  secret?: string;
  /** Ping attempts (ldirectord checkcount, default 1). */
  checkCount?: number;
  /** Verify TLS certificates and hostnames (ldirectord never does; default false). */
  tlsVerify?: boolean;
  /** For `external`: the program, and the virtual address (or fwmark) and port passed to it. */
  command?: string;
  virtualAddress?: string;
  virtualPort?: number;
  /** For `combined` (checktype = N): number of connect checks between negotiate checks. */
  connectsBetweenNegotiates?: number;
}

export interface CheckResult {
  ok: boolean;
  message: string;
  durationMs: number;
}

/** What one negotiate/connect implementation gets: the spec, a signal, and the deadline. */
export interface CheckContext {
  signal: AbortSignal;
  /** Milliseconds the check may take in total. */
  timeoutMs: number;
}

/** A checker resolves with a short success message and throws CheckFailure (or any error) when down. */
export type Checker = (spec: CheckSpec, ctx: CheckContext) => Promise<string>;
