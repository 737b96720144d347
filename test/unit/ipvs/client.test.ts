// The real netlink socket on this host: without IPVS the family lookup must become NotInstalledError
// ("ip_vs is not loaded: modprobe ip_vs", mapped to OCF_ERR_INSTALLED by agents). With IPVS, it opens.
import t from 'tap';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { IpvsClient } from '../../../src/ipvs/client.ts';
import { IpvsNotLoadedError } from '../../../src/ipvs/errors.ts';
import { NotInstalledError } from '../../../src/errors.ts';

const netlinkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/netlink/'));

t.test('the netlink package is loaded lazily', async (t) => {
  t.equal(netlinkLoaded(), false, 'importing client.ts does not load netlink');
});

t.test('family resolution', async (t) => {
  if (existsSync('/proc/net/ip_vs')) {
    const c = await IpvsClient.open();
    t.ok(c, 'IPVS present: the client opens');
    c.close();
    return;
  }
  try { await IpvsClient.open(); t.fail('should reject'); }
  catch (e) {
    t.ok(e instanceof IpvsNotLoadedError);
    t.ok(e instanceof NotInstalledError, 'a NotInstalledError (OCF_ERR_INSTALLED)');
    t.equal((e as Error).message, 'ip_vs is not loaded: modprobe ip_vs');
  }
  t.equal(netlinkLoaded(), true, 'loaded once needed');
});
