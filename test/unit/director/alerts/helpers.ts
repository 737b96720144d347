// Shared by the alert tests: a DirectorConfig from ldirectord.cf text, and a log that records.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDirectorConfig } from '../../../../src/director/config-adapter.ts';
import type { DirectorConfig } from '../../../../src/director/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-alerts-'));
let n = 0;

export function configOf(text: string): DirectorConfig {
  const file = join(dir, `c${++n}.cf`);
  writeFileSync(file, text);
  return loadDirectorConfig(file, 'test').config;
}

export function recordingLog() {
  const lines: string[] = [];
  return { lines, info: (m: string) => { lines.push(`info: ${m}`); }, err: (m: string) => { lines.push(`err: ${m}`); } };
}

export const until = async (f: () => boolean, ms = 10_000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return f();
};
