/** OCF exit codes (resource-agent API 1.1 + Pacemaker aliases). */
export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;

export type OcfExitCode = (typeof OCF)[keyof typeof OCF];

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(OCF).map(([k, v]) => [v, `OCF_${k}`]));

export function ocfCodeName(code: number): string {
  return NAMES[code] ?? `unknown(${code})`;
}
