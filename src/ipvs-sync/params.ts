/**
 * ocf:lvsha:ipvs-sync parameters: parsing, the kernel daemon they describe, and
 * the comparison with what the kernel reports (GET_DAEMON). Pure: no I/O.
 *
 * Kernel facts encoded here (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_sync.c):
 * one daemon per state (master, backup) per network namespace; SYNC_ID is kept
 * as a u8; MCAST_GROUP(6) must be a multicast address (else EINVAL); omitted
 * port/ttl/group become 8848 / 1 / 224.0.0.81; SYNC_MAXLEN is clamped to what
 * the interface MTU allows, so the kernel may report another value than asked.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../errors.ts';
import { addrToBytes, canonicalAddr, type SyncDaemon } from '../ipvs/model.ts';

export type SyncRole = SyncDaemon['state'];

/** The agent's parameters: the kernel's sync-daemon settings, with the role named as the CIB names it. */
export type SyncParams = Omit<SyncDaemon, 'state'> & { role: SyncRole };

/** What the kernel uses when a setting is not given (ip_vs_sync.c, IP_VS_SYNC_GROUP/PORT). */
export const KERNEL_DEFAULTS = { group: '224.0.0.81', port: 8848, ttl: 1 } as const;

/** IFNAMSIZ - 1 */
export const IFNAME_MAX = 15;

/** The reason an interface name is not one Linux accepts (dev_valid_name), or undefined. */
export function ifnameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (Buffer.byteLength(name) > IFNAME_MAX) return `is ${Buffer.byteLength(name)} bytes long; Linux interface names have at most ${IFNAME_MAX}`;
  if (name === '.' || name === '..') return 'is not an interface name';
  const bad = /[/:\s\0]/.exec(name);
  if (bad) return `contains ${JSON.stringify(bad[0])}, which Linux interface names cannot contain`;
  return undefined;
}

function bad(param: string, message: string, hint: string): ConfigError {
  return new ConfigError(message, { where: `parameter ${param}`, hint });
}

/** An optional integer parameter: undefined when unset or empty. */
function int(p: Readonly<Record<string, string>>, name: string, min: number, max: number, hint: string): number | undefined {
  const raw = p[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const s = raw.trim();
  if (!/^\d+$/.test(s)) throw bad(name, `"${raw}" is not an integer`, hint);
  const n = Number(s);
  if (n < min || n > max) throw bad(name, `${n} is out of range ${min}..${max}`, hint);
  return n;
}

function isMulticast(addr: string): boolean {
  const b = addrToBytes(addr);
  return b.length === 4 ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff;
}

/** OCF_RESKEY_* → SyncParams. Throws ConfigError (→ OCF_ERR_CONFIGURED) naming the parameter and what to write. */
export function parseSyncParams(p: Readonly<Record<string, string>>): SyncParams {
  const roleRaw = (p.role ?? '').trim();
  if (roleRaw === '') throw bad('role', 'is not set', 'write role=master on the active director, role=backup on the standby');
  const role = roleRaw.toLowerCase();
  if (role !== 'master' && role !== 'backup') throw bad('role', `"${roleRaw}" is not a sync daemon role`, 'write role=master or role=backup');

  const ifname = (p.mcast_interface ?? '').trim();
  if (ifname === '') throw bad('mcast_interface', 'is not set', 'name the interface that carries the sync multicast, e.g. mcast_interface=eth1');
  const ifp = ifnameProblem(ifname);
  if (ifp) throw bad('mcast_interface', `"${ifname}" ${ifp}`, 'name an existing interface such as eth1 or bond0, without a ":label" suffix');

  const syncId = int(p, 'syncid', 0, 255, 'the kernel keeps syncid as one byte: write 0..255, the same on master and backup') ?? 0;
  // the kernel clamps sync_maxlen to the MTU anyway; 1..65535 is what the u16 attribute can carry
  const maxLen = int(p, 'sync_maxlen', 1, 65535, 'the maximum sync message payload in bytes; leave it empty to derive it from the interface MTU');
  const port = int(p, 'mcast_port', 1, 65535, `a UDP port 1..65535, the same on master and backup (default ${KERNEL_DEFAULTS.port})`);
  const ttl = int(p, 'mcast_ttl', 1, 255, `a multicast TTL 1..255 (default ${KERNEL_DEFAULTS.ttl})`);

  let group: string | undefined;
  const g = (p.mcast_group ?? '').trim();
  if (g !== '') {
    if (!isIPv4(g) && !isIPv6(g)) throw bad('mcast_group', `"${g}" is not an IPv4 or IPv6 address`, `write a multicast group such as ${KERNEL_DEFAULTS.group} or ff02::1:81`);
    if (!isMulticast(g)) throw bad('mcast_group', `${g} is not a multicast address`, 'use 224.0.0.0/4 for IPv4 or ff00::/8 for IPv6');
    group = canonicalAddr(g);
  }
  return { role, ifname, syncId, maxLen, group, port, ttl };
}

/** The NEW_DAEMON request for these parameters (unset settings are left to the kernel's defaults). */
export function toDaemon(p: SyncParams): SyncDaemon {
  const d: SyncDaemon = { state: p.role, ifname: p.ifname, syncId: p.syncId };
  if (p.maxLen !== undefined) d.maxLen = p.maxLen;
  if (p.group !== undefined) d.group = p.group;
  if (p.port !== undefined) d.port = p.port;
  if (p.ttl !== undefined) d.ttl = p.ttl;
  return d;
}

/**
 * Differences between the wanted daemon and the one the kernel runs for the same
 * role, as "setting: kernel has X, wanted Y"; empty when they match. Settings the
 * kernel does not report (older kernels) are not compared; sync_maxlen is not
 * compared because the kernel clamps it to the interface MTU.
 */
export function daemonDiffs(want: SyncParams, have: SyncDaemon): string[] {
  const out: string[] = [];
  const cmp = (what: string, h: string | number | undefined, w: string | number) => {
    if (h !== undefined && h !== w) out.push(`${what} ${h} (wanted ${w})`);
  };
  if (have.state !== want.role) out.push(`role ${have.state} (wanted ${want.role})`);
  cmp('mcast_interface', have.ifname, want.ifname);
  cmp('syncid', have.syncId, want.syncId);
  cmp('mcast_group', have.group === undefined ? undefined : canonicalAddr(have.group), want.group ?? KERNEL_DEFAULTS.group);
  cmp('mcast_port', have.port, want.port ?? KERNEL_DEFAULTS.port);
  cmp('mcast_ttl', have.ttl, want.ttl ?? KERNEL_DEFAULTS.ttl);
  return out;
}

/** "master sync daemon on eth1, syncid 7 (group 224.0.0.81 port 8848 ttl 1 maxlen 1472)". */
export function describeDaemon(d: SyncDaemon): string {
  const extra = [
    d.group !== undefined ? `group ${d.group}` : '', d.port !== undefined ? `port ${d.port}` : '',
    d.ttl !== undefined ? `ttl ${d.ttl}` : '', d.maxLen !== undefined ? `maxlen ${d.maxLen}` : '',
  ].filter(Boolean).join(' ');
  return `${d.state} sync daemon on ${d.ifname}, syncid ${d.syncId}${extra ? ` (${extra})` : ''}`;
}
