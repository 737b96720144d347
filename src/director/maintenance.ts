/**
 * maintenancedir: a real is in maintenance when the directory holds a file
 * named ip:port, ip, fqdn:port, fqdn, short:port or short (ldirectord
 * _check_real_for_maintenance; IPv6 addresses in brackets; the name comes from
 * a reverse lookup, as gethostbyaddr does).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function maintenanceNames(address: string, port: number, fqdn: string | undefined): string[] {
  const ip = address.includes(':') ? `[${address}]` : address;
  const out = [`${ip}:${port}`, ip];
  if (fqdn) {
    out.push(`${fqdn}:${port}`, fqdn);
    const m = /^([a-z][a-z0-9-]+)\./.exec(fqdn);
    if (m?.[1]) out.push(`${m[1]}:${port}`, m[1]);
  }
  return out;
}

export function inMaintenance(dir: string, address: string, port: number, fqdn: string | undefined, exists: (p: string) => boolean = existsSync): boolean {
  return maintenanceNames(address, port, fqdn).some((n) => exists(join(dir, n)));
}

/** Reverse name of an address (getnameinfo: /etc/hosts, then DNS), bounded; undefined when none. */
export async function reverseName(address: string, timeoutMs = 1000): Promise<string | undefined> {
  const dns = await import('node:dns/promises');
  const t = new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs).unref());
  try {
    const r = await Promise.race([dns.lookupService(address, 0).then((x) => x.hostname), t]);
    return r && r !== address ? r : undefined;
  } catch {
    return undefined;
  }
}
