// Meta-data: the parameter list of resource-agents 4.12's IPaddr2 plus check_link_status, valid against ra-api-1.dtd.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import agent from '../../../agents/IPaddr2.ts';
import { renderMetadata } from '../../../src/ocf/metadata.ts';

// name, type, default (undefined = no default attribute), as printed by Debian 12's IPaddr2 meta-data
const REF: Array<[string, string, string | undefined]> = [
  ['ip', 'string', ''], ['nic', 'string', undefined], ['cidr_netmask', 'string', ''], ['broadcast', 'string', ''],
  ['iflabel', 'string', ''], ['lvs_support', 'boolean', 'false'], ['lvs_ipv6_addrlabel', 'boolean', 'false'],
  ['lvs_ipv6_addrlabel_value', 'integer', '99'], ['mac', 'string', ''], ['clusterip_hash', 'string', 'sourceip-sourceport'],
  ['unique_clone_address', 'boolean', 'false'], ['arp_interval', 'integer', '200'], ['arp_count', 'integer', '5'],
  ['arp_count_refresh', 'integer', '0'], ['arp_bg', 'string', ''], ['arp_sender', 'string', ''], ['send_arp_opts', 'string', ''],
  ['flush_routes', 'boolean', 'false'], ['run_arping', 'string', 'false'], ['nodad', 'string', 'false'],
  ['noprefixroute', 'string', 'false'], ['preferred_lft', 'string', 'forever'], ['network_namespace', 'string', ''],
  ['check_link_status', 'boolean', 'true'],
];

t.test('parameters match 4.12 (+ check_link_status)', async (t) => {
  const md = agent.metadata;
  t.same(md.parameters.map((p) => [p.name, p.type, p.default]), REF);
  const ip = md.parameters.find((p) => p.name === 'ip')!;
  t.ok(ip.required && ip.unique, 'ip is required and unique');
  t.equal(md.version, '1.0'); t.equal(md.ocfVersion, '1.0');
  t.same(md.actions.map((a) => [a.name, a.timeout, a.interval, a.depth]), [
    ['start', 20, undefined, undefined], ['stop', 20, undefined, undefined], ['status', 20, 10, 0], ['monitor', 20, 10, 0],
    ['meta-data', 5, undefined, undefined], ['validate-all', 20, undefined, undefined],
  ]);
});

t.test('xmllint --valid against ra-api-1.dtd', async (t) => {
  const dtdDir = '/usr/share/resource-agents';
  t.ok(existsSync(`${dtdDir}/ra-api-1.dtd`), 'ra-api-1.dtd present (apt-get install resource-agents)');
  const xml = await renderMetadata(agent.metadata);
  t.match(xml, /<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">/);
  const r = spawnSync('xmllint', ['--noout', '--valid', '-'], { input: xml, cwd: dtdDir, encoding: 'utf8' });
  t.equal(r.error, undefined, 'xmllint runs (apt-get install libxml2-utils)');
  t.equal(r.status, 0, r.stderr);
  const bad = xml.replace('<action name="start"', '<action name="reload-agent"');
  t.not(spawnSync('xmllint', ['--noout', '--valid', '-'], { input: bad, cwd: dtdDir }).status, 0, 'the check can fail');
});
