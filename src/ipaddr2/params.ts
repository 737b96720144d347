/**
 * IPaddr2 instance parameters as resource-agents 4.12 reads them (pure).
 * Defaults apply only to unset parameters (`: ${OCF_RESKEY_x=default}`), so
 * an empty value stays empty, exactly as in the shell agent.
 */
import { formatIPv6, parseIPv6 } from '../net/ipaddr.ts';
import type { Family } from '../net/ipaddr.ts';

export const DEFAULTS: Readonly<Record<string, string>> = {
  ip: '', cidr_netmask: '', broadcast: '', iflabel: '', lvs_support: 'false', lvs_ipv6_addrlabel: 'false',
  lvs_ipv6_addrlabel_value: '99', clusterip_hash: 'sourceip-sourceport', mac: '', unique_clone_address: 'false',
  arp_interval: '200', arp_count: '5', arp_count_refresh: '0', arp_bg: '', arp_sender: '', send_arp_opts: '',
  flush_routes: 'false', run_arping: 'false', nodad: 'false', noprefixroute: 'false', preferred_lft: 'forever',
  network_namespace: '', check_link_status: 'true',
};

/** ocf_is_true of ocf-shellfuncs 4.12 (case-sensitive list). */
export function ocfIsTrue(v: string | undefined): boolean {
  return v !== undefined && ['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON'].includes(v);
}

/** ocf_is_decimal: non-empty, digits only. */
export function ocfIsDecimal(v: string | undefined): v is string {
  return v !== undefined && /^[0-9]+$/.test(v);
}

/** An exit decided while preparing: code, optional exit reason, and log lines to emit first. */
export class AgentExit extends Error {
  readonly code: number;
  readonly reason: string | undefined;
  readonly logs: ReadonlyArray<{ level: 'info' | 'warn' | 'err' | 'debug'; msg: string }>;
  constructor(code: number, reason?: string, logs: AgentExit['logs'] = []) {
    super(reason ?? `exit ${code}`);
    this.code = code;
    this.reason = reason;
    this.logs = logs;
  }
}

export function param(params: Readonly<Record<string, string>>, name: string): string {
  return params[name] ?? DEFAULTS[name] ?? '';
}

/** unique_clone_address: the clone number is added to the last octet (IPv4 text arithmetic). */
export function cloneAddress(ip: string, clone: number): string {
  const parts = ip.split('.');
  if (parts.length < 4) return ip;
  const suffix = Number(parts[3]);
  return `${parts[0]}.${parts[1]}.${parts[2]}.${Number.isFinite(suffix) ? clone + suffix : parts[3]}`;
}

/** maybe_convert_dotted_quad_to_cidr; returns the value to use and a log line if any. */
export function convertDottedQuad(netmask: string): { netmask: string; log?: { level: 'warn' | 'err'; msg: string } } {
  if (/[^0-9.]/.test(netmask) || netmask.includes('..') || /\..*\..*\..*\./.test(netmask) || netmask.startsWith('.') || netmask.endsWith('.') || /[0-9]{4}/.test(netmask)) return { netmask };
  const parts = netmask.split('.');
  if (parts.length !== 4) return { netmask };
  let m = 0;
  for (const p of parts) {
    const b = Number(p);
    if (b > 255) return { netmask };
    m = m * 256 + b;
  }
  for (let len = 0; len <= 32; len++) {
    const v = len === 0 ? 0 : (0xffffffff - (2 ** (32 - len) - 1));
    if (v === m) return { netmask: String(len), log: { level: 'warn', msg: `Please convert dotted quad netmask ${netmask} to CIDR notation ${len}!` } };
  }
  return { netmask, log: { level: 'err', msg: `Bogus netmask: ${netmask}` } };
}

/** findif.sh ipcheck_ipv4 */
export function ipcheckIPv4(s: string): boolean {
  const r1 = '([1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])';
  const r0 = '([0-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])';
  return new RegExp(`^${r1}\\.${r0}\\.${r0}\\.${r0}$`).test(s);
}

/** findif.sh ipcheck_ipv6: hex digits and colons only */
export function ipcheckIPv6(s: string): boolean {
  return !/[^0-9:a-fA-F]/.test(s);
}

/** findif.sh prefixcheck */
export function prefixcheck(p: string, max: number): boolean {
  if (p.length === 0 || p.length > 3 || /[^0-9]/.test(p)) return false;
  const n = Number(p);
  return n >= 1 && n <= max;
}

export function familyOf(ip: string): Family {
  return ip.includes(':') ? 6 : 4;
}

/** RFC 5952 form (IPaddr2 normalises through `ip route get`); unparsable text is kept. */
export function sanitizeIPv6(ip: string): string {
  const b = parseIPv6(ip);
  return b ? formatIPv6(b) : ip;
}

/** The static part of findif_check_params (the NIC existence check needs the kernel). */
export function checkFindifParams(family: Family, ip: string, nic: string | undefined, netmask: string, brd: string): string | undefined {
  if (family === 6) {
    if (!ipcheckIPv6(ip)) return `IP address [${ip}] not valid.`;
    if (!nic && /^fe80::/i.test(ip)) return `'nic' parameter is mandatory for a link local address [${ip}].`;
    if (netmask !== '' && !prefixcheck(netmask, 128)) return `Invalid netmask specification [${netmask}].`;
  } else {
    if (!ipcheckIPv4(ip)) return `IP address [${ip}] not valid.`;
    if (netmask !== '' && !prefixcheck(netmask, 32)) return `Invalid netmask specification [${netmask}].`;
    if (brd !== '' && !ipcheckIPv4(brd) && brd !== '+' && brd !== '-') return `Invalid broadcast address [${brd}].`;
  }
  return undefined;
}

/** iproute2 get_prefixlen-like parse of a netmask string already checked by prefixcheck (or given on other actions). */
export function netmaskNumber(netmask: string, family: Family): number | undefined {
  if (!/^[0-9]+$/.test(netmask)) return undefined;
  const n = Number(netmask);
  return n <= (family === 4 ? 32 : 128) ? n : undefined;
}

/** preferred_lft: "forever" or seconds, as iproute2 parses it; undefined if invalid. */
export function parseLifetime(v: string): number | undefined {
  if (v === 'forever' || v === 'infinity') return 0xffffffff;
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 0xffffffff ? n : undefined;
}
