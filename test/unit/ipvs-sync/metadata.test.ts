// ipvs-sync meta-data: the parameters src/cluster/cib.ts writes, the advertised actions, and validity
// against ocf-tester's ra-api-1.dtd and the OCF 1.1 RelaxNG schema.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import agent from '../../../agents/ipvs-sync.ts';
import { AGENTS } from '../../../src/agents-registry.ts';
import { renderMetadata } from '../../../src/ocf/metadata.ts';
import { runAgent } from '../../../src/ocf/run.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DTD_DIR = '/usr/share/resource-agents';
const RNG = `${ROOT}test/fixtures/ocf/ra-api-1.1.rng`;

function xmllint(args: string[], xml: string, cwd?: string) {
  const r = spawnSync('xmllint', args, { input: xml, encoding: 'utf8', ...(cwd ? { cwd } : {}) });
  if (r.error) throw new Error(`xmllint does not run (apt-get install libxml2-utils): ${r.error.message}`);
  return r;
}

t.test('parameters and actions', async (t) => {
  const md = agent.metadata;
  t.same(md.parameters.map((p) => [p.name, p.type, p.default, !!p.required]), [
    ['role', 'string', undefined, true], ['mcast_interface', 'string', undefined, true], ['syncid', 'integer', '0', false],
    ['sync_maxlen', 'integer', undefined, false], ['mcast_group', 'string', undefined, false],
    ['mcast_port', 'integer', undefined, false], ['mcast_ttl', 'integer', undefined, false],
  ]);
  t.equal(md.name, 'ipvs-sync'); t.equal(md.version, '1.0'); t.equal(md.ocfVersion, '1.0');
  t.same(md.actions.map((a) => [a.name, a.timeout, a.interval, a.depth]), [
    ['start', 20, undefined, undefined], ['stop', 20, undefined, undefined], ['monitor', 20, 10, 0],
    ['meta-data', 5, undefined, undefined], ['validate-all', 20, undefined, undefined],
  ]);
  t.same(Object.keys(agent.actions).sort(), ['monitor', 'start', 'stop', 'validate-all']);
  t.equal(await AGENTS['ipvs-sync']!(), agent, 'registered as ipvs-sync');
});

t.test('every parameter the CIB generator writes is declared', async (t) => {
  const cib = readFileSync(`${ROOT}src/cluster/cib.ts`, 'utf8');
  const names = new Set(agent.metadata.parameters.map((p) => p.name));
  const written = [...cib.matchAll(/'ipvs-sync',\s*\n?\s*[^\n]*?\[(\[.*?\])\]/g)].flatMap((m) => [...m[1]!.matchAll(/\['(\w+)',/g)].map((x) => x[1]!));
  t.same([...new Set(written)].sort(), ['mcast_interface', 'role', 'syncid'], 'cib.ts writes role, mcast_interface, syncid');
  for (const n of written) t.ok(names.has(n), `${n} declared`);
  t.match(cib, /\['role', 'master'\]/); t.match(cib, /\['role', 'backup'\]/);
});

t.test('xmllint --valid against ra-api-1.dtd (what ocf-tester runs)', async (t) => {
  t.ok(existsSync(`${DTD_DIR}/ra-api-1.dtd`), 'ra-api-1.dtd present (apt-get install resource-agents)');
  const xml = await renderMetadata(agent.metadata);
  t.match(xml, /^<\?xml version="1.0"\?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">/);
  const r = xmllint(['--noout', '--valid', '-'], xml, DTD_DIR);
  t.equal(r.status, 0, r.stderr);
  const bad = xml.replace('<action name="validate-all"', '<action name="reload-agent"');
  t.not(xmllint(['--noout', '--valid', '-'], bad, DTD_DIR).status, 0, 'the check can fail (reload-agent is not in the DTD)');
});

t.test('xmllint --relaxng against the OCF 1.1 schema', async (t) => {
  t.ok(existsSync(RNG), RNG);
  const xml = await renderMetadata(agent.metadata);
  const r = xmllint(['--noout', '--relaxng', RNG, '-'], xml);
  t.equal(r.status, 0, r.stderr);
  const bad = xml.replace(/<parameters>[\s\S]*<\/parameters>/, '<parameters/>');
  t.not(xmllint(['--noout', '--relaxng', RNG, '-'], bad).status, 0, 'the check can fail (empty <parameters>)');
});

t.test('through the OCF runtime: meta-data, validate-all, unknown action (no kernel needed)', async (t) => {
  const run = async (args: string[], env: Record<string, string> = {}) => {
    let out = '', err = '';
    const code = await runAgent(agent, args, { env: { OCF_ROOT: '/usr/lib/ocf', ...env }, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
    return { code, out, err };
  };
  const md = await run(['meta-data']);
  t.equal(md.code, 0); t.match(md.out, /<resource-agent name="ipvs-sync" version="1.0">/);
  t.equal((await run(['validate-all'], { OCF_RESKEY_role: 'master', OCF_RESKEY_mcast_interface: 'eth1', OCF_RESKEY_syncid: '7' })).code, 0);
  const v = await run(['validate-all'], { OCF_RESKEY_role: 'master', OCF_RESKEY_mcast_interface: 'eth1', OCF_RESKEY_syncid: '300' });
  t.equal(v.code, 6, 'OCF_ERR_CONFIGURED');
  t.match(v.err, /^ocf-exit-reason:parameter syncid: 300 is out of range 0\.\.255/m, 'one clear exit reason');
  const lvl = await run(['validate-all'], { OCF_RESKEY_role: 'backup', OCF_RESKEY_mcast_interface: 'lvsha-nosuch0', OCF_CHECK_LEVEL: '10' });
  t.equal(lvl.code, 2, 'level 10 checks the interface exists on this node: OCF_ERR_ARGS');
  t.match(lvl.err, /ocf-exit-reason:mcast_interface lvsha-nosuch0 does not exist on this node/);
  t.equal((await run(['validate-all'], { OCF_RESKEY_role: 'backup', OCF_RESKEY_mcast_interface: 'lvsha-nosuch0' })).code, 0, 'level 0 does not look at the host');
  // stop with parameters start could never have accepted: nothing to stop (a failed stop fences the node)
  t.equal((await run(['stop'], { OCF_RESKEY_role: 'bogus', OCF_RESKEY_mcast_interface: 'eth1' })).code, 0);
  t.equal((await run(['monitor'], { OCF_RESKEY_role: 'bogus', OCF_RESKEY_mcast_interface: 'eth1' })).code, 6);
  t.equal((await run(['reload'])).code, 3, 'reload not implemented');
  t.equal((await run(['notify'])).code, 3);
});
