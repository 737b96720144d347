import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors.ts';
import {
  CHECK_TYPES, SERVICES, checkLdirectordConfig, configCandidates, configName, createResolver, effectiveConfig,
  LdirectordConfigError, locateConfig, parseLdirectordConfig, parseServices,
  type ParsedConfig, type VirtualConfig,
} from '../../../src/ldirectord/config/index.ts';
import { BAD, V } from './bad-configs.ts';

const SERVICES_TEXT = `
ftp 21/tcp
smtp 25/tcp mail
domain 53/tcp
domain 53/udp
http 80/tcp www
https 443/tcp
https 443/udp
mysql 3306/tcp
sip 5060/tcp
sip 5060/udp
webcache 8080/tcp http-alt
syslog 514/udp
`;
const resolver = createResolver({
  services: parseServices(SERVICES_TEXT),
  hosts: { 'web1.test': ['10.91.0.50'], 'v6host.test': ['fd00:91::50'], 'vip.test': ['10.90.0.50'] },
  hostname: 'director1',
});

function parse(text: string): ParsedConfig {
  return parseLdirectordConfig(text, { file: 'ldirectord.cf', resolver }).config;
}
function v0(text: string): VirtualConfig {
  return parse(text).virtuals[0]!;
}
function eff(text: string) {
  const r = parseLdirectordConfig(text, { file: 'ldirectord.cf', resolver });
  return effectiveConfig(r.config, r.warnings);
}

t.test('exposed lists', async (t) => {
  t.same([...CHECK_TYPES].sort(), ['combined', 'connect', 'external', 'external-perl', 'negotiate', 'off', 'on', 'ping']);
  t.equal(SERVICES.length, 21);
  t.ok(SERVICES.includes('http_proxy') && SERVICES.includes('submission') && SERVICES.includes('simpletcp'));
});

t.test('global defaults (ldirectord code, not its manual)', async (t) => {
  const g = parse('').global;
  t.same(g, {
    checktimeout: undefined, negotiatetimeout: undefined, checkinterval: 10, checkcount: 1, failurecount: 1,
    autoreload: false, callback: undefined, fallback: undefined, fallback6: undefined, fallbackcommand: undefined,
    logfile: { kind: 'file', path: '/var/log/ldirectord.log' }, emailalert: '', emailalertfreq: 0,
    emailalertstatus: ['starting', 'running', 'stopping', 'reloading'], emailalertfrom: undefined, smtp: undefined,
    execute: [], executeLines: [], supervised: false, fork: false, quiescent: false, readdquiescent: false, cleanstop: true,
    maintenancedir: undefined,
  });
});

t.test('every global directive', async (t) => {
  const cases: [string, (g: ParsedConfig['global']) => unknown, unknown][] = [
    ['checktimeout=7', (g) => g.checktimeout, 7],
    ['negotiatetimeout=11', (g) => g.negotiatetimeout, 11],
    ['checkinterval=3', (g) => g.checkinterval, 3],
    ['checkcount=4', (g) => g.checkcount, 4],
    ['failurecount=2', (g) => g.failurecount, 2],
    ['autoreload=yes', (g) => g.autoreload, true],
    ['callback="/usr/local/bin/sync-cf"', (g) => g.callback, '/usr/local/bin/sync-cf'],
    ['fallback=10.91.0.99:80 masq', (g) => [g.fallback?.tcp.address, g.fallback?.tcp.port, g.fallback?.udp.forward], ['10.91.0.99', 80, 'masq']],
    ['fallback=10.91.0.99', (g) => [g.fallback?.tcp.port, g.fallback?.tcp.forward], [undefined, 'gate']],
    ['fallback=10.91.0.99:domain', (g) => [g.fallback?.tcp.port, g.fallback?.udp.port], [53, 53]],
    ['fallback6=[fd00:91::99]:443 ipip', (g) => [g.fallback6?.tcp.address, g.fallback6?.tcp.port, g.fallback6?.tcp.forward], ['fd00:91::99', 443, 'ipip']],
    ['fallbackcommand="/etc/ha.d/sorry.sh"', (g) => g.fallbackcommand, '"/etc/ha.d/sorry.sh"'],
    ['logfile="/var/log/ld.log"', (g) => g.logfile, { kind: 'file', path: '/var/log/ld.log' }],
    ['logfile="local0"', (g) => g.logfile, { kind: 'syslog', facility: 'local0' }],
    ['execute=other.cf\nexecute=other.cf', (g) => g.execute, ['other.cf']],
    ['checkinterval=2\nexecute=a.cf\nexecute="b c.cf"\nexecute=a.cf', (g) => [g.execute, g.executeLines], [['a.cf', '"b c.cf"'], [2, 3]]],
    ['fork=yes', (g) => g.fork, true],
    ['supervised=yes', (g) => g.supervised, true],
    ['supervised', (g) => g.supervised, true],
    ['supervised=no', (g) => g.supervised, false],
    ['quiescent=yes', (g) => g.quiescent, true],
    ['readdquiescent=yes', (g) => g.readdquiescent, true],
    ['emailalert="a@example.test, b@example.test"', (g) => g.emailalert, 'a@example.test, b@example.test'],
    ['emailalert=a@example.test', (g) => g.emailalert, 'a@example.test'],
    ['emailalertfreq=300', (g) => g.emailalertfreq, 300],
    ['emailalertstatus=none', (g) => g.emailalertstatus, []],
    ['emailalertstatus=stopping, starting', (g) => g.emailalertstatus, ['starting', 'stopping']],
    ['emailalertstatus=all', (g) => g.emailalertstatus.length, 4],
    ['emailalertfrom="LVS" <lvs@example.test>', (g) => g.emailalertfrom, '"LVS" <lvs@example.test>'],
    ['cleanstop=no', (g) => g.cleanstop, false],
    ['smtp=127.0.0.1', (g) => g.smtp, '127.0.0.1'],
    ['smtp=mail.example.test:2525', (g) => g.smtp, 'mail.example.test:2525'],
    ['smtp=[::1]:2525', (g) => g.smtp, '[::1]:2525'],
    ['smtp=127.0.0.1 # relay', (g) => g.smtp, '127.0.0.1'],
    ['maintenancedir=/etc/ha.d/maint', (g) => g.maintenancedir, '/etc/ha.d/maint'],
    ['# comment\n\n   \n  # indented comment', (g) => g.checkinterval, 10],
  ];
  for (const [text, get, want] of cases) t.same(get(parse(text).global), want, text);
});

t.test('bare supervised and checkcount warn', async (t) => {
  const r = checkLdirectordConfig('supervised\ncheckcount=2\n', { resolver });
  t.equal(r.errors.length, 0);
  t.same(r.warnings.map((w) => w.line), [1, 2]);
  t.match(r.warnings[0]!.hint, /supervised=yes/);
});

t.test('virtual defaults', async (t) => {
  const v = v0(`${V}\treal=10.91.0.1:80 gate\n`);
  t.match(v, {
    family: 'inet', address: '10.90.0.1', port: 80, protocol: 'tcp', checktype: 'negotiate', service: 'http',
    serviceExplicit: false, scheduler: 'wrr', checkcommand: '/bin/true', request: '/', receive: '', login: '',
    passwd: '', database: '', secret: '', httpmethod: 'GET', ops: false, numConnects: 0,
  });
  for (const k of ['virtualhost', 'checkport', 'persistent', 'netmask', 'schedflags', 'checktimeout', 'quiescent', 'fallback'] as const) {
    t.equal(v[k], undefined, `${k} unset`);
  }
  t.same(v.reals, [{ line: 2, address: '10.91.0.1', port: 80, forward: 'gate', weight: 1 }]);
});

t.test('virtual address forms', async (t) => {
  t.match(v0('virtual=10.90.0.1:www\n'), { port: 80, service: 'http' }, 'service name port');
  t.match(v0('virtual=vip.test:443\n'), { address: '10.90.0.50', port: 443, service: 'https' }, 'host:port');
  t.match(v0('virtual=vip.test:https\n'), { address: '10.90.0.50', port: 443 }, 'host:service');
  t.match(v0('virtual=10.90.0.1:53\n'), { protocol: 'udp', service: 'dns' }, 'port 53 is udp');
  t.match(v0('virtual=10.90.0.1:domain\n'), { protocol: 'udp', port: 53, service: 'dns' }, 'domain is udp');
  t.match(v0('virtual=12\n'), { protocol: 'fwm', fwmark: 12, port: 0, service: 'none', address: undefined }, 'fwmark');
  t.match(v0('virtual6=12\n'), { protocol: 'fwm', fwmark: 12, family: 'inet6' }, 'IPv6 fwmark');
  t.match(v0('virtual6=[FD00:90:0::1]:80\n'), { family: 'inet6', address: 'fd00:90::1', port: 80 }, 'IPv6 canonicalised');
  t.match(v0('virtual=10.90.0.1:8080\n'), { service: 'none' }, 'unknown port → none');
  const w = checkLdirectordConfig('virtual=10.90.0.1\n', { resolver });
  t.match(w.config?.virtuals[0], { protocol: 'fwm', fwmark: 10 }, 'an address without port is a fwmark, as in ldirectord');
  t.match(w.warnings[0]?.message, /firewall mark 10/);
  const ports: [number, string][] = [[21, 'ftp'], [25, 'smtp'], [53, 'dns'], [80, 'http'], [110, 'pop'], [119, 'nntp'], [143, 'imap'],
    [389, 'ldap'], [443, 'https'], [587, 'submission'], [636, 'ldaps'], [993, 'imaps'], [995, 'pops'], [1521, 'oracle'],
    [1812, 'radius'], [3128, 'http_proxy'], [3306, 'mysql'], [5060, 'sip'], [5432, 'pgsql']];
  for (const [p, s] of ports) t.equal(v0(`virtual=10.90.0.1:${p}\n`).service, s, `port ${p} → ${s}`);
});

t.test('every virtual directive', async (t) => {
  const cases: [string, (v: VirtualConfig) => unknown, unknown][] = [
    ['request="index.html"', (v) => v.request, '/index.html'],
    ['request="/x"', (v) => v.request, '/x'],
    ['receive="It works"', (v) => v.receive, 'It works'],
    ['checktype=connect', (v) => v.checktype, 'connect'],
    ['checktype=negotiate', (v) => v.checktype, 'negotiate'],
    ['checktype=ping', (v) => v.checktype, 'ping'],
    ['checktype=external', (v) => v.checktype, 'external'],
    ['checktype=external-perl', (v) => v.checktype, 'external-perl'],
    ['checktype=on', (v) => v.checktype, 'on'],
    ['checktype=off', (v) => v.checktype, 'off'],
    ['checktype=5', (v) => [v.checktype, v.numConnects], ['combined', 5]],
    ['checktype=0', (v) => [v.checktype, v.numConnects], ['combined', 0]],
    ['checkcommand="/usr/lib/check web"', (v) => v.checkcommand, '/usr/lib/check web'],
    ['checkcommand=/usr/lib/check', (v) => v.checkcommand, '/usr/lib/check'],
    ['checktimeout=2', (v) => v.checktimeout, 2],
    ['negotiatetimeout=9', (v) => v.negotiatetimeout, 9],
    ['checkcount=3', (v) => v.checkcount, 3],
    ['failurecount=4', (v) => v.failurecount, 4],
    ['checkinterval=6', (v) => v.checkinterval, 6],
    ['checkport=8080', (v) => v.checkport, 8080],
    ['login="mon"', (v) => v.login, 'mon'],
    ['passwd="pw"', (v) => v.passwd, 'pw'],
    ['database="db"', (v) => v.database, 'db'],
    ['secret="s3"', (v) => v.secret, 's3'],
    ['load="cpu load"', (v) => v.load, 'cpu'],
    ['scheduler=lblcr', (v) => v.scheduler, 'lblcr'],
    ['scheduler=twos', (v) => v.scheduler, 'twos'],
    ['persistent=300', (v) => v.persistent, 300],
    ['schedflags=sh-port', (v) => v.schedflags, 'sh-port'],
    ['netmask=255.255.0.0', (v) => v.netmask, '255.255.0.0'],
    ['protocol=udp', (v) => v.protocol, 'udp'],
    ['protocol=tcp', (v) => v.protocol, 'tcp'],
    ['ops=yes', (v) => v.ops, true],
    ['service=ftp', (v) => [v.service, v.login, v.passwd], ['ftp', 'anonymous', 'ldirectord@director1']],
    ['login="bob"\n\tservice=ftp', (v) => [v.login, v.passwd], ['bob', 'ldirectord@director1']],
    ['service=sip', (v) => [v.service, v.login, v.passwd], ['sip', 'ldirectord@director1', '']],
    ['service=none', (v) => [v.service, v.serviceExplicit], ['none', true]],
    ['httpmethod=head', (v) => v.httpmethod, 'HEAD'],
    ['virtualhost="www.example.test"', (v) => v.virtualhost, 'www.example.test'],
    ['virtualhost=www.example.test', (v) => v.virtualhost, 'www.example.test'],
    ['fallback=10.91.0.99:8080 masq', (v) => v.fallback, { line: 2, address: '10.91.0.99', port: 8080, forward: 'masq' }],
    ['fallback=10.91.0.99', (v) => v.fallback, { line: 2, address: '10.91.0.99', port: 80, forward: 'gate' }],
    ['fallback=web1.test:http ipip', (v) => v.fallback, { line: 2, address: '10.91.0.50', port: 80, forward: 'ipip' }],
    ['fallbackcommand="/bin/sorry"', (v) => v.fallbackcommand, '/bin/sorry'],
    ['quiescent=yes', (v) => v.quiescent, true],
    ['emailalert="ops@example.test"', (v) => v.emailalert, 'ops@example.test'],
    ['emailalertfreq=60', (v) => v.emailalertfreq, 60],
    ['emailalertstatus=running', (v) => v.emailalertstatus, ['running']],
    ['monitorfile="/var/log/ld-web.log"', (v) => v.monitorfile, '/var/log/ld-web.log'],
    ['cleanstop=no', (v) => v.cleanstop, false],
    ['smtp=10.91.0.25', (v) => v.smtp, '10.91.0.25'],
    ['servicename=Web', (v) => v.servicename, 'Web'],
    ['comment=Call the web team', (v) => v.comment, 'Call the web team'],
  ];
  for (const [text, get, want] of cases) t.same(get(v0(`${V}\t${text}\n`)), want, text);
  t.same(v0('virtual6=[fd00:90::1]:80\n\tnetmask=64\n').netmask, '64', 'IPv6 netmask prefix');
  t.same(v0('virtual=7\n\tprotocol=fwm\n').protocol, 'fwm', 'protocol=fwm on a fwmark');
  t.same(v0('virtual6=[fd00:90::1]:80\n\tfallback6=[fd00:91::9]\n').fallback, { line: 2, address: 'fd00:91::9', port: 80, forward: 'gate' }, 'fallback6');
});

t.test('real servers', async (t) => {
  const reals = (line: string, virt = V) => v0(`${virt}\t${line}\n`).reals;
  t.same(reals('real=10.91.0.1 masq'), [{ line: 2, address: '10.91.0.1', port: 0, forward: 'masq', weight: 1 }], 'no port → 0');
  t.same(reals('real=10.91.0.1:http ipip 3')[0], { line: 2, address: '10.91.0.1', port: 80, forward: 'ipip', weight: 3 }, 'service name, weight');
  t.same(reals('real=web1.test:8080 masq 0')[0], { line: 2, address: '10.91.0.50', port: 8080, forward: 'masq', weight: 0 }, 'host name, weight 0');
  t.same(reals('real=10.91.0.254->10.91.1.1:80 gate').map((r) => r.address), ['10.91.0.254', '10.91.0.255', '10.91.1.0', '10.91.1.1'], 'range');
  t.same(reals('real=10.91.0.1:80 gate 2 "check.html", "alive" l:5 u:50')[0],
    { line: 2, address: '10.91.0.1', port: 80, forward: 'gate', weight: 2, request: '/check.html', receive: 'alive', lowerThreshold: 5, upperThreshold: 50 }, 'request/receive/thresholds');
  t.same(reals('real=10.91.0.1:80 gate u:7')[0]?.upperThreshold, 7, 'upper only');
  t.same(reals('real=10.91.0.1:80 gate "a" "b"')[0]?.receive, 'b', 'space instead of comma');
  t.same(reals('real6=[fd00:91::1]:80 masq 4', 'virtual6=[fd00:90::1]:80\n')[0], { line: 2, address: 'fd00:91::1', port: 80, forward: 'masq', weight: 4 }, 'real6');
  t.same(reals('real6=v6host.test:80 masq', 'virtual6=[fd00:90::1]:80\n')[0]?.address, 'fd00:91::50', 'real6 host name');
  const r = checkLdirectordConfig(`${V}\treal=10.91.0.1:80 gate 1 "/a.html", "ok" l:1 u:2\n`, { resolver });
  t.same(r.config?.virtuals[0]?.reals[0], { line: 2, address: '10.91.0.1', port: 80, forward: 'gate', weight: 1, request: '/a.html' }, 'ldirectord drops receive/thresholds after a request with "/"');
  t.match(r.warnings[0], { line: 2, message: /ignores the receive string "ok" and "l:1 u:2"/, hint: /"a.html"/ });
});

t.test('sections: tabs, 4 spaces, comments, blank line ends a section', async (t) => {
  const c = parse('virtual=10.90.0.1:80\n    real=10.91.0.1:80 gate # web1\n\t# comment\n        checktype=connect\nvirtual=10.90.0.2:80\n\treal=10.91.0.2:80 gate\n');
  t.equal(c.virtuals.length, 2);
  t.equal(c.virtuals[0]!.checktype, 'connect');
  t.equal(c.virtuals[0]!.reals.length, 1);
  const r = checkLdirectordConfig('virtual=10.90.0.1:80\n\treal=10.91.0.1:80 gate\n\n\tchecktype=connect\n', { resolver });
  t.match(r.errors[0], { line: 4, message: /indented but not inside a virtual section/, hint: /blank line ends/ });
});

t.test('effective settings: timeout chains', async (t) => {
  const table: [string, string, number, number][] = [
    ['', '', 5, 30],
    ['checktimeout=3', '', 3, 3],
    ['negotiatetimeout=20', '', 20, 20],
    ['checktimeout=3\nnegotiatetimeout=20', '', 3, 20],
    ['checktimeout=3', 'negotiatetimeout=8', 8, 8],
    ['negotiatetimeout=20', 'checktimeout=2', 2, 2],
    ['checktimeout=3\nnegotiatetimeout=20', 'checktimeout=1', 1, 1],
    ['checktimeout=3\nnegotiatetimeout=20', 'checktimeout=1\n\tnegotiatetimeout=9', 1, 9],
  ];
  for (const [glob, virt, ct, nt] of table) {
    const e = eff(`${glob}\n${V}${virt ? `\t${virt}\n` : ''}\treal=10.91.0.1:80 gate\n`).virtuals[0]!;
    t.same([e.checktimeout, e.negotiatetimeout, e.reals[0]!.check.checktimeout, e.reals[0]!.check.negotiatetimeout], [ct, nt, ct, nt], `${glob || '-'} / ${virt || '-'}`);
  }
});

t.test('effective settings: inheritance', async (t) => {
  const e = eff(`failurecount=3\ncheckcount=2\nquiescent=yes\ncleanstop=no\nemailalert="g@x.test"\nsmtp=10.0.0.25\ncheckinterval=20\nfallbackcommand=/bin/g\n${V}\treal=10.91.0.1:80 gate\nvirtual=10.90.0.2:80\n\treal=10.91.0.1:80 gate\n\tfailurecount=1\n\tquiescent=no\n\tcheckinterval=5\n\tfallbackcommand=/bin/v\n`);
  t.match(e.virtuals[0], { failurecount: 3, checkcount: 2, quiescent: true, cleanstop: false, emailalert: 'g@x.test', smtp: '10.0.0.25', checkinterval: 20, fallbackcommand: '/bin/g' });
  t.match(e.virtuals[1], { failurecount: 1, quiescent: false, checkinterval: 20, fallbackcommand: '/bin/v' }, 'checkinterval per virtual ignored without fork');
  t.match(e.virtuals.map((v) => [v.reals[0]!.failurecount, v.reals[0]!.quiescent]), [[3, true], [1, false]], 'copied onto each real');
  t.match(e.warnings.map((w) => w.message), [/checkcount option is deprecated/, /checkinterval in virtual service tcp:10.90.0.2:80 ignored when fork=no/]);
  t.equal(eff(`fork=yes\n${V}\tcheckinterval=5\n`).virtuals[0]!.checkinterval, 5, 'honoured with fork=yes');
});

t.test('effective check: port, url, identity', async (t) => {
  const e = eff(`${V}\treal=10.91.0.1:8080 masq\n\treal=10.91.0.2 gate\n\treal=10.91.0.3:80 gate 1 "http://www.example.test/x", "y"\n\trequest="index.html"\n`).virtuals[0]!;
  t.same(e.reals.map((r) => r.check.port), [8080, 80, 80], 'real port, else service port');
  t.same(e.reals.map((r) => r.check.url), ['http://10.91.0.1:8080/index.html', 'http://10.91.0.2:80/index.html', 'http://www.example.test/x']);
  t.equal(eff(`${V}\tcheckport=81\n\treal=10.91.0.1:8080 masq\n`).virtuals[0]!.reals[0]!.check.port, 81, 'checkport wins');
  t.equal(eff('virtual=10.90.0.1:8000\n\treal=10.91.0.1 gate\n').virtuals[0]!.reals[0]!.check.port, undefined, 'no port known');
  t.equal(eff('virtual=10.90.0.1:3128\n\treal=10.91.0.1:3128 masq\n\trequest="http://www.example.test/"\n').virtuals[0]!.reals[0]!.check.url, 'http://www.example.test/', 'http_proxy url');
  t.equal(eff('virtual6=[fd00:90::1]:80\n\treal6=[fd00:91::1]:80 gate\n').virtuals[0]!.reals[0]!.check.url, 'http://[fd00:91::1]:80/', 'IPv6 url');
  // same check in two virtuals → one key; a different timeout → another key
  const two = eff(`${V}\treal=10.91.0.1:80 gate\nvirtual=10.90.0.2:80\n\treal=10.91.0.1:80 masq 5\nvirtual=10.90.0.3:80\n\treal=10.91.0.1:80 gate\n\tnegotiatetimeout=3\n`);
  const [a, b, c] = two.virtuals.map((v) => v.reals[0]!.checkKey);
  t.equal(a, b, 'weight/forwarding do not change the check');
  t.not(a, c, 'timeouts do');
  t.same(two.checks.get(a!), [{ virtual: 0, real: 0 }, { virtual: 1, real: 0 }]);
  t.not(two.virtuals[0]!.reals[0]!.ldirectordId, two.virtuals[1]!.reals[0]!.ldirectordId, "ldirectord's own id includes the weight");
  const ext = eff(`${V}\tchecktype=external\n\treal=10.91.0.1:80 gate\nvirtual=10.90.0.2:80\n\tchecktype=external\n\treal=10.91.0.1:80 gate\n`);
  t.not(ext.virtuals[0]!.reals[0]!.checkKey, ext.virtuals[1]!.reals[0]!.checkKey, 'external checks get the VIP, so they differ');
  t.same(ext.virtuals[0]!.reals[0]!.check.externalArgs, ['10.90.0.1', '80', '10.91.0.1', '80']);
  t.same(eff('virtual6=[fd00:90::1]:80\n\tchecktype=external\n\treal6=[fd00:91::1]:8080 masq\n').virtuals[0]!.reals[0]!.check.externalArgs, ['[fd00:90::1]', '80', '[fd00:91::1]', '8080'], 'IPv6 in brackets, as ldirectord passes them');
  t.same(eff('virtual=4\n\tchecktype=external\n\treal=10.91.0.1 gate\n').virtuals[0]!.reals[0]!.check.externalArgs, ['4', '0', '10.91.0.1', '0'], 'fwmark');
});

t.test('IPVS service and destinations', async (t) => {
  const e = eff(`${V}\treal=10.91.0.1:8080 masq 3 l:2 u:9\n\treal=10.91.0.2:8080 gate\n\treal=10.91.0.3:8080 ipip 0\n\tscheduler=sh\n\tpersistent=600\n\tnetmask=255.255.255.0\n\tschedflags=sh-port,sh-fallback\n`).virtuals[0]!;
  t.same(e.ipvs, { key: { family: 'inet', protocol: 'tcp', address: '10.90.0.1', port: 80 }, scheduler: 'sh', netmask: 0xffffff00, onePacket: false, schedFlags: ['flag-2', 'flag-1'], persistent: 600 });
  t.same(e.reals.map((r) => r.ipvs), [
    { family: 'inet', address: '10.91.0.1', port: 8080, forward: 'masq', weight: 3, upperThreshold: 9, lowerThreshold: 2 },
    { family: 'inet', address: '10.91.0.2', port: 80, forward: 'route', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
    { family: 'inet', address: '10.91.0.3', port: 80, forward: 'tunnel', weight: 0, upperThreshold: 0, lowerThreshold: 0 },
  ], 'gate/ipip take the virtual port, masq keeps its own');
  const f = eff('virtual=7\n\treal=10.91.0.1:8080 gate\n\tnetmask=255.255.0.0\n').virtuals[0]!;
  t.same(f.ipvs, { key: { family: 'inet', fwmark: 7 }, scheduler: 'wrr', netmask: 0xffffffff, onePacket: false, schedFlags: [], persistent: undefined }, 'netmask only with persistent');
  t.equal(f.reals[0]!.ipvs.port, 8080, 'fwmark keeps the real port');
  const u = eff('virtual=10.90.0.1:53\n\tops=yes\n\treal=10.91.0.1:53 gate\nvirtual=10.90.0.1:80\n\tops=yes\n').virtuals;
  t.same([u[0]!.ipvs.onePacket, u[1]!.ipvs.onePacket], [true, false], 'ops only for udp');
  const v6 = eff('virtual6=[fd00:90::1]:443\n\tpersistent=60\n\tnetmask=48\n\treal6=[fd00:91::1]:443 gate\n').virtuals[0]!;
  t.same([v6.ipvs.key, v6.ipvs.netmask], [{ family: 'inet6', protocol: 'tcp', address: 'fd00:90::1', port: 443 }, 48]);
  const bad = eff(`${V}\tschedflags=flag-1,bogus\n`);
  t.same(bad.virtuals[0]!.unknownSchedFlags, ['bogus']);
  t.match(bad.warnings[0]?.message, /unknown scheduler flag "bogus"/);
  const w = eff('virtual=10.90.0.1:0\n\tops=yes\n\tnetmask=255.0.0.0\nvirtual=10.90.0.2:80\n\tpersistent=5\n\tnetmask=300.0.0.0\n').warnings.map((x) => x.message);
  t.ok(w.some((m) => /port 0 but is not persistent/.test(m)), 'port 0 warning');
  t.ok(w.some((m) => /ops=yes is ignored/.test(m)), 'ops on tcp warning');
  t.ok(w.some((m) => /netmask is ignored/.test(m)), 'netmask without persistent warning');
  t.ok(w.some((m) => /invalid netmask 300.0.0.0/.test(m)), 'bad netmask warning');
});

t.test('fallback resolution (fallback_find)', async (t) => {
  const e = eff(`fallback=10.91.0.99 masq\nfallback6=[fd00:91::99]:8080\n${V}\treal=10.91.0.1:80 gate\nvirtual=10.90.0.1:53\nvirtual=10.90.0.2:80\n\tfallback=10.91.0.98:81 gate\nvirtual6=[fd00:90::1]:80\nvirtual=9\n`);
  t.same(e.virtuals.map((v) => v.fallback && [v.fallback.address, v.fallback.port, v.fallback.forward, v.fallback.ipvs.port, v.fallback.ipvs.weight]), [
    ['10.91.0.99', 80, 'masq', 80, 1],
    ['10.91.0.99', 53, 'masq', 53, 1],
    ['10.91.0.98', 81, 'gate', 80, 1],
    ['fd00:91::99', 8080, 'gate', 80, 1],
    undefined,
  ]);
});

t.test('bad configs', async (t) => {
  t.ok(BAD.length >= 20);
  for (const [text, message, textRe] of BAD) {
    const r = checkLdirectordConfig(`${text}\n`, { resolver });
    t.equal(r.config, undefined, `${text}: no config`);
    t.equal(r.errors.length, 1, `${text}: one error`);
    const e = t.throws(() => parseLdirectordConfig(`${text}\n`, { resolver })) as LdirectordConfigError;
    t.ok(e instanceof ConfigError, 'is a ConfigError');
    t.equal(e.message, message, text);
    t.match(e.issues[0]!.text, textRe, `${text}: offending text`);
  }
});

t.test('all errors are collected', async (t) => {
  const e = t.throws(() => parseLdirectordConfig(`chektype=1\n${V}\tservice=htp\n\treal=10.91.0.1:80 nat\nquiescent=maybe\n`, { file: '/etc/ha.d/x.cf', resolver })) as LdirectordConfigError;
  t.same(e.issues.map((i) => i.line), [1, 3, 4, 5]);
  t.match(e.message, /^4 errors in \/etc\/ha.d\/x.cf:\n\/etc\/ha.d\/x.cf:1: unknown directive "chektype"/);
  t.equal(e.where, '/etc/ha.d/x.cf:1');
});

t.test('unimplemented check types/services still parse', async (t) => {
  t.equal(v0(`${V}\tservice=oracle\n\tchecktype=external-perl\n`).service, 'oracle');
});

t.test('locateConfig mirrors ldirectord', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'lvsha-ldcf-'));
  mkdirSync(join(root, 'etc/ha.d/conf'), { recursive: true });
  writeFileSync(join(root, 'etc/ha.d/conf/web.cf'), '');
  writeFileSync(join(root, 'etc/ha.d/both.cf'), '');
  writeFileSync(join(root, 'etc/ha.d/conf/both.cf'), '');
  const lit = join(root, 'literal.cf');
  writeFileSync(lit, '');
  t.same(configCandidates('web.cf', '/'), ['/etc/ha.d/web.cf', '/etc/ha.d/conf/web.cf', 'web.cf']);
  t.same(locateConfig('web.cf', { root }), { path: join(root, 'etc/ha.d/conf/web.cf'), name: 'web.cf' });
  t.same(locateConfig('both.cf', { root }).path, join(root, 'etc/ha.d/both.cf'), '/etc/ha.d first');
  t.same(locateConfig(lit, { root: join(root, 'none') }).path, lit, 'literal path last');
  const e = t.throws(() => locateConfig('missing.cf', { root })) as ConfigError;
  t.match(e.message, /config file missing.cf not found/);
  t.match(e.hint, /etc\/ha.d\/missing.cf/);
  t.same(locateConfig(undefined, { isFile: (p) => p === '/etc/ha.d/ldirectord.cf' }), { path: '/etc/ha.d/ldirectord.cf', name: 'ldirectord' });
  t.equal(configName('/etc/ha.d/web.cf'), 'web.cf');
});
