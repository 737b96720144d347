// ocf:lvsha:ldirectord monitor (depth 10) against table drift, with the real daemon code in
// this process (only the kernel table is a test double; test/vm/ldirectord-agent uses real
// IPVS). The file name holds "ldirectord": pid files count as live only for such a
// /proc/PID/cmdline.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Director } from '../../../src/director/daemon.ts';
import type { IpvsPort } from '../../../src/director/model.ts';
import { readStatus } from '../../../src/director/status.ts';
import { destKeyId, type Table } from '../../../src/ipvs/model.ts';
import { OCF } from '../../../src/ocf/exit-codes.ts';
import { agentCtx } from './agent-ctx.ts';
import { fakeKernel } from './fake-kernel.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-ld-monitor-'));
process.env['LVSHA_PID_DIR'] = dir;
process.env['LVSHA_RUN_DIR'] = dir;
const agent = await import('../../../src/director/agent.ts');

const cf = join(dir, 'mon.cf');
writeFileSync(cf, `checkinterval=1\nautoreload=no\nlogfile="${join(dir, 'mon.log')}"\nvirtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 1\n\treal=10.0.2.1:80 masq 2\n\tchecktype=on\n`);

const k = fakeKernel();
// The daemon's view of the kernel: the fake, except for one stale dump (a pass that read the
// table just before a change) or a kernel that refuses to change a weight.
let staleDump: Table | undefined;
let staleDumpsServed = 0;
let refuseWeightChange = false;
const daemonPort: IpvsPort = {
  async list() {
    if (!staleDump) return k.port.list();
    const s = staleDump;
    staleDump = undefined;
    staleDumpsServed++;
    return s;
  },
  async apply(ops) {
    if (refuseWeightChange && ops.some((o) => o.op === 'edit-dest')) throw new Error('edit-dest refused (test)');
    return k.port.apply(ops);
  },
  close() {},
};
const agentIo = { kernelTable: () => k.port.list() };

const weights = () => k.tab.services.flatMap((s) => s.destinations.map((x) => `${destKeyId(x)}=${x.weight}`)).sort().join(' ');
const drift = (w: number) => {
  const d = k.tab.services[0]?.destinations.find((x) => destKeyId(x) === '10.0.2.1:80');
  if (d) d.weight = w;
};
const pass = () => readStatus(join(dir, 'ldirectord.mon.cf.json'))?.pass ?? -1;
const until = async (f: () => boolean, ms = 8000) => { const end = Date.now() + ms; while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 50)); return f(); };

let ready = false;
const d = Director.load({ configPath: cf, name: 'mon.cf', stdoutLog: false, debug: false, openIpvs: async () => daemonPort, onReady: () => { ready = true; } });
const running = d.run();
t.teardown(async () => { d.requestStop(); await running; });

t.test('the table is built', async (t) => {
  t.ok(await until(() => ready), 'daemon applied its first pass');
  t.equal(weights(), '10.0.1.1:80=1 10.0.2.1:80=2');
  const c = agentCtx('monitor', { configfile: cf }, { checkLevel: 10 });
  t.equal(await agent.monitor(c, agentIo), OCF.SUCCESS, 'depth-10 monitor of an equal table: 0');
});

t.test('drift that the pass after next repairs is no failure', async (t) => {
  // The next pass read the kernel just before the change (it reports no drift); the one after repairs it.
  staleDump = await k.port.list();
  drift(7);
  const c = agentCtx('monitor', { configfile: cf }, { checkLevel: 10 });
  t.equal(await agent.monitor(c, agentIo), OCF.SUCCESS, 'depth-10 monitor: 0');
  t.same(c.reasons, []);
  t.equal(staleDumpsServed, 1, 'a pass did read the kernel from before the change');
  t.equal(weights(), '10.0.1.1:80=1 10.0.2.1:80=2', 'weight restored by the time monitor returned');
});

t.test('drift that the daemon cannot repair fails depth 10 once two passes kept it, not at the deadline', async (t) => {
  refuseWeightChange = true;
  t.teardown(() => { refuseWeightChange = false; });
  drift(7);
  const depth0 = agentCtx('monitor', { configfile: cf });
  t.equal(await agent.monitor(depth0, agentIo), OCF.SUCCESS, 'depth 0 compares services only: 0');
  const before = pass();
  const t0 = Date.now();
  // 120 s action timeout: the agent may wait up to 60 s for a repair
  const c = agentCtx('monitor', { configfile: cf }, { checkLevel: 10, timeoutMs: 120_000 });
  t.equal(await agent.monitor(c, agentIo), OCF.ERR_GENERIC, 'depth-10 monitor: 1');
  t.match(c.reasons[0] ?? '', /IPVS table differs from what ldirectord wants: TCP 10\.0\.0\.1:80 -> 10\.0\.2\.1:80 has weight 7, want 2/);
  t.ok(pass() >= before + 2, `returned after two more passes (${before} → ${pass()})`);
  t.ok(Date.now() - t0 < 50_000, 'well before the 60 s wait limit');
});

t.test('the daemon repairs it once the kernel takes the change again', async (t) => {
  t.ok(await until(() => weights() === '10.0.1.1:80=1 10.0.2.1:80=2'), 'weight restored');
  const c = agentCtx('monitor', { configfile: cf }, { checkLevel: 10 });
  t.equal(await agent.monitor(c, agentIo), OCF.SUCCESS, 'depth-10 monitor: 0');
});
