/**
 * ocf:lvsha:ipvs-sync actions over kernel IPVS generic netlink (src/ipvs/client.ts):
 * start = NEW_DAEMON, stop = DEL_DAEMON, monitor = the GET_DAEMON dump. The
 * resource is "the sync daemon of this role in this network namespace"; the
 * kernel runs at most one per role, so the role alone identifies it.
 */
import { existsSync } from 'node:fs';
import { ConfigError, NotInstalledError } from '../errors.ts';
import type { IpvsClient } from '../ipvs/client.ts';
import { IpvsKernelError } from '../ipvs/errors.ts';
import type { SyncDaemon } from '../ipvs/model.ts';
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import { daemonDiffs, describeDaemon, parseSyncParams, toDaemon, type SyncParams } from './params.ts';

async function withClient<T>(fn: (c: IpvsClient) => Promise<T>): Promise<T> {
  const { IpvsClient } = await import('../ipvs/client.ts');
  const c = await IpvsClient.open(); // IpvsNotLoadedError → OCF_ERR_INSTALLED, IpvsPermissionError → OCF_ERR_PERM
  try { return await fn(c); } finally { c.close(); }
}

async function current(c: IpvsClient, role: SyncParams['role']): Promise<SyncDaemon | undefined> {
  return (await c.getDaemons()).find((d) => d.state === role);
}

/** validate-all: parameters only (OCF 1.1 level 0); OCF_CHECK_LEVEL >= 10 also checks the interface exists here. */
export async function validateAll(ctx: ActionContext): Promise<number> {
  const p = parseSyncParams(ctx.env.params); // ConfigError → 6 with the parameter named
  if (ctx.env.checkLevel >= 10 && !existsSync(`/sys/class/net/${p.ifname}`)) {
    ctx.exitReason(`mcast_interface ${p.ifname} does not exist on this node`);
    return OCF.ERR_ARGS;
  }
  return OCF.SUCCESS;
}

export async function monitor(ctx: ActionContext): Promise<number> {
  const p = parseSyncParams(ctx.env.params);
  return withClient(async (c) => {
    const d = await current(c, p.role);
    if (!d) return OCF.NOT_RUNNING;
    const diffs = daemonDiffs(p, d);
    if (diffs.length) {
      ctx.exitReason(`the kernel runs a ${p.role} sync daemon with other settings: ${diffs.join(', ')}`);
      return OCF.ERR_GENERIC;
    }
    return OCF.SUCCESS;
  });
}

export async function start(ctx: ActionContext): Promise<number> {
  const p = parseSyncParams(ctx.env.params);
  const want = toDaemon(p);
  return withClient(async (c) => {
    const d = await current(c, p.role);
    if (d) {
      const diffs = daemonDiffs(p, d);
      if (!diffs.length) { ctx.log.info(`${describeDaemon(d)} is already running`); return OCF.SUCCESS; }
      ctx.log.warn(`restarting the ${p.role} sync daemon: it runs with ${diffs.join(', ')}`);
      await delDaemon(c, p.role);
    }
    try {
      await c.exec({ op: 'add-daemon', daemon: want });
    } catch (e) {
      if (!(e instanceof IpvsKernelError)) throw e;
      switch (e.errno) {
        case 'ENODEV':
          ctx.exitReason(`mcast_interface ${p.ifname} does not exist on this node (create it or name another interface)`);
          return OCF.ERR_ARGS; // invalid on this host; another node may have it
        case 'EEXIST': break; // started concurrently: judged below
        case 'EINVAL':
          ctx.exitReason(`the kernel refused to start a ${p.role} sync daemon on ${p.ifname} (EINVAL): check mcast_group and sync_maxlen against the interface`);
          return OCF.ERR_ARGS; // the same request fails again on this host
        case 'EAFNOSUPPORT':
          ctx.exitReason(`this kernel has no IPv6 IPVS support for mcast_group ${p.group ?? ''} (EAFNOSUPPORT): use an IPv4 group`);
          return OCF.ERR_INSTALLED;
        default:
          ctx.exitReason(`starting the ${p.role} sync daemon on ${p.ifname} failed: ${e.errno}`);
          return OCF.ERR_GENERIC;
      }
    }
    const now = await current(c, p.role);
    const diffs = now ? daemonDiffs(p, now) : ['not running'];
    if (diffs.length) {
      ctx.exitReason(`the ${p.role} sync daemon did not start as configured: ${diffs.join(', ')}`);
      return OCF.ERR_GENERIC;
    }
    ctx.log.info(`started ${describeDaemon(now!)}`);
    return OCF.SUCCESS;
  });
}

async function delDaemon(c: IpvsClient, role: SyncParams['role']): Promise<void> {
  try {
    await c.exec({ op: 'del-daemon', state: role });
  } catch (e) {
    // ESRCH: it stopped in between
    if (!(e instanceof IpvsKernelError && e.errno === 'ESRCH')) throw e;
  }
}

export async function stop(ctx: ActionContext): Promise<number> {
  let p: SyncParams;
  try {
    p = parseSyncParams(ctx.env.params);
  } catch (e) {
    // with these parameters start always failed, so nothing of ours can run; a failed stop would fence the node
    if (e instanceof ConfigError) { ctx.log.warn(`stop: ${e.message}; nothing to stop`); return OCF.SUCCESS; }
    throw e;
  }
  try {
    return await withClient(async (c) => {
      const d = await current(c, p.role);
      if (!d) return OCF.SUCCESS;
      await delDaemon(c, p.role);
      if (await current(c, p.role)) {
        ctx.exitReason(`the ${p.role} sync daemon is still running after DEL_DAEMON`);
        return OCF.ERR_GENERIC;
      }
      ctx.log.info(`stopped ${describeDaemon(d)}`);
      return OCF.SUCCESS;
    });
  } catch (e) {
    // without ip_vs no sync daemon can run: stopped
    if (e instanceof NotInstalledError) { ctx.log.info(`stop: ${e.message}; no sync daemon can be running`); return OCF.SUCCESS; }
    throw e;
  }
}
