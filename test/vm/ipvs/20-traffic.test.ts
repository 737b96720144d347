// Real traffic through the table lvsha writes: a client namespace reaches the VIP and is balanced
// across two real-server namespaces, through NAT (masq) and through direct routing (route).
// Topology (all addresses inside namespaces this test creates):
//   lvsha-ipvs-cl (10.9.1.2) —veth— director = this namespace (10.9.1.1; VIP 10.9.0.1 on lo)
//   director 10.9.2.1 —veth— lvsha-ipvs-rs1 (10.9.2.2);  director 10.9.3.1 —veth— lvsha-ipvs-rs2 (10.9.3.2)
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatList } from '../../../src/ipvs/format.ts';
import { plan } from '../../../src/ipvs/planner.ts';
import { validateTable } from '../../../src/ipvs/validate.ts';
import { closeIpvs, ipvs, ipvsadm, reset, run, sh } from './helpers.ts';

const NS = { cl: 'lvsha-ipvs-cl', rs1: 'lvsha-ipvs-rs1', rs2: 'lvsha-ipvs-rs2' };
const VIP = '10.9.0.1';
const HTTP_CLIENT = new URL('./http-client.ts', import.meta.url).pathname;
const servers: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'lvsha-ipvs-www-'));

function cleanup() {
  for (const p of servers) if (p.pid && p.exitCode === null) p.kill('SIGTERM');
  for (const n of Object.values(NS)) { try { run('ip', ['netns', 'del', n]); } catch { /* */ } }
  try { sh(`ip addr del ${VIP}/32 dev lo`); } catch { /* */ }
  try { reset(); } catch { /* */ }
  closeIpvs();
}
t.teardown(cleanup);

t.before(() => {
  cleanup();
  sh(`
    set -e
    sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    sysctl -qw net.ipv4.vs.conntrack=1 2>/dev/null || true
    ip addr add ${VIP}/32 dev lo
    ip netns add ${NS.cl}; ip netns add ${NS.rs1}; ip netns add ${NS.rs2}
    ip link add lvsha-cl0 type veth peer name eth0 netns ${NS.cl}
    ip addr add 10.9.1.1/24 dev lvsha-cl0; ip link set lvsha-cl0 up
    ip -n ${NS.cl} addr add 10.9.1.2/24 dev eth0; ip -n ${NS.cl} link set eth0 up; ip -n ${NS.cl} link set lo up
    ip -n ${NS.cl} route add default via 10.9.1.1
    for i in 1 2; do
      n=lvsha-ipvs-rs$i; net=$((i+1))
      ip link add lvsha-rs$i type veth peer name eth0 netns $n
      ip addr add 10.9.$net.1/24 dev lvsha-rs$i; ip link set lvsha-rs$i up
      # DR replies come back through the director (our router) with the VIP, a local address, as source
      sysctl -qw net.ipv4.conf.lvsha-rs$i.rp_filter=0 net.ipv4.conf.lvsha-rs$i.accept_local=1
      ip -n $n addr add 10.9.$net.2/24 dev eth0; ip -n $n link set eth0 up; ip -n $n link set lo up
      ip -n $n route add default via 10.9.$net.1
      # for direct routing the real server owns the VIP too, without answering ARP for it
      ip -n $n addr add ${VIP}/32 dev lo
      ip netns exec $n sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
    done
  `);
  for (const i of [1, 2]) {
    const www = join(dir, `rs${i}`);
    mkdirSync(www, { recursive: true });
    writeFileSync(join(www, 'index.html'), `rs${i}\n`);
    const p = spawn('ip', ['netns', 'exec', `lvsha-ipvs-rs${i}`, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' });
    servers.push(p);
  }
  // wait (bounded, 20 s) until both servers answer directly
  for (const i of [1, 2]) {
    const [body] = get(`10.9.${i + 1}.2`, 1, 20000);
    if (body !== `rs${i}`) throw new Error(`real server rs${i} did not come up (busybox httpd): ${body}`);
  }
});

/** COUNT GETs from the client namespace, one node process. */
function get(host: string, count: number, waitMs = 0): string[] {
  return JSON.parse(run('ip', ['netns', 'exec', NS.cl, process.execPath, ...process.execArgv, HTTP_CLIENT, `http://${host}/`, String(count), String(waitMs)]));
}


async function applyTable(forward: 'masq' | 'route') {
  const c = await ipvs();
  const want = validateTable({ services: [{ service: `TCP ${VIP}:80`, scheduler: 'rr', destinations: [
    { address: '10.9.2.2:80', forward }, { address: '10.9.3.2:80', forward },
  ] }] });
  await c.apply(plan(want, await c.getState()));
  return want;
}

for (const forward of ['masq', 'route'] as const) {
  t.test(`balanced through ${forward === 'masq' ? 'NAT' : 'direct routing'}`, async (t) => {
    reset();
    const c = await ipvs();
    await applyTable(forward);
    const seen: Record<string, number> = {};
    for (const b of get(VIP, 10)) seen[b] = (seen[b] ?? 0) + 1;
    t.same(seen, { rs1: 5, rs2: 5 }, 'round robin over both real servers');
    // the kernel folds per-CPU counters into what it reports every 2 s (estimator): poll, bounded
    let dests = await c.getDests({ family: 'inet', protocol: 'tcp', address: VIP, port: 80 });
    for (let i = 0; i < 150 && dests.reduce((n, d) => n + d.stats!.conns, 0n) < 10n; i++) {
      await new Promise((r) => setTimeout(r, 200));
      dests = await c.getDests({ family: 'inet', protocol: 'tcp', address: VIP, port: 80 });
    }
    for (const d of dests) {
      t.equal(d.stats!.conns, 5n, `${d.address}: 5 connections counted`);
      t.ok(d.stats!.inpkts > 0n && d.stats!.inbytes > 0n, `${d.address}: inbound packets/bytes counted`);
      if (forward === 'masq') t.ok(d.stats!.outpkts > 0n, `${d.address}: NAT sees the replies`);
      t.equal(d.forward, forward);
    }
    // what the real servers saw: NAT rewrites the destination to the real server's address,
    // direct routing delivers the packet unchanged (destination = VIP, owned on the server's lo)
    for (const i of [1, 2]) {
      const tw = run('ip', ['netns', 'exec', `lvsha-ipvs-rs${i}`, 'ss', '-Htan', 'state', 'time-wait']);
      const local = forward === 'masq' ? `10.9.${i + 1}.2:80` : `${VIP}:80`;
      const addr = (forward === 'masq' ? `10.9.${i + 1}.2` : VIP).replace(/\./g, '\\.');
      t.match(tw, new RegExp(`(\\[::ffff:)?${addr}\\]?:80\\s+(\\[::ffff:)?10\\.9\\.1\\.2\\]?:`), `rs${i} served the client on ${local}`);
    }
    // ipvsadm shows the same counters lvsha reads (64-bit STATS64)
    const info = await c.getInfo();
    t.equal(ipvsadm('-Ln', '--stats', '--exact'), formatList(info, await c.getTable(), { stats: true, exact: true }), 'ipvsadm --stats --exact == lvsha');
    t.match(ipvsadm('-Lnc'), /10\.9\.1\.2:\d+ +10\.9\.0\.1:80 +10\.9\.[23]\.2:80/, 'connection entries client -> VIP -> real server');
    // one weight to 0: all traffic to the other server, as a single in-place edit
    const want = validateTable({ services: [{ service: `TCP ${VIP}:80`, scheduler: 'rr', destinations: [
      { address: '10.9.2.2:80', forward, weight: 0 }, { address: '10.9.3.2:80', forward },
    ] }] });
    const ops = plan(want, await c.getState());
    t.same(ops.map((o) => o.op), ['edit-dest']);
    await c.apply(ops);
    const after: Record<string, number> = {};
    for (const b of get(VIP, 4)) after[b] = (after[b] ?? 0) + 1;
    t.same(after, { rs2: 4 }, 'weight 0 quiesces rs1');
    // zero counters (once the last 4 connections are folded in, so ZERO's baseline includes them)
    for (let i = 0; i < 150 && (await c.getDests({ family: 'inet', protocol: 'tcp', address: VIP, port: 80 })).reduce((n, d) => n + d.stats!.conns, 0n) < 14n; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await c.zero();
    await new Promise((r) => setTimeout(r, 2500));
    t.equal((await c.getDests({ family: 'inet', protocol: 'tcp', address: VIP, port: 80 })).every((d) => d.stats!.conns === 0n), true, 'ZERO clears the counters');
  });
}
