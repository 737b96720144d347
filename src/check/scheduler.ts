/**
 * CheckScheduler: runs all checks once per interval on one event loop with a
 * concurrency limit. Identical specs (same checkKey) run once per pass and the
 * result is fanned out to every id that asked for it (ldirectord's "Already
 * checked" across virtuals, keepalived #2358). A slow check only delays its own
 * result; the pass ends when every check has finished or hit its timeout.
 */
import { newCombinedState, runCheck, type CombinedState } from './run.ts';
import { checkKey } from './validate.ts';
import type { CheckResult, CheckSpec } from './types.ts';

export interface ScheduledCheck {
  /** Caller's identity for this check (e.g. "vip:port/rip:port"); results are keyed by it. */
  id: string;
  spec: CheckSpec;
}

export interface PassReport {
  /** Result per id (ids sharing a key share one result object). */
  results: Map<string, CheckResult>;
  /** Checks requested and checks actually run after deduplication. */
  requested: number;
  executed: number;
  durationMs: number;
}

export interface SchedulerOptions {
  /** Maximum checks in flight (sockets/processes); default 1024. */
  concurrency?: number;
  /** Milliseconds between pass starts (ldirectord checkinterval); default 10000. */
  intervalMs?: number;
  /** Called once per executed check with every id sharing it. */
  onResult?: (ids: readonly string[], result: CheckResult, spec: CheckSpec) => void;
  /** Called after each pass of start(). */
  onPass?: (report: PassReport) => void;
}

interface Group { key: string; spec: CheckSpec; ids: string[] }

export class CheckScheduler {
  #groups: Group[] = [];
  #combined = new Map<string, CombinedState>();
  #concurrency: number;
  #intervalMs: number;
  #onResult: SchedulerOptions['onResult'];
  #onPass: SchedulerOptions['onPass'];
  #loop: Promise<void> | undefined;
  #stop: AbortController | undefined;

  constructor(opts: SchedulerOptions = {}) {
    this.#concurrency = Math.max(1, opts.concurrency ?? 1024);
    this.#intervalMs = opts.intervalMs ?? 10_000;
    this.#onResult = opts.onResult;
    this.#onPass = opts.onPass;
  }

  /** Replaces the check set (e.g. after a reload); checktype-N counters survive for unchanged checks. */
  setChecks(checks: readonly ScheduledCheck[]): void {
    const byKey = new Map<string, Group>();
    for (const c of checks) {
      const key = checkKey(c.spec);
      const g = byKey.get(key);
      if (g) g.ids.push(c.id);
      else byKey.set(key, { key, spec: c.spec, ids: [c.id] });
    }
    this.#groups = [...byKey.values()];
    const combined = new Map<string, CombinedState>();
    for (const g of this.#groups) {
      if (g.spec.type === 'combined') combined.set(g.key, this.#combined.get(g.key) ?? newCombinedState());
    }
    this.#combined = combined;
  }

  get size(): { requested: number; unique: number } {
    return { requested: this.#groups.reduce((n, g) => n + g.ids.length, 0), unique: this.#groups.length };
  }

  /** Runs every unique check once. */
  async runPass(signal?: AbortSignal): Promise<PassReport> {
    const start = performance.now();
    const groups = this.#groups;
    const results = new Map<string, CheckResult>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        const g = groups[next++]!;
        if (signal?.aborted) return;
        const opts: Parameters<typeof runCheck>[1] = {};
        if (signal) opts.signal = signal;
        const st = this.#combined.get(g.key);
        if (st) opts.combined = st;
        const r = await runCheck(g.spec, opts);
        for (const id of g.ids) results.set(id, r);
        try { this.#onResult?.(g.ids, r, g.spec); } catch { /* a callback bug must not stop the pass */ }
      }
    };
    const n = Math.min(this.#concurrency, groups.length);
    await Promise.all(Array.from({ length: n }, worker));
    return { results, requested: groups.reduce((s, g) => s + g.ids.length, 0), executed: groups.length, durationMs: performance.now() - start };
  }

  /** Runs passes every intervalMs (a pass longer than the interval delays the next, never overlaps). */
  start(): void {
    if (this.#loop) return;
    const ac = new AbortController();
    this.#stop = ac;
    this.#loop = (async () => {
      while (!ac.signal.aborted) {
        const t0 = performance.now();
        const report = await this.runPass(ac.signal);
        if (ac.signal.aborted) break;
        try { this.#onPass?.(report); } catch { /* ignore */ }
        const wait = Math.max(0, this.#intervalMs - (performance.now() - t0));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          ac.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
        });
      }
    })();
  }

  /** Stops the loop, aborting checks in flight. */
  async stop(): Promise<void> {
    this.#stop?.abort(new Error('scheduler stopped'));
    await this.#loop;
    this.#loop = undefined;
    this.#stop = undefined;
  }
}
