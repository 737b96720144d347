/**
 * The daemon's status file (JSON under /run/lvsha/): every virtual and real with
 * health, weight and last check, plus the desired table the agent's monitor
 * compares with the kernel. Written atomically (tmp + rename) after each pass.
 * Light: only node:fs, so `status` and `monitor` load nothing heavy.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Destination, Service, Table } from '../ipvs/model.ts';

export const STATUS_VERSION = 1;

export interface RealStatusView {
  id: string;
  /** "up" | "down" | "maintenance" | "unchecked" (checktype on/off or no pass yet) */
  health: 'up' | 'down' | 'maintenance' | 'unchecked';
  /** configured weight */
  weight: number;
  /** weight we want in the kernel; null = not in the table */
  ipvsWeight: number | null;
  forward: string;
  failcount: number;
  failurecount: number;
  last: { ok: boolean; message: string; at: string } | null;
  since: string;
}

export interface VirtualStatusView {
  id: string;
  scheduler: string;
  quiescent: boolean;
  fallback: { id: string; active: boolean } | null;
  reals: RealStatusView[];
}

export interface JsonDest { address: string; port: number; family: string; forward: string; weight: number; upperThreshold: number; lowerThreshold: number }
export interface JsonService { key: Service['key']; scheduler: string; persistent: number | null; netmask: number; onePacket: boolean; schedFlags: string[]; destinations: JsonDest[] }

export interface StatusFile {
  version: number;
  pid: number;
  config: string;
  name: string;
  phase: 'starting' | 'running' | 'stopping';
  /** true once the first check pass has been applied to the kernel */
  firstPassApplied: boolean;
  pass: number;
  startedAt: string;
  updatedAt: string;
  checkinterval: number;
  /** last reload or apply problem, kept until the next success */
  lastError: string | null;
  /** SHA-256 of the configuration text in force (the agent's config_digest compares with it) */
  configSha256?: string;
  /** reload requests processed so far, failed ones included (the agent waits for its SIGHUP to be counted) */
  reloads?: number;
  virtuals: VirtualStatusView[];
  /** desired IPVS state of our virtuals after the last pass */
  desired: JsonService[];
  /** execute= children, as `lvsha ldirectord <arg> status` names them (the CLI's status reports them too) */
  children?: string[];
}

export function runDir(env: Record<string, string | undefined> = process.env): string {
  return env['LVSHA_RUN_DIR'] ?? '/run/lvsha';
}

export function statusPath(name: string, env: Record<string, string | undefined> = process.env): string {
  return join(runDir(env), `ldirectord.${name}.json`);
}

export function tableToJson(t: Table): JsonService[] {
  return t.services.map((s) => ({
    key: s.key, scheduler: s.scheduler, persistent: s.persistent ?? null, netmask: s.netmask, onePacket: s.onePacket,
    schedFlags: [...s.schedFlags],
    destinations: s.destinations.map((d) => ({ address: d.address, port: d.port, family: d.family, forward: d.forward, weight: d.weight, upperThreshold: d.upperThreshold, lowerThreshold: d.lowerThreshold })),
  }));
}

export function jsonToTable(j: JsonService[]): Table {
  return {
    services: j.map((s) => {
      const svc: Service = { key: s.key, scheduler: s.scheduler, netmask: s.netmask, onePacket: s.onePacket, schedFlags: s.schedFlags as Service['schedFlags'] };
      if (s.persistent !== null) svc.persistent = s.persistent;
      return { ...svc, destinations: s.destinations.map((d) => ({ ...d }) as Destination) };
    }),
  };
}

export function writeStatus(path: string, st: StatusFile): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(st, null, 1) + '\n', { mode: 0o644 });
  renameSync(tmp, path);
}

export function readStatus(path: string): StatusFile | undefined {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as StatusFile;
    return j.version === STATUS_VERSION ? j : undefined;
  } catch {
    return undefined;
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

/** Human-readable status: one block per virtual, one line per real. */
export function formatStatus(st: StatusFile, now = Date.now()): string {
  const lines: string[] = [];
  const age = Math.max(0, Math.round((now - Date.parse(st.updatedAt)) / 1000));
  lines.push(`ldirectord for ${st.config} is running with pid: ${st.pid} (${st.phase}, pass ${st.pass}, updated ${age}s ago, checkinterval ${st.checkinterval}s)`);
  if (st.lastError) lines.push(`last error: ${st.lastError}`);
  for (const v of st.virtuals) {
    const fb = v.fallback ? `, fallback ${v.fallback.id}${v.fallback.active ? ' ACTIVE' : ''}` : '';
    lines.push(`${v.id} ${v.scheduler}${v.quiescent ? ' quiescent' : ''}${fb}`);
    for (const r of v.reals) {
      const w = r.ipvsWeight === null ? 'absent' : `weight ${r.ipvsWeight}/${r.weight}`;
      const soft = r.failcount > 0 ? ` failures ${r.failcount}/${r.failurecount}` : '';
      const last = r.last ? `${r.last.ok ? 'ok' : 'FAIL'} ${r.last.at}: ${r.last.message}` : 'no check yet';
      lines.push(`  -> ${pad(r.id, 22)}${pad(r.health, 12)}${pad(w, 16)}${pad(r.forward, 7)}${last}${soft}`);
    }
  }
  return lines.join('\n') + '\n';
}
