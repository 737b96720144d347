/**
 * esbuild → one CommonJS file for the SEA, plus one bundle per heavy dependency
 * (dist/deps/<name>.cjs) that the SEA embeds as an asset and compiles only when
 * first imported (src/native/deps.ts). Dynamic import() is lowered to a lazy
 * require (an SEA has no ESM loader), node-gyp-build is redirected to lvsha's
 * native loader, and the version is baked in.
 */
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** Loaded on demand from SEA assets; everything else is in the main bundle. */
export const LAZY_DEPS = ['undici', 'execa', 'xml2js', 'commander'] as const;

const nativeShim: Plugin = {
  name: 'node-gyp-build-sea',
  setup(b) {
    b.onResolve({ filter: /^node-gyp-build$/ }, () => ({ path: join(root, 'src/native/node-gyp-build-sea.cjs') }));
  },
};

const lazyDeps: Plugin = {
  name: 'lazy-deps',
  setup(b) {
    const filter = new RegExp(`^(${LAZY_DEPS.join('|')})$`);
    b.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'lazy-dep' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-dep' }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(join(root, 'src/native/deps.ts'))}).loadDep(${JSON.stringify(a.path)});`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  // src/native/load.ts reads import.meta only when run from source (ESM); the bundle uses __dirname
  logOverride: { 'empty-import-meta': 'silent' },
  metafile: true,
} as const;

// the native assets' hashes are baked in so the SEA never hashes them at start-up
const nativeFile = execFileSync('bash', [join(root, 'scripts/build-native.sh')], { cwd: root, encoding: 'utf8' }).trim();
const hash16 = (f: string): string => createHash('sha256').update(readFileSync(join(root, f))).digest('hex').slice(0, 16);
const assetHashes = {
  'netlink.node': hash16('node_modules/netlink/prebuilds/linux-x64/node.napi.node'),
  'lvsha_native.node': hash16(nativeFile),
};

// meta-data is static: render it now, so `meta-data` prints a string instead of loading xml2js
const { AGENTS } = await import('../src/agents-registry.ts');
const { renderMetadata } = await import('../src/ocf/metadata.ts');
const metadata: Record<string, string> = {};
for (const load of Object.values(AGENTS)) {
  const def = await load();
  metadata[def.metadata.name] = await renderMetadata(def.metadata);
}

rmSync(join(root, 'dist/deps'), { recursive: true, force: true });
const main = await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/lvsha.cjs',
  define: {
    LVSHA_VERSION: JSON.stringify(pkg.version),
    LVSHA_ASSET_HASHES: JSON.stringify(assetHashes),
    LVSHA_METADATA: JSON.stringify(metadata),
  },
  plugins: [nativeShim, lazyDeps],
});
const size = (r: { metafile: import('esbuild').Metafile }): number => Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const parts = [`dist/lvsha.cjs ${(size(main) / 1024).toFixed(0)} KiB`];
for (const dep of LAZY_DEPS) {
  const r = await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(dep)});`, resolveDir: root, loader: 'js', sourcefile: `${dep}-entry.js` },
    outfile: `dist/deps/${dep}.cjs`,
    plugins: [nativeShim],
  });
  parts.push(`${dep} ${(size(r) / 1024).toFixed(0)} KiB`);
}
console.log(`bundle: ${parts.join(', ')}`);
