/**
 * Heavy npm dependencies (undici, execa, xml2js, commander)
 * are not part of the main bundle: each is bundled on its own and embedded in
 * the single executable as an asset, compiled only when an action first
 * imports it. The agents' hot path (monitor) therefore never parses them:
 * a smaller main script is the largest start-up saving the SEA allows.
 * The bundler (scripts/bundle.ts) rewrites `import('undici')` & co. to loadDep().
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

const cache = new Map<string, unknown>();

function source(name: string): { code: string; filename: string } {
  const req = createRequire(__filename);
  let sea: SeaModule | undefined;
  try {
    sea = req('node:sea') as SeaModule;
  } catch {
    sea = undefined;
  }
  const key = `deps/${name}.cjs`;
  if (sea?.isSea()) return { code: sea.getAsset(key, 'utf8'), filename: `lvsha:${key}` };
  // the plain bundle (node dist/lvsha.cjs): the deps sit beside it
  const file = join(__dirname, key);
  return { code: readFileSync(file, 'utf8'), filename: file };
}

export function loadDep(name: string): unknown {
  if (cache.has(name)) return cache.get(name);
  const { code, filename } = source(name);
  const wrapper = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename })
    .runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  const mod = { exports: {} as unknown };
  // the dep bundles require nothing but Node built-ins
  wrapper(mod.exports, createRequire(__filename), mod, filename, __dirname);
  cache.set(name, mod.exports);
  return mod.exports;
}
