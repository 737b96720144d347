/** Shared helpers for the cluster unit tests: real Pacemaker CLI tools, no daemons. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelFromText } from '../../../src/cluster/load.ts';
import { renderCib, type CibOptions } from '../../../src/cluster/cib.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CIB_DIR = join(ROOT, 'cib');

export const INSTALL_HINT = 'apt-get install pacemaker-cli-utils pacemaker (test/pacemaker/install.sh)';

/** Fails loudly (never skips) when a Pacemaker tool is missing. */
export function requireTool(name: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} not found: ${INSTALL_HINT}`);
}

export function tmp(prefix = 'lvsha-cl-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function cibFile(text: string, opts: CibOptions = {}): Promise<string> {
  const f = join(tmp(), 'cib.xml');
  writeFileSync(f, await renderCib(modelFromText(text), opts));
  return f;
}

export function crmVerify(file: string): { rc: number; out: string } {
  requireTool('crm_verify');
  const r = spawnSync('crm_verify', ['-V', '--xml-file', file], { encoding: 'utf8' });
  return { rc: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** The exact schema named in validate-with (pacemaker-1.0 for heartbeat: what Pacemaker 1.0 itself checks). */
export function rngValidate(file: string): { rc: number; out: string; schema: string } {
  requireTool('xmllint');
  const schema = /validate-with="([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1] ?? '?';
  const r = spawnSync('xmllint', ['--noout', '--relaxng', `/usr/share/pacemaker/${schema}.rng`, file], { encoding: 'utf8' });
  return { rc: r.status ?? -1, out: `${r.stdout}${r.stderr}`, schema };
}

export interface SimResult {
  actions: { action: string; resource: string; node: string }[];
  placement: Record<string, string[]>;
  out: string;
}

/** crm_simulate -S with --output-as=xml; `save` keeps the resulting CIB for the next step. */
export async function simulate(input: string, args: string[], save?: string): Promise<SimResult> {
  requireTool('crm_simulate');
  const argv = ['-x', input, '-S', '-q', '1', ...args, '--output-as=xml', ...(save ? ['-O', save] : [])];
  const out = execFileSync('crm_simulate', argv, { encoding: 'utf8' });
  const xml2js = (await import('xml2js')).default;
  const doc = await xml2js.parseStringPromise(out) as any;
  const res = doc['pacemaker-result'];
  const actions = ((res.actions?.[0]?.rsc_action ?? []) as any[]).map((a) => ({ action: a.$.action, resource: a.$.resource, node: a.$.node }));
  const placement: Record<string, string[]> = {};
  const walk = (el: any): void => {
    for (const r of el?.resource ?? []) placement[r.$.id] = (r.node ?? []).map((n: any) => n.$.name);
    for (const g of el?.group ?? []) walk(g);
    for (const c of el?.clone ?? []) walk(c);
  };
  walk(res.revised_cluster_status?.[0]?.resources?.[0]);
  return { actions, placement, out };
}

export function readText(p: string): string { return existsSync(p) ? readFileSync(p, 'utf8') : ''; }
export { join };
