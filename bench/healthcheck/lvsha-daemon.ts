// The lvsha side of the health-check bench: N HTTP reals checked every interval by one CheckScheduler.
// Usage: node lvsha-daemon.ts N intervalMs path port [concurrency]. Prints one JSON line per pass.
import { CheckScheduler, validateCheck, type ScheduledCheck } from '../../src/check/index.ts';
import { realAddress } from './addresses.ts';

const [n = '100', interval = '5000', urlPath = '/lvsha.html', port = '8080', conc = '1024'] = process.argv.slice(2);
const checks: ScheduledCheck[] = [];
for (let i = 0; i < Number(n); i++) {
  const host = realAddress(i);
  checks.push({
    id: `10.255.0.1:8080/${host}:${port}`,
    spec: validateCheck({ type: 'negotiate', service: 'http', host, port: Number(port), request: urlPath, receive: 'alive', negotiateTimeout: 5, checkTimeout: 5 }),
  });
}
let pass = 0;
const sch = new CheckScheduler({
  intervalMs: Number(interval),
  concurrency: Number(conc),
  onPass: (r) => {
    let ok = 0;
    for (const v of r.results.values()) if (v.ok) ok++;
    const cpu = process.cpuUsage();
    const failed = [...r.results.values()].find((v) => !v.ok);
    process.stdout.write(`${JSON.stringify({ pass: ++pass, durationMs: Math.round(r.durationMs), ok, failed: r.results.size - ok,
      firstFailure: failed?.message, cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssMB: Math.round(process.memoryUsage().rss / 1048576), heapMB: Math.round(process.memoryUsage().heapUsed / 1048576) })}\n`);
  },
});
sch.setChecks(checks);
sch.start();
process.on('SIGTERM', () => { void sch.stop().then(() => process.exit(0)); });
