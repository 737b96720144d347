/**
 * Typed model of an ldirectord.cf, as Perl ldirectord's read_config() leaves it
 * (ParsedConfig), and as its ld_setup()/fallback_find() make it usable
 * (EffectiveConfig, see effective.ts).
 */

export type Family = 'inet' | 'inet6';
export type Forward = 'gate' | 'masq' | 'ipip';
export type VirtualProtocol = 'tcp' | 'udp' | 'fwm';

/** checktype=N is "combined": N connect checks, then one negotiate check. */
export const CHECK_TYPES = ['connect', 'negotiate', 'ping', 'external', 'external-perl', 'on', 'off', 'combined'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** Every service= value ldirectord accepts (its parser's list). */
export const SERVICES = [
  'dns', 'ftp', 'http', 'https', 'http_proxy', 'imap', 'imaps', 'ldap', 'ldaps', 'mysql', 'nntp', 'none',
  'oracle', 'pgsql', 'pop', 'pops', 'radius', 'sip', 'simpletcp', 'smtp', 'submission',
] as const;
export type Service = (typeof SERVICES)[number];

/** ldirectord's ld_port_to_service / ld_service_to_port table. */
export const SERVICE_PORTS: Readonly<Record<Service, number | undefined>> = {
  ftp: 21, smtp: 25, dns: 53, http: 80, pop: 110, nntp: 119, imap: 143, ldap: 389, https: 443,
  submission: 587, ldaps: 636, imaps: 993, pops: 995, oracle: 1521, radius: 1812, http_proxy: 3128,
  mysql: 3306, sip: 5060, pgsql: 5432, none: undefined, simpletcp: undefined,
};

export const EMAIL_ALERT_STATUSES = ['starting', 'running', 'stopping', 'reloading'] as const;
export type EmailAlertStatus = (typeof EMAIL_ALERT_STATUSES)[number];

/** `logfile="/path"` is a file; anything without a leading '/' is a syslog facility. */
export type LogTarget = { kind: 'file'; path: string } | { kind: 'syslog'; facility: string };

/** Name and port lookups, injected so the parser stays pure (see resolver.ts). */
export interface Resolver {
  /** Like ldirectord's ld_gethostbyname: an IP literal or host name → numeric address (IPv6 without brackets), or undefined. */
  host(name: string, family: Family): string | undefined;
  /** Like getservbyname(name, protocol); protocol '' means any. Numbers are handled by the parser. */
  service(name: string, protocol: 'tcp' | 'udp' | ''): number | undefined;
  /** $HOSTNAME (env HOSTNAME, else uname nodename): used in ftp/sip login defaults. */
  hostname(): string;
}

export interface ConfigIssue {
  file: string;
  line: number; // 0 = not tied to one line
  /** The offending text (directive, value or whole line). */
  text: string;
  message: string;
  /** What to write instead. */
  hint?: string;
}

export interface FallbackConfig {
  line: number;
  address: string; // numeric, IPv6 without brackets
  /** undefined = use the virtual's port (global fallback without a port). */
  port: number | undefined;
  forward: Forward;
}

export interface RealConfig {
  line: number;
  address: string;
  /** As written (0 when omitted), before any IPVS port rule. */
  port: number;
  forward: Forward;
  weight: number;
  /** Per-real "request", "receive" pair (request already has its leading '/'). */
  request?: string;
  receive?: string;
  lowerThreshold?: number;
  upperThreshold?: number;
}

export interface VirtualConfig {
  line: number;
  /** virtual= → inet, virtual6= → inet6. */
  family: Family;
  /** Numeric address (IPv6 without brackets); undefined for a fwmark virtual. */
  address: string | undefined;
  /** Resolved port; 0 for a fwmark. */
  port: number;
  fwmark: number | undefined;
  protocol: VirtualProtocol;
  checktype: CheckType;
  /** N of checktype=N (0 otherwise). */
  numConnects: number;
  service: Service;
  /** true when service= was written (not derived from the port). */
  serviceExplicit: boolean;
  checkcommand: string;
  request: string;
  receive: string;
  login: string;
  passwd: string;
  database: string;
  secret: string;
  httpmethod: 'GET' | 'HEAD';
  virtualhost: string | undefined;
  checkport: number | undefined;
  scheduler: string;
  persistent: number | undefined;
  netmask: string | undefined;
  schedflags: string | undefined;
  ops: boolean;
  /** Per-virtual overrides; undefined = use the global value. */
  checktimeout: number | undefined;
  negotiatetimeout: number | undefined;
  checkcount: number | undefined;
  failurecount: number | undefined;
  checkinterval: number | undefined;
  quiescent: boolean | undefined;
  cleanstop: boolean | undefined;
  emailalert: string | undefined;
  emailalertfreq: number | undefined;
  emailalertstatus: EmailAlertStatus[] | undefined;
  smtp: string | undefined;
  fallback: FallbackConfig | undefined;
  fallbackcommand: string | undefined;
  monitorfile: string | undefined;
  servicename: string | undefined;
  comment: string | undefined;
  load: string | undefined;
  reals: RealConfig[];
}

export interface GlobalConfig {
  /** undefined = unset (ldirectord's -1); see the fallback chains in effective.ts. */
  checktimeout: number | undefined;
  negotiatetimeout: number | undefined;
  checkinterval: number;
  checkcount: number;
  failurecount: number;
  autoreload: boolean;
  callback: string | undefined;
  /** Global fallback, resolved for each protocol as ldirectord does. */
  fallback: { tcp: FallbackConfig; udp: FallbackConfig } | undefined;
  fallback6: { tcp: FallbackConfig; udp: FallbackConfig } | undefined;
  /** A shell command line, run as `<cmd> start|stop VIP:PORT PROTO` (ldirectord does not strip quotes here). */
  fallbackcommand: string | undefined;
  logfile: LogTarget;
  emailalert: string;
  emailalertfreq: number;
  /** [] = none. Default: all four. */
  emailalertstatus: EmailAlertStatus[];
  emailalertfrom: string | undefined;
  /** "host", "host:port" or "[v6]:port". */
  smtp: string | undefined;
  /** Other ldirectord configurations to start/stop/reload with this one (as written, deduplicated). */
  execute: string[];
  /** Config line of each execute entry (same order). */
  executeLines: number[];
  supervised: boolean;
  fork: boolean;
  quiescent: boolean;
  readdquiescent: boolean;
  cleanstop: boolean;
  maintenancedir: string | undefined;
}

export interface ParsedConfig {
  file: string;
  global: GlobalConfig;
  virtuals: VirtualConfig[];
}

export interface ParseResult {
  /** Present when there were no errors. */
  config: ParsedConfig | undefined;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}
