// An OCF ActionContext for calling ocf:lvsha:ldirectord's actions in-process, as the OCF runner
// would (parameters as OCF_RESKEY_*), recording exit reasons and warnings.
import { readOcfEnv } from '../../../src/ocf/env.ts';
import type { ActionContext } from '../../../src/ocf/types.ts';

export type RecordingContext = ActionContext & { reasons: string[]; warnings: string[] };

export function agentCtx(action: string, params: Record<string, string>, opts: { timeoutMs?: number; checkLevel?: number } = {}): RecordingContext {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const env: Record<string, string> = { OCF_RESKEY_CRM_meta_timeout: String(timeoutMs), OCF_RESKEY_CRM_meta_interval: '0' };
  if (opts.checkLevel !== undefined) env['OCF_CHECK_LEVEL'] = String(opts.checkLevel);
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  const reasons: string[] = [];
  const warnings: string[] = [];
  const nop = () => undefined;
  return {
    action, env: readOcfEnv(env, action), signal: AbortSignal.timeout(timeoutMs - 5000), reasons, warnings,
    log: { debug: nop, info: nop, warn: (m: string) => { warnings.push(m); }, err: nop, crit: nop },
    exitReason: (m: string) => { reasons.push(m); },
  };
}
