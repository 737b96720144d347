/**
 * Runs one OCF action of an agent: parses the environment, dispatches, honours
 * the action timeout, maps errors to exit codes and prints the exit reason the
 * way ocf_exit_reason does. Returns the exit code; the caller exits.
 */
import { exitCodeFor } from './errors-to-exit.ts';
import { OCF } from './exit-codes.ts';
import { readOcfEnv } from './env.ts';
import { createLogger, sinksFromEnv } from './log.ts';
import { renderMetadata, usageText } from './metadata.ts';
import type { ActionContext, AgentDefinition } from './types.ts';

/** Meta-data rendered at build time (scripts/bundle.ts); from source it is rendered on demand. */
declare const LVSHA_METADATA: Record<string, string> | undefined;
const PRERENDERED: Record<string, string> = typeof LVSHA_METADATA === 'object' ? LVSHA_METADATA : {};

/** Leave Pacemaker this much of the timeout to read our answer before it kills us. */
const TIMEOUT_MARGIN = 0.1;

export interface RunIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export async function runAgent(def: AgentDefinition, args: readonly string[], io: RunIo): Promise<number> {
  const md = def.metadata;
  const action = args[0];
  const actionNames = Object.keys(def.actions);
  if (action === undefined) {
    io.stderr(usageText(md, actionNames));
    return OCF.ERR_ARGS;
  }
  if (action === 'meta-data') {
    io.stdout(PRERENDERED[md.name] ?? (await renderMetadata(md)));
    return OCF.SUCCESS;
  }
  if (action === 'usage' || action === 'help') {
    io.stdout(usageText(md, actionNames));
    return OCF.SUCCESS;
  }
  const handler = def.actions[action];
  if (handler === undefined) {
    io.stderr(usageText(md, actionNames));
    return OCF.ERR_UNIMPLEMENTED;
  }

  const env = readOcfEnv(io.env, action);
  const tag = `${md.name}(${env.resourceInstance})`;
  const log = createLogger({ ...sinksFromEnv(io.env, tag), stderr: (l) => io.stderr(l + '\n') });
  let reasonGiven = false;
  const exitReason = (message: string): void => {
    if (reasonGiven) return; // Pacemaker keeps only one; the first is the cause
    reasonGiven = true;
    io.stderr(`${env.exitReasonPrefix}${message}\n`);
    log.err(message);
  };

  const ac = new AbortController();
  const ctx: ActionContext = { action, env, log, exitReason, signal: ac.signal };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => {
    if (env.timeoutMs === undefined || env.timeoutMs <= 0) return;
    const ms = Math.max(100, env.timeoutMs * (1 - TIMEOUT_MARGIN));
    timer = setTimeout(() => {
      // settle first: a handler that returns on abort must not turn a timeout into success
      resolve(OCF.ERR_GENERIC);
      exitReason(`${action} did not complete within its timeout (${env.timeoutMs} ms)`);
      ac.abort(new Error(`${action} timed out after ${Math.round(ms)} ms`));
    }, ms); // kept referenced: a handler stuck on unref'd I/O must still end with an exit code
  });
  try {
    return await Promise.race([handler(ctx), deadline]);
  } catch (err) {
    const code = exitCodeFor(err);
    exitReason(err instanceof Error ? err.message : String(err));
    if (err instanceof Error && err.stack) log.debug(err.stack);
    return code;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
