// Health-check bench: N HTTP reals (N = 100, 1000, 10000 by default) served by one nginx on 127.10.x.y
// inside network namespace lvsha-hcb, checked by lvsha, keepalived (HTTP_GET) and Perl ldirectord
// (negotiate http), one tool at a time. Per tool and N: time of one full pass, CPU seconds per 1000
// checks, daemon RSS. Prints ratios. Run as root: bash bench/healthcheck/run.sh
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { realAddress } from './addresses.ts';

const NS = 'lvsha-hcb';
const PORT = 8080;
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');
const sizes = (process.env['LVSHA_BENCH_SIZES'] ?? '100,1000,10000').split(',').map(Number);
const tools = (process.env['LVSHA_BENCH_TOOLS'] ?? 'lvsha,keepalived,ldirectord').split(',');
// Interval per size: short for small n so a measurement spans several passes; 10 s at 10,000 (the target).
const intervalFor = (n: number) => Number(process.env['LVSHA_BENCH_INTERVAL'] ?? (n <= 100 ? 1 : n <= 1000 ? 2 : 10));
const PASSES = Number(process.env['LVSHA_BENCH_PASSES'] ?? '3');
const WARMUP = Number(process.env['LVSHA_BENCH_WARMUP'] ?? '2');
const WARMUP_CHECKS = Number(process.env['LVSHA_BENCH_WARMUP_CHECKS'] ?? '3000');
const ldirectordMax = Number(process.env['LVSHA_BENCH_LDIRECTORD_MAX'] ?? '100');
const dir = mkdtempSync(path.join(tmpdir(), 'lvsha-hcb-'));
chmodSync(dir, 0o755); // nginx workers run as nobody
const PAGE = 4096;

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' }).toString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- namespace + nginx ----
function setupNamespace(): void {
  try { sh('ip', ['netns', 'del', NS]); } catch { /* not there */ }
  sh('ip', ['netns', 'add', NS]);
  sh('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
}

let nginx: ChildProcess | undefined;
const accessLog = path.join(dir, 'access.log');
async function startNginx(): Promise<void> {
  const www = path.join(dir, 'www');
  execFileSync('mkdir', ['-p', www]);
  for (const p of ['lvsha', 'ka', 'ld']) writeFileSync(path.join(www, `${p}.html`), 'I am alive\n');
  writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
worker_rlimit_nofile 100000;
events { worker_connections 60000; multi_accept on; }
http { log_format t '$msec $uri'; access_log ${accessLog} t buffer=256k flush=1s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  keepalive_timeout 0;
  server { listen ${PORT} backlog=65535; root ${www}; } }
`);
  // Listening on all addresses is confined to the namespace, which only has lo.
  nginx = spawn('ip', ['netns', 'exec', NS, 'nginx', '-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'nginx-error.log')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { sh('ip', ['netns', 'exec', NS, 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${PORT}`]); return; } catch { await sleep(100); }
  }
  throw new Error('nginx did not start');
}

// ---- access-log accounting ----
let logFd = -1;
let logPos = 0;
let partial = '';
const hits: Record<string, number[]> = {};
function pollLog(): void {
  if (logFd < 0) { if (!existsSync(accessLog)) return; logFd = openSync(accessLog, 'r'); }
  const size = fstatSync(logFd).size;
  if (size <= logPos) return;
  const buf = Buffer.alloc(size - logPos);
  readSync(logFd, buf, 0, buf.length, logPos);
  logPos = size;
  const text = partial + buf.toString('latin1');
  const lines = text.split('\n');
  partial = lines.pop() ?? '';
  for (const l of lines) {
    const sp = l.indexOf(' ');
    const uri = l.slice(sp + 1);
    (hits[uri] ??= []).push(Number(l.slice(0, sp)));
  }
}
const count = (uri: string) => { pollLog(); return hits[uri]?.length ?? 0; };

// ---- process-tree accounting ----
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const kids = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      }
    } catch { /* exited */ }
  }
  return out;
}
/** On-CPU time of every thread of every process in the tree (schedstat, ns precision). */
function cpuSeconds(pids: number[]): number {
  let ns = 0;
  for (const p of pids) {
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        ns += Number(readFileSync(`/proc/${p}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      }
    } catch { /* gone */ }
  }
  return ns / 1e9;
}
/** user and system CPU seconds (clock ticks, 100/s) of the tree, to split where the time goes. */
function userSys(pids: number[]): [number, number] {
  let u = 0, k = 0;
  for (const p of pids) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      u += Number(f[11]); k += Number(f[12]);
    } catch { /* gone */ }
  }
  return [u / 100, k / 100];
}
function rssMB(pids: number[]): number {
  let pages = 0;
  for (const p of pids) {
    try { pages += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]); } catch { /* gone */ }
  }
  return (pages * PAGE) / 1048576;
}

// ---- the three daemons ----
interface Tool { uri: string; start(n: number, work: string, intervalS: number): ChildProcess }
const nsExec = (args: string[], work: string, env: NodeJS.ProcessEnv = process.env) =>
  spawn('ip', ['netns', 'exec', NS, ...args], { cwd: work, env, stdio: ['ignore', openSync(path.join(work, 'stdout.log'), 'w'), openSync(path.join(work, 'stderr.log'), 'w')] });

const node = process.execPath;
const TOOLS: Record<string, Tool> = {
  lvsha: {
    uri: '/lvsha.html',
    start: (n, work, intervalS) => nsExec([node, path.join(here, 'lvsha-daemon.ts'), String(n), String(intervalS * 1000), '/lvsha.html', String(PORT)], work),
  },
  // Same daemon with undici as the HTTP client (LVSHA_BENCH_TOOLS=lvsha,lvsha-undici) to compare clients.
  'lvsha-undici': {
    uri: '/lvsha.html',
    start: (n, work, intervalS) => nsExec([node, path.join(here, 'lvsha-daemon.ts'), String(n), String(intervalS * 1000), '/lvsha.html', String(PORT)], work, { ...process.env, LVSHA_HTTP_CLIENT: 'undici' }),
  },
  keepalived: {
    uri: '/ka.html',
    start: (n, work, intervalS) => {
      const reals: string[] = [];
      for (let i = 0; i < n; i++) {
        reals.push(`  real_server ${realAddress(i)} ${PORT} {\n    weight 1\n    HTTP_GET {\n      url {\n        path /ka.html\n        status_code 200\n      }\n      connect_timeout 5\n      retry 0\n      warmup 0\n    }\n  }`);
      }
      writeFileSync(path.join(work, 'keepalived.conf'), `global_defs {\n  router_id lvsha_hcb\n}\nvirtual_server 10.255.0.1 ${PORT} {\n  delay_loop ${intervalS}\n  lvs_sched rr\n  lvs_method DR\n  protocol TCP\n${reals.join('\n')}\n}\n`);
      return nsExec(['keepalived', '-C', '-n', '-l', '-f', path.join(work, 'keepalived.conf'), '-p', path.join(work, 'k.pid'), '-c', path.join(work, 'c.pid'), '-r', path.join(work, 'v.pid')],
        work, { ...process.env, LD_PRELOAD: path.join(dir, 'ipvs-shim.so') });
    },
  },
  ldirectord: {
    uri: '/ld.html',
    start: (n, work, intervalS) => {
      const reals: string[] = [];
      for (let i = 0; i < n; i++) reals.push(`\treal=${realAddress(i)}:${PORT} gate`);
      const cf = path.join(work, `lvsha-hcb-${n}.cf`);
      writeFileSync(cf, `checktimeout=5\nnegotiatetimeout=5\ncheckinterval=${intervalS}\nsupervised=yes\nquiescent=no\nautoreload=no\nfork=no\nlogfile="${work}/ldirectord.log"\n` +
        `virtual=10.255.0.1:${PORT}\n${reals.join('\n')}\n\tservice=http\n\tscheduler=rr\n\tprotocol=tcp\n\tchecktype=negotiate\n\trequest="ld.html"\n\treceive="alive"\n`);
      // In this private mount namespace /usr/sbin/ipvsadm is /bin/true: ldirectord never touches IPVS.
      return nsExec(['sh', '-c', `mount --bind /bin/true /usr/sbin/ipvsadm && exec /usr/sbin/ldirectord ${cf} start`], work);
    },
  },
};

interface Row { tool: string; n: number; passS: number; cpuPer1000: number; rssMB: number; checks: number; note: string }

async function measure(toolName: string, n: number): Promise<Row> {
  const tool = TOOLS[toolName]!;
  const work = mkdtempSync(path.join(dir, `${toolName}-${n}-`));
  const base = count(tool.uri);
  const intervalS = intervalFor(n);
  const child = tool.start(n, work, intervalS);
  let note = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
  };
  try {
    const pid = child.pid!;
    // Startup pass (ldirectord also forks "ipvsadm" per real here): wait until every real was checked once.
    // ldirectord's start-up is slow: per real it forks ipvsadm and scans lists (O(n²)).
    const startDeadline = Date.now() + Math.max(120_000, n * (toolName === 'ldirectord' ? 600 : 40));
    while (count(tool.uri) - base < n) {
      if (child.exitCode !== null) throw new Error(`${toolName} exited ${child.exitCode}: ${readFileSync(path.join(work, 'stderr.log'), 'utf8').slice(-500)}`);
      if (Date.now() > startDeadline) throw new Error(`${toolName}: first pass incomplete (${count(tool.uri) - base}/${n})`);
      await sleep(100);
    }
    // Warm-up, not measured: V8 needs ~1000-3000 checks to tier up the hot path (JIT), so at least WARMUP_CHECKS.
    const warmPasses = Math.max(WARMUP, Math.ceil(WARMUP_CHECKS / n));
    const warmTarget = count(tool.uri) + n * warmPasses;
    const warmDeadline = Date.now() + (intervalS * 1000 + Math.max(30_000, n * 20)) * warmPasses;
    while (count(tool.uri) < warmTarget && Date.now() < warmDeadline) await sleep(50);
    // Steady state: the next PASSES full passes.
    await sleep(200);
    const r0 = count(tool.uri);
    const c0 = cpuSeconds(tree(pid));
    const us0 = userSys(tree(pid));
    const deadline = Date.now() + (intervalS * 1000 + Math.max(30_000, n * 20)) * PASSES;
    while (count(tool.uri) < r0 + n * PASSES && Date.now() < deadline) await sleep(50);
    const r1 = count(tool.uri);
    const c1 = cpuSeconds(tree(pid));
    const us1 = userSys(tree(pid));
    const rss = rssMB(tree(pid));
    const done = r1 - r0;
    if (done < n * PASSES) note = `passes incomplete: ${done}/${n * PASSES} checks`;
    // Pass time: first to last request of the first steady pass (nginx $msec, ms resolution).
    const ts = hits[tool.uri]!.slice(r0, r0 + n);
    // keepalived has no passes (one timer per real), so its span of n consecutive checks is about delay_loop: not reported.
    const passS = toolName === 'keepalived' ? NaN : ts.length >= 2 ? Math.max(...ts) - Math.min(...ts) : NaN;
    const u = us1[0] - us0[0], k = us1[1] - us0[1];
    const split = u + k > 0 ? `user ${Math.round((100 * u) / (u + k))}% / sys ${Math.round((100 * k) / (u + k))}%` : '';
    return { tool: toolName, n, passS, cpuPer1000: ((c1 - c0) / Math.max(1, done)) * 1000, rssMB: rss, checks: done, note: [split, note].filter(Boolean).join('; ') };
  } finally {
    await stop();
  }
}

function fmt(x: number, d = 3): string { return Number.isFinite(x) ? x.toFixed(d) : '-'; }

async function main(): Promise<void> {
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', path.join(dir, 'ipvs-shim.so'), path.join(here, 'ipvs-shim.c'), '-ldl']);
  setupNamespace();
  await startNginx();
  const rows: Row[] = [];
  try {
    for (const n of sizes) {
      for (const t of tools) {
        if (t === 'ldirectord' && n > ldirectordMax) {
          const ref = rows.filter((r) => r.tool === 'ldirectord' && r.checks > 0).pop();
          // Sequential checks: pass time scales with n (a lower bound: its per-pass "already checked" scan is O(n²)).
          if (ref) rows.push({ ...ref, n, passS: (ref.passS * n) / ref.n, rssMB: NaN, checks: 0, note: `extrapolated from measured n=${ref.n} (LVSHA_BENCH_LDIRECTORD_MAX=${n} runs it; start-up takes ~1 s per real)` });
          continue;
        }
        process.stderr.write(`bench: ${t} n=${n} …\n`);
        try { rows.push(await measure(t, n)); } catch (e) {
          rows.push({ tool: t, n, passS: NaN, cpuPer1000: NaN, rssMB: NaN, checks: 0, note: (e as Error).message.slice(0, 200) });
        }
        const last = rows[rows.length - 1]!;
        process.stderr.write(`  pass ${fmt(last.passS)} s, ${fmt(last.cpuPer1000)} CPU-s/1000 checks, ${fmt(last.rssMB, 1)} MB ${last.note}\n`);
      }
    }
  } finally {
    nginx?.kill('SIGTERM');
    await sleep(300);
    try { sh('ip', ['netns', 'del', NS]); } catch { /* already gone */ }
    if (logFd >= 0) closeSync(logFd);
  }
  console.log(`\nHealth-check bench: HTTP GET of an 11-byte page, interval ${sizes.map((n) => `${intervalFor(n)} s @${n}`).join(', ')}, warm-up ≥ ${WARMUP} passes and ≥ ${WARMUP_CHECKS} checks, then ${PASSES} measured passes, 2 cores, nginx (1 worker) on 127.10.x.y in netns ${NS}`);
  console.log('tool        reals   pass(s)   CPU-s/1000 checks   RSS(MB)   note');
  for (const r of rows) console.log(`${r.tool.padEnd(11)} ${String(r.n).padStart(6)} ${fmt(r.passS).padStart(9)} ${fmt(r.cpuPer1000, 4).padStart(19)} ${fmt(r.rssMB, 1).padStart(9)}   ${r.note}`);
  console.log('\nratios (reference ÷ lvsha; > 1 means lvsha is better)');
  for (const n of sizes) {
    const l = rows.find((r) => r.tool === 'lvsha' && r.n === n);
    if (!l) continue;
    for (const ref of ['keepalived', 'ldirectord']) {
      const r = rows.find((x) => x.tool === ref && x.n === n);
      if (!r) continue;
      const pass = Number.isFinite(r.passS) ? `pass time ×${fmt(r.passS / l.passS, 2)}` : 'pass time n/a (per-real timers)';
      console.log(`n=${String(n).padEnd(6)} ${ref.padEnd(11)} ${pass.padEnd(32)} CPU per check ×${fmt(r.cpuPer1000 / l.cpuPer1000, 2)}   memory ×${fmt(r.rssMB / l.rssMB, 2)}${r.checks === 0 ? '  (extrapolated)' : ''}`);
    }
  }
  const big = rows.find((r) => r.tool === 'lvsha' && r.n === 10000);
  if (big) {
    const cpuPerPass = (big.cpuPer1000 * 10000) / 1000;
    console.log(`\ntarget: 10,000-real pass inside one 10 s interval: wall ${fmt(big.passS, 2)} s (${big.passS < 10 ? 'met' : 'NOT met'}); lvsha CPU per pass ${fmt(cpuPerPass, 2)} s of one core`);
    console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (wall times include waiting for CPU; CPU-seconds do not)`);
  }
  const ka = rows.filter((r) => r.tool === 'keepalived' && Number.isFinite(r.cpuPer1000));
  const worst = ka.map((k) => k.cpuPer1000 / (rows.find((r) => r.tool === 'lvsha' && r.n === k.n)?.cpuPer1000 ?? Infinity));
  if (worst.length) console.log(`target: ≥ keepalived's checks per CPU-second: ${worst.every((w) => w >= 1) ? 'met' : 'NOT met'} (ratios ${worst.map((w) => fmt(w, 2)).join(', ')})`);
  rmSync(dir, { recursive: true, force: true });
}

await main();
