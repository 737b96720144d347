/** A CIB's configuration reduced to what must match between cib.xml, crmsh and pcs (generated sub-ids ignored). */
type X = any;
const arr = (x: unknown): X[] => (Array.isArray(x) ? x : x === undefined || x === '' ? [] : [x]);
const nv = (sets: unknown): Record<string, string> =>
  Object.fromEntries(arr(sets).flatMap((s: X) => arr(s.nvpair).map((p: X) => [p.$.name, p.$.value])));
const score = (s: string | undefined): string | undefined => (s === '-inf' ? '-INFINITY' : s === 'inf' ? 'INFINITY' : s);

export async function summary(xml: string): Promise<X> {
  const xml2js = (await import('xml2js')).default;
  const doc = await xml2js.parseStringPromise(xml);
  const conf = doc.cib.configuration[0];
  const prim = (p: X): X => ({
    agent: `${p.$.class}:${p.$.provider ?? ''}:${p.$.type}`,
    params: nv(p.instance_attributes),
    // pcs adds ops the agent advertises beyond start/stop/monitor (ping: reload-agent): not ours to compare
    ops: arr(p.operations?.[0]?.op).filter((o: X) => ['start', 'stop', 'monitor'].includes(o.$.name))
      .map((o: X) => `${o.$.name}/${o.$.interval}/${o.$.timeout}`).sort(),
  });
  const res = conf.resources[0];
  const out: X = { primitives: {}, groups: {}, clones: {}, locations: {}, colocations: {} };
  for (const p of arr(res.primitive)) out.primitives[p.$.id] = prim(p);
  for (const g of arr(res.group)) {
    out.groups[g.$.id] = arr(g.primitive).map((p: X) => p.$.id);
    for (const p of arr(g.primitive)) out.primitives[p.$.id] = prim(p);
  }
  for (const c of arr(res.clone)) {
    const p = c.primitive[0];
    out.clones[c.$.id] = { child: p.$.id, meta: nv(c.meta_attributes) };
    out.primitives[p.$.id] = prim(p);
  }
  const cons = conf.constraints[0] ?? {};
  for (const l of arr(cons.rsc_location)) {
    const r = l.rule?.[0];
    out.locations[l.$.id] = {
      rsc: l.$.rsc, node: l.$.node, score: score(l.$.score),
      rule: r && { score: score(r.$.score), op: r.$['boolean-op'] ?? 'and', expr: arr(r.expression).map((e: X) => [e.$.attribute, e.$.operation, e.$.value, e.$.type]) },
    };
  }
  for (const c of arr(cons.rsc_colocation)) out.colocations[c.$.id] = [c.$.rsc, c.$['with-rsc'], score(c.$.score)];
  out.properties = nv(conf.crm_config[0]?.cluster_property_set);
  out.defaults = nv(conf.rsc_defaults?.[0]?.meta_attributes);
  return JSON.parse(JSON.stringify(out));
}

