/**
 * The few rtnetlink address operations a real server needs (VIP on lo/tunl0),
 * on the project's rtnetlink layer (src/net), loaded only when an action runs.
 */
import { LvshaError, PermissionError } from '../errors.ts';
import type { Rtnl } from '../net/rtnl.ts';

const AF_INET = 2;
const AF_INET6 = 10;

export interface IfAddr { family: 4 | 6; bytes: Buffer; prefix: number }

export function addrBytes(family: 4 | 6, value: bigint): Buffer {
  const n = family === 4 ? 4 : 16;
  const b = Buffer.alloc(n);
  for (let i = n - 1, v = value; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
}

export async function withRtnl<T>(fn: (rt: Rtnl) => Promise<T>): Promise<T> {
  const { openRtnl } = await import('../net/rtnl.ts');
  const rt = await openRtnl();
  try {
    return await fn(rt);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EPERM' || code === 'EACCES') throw new PermissionError(`rtnetlink: ${(e as Error).message} (run as root / with CAP_NET_ADMIN)`);
    throw e;
  } finally {
    rt.close();
  }
}

export async function ifIndex(rt: Rtnl, name: string): Promise<number> {
  const { getLinkByName } = await import('../net/links.ts');
  const l = await getLinkByName(rt, name);
  if (!l) throw new LvshaError(`no interface ${name}`, { dev: name });
  return l.index;
}

export async function listAddrs(rt: Rtnl, index: number): Promise<IfAddr[]> {
  const { getAddresses } = await import('../net/addresses.ts');
  const all = [...(await getAddresses(rt, AF_INET)), ...(await getAddresses(rt, AF_INET6))];
  return all
    .filter((a) => a.index === index && a.local !== undefined)
    .map((a) => ({ family: a.family === AF_INET ? 4 as const : 6 as const, bytes: Buffer.from(a.local!), prefix: a.prefixlen }));
}

export async function hasAddr(rt: Rtnl, index: number, a: IfAddr): Promise<boolean> {
  return (await listAddrs(rt, index)).some((x) => x.family === a.family && x.bytes.equals(a.bytes));
}

/** Idempotent: an address already present is left alone. */
export async function addAddr(rt: Rtnl, index: number, a: IfAddr, label?: string): Promise<boolean> {
  if (await hasAddr(rt, index, a)) return false;
  const { addAddress } = await import('../net/addresses.ts');
  await addAddress(rt, { family: a.family === 4 ? AF_INET : AF_INET6, index, local: a.bytes, prefixlen: a.prefix, label: label && a.family === 4 ? label : undefined });
  return true;
}

/** Idempotent: an absent address is fine. */
export async function delAddr(rt: Rtnl, index: number, a: IfAddr): Promise<boolean> {
  if (!(await hasAddr(rt, index, a))) return false;
  const { deleteAddress } = await import('../net/addresses.ts');
  await deleteAddress(rt, { family: a.family === 4 ? AF_INET : AF_INET6, index, local: a.bytes, prefixlen: a.prefix });
  return true;
}
