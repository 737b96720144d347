/**
 * runCheck(): run one check, always bounded by its timeout, never throwing.
 * Checkers are loaded on first use so a daemon only pays for the services it has.
 */
import { CheckFailure, abortMessage, errText } from './conn.ts';
import { DEFAULT_CHECK_TIMEOUT, DEFAULT_NEGOTIATE_TIMEOUT } from './validate.ts';
import type { CheckContext, CheckResult, CheckSpec, Checker } from './types.ts';

const loaders: Record<string, () => Promise<Checker>> = {
  http: async () => (await import('./http.ts')).checkHttp,
  https: async () => (await import('./http.ts')).checkHttp,
  http_proxy: async () => (await import('./http.ts')).checkHttp,
  simpletcp: async () => (await import('./simpletcp.ts')).checkSimpleTcp,
  dns: async () => (await import('./dns.ts')).checkDns,
  smtp: async () => (await import('./mail.ts')).checkSmtp,
  submission: async () => (await import('./mail.ts')).checkSmtp,
  pop: async () => (await import('./mail.ts')).checkPop,
  pops: async () => (await import('./mail.ts')).checkPop,
  imap: async () => (await import('./mail.ts')).checkImap,
  imaps: async () => (await import('./mail.ts')).checkImap,
  ftp: async () => (await import('./ftp.ts')).checkFtp,
  ldap: async () => (await import('./ldap.ts')).checkLdap,
  ldaps: async () => (await import('./ldap.ts')).checkLdap,
  mysql: async () => (await import('./mysql.ts')).checkMysql,
  pgsql: async () => (await import('./pgsql.ts')).checkPgsql,
  sip: async () => (await import('./sip.ts')).checkSip,
  radius: async () => (await import('./radius.ts')).checkRadius,
  nntp: async () => (await import('./nntp.ts')).checkNntp,
  none: async () => async () => 'service none',
  connect: async () => (await import('./connect.ts')).checkConnect,
  ping: async () => (await import('./ping.ts')).checkPing,
  external: async () => (await import('./external.ts')).checkExternal,
};
const loaded = new Map<string, Checker>();

async function checker(name: string): Promise<Checker> {
  let c = loaded.get(name);
  if (!c) {
    const l = loaders[name];
    if (!l) throw new CheckFailure(`no checker for ${name}`);
    c = await l();
    loaded.set(name, c);
  }
  return c;
}

/** Mutable per-real state for checktype N (ldirectord's $$r{num_connects}); starts at "negotiate next". */
export interface CombinedState { numConnects: number }
export const newCombinedState = (): CombinedState => ({ numConnects: 999999 });

export interface RunOptions { signal?: AbortSignal; combined?: CombinedState }

type Plan = { name: string; timeoutS: number };

function plan(spec: CheckSpec, combined: CombinedState | undefined): Plan | CheckResult {
  const ct = spec.checkTimeout ?? DEFAULT_CHECK_TIMEOUT;
  const nt = spec.negotiateTimeout ?? DEFAULT_NEGOTIATE_TIMEOUT;
  const connectPlan = (): Plan => spec.protocol === 'udp' ? { name: 'ping', timeoutS: ct * (spec.checkCount ?? 1) } : { name: 'connect', timeoutS: ct };
  switch (spec.type) {
    case 'on': return { ok: true, message: 'checktype on', durationMs: 0 };
    case 'off': return { ok: false, message: 'checktype off', durationMs: 0 };
    case 'connect': return connectPlan();
    case 'ping': return { name: 'ping', timeoutS: ct * (spec.checkCount ?? 1) };
    case 'external': return { name: 'external', timeoutS: ct };
    case 'external-perl': return { ok: false, message: 'checktype external-perl is not supported', durationMs: 0 };
    case 'combined':
      if (combined && combined.numConnects < (spec.connectsBetweenNegotiates ?? 1)) return { name: 'connect', timeoutS: ct };
      return negotiatePlan(spec, ct, nt);
    case 'negotiate': return negotiatePlan(spec, ct, nt);
  }
}

function negotiatePlan(spec: CheckSpec, ct: number, nt: number): Plan {
  const s = spec.service ?? 'none';
  // ldirectord wraps ldap and radius in alarm(checktimeout) around negotiatetimeout.
  const timeoutS = s === 'ldap' || s === 'ldaps' || s === 'radius' ? Math.min(ct, nt) : nt;
  return { name: s, timeoutS };
}

export async function runCheck(spec: CheckSpec, opts: RunOptions = {}): Promise<CheckResult> {
  const start = performance.now();
  const p = plan(spec, opts.combined);
  if ('ok' in p) return p;
  const timeoutMs = Math.max(1, Math.round(p.timeoutS * 1000));
  // One controller and one timer per check (AbortSignal.timeout/any cost more at thousands per pass).
  const ac = new AbortController();
  const signal = ac.signal;
  const outer = opts.signal;
  const onOuter = () => ac.abort(outer!.reason);
  if (outer) {
    if (outer.aborted) ac.abort(outer.reason);
    else outer.addEventListener('abort', onOuter, { once: true });
  }
  const ctx: CheckContext = { signal, timeoutMs };
  let timer: NodeJS.Timeout | undefined;
  let result: CheckResult;
  try {
    const c = loaded.get(p.name) ?? await checker(p.name);
    // The timer aborts the check's I/O and, as a backstop, settles the race even if a checker ignored its signal.
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort(new DOMException('timed out', 'TimeoutError'));
        setImmediate(() => reject(new CheckFailure('timed out')));
      }, timeoutMs);
    });
    const message = await Promise.race([c(spec, ctx), guard]);
    result = { ok: true, message, durationMs: performance.now() - start };
  } catch (e) {
    // A checker's own CheckFailure says most (e.g. "bad response authenticator" before the timeout hit).
    const own = e instanceof CheckFailure ? e.message : '';
    const msg = own && !/^(\w+: )?(timed out|aborted)$/.test(own) ? own
      : signal.aborted ? `${p.name}: ${abortMessage(signal)}` : own || `${p.name}: ${errText(e)}`;
    result = { ok: false, message: msg, durationMs: performance.now() - start };
  } finally {
    if (timer) clearTimeout(timer);
    if (outer) outer.removeEventListener('abort', onOuter);
  }
  if (spec.type === 'combined' && opts.combined) {
    if (p.name === 'connect') opts.combined.numConnects = result.ok ? opts.combined.numConnects + 1 : 999999;
    else if (result.ok) opts.combined.numConnects = 0;
  }
  return result;
}
