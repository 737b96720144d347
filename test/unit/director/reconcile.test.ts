import t from 'tap';
import { makeService, type Table } from '../../../src/ipvs/model.ts';
import type { DirectorConfig, DirectorVirtual } from '../../../src/director/model.ts';
import { adopt, applyPass, clearReadd, desiredTable, realKey, type DirectorState } from '../../../src/director/reconcile.ts';
import { planOps } from '../../../src/director/plan.ts';

const KEY = { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;

function virtual(over: Partial<DirectorVirtual> = {}): DirectorVirtual {
  const real = (a: string) => ({
    id: `${a}:80`, address: a, port: 80, forward: 'masq' as const, weight: 3, lowerThreshold: 0, upperThreshold: 0,
    checkKey: a, check: { type: 'connect' as const, host: a, port: 80 }, line: 1,
  });
  return {
    id: 'TCP 10.0.0.1:80', vipPort: '10.0.0.1:80', protocol: 'tcp', key: KEY, service: makeService(KEY, 'wrr'),
    reals: [real('10.0.1.1'), real('10.0.1.2')], fallback: undefined, fallbackcommand: undefined,
    quiescent: false, failurecount: 1, cleanstop: true, monitorfile: undefined, checksOff: false, checkinterval: 1, line: 1,
    alert: { to: '', freq: 0, statuses: ['starting', 'running', 'stopping', 'reloading'], smtp: undefined, servicename: undefined, comment: undefined },
    ...over,
  };
}

function config(v: DirectorVirtual, over: Partial<DirectorConfig> = {}): DirectorConfig {
  return {
    file: '/etc/ha.d/ldirectord.cf', name: 'ldirectord', checkinterval: 1, autoreload: false, callback: undefined,
    logfile: { kind: 'syslog', facility: 'local0' }, supervised: true, readdquiescent: false, maintenancedir: undefined,
    fork: false, emailalertfrom: undefined, execute: [], virtuals: [v], warnings: [], ...over,
  };
}

const EMPTY: Table = { services: [] };
const k1 = 'TCP 10.0.0.1:80 -> 10.0.1.1:80';
const k2 = 'TCP 10.0.0.1:80 -> 10.0.1.2:80';

function pass(cfg: DirectorConfig, st: DirectorState, r: Record<string, boolean>, maint: string[] = [], now = 1) {
  const results = new Map(Object.entries(r).map(([k, ok]) => [k, { ok, message: ok ? 'ok' : 'refused' }]));
  return applyPass(cfg, st, { results, maintenance: new Set(maint), now });
}

function weights(tab: Table): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of tab.services) for (const d of s.destinations) out[`${d.address}:${d.port}`] = d.weight;
  return out;
}

/** Apply ops to a table the way the kernel would (for multi-step scenarios). */
function applyOps(tab: Table, desired: Table, cfg: DirectorConfig): Table {
  void cfg;
  const ops = planOps(desired, tab);
  const services = tab.services.map((s) => ({ ...s, destinations: [...s.destinations] }));
  for (const o of ops) {
    if (o.op === 'add-service') services.push({ ...o.service, destinations: [] });
    const s = 'key' in o ? services.find((x) => JSON.stringify(x.key) === JSON.stringify(o.key)) : undefined;
    if (o.op === 'add-dest') s!.destinations.push(o.dest);
    if (o.op === 'edit-dest') s!.destinations = s!.destinations.map((d) => (d.address === o.dest.address && d.port === o.dest.port ? o.dest : d));
    if (o.op === 'del-dest') s!.destinations = s!.destinations.filter((d) => !(d.address === o.dest.address && d.port === o.dest.port));
    if (o.op === 'del-service') services.splice(services.indexOf(s!), 1);
  }
  return { services };
}

t.test('realKey matches the pair', async (t) => {
  t.equal(realKey(virtual(), virtual().reals[0]!), k1);
});

t.test('fresh start: everything down until the first pass, then up reals added with their weight', async (t) => {
  const cfg = config(virtual());
  let st = adopt(cfg, EMPTY, undefined, 0);
  t.same(weights(desiredTable(cfg, st, EMPTY)), {}, 'no real before a check says up');
  const ops0 = planOps(desiredTable(cfg, st, EMPTY), EMPTY);
  t.same(ops0.map((o) => o.op), ['add-service'], 'the virtual itself is created at once');
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: false }));
  t.same(weights(desiredTable(cfg, st, EMPTY)), { '10.0.1.1:80': 3 });
});

t.test('failurecount: consecutive failures before down; a success resets', async (t) => {
  const cfg = config(virtual({ failurecount: 3 }));
  let st = adopt(cfg, EMPTY, undefined, 0);
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: true }));
  let ev;
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: false, [k2]: true }));
  t.equal(ev[0]?.kind, 'soft-failure');
  ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: true }));
  t.equal(st.reals[k1]?.up, true, 'still up after 2 of 3');
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: true, [k2]: true }));
  t.ok(ev.some((e) => e.kind === 'failcount-reset'), 'success resets');
  for (let i = 0; i < 2; i++) ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: true }));
  t.equal(st.reals[k1]?.up, true, 'count restarted from 0');
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: false, [k2]: true }));
  t.equal(st.reals[k1]?.up, false, 'down at the 3rd consecutive failure');
  t.ok(ev.some((e) => e.kind === 'down' && e.real === '10.0.1.1:80'));
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: false, [k2]: true }));
  t.same(ev, [], 'a down real failing again is no event');
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: true, [k2]: true }));
  t.ok(ev.some((e) => e.kind === 'up'), 'one success brings it back');
});

t.test('quiescent=no removes a failed real; quiescent=yes sets weight 0', async (t) => {
  for (const quiescent of [false, true]) {
    const cfg = config(virtual({ quiescent }));
    let st = adopt(cfg, EMPTY, undefined, 0);
    let tab = EMPTY;
    ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: true }));
    tab = applyOps(tab, desiredTable(cfg, st, tab), cfg);
    st = clearReadd(st);
    ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: true }));
    const want = desiredTable(cfg, st, tab);
    t.same(weights(want), quiescent ? { '10.0.1.1:80': 0, '10.0.1.2:80': 3 } : { '10.0.1.2:80': 3 }, `quiescent=${quiescent}`);
    const ops = planOps(want, tab);
    t.same(ops.map((o) => o.op), [quiescent ? 'edit-dest' : 'del-dest']);
  }
});

t.test('readdquiescent: an admin-deleted quiesced real stays deleted unless readdquiescent=yes', async (t) => {
  for (const readd of [false, true]) {
    const cfg = config(virtual({ quiescent: true }), { readdquiescent: readd });
    let st = adopt(cfg, EMPTY, undefined, 0);
    ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: true }));
    let tab = applyOps(EMPTY, desiredTable(cfg, st, EMPTY), cfg);
    t.same(weights(tab), { '10.0.1.1:80': 0, '10.0.1.2:80': 3 }, 'start-up adds quiesced reals with weight 0 (ldirectord force-add)');
    st = clearReadd(st);
    // admin: ipvsadm -d the quiesced real
    tab = { services: tab.services.map((s) => ({ ...s, destinations: s.destinations.filter((d) => d.weight > 0) })) };
    ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: true }));
    t.same(weights(desiredTable(cfg, st, tab)), readd ? { '10.0.1.1:80': 0, '10.0.1.2:80': 3 } : { '10.0.1.2:80': 3 }, `readdquiescent=${readd}`);
    ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: true }));
    t.same(weights(desiredTable(cfg, st, tab)), { '10.0.1.1:80': 3, '10.0.1.2:80': 3 }, 'comes back when healthy');
  }
});

t.test('fallback added when no real is up, removed when one returns; fallbackcommand once per transition', async (t) => {
  const cfg = config(virtual({
    fallback: { id: '127.0.0.1:80', address: '127.0.0.1', port: 80, forward: 'route' },
    fallbackcommand: '/usr/local/bin/fb',
  }));
  let st = adopt(cfg, EMPTY, undefined, 0);
  let ev;
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: true, [k2]: false }));
  t.same(ev.filter((e) => e.kind === 'fallback-command').map((e) => e.kind === 'fallback-command' && e.action), ['stop'], 'first pass states the fallback is off');
  t.same(weights(desiredTable(cfg, st, EMPTY)), { '10.0.1.1:80': 3 });
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: false, [k2]: false }));
  const fc = ev.filter((e) => e.kind === 'fallback-command');
  t.equal(fc.length, 1);
  t.match(fc[0], { action: 'start', command: '/usr/local/bin/fb', vipPort: '10.0.0.1:80', protocol: 'tcp' });
  t.same(weights(desiredTable(cfg, st, EMPTY)), { '127.0.0.1:80': 1 }, 'fallback with weight 1');
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: false, [k2]: false }));
  t.same(ev.filter((e) => e.kind === 'fallback-command'), [], 'not repeated while still all down');
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: false, [k2]: true }));
  t.match(ev.filter((e) => e.kind === 'fallback-command'), [{ action: 'stop' }]);
  t.same(weights(desiredTable(cfg, st, EMPTY)), { '10.0.1.2:80': 3 }, 'fallback removed');
});

t.test('fallback is never quiesced, even with quiescent=yes', async (t) => {
  const cfg = config(virtual({ quiescent: true, fallback: { id: '127.0.0.1:80', address: '127.0.0.1', port: 80, forward: 'route' } }));
  let st = adopt(cfg, EMPTY, undefined, 0);
  ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: false }));
  const tab = applyOps(EMPTY, desiredTable(cfg, st, EMPTY), cfg);
  t.same(weights(tab), { '10.0.1.1:80': 0, '10.0.1.2:80': 0, '127.0.0.1:80': 1 });
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: false }));
  const ops = planOps(desiredTable(cfg, st, tab), tab);
  t.same(ops.map((o) => `${o.op} ${'dest' in o ? o.dest.address : ''}`), ['edit-dest 10.0.1.1', 'del-dest 127.0.0.1']);
});

t.test('maintenance forces down at once and releases on the next good check', async (t) => {
  const cfg = config(virtual({ failurecount: 5 }));
  let st = adopt(cfg, EMPTY, undefined, 0);
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: true }));
  let ev;
  ({ state: st, events: ev } = pass(cfg, st, { [k1]: true, [k2]: true }, [k1]));
  t.equal(st.reals[k1]?.up, false, 'down despite failurecount 5 and a good check');
  t.equal(st.reals[k1]?.maintenance, true);
  t.ok(ev.some((e) => e.kind === 'maintenance'));
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: true }));
  t.equal(st.reals[k1]?.up, true);
  t.equal(st.reals[k1]?.maintenance, false);
});

t.test('adoption: reals present with weight > 0 are up; no weight flaps on start', async (t) => {
  const cfg = config(virtual());
  const current: Table = { services: [{ ...makeService(KEY, 'wrr'), destinations: [
    { family: 'inet', address: '10.0.1.1', port: 80, forward: 'masq', weight: 3, upperThreshold: 0, lowerThreshold: 0 },
    { family: 'inet', address: '10.0.1.2', port: 80, forward: 'masq', weight: 0, upperThreshold: 0, lowerThreshold: 0 },
    { family: 'inet', address: '10.0.1.9', port: 80, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
  ] }] };
  const st = adopt(cfg, current, undefined, 0);
  t.equal(st.reals[k1]?.up, true);
  t.equal(st.reals[k2]?.up, false);
  const ops = planOps(desiredTable(cfg, st, current), current);
  t.same(ops.map((o) => `${o.op} ${'dest' in o ? o.dest.address : ''}`), ['del-dest 10.0.1.2', 'del-dest 10.0.1.9'],
    'the up real is not touched; weight-0 and untracked reals are purged (quiescent=no)');
});

t.test('reload keeps status of known reals and adopts new ones from the kernel', async (t) => {
  const cfg = config(virtual({ failurecount: 3 }));
  let st = adopt(cfg, EMPTY, undefined, 0);
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: true }));
  ({ state: st } = pass(cfg, st, { [k1]: false, [k2]: true }));
  const st2 = adopt(cfg, EMPTY, st, 5);
  t.equal(st2.reals[k1]?.failcount, 1, 'soft failure count survives a reload');
  t.equal(st2.reals[k1]?.up, true);
});

t.test('drift: a flushed table is rebuilt from state, other services untouched', async (t) => {
  const cfg = config(virtual({ quiescent: true }));
  let st = adopt(cfg, EMPTY, undefined, 0);
  ({ state: st } = pass(cfg, st, { [k1]: true, [k2]: false }));
  st = clearReadd(st);
  const foreignKey = { family: 'inet', protocol: 'udp', address: '10.9.9.9', port: 53 } as const;
  const flushed: Table = { services: [{ ...makeService(foreignKey, 'rr'), destinations: [] }] };
  const ops = planOps(desiredTable(cfg, st, flushed), flushed, ['TCP 10.0.0.1:80']);
  t.same(ops.map((o) => `${o.op} ${'dest' in o && 'weight' in o.dest ? `${o.dest.address}/${o.dest.weight}` : ''}`),
    ['add-service ', 'add-dest 10.0.1.1/3', 'add-dest 10.0.1.2/0'], 'whole virtual restored, quiesced real with weight 0');
});

t.test('cleanstop / removed virtual: owned services not desired are deleted', async (t) => {
  const cur: Table = { services: [{ ...makeService(KEY, 'wrr'), destinations: [] }] };
  t.same(planOps({ services: [] }, cur, ['TCP 10.0.0.1:80']).map((o) => o.op), ['del-service']);
  t.same(planOps({ services: [] }, cur, []), [], 'not owned: left alone');
});

t.test('service attribute change is an edit, not a re-create', async (t) => {
  const cur: Table = { services: [{ ...makeService(KEY, 'wrr'), destinations: [] }] };
  const want: Table = { services: [{ ...makeService(KEY, 'rr'), destinations: [] }] };
  t.same(planOps(want, cur).map((o) => o.op), ['edit-service']);
});

t.test('checktype off: no result, no change', async (t) => {
  const cfg = config(virtual({ checksOff: true }));
  const current: Table = { services: [{ ...makeService(KEY, 'wrr'), destinations: [
    { family: 'inet', address: '10.0.1.1', port: 80, forward: 'masq', weight: 3, upperThreshold: 0, lowerThreshold: 0 },
  ] }] };
  let st = adopt(cfg, current, undefined, 0);
  ({ state: st } = pass(cfg, st, {}));
  t.same(weights(desiredTable(cfg, st, current)), { '10.0.1.1:80': 3 });
});

t.test('only: a fork=yes lane touches its own virtuals and leaves the others exactly as they are', async (t) => {
  const KEY2 = { family: 'inet', protocol: 'tcp', address: '10.0.0.2', port: 80 } as const;
  const v1 = virtual();
  const v2 = virtual({ id: 'TCP 10.0.0.2:80', vipPort: '10.0.0.2:80', key: KEY2, service: makeService(KEY2, 'wrr') });
  const cfg = config(v1, { virtuals: [v1, v2], maintenancedir: '/m' });
  let st = adopt(cfg, EMPTY, undefined, 0);
  const o1 = `TCP 10.0.0.2:80 -> 10.0.1.1:80`;
  // v2's real is in maintenance (its own lane saw it)
  st = applyPass(cfg, st, { results: new Map(), maintenance: new Set([o1]), now: 1, only: new Set([v2.id]) }).state;
  t.equal(st.reals[o1]?.maintenance, true);
  // v1's lane runs: v2's maintenance flag must survive (no second "Server in maintenance" later)
  const r = applyPass(cfg, st, { results: new Map([[k1, { ok: true, message: 'ok' }]]), maintenance: new Set(), now: 2, only: new Set([v1.id]) });
  t.equal(r.state.reals[o1]?.maintenance, true, 'untouched');
  t.equal(r.state.reals[k1]?.up, true);
  t.same(r.events.map((e) => e.kind), ['up']);
});
