/** Public API of the health-check engine. Light: checkers and heavy modules load on first use. */
export type { CheckSpec, CheckResult, CheckType, Service, CheckContext, Checker } from './types.ts';
export { CHECK_TYPES, SERVICES, UNSUPPORTED_SERVICES } from './types.ts';
export { validateCheck, checkKey, DEFAULT_CHECK_TIMEOUT, DEFAULT_NEGOTIATE_TIMEOUT } from './validate.ts';
export { runCheck, newCombinedState, type CombinedState, type RunOptions } from './run.ts';
export { CheckScheduler, type ScheduledCheck, type PassReport, type SchedulerOptions } from './scheduler.ts';
export { defaultPort } from './ports.ts';
export { CheckFailure } from './conn.ts';
export { setHttpClient } from './http.ts';
