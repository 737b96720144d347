import t from 'tap';
import { alertsForOps, dueResends, stopAlerts, trackDown, virtualLabel, wantsMail } from '../../../../src/director/alerts/policy.ts';
import type { IpvsOp } from '../../../../src/director/model.ts';
import { adopt, applyPass, realKey } from '../../../../src/director/reconcile.ts';
import type { Destination, ServiceKey } from '../../../../src/ipvs/model.ts';
import { configOf } from './helpers.ts';

const cfg = configOf(`emailalert=ops@example.test
emailalertfreq=60
virtual=10.90.0.15:80
\treal=10.91.0.1:80 gate
\treal=10.91.0.2:80 gate 3
\tfallback=10.91.0.99:80 gate
\tchecktype=connect
virtual=5
\treal=10.91.0.3:80 gate
\tchecktype=connect
\temailalertfreq=0
virtual6=[fd00:90::1]:80
\treal6=[fd00:91::1]:80 gate
\tchecktype=off
`);
const [web, fwm, v6] = cfg.virtuals as [typeof cfg.virtuals[0], typeof cfg.virtuals[0], typeof cfg.virtuals[0]];
const dest = (address: string, port: number, weight: number): Destination => ({ family: address.includes(':') ? 'inet6' : 'inet', address, port, forward: 'route', weight, upperThreshold: 0, lowerThreshold: 0 });
const op = (o: 'add-dest' | 'edit-dest' | 'del-dest', key: ServiceKey, d: Destination): IpvsOp => ({ op: o, key, dest: d });

t.test('labels: ldirectord get_virtual()', async (t) => {
  t.equal(virtualLabel(web), '10.90.0.15:80');
  t.equal(virtualLabel(fwm), '5');
  t.equal(virtualLabel(v6), '[fd00:90::1]:80');
});

t.test('subjects for applied IPVS operations', async (t) => {
  const ops: IpvsOp[] = [
    { op: 'add-service', service: web.service },
    op('add-dest', web.key, dest('10.91.0.1', 80, 1)),
    op('edit-dest', web.key, dest('10.91.0.2', 80, 0)),
    op('edit-dest', web.key, dest('10.91.0.2', 80, 3)),
    op('del-dest', web.key, dest('10.91.0.1', 80, 0)),
    op('add-dest', web.key, dest('10.91.0.99', 80, 1)),
    op('del-dest', web.key, dest('10.91.0.99', 80, 0)),
    op('add-dest', web.key, dest('10.91.0.1', 80, 0)),
    op('del-dest', web.key, dest('10.91.0.77', 80, 0)),
    op('add-dest', fwm.key, dest('10.91.0.3', 80, 1)),
    op('add-dest', v6.key, dest('fd00:91::1', 80, 1)),
    op('add-dest', { family: 'inet', protocol: 'tcp', address: '10.9.9.9', port: 80 }, dest('10.91.0.1', 80, 1)),
    { op: 'del-service', key: web.key },
  ];
  const a = alertsForOps(cfg, ops, 'running');
  t.same(a.map((x) => x.subject), [
    'Added real server: 10.91.0.1:80 (10.90.0.15:80) (Weight set to 1)',
    'Quiescent real server: 10.91.0.2:80 (10.90.0.15:80) (Weight set to 0)',
    'Restored real server: 10.91.0.2:80 (10.90.0.15:80) (Weight set to 3)',
    'Deleted real server: 10.91.0.1:80 (10.90.0.15:80)',
    'Added fallback server: 10.91.0.99:80 (10.90.0.15:80) (Weight set to 1)',
    'Deleted fallback server: 10.91.0.99:80 (10.90.0.15:80)',
    'Quiescent real server: 10.91.0.1:80 (10.90.0.15:80) (Weight set to 0)',
    'Purged real server (start): 10.91.0.77:80 (10.90.0.15:80)',
    'Added real server: 10.91.0.3:80 (5) (Weight set to 1)',
    'Added real server: [fd00:91::1]:80 ([fd00:90::1]:80) (Weight set to 1)',
  ], 'service operations and foreign services mail nothing');
  t.same(new Set(a.map((x) => x.phase)), new Set(['running']));
  t.equal(a[0]!.virtual, web.id);
  t.same(alertsForOps(cfg, [op('del-dest', web.key, dest('10.91.0.77', 80, 0))], 'stopping').map((x) => x.subject), ['Purged real server (stop): 10.91.0.77:80 (10.90.0.15:80)']);
});

t.test('clean stop: one "Purged real server (stop)" per real that was up', async (t) => {
  let st = adopt(cfg, { services: [] }, undefined, 0);
  st = applyPass(cfg, st, { results: new Map([[realKey(web, web.reals[0]!), { ok: true, message: 'ok' }], [realKey(web, web.reals[1]!), { ok: false, message: 'refused' }]]), maintenance: new Set(), now: 1 }).state;
  t.same(stopAlerts(cfg, st, [web.id, fwm.id]).map((a) => [a.subject, a.phase]), [['Purged real server (stop): 10.91.0.1:80 (10.90.0.15:80)', 'stopping']]);
  t.same(stopAlerts(cfg, st, []), [], 'cleanstop=no purges nothing');
});

t.test('resend: tracked while down, "Inaccessible real server" every emailalertfreq seconds', async (t) => {
  const r1 = realKey(web, web.reals[0]!);
  const r2 = realKey(web, web.reals[1]!);
  const r3 = realKey(fwm, fwm.reals[0]!);
  let st = adopt(cfg, { services: [] }, undefined, 0);
  let tr = trackDown(cfg, st, new Map(), 0);
  t.equal(tr.size, 0, 'never checked: not tracked yet');
  const fail = (now: number, up: string[] = []) => applyPass(cfg, st, { results: new Map([r1, r2, r3].map((k) => [k, { ok: up.includes(k), message: 'x' }])), maintenance: new Set(), now }).state;
  st = fail(1000);
  tr = trackDown(cfg, st, tr, 1000);
  t.same([...tr.keys()], ['10.91.0.1:80 (10.90.0.15:80)', '10.91.0.2:80 (10.90.0.15:80)'], 'emailalertfreq=0 (virtual 5) and checktype=off are never tracked');
  let r = dueResends(cfg, tr, 60_999, 'running');
  t.same(r.alerts, [], 'not before emailalertfreq has passed');
  r = dueResends(cfg, r.tracker, 61_000, 'running');
  t.same(r.alerts.map((a) => a.subject), ['Inaccessible real server: 10.91.0.1:80 (10.90.0.15:80)', 'Inaccessible real server: 10.91.0.2:80 (10.90.0.15:80)']);
  t.same(dueResends(cfg, r.tracker, 120_999, 'running').alerts, [], 'the clock restarts at each mail');
  st = fail(100_000, [r1]);
  tr = trackDown(cfg, st, r.tracker, 100_000);
  t.same([...tr.keys()], ['10.91.0.2:80 (10.90.0.15:80)'], 'a real that is up again is dropped');
  st = fail(130_000);
  tr = trackDown(cfg, st, tr, 130_000);
  t.same(dueResends(cfg, tr, 121_000, 'running').alerts.map((a) => a.subject), ['Inaccessible real server: 10.91.0.2:80 (10.90.0.15:80)']);
  t.same(dueResends(cfg, tr, 189_999, 'running').alerts.map((a) => a.subject), ['Inaccessible real server: 10.91.0.2:80 (10.90.0.15:80)'], 'the one down again since 130 s is not due before 190 s');
  const gone = configOf('emailalertfreq=60\nvirtual=10.90.0.16:80\n\treal=10.91.0.1:80 gate\n');
  t.same(dueResends(gone, tr, 1e9, 'running').alerts, [], 'a virtual removed by a reload is forgotten');
});

t.test('wantsMail: a recipient and an allowed phase', async (t) => {
  const s = { to: 'a@example.test', freq: 0, statuses: ['running', 'stopping'] as const, smtp: undefined, servicename: undefined, comment: undefined };
  t.ok(wantsMail(s, 'running'));
  t.notOk(wantsMail(s, 'starting'));
  t.notOk(wantsMail({ ...s, to: ' ' }, 'running'));
  t.notOk(wantsMail({ ...s, statuses: [] }, 'running'), 'emailalertstatus=none');
});
