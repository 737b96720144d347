/**
 * Everything `lvsha cluster init` writes, computed in memory (pure apart from
 * the injected random source) so the writer can refuse or write all of it.
 */
import { cibTree, renderXml, type CibOptions } from './cib.ts';
import { renderCorosyncConf } from './corosync-conf.ts';
import type { Model } from './description.ts';
import { renderAuthkeys, renderHaCf } from './ha-cf.ts';
import { renderLdirectordCf } from './ldirectord-cf.ts';
import { renderCrmsh, renderPcs } from './scripts.ts';
import { realserverFiles } from '../realserver/snippets.ts';

export interface PlannedFile { name: string; content: string | Uint8Array; mode: number; secret?: boolean }
export interface Plan { files: PlannedFile[]; warnings: string[] }

export type RandomBytes = (n: number) => Uint8Array;

export const FENCING_WARNING = [
  '',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '!! WARNING: NO FENCING. The description names no [fence NAME] device, so the  !!',
  '!! CIB sets stonith-enabled=false. If the directors lose sight of each other  !!',
  '!! while both run, BOTH will bring up the VIP (split brain). Configure a      !!',
  '!! fencing device before going to production.                                !!',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '',
].join('\n');

/** Keys to keep (re-running init with --force must not break a running cluster's authentication). */
export interface KeepKeys { authkeys?: string; authkey?: Uint8Array }

export async function planCluster(m: Model, random: RandomBytes, opts: CibOptions = {}, keep: KeepKeys = {}): Promise<Plan> {
  const files: PlannedFile[] = [];
  const warnings: string[] = [];
  const tree = cibTree(m, opts);
  // cib.xml holds no secrets, but Pacemaker keeps its CIB private (hacluster 0600); 0644 here for review
  files.push({ name: 'cib.xml', content: await renderXml(tree), mode: 0o644 });
  files.push({ name: 'crm-configure.txt', content: renderCrmsh(tree), mode: 0o644 });
  // pcs manages corosync clusters only (no heartbeat support, no stonith clones)
  if (m.stack === 'corosync') files.push({ name: 'pcs-commands.sh', content: renderPcs(tree), mode: 0o755 });
  if (m.stack === 'heartbeat') {
    files.push({ name: 'ha.cf', content: renderHaCf(m), mode: 0o644 });
    files.push({ name: 'authkeys', content: keep.authkeys ?? renderAuthkeys(Buffer.from(random(32)).toString('hex')), mode: 0o600, secret: true });
  } else {
    files.push({ name: 'corosync.conf', content: renderCorosyncConf(m), mode: 0o644 });
    files.push({ name: 'authkey', content: keep.authkey ?? random(256), mode: 0o400, secret: true });
  }
  if (m.ldirectord.generate) files.push({ name: 'ldirectord.cf', content: renderLdirectordCf(m), mode: 0o644 });
  if (m.method === 'masq') {
    files.push({ name: 'director-sysctl.conf', content: '# /etc/sysctl.d/90-lvsha-director.conf: LVS-NAT directors forward the replies\nnet.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 1\n', mode: 0o644 });
  }
  for (const f of realserverFiles({ method: m.method, vip: m.vip.addr, gateway: m.gateway?.addr })) {
    files.push({ name: `realserver/${f.name}`, content: f.content, mode: f.name.endsWith('.sh') ? 0o755 : 0o644 });
  }
  files.push({ name: 'INSTALL', content: installNotes(m), mode: 0o644 });
  if (m.fences.length === 0) warnings.push(FENCING_WARNING);
  if (m.stack === 'heartbeat' && m.nodes.length > 2) {
    warnings.push('note: heartbeat with more than 2 nodes gets no-quorum-policy=stop; a minority partition stops its resources');
  }
  return { files, warnings };
}

function installNotes(m: Model): string {
  const hb = m.stack === 'heartbeat';
  return [
    `Cluster ${m.name} (${m.stack}), nodes: ${m.nodes.map((n) => n.name).join(', ')}`,
    '',
    'On every director:',
    ...(hb
      ? ['  ha.cf     -> /etc/ha.d/ha.cf       (0644 root)', '  authkeys  -> /etc/ha.d/authkeys     (0600 root, identical everywhere)']
      : ['  corosync.conf -> /etc/corosync/corosync.conf (0644 root)', '  authkey       -> /etc/corosync/authkey       (0400 root, identical everywhere)']),
    ...(m.ldirectord.generate ? [`  ldirectord.cf -> ${m.ldirectord.configfile}`] : [`  keep your own ${m.ldirectord.configfile}`]),
    ...(m.method === 'masq' ? ['  director-sysctl.conf -> /etc/sysctl.d/90-lvsha-director.conf'] : []),
    '',
    'Then, once the cluster runs, on one director:',
    '  lvsha cluster apply DIR          (or: crm configure load update crm-configure.txt, or: sh pcs-commands.sh)',
    '',
    'On every real server: see realserver/README.',
    '',
  ].join('\n');
}
