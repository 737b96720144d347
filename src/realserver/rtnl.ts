/**
 * The few rtnetlink address operations a real server needs (VIP on lo/tunl0).
 * `netlink` is native and heavy: loaded only when an action runs.
 */
import { PermissionError, NotInstalledError, LvshaError } from '../errors.ts';

const AF_INET = 2;
const AF_INET6 = 10;

export interface IfAddr { family: 4 | 6; bytes: Buffer; prefix: number }

export function addrBytes(family: 4 | 6, value: bigint): Buffer {
  const n = family === 4 ? 4 : 16;
  const b = Buffer.alloc(n);
  for (let i = n - 1, v = value; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
}

type Rt = import('netlink').RtNetlinkSocket;

export async function withRtnl<T>(fn: (rt: Rt) => Promise<T>): Promise<T> {
  let mod: typeof import('netlink');
  try {
    mod = await import('netlink');
  } catch (e) {
    throw new NotInstalledError(`netlink module unavailable: ${(e as Error).message}`);
  }
  const rt = mod.createRtNetlink();
  try {
    return await fn(rt);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/EPERM|Operation not permitted|EACCES/.test(msg)) throw new PermissionError(`rtnetlink: ${msg} (run as root / with CAP_NET_ADMIN)`);
    throw e;
  } finally {
    rt.socket.close();
  }
}

export async function ifIndex(rt: Rt, name: string): Promise<number> {
  const links = await rt.getLinks();
  const l = links.find((x) => x.attrs.ifname === name);
  if (!l || l.data.index === undefined) throw new LvshaError(`no interface ${name}`, { dev: name });
  return l.data.index;
}

export async function listAddrs(rt: Rt, index: number): Promise<IfAddr[]> {
  const msgs = await rt.getAddresses();
  return msgs
    .filter((m) => m.data.index === index && (m.data.family === AF_INET || m.data.family === AF_INET6))
    .map((m) => ({
      family: m.data.family === AF_INET ? 4 as const : 6 as const,
      bytes: Buffer.from((m.attrs.local ?? m.attrs.address)!),
      prefix: m.data.prefixlen ?? 0,
    }));
}

export async function hasAddr(rt: Rt, index: number, a: IfAddr): Promise<boolean> {
  return (await listAddrs(rt, index)).some((x) => x.family === a.family && x.bytes.equals(a.bytes));
}

/** Idempotent: an address already present is left alone. */
export async function addAddr(rt: Rt, index: number, a: IfAddr, label?: string): Promise<boolean> {
  if (await hasAddr(rt, index, a)) return false;
  const { FlagsNew } = await import('netlink');
  await rt.newAddress(
    { family: a.family === 4 ? AF_INET : AF_INET6, prefixlen: a.prefix, index, scope: 0 },
    { local: a.bytes, address: a.bytes, ...(label && a.family === 4 ? { label } : {}) },
    { flags: FlagsNew.CREATE | FlagsNew.EXCL },
  );
  return true;
}

/** Idempotent: an absent address is fine. */
export async function delAddr(rt: Rt, index: number, a: IfAddr): Promise<boolean> {
  if (!(await hasAddr(rt, index, a))) return false;
  await rt.delAddress(
    { family: a.family === 4 ? AF_INET : AF_INET6, prefixlen: a.prefix, index },
    { local: a.bytes, address: a.bytes },
  );
  return true;
}
