/** validateCheck(): reject what we can't or won't run, by name, before anything is scheduled. */
import net from 'node:net';
import { ConfigError } from '../errors.ts';
import { stripBrackets } from './conn.ts';
import { CHECK_TYPES, SERVICES, type CheckSpec } from './types.ts';

export const DEFAULT_CHECK_TIMEOUT = 5;
export const DEFAULT_NEGOTIATE_TIMEOUT = 30;

function fail(message: string, field: string, where: string | undefined, hint?: string): never {
  const o: { where?: string; hint?: string; context?: Record<string, unknown> } = { context: { field } };
  if (where !== undefined) o.where = where;
  if (hint !== undefined) o.hint = hint;
  throw new ConfigError(message, o);
}

/**
 * Throws ConfigError (naming the field and what to write instead) for an invalid
 * or unsupported spec; `where` is e.g. "ldirectord.cf:42". Returns the spec.
 */
export function validateCheck(spec: CheckSpec, where?: string): CheckSpec {
  const type = spec.type as string;
  if (type === 'external-perl') {
    fail('checktype external-perl is not supported (it evals Perl inside ldirectord)', 'checktype', where,
      'use checktype = external with the same script run by perl, e.g. checkcommand = /usr/local/bin/mycheck');
  }
  if (!(CHECK_TYPES as readonly string[]).includes(type)) {
    fail(`unknown checktype "${type}"`, 'checktype', where, `write one of ${CHECK_TYPES.filter((t) => t !== 'external-perl' && t !== 'combined').join(', ')} or a number N`);
  }
  if (type === 'negotiate' || type === 'combined') {
    const s = spec.service ?? '';
    if (s === 'oracle') fail('service oracle is not supported (needs the proprietary Oracle client)', 'service', where, 'use checktype = external with a sqlplus script, or connect');
    if (!(SERVICES as readonly string[]).includes(s)) fail(`unknown or missing service "${s}" for checktype ${type}`, 'service', where, `write one of ${SERVICES.join(', ')}`);
    if ((s === 'mysql' || s === 'pgsql') && (!spec.login || !(spec.request ?? '').replace(/^\//, ''))) {
      fail(`service ${s} needs login and request`, 'login', where, 'set login = <user> and request = "SELECT 1"');
    }
    if (s === 'radius' && !spec.secret) fail('service radius needs secret', 'secret', where, 'set secret = <shared secret>');
    if (s === 'dns' && !(spec.request ?? '').replace(/^\//, '')) fail('service dns needs request (a name or an address)', 'request', where, 'set request = "www.example.com" and receive = "192.0.2.1"');
  }
  if (type === 'combined' && !(Number.isInteger(spec.connectsBetweenNegotiates) && spec.connectsBetweenNegotiates! >= 1)) {
    fail('checktype N needs N ≥ 1 connect checks between negotiate checks', 'checktype', where, 'write checktype = 5, say');
  }
  if (type === 'external' && !spec.command) fail('checktype external needs checkcommand', 'checkcommand', where, 'set checkcommand = /path/to/script');
  if (type !== 'on' && type !== 'off' && type !== 'external') {
    const h = stripBrackets(spec.host);
    if (net.isIP(h) === 0) fail(`real server "${spec.host}" is not an IP address`, 'real', where, 'resolve names before building checks');
    if (spec.family !== undefined && spec.family !== net.isIP(h)) fail(`address family ${spec.family} does not match ${spec.host}`, 'real', where);
    const needsPort = type !== 'ping' && !(type === 'connect' && spec.protocol === 'udp');
    if (needsPort && !(Number.isInteger(spec.port) && spec.port >= 1 && spec.port <= 65535)) fail(`port ${spec.port} out of range`, 'checkport', where, 'use 1-65535');
  }
  for (const [k, v] of [['checktimeout', spec.checkTimeout], ['negotiatetimeout', spec.negotiateTimeout]] as const) {
    if (v !== undefined && !(v > 0 && v <= 86400)) fail(`${k} must be a positive number of seconds`, k, where);
  }
  if (spec.checkCount !== undefined && !(Number.isInteger(spec.checkCount) && spec.checkCount >= 1)) fail('checkcount must be ≥ 1', 'checkcount', where);
  if (spec.httpMethod !== undefined && spec.httpMethod !== 'GET' && spec.httpMethod !== 'HEAD') fail(`httpmethod ${String(spec.httpMethod)} is not supported`, 'httpmethod', where, 'use GET or HEAD');
  if (spec.receive) {
    try { new RegExp(spec.receive); } catch (e) { fail(`receive is not a valid regular expression: ${(e as Error).message}`, 'receive', where); }
  }
  return spec;
}

/** Identity for deduplication: two specs with the same key are one check whose result is fanned out. */
export function checkKey(s: CheckSpec): string {
  return JSON.stringify([
    s.type, s.service ?? '', s.protocol ?? 'tcp', stripBrackets(s.host), s.port, s.request ?? '', s.receive ?? '',
    s.httpMethod ?? 'GET', s.virtualHost ?? '', s.login ?? '', s.passwd ?? '', s.database ?? '', s.secret ?? '',
    s.checkCount ?? 1, s.tlsVerify === true, s.command ?? '', s.type === 'external' ? [s.virtualAddress ?? '', s.virtualPort ?? 0] : '',
    s.checkTimeout ?? DEFAULT_CHECK_TIMEOUT, s.negotiateTimeout ?? DEFAULT_NEGOTIATE_TIMEOUT, s.connectsBetweenNegotiates ?? 0,
  ]);
}
