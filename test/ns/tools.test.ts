// The cluster tools against the BUILT agent (dist/resource.d/lvsha/IPaddr2), inside namespaces lvsha-ip-t*:
// ocf-tester (IPv4 and IPv6 configurations) and `crm_resource --validate` (agreeing with ocf:heartbeat:IPaddr2).
import t from 'tap';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { OURS, ROOT, nsName, requirements, runAgent, topoDown, topoUp, waitLinksUp } from './lib.ts';

const exec = (cmd: string, args: string[]): Promise<{ code: number; out: string }> =>
  new Promise((res) => execFile(cmd, args, { timeout: 120_000, encoding: 'utf8' }, (err, out, errOut) => {
    const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
    res({ code, out: out + errOut });
  }));

const missing = requirements();
if (missing.length) {
  t.fail(`missing: ${missing.join('; ')}`);
} else {
  const TAG = 't1';
  const NS = nsName(TAG);
  topoUp(TAG);
  t.teardown(() => topoDown(TAG));
  t.before(async () => waitLinksUp(NS));

  for (const [name, opts] of [
    ['IPv4 with nic and cidr_netmask', ['-o', 'ip=10.9.0.150', '-o', 'cidr_netmask=24', '-o', 'nic=eth0']],
    ['IPv4, everything detected', ['-o', 'ip=10.9.1.151', '-o', 'iflabel=t']],
    ['IPv6', ['-o', 'ip=2001:db8:9::150']],
    ['IPv6 with nic, /128', ['-o', 'ip=2001:db8:9::151', '-o', 'nic=eth0', '-o', 'cidr_netmask=128']],
  ] as const) {
    t.test(`ocf-tester: ${name}`, async (t) => {
      const r = await exec('ip', ['netns', 'exec', NS, 'ocf-tester', '-n', 'vip', ...opts, OURS]);
      t.equal(r.code, 0, r.out);
      t.match(r.out, /passed all tests/);
      t.notMatch(r.out, /\* rc=|failed|error/i, 'no error lines');
    });
  }

  const SETS: Array<Record<string, string>> = [
    { ip: '10.9.0.150', cidr_netmask: '24', nic: 'eth0' },
    { ip: '10.9.0.151' },
    { ip: '2001:db8:9::150' },
    { ip: '10.9.0.300' },
    { ip: '10.9.0.152', nic: 'nope' },
    { ip: '10.9.0.153', cidr_netmask: '33' },
    { ip: '10.9.0.154', arp_count: '0' },
    { ip: '10.8.0.1' },
    { ip: 'fe80::1' },
    { ip: '10.9.0.155', iflabel: 'abcdefghijkl' },
    { ip: '10.9.0.156', arp_sender: 'nope' },
    { ip: '2001:db8:9::157', lvs_support: 'true' },
  ];
  t.test('crm_resource --validate: ocf:lvsha:IPaddr2 agrees with ocf:heartbeat:IPaddr2', async (t) => {
    const script = join(ROOT, 'test/ns/crm-validate.sh');
    for (const set of SETS) {
      const opts = Object.entries(set).flatMap(([k, v]) => ['--option', `${k}=${v}`]);
      const ref = await exec('bash', [script, NS, 'heartbeat', ...opts]);
      const ours = await exec('bash', [script, NS, 'lvsha', ...opts]);
      const direct = await runAgent(OURS, NS, 'validate-all', set);
      const label = JSON.stringify(set);
      t.match(ours.out, /Operation validate \(ocf:lvsha:IPaddr2\) returned/, `${label}: crm_resource ran our agent`);
      t.equal(ours.code, ref.code, `${label}: crm_resource rc ${ours.code} (heartbeat ${ref.code})`);
      const m = /returned (\d+)/.exec(ours.out);
      t.equal(Number(m?.[1]), direct.code, `${label}: crm_resource reports our validate-all code`);
    }
  });
}
