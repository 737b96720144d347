// Runs in the client namespace: `node http-client.ts URL COUNT [WAIT_MS]` does COUNT sequential GETs,
// each on a new connection, and prints the bodies as a JSON array. Retries connection errors until
// WAIT_MS (bounded) so it can also wait for servers to come up. (busybox wget segfaults in the VM.)
import { get } from 'node:http';

const [url, countArg, waitArg] = process.argv.slice(2);
const count = Number(countArg ?? 1);
const deadline = Date.now() + Number(waitArg ?? 0);
const once = () => new Promise<string>((resolve, reject) => {
  const req = get(url!, { agent: false, timeout: 15000 }, (res) => {
    let b = ''; res.setEncoding('utf8'); res.on('data', (d) => { b += d; }); res.on('end', () => resolve(b.trim()));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', reject);
});
const out: string[] = [];
for (let i = 0; i < count; i++) {
  for (;;) {
    try { out.push(await once()); break; } catch (e) {
      if (Date.now() > deadline) { console.error(`GET ${url}: ${(e as Error).message}`); process.exit(1); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
console.log(JSON.stringify(out));
