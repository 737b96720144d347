import t from 'tap';
import { checkFindifParams, cloneAddress, convertDottedQuad, ocfIsDecimal, ocfIsTrue, param, parseLifetime, prefixcheck, sanitizeIPv6 } from '../../../src/ipaddr2/params.ts';

t.test('ocf_is_true / ocf_is_decimal as in ocf-shellfuncs 4.12', async (t) => {
  for (const v of ['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON']) t.ok(ocfIsTrue(v), v);
  for (const v of ['Yes', 'y', 'On', 'false', '', '0', ' true']) t.notOk(ocfIsTrue(v), v);
  t.ok(ocfIsDecimal('0')); t.ok(ocfIsDecimal('200'));
  t.notOk(ocfIsDecimal('')); t.notOk(ocfIsDecimal('-1')); t.notOk(ocfIsDecimal('1.5')); t.notOk(ocfIsDecimal('0x10'));
});

t.test('defaults apply to unset parameters only', async (t) => {
  t.equal(param({}, 'arp_count'), '5');
  t.equal(param({ arp_count: '' }, 'arp_count'), '');
  t.equal(param({}, 'preferred_lft'), 'forever');
  t.equal(param({}, 'check_link_status'), 'true');
});

t.test('dotted-quad netmask conversion (findif.sh)', async (t) => {
  t.same(convertDottedQuad('255.255.255.0'), { netmask: '24', log: { level: 'warn', msg: 'Please convert dotted quad netmask 255.255.255.0 to CIDR notation 24!' } });
  t.equal(convertDottedQuad('255.255.255.255').netmask, '32');
  t.equal(convertDottedQuad('0.0.0.0').netmask, '0');
  t.equal(convertDottedQuad('255.255.254.0').netmask, '23');
  t.same(convertDottedQuad('255.0.255.0'), { netmask: '255.0.255.0', log: { level: 'err', msg: 'Bogus netmask: 255.0.255.0' } });
  t.same(convertDottedQuad('24'), { netmask: '24' });
  t.same(convertDottedQuad('255.255.255.0.0'), { netmask: '255.255.255.0.0' });
  t.same(convertDottedQuad('256.0.0.0'), { netmask: '256.0.0.0' });
});

t.test('prefixcheck', async (t) => {
  t.ok(prefixcheck('24', 32)); t.ok(prefixcheck('1', 32)); t.ok(prefixcheck('128', 128)); t.ok(prefixcheck('024', 32));
  t.notOk(prefixcheck('0', 32)); t.notOk(prefixcheck('33', 32)); t.notOk(prefixcheck('', 32)); t.notOk(prefixcheck('1000', 128)); t.notOk(prefixcheck('2a', 32));
});

t.test('findif_check_params messages', async (t) => {
  t.equal(checkFindifParams(4, '10.9.0.50', undefined, '', ''), undefined);
  t.equal(checkFindifParams(4, '10.9.0.300', undefined, '', ''), 'IP address [10.9.0.300] not valid.');
  t.equal(checkFindifParams(4, '0.9.0.3', undefined, '', ''), 'IP address [0.9.0.3] not valid.');
  t.equal(checkFindifParams(4, '10.9.0.5', undefined, '33', ''), 'Invalid netmask specification [33].');
  t.equal(checkFindifParams(4, '10.9.0.5', undefined, '24', 'x'), 'Invalid broadcast address [x].');
  t.equal(checkFindifParams(4, '10.9.0.5', undefined, '24', '+'), undefined);
  t.equal(checkFindifParams(4, '10.9.0.5', undefined, '24', '-'), undefined);
  t.equal(checkFindifParams(6, '2001:db8::zz', undefined, '', ''), 'IP address [2001:db8::zz] not valid.');
  t.equal(checkFindifParams(6, 'fe80::5', undefined, '', ''), "'nic' parameter is mandatory for a link local address [fe80::5].");
  t.equal(checkFindifParams(6, 'fe80::5', 'eth0', '64', ''), undefined);
  t.equal(checkFindifParams(6, '2001:db8::5', undefined, '129', ''), 'Invalid netmask specification [129].');
  t.equal(checkFindifParams(6, '2001:db8::5', undefined, '64', 'garbage'), undefined, 'broadcast is not checked for IPv6');
});

t.test('misc', async (t) => {
  t.equal(cloneAddress('10.9.0.50', 3), '10.9.0.53');
  t.equal(sanitizeIPv6('2001:DB8:0:0::50'), '2001:db8::50');
  t.equal(sanitizeIPv6('2001:::50'), '2001:::50', 'unparsable text is kept');
  t.equal(parseLifetime('forever'), 0xffffffff);
  t.equal(parseLifetime('0'), 0);
  t.equal(parseLifetime('3600'), 3600);
  t.equal(parseLifetime('abc'), undefined);
});
