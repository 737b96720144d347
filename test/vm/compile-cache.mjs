// Fills Node's compile cache ($NODE_COMPILE_CACHE) with the type-stripped form of every .ts
// file a VM group can run (src/, agents/, test/vm/), so that the group's node processes load
// no TypeScript parser: on a cache hit Node never instantiates amaro (swc compiled to
// WebAssembly). Under TCG emulation, WebAssembly crashes about 1 node process in 100
// (V8 "Check failed: it->second.Size() > offset" from Runtime_WasmTriggerTierUp's stack
// walk, or SIGSEGV executing zeroed wasm code pages; see group-inner.sh), and it is slow.
// Only this process runs the parser, and group-inner.sh retries it if it crashes.
// Usage: node $NODE_FLAGS test/vm/compile-cache.mjs ROOT   (same V8 flags as the tests:
// the cache directory is keyed by them)
import { flushCompileCache, getCompileCacheDir } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2] ?? process.cwd();
if (!getCompileCacheDir()) { console.error('compile-cache: NODE_COMPILE_CACHE is not set'); process.exit(2); }

const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
  }
};
for (const d of ['src', 'agents', 'test/vm']) walk(join(root, d));

// One module that statically imports them all, plus one import that cannot link: Node fetches
// and strips the whole graph (which fills the cache), then linking fails, so nothing runs.
const NONE = 'lvshaCompileCacheNoSuchExport';
const lines = files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};`);
lines.push(`import { ${NONE} } from ${JSON.stringify(pathToFileURL(join(root, 'src/version.ts')).href)};`);
try {
  await import(`data:text/javascript,${encodeURIComponent(lines.join('\n'))}`);
} catch (e) {
  if (!String(e?.message).includes(NONE)) console.error(`compile-cache: ${e?.message ?? e} (the files loaded so far are cached)`);
}
flushCompileCache();
console.log(`compile-cache: ${files.length} TypeScript files in ${getCompileCacheDir()}`);
