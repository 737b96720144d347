/** Real-server settings (pure parts): snippets per method and the live command's option checks. */
import t from 'tap';
import { realserverFiles } from '../../../src/realserver/snippets.ts';
import { parseLiveOpts } from '../../../src/realserver/live.ts';

t.test('gate: VIP on lo as a host route, ARP sysctls, four network stacks', async (t) => {
  const files = Object.fromEntries(realserverFiles({ method: 'gate', vip: { text: '192.168.0.200', family: 4 } }).map((f) => [f.name, f.content]));
  t.match(files['90-lvsha-realserver.conf'], /^net\.ipv4\.conf\.all\.arp_ignore = 1$/m);
  t.match(files['90-lvsha-realserver.conf'], /^net\.ipv4\.conf\.all\.arp_announce = 2$/m);
  t.match(files['ifupdown-lo-vip'], /iface lo:lvs inet static\n\s+address 192.168.0.200\n\s+netmask 255.255.255.255/);
  t.match(files['ifcfg-lo:lvs'], /DEVICE=lo:lvs\nIPADDR=192.168.0.200\nNETMASK=255.255.255.255/);
  t.match(files['10-lvsha-lo.network'], /\[Match\]\nName=lo\n\n\[Network\]\nAddress=192.168.0.200\/32/);
});

t.test('masq: default route via the gateway (or the VIP)', async (t) => {
  const f = realserverFiles({ method: 'masq', vip: { text: '10.0.0.100', family: 4 }, gateway: { text: '10.1.0.254' } });
  t.match(f.find((x) => x.name === 'realserver.sh')!.content, /ip route replace default via 10.1.0.254/);
  t.match(f.find((x) => x.name === '10-lvsha-gateway.network')!.content, /Gateway=10.1.0.254/);
  const g = realserverFiles({ method: 'masq', vip: { text: '10.0.0.100', family: 4 } });
  t.match(g.find((x) => x.name === 'realserver.sh')!.content, /via 10.0.0.100/);
});

t.test('ipip: tunl0 and rp_filter off; IPv6 gets /128 and no ARP sysctls', async (t) => {
  const f = realserverFiles({ method: 'ipip', vip: { text: '10.0.0.100', family: 4 } });
  t.match(f.find((x) => x.name === '90-lvsha-realserver.conf')!.content, /tunl0\.rp_filter = 0/);
  const v6 = realserverFiles({ method: 'gate', vip: { text: 'fd00::100', family: 6 } });
  t.match(v6.find((x) => x.name === '10-lvsha-lo.network')!.content, /Address=fd00::100\/128/);
  t.notMatch(v6.find((x) => x.name === '90-lvsha-realserver.conf')!.content, /arp_ignore/);
});

t.test('live options', async (t) => {
  const p = parseLiveOpts({ vip: '192.168.0.200' });
  t.equal(p.dev, 'lo');
  t.equal(p.text, '192.168.0.200/32');
  t.same([...p.addr.bytes], [192, 168, 0, 200]);
  t.equal(parseLiveOpts({ vip: '10.0.0.1', method: 'ipip' }).dev, 'tunl0');
  t.throws(() => parseLiveOpts({ vip: '192.168.0.200/24' }), /--vip: \/24 on a real server would capture the whole subnet/);
  t.throws(() => parseLiveOpts({ vip: '192.168.0.300' }), /--vip: "192.168.0.300" is not an IP address/);
  t.throws(() => parseLiveOpts({ vip: '10.0.0.1', method: 'masq' }), /--method: "masq" not supported here/);
  t.equal(parseLiveOpts({ vip: 'fd00::1' }).addr.bytes.length, 16);
});
