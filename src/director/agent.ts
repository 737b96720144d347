/**
 * ocf:lvsha:ldirectord actions. The daemon does the work; the agent starts it
 * detached and waits for its first applied check pass, stops it (TERM, then
 * KILL), and monitors it: daemon alive + the kernel table equal to the desired
 * table from the daemon's status file (depth 0: services; OCF_CHECK_LEVEL 10:
 * every real and weight). monitor loads no undici/execa/xml2js: it reads the
 * status file and does one netlink dump.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import { destKeyId, serviceKeyId, type Table } from '../ipvs/model.ts';
import { configName } from '../ldirectord/config/locate.ts';
import { pidPath, pidState } from './pidfile.ts';
import { jsonToTable, readStatus, statusPath, type StatusFile } from './status.ts';

export const DEFAULT_CONFIG = '/etc/ha.d/ldirectord.cf';

interface Target { config: string; name: string; pidFile: string; statusFile: string }

function target(ctx: ActionContext): Target {
  const config = resolve(ctx.env.params['configfile'] || DEFAULT_CONFIG);
  const name = configName(config);
  return { config, name, pidFile: pidPath(name), statusFile: statusPath(name) };
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((r) => {
  const t = setTimeout(r, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true });
});

/** Kernel vs desired for our services; [] when equal. */
export function compareTables(desired: Table, kernel: Table, deep: boolean): string[] {
  const out: string[] = [];
  for (const ds of desired.services) {
    const id = serviceKeyId(ds.key);
    const ks = kernel.services.find((s) => serviceKeyId(s.key) === id);
    if (!ks) { out.push(`virtual service ${id} is missing from the kernel`); continue; }
    if (ks.scheduler !== ds.scheduler) out.push(`virtual service ${id} has scheduler ${ks.scheduler}, want ${ds.scheduler}`);
    if (!deep) continue;
    for (const d of ds.destinations) {
      const kd = ks.destinations.find((x) => destKeyId(x) === destKeyId(d));
      if (!kd) out.push(`${id} -> ${destKeyId(d)} is missing from the kernel`);
      else if (kd.weight !== d.weight) out.push(`${id} -> ${destKeyId(d)} has weight ${kd.weight}, want ${d.weight}`);
    }
    for (const kd of ks.destinations) {
      if (!ds.destinations.some((d) => destKeyId(d) === destKeyId(kd))) out.push(`${id} -> ${destKeyId(kd)} is in the kernel but not wanted`);
    }
  }
  return out;
}

async function kernelTable(): Promise<Table> {
  const { openIpvs } = await import('./ipvs-port.ts');
  const p = await openIpvs();
  try { return await p.list(); } finally { p.close(); }
}

/** Where monitor and start read the kernel table: IPVS, or the daemon's test double in unit tests. */
export interface AgentIo { kernelTable: () => Promise<Table> }
const ipvsIo: AgentIo = { kernelTable };

/** Daemon state for monitor/start: 7 not running, 0 healthy, 1 with a reason. */
async function check(ctx: ActionContext, t: Target, deep: boolean, io: AgentIo): Promise<number> {
  const ps = pidState(t.pidFile);
  if (ps.state !== 'running') return OCF.NOT_RUNNING;
  let st = readStatus(t.statusFile);
  if (!st || st.pid !== ps.pid) { ctx.exitReason(`ldirectord (pid ${ps.pid}) runs but has no status file ${t.statusFile}`); return OCF.ERR_GENERIC; }
  const staleMs = Math.max(60_000, st.checkinterval * 5000);
  if (Date.now() - Date.parse(st.updatedAt) > staleMs) {
    ctx.exitReason(`ldirectord (pid ${ps.pid}) has not completed a check pass since ${st.updatedAt}`);
    return OCF.ERR_GENERIC;
  }
  if (!st.firstPassApplied) return OCF.SUCCESS; // starting: the table is being built
  let diff = compareTables(jsonToTable(st.desired), await io.kernelTable(), deep);
  if (diff.length > 0) {
    // The daemon repairs drift at its next pass; only a difference that outlives it is a failure.
    // `seen` is the pass in the status file once our kernel read is done. Pass seen + 1 may have read the
    // kernel before the change; pass seen + 2 reads it only after seen + 1 is written, i.e. after
    // we saw the difference, so the difference counts once seen + 2 has left it in place. Compare
    // after every pass; wait at most half the action timeout (a pass lasts max(checkinterval,
    // check time) plus the apply, which a fixed multiple of checkinterval does not bound on a
    // slow or loaded host).
    const now = readStatus(t.statusFile);
    if (now && now.pid === ps.pid) st = now;
    const seen = st.pass;
    const end = Date.now() + Math.max(1000, (ctx.env.timeoutMs ?? 20_000) / 2);
    while (Date.now() < end && !ctx.signal.aborted) {
      await sleep(250, ctx.signal);
      const s2 = readStatus(t.statusFile);
      if (!s2 || s2.pid !== ps.pid || s2.pass === st.pass) continue;
      st = s2;
      diff = compareTables(jsonToTable(st.desired), await io.kernelTable(), deep);
      if (diff.length === 0 || st.pass >= seen + 2) break;
    }
  }
  if (diff.length > 0) {
    ctx.exitReason(`IPVS table differs from what ldirectord wants: ${diff.slice(0, 3).join('; ')}${diff.length > 3 ? ` (+${diff.length - 3} more)` : ''}`);
    return OCF.ERR_GENERIC;
  }
  return OCF.SUCCESS;
}

async function ensureIpvs(io: AgentIo): Promise<void> {
  // throws IpvsNotLoadedError ("ip_vs is not loaded: modprobe ip_vs") → OCF_ERR_INSTALLED
  await io.kernelTable();
}

function validateConfig(ctx: ActionContext, t: Target): number {
  if (!existsSync(t.config)) {
    ctx.exitReason(`configuration file ${t.config} not found (set configfile= to an existing ldirectord.cf)`);
    return OCF.ERR_INSTALLED;
  }
  return checkDigest(ctx, t);
}

export async function validateAll(ctx: ActionContext): Promise<number> {
  const t = target(ctx);
  const rc = validateConfig(ctx, t);
  if (rc !== OCF.SUCCESS) return rc;
  const { loadDirectorConfig } = await import('./config-adapter.ts');
  try {
    loadDirectorConfig(t.config, t.name);
  } catch (e) {
    if (e instanceof ConfigError) { ctx.exitReason(e.message.split('\n').slice(0, 2).join(' ')); return OCF.ERR_CONFIGURED; }
    throw e;
  }
  return OCF.SUCCESS;
}

export async function monitor(ctx: ActionContext, io: AgentIo = ipvsIo): Promise<number> {
  const t = target(ctx);
  const rc = await check(ctx, t, ctx.env.checkLevel >= 10, io);
  const want = (ctx.env.params['config_digest'] ?? '').trim().toLowerCase();
  if (rc === OCF.SUCCESS && want) {
    const have = readStatus(t.statusFile)?.configSha256;
    // a warning, not a failure: a restart would not fix a file that differs
    if (have && have !== want) ctx.log.warn(`ldirectord runs a configuration with sha256 ${have.slice(0, 12)}…, config_digest wants ${want.slice(0, 12)}…`);
  }
  return rc;
}

export async function start(ctx: ActionContext, io: AgentIo = ipvsIo): Promise<number> {
  const t = target(ctx);
  const v = await validateAll(ctx);
  if (v !== OCF.SUCCESS) return v;
  await ensureIpvs(io);
  if (pidState(t.pidFile).state !== 'running') {
    const { runLdirectordCli } = await import('./cli.ts');
    let err = '';
    const rc = await runLdirectordCli([t.config, 'start'], { env: process.env, stdout: () => {}, stderr: (s) => { err += s; } });
    if (rc !== 0) {
      ctx.exitReason(`ldirectord ${t.config} start failed (${rc}): ${err.trim().split('\n')[0] ?? ''}`);
      return rc === 2 ? OCF.ERR_CONFIGURED : rc === 5 ? OCF.ERR_INSTALLED : OCF.ERR_GENERIC;
    }
  }
  // Done once the first check pass is in the kernel (bounded by the action timeout).
  while (!ctx.signal.aborted) {
    const ps = pidState(t.pidFile);
    if (ps.state !== 'running') { ctx.exitReason(`ldirectord for ${t.config} exited during start; see its logfile`); return OCF.ERR_GENERIC; }
    const st: StatusFile | undefined = readStatus(t.statusFile);
    if (st && st.pid === ps.pid && st.firstPassApplied) return check(ctx, t, true, io);
    await sleep(100, ctx.signal);
  }
  return OCF.ERR_GENERIC;
}

export async function stop(ctx: ActionContext): Promise<number> {
  const t = target(ctx);
  const ps = pidState(t.pidFile);
  if (ps.state === 'none') return OCF.SUCCESS;
  if (ps.state === 'stale') { removeFile(t.pidFile); return OCF.SUCCESS; }
  try { process.kill(ps.pid, 'SIGTERM'); } catch { /* gone */ }
  // Leave a quarter of the timeout (at least 2 s) for the KILL fallback.
  const budget = Math.max(2000, (ctx.env.timeoutMs ?? 20_000) * 0.75 - 2000);
  const end = Date.now() + budget;
  while (Date.now() < end && alive(ps.pid)) await sleep(100);
  if (alive(ps.pid)) {
    ctx.log.warn(`ldirectord (pid ${ps.pid}) did not stop after SIGTERM; sending SIGKILL (the IPVS table stays as it is)`);
    try { process.kill(ps.pid, 'SIGKILL'); } catch { /* gone */ }
    const end2 = Date.now() + 2000;
    while (Date.now() < end2 && alive(ps.pid)) await sleep(50);
    removeFile(t.pidFile);
    removeFile(t.statusFile);
  }
  return alive(ps.pid) ? OCF.ERR_GENERIC : OCF.SUCCESS;
}

/**
 * Pacemaker runs reload when a non-unique parameter changes (config_digest is the one
 * meant for it): validate the file here first (a broken file is refused before the
 * daemon sees it), SIGHUP, and return once the daemon has counted the reload.
 */
export async function reload(ctx: ActionContext): Promise<number> {
  const t = target(ctx);
  const ps = pidState(t.pidFile);
  if (ps.state !== 'running') return OCF.NOT_RUNNING;
  const v = await validateAll(ctx);
  if (v !== OCF.SUCCESS) return v; // the daemon would keep the old config; say so now
  const before = readStatus(t.statusFile)?.reloads ?? 0;
  process.kill(ps.pid, 'SIGHUP');
  while (!ctx.signal.aborted) {
    const st = readStatus(t.statusFile);
    if (st && st.pid === ps.pid && (st.reloads ?? 0) > before) {
      if (st.lastError) { ctx.exitReason(st.lastError); return OCF.ERR_GENERIC; }
      ctx.log.info(`ldirectord (pid ${ps.pid}) reloaded ${t.config} (sha256 ${st.configSha256?.slice(0, 12) ?? '?'})`);
      return OCF.SUCCESS;
    }
    if (!alive(ps.pid)) { ctx.exitReason(`ldirectord (pid ${ps.pid}) exited during reload; see its logfile`); return OCF.ERR_GENERIC; }
    await sleep(100, ctx.signal);
  }
  return OCF.ERR_GENERIC;
}

/**
 * config_digest (optional): the SHA-256 of the ldirectord.cf this resource must run.
 * A node whose file differs cannot run it (OCF_ERR_ARGS: Pacemaker keeps the resource
 * off that node only), so a half-rolled-out config never goes live.
 */
function checkDigest(ctx: ActionContext, t: Target): number {
  const want = (ctx.env.params['config_digest'] ?? '').trim().toLowerCase();
  if (!want) return OCF.SUCCESS;
  if (!/^[0-9a-f]{64}$/.test(want)) {
    ctx.exitReason(`config_digest=${want} is not a SHA-256 hex digest (write the output of: sha256sum ${t.config})`);
    return OCF.ERR_CONFIGURED;
  }
  let have: string;
  try { have = createHash('sha256').update(readFileSync(t.config)).digest('hex'); } catch { return OCF.SUCCESS; /* validateConfig reports a missing file */ }
  if (have === want) return OCF.SUCCESS;
  ctx.exitReason(`${t.config} on this node has sha256 ${have.slice(0, 12)}…, config_digest wants ${want.slice(0, 12)}…: copy the new file to every director`);
  return OCF.ERR_ARGS;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  // a zombie of ours is not alive
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'latin1')); } catch { return false; }
}

function removeFile(p: string): void {
  try { unlinkSync(p); } catch { /* gone */ }
}
