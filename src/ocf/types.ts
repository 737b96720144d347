/**
 * The contract between the OCF runtime (src/ocf/) and an agent (agents/*.ts).
 * An agent is data (meta-data) plus one lazily-loaded function per action, so
 * `monitor` never pays for what `start` imports.
 */
import type { Logger } from './log.ts';
import type { OcfEnv } from './env.ts';

export type ParamType = 'string' | 'integer' | 'boolean' | 'time';

export interface MetaParameter {
  name: string;
  shortdesc: string;
  longdesc: string;
  type: ParamType;
  default?: string;
  required?: boolean;
  unique?: boolean;
}

export interface MetaAction {
  name: string;
  /** seconds */
  timeout: number;
  /** seconds */
  interval?: number;
  depth?: number;
  role?: string;
  'start-delay'?: number;
}

export interface AgentMetadata {
  name: string;
  /** the agent's own version */
  version: string;
  /** OCF API version advertised in <version> ("1.0" keeps Pacemaker on legacy reload, which ocf-tester's DTD allows) */
  ocfVersion: string;
  shortdesc: string;
  longdesc: string;
  parameters: MetaParameter[];
  actions: MetaAction[];
}

export interface ActionContext {
  action: string;
  env: OcfEnv;
  log: Logger;
  /** Record the reason shown by Pacemaker (`crm_mon --failures`); printed once with OCF_EXIT_REASON_PREFIX. */
  exitReason(message: string): void;
  /** Aborted shortly before the action's timeout (OCF_RESKEY_CRM_meta_timeout). */
  signal: AbortSignal;
}

/** Returns an OCF exit code. Throwing maps through src/ocf/errors-to-exit.ts. */
export type ActionHandler = (ctx: ActionContext) => Promise<number>;

export interface AgentDefinition {
  metadata: AgentMetadata;
  /** Each entry loads its implementation lazily: `start: async (c) => (await import('...')).start(c)`. */
  actions: Record<string, ActionHandler>;
}
