import t from 'tap';
import {
  addrToBytes, bytesToAddr, canonicalAddr, formatServiceKey, parseAddrPort, parseServiceKey, parseNetmask, netmaskToText,
  schedFlagNames, parseSchedFlag,
} from '../../../src/ipvs/model.ts';
import { kernelError, IpvsKernelError, errnoOf, IpvsApplyError } from '../../../src/ipvs/errors.ts';
import { NotInstalledError, PermissionError } from '../../../src/errors.ts';
import { IpvsNotLoadedError } from '../../../src/ipvs/errors.ts';
import { makeService, makeDest } from '../../../src/ipvs/model.ts';

t.test('service keys', async (t) => {
  for (const s of ['TCP 10.0.0.1:80', 'UDP [2001:db8::1]:53', 'SCTP 10.0.0.1:9', 'FWM 5', 'FWM 4294967295 IPv6']) t.equal(formatServiceKey(parseServiceKey(s)), s);
  t.equal(formatServiceKey(parseServiceKey('tcp [2001:DB8:0:0::1]:80')), 'TCP [2001:db8::1]:80');
  t.throws(() => parseServiceKey('TCP 10.0.0.1'), /needs a port/);
  t.throws(() => parseServiceKey('ICMP 10.0.0.1:1'), /bad service key/);
  t.throws(() => parseAddrPort('10.0.0.1:70000'), /out of range/);
  t.same(parseAddrPort('2001:db8::1'), { address: '2001:db8::1', port: undefined });
  t.same(parseAddrPort('[::ffff:10.0.0.1]:1'), { address: '::ffff:10.0.0.1', port: 1 });
});

t.test('addresses like inet_ntop', async (t) => {
  for (const a of ['::', '::1', '2001:db8::1', '2001:db8:0:1:1:1:1:1', 'fe80::1:0:0:1', '::ffff:1.2.3.4', '1:0:0:2::3']) t.equal(canonicalAddr(a), a, a);
  t.equal(canonicalAddr('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  t.equal(bytesToAddr('inet', addrToBytes('10.1.2.3')), '10.1.2.3');
});

t.test('netmasks and sched flags', async (t) => {
  t.equal(parseNetmask('inet', '255.255.255.0'), 0xffffff00);
  t.equal(parseNetmask('inet', 16), 0xffff0000);
  t.equal(parseNetmask('inet', '/0'), 0);
  t.equal(netmaskToText('inet', 0xffffff00), '255.255.255.0');
  t.equal(parseNetmask('inet6', 64), 64);
  t.throws(() => parseNetmask('inet6', 0));
  t.same(schedFlagNames('sh', ['flag-1', 'flag-2']), ['sh-fallback', 'sh-port']);
  t.same(schedFlagNames('mh', ['flag-2']), ['mh-port']);
  t.same(schedFlagNames('rr', ['flag-3', 'flag-1']), ['flag-1', 'flag-3']);
  t.equal(parseSchedFlag('MH-FALLBACK'), 'flag-1');
});

t.test('kernel errors are typed and name what they concern', async (t) => {
  const rej = (code: string) => new Error(`Request rejected: ${code}`);
  const svc = makeService(parseServiceKey('TCP 10.0.0.1:80'), 'nosuch');
  const key = svc.key;
  const e1 = kernelError(rej('ENOENT'), { op: 'add-service', service: svc });
  t.ok(e1 instanceof IpvsKernelError);
  t.match(e1.message, /ip_vs_nosuch not available/);
  t.equal((e1 as IpvsKernelError).service, 'TCP 10.0.0.1:80');
  const e2 = kernelError(rej('EEXIST'), { op: 'add-dest', key, dest: makeDest('10.0.0.2', 80) }) as IpvsKernelError;
  t.equal(e2.errno, 'EEXIST'); t.equal(e2.destination, '10.0.0.2:80');
  t.match(e2.message, /destination 10\.0\.0\.2:80 of service TCP 10\.0\.0\.1:80 already exists/);
  t.match(kernelError(rej('ESRCH'), { op: 'edit-service', service: svc }).message, /service TCP 10\.0\.0\.1:80 does not exist/);
  t.match(kernelError(rej('ESRCH'), { op: 'add-dest', key, dest: makeDest('10.0.0.2', 80) }).message, /service TCP 10\.0\.0\.1:80 does not exist/);
  t.match(kernelError(rej('EINVAL'), { op: 'add-dest', key, dest: makeDest('2001:db8::2', 80) }).message, /allowed only for tunnel/);
  t.match(kernelError(rej('EAFNOSUPPORT'), { op: 'add-service', service: svc }).message, /address family not supported/);
  t.ok(kernelError(rej('EPERM'), { op: 'flush' }) instanceof PermissionError);
  t.ok(new IpvsNotLoadedError() instanceof NotInstalledError);
  t.equal(new IpvsNotLoadedError().message, 'ip_vs is not loaded: modprobe ip_vs');
  t.equal(errnoOf({ code: 'ENOBUFS' }), 'ENOBUFS');
  t.equal(errnoOf(new Error('other')), undefined);
  const ae = new IpvsApplyError(e2, [{ op: 'add-service', service: svc }], { op: 'add-dest', key, dest: makeDest('10.0.0.2', 80) }, [{ op: 'flush' }]);
  t.match(ae.message, /1 of 3 operations were applied: add-service TCP 10\.0\.0\.1:80; not sent: 1/);
});
