/**
 * esbuild → one CommonJS file for the SEA. Dynamic import() is lowered to a
 * lazy require (an SEA has no ESM loader), node-gyp-build is redirected to
 * lvsha's native loader, and the version is baked in.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/lvsha.cjs',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { LVSHA_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  // src/native/load.ts reads import.meta only when run from source (ESM); the bundle uses __dirname
  logOverride: { 'empty-import-meta': 'silent' },
  metafile: true,
  plugins: [
    {
      name: 'node-gyp-build-sea',
      setup(b) {
        b.onResolve({ filter: /^node-gyp-build$/ }, () => ({ path: join(root, 'src/native/node-gyp-build-sea.cjs') }));
      },
    },
  ],
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundle: dist/lvsha.cjs ${(bytes / 1024).toFixed(0)} KiB`);
