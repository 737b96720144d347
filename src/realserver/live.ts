/** `lvsha realserver up|down|status` (I/O: /proc/sys and rtnetlink). */
import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError, PermissionError } from '../errors.ts';
import { parseCidr } from '../cluster/ip.ts';
import { addAddr, addrBytes, delAddr, hasAddr, ifIndex, withRtnl, type IfAddr } from './rtnl.ts';
import { ARP_SYSCTLS, IPIP_SYSCTLS, hostPrefix } from './snippets.ts';

export interface LiveOpts { vip: string; method?: string; dev?: string }

export function parseLiveOpts(o: LiveOpts): { addr: IfAddr; dev: string; sysctls: (readonly [string, string])[]; text: string } {
  const c = parseCidr(o.vip);
  if (!c) throw new ConfigError(`"${o.vip}" is not an IP address[/len]`, { where: '--vip' });
  const method = o.method ?? 'gate';
  if (method !== 'gate' && method !== 'ipip') {
    throw new ConfigError(`"${method}" not supported here`, { where: '--method', hint: 'gate or ipip; masq real servers only need a default route (see cluster init realserver/)' });
  }
  // the VIP on lo must not claim its subnet: a host route only
  const prefix = c.prefix ?? hostPrefix(c.family);
  if (prefix !== hostPrefix(c.family)) {
    throw new ConfigError(`/${prefix} on a real server would capture the whole subnet`, { where: '--vip', hint: `use ${c.text}/${hostPrefix(c.family)} or no prefix` });
  }
  const dev = o.dev ?? (method === 'ipip' ? 'tunl0' : 'lo');
  const sysctls = c.family === 4 ? [...ARP_SYSCTLS, ...(method === 'ipip' ? IPIP_SYSCTLS : [])] : [];
  return { addr: { family: c.family, bytes: addrBytes(c.family, c.value), prefix }, dev, sysctls, text: `${c.text}/${prefix}` };
}

async function readSysctl(key: string): Promise<string | undefined> {
  try { return (await readFile(`/proc/sys/${key}`, 'utf8')).trim(); } catch { return undefined; }
}

async function writeSysctl(key: string, value: string): Promise<void> {
  try {
    await writeFile(`/proc/sys/${key}`, value);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new PermissionError(`cannot write /proc/sys/${key}: ${code} (run as root)`);
    throw e;
  }
}

export async function realserverAction(action: 'up' | 'down' | 'status', o: LiveOpts): Promise<string> {
  const p = parseLiveOpts(o);
  const out: string[] = [];
  if (action === 'up') {
    // sysctls first: once the VIP is on lo the host must already stay silent in ARP
    for (const [k, v] of p.sysctls) {
      if ((await readSysctl(k)) !== v) { await writeSysctl(k, v); out.push(`set ${k.replaceAll('/', '.')}=${v}`); }
    }
    const added = await withRtnl(async (rt) => addAddr(rt, await ifIndex(rt, p.dev), p.addr, p.dev === 'lo' ? 'lo:lvs' : undefined));
    out.push(added ? `added ${p.text} on ${p.dev}` : `${p.text} already on ${p.dev}`);
  } else if (action === 'down') {
    const removed = await withRtnl(async (rt) => delAddr(rt, await ifIndex(rt, p.dev), p.addr));
    out.push(removed ? `removed ${p.text} from ${p.dev}` : `${p.text} not on ${p.dev}`);
  } else {
    const present = await withRtnl(async (rt) => hasAddr(rt, await ifIndex(rt, p.dev), p.addr));
    let ok = present;
    out.push(`${p.text} on ${p.dev}: ${present ? 'yes' : 'no'}`);
    for (const [k, v] of p.sysctls) {
      const cur = await readSysctl(k);
      if (cur !== v) ok = false;
      out.push(`${k.replaceAll('/', '.')} = ${cur ?? '(missing)'}${cur === v ? '' : ` (want ${v})`}`);
    }
    out.push(ok ? 'status: up' : 'status: not set up');
    if (!ok) process.exitCode = 3;
  }
  return `${out.join('\n')}\n`;
}
