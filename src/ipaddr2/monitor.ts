/** monitor / status: ip_served, then the optional refresh ARPs. Hot path: no xml, no child processes. */
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import { withVip } from './prepare.ts';
import { ipServed } from './served.ts';

export function monitor(ctx: ActionContext): Promise<number> {
  return withVip(ctx, async (v) => {
    const s = await ipServed(v, v.isTrue('check_link_status'));
    if (s.state === 'down') {
      ctx.log.info(`${v.ip} is on ${v.nic} but the link is down (check_link_status)`);
      return OCF.NOT_RUNNING;
    }
    if (s.state !== 'ok') return OCF.NOT_RUNNING;
    if (v.label !== undefined && s.mine?.label !== undefined && v.family === 4 && s.mine.label !== v.label) {
      // 4.12 does not check the label; say so rather than fail
      ctx.log.warn(`${v.ip} carries label ${s.mine.label}, expected ${v.label}`);
    }
    const refresh = Number(v.p('arp_count_refresh'));
    if (v.family === 4 && Number.isInteger(refresh) && refresh > 0 && v.link?.mac && v.ipBytes && !v.nic.startsWith('lo')) {
      const { sendGratuitousArps } = await import('../arp/sender.ts');
      try {
        await sendGratuitousArps({ ifindex: v.link.index, mac: v.link.mac, ip: v.ipBytes, count: refresh, intervalMs: Number(v.p('arp_interval')), signal: ctx.signal });
        ctx.log.debug(`sent ${refresh} refresh ARP pairs for ${v.ip} on ${v.nic}`);
      } catch (err) {
        ctx.log.err(`Could not send gratuitous arps: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return OCF.SUCCESS;
  });
}

export function status(ctx: ActionContext): Promise<number> {
  return withVip(ctx, async (v) => {
    const s = await ipServed(v, v.isTrue('check_link_status'));
    process.stdout.write(s.state === 'ok' ? 'running\n' : 'stopped\n');
    return s.state === 'ok' ? OCF.SUCCESS : OCF.NOT_RUNNING;
  });
}
