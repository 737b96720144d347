/**
 * ldirectord.cf → DirectorConfig: parse with src/ldirectord/config, take its
 * effective per-real settings and implied IPVS service/destinations, turn each
 * real's check into a CheckSpec and validate it (ConfigError with file:line).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateCheck } from '../check/validate.ts';
import type { CheckSpec } from '../check/types.ts';
import { ConfigError } from '../errors.ts';
import { destKeyId, formatServiceKey } from '../ipvs/model.ts';
import { effectiveConfig, formatIssue, parseLdirectordConfig, type EffectiveCheck, type EffectiveConfig } from '../ldirectord/config/index.ts';
import { systemResolver } from '../ldirectord/config/system-resolver.ts';
import type { Resolver } from '../ldirectord/config/types.ts';
import type { DirectorConfig, DirectorReal, DirectorVirtual } from './model.ts';

export function checkSpecOf(c: EffectiveCheck): CheckSpec {
  const spec: CheckSpec = {
    type: c.type,
    service: c.service,
    protocol: c.protocol,
    family: c.family === 'inet6' ? 6 : 4,
    host: c.address,
    port: c.port ?? 0,
    checkTimeout: c.checktimeout,
    negotiateTimeout: c.negotiatetimeout,
    // check_http fetches ld_setup()'s $$r{url}, not $$r{request}: they differ when a real has its
    // own request but no receive (the URL then comes from the virtual's request; corpus 14).
    request: c.service === 'http' || c.service === 'https' || c.service === 'http_proxy' ? c.url : c.request,
    receive: c.receive,
    httpMethod: c.httpmethod,
    login: c.login,
    passwd: c.passwd,
    database: c.database,
    secret: c.secret,
    checkCount: c.checkcount,
  };
  if (c.virtualhost !== undefined) spec.virtualHost = c.virtualhost;
  if (c.type === 'external') {
    spec.command = c.checkcommand;
    spec.virtualAddress = c.virtualAddress;
    spec.virtualPort = c.virtualPort;
  }
  if (c.type === 'combined') spec.connectsBetweenNegotiates = c.numConnects;
  return spec;
}

export function directorConfigOf(eff: EffectiveConfig, name: string): DirectorConfig {
  const g = eff.global;
  const virtuals: DirectorVirtual[] = eff.virtuals.map((v) => {
    const reals: DirectorReal[] = v.reals.map((r) => {
      const spec = checkSpecOf(r.check);
      // on/off never run a check; the rest must be runnable, else the config is refused as a whole.
      if (r.check.type !== 'on' && r.check.type !== 'off') validateCheck(spec, `${eff.file}:${r.line}`);
      return {
        id: destKeyId(r.ipvs), address: r.ipvs.address, port: r.ipvs.port, forward: r.ipvs.forward, weight: r.ipvs.weight,
        lowerThreshold: r.ipvs.lowerThreshold, upperThreshold: r.ipvs.upperThreshold, checkKey: r.checkKey, check: spec, line: r.line,
      };
    });
    const vipPort = v.protocol === 'fwm' ? `${v.fwmark}:0` : `${v.family === 'inet6' ? `[${v.address}]` : v.address}:${v.port}`;
    return {
      id: formatServiceKey(v.ipvs.key), vipPort, protocol: v.protocol, key: v.ipvs.key, service: v.ipvs, reals,
      fallback: v.fallback && { id: destKeyId(v.fallback.ipvs), address: v.fallback.ipvs.address, port: v.fallback.ipvs.port, forward: v.fallback.ipvs.forward },
      fallbackcommand: v.fallbackcommand, quiescent: v.quiescent, failurecount: Math.max(1, v.failurecount), cleanstop: v.cleanstop,
      monitorfile: v.monitorfile, checksOff: v.checktype === 'off', checkinterval: v.checkinterval, line: v.line,
      alert: { to: v.emailalert, freq: v.emailalertfreq, statuses: v.emailalertstatus, smtp: v.smtp, servicename: v.servicename, comment: v.comment },
    };
  });
  return {
    file: eff.file, name, checkinterval: g.checkinterval, autoreload: g.autoreload, callback: g.callback, logfile: g.logfile,
    supervised: g.supervised, readdquiescent: g.readdquiescent, maintenancedir: g.maintenancedir, fork: g.fork,
    emailalertfrom: g.emailalertfrom, execute: g.execute.map((config, i) => ({ config, line: g.executeLines[i] ?? 0 })), virtuals,
    warnings: eff.warnings.map(formatIssue),
  };
}

export interface LoadedConfig { config: DirectorConfig; text: string }

/** Read, parse and adapt; throws ConfigError (file:line) or NotFound as ConfigError. */
export function loadDirectorConfig(path: string, name: string, resolver: Resolver = systemResolver()): LoadedConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`, { where: file, hint: 'give the path of an existing ldirectord.cf' });
  }
  const { config, warnings } = parseLdirectordConfig(text, { file, resolver });
  return { config: directorConfigOf(effectiveConfig(config, warnings), name), text };
}
