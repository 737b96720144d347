// Integration: every negotiate service against a real Debian daemon on 127.0.0.1 (non-standard ports,
// configs in a temp dir, started and stopped by PID here). Each service: an up case and a down case.
// NNTP has no light Debian server (inn2 is a full news system; leafnode refuses to start without a
// globally unique FQDN), so nntp is covered by the scripted server in test/unit/check/protocols.test.ts.
// Set LVSHA_CHECK_ONLY=<regex> to run some services, LVSHA_CHECK_KEEP=1 to keep their temp dirs.
import t from 'tap';
import { chmodSync, chownSync, mkdirSync, writeFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runCheck, validateCheck, type CheckSpec } from '../../src/check/index.ts';
import { freePort, need, selfSignedFiles, startDaemon, stopPidFile, tempDir, userIds, waitTcp, tail, type Daemon } from './lib.ts';

const neg = (service: string, port: number, extra: Partial<CheckSpec> = {}): CheckSpec =>
  validateCheck({ type: 'negotiate', service, host: '127.0.0.1', port, negotiateTimeout: 5, checkTimeout: 5, ...extra });

type T = Parameters<Extract<Parameters<typeof t.test>[0], (t: any) => any>>[0];
async function expectUp(t: T, s: CheckSpec, what: string): Promise<void> {
  const r = await runCheck(s);
  t.ok(r.ok, `${what}: up (${r.message})`);
}
async function expectDown(t: T, s: CheckSpec, what: string, re?: RegExp): Promise<void> {
  const r = await runCheck(s);
  t.notOk(r.ok, `${what}: down (${r.message})`);
  if (re) t.match(r.message, re, `${what}: reason`);
}

const onlyRe = process.env['LVSHA_CHECK_ONLY'] ? new RegExp(process.env['LVSHA_CHECK_ONLY']) : undefined;
const svc = (name: string, fn: (t: T) => Promise<void>) => {
  if (onlyRe && !onlyRe.test(name)) return;
  t.test(name, async (t) => {
    try { await fn(t); } catch (e) { t.fail(`${name}: ${(e as Error).message}`); }
  });
};

svc('nginx: http, https, http_proxy, simpletcp, connect', async (t) => {
  const nginx = need('nginx', 'nginx-light');
  const dir = tempDir('nginx');
  const { key, cert } = selfSignedFiles(dir);
  const [hp, sp] = [await freePort(), await freePort()];
  mkdirSync(path.join(dir, 'www'));
  writeFileSync(path.join(dir, 'www', 'alive.html'), 'I am alive\n');
  writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${hp}; server_name _; root ${dir}/www;
    location = /teapot { return 418; }
    location = /vh { if ($host = "www.example.com") { return 200 "vhost ok\\n"; } return 404; } }
  server { listen 127.0.0.1:${sp} ssl; ssl_certificate ${cert}; ssl_certificate_key ${key}; root ${dir}/www; }
}`);
  const d = startDaemon('nginx', nginx, ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'error.log')], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(hp, d);
  await waitTcp(sp, d);
  await expectUp(t, neg('http', hp, { request: '/alive.html', receive: 'alive' }), 'http');
  await expectUp(t, neg('http', hp, { request: '/alive.html', httpMethod: 'HEAD' }), 'http HEAD');
  await expectUp(t, neg('http', hp, { request: '/vh', virtualHost: 'www.example.com', receive: 'vhost ok' }), 'http virtualhost');
  await expectDown(t, neg('http', hp, { request: '/vh' }), 'http without virtualhost', /404/);
  await expectDown(t, neg('http', hp, { request: '/alive.html', receive: 'dead' }), 'http wrong body');
  await expectDown(t, neg('http', hp, { request: '/teapot' }), 'http 418', /418/);
  await expectUp(t, neg('https', sp, { request: '/alive.html', receive: 'alive' }), 'https self-signed');
  await expectDown(t, neg('https', sp, { request: '/alive.html', tlsVerify: true }), 'https with verification');
  await expectUp(t, neg('http_proxy', hp, { request: `http://127.0.0.1:${hp}/alive.html`, receive: 'alive' }), 'http_proxy');
  await expectUp(t, neg('simpletcp', hp, { request: '/GET /alive.html HTTP/1.0\\n\\n', receive: '^HTTP/1.1 200' }), 'simpletcp');
  await expectDown(t, neg('simpletcp', hp, { request: '/GET /nope HTTP/1.0\\n\\n', receive: '^HTTP/1.1 200' }), 'simpletcp 404');
  await expectUp(t, validateCheck({ type: 'connect', host: '127.0.0.1', port: hp }), 'connect');
  await expectUp(t, validateCheck({ type: 'combined', connectsBetweenNegotiates: 3, service: 'https', host: '127.0.0.1', port: sp, request: '/alive.html' }), 'checktype 3');
  await d.stop();
  await expectDown(t, validateCheck({ type: 'connect', host: '127.0.0.1', port: hp }), 'connect after stop', /ECONNREFUSED/);
});

svc('dnsmasq: dns over udp and tcp, A and PTR', async (t) => {
  const dnsmasq = need('dnsmasq', 'dnsmasq-base');
  const dir = tempDir('dns');
  const port = await freePort();
  const d = startDaemon('dnsmasq', dnsmasq, ['-k', '--conf-file=/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces',
    '--no-resolv', '--no-hosts', '--local=/example.test/', '--user=root', `--pid-file=${dir}/pid`, '--host-record=www.example.test,192.0.2.7', '--log-facility=-'], { log: path.join(dir, 'log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(port, d);
  await expectUp(t, neg('dns', port, { protocol: 'udp', request: 'www.example.test', receive: '192\\.0\\.2\\.7' }), 'dns udp A');
  await expectUp(t, neg('dns', port, { protocol: 'tcp', request: '/www.example.test', receive: '192.0.2.7' }), 'dns tcp A');
  await expectUp(t, neg('dns', port, { protocol: 'udp', request: '192.0.2.7', receive: 'www\\.example' }), 'dns PTR');
  await expectDown(t, neg('dns', port, { protocol: 'udp', request: 'www.example.test', receive: '10\\.' }), 'dns mismatch');
  await expectDown(t, neg('dns', port, { protocol: 'udp', request: 'nx.example.test', receive: '.' }), 'dns NXDOMAIN', /rcode 3/);
});

svc('opensmtpd: smtp and submission', async (t) => {
  const smtpd = need('smtpd', 'opensmtpd');
  const dir = tempDir('smtp');
  const [p1, p2] = [await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'smtpd.conf'), `listen on 127.0.0.1 port ${p1}\nlisten on 127.0.0.1 port ${p2}\naction "local" mbox\nmatch from local for local action "local"\n`);
  chmodSync(path.join(dir, 'smtpd.conf'), 0o644);
  const d = startDaemon('smtpd', smtpd, ['-d', '-f', path.join(dir, 'smtpd.conf')], { log: path.join(dir, 'log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(p1, d);
  await expectUp(t, neg('smtp', p1), 'smtp');
  await expectUp(t, neg('submission', p2), 'submission');
  await d.stop();
  await expectDown(t, neg('smtp', p1), 'smtp stopped');
});

svc('dovecot: imap, imaps, pop, pops with and without login', async (t) => {
  const dovecot = need('dovecot', 'dovecot-imapd dovecot-pop3d');
  const dir = tempDir('dovecot');
  chmodSync(dir, 0o755);
  const { key, cert } = selfSignedFiles(dir);
  const [imap, imaps, pop, pops] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const me = userIds('dovecot');
  mkdirSync(path.join(dir, 'mail'));
  chownSync(path.join(dir, 'mail'), me.uid, me.gid);
  writeFileSync(path.join(dir, 'passwd'), `lvsha:{PLAIN}s3cret::::::\n`);
  writeFileSync(path.join(dir, 'dovecot.conf'), `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = lvsha-chk-${imap}
listen = 127.0.0.1
protocols = imap pop3
log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${cert}
ssl_key = <${key}
disable_plaintext_auth = no
first_valid_uid = ${me.uid}
auth_failure_delay = 0
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${me.uid} gid=${me.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imap}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${pop}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${pops}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`);
  const d = startDaemon('dovecot', dovecot, ['-F', '-c', path.join(dir, 'dovecot.conf')], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  for (const p of [imap, imaps, pop, pops]) await waitTcp(p, d);
  await expectUp(t, neg('imap', imap), 'imap greeting');
  await expectUp(t, neg('imap', imap, { login: 'lvsha', passwd: 's3cret' }), 'imap login');
  await expectDown(t, neg('imap', imap, { login: 'lvsha', passwd: 'wrong' }), 'imap bad password', /login failed/);
  await expectUp(t, neg('imaps', imaps, { login: 'lvsha', passwd: 's3cret' }), 'imaps login');
  await expectUp(t, neg('pop', pop), 'pop greeting');
  await expectUp(t, neg('pop', pop, { login: 'lvsha', passwd: 's3cret' }), 'pop login');
  await expectDown(t, neg('pop', pop, { login: 'lvsha', passwd: 'wrong' }), 'pop bad password', /login failed/);
  await expectUp(t, neg('pops', pops, { login: 'lvsha', passwd: 's3cret' }), 'pops login');
  await expectDown(t, neg('imaps', imap), 'imaps against plain imap port');
});

svc('vsftpd: ftp RETR content', async (t) => {
  const vsftpd = need('vsftpd', 'vsftpd');
  const dir = tempDir('ftp');
  chmodSync(dir, 0o755);
  const root = path.join(dir, 'root');
  mkdirSync(root, { mode: 0o555 });
  writeFileSync(path.join(root, 'welcome.msg'), 'Welcome to the lvsha test FTP\n');
  mkdirSync(path.join(dir, 'empty'), { mode: 0o555 });
  const port = await freePort();
  const pasv = await freePort();
  writeFileSync(path.join(dir, 'vsftpd.conf'), `listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=${port}
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=${root}
local_enable=NO
write_enable=NO
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=${pasv}
pasv_max_port=${pasv}
connect_from_port_20=NO
secure_chroot_dir=${dir}/empty
seccomp_sandbox=NO
xferlog_enable=NO
vsftpd_log_file=${dir}/vsftpd.log
`);
  const d = startDaemon('vsftpd', vsftpd, [path.join(dir, 'vsftpd.conf')], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(port, d);
  await expectUp(t, neg('ftp', port, { login: 'anonymous', passwd: 'lvsha@', request: 'welcome.msg', receive: 'Welcome' }), 'ftp');
  await expectDown(t, neg('ftp', port, { login: 'anonymous', passwd: 'lvsha@', request: 'welcome.msg', receive: 'Goodbye' }), 'ftp content mismatch');
  await expectDown(t, neg('ftp', port, { login: 'anonymous', passwd: 'lvsha@', request: 'missing.txt', receive: '.' }), 'ftp missing file', /RETR/);
});

svc('slapd: ldap and ldaps, anonymous and simple bind', async (t) => {
  const slapd = need('slapd', 'slapd');
  const slapadd = need('slapadd', 'slapd');
  const dir = tempDir('ldap');
  chmodSync(dir, 0o755);
  const { key, cert } = selfSignedFiles(dir);
  chmodSync(key, 0o644);
  mkdirSync(path.join(dir, 'db'));
  const [p, ps] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slapd.conf');
  writeFileSync(conf, `include /etc/ldap/schema/core.schema
pidfile ${dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile ${cert}
TLSCertificateKeyFile ${key}
database mdb
maxsize 10485760
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
rootpw s3cret
directory ${dir}/db
access to * by * read
`);
  writeFileSync(path.join(dir, 'base.ldif'), 'dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n');
  const { execFileSync } = await import('node:child_process');
  execFileSync(slapadd, ['-f', conf, '-l', path.join(dir, 'base.ldif')], { stdio: 'pipe' });
  const d = startDaemon('slapd', slapd, ['-d', '0', '-f', conf, '-h', `ldap://127.0.0.1:${p}/ ldaps://127.0.0.1:${ps}/`], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(p, d);
  await waitTcp(ps, d);
  await expectUp(t, neg('ldap', p, { request: '/dc=example,dc=org', receive: 'dc=example' }), 'ldap anonymous');
  await expectUp(t, neg('ldap', p, { request: '/dc=example,dc=org', login: 'cn=admin,dc=example,dc=org', passwd: 's3cret' }), 'ldap simple bind');
  await expectDown(t, neg('ldap', p, { request: '/dc=example,dc=org', login: 'cn=admin,dc=example,dc=org', passwd: 'wrong' }), 'ldap bad password', /bind failed/);
  await expectDown(t, neg('ldap', p, { request: '/dc=missing,dc=org' }), 'ldap missing base');
  await expectDown(t, neg('ldap', p, { request: '/dc=example,dc=org', receive: 'ou=nothere' }), 'ldap DN mismatch');
  await expectUp(t, neg('ldaps', ps, { request: '/dc=example,dc=org', receive: 'example' }), 'ldaps');
});

svc('mariadb: mysql_native_password, query rows', async (t) => {
  const mariadbd = need('mariadbd', 'mariadb-server');
  const installDb = need('mariadb-install-db', 'mariadb-server');
  const dir = tempDir('mysql');
  chmodSync(dir, 0o755);
  const my = userIds('mysql');
  chownSync(dir, my.uid, my.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const { execFileSync } = await import('node:child_process');
  execFileSync(installDb, [`--datadir=${data}`, '--user=mysql', '--auth-root-authentication-method=socket', '--skip-test-db', '--skip-name-resolve'], { stdio: 'pipe' });
  writeFileSync(path.join(dir, 'init.sql'), `
CREATE DATABASE IF NOT EXISTS lvsha;
CREATE TABLE IF NOT EXISTS lvsha.director (id INT, enabled INT);
INSERT INTO lvsha.director VALUES (1, 1);
CREATE USER IF NOT EXISTS 'lvsha'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('s3cret');
GRANT SELECT ON lvsha.* TO 'lvsha'@'127.0.0.1';
`);
  chmodSync(path.join(dir, 'init.sql'), 0o644);
  const d = startDaemon('mariadbd', mariadbd, ['--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${dir}/mysqld.sock`,
    `--pid-file=${dir}/mysqld.pid`, '--user=mysql', '--skip-name-resolve', `--init-file=${dir}/init.sql`, '--innodb-buffer-pool-size=16M', '--skip-log-bin', `--log-error=${dir}/error.log`], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(port, d, 60000).catch((e) => { throw new Error(`${(e as Error).message}\n${tail(path.join(dir, 'error.log'))}`); });
  const base = { login: 'lvsha', passwd: 's3cret', database: 'lvsha' };
  await expectUp(t, neg('mysql', port, { ...base, request: '/SELECT * FROM director WHERE enabled=1' }), 'mysql rows');
  await expectDown(t, neg('mysql', port, { ...base, request: 'SELECT * FROM director WHERE enabled=0' }), 'mysql 0 rows', /0 rows/);
  await expectDown(t, neg('mysql', port, { ...base, passwd: 'wrong', request: 'SELECT 1' }), 'mysql bad password', /1045/);
  await expectDown(t, neg('mysql', port, { ...base, request: 'SELECT * FROM nosuch' }), 'mysql bad query', /1146/);
});

svc('postgresql: scram-sha-256 and md5, query rows', async (t) => {
  const { readdirSync } = await import('node:fs');
  let versions: string[] = [];
  try { versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)); } catch { /* none */ }
  const bin = `/usr/lib/postgresql/${versions[0] ?? '15'}/bin`;
  const initdb = need(`${bin}/initdb`, 'postgresql');
  const postgres = need(`${bin}/postgres`, 'postgresql');
  const pg = userIds('postgres');
  const dir = tempDir('pgsql');
  chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  chownSync(data, pg.uid, pg.gid);
  chownSync(dir, pg.uid, pg.gid);
  writeFileSync(path.join(dir, 'pw'), 'adminpw\n');
  chownSync(path.join(dir, 'pw'), pg.uid, pg.gid);
  const port = await freePort();
  const { execFileSync } = await import('node:child_process');
  execFileSync(initdb, ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${dir}/pw`, '-E', 'UTF8', '--no-sync'], { stdio: 'pipe', uid: pg.uid, gid: pg.gid, cwd: dir });
  writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhost all md5user 127.0.0.1/32 md5\nhost all all 127.0.0.1/32 scram-sha-256\n');
  const d = startDaemon('postgres', postgres, ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off'],
    { log: path.join(dir, 'log'), uid: pg.uid, gid: pg.gid, cwd: dir });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(port, d, 60000);
  const psql = `${bin}/psql`;
  const sql = `SET password_encryption='scram-sha-256'; CREATE USER scramuser PASSWORD 's3cret';
SET password_encryption='md5'; CREATE USER md5user PASSWORD 'm5pass';
CREATE TABLE director (id int, enabled int); INSERT INTO director VALUES (1,1); GRANT SELECT ON director TO scramuser, md5user;`;
  execFileSync(psql, ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: 'pipe', uid: pg.uid, gid: pg.gid, cwd: dir });
  await expectUp(t, neg('pgsql', port, { login: 'scramuser', passwd: 's3cret', database: 'postgres', request: '/SELECT * FROM director WHERE enabled=1' }), 'pgsql scram rows');
  await expectUp(t, neg('pgsql', port, { login: 'md5user', passwd: 'm5pass', database: 'postgres', request: 'SELECT 1' }), 'pgsql md5');
  await expectDown(t, neg('pgsql', port, { login: 'scramuser', passwd: 'wrong', database: 'postgres', request: 'SELECT 1' }), 'pgsql bad password', /28P01/);
  await expectDown(t, neg('pgsql', port, { login: 'scramuser', passwd: 's3cret', database: 'postgres', request: 'SELECT * FROM director WHERE enabled=0' }), 'pgsql 0 rows', /0 rows/);
  await expectDown(t, neg('pgsql', port, { login: 'scramuser', passwd: 's3cret', database: 'postgres', request: 'SELECT * FROM nosuch' }), 'pgsql bad query', /42P01/);
});

svc('freeradius: Access-Request with User-Password', async (t) => {
  const freeradius = need('freeradius', 'freeradius');
  const dir = tempDir('radius');
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'raddb');
  cpSync('/etc/freeradius/3.0', conf, { recursive: true, dereference: false, verbatimSymlinks: true });
  const port = await freePort();
  // A minimal server: one auth listener on loopback, PAP against the users file; no EAP/inner-tunnel.
  for (const f of ['sites-enabled/default', 'sites-enabled/inner-tunnel', 'mods-enabled/eap']) rmSync(path.join(conf, f), { force: true });
  writeFileSync(path.join(conf, 'sites-enabled', 'lvsha'), `server lvsha {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${port}
  }
  authorize {
    files
    pap
  }
  authenticate {
    pap
  }
}
`);
  writeFileSync(path.join(conf, 'clients.conf'), 'client lvsha {\n  ipaddr = 127.0.0.1\n  secret = testing123\n}\n');
  writeFileSync(path.join(conf, 'mods-config', 'files', 'authorize'), 'lvsha Cleartext-Password := "s3cret"\n');
  let rc = readFileSync(path.join(conf, 'radiusd.conf'), 'utf8');
  rc = rc.replace(/^raddbdir = .*$/m, `raddbdir = ${conf}`).replace(/^logdir = .*$/m, `logdir = ${dir}`)
    .replace(/^run_dir = .*$/m, `run_dir = ${dir}`).replace(/^\s*user = freerad$/m, '').replace(/^\s*group = freerad$/m, '');
  writeFileSync(path.join(conf, 'radiusd.conf'), rc);
  const d = startDaemon('freeradius', freeradius, ['-f', '-d', conf, '-l', 'stdout', '-n', 'radiusd'], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  // UDP only: wait for "Ready to process requests".
  for (let i = 0; i < 200 && !/Ready to process requests/.test(tail(d.log, 50)); i++) {
    if (d.child.exitCode !== null) throw new Error(`freeradius exited: ${tail(d.log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = { protocol: 'udp' as const, login: 'lvsha', passwd: 's3cret', secret: 'testing123' };
  await expectUp(t, neg('radius', port, base), 'radius accept');
  await expectDown(t, neg('radius', port, { ...base, passwd: 'wrong' }), 'radius reject', /Reject/);
  await expectDown(t, neg('radius', port, { ...base, secret: 'wrongsecret', checkTimeout: 1 }), 'radius wrong secret');
});

svc('kamailio: sip OPTIONS over udp and tcp', async (t) => {
  const kamailio = need('kamailio', 'kamailio');
  const dir = tempDir('sip');
  chmodSync(dir, 0o755);
  const port = await freePort();
  const mpath = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'].find((p) => { try { return readFileSync(`${p}/sl.so`).length > 0; } catch { return false; } }) ?? '/usr/lib/x86_64-linux-gnu/kamailio/modules';
  writeFileSync(path.join(dir, 'kamailio.cfg'), `#!KAMAILIO
debug=1
log_stderror=yes
fork=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:${port}
listen=tcp:127.0.0.1:${port}
mpath="${mpath}"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
request_route {
  if (is_method("OPTIONS") && $rU == "alive") { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("404", "Not Here");
}
`);
  const d = startDaemon('kamailio', kamailio, ['-f', path.join(dir, 'kamailio.cfg'), '-DD', '-E', '-w', dir, '-Y', dir, '-P', path.join(dir, 'kamailio.pid')], { log: path.join(dir, 'out.log') });
  t.teardown(async () => { await d.stop(); if (!process.env['LVSHA_CHECK_KEEP']) rmSync(dir, { recursive: true, force: true }); });
  await waitTcp(port, d);
  await expectUp(t, neg('sip', port, { protocol: 'udp', login: 'alive@127.0.0.1' }), 'sip udp');
  await expectUp(t, neg('sip', port, { protocol: 'tcp', login: 'alive@127.0.0.1' }), 'sip tcp');
  await expectDown(t, neg('sip', port, { protocol: 'udp', login: 'other@127.0.0.1' }), 'sip 404', /404/);
});
