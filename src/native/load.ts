/**
 * Loads a native addon. Inside the single executable (SEA) the .node file is an
 * embedded asset: it is written once to a root-only cache directory under a
 * content-hash name and dlopen'ed from there. Outside the SEA (tests, `node
 * dist/lvsha.cjs`) it is loaded from the build tree.
 */
import { mkdirSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

declare const LVSHA_ASSET_HASHES: Record<string, string> | undefined;
const ASSET_HASHES: Record<string, string> = typeof LVSHA_ASSET_HASHES === 'object' ? LVSHA_ASSET_HASHES : {};

interface SeaModule {
  isSea(): boolean;
  getRawAsset(key: string): ArrayBuffer;
}

function seaModule(): SeaModule | undefined {
  try {
    const req = createRequire(resolve('noop.js'));
    const sea = req('node:sea') as SeaModule;
    return sea.isSea() ? sea : undefined;
  } catch {
    return undefined;
  }
}

function cacheDir(): string {
  const env = process.env.LVSHA_NATIVE_DIR;
  if (env) return env;
  return process.getuid?.() === 0 ? '/run/lvsha' : join(tmpdir(), `lvsha-${process.getuid?.() ?? 'u'}`);
}

/** Refuse a cache directory another user could plant a library in. */
function checkDir(dir: string): void {
  const st = statSync(dir);
  const uid = process.getuid?.() ?? st.uid;
  if (st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new Error(`native cache ${dir} must be owned by uid ${uid} and not group/world-writable`);
  }
}

/** node:crypto costs a few ms to load: only a build without baked-in hashes needs it */
function sha256(b: Buffer): string {
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(b).digest('hex').slice(0, 16);
}

function dlopen(file: string): unknown {
  const m = { exports: {} as unknown };
  process.dlopen(m, file);
  return m.exports;
}

/**
 * @param asset SEA asset key, e.g. "lvsha_native.node"
 * @param devPath path (relative to the project root) used outside the SEA
 */
export function loadNative(asset: string, devPath: string): unknown {
  const sea = seaModule();
  if (!sea) {
    const root = process.env.LVSHA_ROOT ?? findProjectRoot();
    return dlopen(join(root, devPath));
  }
  // the build bakes in each asset's hash, so a warm start neither reads nor hashes the library
  let bytes: Buffer | undefined;
  const hash = ASSET_HASHES[asset] ?? sha256((bytes = Buffer.from(sea.getRawAsset(asset))));
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  checkDir(dir);
  const file = join(dir, `${asset.replace(/\.node$/, '')}-${hash}.node`);
  if (!existsSync(file)) {
    bytes ??= Buffer.from(sea.getRawAsset(asset));
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o500 });
    renameSync(tmp, file); // atomic: concurrent first runs never see a half-written library
  }
  return dlopen(file);
}

function findProjectRoot(): string {
  // bundled: dist/lvsha.cjs → project root is its parent; from source: src/native → ../..
  const here = typeof __dirname === 'string' ? __dirname : new URL('.', import.meta.url).pathname;
  for (let d = here; d !== '/'; d = resolve(d, '..')) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'native'))) return d;
  }
  return process.cwd();
}
