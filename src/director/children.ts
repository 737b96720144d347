/**
 * Runs execute= children: `lvsha ldirectord <cfg> start|stop|reload` of this
 * same program, one step after another, each bounded by a timeout, every
 * outcome logged with the execute= line's file:line. Never throws.
 */
import { spawn } from 'node:child_process';
import type { DaemonLog } from './daemon-log.ts';
import type { ChildStep, ExecuteChild } from './execute.ts';

export interface ChildRunResult { code: number | null; output: string; timedOut: boolean }

/** Runs `<self> <arg> <command>`; injectable for tests. */
export type ChildRunner = (args: readonly string[], timeoutMs: number) => Promise<ChildRunResult>;

const TIMEOUT_MS: Record<'start' | 'stop' | 'reload', number> = {
  start: 130_000, // the child's own start waits up to 120 s for its daemon
  stop: 40_000,
  reload: 15_000,
};

/** The default runner: this program's ldirectord CLI, without the foreground marker (else the child would not daemonise). */
export function spawnRunner(selfArgv: () => Promise<string[]>, env: Record<string, string | undefined>, foregroundEnv: string): ChildRunner {
  return async (args, timeoutMs) => {
    const argv = await selfArgv();
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== foregroundEnv) childEnv[k] = v;
    return new Promise<ChildRunResult>((resolve) => {
      let output = '';
      let timedOut = false;
      const child = spawn(argv[0]!, [...argv.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv, cwd: '/' });
      const keep = (b: Buffer): void => { if (output.length < 4000) output += b.toString(); };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      const timer = setTimeout(() => { timedOut = true; child.kill('SIGTERM'); }, timeoutMs);
      child.on('error', (e) => { output += e.message; });
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, output: output.trim(), timedOut }); });
    });
  };
}

export class ExecuteChildren {
  readonly #log: Pick<DaemonLog, 'info' | 'err'>;
  readonly #run: ChildRunner;
  #chain: Promise<void> = Promise.resolve();

  constructor(log: Pick<DaemonLog, 'info' | 'err'>, runner: ChildRunner) {
    this.#log = log;
    this.#run = runner;
  }

  /** Queue steps after any still running (a reload never overtakes the start before it). */
  enqueue(steps: readonly ChildStep[]): Promise<void> {
    if (steps.length === 0) return this.#chain;
    this.#chain = this.#chain.then(async () => { for (const s of steps) await this.#step(s); });
    return this.#chain;
  }

  /** Wait for queued steps, at most `ms`. */
  async idle(ms: number): Promise<void> {
    await Promise.race([this.#chain, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  async #step({ action, child }: ChildStep): Promise<void> {
    try {
      if (action === 'reload-or-start') {
        // ldirectord: `ldirectord <cfg> reload || ldirectord <cfg> start`
        const r = await this.#cmd(child, 'reload', true);
        if (r.code !== 0) await this.#cmd(child, 'start', false);
      } else {
        await this.#cmd(child, action, false);
      }
    } catch (e) {
      this.#log.err(`${child.where}: execute=${child.arg} ${action}: ${(e as Error).message}`);
    }
  }

  async #cmd(child: ExecuteChild, cmd: 'start' | 'stop' | 'reload', quietFailure: boolean): Promise<ChildRunResult> {
    const r = await this.#run([child.arg, cmd], TIMEOUT_MS[cmd]);
    const what = `ldirectord ${child.arg} ${cmd}`;
    if (r.code === 0) this.#log.info(`execute: ${what} (${child.where})`);
    else if (!quietFailure) {
      const why = r.timedOut ? `no result within ${TIMEOUT_MS[cmd] / 1000} s` : `exit ${r.code ?? 'signal'}`;
      this.#log.err(`${child.where}: execute: ${what} failed (${why})${r.output ? `: ${r.output.split('\n').slice(-3).join(' | ')}` : ''}`);
    }
    return r;
  }
}
