/**
 * Runs one lvsha Director per config given on the command line, all in this one
 * process (the same Director class the daemon runs; one Node start-up instead of
 * 26 under TCG emulation). Touches READY_FILE when every director has applied
 * its first check pass; SIGTERM stops them all (cleanstop as configured).
 * Env: LVSHA_RUN_DIR / LVSHA_PID_DIR as the daemon uses them.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Director } from '../../../src/director/daemon.ts';

process.setMaxListeners(200);
const [ready, ...files] = process.argv.slice(2);
if (!ready || files.length === 0) { console.error('usage: corpus-ours.ts READY_FILE CONFIG...'); process.exit(2); }
let pending = files.length;
const directors = files.map((f) => Director.load({
  configPath: f, name: basename(f), stdoutLog: false, debug: false,
  onReady: () => { if (--pending === 0) writeFileSync(ready!, 'ready\n'); },
}));
const codes = await Promise.all(directors.map((d) => d.run().catch((e: Error) => { console.error(`${d.cfg.file}: ${e.message}`); return 1; })));
process.exitCode = codes.some((c) => c !== 0) ? 1 : 0;
