import t from 'tap';
import { broadcastFor, formatIPv6, formatIp, parseIPv4, parseIPv6, prefixContains } from '../../../src/net/ipaddr.ts';

t.test('IPv4 parse', async (t) => {
  t.same([...parseIPv4('10.9.0.50')!], [10, 9, 0, 50]);
  t.equal(parseIPv4('10.9.0.300'), undefined);
  t.equal(parseIPv4('10.9.0'), undefined);
  t.equal(parseIPv4('a.b.c.d'), undefined);
});

t.test('IPv6 parse and RFC 5952 format', async (t) => {
  const cases: Array<[string, string]> = [
    ['2001:DB8:9::50', '2001:db8:9::50'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1', 'fe80::1'],
    ['::ffff:10.9.0.1', '::ffff:a09:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ];
  for (const [i, o] of cases) t.equal(formatIPv6(parseIPv6(i)!), o, i);
  for (const bad of ['2001:::1', '1:2:3:4:5:6:7:8:9', 'g::1', '1::2::3', '12345::1', '']) t.equal(parseIPv6(bad), undefined, bad);
});

t.test('prefixes and broadcast', async (t) => {
  t.ok(prefixContains(parseIPv4('10.9.0.0')!, 24, parseIPv4('10.9.0.77')!));
  t.notOk(prefixContains(parseIPv4('10.9.0.0')!, 24, parseIPv4('10.9.1.77')!));
  t.ok(prefixContains(parseIPv4('0.0.0.0')!, 0, parseIPv4('1.2.3.4')!));
  t.equal(formatIp(broadcastFor(parseIPv4('10.9.0.50')!, 24, '+')), '10.9.0.255');
  t.equal(formatIp(broadcastFor(parseIPv4('10.9.0.50')!, 24, '-')), '10.9.0.0');
  t.equal(formatIp(broadcastFor(parseIPv4('10.9.0.50')!, 21, '+')), '10.9.7.255');
  t.equal(formatIp(broadcastFor(parseIPv4('10.9.0.50')!, 32, '+')), '10.9.0.50');
});
