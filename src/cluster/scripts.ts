/**
 * The generated CIB as crmsh (`crm configure`) and pcs command scripts (pure).
 * Both are derived from the same tree as cib.xml so the three never disagree.
 */
import type { cibTree } from './cib.ts';

type El = { $?: Record<string, string>; [k: string]: unknown };
const arr = (x: unknown): El[] => (x === undefined || x === '' ? [] : Array.isArray(x) ? (x as El[]) : [x as El]);
const nv = (set: unknown): [string, string][] =>
  arr(set).flatMap((s) => arr(s['nvpair']).map((p) => [p.$!['name']!, p.$!['value']!] as [string, string]));
/** Quote a shell/crmsh word only when needed. */
const q = (v: string): string => (/^[A-Za-z0-9_./:@=+-]+$/.test(v) ? v : `"${v.replace(/(["\\$`])/g, '\\$1')}"`);
const kv = (pairs: [string, string][]): string => pairs.map(([k, v]) => q(`${k}=${v}`)).join(' ');

interface Prim { id: string; agent: string; params: [string, string][]; ops: Record<string, string>[] }

function prim(p: El): Prim {
  const a = p.$!;
  const agent = a['class'] === 'stonith' ? `stonith:${a['type']}` : `${a['class']}:${a['provider']}:${a['type']}`;
  const ops = arr((p['operations'] as El | undefined)?.['op']).map((o) => o.$!);
  return { id: a['id']!, agent, params: nv(p['instance_attributes']), ops };
}

function parts(tree: ReturnType<typeof cibTree>) {
  const conf = tree.cib['configuration'] as El;
  const res = conf['resources'] as El;
  const cons = conf['constraints'] as El;
  const group = res['group'] as El;
  return {
    props: nv((conf['crm_config'] as El)['cluster_property_set']),
    defaults: nv((conf['rsc_defaults'] as El)['meta_attributes']),
    prims: arr(res['primitive']).map(prim),
    clones: arr(res['clone']).map((c) => ({ id: c.$!['id']!, meta: nv(c['meta_attributes']), prim: prim(c['primitive'] as El) })),
    group: { id: group.$!['id']!, members: arr(group['primitive']).map(prim) },
    locations: arr(cons['rsc_location']),
    colocations: arr(cons['rsc_colocation']),
    orders: arr(cons['rsc_order']),
  };
}

const opWords = (ops: Record<string, string>[]): string =>
  ops.map((o) => `op ${o['name']} interval=${o['interval']} timeout=${o['timeout']}`).join(' ');

export function renderCrmsh(tree: ReturnType<typeof cibTree>): string {
  const p = parts(tree);
  const out = ['# crm configure load update crm-configure.txt   (crmsh; same configuration as cib.xml)'];
  out.push(`property ${kv(p.props)}`);
  out.push(`rsc_defaults ${kv(p.defaults)}`);
  const primLine = (r: Prim): string =>
    [`primitive ${r.id} ${r.agent}`, r.params.length ? `params ${kv(r.params)}` : '', opWords(r.ops)].filter(Boolean).join(' \\\n\t');
  for (const r of p.prims) out.push(primLine(r));
  for (const c of p.clones) {
    out.push(primLine(c.prim));
    out.push(`clone ${c.id} ${c.prim.id}${c.meta.length ? ` meta ${kv(c.meta)}` : ''}`);
  }
  for (const r of p.group.members) out.push(primLine(r));
  out.push(`group ${p.group.id} ${p.group.members.map((m) => m.id).join(' ')}`);
  for (const l of p.locations) {
    const a = l.$!;
    const rule = l['rule'] as El | undefined;
    if (rule) {
      const exprs = arr(rule['expression']).map((e) => {
        const x = e.$!;
        return x['operation'] === 'not_defined' || x['operation'] === 'defined'
          ? `${x['operation']} ${x['attribute']}`
          : `${x['attribute']} ${x['type'] ? `${x['type']}:` : ''}${x['operation']} ${x['value']}`;
      });
      const score = rule.$!['score'] === '-INFINITY' ? '-inf' : rule.$!['score'];
      out.push(`location ${a['id']} ${a['rsc']} rule ${score}: ${exprs.join(` ${rule.$!['boolean-op'] ?? 'and'} `)}`);
    } else {
      out.push(`location ${a['id']} ${a['rsc']} ${a['score'] === '-INFINITY' ? '-inf' : a['score']}: ${a['node']}`);
    }
  }
  for (const c of p.colocations) {
    const a = c.$!;
    out.push(`colocation ${a['id']} ${a['score'] === '-INFINITY' ? '-inf' : a['score']}: ${a['rsc']} ${a['with-rsc']}`);
  }
  for (const o of p.orders) {
    const a = o.$!;
    out.push(`order ${a['id']} ${a['kind']}: ${a['first']} ${a['then']}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderPcs(tree: ReturnType<typeof cibTree>): string {
  const p = parts(tree);
  const out = [
    '#!/bin/sh',
    '# pcs commands for the same configuration as cib.xml; edits an offline copy, then pushes it in one step.',
    'set -e',
    'f=$(mktemp /tmp/lvsha-cib.XXXXXX)',
    'trap \'rm -f "$f"\' EXIT',
    'pcs cluster cib "$f"',
    `pcs -f "$f" property set ${kv(p.props)}`,
    `pcs -f "$f" resource defaults update ${kv(p.defaults)}`,
  ];
  const opArgs = (ops: Record<string, string>[]): string =>
    ops.length ? ` op ${ops.map((o) => `${o['name']} interval=${o['interval']} timeout=${o['timeout']}`).join(' ')}` : '';
  for (const r of p.prims) {
    const cmd = r.agent.startsWith('stonith:') ? `stonith create ${r.id} ${r.agent.slice(8)}` : `resource create ${r.id} ${r.agent}`;
    out.push(`pcs -f "$f" ${cmd} ${kv(r.params)}${opArgs(r.ops)}`);
  }
  for (const c of p.clones) {
    const r = c.prim;
    const cmd = r.agent.startsWith('stonith:') ? `stonith create ${r.id} ${r.agent.slice(8)}` : `resource create ${r.id} ${r.agent}`;
    // pcs 0.10/0.11: clone options follow the clone id directly
    out.push(`pcs -f "$f" ${cmd} ${kv(r.params)}${opArgs(r.ops)} clone ${c.id}${c.meta.length ? ` ${kv(c.meta)}` : ''}`);
  }
  for (const r of p.group.members) {
    out.push(`pcs -f "$f" resource create ${r.id} ${r.agent} ${kv(r.params)}${opArgs(r.ops)} --group ${p.group.id}`);
  }
  for (const l of p.locations) {
    const a = l.$!;
    const rule = l['rule'] as El | undefined;
    if (rule) {
      const exprs = arr(rule['expression']).map((e) => {
        const x = e.$!;
        return x['operation'] === 'not_defined' || x['operation'] === 'defined'
          ? `${x['operation']} ${x['attribute']}`
          : `${x['attribute']} ${x['operation']} ${x['type'] ? `${x['type']} ` : ''}${x['value']}`;
      });
      out.push(`pcs -f "$f" constraint location ${a['rsc']} rule constraint-id=${a['id']} id=${rule.$!['id']} score=${rule.$!['score']} ${exprs.join(` ${rule.$!['boolean-op'] ?? 'and'} `)}`);
    } else {
      // "location add" keeps the constraint id of cib.xml (prefers/avoids would invent one)
      // "--": a negative score would otherwise be read as an option
      out.push(`pcs -f "$f" constraint location add ${a['id']} ${a['rsc']} ${a['node']} ${a['score']!.startsWith('-') ? '-- ' : ''}${a['score']}`);
    }
  }
  for (const c of p.colocations) {
    const a = c.$!;
    out.push(`pcs -f "$f" ${a['score']!.startsWith('-') ? '-- ' : ''}constraint colocation add ${a['rsc']} with ${a['with-rsc']} ${a['score']} id=${a['id']}`);
  }
  for (const o of p.orders) {
    const a = o.$!;
    out.push(`pcs -f "$f" constraint order start ${a['first']} then start ${a['then']} kind=${a['kind']} id=${a['id']}`);
  }
  out.push('pcs cluster cib-push "$f" --config');
  return `${out.join('\n')}\n`;
}
