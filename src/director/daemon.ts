/**
 * The director daemon: one event loop. Start adopts the kernel table, then each
 * check lane (lanes.ts: all virtuals every checkinterval, or with fork=yes one
 * lane per virtual on its own interval) runs its checks (deduplicated,
 * concurrent, each bounded by its timeout); its results are decided
 * (reconcile.ts), the kernel is re-read with one dump and the difference
 * applied (which also repairs drift such as `ipvsadm -C`), and the status file
 * written. Applying is serialised (lanes that finish together are applied as
 * one batch, with one kernel dump); lanes never wait for each other's checks.
 * IPVS changes and reals that stay down produce alert e-mails (alerts/),
 * sent in the background. execute= children start after the first pass, are
 * reloaded with us and stopped before us. SIGHUP / autoreload swap the config
 * atomically (a broken file keeps the old one and logs file:line); SIGTERM
 * stops gracefully (cleanstop). If the process is killed, the kernel table
 * stays and traffic keeps flowing.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { formatServiceKey, destKeyId, type Table } from '../ipvs/model.ts';
import { CheckScheduler, type PassReport, type ScheduledCheck } from '../check/index.ts';
import { ConfigError } from '../errors.ts';
import type { Resolver } from '../ldirectord/config/types.ts';
import { AlertMailer } from './alerts/mailer.ts';
import { alertsForOps, dueResends, stopAlerts, trackDown, type Alert, type ResendTracker } from './alerts/policy.ts';
import { ExecuteChildren, spawnRunner, type ChildRunner } from './children.ts';
import { FOREGROUND_ENV } from './cli.ts';
import { loadDirectorConfig } from './config-adapter.ts';
import { createDaemonLog, type DaemonLog } from './daemon-log.ts';
import { planReload, planStart, planStop, resolveExecute, type ExecuteChild } from './execute.ts';
import { dueLanes, longestIntervalSec, msUntilDue, planLanes, type Lane } from './lanes.ts';
import { inMaintenance, reverseName } from './maintenance.ts';
import type { DaemonPhase, DirectorConfig, IpvsOp, IpvsPort } from './model.ts';
import { pidPath, removePid, writePid } from './pidfile.ts';
import { planOps } from './plan.ts';
import { adopt, anyUp, applyPass, clearReadd, desiredTable, realKey, type DirectorEvent, type DirectorState } from './reconcile.ts';
import { statusPath, tableToJson, writeStatus, STATUS_VERSION, type StatusFile, type VirtualStatusView } from './status.ts';

export interface DaemonOptions {
  configPath: string;
  name: string;
  /** -d / supervised: also log to stdout */
  stdoutLog: boolean;
  debug: boolean;
  env?: Record<string, string | undefined>;
  /** injected in tests; default: generic netlink */
  openIpvs?: () => Promise<IpvsPort>;
  resolver?: Resolver;
  /** Called once the first pass is applied (the CLI's foreground start uses it). */
  onReady?: () => void;
  /** injected in tests; default: `lvsha ldirectord <cfg> start|stop|reload` of this program */
  runChild?: ChildRunner;
}

function describe(op: IpvsOp): string {
  switch (op.op) {
    case 'add-service': return `Added virtual server: ${formatServiceKey(op.service.key)} (${op.service.scheduler})`;
    case 'edit-service': return `Changed virtual server: ${formatServiceKey(op.service.key)} (${op.service.scheduler})`;
    case 'del-service': return `Deleted virtual server: ${formatServiceKey(op.key)}`;
    case 'add-dest': return `Added real server: ${destKeyId(op.dest)} (${formatServiceKey(op.key)}) (Weight set to ${op.dest.weight})`;
    case 'edit-dest': return `${op.dest.weight === 0 ? 'Quiescent' : 'Restored'} real server: ${destKeyId(op.dest)} (${formatServiceKey(op.key)}) (Weight set to ${op.dest.weight})`;
    case 'del-dest': return `Deleted real server: ${destKeyId(op.dest)} (${formatServiceKey(op.key)})`;
  }
}

const DIRECTOR_OPS = new Set<string>(['add-service', 'edit-service', 'del-service', 'add-dest', 'edit-dest', 'del-dest']);

/** Split a command line into argv without a shell ("a b" and 'a b' kept together). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** One lane at run time: its clock, its own scheduler (checktype=N counters survive reloads), its passes. */
interface LaneRun extends Lane {
  scheduler: CheckScheduler;
  nextDue: number;
  running: boolean;
  task: Promise<void> | undefined;
  passes: number;
}

const FORK_NOTE = 'fork=yes: no processes are forked; checks always run concurrently in this one process, and each virtual service is checked on its own checkinterval';

export class Director {
  cfg: DirectorConfig;
  private readonly opts: DaemonOptions;
  private readonly env: Record<string, string | undefined>;
  private readonly log: DaemonLog;
  private ipvs!: IpvsPort;
  private state: DirectorState = { reals: {}, fallbackCommand: {} };
  private owned = new Set<string>();
  private lanes: LaneRun[] = [];
  private readonly schedulers = new Map<string, CheckScheduler>();
  private laneAc = new AbortController();
  private applying: Promise<void> = Promise.resolve();
  private batch: { lane: LaneRun; report: PassReport }[] = [];
  private batchDone: Promise<void> | undefined;
  private phase: DaemonPhase = 'starting';
  private readonly mailer: AlertMailer;
  private tracker: ResendTracker = new Map();
  private readonly children: ExecuteChildren;
  private executeChildren: ExecuteChild[] = [];
  private cfgHash: string;
  private cfgMtime: number;
  private stopping = false;
  private reloadRequested = false;
  private wake: (() => void) | undefined;
  private pass = 0;
  private firstPassApplied = false;
  private lastError: string | null = null;
  private cfgSha256: string;
  private reloads = 0;
  private lastDesired: Table = { services: [] };
  private readonly startedAt = new Date().toISOString();
  private readonly pidFile: string;
  private readonly statusFile: string;
  private readonly fqdnCache = new Map<string, string | undefined>();

  constructor(cfg: DirectorConfig, text: string, opts: DaemonOptions) {
    this.cfg = cfg;
    this.opts = opts;
    this.env = opts.env ?? process.env;
    this.cfgHash = createHash('md5').update(text).digest('hex');
    this.cfgSha256 = createHash('sha256').update(text).digest('hex');
    this.cfgMtime = safeMtime(cfg.file);
    this.log = createDaemonLog(cfg.logfile, cfg.file, { stdout: opts.stdoutLog, debug: opts.debug });
    this.pidFile = pidPath(cfg.name, this.env);
    this.statusFile = statusPath(cfg.name, this.env);
    this.mailer = new AlertMailer({ log: this.log });
    const selfArgv = async () => (await import('./cli.ts')).daemonArgv();
    this.children = new ExecuteChildren(this.log, opts.runChild ?? spawnRunner(selfArgv, this.env, FOREGROUND_ENV));
  }

  /** Load the config; a ConfigError propagates (the CLI maps it to exit 2). */
  static load(opts: DaemonOptions): Director {
    const { config, text } = loadDirectorConfig(opts.configPath, opts.name, opts.resolver);
    return new Director(config, text, opts);
  }

  private readonly stopAc = new AbortController();
  requestStop(): void { this.stopping = true; this.stopAc.abort(new Error('stopping')); this.wake?.(); }
  requestReload(): void { this.reloadRequested = true; this.wake?.(); }

  async run(): Promise<number> {
    const open = this.opts.openIpvs ?? (async () => (await import('./ipvs-port.ts')).openIpvs());
    this.ipvs = await open();
    writePid(this.pidFile);
    const onTerm = (): void => this.requestStop();
    const onHup = (): void => this.requestReload();
    const sigs: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT'];
    for (const s of sigs) process.on(s, onTerm);
    process.on('SIGHUP', onHup);
    process.on('SIGPIPE', () => {});
    try {
      this.log.info(`Starting Linux Director v1.186-ha (lvsha) with pid: ${process.pid}`);
      for (const w of this.cfg.warnings) this.log.warn(w);
      if (this.cfg.fork) this.log.info(FORK_NOTE);
      this.executeChildren = this.resolveChildren(this.cfg);
      await this.start();
      this.setupLanes();
      while (!this.stopping) {
        for (const lane of dueLanes(this.lanes, Date.now())) this.launch(lane);
        await this.sleep(msUntilDue(this.lanes, Date.now()));
        if (this.stopping) break;
        if (this.reloadRequested || this.pollConfig()) {
          await this.quiesceLanes();
          if (this.stopping) break;
          await this.reload();
          this.setupLanes();
        }
      }
      await this.quiesceLanes();
      await this.stop();
      return 0;
    } finally {
      for (const s of sigs) process.off(s, onTerm);
      process.off('SIGHUP', onHup);
      removePid(this.pidFile);
      this.ipvs.close();
    }
  }

  private sleep(ms: number): Promise<void> {
    // wake early for stop/reload/a finished lane; poll the config once a second for autoreload
    return new Promise((resolve) => {
      const end = Date.now() + ms;
      const tick = (): void => {
        if (this.stopping || this.reloadRequested || Date.now() >= end || this.pollConfig()) { this.wake = undefined; resolve(); return; }
        timer = setTimeout(tick, Math.min(1000, end - Date.now()));
      };
      let timer = setTimeout(tick, Math.min(1000, ms));
      this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
    });
  }

  /** autoreload: mtime first, then MD5 (ldirectord); a change requests a reload. */
  private pollConfig(): boolean {
    if (this.configChanged()) this.reloadRequested = true;
    return this.reloadRequested;
  }

  private configChanged(): boolean {
    if (!this.cfg.autoreload) return false;
    const m = safeMtime(this.cfg.file);
    if (m === this.cfgMtime) return false;
    this.cfgMtime = m;
    try {
      const h = createHash('md5').update(readFileSync(this.cfg.file)).digest('hex');
      return h !== this.cfgHash;
    } catch { return false; }
  }

  /** (Re)build the lanes for this.cfg; every lane is due at once (ldirectord respawns its children on reload). */
  private setupLanes(): void {
    const now = Date.now();
    this.lanes = planLanes(this.cfg).map((l) => {
      const scheduler = this.schedulers.get(l.key) ?? new CheckScheduler();
      this.schedulers.set(l.key, scheduler);
      const ids = new Set(l.virtuals);
      const checks: ScheduledCheck[] = [];
      for (const v of this.cfg.virtuals) {
        if (v.checksOff || !ids.has(v.id)) continue;
        for (const r of v.reals) checks.push({ id: realKey(v, r), spec: r.check });
      }
      scheduler.setChecks(checks);
      return { ...l, scheduler, nextDue: now, running: false, task: undefined, passes: 0 };
    });
    for (const k of [...this.schedulers.keys()]) if (!this.lanes.some((l) => l.key === k)) this.schedulers.delete(k);
  }

  private launch(lane: LaneRun): void {
    lane.running = true;
    const signal = AbortSignal.any([this.stopAc.signal, this.laneAc.signal]);
    const t0 = Date.now();
    lane.task = (async () => {
      try {
        const report = await lane.scheduler.runPass(signal);
        // checks cut short by a stop or reload say nothing about the reals
        if (signal.aborted) return;
        await this.submit(lane, report);
      } catch (e) {
        this.lastError = (e as Error).message;
        this.log.err(`check pass failed: ${(e as Error).message}`);
      } finally {
        lane.running = false;
        lane.task = undefined;
        lane.nextDue = t0 + lane.intervalMs;
        this.wake?.();
      }
    })();
  }

  /** Abort the passes in flight and wait for them (before a reload or the stop). */
  private async quiesceLanes(): Promise<void> {
    this.laneAc.abort(new Error('lanes replaced'));
    await Promise.all(this.lanes.map((l) => l.task));
    await this.applying;
    this.laneAc = new AbortController();
  }

  /**
   * Queue a lane's results. Lanes finishing while an apply is queued join it:
   * with fork=yes and many virtuals on one interval, one dump and one apply per round.
   */
  private submit(lane: LaneRun, report: PassReport): Promise<void> {
    this.batch.push({ lane, report });
    this.batchDone ??= this.serialised(async () => {
      this.batchDone = undefined; // arrivals from now on form the next batch
      const items = this.batch;
      this.batch = [];
      await this.applyLanes(items);
    });
    return this.batchDone;
  }

  /** Kernel reads and writes happen one at a time, whichever lane finished. */
  private serialised(fn: () => Promise<void>): Promise<void> {
    const p = this.applying.then(fn);
    this.applying = p.catch(() => {});
    return p;
  }

  private async start(): Promise<void> {
    this.phase = 'starting';
    const current = await this.ipvs.list();
    this.state = adopt(this.cfg, current, undefined, Date.now());
    this.owned = new Set(this.cfg.virtuals.map((v) => v.id));
    await this.converge(current);
    this.writeStatus('starting');
  }

  private async reload(): Promise<void> {
    this.reloadRequested = false;
    this.reloads++;
    let loaded;
    try {
      loaded = loadDirectorConfig(this.cfg.file, this.cfg.name, this.opts.resolver);
    } catch (e) {
      const msg = e instanceof ConfigError ? e.message : String((e as Error).message ?? e);
      this.lastError = `reload failed, keeping the running configuration: ${msg}`;
      this.log.err(`Reload of ${this.cfg.file} failed, keeping the old configuration: ${msg}`);
      this.cfgHash = hashOf(this.cfg.file) ?? this.cfgHash; // do not retry the same broken file every second
      this.writeStatus(this.firstPassApplied ? 'running' : 'starting');
      return;
    }
    const old = this.cfg;
    const after: DaemonPhase = this.firstPassApplied ? 'running' : 'starting';
    this.phase = 'reloading';
    this.cfg = loaded.config;
    this.cfgHash = createHash('md5').update(loaded.text).digest('hex');
    this.cfgSha256 = createHash('sha256').update(loaded.text).digest('hex');
    this.cfgMtime = safeMtime(this.cfg.file);
    this.log.retarget(this.cfg.logfile, this.cfg.file);
    this.log.info(`Reloaded configuration ${this.cfg.file}`);
    for (const w of this.cfg.warnings) this.log.warn(w);
    if (this.cfg.fork && !old.fork) this.log.info(FORK_NOTE);
    const oldChildren = this.executeChildren;
    this.executeChildren = this.resolveChildren(this.cfg);
    // ldirectord reread_config: stop dropped children, reload kept ones (start if not running), start new ones
    if (this.firstPassApplied) void this.children.enqueue(planReload(oldChildren, this.executeChildren));
    for (const v of old.virtuals) this.owned.add(v.id);
    for (const v of this.cfg.virtuals) this.owned.add(v.id);
    try {
      const current = await this.ipvs.list();
      this.state = adopt(this.cfg, current, this.state, Date.now());
      this.lastError = null;
      if (this.cfg.callback) await this.runCommand([...splitCommand(this.cfg.callback), this.cfg.file], 'callback');
      await this.converge(current);
      // virtuals no longer configured are gone now; stop owning them
      this.owned = new Set(this.cfg.virtuals.map((v) => v.id));
    } finally {
      this.phase = after;
    }
    this.writeStatus(this.firstPassApplied ? 'running' : 'starting'); // the agent's reload waits for this
  }

  /** Resolve execute= (file:line on every problem); only resolvable, distinct children are kept. */
  private resolveChildren(cfg: DirectorConfig): ExecuteChild[] {
    if (cfg.execute.length === 0) return [];
    // ldirectord's daemon chdirs to "/" before it runs its children; in the foreground the cwd counts
    const daemonised = this.env[FOREGROUND_ENV] === '1' && !this.opts.stdoutLog;
    const r = resolveExecute(cfg.file, cfg.execute, {
      root: this.env['LVSHA_ETC_ROOT'] ?? '/', cwd: daemonised ? '/' : process.cwd(), isFile,
    });
    for (const e of r.errors) this.log.err(e.message);
    for (const w of r.warnings) this.log.warn(w.message);
    return r.children;
  }

  private async maintenanceSet(only: ReadonlySet<string> | undefined): Promise<Set<string>> {
    const out = new Set<string>();
    const dir = this.cfg.maintenancedir;
    if (!dir) return out;
    for (const v of this.cfg.virtuals) {
      if (only && !only.has(v.id)) continue;
      for (const r of v.reals) {
        if (!this.fqdnCache.has(r.address)) this.fqdnCache.set(r.address, await reverseName(r.address));
        if (inMaintenance(dir, r.check.host.replace(/^\[|\]$/g, ''), r.check.port || r.port, this.fqdnCache.get(r.address))) out.add(realKey(v, r));
      }
    }
    return out;
  }

  /** Finished lanes' results: decide, apply, mail, write the status. */
  private async applyLanes(items: readonly { lane: LaneRun; report: PassReport }[]): Promise<void> {
    if (this.stopping || items.length === 0) return;
    const only = this.cfg.fork ? new Set(items.flatMap((i) => i.lane.virtuals)) : undefined;
    const results = new Map(items.flatMap((i) => [...i.report.results])); // lanes hold disjoint virtuals
    const maintenance = await this.maintenanceSet(only);
    const input = { results, maintenance, now: Date.now(), ...(only ? { only } : {}) };
    const { state, events } = applyPass(this.cfg, this.state, input);
    this.state = state;
    for (const e of events) await this.onEvent(e);
    for (const v of this.cfg.virtuals) {
      if (!v.monitorfile || (only && !only.has(v.id))) continue;
      for (const r of v.reals) {
        const res = results.get(realKey(v, r));
        if (res) this.log.monitor(v.monitorfile, `${r.address}:${r.port}`, res.ok, res.message);
      }
    }
    this.pass++;
    for (const i of items) i.lane.passes++;
    const current = await this.ipvs.list().catch((e: Error) => { this.lastError = e.message; this.log.err(`Cannot read the IPVS table: ${e.message}`); return undefined; });
    if (current) await this.converge(current);
    this.resendAlerts();
    const ready = !this.firstPassApplied && this.lanes.every((l) => l.passes > 0);
    if (ready) {
      // ldirectord runs its first check pass while "starting", then starts its execute= children
      this.firstPassApplied = true;
      this.phase = 'running';
      void this.children.enqueue(planStart(this.executeChildren));
    }
    this.writeStatus(this.firstPassApplied ? 'running' : 'starting');
    if (ready) this.opts.onReady?.();
  }

  private async converge(current: Table): Promise<void> {
    const desired = desiredTable(this.cfg, this.state, current);
    this.lastDesired = desired;
    const ops = planOps(desired, current, this.owned);
    if (ops.length === 0) return;
    try {
      await this.ipvs.apply(ops);
      for (const op of ops) this.log.info(describe(op));
      this.state = clearReadd(this.state);
      this.lastError = null;
      this.alert(alertsForOps(this.cfg, ops, this.phase));
    } catch (e) {
      this.lastError = (e as Error).message;
      this.log.err(`IPVS update failed: ${(e as Error).message}`);
      // what the kernel did take is news all the same (IpvsApplyError lists it)
      const applied = (e as { applied?: unknown }).applied;
      if (Array.isArray(applied)) this.alert(alertsForOps(this.cfg, (applied as IpvsOp[]).filter((o) => DIRECTOR_OPS.has(o.op)), this.phase));
    }
  }

  private alert(alerts: readonly Alert[]): void {
    if (alerts.length > 0) this.mailer.send(alerts, this.cfg);
  }

  /** emailalertfreq: track reals that stay down, resend when due (ldirectord ld_emailalert_resend after each pass). */
  private resendAlerts(): void {
    const now = Date.now();
    const r = dueResends(this.cfg, trackDown(this.cfg, this.state, this.tracker, now), now, this.phase);
    this.tracker = r.tracker;
    this.alert(r.alerts);
  }

  private async onEvent(e: DirectorEvent): Promise<void> {
    switch (e.kind) {
      case 'soft-failure': this.log.info(`Soft failure real server: ${e.real} (${e.virtual}) failure ${e.failcount}/${e.failurecount}: ${e.message}`); break;
      case 'failcount-reset': this.log.info(`Resetting soft failure count: ${e.real} (${e.virtual})`); break;
      case 'up': this.log.info(`Real server up: ${e.real} (${e.virtual}): ${e.message}`); break;
      case 'down': this.log.info(`Real server down: ${e.real} (${e.virtual}): ${e.message}`); break;
      case 'maintenance': this.log.info(`Server in maintenance: ${e.real} (${e.virtual})`); break;
      case 'fallback-command':
        await this.runCommand([...splitCommand(e.command), e.action, e.vipPort, e.protocol], 'fallbackcommand');
        break;
    }
  }

  private async runCommand(argv: string[], what: string): Promise<void> {
    const [file, ...args] = argv;
    if (!file) return;
    const { execa } = await import('execa');
    const r = await execa(file, args, { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', timeout: 60_000, cleanup: false });
    if (r.exitCode === 0) this.log.info(`${what}: ran ${argv.join(' ')}`);
    else this.log.err(`${what}: ${argv.join(' ')} failed (${r.exitCode ?? r.signal ?? r.shortMessage}) ${String(r.stderr ?? '').trim()}`);
  }

  private async stop(): Promise<void> {
    this.log.info('Exiting: stopping');
    this.phase = 'stopping';
    this.writeStatus('stopping');
    // ldirectord stops its execute= children first; ours stop alongside our own clean stop
    const childrenStopped = (async () => {
      await this.children.idle(15_000);
      await this.children.enqueue(planStop(this.executeChildren));
    })();
    try {
      const current = await this.ipvs.list();
      const purge = [...this.owned].filter((id) => this.cfg.virtuals.find((v) => v.id === id)?.cleanstop !== false);
      const ops = planOps({ services: [] }, current, purge);
      if (ops.length) {
        await this.ipvs.apply(ops);
        for (const op of ops) this.log.info(describe(op));
        this.alert(stopAlerts(this.cfg, this.state, ops.flatMap((o) => (o.op === 'del-service' ? [formatServiceKey(o.key)] : []))));
      }
    } catch (e) {
      this.log.err(`clean stop failed: ${(e as Error).message}`);
    }
    // bounded: a child that will not stop must not keep us (Pacemaker's stop has a timeout too)
    await Promise.race([childrenStopped, new Promise((r) => setTimeout(r, 60_000).unref())]);
    await this.mailer.drain(5_000);
    try { unlinkSync(this.statusFile); } catch { /* gone */ }
    this.log.info('Linux Director Daemon terminated');
  }

  statusView(): VirtualStatusView[] {
    return this.cfg.virtuals.map((v) => {
      const svc = this.lastDesired.services.find((s) => formatServiceKey(s.key) === v.id);
      const up = anyUp(v, this.state.reals);
      return {
        id: v.id, scheduler: v.service.scheduler, quiescent: v.quiescent,
        fallback: v.fallback ? { id: v.fallback.id, active: !up && (svc?.destinations.some((d) => destKeyId(d) === v.fallback!.id) ?? false) } : null,
        reals: v.reals.map((r) => {
          const s = this.state.reals[realKey(v, r)];
          const d = svc?.destinations.find((x) => destKeyId(x) === r.id);
          const health = s?.maintenance ? 'maintenance' : s?.last === undefined && !s?.up ? 'unchecked' : s?.up ? 'up' : 'down';
          return {
            id: r.id, health, weight: r.weight, ipvsWeight: d ? d.weight : null, forward: r.forward,
            failcount: s?.failcount ?? 0, failurecount: v.failurecount,
            last: s?.last ? { ok: s.last.ok, message: s.last.message, at: new Date(s.last.at).toISOString() } : null,
            since: new Date(s?.since ?? Date.now()).toISOString(),
          };
        }),
      };
    });
  }

  private writeStatus(phase: StatusFile['phase']): void {
    const st: StatusFile = {
      version: STATUS_VERSION, pid: process.pid, config: this.cfg.file, name: this.cfg.name, phase,
      firstPassApplied: this.firstPassApplied, pass: this.pass, startedAt: this.startedAt, updatedAt: new Date().toISOString(),
      // the longest lane interval: the agent calls the daemon stale after a few of these without a pass
      checkinterval: longestIntervalSec(this.lanes, this.cfg.checkinterval), lastError: this.lastError,
      configSha256: this.cfgSha256, reloads: this.reloads, virtuals: this.statusView(), desired: tableToJson(this.lastDesired),
      children: this.executeChildren.map((c) => c.arg),
    };
    try { writeStatus(this.statusFile, st); } catch (e) { this.log.err(`cannot write ${this.statusFile}: ${(e as Error).message}`); }
  }
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

function safeMtime(p: string): number {
  try { return statSync(p).mtimeMs; } catch { return 0; }
}

function hashOf(p: string): string | undefined {
  try { return createHash('md5').update(readFileSync(p)).digest('hex'); } catch { return undefined; }
}
