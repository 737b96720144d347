// Runs the real Perl ldirectord parser (read_config + ld_setup, via
// test/fixtures/ldirectord/perl-parse-check.sh) on every corpus file and
// compares its model with ours, field by field.
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD, NOT_FOR_PERL } from './bad-configs.ts';
import { effectiveConfig, parseLdirectordConfig, type EffectiveVirtual } from '../../../src/ldirectord/config/index.ts';
import { systemResolver } from '../../../src/ldirectord/config/system-resolver.ts';

const dir = join(import.meta.dirname, '../../fixtures/ldirectord');
const checker = join(dir, 'perl-parse-check.sh');
const corpus = readdirSync(dir).filter((f) => /^\d\d-.*\.cf$/.test(f)).sort();
const HOST = 'testhost';

function perlAvailable(): string | undefined {
  if (spawnSync('perl', ['-e', '1']).status !== 0) return 'perl not found: apt-get install perl ldirectord';
  const script = process.env['LDIRECTORD'] ?? '/usr/sbin/ldirectord';
  if (!existsSync(script)) return `${script} not found: apt-get install ldirectord`;
  return undefined;
}

type PerlDump = { global: Record<string, unknown>; virtual: Record<string, any>[] };

function perlDump(file: string): PerlDump {
  const out = execFileSync('sh', [checker, '--dump', file], { env: { ...process.env, LDIRECTORD_HOSTNAME: HOST }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as PerlDump;
}

/** ldirectord's ld_setup() "flags" string rebuilt from our IPVS service. */
function ipvsadmFlags(v: EffectiveVirtual): string {
  const s = v.ipvs;
  const k = s.key;
  let f = k.fwmark !== undefined ? `-f ${k.fwmark}${k.family === 'inet6' ? ' -6' : ''} ` : `${k.protocol === 'tcp' ? '-t' : '-u'} ${k.family === 'inet6' ? `[${k.address}]` : k.address}:${k.port} `;
  if (s.onePacket) f += '-o ';
  f += `-s ${s.scheduler} `;
  return f;
}

const str = (x: unknown) => (x === null || x === undefined ? undefined : String(x));

t.test('corpus is big enough', async (t) => {
  t.ok(corpus.length >= 25, `${corpus.length} corpus files`);
});

t.test('Perl ldirectord accepts every corpus file and parses it as we do', async (t) => {
  const missing = perlAvailable();
  if (missing) { t.fail(missing); return; }
  for (const f of corpus) t.test(f, async (t) => compare(t, join(dir, f), f));
});


function compare(t: Test, path: string, f: string): void {
  const perl = perlDump(path);
  const { config, warnings } = parseLdirectordConfig(readFileSync(path, 'utf8'), { file: f, resolver: systemResolver({ hostname: HOST }) });
  const eff = effectiveConfig(config, warnings);
  const g = config.global;
  const pg = perl.global;
  t.same(g.checktimeout ?? -1, Number(pg['checktimeout']), 'global checktimeout');
  t.same(g.negotiatetimeout ?? -1, Number(pg['negotiatetimeout']), 'global negotiatetimeout');
  t.same(g.checkinterval, Number(pg['checkinterval']), 'checkinterval');
  t.same(g.failurecount, Number(pg['failurecount']), 'failurecount');
  t.same(g.checkcount, Number(pg['checkcount']), 'checkcount');
  t.same(g.quiescent ? 'yes' : 'no', pg['quiescent'], 'quiescent');
  t.same(g.readdquiescent ? 'yes' : 'no', pg['readdquiescent'], 'readdquiescent');
  t.same(g.cleanstop ? 'yes' : 'no', pg['cleanstop'], 'cleanstop');
  t.same(g.fork ? 'yes' : 'no', pg['fork'], 'fork');
  t.same(g.supervised ? 'yes' : 'no', pg['supervised'], 'supervised');
  t.same(g.autoreload ? 'yes' : 'no', pg['autoreload'], 'autoreload');
  t.same(g.emailalert, pg['emailalert'], 'emailalert');
  t.same(g.emailalertfreq, Number(pg['emailalertfreq']), 'emailalertfreq');
  const bits = { starting: 1, running: 2, stopping: 4, reloading: 8 } as const;
  t.same(g.emailalertstatus.reduce((a, s) => a | bits[s], 0), Number(pg['emailalertstatus']), 'emailalertstatus');
  t.same(g.emailalertfrom, str(pg['emailalertfrom']), 'emailalertfrom');
  t.same(g.smtp, str(pg['smtp']), 'smtp');
  t.same(g.callback, str(pg['callback']), 'callback');
  t.same(g.fallbackcommand, str(pg['fallbackcommand']), 'fallbackcommand');
  t.same(g.maintenancedir, str(pg['maintenancedir']), 'maintenancedir');
  t.same(g.execute, pg['execute'], 'execute');
  // logfile is not kept by ld_openlog() in debug mode; Perl keeps the string
  t.same(g.logfile.kind === 'file' ? g.logfile.path : g.logfile.facility, pg['logfile'], 'logfile');
  for (const fam of ['fallback', 'fallback6'] as const) {
    const ours = g[fam];
    const theirs = pg[fam] as Record<string, Record<string, unknown>> | null;
    t.same(ours === undefined, theirs === null, `${fam} presence`);
    if (ours && theirs) {
      for (const p of ['tcp', 'udp'] as const) {
        const a = fam === 'fallback6' ? `[${ours[p].address}]` : ours[p].address;
        t.same(a, theirs[p]!['server'], `${fam} ${p} server`);
        t.same(ours[p].port, theirs[p]!['port'] === undefined || theirs[p]!['port'] === null ? undefined : Number(theirs[p]!['port']), `${fam} ${p} port`);
        t.same(ours[p].forward, theirs[p]!['forward'], `${fam} ${p} forward`);
      }
    }
  }
  t.equal(eff.virtuals.length, perl.virtual.length, 'number of virtuals');
  eff.virtuals.forEach((v, i) => {
    const pv = perl.virtual[i]!;
    const raw = config.virtuals[i]!;
    const tag = `virtual ${v.id}`;
    t.same(v.protocol, pv['protocol'], `${tag} protocol`);
    t.same(v.family, pv['addressfamily'], `${tag} family`);
    t.same(ipvsadmFlags(v) + (raw.persistent !== undefined ? `-p ${raw.persistent} ` + (raw.netmask !== undefined ? `-M ${raw.netmask} ` : '') : '') + (raw.schedflags !== undefined ? `-b ${raw.schedflags} ` : ''), pv['flags'], `${tag} ipvsadm flags`);
    if (v.protocol !== 'fwm') {
      t.same(v.family === 'inet6' ? `[${v.address}]` : v.address, pv['server'], `${tag} server`);
      t.same(v.port, Number(pv['port']), `${tag} port`);
    } else t.same(v.fwmark, Number(pv['fwm']), `${tag} fwmark`);
    for (const k of ['checktype', 'service', 'scheduler', 'login', 'passwd', 'database', 'secret', 'httpmethod', 'checkcommand', 'request', 'receive'] as const) {
      t.same(raw[k], pv[k], `${tag} ${k}`);
    }
    t.same(raw.numConnects, Number(pv['num_connects']), `${tag} num_connects`);
    t.same(raw.virtualhost, str(pv['virtualhost']), `${tag} virtualhost`);
    t.same(raw.checkport, pv['checkport'] === undefined ? undefined : Number(pv['checkport']), `${tag} checkport`);
    t.same(raw.ops ? 'yes' : 'no', pv['ops'], `${tag} ops`);
    t.same(v.checktimeout, Number(pv['checktimeout']), `${tag} effective checktimeout`);
    t.same(v.negotiatetimeout, Number(pv['negotiatetimeout']), `${tag} effective negotiatetimeout`);
    t.same(v.checkcount, Number(pv['checkcount']), `${tag} effective checkcount`);
    t.same(v.failurecount, Number(pv['failurecount']), `${tag} effective failurecount`);
    t.same(raw.quiescent === undefined ? undefined : raw.quiescent ? 'yes' : 'no', str(pv['quiescent']), `${tag} quiescent`);
    for (const k of ['fallbackcommand', 'monitorfile', 'servicename', 'comment', 'load', 'smtp', 'emailalert'] as const) {
      t.same(raw[k], str(pv[k]), `${tag} ${k}`);
    }
    if (raw.fallback || pv['fallback']) {
      const pf = pv['fallback'] as Record<string, unknown>;
      t.same(raw.family === 'inet6' ? `[${raw.fallback?.address}]` : raw.fallback?.address, pf['server'], `${tag} fallback server`);
      t.same(raw.fallback?.port, Number(pf['port']), `${tag} fallback port`);
      t.same(raw.fallback?.forward, pf['forward'], `${tag} fallback forward`);
    }
    const preals = pv['real'] as Record<string, unknown>[];
    t.equal(v.reals.length, preals.length, `${tag} number of reals`);
    v.reals.forEach((r, j) => {
      const pr = preals[j]!;
      const rt = `${tag} real ${j}`;
      t.same(v.family === 'inet6' ? `[${r.address}]` : r.address, pr['server'], `${rt} server`);
      t.same(r.port, Number(pr['port']), `${rt} port`);
      t.same(r.forward, pr['forward'], `${rt} forward`);
      t.same(r.weight, Number(pr['weight']), `${rt} weight`);
      t.same(r.check.request, pr['request'], `${rt} request`);
      t.same(r.check.receive, pr['receive'], `${rt} receive`);
      t.same(r.check.url, pr['url'], `${rt} url`);
      t.same(config.virtuals[i]!.reals[j]!.lowerThreshold, pr['l-threshold'] === undefined ? undefined : Number(pr['l-threshold']), `${rt} l-threshold`);
      t.same(config.virtuals[i]!.reals[j]!.upperThreshold, pr['u-threshold'] === undefined ? undefined : Number(pr['u-threshold']), `${rt} u-threshold`);
      t.same(r.ldirectordId, pr['id'], `${rt} ldirectord id`);
    });
  });
}

/** Tricky but valid snippets: ldirectord quirks we reproduce on purpose. */
const EDGE: [string, string][] = [
  ['address-without-port-is-fwmark', 'virtual=10.90.0.1\n\treal=10.91.0.1 gate\n'],
  ['real-request-space-separated', 'virtual=10.90.0.1:80\n\treal=10.91.0.1:80 gate 2 "a.html" "ok" l:3 u:9\n'],
  ['real-request-leading-slash-drops-rest', 'virtual=10.90.0.1:80\n\treal=10.91.0.1:80 gate 2 "/a.html", "ok" l:3 u:9\n\treceive="v"\n'],
  ['real-request-http-url', 'virtual=10.90.0.1:80\n\treal=10.91.0.1:80 gate 1 "http://www.example.test/x", "y"\n'],
  ['ftp-by-port-has-no-login-default', 'virtual=10.90.0.1:21\n\treal=10.91.0.1:21 gate\nvirtual=10.90.0.2:21\n\tservice=ftp\n\treal=10.91.0.1:21 gate\n'],
  ['login-after-service', 'virtual=10.90.0.1:5060\n\tservice=sip\n\tlogin="bob"\n\treal=10.91.0.1 gate\n'],
  ['checktype-digit-anywhere', 'virtual=10.90.0.1:80\n\tchecktype=negotiate2\n\treal=10.91.0.1:80 gate\n'],
  ['scheduler-first-lowercase-run', 'virtual=10.90.0.1:80\n\tscheduler=Wlc\n\treal=10.91.0.1:80 gate\n'],
  ['timeouts-all-four', 'checktimeout=3\nnegotiatetimeout=20\nvirtual=10.90.0.1:80\n\tnegotiatetimeout=7\n\treal=10.91.0.1:80 gate\nvirtual=10.90.0.2:80\n\tchecktimeout=2\n\treal=10.91.0.1:80 gate\n'],
  ['global-fallback-no-port-udp', 'fallback=10.91.0.99 masq\nvirtual=10.90.0.1:53\n\treal=10.91.0.1:53 gate\n'],
  ['virtualhost-quoted-and-empty', 'virtual=10.90.0.1:80\n\tvirtualhost="a.test"\n\treal=10.91.0.1:80 gate\nvirtual=10.90.0.2:80\n\tvirtualhost=\n\treal=10.91.0.1:80 gate\n'],
  ['persistent-netmask-schedflags', 'virtual=10.90.0.1:80\n\tpersistent=60\n\tnetmask=255.255.255.0\n\tschedflags=flag-1,flag-3\n\treal=10.91.0.1:80 gate\n'],
  ['crlf-comment-only-lines', 'virtual=10.90.0.1:80\n\treal=10.91.0.1:80 gate\n  # end\n'],
  ['emailalertstatus-spaces', 'emailalertstatus=starting , stopping\n'],
  ['load-first-word', 'virtual=10.90.0.1:80\n\tload="cpu mem"\n'],
  ['crlf-line-ends', 'checktimeout=4\r\nvirtual=10.90.0.1:80\r\n\treal=10.91.0.1:80 gate 3\r\n\tchecktype=connect\r\n\trequest="x"\r\n'],
  ['thresholds-wrong-order-drop-upper', 'virtual=10.90.0.1:80\n\treal=10.91.0.1:80 gate u:5 l:3\n'],
  ['virtual-checktimeout-00', 'virtual=10.90.0.1:80\n\tchecktimeout=00\n\treal=10.91.0.1:80 gate\n'],
  ['fwmark-fallback-port-0', 'virtual=9\n\tfallback=10.91.0.99 masq\n\treal=10.91.0.1 gate\n'],
  ['trailing-junk-on-virtual', 'virtual=10.90.0.1:80 web\n\treal=10.91.0.1:80 gate\n'],
  ['v6-range-single', 'virtual6=[fd00:90::1]:80\n\treal6=[FD00:91:0::1]:80 masq\n'],
];

t.test('edge configs parse as in Perl', async (t) => {
  const missing = perlAvailable();
  if (missing) { t.fail(missing); return; }
  const tmp = mkdtempSync(join(tmpdir(), 'lvsha-ldcf-edge-'));
  for (const [name, text] of EDGE) {
    const p = join(tmp, `${name}.cf`);
    writeFileSync(p, text);
    t.test(name, async (t) => compare(t, p, name));
  }
});

t.test('Perl ldirectord rejects every bad config too', async (t) => {
  const missing = perlAvailable();
  if (missing) { t.fail(missing); return; }
  const tmp = mkdtempSync(join(tmpdir(), 'lvsha-ldcf-bad-'));
  BAD.forEach(([text], i) => {
    if (NOT_FOR_PERL.has(text)) return;
    const p = join(tmp, `bad-${i}.cf`);
    writeFileSync(p, `${text}\n`);
    const r = spawnSync('sh', [checker, p], { encoding: 'utf8', env: { ...process.env, LDIRECTORD_HOSTNAME: HOST } });
    t.not(r.status, 0, `Perl rejects: ${JSON.stringify(text)}`);
  });
});
