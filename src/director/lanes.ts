/**
 * Check lanes, pure: which virtuals are checked together and how often.
 * fork=no (ldirectord's default): one lane, every virtual, the global
 * checkinterval. fork=yes: ldirectord forks one child per virtual, each
 * sleeping its own checkinterval; lvsha forks nothing (checks already run
 * concurrently) but gives each virtual its own lane and interval, so a slow
 * or rarely checked virtual never holds up another's pass.
 */
import type { DirectorConfig } from './model.ts';

export interface Lane {
  /** Stable across reloads: '*' for fork=no, else the virtual id. */
  key: string;
  /** DirectorVirtual ids checked in this lane. */
  virtuals: string[];
  intervalMs: number;
}

export function planLanes(cfg: Pick<DirectorConfig, 'fork' | 'checkinterval' | 'virtuals'>): Lane[] {
  // with no virtual at all there is still one lane: passes write the status and purge what was removed
  if (!cfg.fork || cfg.virtuals.length === 0) return [{ key: '*', virtuals: [...new Set(cfg.virtuals.map((v) => v.id))], intervalMs: cfg.checkinterval * 1000 }];
  const lanes = new Map<string, Lane>();
  for (const v of cfg.virtuals) {
    if (!lanes.has(v.id)) lanes.set(v.id, { key: v.id, virtuals: [v.id], intervalMs: v.checkinterval * 1000 });
  }
  return [...lanes.values()];
}

export interface LaneClock {
  /** When the lane's next pass may start (ms since epoch). */
  nextDue: number;
  running: boolean;
}

/** Lanes whose pass should start now. */
export function dueLanes<T extends LaneClock>(lanes: readonly T[], now: number): T[] {
  return lanes.filter((l) => !l.running && l.nextDue <= now);
}

/** How long the loop may sleep: until the earliest idle lane is due (a running lane wakes the loop itself). */
export function msUntilDue(lanes: readonly LaneClock[], now: number, idleMs = 60_000): number {
  let ms = idleMs;
  for (const l of lanes) if (!l.running) ms = Math.min(ms, Math.max(0, l.nextDue - now));
  return ms;
}

/** Interval the status file reports: the longest, so the agent never calls a slow lane stale. */
export function longestIntervalSec(lanes: readonly Lane[], fallbackSec: number): number {
  return lanes.reduce((m, l) => Math.max(m, l.intervalMs / 1000), lanes.length ? 0 : fallbackSec);
}
