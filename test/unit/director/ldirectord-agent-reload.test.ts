// ocf:lvsha:ldirectord reload and config_digest against the real daemon code in this
// process (only the kernel table is a test double; the VM groups use real IPVS). The file
// name holds "ldirectord": pid files count as live only for such a /proc/PID/cmdline.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Director } from '../../../src/director/daemon.ts';
import { readStatus } from '../../../src/director/status.ts';
import { OCF } from '../../../src/ocf/exit-codes.ts';
import { destKeyId } from '../../../src/ipvs/model.ts';
import { agentCtx as ctx } from './agent-ctx.ts';
import { fakeKernel } from './fake-kernel.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsha-ld-agent-'));
// the agent finds pid and status files through these (as under Pacemaker, via its environment)
process.env['LVSHA_PID_DIR'] = dir;
process.env['LVSHA_RUN_DIR'] = dir;
const agent = await import('../../../src/director/agent.ts');

const cf = join(dir, 'lab.cf');
const conf = (w: number) => `checkinterval=1\nautoreload=no\nlogfile="${join(dir, 'lab.log')}"\nvirtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq ${w}\n\tchecktype=on\n`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

t.test('reload: Pacemaker-driven reload of a changed file, without a restart; config_digest guards every node', async (t) => {
  writeFileSync(cf, conf(2));
  const k = fakeKernel();
  let ready = false;
  const d = Director.load({ configPath: cf, name: 'lab.cf', stdoutLog: false, debug: false, openIpvs: async () => k.port, onReady: () => { ready = true; } });
  const running = d.run();
  const until = async (f: () => boolean, ms = 8000) => { const end = Date.now() + ms; while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 50)); return f(); };
  t.ok(await until(() => ready), 'daemon applied its first pass');
  const weights = () => k.tab.services.flatMap((s) => s.destinations.map((x) => `${destKeyId(x)}=${x.weight}`)).join(' ');
  const status = () => readStatus(join(dir, 'ldirectord.lab.cf.json'));
  t.equal(status()?.configSha256, sha(conf(2)), 'status file carries the running config digest');
  t.equal(status()?.reloads, 0);

  // a node whose file differs from config_digest: start/reload refused with exit 2, nothing sent to the daemon
  const c1 = ctx('reload', { configfile: cf, config_digest: sha(conf(9)) });
  t.equal(await agent.reload(c1), OCF.ERR_ARGS, 'file/digest mismatch → OCF_ERR_ARGS (this node only)');
  t.match(c1.reasons[0] ?? '', /lab\.cf on this node has sha256 .*config_digest wants .*copy the new file to every director/);
  t.equal(status()?.reloads, 0, 'the daemon got no SIGHUP');
  const bad = ctx('validate-all', { configfile: cf, config_digest: 'xyz' });
  t.equal(await agent.validateAll(bad), OCF.ERR_CONFIGURED, 'a malformed digest is a configuration error');

  // roll-out: new file, matching digest → reload, same process, new weight in the table
  writeFileSync(cf, conf(5));
  const c2 = ctx('reload', { configfile: cf, config_digest: sha(conf(5)) });
  t.equal(await agent.reload(c2), OCF.SUCCESS, 'reload returns once the daemon has reloaded');
  t.equal(status()?.reloads, 1);
  t.equal(status()?.pid, process.pid, 'no restart');
  t.equal(status()?.configSha256, sha(conf(5)));
  t.ok(await until(() => weights() === '10.0.1.1:80=5'), 'the new weight reached the table');

  // a broken file is refused by the agent before the daemon sees it
  writeFileSync(cf, conf(5) + 'bogus=1\n');
  const c3 = ctx('reload', { configfile: cf });
  t.equal(await agent.reload(c3), OCF.ERR_CONFIGURED, 'broken file → OCF_ERR_CONFIGURED');
  t.match(c3.reasons[0] ?? '', /lab\.cf:\d/, 'exit reason names file:line');
  t.equal(status()?.reloads, 1, 'no SIGHUP for a broken file');

  d.requestStop();
  t.equal(await running, 0);
});
