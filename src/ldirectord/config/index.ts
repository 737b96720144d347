/** Public API of the ldirectord.cf parser (see the module files for details). */
export * from './types.ts';
export {
  parseLdirectordConfig, checkLdirectordConfig, LdirectordConfigError, formatIssue, defaultGlobal, virtualId,
  portToService, suggest, GLOBAL_DIRECTIVES, VIRTUAL_DIRECTIVES, type ParseOptions,
} from './parse.ts';
export {
  effectiveConfig, effectiveVirtual, effectiveTimeouts, findFallback, ipvsDestPort, toIpvsService, checkKey,
  type EffectiveCheck, type EffectiveConfig, type EffectiveFallback, type EffectiveReal, type EffectiveVirtual,
} from './effective.ts';
export { createResolver, parseHosts, parseServices, ipLiteral, isIPv4, canonicalIPv6, type ResolverOptions, type ServiceEntry } from './resolver.ts';
export { locateConfig, configCandidates, configName, DEFAULT_CONFIG_NAME, type LocateOptions } from './locate.ts';
