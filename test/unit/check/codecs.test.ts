// Byte-for-byte tests of the pure codecs (DNS, RADIUS, BER/LDAP, MySQL, PostgreSQL).
import t from 'tap';
import { QTYPE, decodeMessage, encodeQuery, reverseName, DnsFormatError } from '../../../src/check/dns-codec.ts';
import { dnsAnswerMatches, dnsQuestion } from '../../../src/check/dns.ts';
import { encodeAccessRequest, hidePassword, verifyResponse } from '../../../src/check/radius-codec.ts';
import { LDAP_OP, decodeLdapMessage, encodeBaseSearch, encodeBindRequest, encodeLength, readTlv, children, decodeInt } from '../../../src/check/ber.ts';
import { authResponse, handshakeResponse, lenenc, nativePassword, packet, parseHandshake } from '../../../src/check/mysql-codec.ts';
import { md5Password, scramClientFinal, scramClientFirst, scramVerifyFinal, startupMessage, queryMessage } from '../../../src/check/pgsql-codec.ts';
import { createHash } from 'node:crypto';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

t.test('dns: query encoding', async (t) => {
  t.same(encodeQuery(0x1234, 'www.example.com', QTYPE.A), hex(`
    1234 0100 0001 0000 0000 0000
    03 777777 07 6578616d706c65 03 636f6d 00
    0001 0001`));
  t.same(encodeQuery(1, 'example.com.', QTYPE.PTR, false).subarray(2, 4), hex('0000'));
  t.throws(() => encodeQuery(1, 'a'.repeat(64) + '.com', QTYPE.A), DnsFormatError);
});

t.test('dns: reverse names', async (t) => {
  t.equal(reverseName('192.0.2.1'), '1.2.0.192.in-addr.arpa');
  t.equal(reverseName('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  t.same(dnsQuestion('/10.1.2.3'), { name: '3.2.1.10.in-addr.arpa', qtype: QTYPE.PTR });
  t.same(dnsQuestion('www.example.com'), { name: 'www.example.com', qtype: QTYPE.A });
});

t.test('dns: answer decoding with compression pointers', async (t) => {
  const q = encodeQuery(0xbeef, 'www.example.com', QTYPE.A);
  const reply = Buffer.concat([q, hex(`
    c00c 0001 0001 0000012c 0004 c0000201
    c00c 0005 0001 0000012c 0002 c010
    c00c 000c 0001 0000003c 0002 c010`)]);
  reply.writeUInt16BE(0x8180, 2);
  reply.writeUInt16BE(3, 6);
  const m = decodeMessage(reply);
  t.equal(m.id, 0xbeef);
  t.equal(m.rcode, 0);
  t.equal(m.answers.length, 3);
  t.same(m.answers[0], { name: 'www.example.com', type: 1, class: 1, ttl: 300, data: '192.0.2.1' });
  t.equal(m.answers[1]!.data, 'example.com');
  t.ok(dnsAnswerMatches(m, '^192\\.0\\.2\\.1$'));
  t.ok(dnsAnswerMatches(m, 'example'), 'PTR name matches');
  t.notOk(dnsAnswerMatches(m, ''), 'empty receive never matches (ldirectord length($recstr))');
  t.notOk(dnsAnswerMatches(m, '10\\.0'));
  const loop = Buffer.from(reply);
  loop.writeUInt16BE(0xc000 | q.length, q.length); // pointer to itself
  t.throws(() => decodeMessage(loop), DnsFormatError);
  t.throws(() => decodeMessage(reply.subarray(0, reply.length - 3)), DnsFormatError);
});

t.test('radius: RFC 2865 §7.1 User-Password vector', async (t) => {
  const auth = hex('0f403f9473978057bd83d5cb98f4227a');
  t.same(hidePassword('arctangent', 'xyzzy5461', auth), hex('0dbe708d93d413ce3196e43f782a0aee'));
  const pkt = encodeAccessRequest({ id: 0, authenticator: auth, user: 'nemo', password: 'arctangent', secret: 'xyzzy5461' });
  t.same(pkt.subarray(0, 20 + 6 + 18), Buffer.concat([hex('0100'), hex(pkt.readUInt16BE(2).toString(16).padStart(4, '0')), auth, hex('01066e656d6f'), hex('0212'), hex('0dbe708d93d413ce3196e43f782a0aee')]));
  t.equal(pkt[0], 1);
  t.equal(pkt.readUInt16BE(2), pkt.length);
  // A 17-byte password is padded to 32 and chained.
  t.equal(hidePassword('a'.repeat(17), 's', auth).length, 32);
});

t.test('radius: response authenticator verification', async (t) => {
  const auth = Buffer.alloc(16, 7);
  const resp = Buffer.from([2, 9, 0, 20, ...Buffer.alloc(16)]);
  const sum = createHash('md5').update(resp.subarray(0, 4)).update(auth).update('sekret').digest();
  sum.copy(resp, 4);
  t.same(verifyResponse(resp, 9, auth, 'sekret'), { code: 2 });
  t.match(verifyResponse(resp, 9, auth, 'wrong'), /authenticator/);
  t.match(verifyResponse(resp, 8, auth, 'sekret'), /id mismatch/);
});

t.test('ber/ldap: requests byte for byte', async (t) => {
  t.same(encodeBindRequest(1, '', ''), hex('300c 020101 6007 020103 0400 8000'));
  t.same(encodeBindRequest(1, 'cn=a', 'pw'), hex('3012 020101 600d 020103 0404 636e3d61 8002 7077'));
  t.same(encodeLength(200), hex('81c8'));
  t.same(encodeLength(300), hex('82012c'));
  const s = encodeBaseSearch(2, 'dc=x');
  t.same(s, hex('3029 020102 6324 0404 64633d78 0a0100 0a0100 020100 020100 010100 870b 6f626a656374436c617373 3000'));
  t.equal(decodeInt(hex('ff')), -1);
  t.equal(decodeInt(hex('0100')), 256);
});

t.test('ber/ldap: responses', async (t) => {
  const bindOk = hex('300c 020101 6107 0a0100 0400 0400');
  const m = decodeLdapMessage(readTlv(bindOk)!);
  t.same(m, { id: 1, op: LDAP_OP.BIND_RESP, resultCode: 0, diagnostic: '' });
  const entry = hex('3017 020102 6412 040e 64633d6578616d706c652c64633d 3000');
  t.same(decodeLdapMessage(readTlv(entry)!).dn, 'dc=example,dc=');
  t.equal(readTlv(entry.subarray(0, 10)), undefined, 'incomplete TLV → undefined (read more)');
  t.throws(() => children(hex('3005 0201')));
});

t.test('mysql: auth scrambles and packets', async (t) => {
  const scr = Buffer.from(Array.from({ length: 20 }, (_, i) => i + 1));
  t.same(nativePassword('secret', scr), hex('b32bb3a583e1340c0a1108d58b1be49781ad8c2f'));
  t.same(authResponse('caching_sha2_password', 'secret', scr), hex('746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9'));
  t.same(nativePassword('', scr), Buffer.alloc(0));
  t.same(packet(3, Buffer.from('ab')), hex('020000 03 6162'));
  t.same(lenenc(hex('fc0001'), 0), [256, 3]);
  // A MariaDB-style handshake v10.
  const hs = Buffer.concat([
    hex('0a'), Buffer.from('10.11.6-MariaDB\0'), hex('2a000000'), scr.subarray(0, 8), hex('00'),
    hex('fff7'), hex('21'), hex('0200'), hex('ff81'), hex('15'), Buffer.alloc(10), scr.subarray(8), hex('00'),
    Buffer.from('mysql_native_password\0'),
  ]);
  const p = parseHandshake(hs);
  t.equal(p.serverVersion, '10.11.6-MariaDB');
  t.equal(p.connectionId, 42);
  t.same(p.scramble, scr);
  t.equal(p.plugin, 'mysql_native_password');
  const r = handshakeResponse({ user: 'u', password: 'secret', database: 'db', scramble: scr, plugin: p.plugin, serverCapabilities: p.capabilities });
  t.same(r.subarray(32), Buffer.concat([Buffer.from('u\0'), hex('14'), hex('b32bb3a583e1340c0a1108d58b1be49781ad8c2f'), Buffer.from('db\0mysql_native_password\0')]));
  t.throws(() => parseHandshake(Buffer.concat([hex('ff1504'), Buffer.from('#28000denied')])), /denied/);
});

t.test('pgsql: startup, md5, SCRAM-SHA-256 (RFC 7677 vector)', async (t) => {
  t.same(startupMessage('u', 'd'), Buffer.concat([hex('0000003e 00030000'), Buffer.from('user\0u\0database\0d\0application_name\0lvsha-healthcheck\0\0')]));
  t.same(queryMessage('SELECT 1'), Buffer.concat([hex('51 0000000d'), Buffer.from('SELECT 1\0')]));
  t.equal(md5Password('postgres', 'secret', hex('01020304')), 'md5bb41a296aab6baccb36ff243a562abff');
  const { message, state } = scramClientFirst('rOprNGfwEbeRWgbNEkqO', 'user');
  t.equal(message, 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
  t.equal(scramClientFinal(state, serverFirst, 'pencil'),
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  t.ok(scramVerifyFinal(state, 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='));
  t.notOk(scramVerifyFinal(state, 'v=AAAA'));
  t.throws(() => scramClientFinal(scramClientFirst('abc').state, serverFirst, 'x'), /invalid SCRAM/);
});

t.test('http1: head parsing and chunked decoding', async (t) => {
  const { parseHead, decodeChunked, buildRequest } = await import('../../../src/check/http1.ts');
  t.same(buildRequest('GET', '/a', { host: 'x', connection: 'close' }), Buffer.from('GET /a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'));
  t.throws(() => buildRequest('GET', '/a', { host: 'x\r\nEvil: 1' }));
  t.equal(parseHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le')), undefined);
  t.same(parseHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nalive')), { status: 200, reason: 'OK', headLen: 38, contentLength: 5, chunked: false });
  t.same(parseHead(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n'))?.status, 404);
  t.throws(() => parseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /not an HTTP response/);
  t.throws(() => parseHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')), /Content-Length/);
  t.same(decodeChunked(Buffer.from('5\r\nhello\r\n0\r\n\r\n'), 100), { body: Buffer.from('hello'), complete: true });
  t.same(decodeChunked(Buffer.from('5\r\nhel'), 100), { body: Buffer.from('hel'), complete: false });
  t.same(decodeChunked(Buffer.from('a\r\n0123456789\r\n'), 4), { body: Buffer.from('0123'), complete: true });
  t.throws(() => decodeChunked(Buffer.from('zz\r\n'), 10), /chunk size/);
});
