/** Agent name (the symlink name under resource.d/lvsha/) → its definition, loaded on demand. */
import type { AgentDefinition } from './ocf/types.ts';

export const AGENTS: Readonly<Record<string, () => Promise<AgentDefinition>>> = {
  IPaddr2: async () => (await import('../agents/IPaddr2.ts')).default,
  ldirectord: async () => (await import('../agents/ldirectord.ts')).default,
  'ipvs-sync': async () => (await import('../agents/ipvs-sync.ts')).default,
};

export function isAgentName(name: string): boolean {
  return Object.hasOwn(AGENTS, name);
}
