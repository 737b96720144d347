// ocf:lvsha:IPaddr2 on the real kernel, in namespaces lvsha-ip-a*: addresses, labels, lvs_support,
// nic auto-detection, link state, and the ARPs / NAs on the wire (captured in the peer namespace).
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeArp, decodeNa, readPcap } from '../../src/arp/pcap.ts';
import { OURS, addrState, waitLinksUp, capture, nsName, peerName, requirements, runAgent, sh, tmpDir, topoDown, topoUp } from './lib.ts';

const missing = requirements();
if (missing.length) {
  t.fail(`missing: ${missing.join('; ')}`);
  t.end();
} else {
  const TAG = 'a1';
  const NS = nsName(TAG), PEER = peerName(TAG);
  const rsctmp = tmpDir('lvsha-ip-rsctmp-');
  const run = (action: string, params: Record<string, string>, meta?: Record<string, string>) => runAgent(OURS, NS, action, params, { rsctmp, ...(meta ? { meta } : {}) });
  const gone = async (path: string): Promise<boolean> => {
    for (let i = 0; i < 100 && existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
    return !existsSync(path);
  };
  const mac = (ns: string, dev: string): string => sh(`ip -n ${ns} -br link show dev ${dev}`).out.split(/\s+/)[2]!;
  topoUp(TAG);
  t.teardown(() => topoDown(TAG));
  t.before(async () => { await waitLinksUp(NS); await waitLinksUp(PEER); });

  t.test('IPv4: start announces with request/reply pairs; monitor; stop', async (t) => {
    const p = { ip: '10.9.0.50' };
    t.equal((await run('monitor', p)).code, 7, 'not running before start');
    const cap = await capture(PEER, 'eth0', 'arp');
    const st = await run('start', p);
    t.equal(st.code, 0, st.err);
    t.match(st.err, /announcing 10\.9\.0\.50 from the background \(pid \d+\)/, 'arp_bg defaults to true for IPv4');
    t.ok(await gone(join(rsctmp, 'send_arp-10.9.0.50')), 'the background sender finishes and removes its pidfile');
    const frames = readPcap(await cap.stop());
    const line = addrState(NS).find((l) => l.includes(' 10.9.0.50/'));
    t.match(line, /eth0 inet 10\.9\.0\.50\/24 brd 10\.9\.0\.255 scope global secondary eth0/, 'added on eth0 with the brd of the subnet');
    const me = mac(NS, 'eth0');
    const arps = frames.filter((f) => f.ethertype === 0x0806).map((f) => ({ f, a: decodeArp(f.payload)! })).filter((x) => x.a.senderIp === '10.9.0.50');
    t.equal(arps.length, 10, 'arp_count=5 → 5 requests + 5 replies');
    t.same(arps.map((x) => x.a.op), [1, 2, 1, 2, 1, 2, 1, 2, 1, 2], 'request then reply, as libnet send_arp');
    for (const { f, a } of arps) {
      t.equal(f.dst, 'ff:ff:ff:ff:ff:ff'); t.equal(f.src, me);
      t.equal(a.senderMac, me); t.equal(a.targetIp, '10.9.0.50');
      t.equal(a.targetMac, a.op === 1 ? '00:00:00:00:00:00' : me);
    }
    const gaps = arps.slice(1).map((x, i) => x.f.ts - arps[i]!.f.ts);
    t.ok(gaps.every((g) => g >= 0.08), `paced by arp_interval/2 (gaps ${gaps.map((g) => g.toFixed(3)).join(' ')})`);
    t.equal((await run('monitor', p)).code, 0);
    const again = await run('start', p);
    t.equal(again.code, 0, 'start is idempotent');
    t.equal(addrState(NS).filter((l) => l.includes(' 10.9.0.50/')).length, 1, 'address present once');
    t.equal((await run('stop', p)).code, 0);
    t.equal((await run('monitor', p)).code, 7);
    t.equal((await run('stop', p)).code, 0, 'stop is idempotent');
  });

  t.test('arp_bg=false: the ARPs are on the wire when start returns', async (t) => {
    const p = { ip: '10.9.0.49', arp_bg: 'false', arp_count: '3', arp_interval: '100' };
    const cap = await capture(PEER, 'eth0', 'arp');
    t.equal((await run('start', p)).code, 0);
    t.notOk(existsSync(join(rsctmp, 'send_arp-10.9.0.49')), 'no background sender');
    const arps = readPcap(await cap.stop()).map((f) => decodeArp(f.payload)).filter((a) => a?.senderIp === '10.9.0.49');
    t.equal(arps.length, 6);
    t.equal((await run('stop', p)).code, 0);
  });

  t.test('stop ends a background sender that is still running', async (t) => {
    const p = { ip: '10.9.0.48', arp_count: '100', arp_interval: '100' };
    t.equal((await run('start', p)).code, 0);
    const file = join(rsctmp, 'send_arp-10.9.0.48');
    const pid = Number(readFileSync(file, 'utf8').trim());
    t.ok(existsSync(`/proc/${pid}`), 'sender running');
    t.equal((await run('stop', p)).code, 0);
    t.notOk(existsSync(file), 'pidfile removed');
    t.ok(await gone(`/proc/${pid}`), 'sender ended');
  });

  t.test('IPv6: DAD, then unsolicited NAs with the right fields', async (t) => {
    const p = { ip: '2001:db8:9::50', arp_count: '3', arp_interval: '100' };
    const cap = await capture(PEER, 'eth0', 'icmp6');
    const st = await run('start', p);
    t.equal(st.code, 0, st.err);
    const frames = readPcap(await cap.stop());
    const line = addrState(NS).find((l) => l.includes(' 2001:db8:9::50/'));
    t.match(line, /eth0 inet6 2001:db8:9::50\/64 scope global/);
    t.notMatch(line, /tentative/, 'DAD finished before start returned');
    const me = mac(NS, 'eth0');
    const nas = frames.filter((f) => f.ethertype === 0x86dd).map((f) => ({ f, na: decodeNa(f.payload) })).filter((x) => x.na && x.na.target === '2001:db8:9::50');
    t.equal(nas.length, 3, 'arp_count=3 NAs');
    for (const { f, na } of nas) {
      t.equal(f.dst, '33:33:00:00:00:01'); t.equal(f.src, me);
      t.same(na, { src: '2001:db8:9::50', dst: 'ff02::1', hopLimit: 255, flags: { router: false, solicited: false, override: true }, target: '2001:db8:9::50', tlla: me, checksumOk: true });
    }
    const ns = frames.findIndex((f) => f.ethertype === 0x86dd && f.payload[40] === 135);
    const firstNa = frames.findIndex((f) => f.ethertype === 0x86dd && f.payload[40] === 136);
    t.ok(ns >= 0 && ns < firstNa, 'the kernel DAD probe (NS) comes before the first NA');
    t.equal((await run('monitor', p)).code, 0);
    t.equal((await run('stop', p)).code, 0);
    t.equal((await run('monitor', p)).code, 7);
  });

  t.test('labels: iflabel and the nic:label form', async (t) => {
    for (const [p, label] of [[{ ip: '10.9.0.51', iflabel: 'vip' }, 'eth0:vip'], [{ ip: '10.9.0.52', nic: 'eth0:web', cidr_netmask: '24' }, 'eth0:web']] as const) {
      t.equal((await run('start', { ...p, arp_count: '1' })).code, 0);
      const line = addrState(NS).find((l) => l.includes(` ${p.ip}/`));
      t.match(line, new RegExp(`scope global secondary ${label} `), `label ${label}`);
      t.equal((await run('monitor', p)).code, 0);
      t.equal((await run('stop', p)).code, 0);
    }
    const long = await run('validate-all', { ip: '10.9.0.53', iflabel: 'abcdefghijkl' });
    t.equal(long.code, 6, 'NIC:label over 15 characters');
    t.match(long.err, /exceeds maximum character limit of 15/);
  });

  t.test('nic auto-detection picks the interface of the subnet', async (t) => {
    const p = { ip: '10.9.1.60', arp_count: '1' };
    t.equal((await run('start', p)).code, 0);
    t.match(addrState(NS).find((l) => l.includes(' 10.9.1.60/')), /eth1 inet 10\.9\.1\.60\/24 brd 10\.9\.1\.255 scope global secondary eth1/);
    t.equal((await run('stop', p)).code, 0);
    const none = await run('start', { ip: '10.8.0.1' });
    t.equal(none.code, 1, 'no route: findif fails with 1 (as 4.12)');
    t.match(none.err, /Unable to find nic or netmask/);
    t.equal((await run('monitor', { ip: '10.8.0.1' }, { interval: '0' })).code, 7, 'a probe answers 7 when findif fails');
  });

  t.test('lvs_support moves a conflicting /32 off lo and restores it on stop', async (t) => {
    sh(`ip -n ${NS} addr add 10.9.0.70/32 dev lo`);
    const p = { ip: '10.9.0.70', lvs_support: 'true', arp_count: '1' };
    t.equal((await run('start', p)).code, 0);
    const st = addrState(NS);
    t.notOk(st.some((l) => l.startsWith('1: lo') && l.includes('10.9.0.70/32')), 'gone from lo');
    t.ok(st.some((l) => l.includes('eth0 inet 10.9.0.70/24')), 'on eth0');
    const saved = join(rsctmp, '10.9.0.70');
    t.ok(existsSync(saved), 'saved under HA_RSCTMP');
    t.equal(readFileSync(saved, 'utf8').trim(), '10.9.0.70 32 255.255.255.255 lo', 'same record as IPaddr2');
    t.equal((await run('stop', p)).code, 0);
    const after = addrState(NS);
    t.ok(after.some((l) => l.startsWith('1: lo') && l.includes('inet 10.9.0.70/32 brd 255.255.255.255')), 'restored on lo');
    t.notOk(after.some((l) => l.includes('eth0 inet 10.9.0.70')), 'gone from eth0');
    t.notOk(existsSync(saved), 'state file removed');
    sh(`ip -n ${NS} addr del 10.9.0.70/32 dev lo`);
    t.equal((await run('validate-all', { ip: '2001:db8:9::70', lvs_support: 'true' })).code, 6, 'IPv6 + lvs_support');
  });

  t.test('check_link_status: DOWN / LOWERLAYERDOWN → 7', async (t) => {
    const p = { ip: '10.9.0.80', arp_count: '1' };
    t.equal((await run('start', p)).code, 0);
    sh(`ip -n ${PEER} link set eth0 down`);
    await new Promise((r) => setTimeout(r, 200));
    t.match(sh(`ip -n ${NS} link show dev eth0`).out, /NO-CARRIER.*state DOWN/, 'veth without its peer: operstate DOWN');
    t.equal((await run('monitor', p)).code, 7, 'no carrier → not running');
    t.equal((await run('monitor', { ...p, check_link_status: 'false' })).code, 0, 'check disabled → running');
    sh(`ip -n ${PEER} link set eth0 up`);
    await new Promise((r) => setTimeout(r, 300));
    t.equal((await run('monitor', p)).code, 0, 'carrier back → running');
    t.equal((await run('stop', p)).code, 0);
  });

  t.test('arp_count_refresh: monitor re-announces', async (t) => {
    const p = { ip: '10.9.0.81', arp_count: '1', arp_bg: 'false', arp_count_refresh: '2', arp_interval: '20' };
    t.equal((await run('start', p)).code, 0);
    const cap = await capture(PEER, 'eth0', 'arp');
    t.equal((await run('monitor', p)).code, 0);
    const arps = readPcap(await cap.stop()).map((f) => decodeArp(f.payload)).filter((a) => a?.senderIp === '10.9.0.81');
    t.equal(arps.length, 4, '2 refresh pairs');
    t.equal((await run('stop', p)).code, 0);
  });

  t.test('IPv6 duplicate: dadfailed → address removed, start 1', async (t) => {
    sh(`ip -n ${PEER} addr add 2001:db8:9::90/64 dev eth0 nodad`);
    const p = { ip: '2001:db8:9::90', arp_count: '1' };
    const st = await run('start', p);
    t.equal(st.code, 1);
    t.match(st.err, /IPv6 address collision 2001:db8:9::90 \[DAD\]/);
    t.notOk(addrState(NS).some((l) => l.includes('2001:db8:9::90/')), 'removed');
    sh(`ip -n ${PEER} addr del 2001:db8:9::90/64 dev eth0`);
  });

  t.test('run_arping: an answering host blocks the start', async (t) => {
    sh(`ip -n ${PEER} addr add 10.9.0.91/24 dev eth0`);
    const st = await run('start', { ip: '10.9.0.91', run_arping: 'true' });
    t.equal(st.code, 1);
    t.match(st.err, /IPv4 address collision 10\.9\.0\.91 \[DAD\]/);
    t.notOk(addrState(NS).some((l) => l.includes(' 10.9.0.91/')));
    sh(`ip -n ${PEER} addr del 10.9.0.91/24 dev eth0`);
    const ok = await run('start', { ip: '10.9.0.92', run_arping: 'true', arp_count: '1' });
    t.equal(ok.code, 0, 'free address: started');
    t.equal((await run('stop', { ip: '10.9.0.92' })).code, 0);
  });

  t.test('IPv6 flags and lifetime: nodad, noprefixroute, preferred_lft 0', async (t) => {
    const p = { ip: '2001:db8:9::95', nic: 'eth0', cidr_netmask: '64', nodad: 'true', noprefixroute: 'true', preferred_lft: '0', arp_count: '1' };
    t.equal((await run('start', p)).code, 0);
    const line = addrState(NS).find((l) => l.includes('2001:db8:9::95/'))!;
    t.match(line, /nodad/); t.match(line, /noprefixroute/); t.match(line, /deprecated/); t.match(line, /preferred_lft 0sec|preferred_lft Nsec/);
    t.equal((await run('stop', p)).code, 0);
  });

  t.test('network_namespace re-executes the agent inside the namespace', async (t) => {
    const p = { ip: '10.9.0.96', network_namespace: NS, arp_count: '1' };
    // run from a namespace that has no 10.9.0.0/24 at all: the peer's eth1 side only knows 10.9.1.0/24
    t.equal((await runAgent(OURS, PEER, 'start', { ...p, ip: '10.9.0.96' }, { rsctmp })).code, 0);
    t.ok(addrState(NS).some((l) => l.includes('eth0 inet 10.9.0.96/24')), 'added in the target namespace');
    t.equal((await runAgent(OURS, PEER, 'stop', p, { rsctmp })).code, 0);
    t.notOk(addrState(NS).some((l) => l.includes(' 10.9.0.96/')));
  });

  t.test('status and usage', async (t) => {
    const s = await run('status', { ip: '10.9.0.97' });
    t.equal(s.code, 7); t.match(s.out, /stopped/);
    const u = await run('bogus', { ip: '10.9.0.97' });
    t.equal(u.code, 3, 'unknown action → 3');
    t.equal((await run('usage', {})).code, 0);
  });
}
