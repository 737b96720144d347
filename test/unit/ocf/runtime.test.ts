import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { ConfigError, NotInstalledError, PermissionError } from '../../../src/errors.ts';
import { OCF, ocfCodeName } from '../../../src/ocf/exit-codes.ts';
import { isProbe, isTrue, readOcfEnv, cloneNumber } from '../../../src/ocf/env.ts';
import { renderMetadata } from '../../../src/ocf/metadata.ts';
import { runAgent } from '../../../src/ocf/run.ts';
import type { AgentDefinition } from '../../../src/ocf/types.ts';

const def = (actions: AgentDefinition['actions']): AgentDefinition => ({
  metadata: {
    name: 'Test', version: '1.2', ocfVersion: '1.0', shortdesc: 'test agent', longdesc: 'A test <agent> & "friends".',
    parameters: [
      { name: 'ip', shortdesc: 'address', longdesc: 'The address.', type: 'string', required: true, unique: true },
      { name: 'count', shortdesc: 'count', longdesc: 'How many.', type: 'integer', default: '5' },
    ],
    actions: [{ name: 'start', timeout: 20 }, { name: 'monitor', timeout: 20, interval: 10, depth: 0 }, { name: 'meta-data', timeout: 5 }],
  },
  actions,
});

async function run(d: AgentDefinition, args: string[], env: Record<string, string> = {}) {
  let out = '', err = '';
  const code = await runAgent(d, args, { env, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

t.test('exit codes are the OCF values', async (t) => {
  t.same([OCF.SUCCESS, OCF.ERR_GENERIC, OCF.ERR_ARGS, OCF.ERR_UNIMPLEMENTED, OCF.ERR_PERM, OCF.ERR_INSTALLED, OCF.ERR_CONFIGURED, OCF.NOT_RUNNING, OCF.RUNNING_PROMOTED, OCF.FAILED_PROMOTED, OCF.DEGRADED, OCF.DEGRADED_PROMOTED], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 190, 191]);
  t.equal(ocfCodeName(7), 'OCF_NOT_RUNNING');
});

t.test('environment: params, meta in ms, check level, probe', async (t) => {
  const env = readOcfEnv({
    OCF_RESKEY_ip: '10.0.0.1', OCF_RESKEY_CRM_meta_interval: '10000', OCF_RESKEY_CRM_meta_timeout: '20000',
    OCF_RESKEY_crm_feature_set: '3.16', OCF_CHECK_LEVEL: '10', OCF_RESOURCE_INSTANCE: 'vip:2', OCF_RA_VERSION_MAJOR: '1', OCF_RA_VERSION_MINOR: '1',
  }, 'monitor');
  t.same(env.params, { ip: '10.0.0.1' });
  t.equal(env.intervalMs, 10000);
  t.equal(env.timeoutMs, 20000);
  t.equal(env.checkLevel, 10);
  t.same(env.raVersion, { major: 1, minor: 1 });
  t.equal(cloneNumber(env), 2);
  t.notOk(isProbe('monitor', env));
  t.ok(isProbe('monitor', readOcfEnv({ OCF_RESKEY_CRM_meta_interval: '0' }, 'monitor')), 'interval 0 → probe');
  t.notOk(isProbe('monitor', readOcfEnv({}, 'monitor')), 'no interval: not a probe (ocf_is_probe)');
  t.equal(readOcfEnv({ OCF_RESKEY_OCF_CHECK_LEVEL: '20' }, 'monitor').checkLevel, 20);
  t.equal(readOcfEnv({}, 'x').resourceInstance, 'default');
  t.ok(readOcfEnv({ OCF_TESTER_FAIL_HAVE_BINARY: '1' }, 'x').failHaveBinary);
  t.ok(isTrue('yes') && isTrue('TRUE') && isTrue('1') && isTrue('on') && !isTrue('no') && !isTrue(undefined));
});

t.test('dispatch: meta-data, usage, unknown action, missing action', async (t) => {
  const d = def({ start: async () => 0 });
  const md = await run(d, ['meta-data']);
  t.equal(md.code, 0);
  t.match(md.out, /^<\?xml version="1.0"\?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">/);
  t.match(md.out, /A test &lt;agent&gt; &amp; "friends"./);
  t.equal((await run(d, ['usage'])).code, 0);
  t.equal((await run(d, ['help'])).code, 0);
  const bad = await run(d, ['frobnicate']);
  t.equal(bad.code, 3);
  t.match(bad.err, /usage: Test \{start\|meta-data\|usage\}/);
  t.equal((await run(d, [])).code, 2);
});

t.test('errors map to exit codes with an exit reason', async (t) => {
  const cases: Array<[Error, number]> = [
    [new ConfigError('ip is required', { where: 'ip' }), 6],
    [new NotInstalledError('ip_vs is not loaded: modprobe ip_vs'), 5],
    [new PermissionError('must be root'), 4],
    [Object.assign(new Error('socket: Operation not permitted'), { code: 'EPERM' }), 4],
    [new Error('boom'), 1],
  ];
  for (const [e, code] of cases) {
    const r = await run(def({ start: async () => { throw e; } }), ['start'], { OCF_EXIT_REASON_PREFIX: 'REASON:' });
    t.equal(r.code, code, e.message);
    t.match(r.err, new RegExp(`^REASON:${e.message.replace(/[()]/g, '.')}`, 'm'));
  }
  const r = await run(def({ start: async (c) => { c.exitReason('first'); c.exitReason('second'); return 1; } }), ['start']);
  t.match(r.err, /^ocf-exit-reason:first$/m, 'default prefix as ocf-shellfuncs');
  t.notMatch(r.err, /ocf-exit-reason:second/, 'only the first reason is printed');
});

t.test('action timeout is honoured', async (t) => {
  const started = Date.now();
  let aborted = false;
  const r = await run(def({
    start: (c) => new Promise((resolve) => { c.signal.addEventListener('abort', () => { aborted = true; resolve(0); }); }),
  }), ['start'], { OCF_RESKEY_CRM_meta_timeout: '500' });
  t.equal(r.code, 1);
  t.ok(aborted, 'the handler saw the abort');
  t.ok(Date.now() - started < 2000);
  t.match(r.err, /did not complete within its timeout \(500 ms\)/);
});

t.test('logging to HA_LOGFILE and debug gating', async (t) => {
  const dir = t.testdir();
  const file = `${dir}/ha.log`;
  const r = await run(def({ start: async (c) => { c.log.info('hello'); c.log.debug('hidden'); return 0; } }), ['start'], { HA_LOGFILE: file, OCF_RESOURCE_INSTANCE: 'vip' });
  t.match(r.err, /Test\(vip\): INFO: hello/);
  t.notMatch(r.err, /hidden/);
  const { readFileSync } = await import('node:fs');
  t.match(readFileSync(file, 'utf8'), /Test\(vip\)\(\d+\)\[.*\]: INFO: hello/);
  const d = await run(def({ start: async (c) => { c.log.debug('shown'); return 0; } }), ['start'], { HA_debug: '1' });
  t.match(d.err, /DEBUG: shown/);
});

t.test('meta-data validates against ra-api-1.dtd and the OCF 1.1 RNG', async (t) => {
  const xml = await renderMetadata(def({}).metadata);
  const xmllint = spawnSync('xmllint', ['--version']);
  t.equal(xmllint.error, undefined, 'xmllint missing: apt-get install libxml2-utils');
  const dtd = spawnSync('xmllint', ['--noout', '--valid', '-'], { cwd: '/usr/share/resource-agents', input: xml });
  t.equal(dtd.status, 0, `DTD: ${dtd.stderr}`);
  const rng = spawnSync('xmllint', ['--noout', '--relaxng', new URL('../../fixtures/ocf/ra-api-1.1.rng', import.meta.url).pathname, '-'], { input: xml });
  t.equal(rng.status, 0, `RNG: ${rng.stderr}`);
  t.ok(execFileSync('ls', ['/usr/share/resource-agents/ra-api-1.dtd']), 'resource-agents installed');
});

t.test('syslog: HA_LOGFACILITY sends RFC 3164 datagrams with the facility and severity', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/lvsha-log-'); // sun_path holds 108 bytes: tap's testdir is too deep
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = `${dir}/log.sock`;
  const { spawn } = await import('node:child_process');
  // a unix datagram listener (Node has none): python3 prints each datagram it receives
  const py = spawn('python3', ['-u', '-c', `import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); print('ready', flush=True)
while True:
    d=s.recv(4096); print(d.decode(), flush=True)`, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { py.kill(); });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    py.once('error', reject);
    py.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('ready')) resolve(); });
  });
  await run(def({ start: async (c) => { c.log.warn('disk on fire'); return 0; } }), ['start'], { HA_LOGFACILITY: 'local3', LVSHA_SYSLOG_SOCKET: sock, OCF_RESOURCE_INSTANCE: 'vip' });
  for (let i = 0; i < 50 && !out.includes('disk on fire'); i++) await new Promise((r) => setTimeout(r, 20));
  // local3 = 19, warning = 4 → <156>
  t.match(out, /<156>Test\(vip\)\[\d+\]: disk on fire/);
});
