/**
 * The director daemon: one event loop. Start adopts the kernel table, then every
 * checkinterval: run all checks (deduplicated, concurrent, each bounded by its
 * timeout), decide (reconcile.ts), re-read the kernel with one dump and apply
 * the difference (which also repairs drift such as `ipvsadm -C`), write the
 * status file. SIGHUP / autoreload swap the config atomically (a broken file
 * keeps the old one and logs file:line); SIGTERM stops gracefully (cleanstop).
 * If the process is killed, the kernel table stays and traffic keeps flowing.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { formatServiceKey, destKeyId, type Table } from '../ipvs/model.ts';
import { CheckScheduler, type ScheduledCheck } from '../check/index.ts';
import { ConfigError } from '../errors.ts';
import type { Resolver } from '../ldirectord/config/types.ts';
import { loadDirectorConfig } from './config-adapter.ts';
import { createDaemonLog, type DaemonLog } from './daemon-log.ts';
import { inMaintenance, reverseName } from './maintenance.ts';
import type { DirectorConfig, IpvsOp, IpvsPort } from './model.ts';
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

/** Split a command line into argv without a shell ("a b" and 'a b' kept together). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

export class Director {
  cfg: DirectorConfig;
  private readonly opts: DaemonOptions;
  private readonly env: Record<string, string | undefined>;
  private readonly log: DaemonLog;
  private ipvs!: IpvsPort;
  private state: DirectorState = { reals: {}, fallbackCommand: {} };
  private owned = new Set<string>();
  private scheduler = new CheckScheduler();
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
      await this.start();
      while (!this.stopping) {
        const t0 = Date.now();
        await this.runPass();
        await this.sleep(Math.max(0, this.cfg.checkinterval * 1000 - (Date.now() - t0)));
        if (this.stopping) break;
        if (this.reloadRequested || this.pollConfig()) await this.reload();
      }
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
    // wake early for stop/reload; poll the config once a second for autoreload
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

  private setChecks(): void {
    const checks: ScheduledCheck[] = [];
    for (const v of this.cfg.virtuals) {
      if (v.checksOff) continue;
      for (const r of v.reals) checks.push({ id: realKey(v, r), spec: r.check });
    }
    this.scheduler.setChecks(checks);
  }

  private async start(): Promise<void> {
    const current = await this.ipvs.list();
    this.state = adopt(this.cfg, current, undefined, Date.now());
    this.owned = new Set(this.cfg.virtuals.map((v) => v.id));
    this.setChecks();
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
      this.writeStatus('running');
      return;
    }
    const old = this.cfg;
    this.cfg = loaded.config;
    this.cfgHash = createHash('md5').update(loaded.text).digest('hex');
    this.cfgSha256 = createHash('sha256').update(loaded.text).digest('hex');
    this.cfgMtime = safeMtime(this.cfg.file);
    this.log.retarget(this.cfg.logfile, this.cfg.file);
    this.log.info(`Reloaded configuration ${this.cfg.file}`);
    for (const w of this.cfg.warnings) this.log.warn(w);
    for (const v of old.virtuals) this.owned.add(v.id);
    for (const v of this.cfg.virtuals) this.owned.add(v.id);
    const current = await this.ipvs.list();
    this.state = adopt(this.cfg, current, this.state, Date.now());
    this.setChecks();
    this.lastError = null;
    if (this.cfg.callback) await this.runCommand([...splitCommand(this.cfg.callback), this.cfg.file], 'callback');
    await this.converge(current);
    // virtuals no longer configured are gone now; stop owning them
    this.owned = new Set(this.cfg.virtuals.map((v) => v.id));
    this.writeStatus('running'); // the agent's reload waits for this
  }

  private async maintenanceSet(): Promise<Set<string>> {
    const out = new Set<string>();
    const dir = this.cfg.maintenancedir;
    if (!dir) return out;
    for (const v of this.cfg.virtuals) {
      for (const r of v.reals) {
        if (!this.fqdnCache.has(r.address)) this.fqdnCache.set(r.address, await reverseName(r.address));
        if (inMaintenance(dir, r.check.host.replace(/^\[|\]$/g, ''), r.check.port || r.port, this.fqdnCache.get(r.address))) out.add(realKey(v, r));
      }
    }
    return out;
  }

  async runPass(): Promise<void> {
    const report = await this.scheduler.runPass(this.stopAc.signal);
    // checks cut short by a stop say nothing about the reals
    if (this.stopping) return;
    const maintenance = await this.maintenanceSet();
    const { state, events } = applyPass(this.cfg, this.state, { results: report.results, maintenance, now: Date.now() });
    this.state = state;
    for (const e of events) await this.onEvent(e);
    for (const v of this.cfg.virtuals) {
      if (!v.monitorfile) continue;
      for (const r of v.reals) {
        const res = report.results.get(realKey(v, r));
        if (res) this.log.monitor(v.monitorfile, `${r.address}:${r.port}`, res.ok, res.message);
      }
    }
    this.pass++;
    const current = await this.ipvs.list().catch((e: Error) => { this.lastError = e.message; this.log.err(`Cannot read the IPVS table: ${e.message}`); return undefined; });
    if (current) await this.converge(current);
    this.firstPassApplied = true;
    this.writeStatus('running');
    if (this.pass === 1) this.opts.onReady?.();
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
    } catch (e) {
      this.lastError = (e as Error).message;
      this.log.err(`IPVS update failed: ${(e as Error).message}`);
    }
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
    this.writeStatus('stopping');
    try {
      await this.scheduler.stop();
      const current = await this.ipvs.list();
      const purge = [...this.owned].filter((id) => this.cfg.virtuals.find((v) => v.id === id)?.cleanstop !== false);
      const ops = planOps({ services: [] }, current, purge);
      if (ops.length) {
        await this.ipvs.apply(ops);
        for (const op of ops) this.log.info(describe(op));
      }
    } catch (e) {
      this.log.err(`clean stop failed: ${(e as Error).message}`);
    }
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
      checkinterval: this.cfg.checkinterval, lastError: this.lastError,
      configSha256: this.cfgSha256, reloads: this.reloads, virtuals: this.statusView(), desired: tableToJson(this.lastDesired),
    };
    try { writeStatus(this.statusFile, st); } catch (e) { this.log.err(`cannot write ${this.statusFile}: ${(e as Error).message}`); }
  }
}

function safeMtime(p: string): number {
  try { return statSync(p).mtimeMs; } catch { return 0; }
}

function hashOf(p: string): string | undefined {
  try { return createHash('md5').update(readFileSync(p)).digest('hex'); } catch { return undefined; }
}
