/**
 * `lvsha cluster apply DIR`: load cib.xml's configuration into a running
 * cluster with cibadmin, idempotently. lvsha owns: the resources and
 * constraints with the ids in cib.xml (plus stale ones with its id prefix),
 * rsc_defaults meta_attributes "rsc-options", and the cluster properties it
 * sets. Each owned element is compared with the live one first and only
 * written when different, so a second run writes nothing.
 * With CIB_file=… in the environment the same code edits an offline CIB file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, LvshaError, NotInstalledError } from '../errors.ts';
import { GROUP_ID } from './cib.ts';

export interface RunResult { exitCode: number; stdout: string; stderr: string }
export type Runner = (cmd: string, args: string[]) => Promise<RunResult>;

export const defaultRunner: Runner = async (cmd, args) => {
  const { execa } = await import('execa');
  try {
    const r = await execa(cmd, args, { reject: false, stripFinalNewline: false });
    if ((r as { code?: string }).code === 'ENOENT' || (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message)))) {
      throw new NotInstalledError(`${cmd} not found: install pacemaker-cli-utils (apt-get install pacemaker-cli-utils)`);
    }
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
  } catch (e) {
    if (e instanceof LvshaError) throw e;
    throw new NotInstalledError(`cannot run ${cmd}: ${(e as Error).message} (apt-get install pacemaker-cli-utils)`);
  }
};

type X = { $?: Record<string, string>; [k: string]: unknown };
interface Owned { scope: string; id: string; tag: string; xml: string; obj: X }
export interface ApplyReport { changed: string[]; unchanged: string[]; removed: string[] }

/** Stable form for comparison: attributes sorted, children grouped by tag (xml2js), whitespace ignored. */
function canon(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(canon);
  if (o && typeof o === 'object') {
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canon((o as Record<string, unknown>)[k])]));
  }
  return typeof o === 'string' ? o.trim() : o;
}

const isOwnedId = (id: string): boolean => id === GROUP_ID || id.startsWith(`${GROUP_ID}-`) || id === 'ping-clone';

export async function applyCib(dir: string, run: Runner = defaultRunner, log: (s: string) => void = () => {}): Promise<ApplyReport> {
  const xml2js = (await import('xml2js')).default;
  const file = join(dir, 'cib.xml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read: ${(e as Error).message}`, { where: file, hint: 'run lvsha cluster init first' });
  }
  const parse = async (s: string): Promise<X> => (await xml2js.parseStringPromise(s)) as X;
  const build = (tag: string, obj: X): string =>
    new xml2js.Builder({ headless: true, rootName: tag, renderOpts: { pretty: false } }).buildObject(obj);

  let doc: X;
  try {
    doc = await parse(text);
  } catch (e) {
    throw new ConfigError(`not XML: ${(e as Error).message}`, { where: file });
  }
  const conf = ((doc['cib'] as X | undefined)?.['configuration'] as X[] | undefined)?.[0];
  if (!conf) throw new ConfigError('no <cib><configuration>', { where: file });
  const section = (name: string): X => ((conf[name] as X[] | undefined)?.[0] ?? {}) as X;

  const owned: Owned[] = [];
  for (const scope of ['resources', 'constraints']) {
    const sec = section(scope);
    if (typeof sec !== 'object') continue; // an empty element parses as its (whitespace) text
    for (const [tag, list] of Object.entries(sec)) {
      if (tag === '$') continue;
      for (const el of list as X[]) owned.push({ scope, tag, id: el.$!['id']!, obj: el, xml: build(tag, el) });
    }
  }
  const defaults = ((section('rsc_defaults')['meta_attributes'] as X[] | undefined) ?? []);
  const props = (((section('crm_config')['cluster_property_set'] as X[] | undefined)?.[0]?.['nvpair'] as X[] | undefined) ?? [])
    .map((p) => [p.$!['name']!, p.$!['value']!] as const);

  const cib = async (args: string[], okCodes = [0]): Promise<RunResult> => {
    const r = await run('cibadmin', args);
    if (!okCodes.includes(r.exitCode)) {
      throw new LvshaError(`cibadmin ${args.join(' ')} failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { exitCode: 1 });
    }
    return r;
  };
  const NO_SUCH = 105; // CRM_EX_NOSUCH: xpath matched nothing
  const query = async (xpath: string): Promise<X | undefined> => {
    const r = await cib(['--query', '--xpath', xpath], [0, NO_SUCH]);
    if (r.exitCode === NO_SUCH || !r.stdout.trim()) return undefined;
    return parse(r.stdout);
  };
  const report: ApplyReport = { changed: [], unchanged: [], removed: [] };

  // ---- rsc_defaults (create the section if the CIB has none)
  for (const ma of defaults) {
    const id = ma.$!['id']!;
    const xp = `/cib/configuration/rsc_defaults/meta_attributes[@id='${id}']`;
    const live = await query(xp);
    const xml = build('meta_attributes', ma);
    if (live && JSON.stringify(canon(live['meta_attributes'])) === JSON.stringify(canon(ma))) { report.unchanged.push(id); continue; }
    if (live) await cib(['--replace', '--xpath', xp, '--xml-text', xml]);
    else if (await query('/cib/configuration/rsc_defaults')) await cib(['--create', '-o', 'rsc_defaults', '--xml-text', xml]);
    else await cib(['--create', '-o', 'configuration', '--xml-text', `<rsc_defaults>${xml}</rsc_defaults>`]);
    report.changed.push(id);
  }

  // ---- stale owned elements (constraints first: they reference resources)
  const wanted = new Set(owned.map((o) => o.id));
  for (const scope of ['constraints', 'resources']) {
    const live = await query(`/cib/configuration/${scope}`);
    const sec = (live?.[scope] ?? {}) as X;
    for (const [tag, list] of Object.entries(sec)) {
      if (tag === '$' || !Array.isArray(list)) continue;
      for (const el of list as X[]) {
        const id = el.$?.['id'];
        if (id && isOwnedId(id) && !wanted.has(id)) {
          if (scope === 'resources') {
            // a resource must be stopped before it is deleted, or Pacemaker orphans it running
            await run('crm_resource', ['--resource', id, '--set-parameter', 'target-role', '--meta', '--parameter-value', 'Stopped']);
            await run('crm_resource', ['--wait', '--timeout=120s']);
          }
          await cib(['--delete', '--xpath', `/cib/configuration/${scope}/${tag}[@id='${id}']`]);
          report.removed.push(id);
        }
      }
    }
  }

  // ---- a primitive that left a group (lvsha < 0.2 had the director inside group "lvs"):
  // moved in ONE update, so Pacemaker keeps it running (same id, same history) instead of
  // stopping an orphan and starting a new resource
  const topPrimitives = new Set(owned.filter((o) => o.scope === 'resources' && o.tag === 'primitive').map((o) => o.id));
  const liveRes = await query('/cib/configuration/resources');
  const res = liveRes?.['resources'] as X | undefined;
  if (res && typeof res === 'object') {
    const moved: string[] = [];
    for (const g of (res['group'] as X[] | undefined) ?? []) {
      const members = (g['primitive'] as X[] | undefined) ?? [];
      for (const p of [...members]) {
        const id = p.$?.['id'];
        if (id && topPrimitives.has(id) && isOwnedId(g.$?.['id'] ?? '')) {
          members.splice(members.indexOf(p), 1);
          ((res['primitive'] ??= []) as X[]).push(p);
          moved.push(id);
        }
      }
    }
    if (moved.length) {
      await cib(['--replace', '--xpath', '/cib/configuration/resources', '--xml-text', build('resources', res)]);
      log(`moved ${moved.join(', ')} out of its group`);
    }
  }

  // ---- resources, then constraints
  for (const o of owned) {
    const xp = `/cib/configuration/${o.scope}/*[@id='${o.id}']`;
    const live = await query(xp);
    if (live) {
      const [liveTag] = Object.keys(live);
      if (liveTag === o.tag && JSON.stringify(canon(live[liveTag])) === JSON.stringify(canon(o.obj))) {
        report.unchanged.push(o.id);
        continue;
      }
      await cib(['--replace', '--xpath', xp, '--xml-text', o.xml]);
    } else {
      await cib(['--create', '-o', o.scope, '--xml-text', o.xml]);
    }
    report.changed.push(o.id);
    log(`${live ? 'replaced' : 'created'} ${o.tag} ${o.id}`);
  }

  // ---- cluster properties, last: stonith-enabled=true only once a device exists
  for (const [name, value] of props) {
    const xp = `/cib/configuration/crm_config/cluster_property_set[@id='cib-bootstrap-options']/nvpair[@name='${name}']`;
    const live = await query(xp);
    const cur = (live?.['nvpair'] as X | undefined)?.$?.['value'];
    if (cur === value) { report.unchanged.push(`property ${name}`); continue; }
    const r = await run('crm_attribute', ['--type', 'crm_config', '--name', name, '--update', value]);
    if (r.exitCode !== 0) throw new LvshaError(`crm_attribute --name ${name} --update ${value} failed (rc ${r.exitCode}): ${r.stderr.trim()}`);
    report.changed.push(`property ${name}`);
  }
  return report;
}
