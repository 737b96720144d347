/**
 * The director's decisions, pure: per (virtual, real) health with ldirectord's
 * failure counting, adoption of an existing kernel table, the desired IPVS
 * table (quiescent / removal / readdquiescent / fallback) and fallbackcommand
 * transitions. No I/O: the daemon feeds check results and kernel dumps in and
 * applies what comes out.
 */
import { destKeyId, serviceKeyId, type Destination, type Table, type VirtualService } from '../ipvs/model.ts';
import type { DirectorConfig, DirectorReal, DirectorVirtual } from './model.ts';

export interface LastCheck { ok: boolean; message: string; at: number }

export interface RealStatus {
  up: boolean;
  /** Consecutive failures while up (ldirectord's soft failures). */
  failcount: number;
  maintenance: boolean;
  /**
   * A down real of a quiescent virtual that is to be (re)added with weight 0
   * even though the kernel lacks it: set on adoption (ldirectord's start-up
   * force-add), cleared once applied. Afterwards only readdquiescent=yes re-adds.
   */
  readd: boolean;
  last: LastCheck | undefined;
  /** When `up` last changed (ms since epoch). */
  since: number;
}

export interface DirectorState {
  /** realKey(virtual, real) → status */
  reals: Record<string, RealStatus>;
  /** virtual id → the fallbackcommand argument last run */
  fallbackCommand: Record<string, 'start' | 'stop'>;
}

export type DirectorEvent =
  | { kind: 'up'; virtual: string; real: string; message: string }
  | { kind: 'down'; virtual: string; real: string; message: string }
  | { kind: 'soft-failure'; virtual: string; real: string; message: string; failcount: number; failurecount: number }
  | { kind: 'failcount-reset'; virtual: string; real: string }
  | { kind: 'maintenance'; virtual: string; real: string }
  | { kind: 'fallback-command'; virtual: string; command: string; action: 'start' | 'stop'; vipPort: string; protocol: string };

export function realKey(v: Pick<DirectorVirtual, 'id'>, r: Pick<DirectorReal, 'id'>): string {
  return `${v.id} -> ${r.id}`;
}

export function findService(t: Table, id: string): VirtualService | undefined {
  return t.services.find((s) => serviceKeyId(s.key) === id);
}

/**
 * Start or reload: take over what the kernel has without flapping weights.
 * A real present with weight > 0 is up until a check says otherwise (ldirectord
 * ld_start); absent or weight 0 is down. On reload, reals we already track keep
 * their status (and failure count).
 */
export function adopt(cfg: DirectorConfig, current: Table, prev: DirectorState | undefined, now: number): DirectorState {
  const reals: Record<string, RealStatus> = {};
  const fallbackCommand: Record<string, 'start' | 'stop'> = {};
  for (const v of cfg.virtuals) {
    const svc = findService(current, v.id);
    for (const r of v.reals) {
      const k = realKey(v, r);
      const old = prev?.reals[k];
      if (old) { reals[k] = { ...old }; continue; }
      const d = svc?.destinations.find((x) => destKeyId(x) === r.id);
      const up = d !== undefined && d.weight > 0;
      reals[k] = { up, failcount: 0, maintenance: false, readd: !up, last: undefined, since: now };
    }
    const fc = prev?.fallbackCommand[v.id];
    if (fc) fallbackCommand[v.id] = fc;
  }
  return { reals, fallbackCommand };
}

export interface PassInput {
  /** realKey → check result; absent = not checked this pass (checktype off). */
  results: ReadonlyMap<string, { ok: boolean; message: string }>;
  /** realKeys whose server is in maintenance (maintenancedir). */
  maintenance: ReadonlySet<string>;
  now: number;
  /**
   * Virtual ids this pass covers (fork=yes: one virtual's own checkinterval);
   * the others are left exactly as they are. Absent = every virtual.
   */
  only?: ReadonlySet<string>;
}

/** Apply one check pass: ldirectord's service_set up/down with failurecount, maintenance, then fallbackcommand transitions. */
export function applyPass(cfg: DirectorConfig, state: DirectorState, input: PassInput): { state: DirectorState; events: DirectorEvent[] } {
  const reals: Record<string, RealStatus> = { ...state.reals };
  const fallbackCommand = { ...state.fallbackCommand };
  const events: DirectorEvent[] = [];
  for (const v of cfg.virtuals) {
    if (input.only && !input.only.has(v.id)) continue;
    for (const r of v.reals) {
      const k = realKey(v, r);
      const cur = reals[k] ?? { up: false, failcount: 0, maintenance: false, readd: false, last: undefined, since: input.now };
      const s: RealStatus = { ...cur };
      reals[k] = s;
      if (input.maintenance.has(k)) {
        // Forced down at once, whatever failurecount says ("Server in maintenance").
        if (!s.maintenance) events.push({ kind: 'maintenance', virtual: v.id, real: r.id });
        s.maintenance = true;
        s.last = { ok: false, message: 'Server in maintenance', at: input.now };
        if (s.up) { s.up = false; s.since = input.now; events.push({ kind: 'down', virtual: v.id, real: r.id, message: 'Server in maintenance' }); }
        s.failcount = 0;
        continue;
      }
      s.maintenance = false;
      const res = input.results.get(k);
      if (!res) continue;
      s.last = { ok: res.ok, message: res.message, at: input.now };
      if (res.ok) {
        if (s.failcount > 0) events.push({ kind: 'failcount-reset', virtual: v.id, real: r.id });
        s.failcount = 0;
        if (!s.up) { s.up = true; s.since = input.now; events.push({ kind: 'up', virtual: v.id, real: r.id, message: res.message }); }
      } else if (s.up) {
        s.failcount++;
        if (s.failcount < v.failurecount) {
          events.push({ kind: 'soft-failure', virtual: v.id, real: r.id, message: res.message, failcount: s.failcount, failurecount: v.failurecount });
        } else {
          s.up = false; s.since = input.now; s.failcount = 0;
          events.push({ kind: 'down', virtual: v.id, real: r.id, message: res.message });
        }
      }
    }
    // Once per transition (ldirectord do_fallback_command), decided after the pass so a
    // start-up with a fresh table does not run "start" and then "stop" a moment later.
    if (v.fallbackcommand !== undefined) {
      const want = anyUp(v, reals) ? 'stop' : 'start';
      if (fallbackCommand[v.id] !== want) {
        fallbackCommand[v.id] = want;
        events.push({ kind: 'fallback-command', virtual: v.id, command: v.fallbackcommand, action: want, vipPort: v.vipPort, protocol: v.protocol });
      }
    }
  }
  return { state: { reals, fallbackCommand }, events };
}

export function anyUp(v: DirectorVirtual, reals: Record<string, RealStatus>): boolean {
  return v.reals.some((r) => reals[realKey(v, r)]?.up === true);
}

function destOf(r: DirectorReal | NonNullable<DirectorVirtual['fallback']>, weight: number, lower = 0, upper = 0): Destination {
  return { family: r.address.includes(':') ? 'inet6' : 'inet', address: r.address, port: r.port, forward: r.forward, weight, lowerThreshold: lower, upperThreshold: upper };
}

/**
 * What the kernel should hold for our virtuals. `current` only matters for
 * quiesced reals with readdquiescent=no: one an admin deleted stays deleted
 * until it comes back up (ldirectord PR #125's drain-and-remove workflow).
 */
export function desiredTable(cfg: DirectorConfig, state: DirectorState, current: Table): Table {
  const services: VirtualService[] = [];
  const seen = new Set<string>();
  for (const v of cfg.virtuals) {
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    const cur = findService(current, v.id);
    const dests: Destination[] = [];
    const ids = new Set<string>();
    let up = false;
    for (const r of v.reals) {
      if (ids.has(r.id)) continue;
      const s = state.reals[realKey(v, r)];
      if (s?.up) {
        up = true;
        ids.add(r.id);
        dests.push(destOf(r, r.weight, r.lowerThreshold, r.upperThreshold));
      } else if (v.quiescent) {
        const present = cur?.destinations.some((d) => destKeyId(d) === r.id) ?? false;
        if (cfg.readdquiescent || s?.readd || present || !cur) {
          ids.add(r.id);
          dests.push(destOf(r, 0, r.lowerThreshold, r.upperThreshold));
        }
      }
    }
    if (!up && v.fallback && !ids.has(v.fallback.id)) dests.push(destOf(v.fallback, 1));
    services.push({ ...v.service, destinations: dests });
  }
  return { services };
}

/** After a successful apply: the start-up re-add of quiesced reals is done. */
export function clearReadd(state: DirectorState): DirectorState {
  const reals: Record<string, RealStatus> = {};
  for (const [k, s] of Object.entries(state.reals)) reals[k] = s.readd ? { ...s, readd: false } : s;
  return { ...state, reals };
}
