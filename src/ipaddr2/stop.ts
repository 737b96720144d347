/** stop: IPaddr2 4.12 ip_stop over rtnetlink — idempotent; flush_routes; addrlabel; lvs_support restore. */
import { writeFileSync } from 'node:fs';
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import { addrLabel, deleteAddress } from '../net/addresses.ts';
import { withVip } from './prepare.ts';
import { ipServed } from './served.ts';
import { restoreLoopback } from './lvs.ts';

export function stop(ctx: ActionContext): Promise<number> {
  return withVip(ctx, async (v) => {
    (await import('./announce.ts')).killBackgroundSender(v);
    const s = await ipServed(v, false);
    ctx.log.info(`IP status = ${s.state}, IP_CIP=`);
    if (s.state === 'no') return OCF.SUCCESS;
    try {
      await deleteAddress(v.nl, { family: v.af, index: v.link!.index, local: v.ipBytes!, prefixlen: v.prefixlen! });
    } catch (err) {
      ctx.exitReason(`Unable to remove IP [${v.ip} from interface [ ${v.nic} ]`);
      ctx.log.err(String(err));
      return OCF.ERR_GENERIC;
    }
    if (v.isTrue('flush_routes')) {
      // `ip route flush cache`
      try { writeFileSync('/proc/sys/net/ipv4/route/flush', '1\n'); } catch (err) { ctx.log.warn(`route cache flush failed: ${String(err)}`); }
    }
    if (v.family === 6 && v.isTrue('lvs_ipv6_addrlabel')) {
      try { await addrLabel(v.nl, 'del', v.af, v.ipBytes!, Number(v.p('lvs_ipv6_addrlabel_value'))); } catch { /* as the shell agent: ignored */ }
    }
    if (v.isTrue('lvs_support')) await restoreLoopback(v);
    return OCF.SUCCESS;
  });
}
