/**
 * The OCF environment as Pacemaker (or ocf-tester, or crm_resource) passes it.
 * Pure: takes an env record so tests need no process state.
 */
export interface OcfEnv {
  /** instance parameters: OCF_RESKEY_<name>, without the CRM_meta_ ones */
  params: Readonly<Record<string, string>>;
  /** OCF_RESKEY_CRM_meta_<name> (names as given: interval, timeout, clone, globally_unique, …) */
  meta: Readonly<Record<string, string>>;
  /** CRM_meta_interval in ms (0 when absent) */
  intervalMs: number;
  /** CRM_meta_timeout in ms, if given */
  timeoutMs: number | undefined;
  /** OCF_CHECK_LEVEL (or OCF_RESKEY_OCF_CHECK_LEVEL), default 0 */
  checkLevel: number;
  resourceInstance: string;
  resourceType: string | undefined;
  raVersion: { major: number; minor: number } | undefined;
  /** ocf-tester sets this to make "have_binary" fail; agents must still answer probes with 7 or 5 */
  failHaveBinary: boolean;
  exitReasonPrefix: string;
  ocfRoot: string;
}

export function readOcfEnv(env: Record<string, string | undefined>, action: string): OcfEnv {
  const params: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || !k.startsWith('OCF_RESKEY_')) continue;
    const name = k.slice('OCF_RESKEY_'.length);
    if (name.startsWith('CRM_meta_')) meta[name.slice('CRM_meta_'.length)] = v;
    else if (name !== 'crm_feature_set' && name !== 'OCF_CHECK_LEVEL') params[name] = v;
  }
  const num = (s: string | undefined): number | undefined => {
    if (s === undefined || s.trim() === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  };
  const major = num(env.OCF_RA_VERSION_MAJOR);
  const minor = num(env.OCF_RA_VERSION_MINOR);
  return {
    params,
    meta,
    intervalMs: num(meta.interval) ?? 0,
    timeoutMs: num(meta.timeout),
    checkLevel: num(env.OCF_CHECK_LEVEL) ?? num(env.OCF_RESKEY_OCF_CHECK_LEVEL) ?? 0,
    // ocf-shellfuncs: without OCF_RA_VERSION_MAJOR the agent runs "as an init script" named default
    resourceInstance: env.OCF_RESOURCE_INSTANCE ?? 'default',
    resourceType: env.OCF_RESOURCE_TYPE,
    raVersion: major === undefined ? undefined : { major, minor: minor ?? 0 },
    failHaveBinary: env.OCF_TESTER_FAIL_HAVE_BINARY === '1',
    exitReasonPrefix: env.OCF_EXIT_REASON_PREFIX ?? 'ocf-exit-reason:',
    ocfRoot: env.OCF_ROOT ?? '/usr/lib/ocf',
  } satisfies OcfEnv & { action?: never } as OcfEnv;
}

/** A probe is a monitor with CRM_meta_interval literally "0", as ocf_is_probe tests it (unset is not a probe). */
export function isProbe(action: string, env: OcfEnv): boolean {
  return action === 'monitor' && env.meta.interval === '0';
}

/** ocf_is_true: yes/true/1/on (case-insensitive). */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|1|on|y)$/i.test(value.trim());
}

/** The clone instance number from OCF_RESOURCE_INSTANCE "name:N", if any. */
export function cloneNumber(env: OcfEnv): number | undefined {
  const m = /:(\d+)$/.exec(env.resourceInstance);
  if (m?.[1] !== undefined) return Number(m[1]);
  const c = env.meta.clone;
  return c === undefined ? undefined : Number(c);
}
