import t from 'tap';
import { plan } from '../../../src/ipvs/planner.ts';
import { validateTable } from '../../../src/ipvs/validate.ts';
import { describeOp } from '../../../src/ipvs/errors.ts';

const T = (services: unknown[], more: Record<string, unknown> = {}) => validateTable({ services, ...more });
const base: any[] = [
  { service: 'TCP 10.0.0.1:80', scheduler: 'wrr', destinations: [{ address: '10.0.0.2:80', weight: 1 }, { address: '10.0.0.3:80', weight: 1 }] },
  { service: 'UDP 10.0.0.1:53', scheduler: 'rr', destinations: [{ address: '10.0.0.2:53' }] },
];
const C = (services: unknown[]) => ({ services: T(services).services });
const steps = (d: ReturnType<typeof T>, c: ReturnType<typeof C>) => plan(d, c).map(describeOp);

t.test('from empty: services then their destinations', async (t) => {
  t.same(steps(T(base), C([])), [
    'add-service TCP 10.0.0.1:80', 'add-dest TCP 10.0.0.1:80 -> 10.0.0.2:80', 'add-dest TCP 10.0.0.1:80 -> 10.0.0.3:80',
    'add-service UDP 10.0.0.1:53', 'add-dest UDP 10.0.0.1:53 -> 10.0.0.2:53',
  ]);
});

t.test('identical tables: nothing to do', async (t) => { t.same(plan(T(base), C(base)), []); });

t.test('one weight change is a single SET_DEST', async (t) => {
  const want = structuredClone(base); want[0]!.destinations[1]!.weight = 5;
  const ops = plan(T(want), C(base));
  t.same(ops.map(describeOp), ['edit-dest TCP 10.0.0.1:80 -> 10.0.0.3:80']);
  t.equal(ops[0]!.op === 'edit-dest' && ops[0]!.dest.weight, 5);
});

t.test('edit in place vs delete+add', async (t) => {
  const cur = C(base);
  const change = (f: (s: any[]) => void) => { const w = structuredClone(base) as any[]; f(w); return steps(T(w), cur); };
  t.same(change((w) => { w[0].scheduler = 'rr'; }), ['edit-service TCP 10.0.0.1:80'], 'scheduler');
  t.same(change((w) => { w[0].persistent = 60; }), ['edit-service TCP 10.0.0.1:80'], 'persistence');
  t.same(change((w) => { w[0].persistent = 60; w[0].netmask = 24; }), ['edit-service TCP 10.0.0.1:80'], 'netmask');
  t.same(change((w) => { w[1].onePacket = true; }), ['edit-service UDP 10.0.0.1:53'], 'one-packet');
  t.same(change((w) => { w[1].schedFlags = ['flag-3']; }), ['edit-service UDP 10.0.0.1:53'], 'sched flags');
  t.same(change((w) => { w[0].destinations[0].forward = 'route'; }), ['edit-dest TCP 10.0.0.1:80 -> 10.0.0.2:80'], 'forwarding');
  t.same(change((w) => { w[0].destinations[0].upperThreshold = 9; }), ['edit-dest TCP 10.0.0.1:80 -> 10.0.0.2:80'], 'threshold');
  t.same(change((w) => { w[0].destinations[0].forward = 'tunnel'; w[0].destinations[0].tunnel = { type: 'gue', port: 1 }; }), ['edit-dest TCP 10.0.0.1:80 -> 10.0.0.2:80'], 'tunnel');
  t.same(change((w) => { w[1].service = 'TCP 10.0.0.1:53'; }), ['del-service UDP 10.0.0.1:53', 'add-service TCP 10.0.0.1:53', 'add-dest TCP 10.0.0.1:53 -> 10.0.0.2:53'], 'protocol change');
  t.same(change((w) => { w[0].destinations[0].address = '10.0.0.9:80'; }), ['del-dest TCP 10.0.0.1:80 -> 10.0.0.2:80', 'add-dest TCP 10.0.0.1:80 -> 10.0.0.9:80'], 'dest address change');
  t.same(change((w) => { w.pop(); }), ['del-service UDP 10.0.0.1:53'], 'removed service');
  t.same(change((w) => { w[0].destinations.pop(); w[0].scheduler = 'lc'; w[0].destinations.push({ address: '10.0.0.4:80' }); }),
    ['edit-service TCP 10.0.0.1:80', 'del-dest TCP 10.0.0.1:80 -> 10.0.0.3:80', 'add-dest TCP 10.0.0.1:80 -> 10.0.0.4:80'], 'ordering within a service');
});

t.test('timeouts and daemons', async (t) => {
  const cur = { ...C(base), timeouts: { tcp: 900, tcpFin: 120, udp: 300 }, daemons: [{ state: 'master' as const, ifname: 'eth0', syncId: 1, maxLen: 1472, group: '224.0.0.81', port: 8848, ttl: 1 }] };
  t.same(plan(T(base, { timeouts: { tcp: 900, udp: 30 } }), cur), [{ op: 'set-timeouts', timeouts: { udp: 30 } }]);
  t.same(plan(T(base, { daemons: [{ state: 'master', ifname: 'eth0', syncId: 1 }] }), cur), [], 'kernel defaults do not count as a difference');
  t.same(plan(T(base, { daemons: [{ state: 'master', ifname: 'eth0', syncId: 2 }] }), cur).map(describeOp), ['del-daemon master', 'add-daemon master']);
  t.same(plan(T(base, { daemons: [] }), cur).map(describeOp), ['del-daemon master']);
  t.same(plan(T(base), cur), [], 'daemons untouched when the table does not mention them');
});
