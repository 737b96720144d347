/** `lvsha realserver up|down|status`: apply the real-server side of LVS-DR/TUN live (sysctl + VIP on lo). */
import type { Command } from 'commander';

interface RsOpts { vip: string; method?: string; dev?: string }

export function registerRealserverCommands(program: Command): void {
  const rs = program.command('realserver').description('configure this host as an LVS real server (live; see `cluster init` for persistent files)');
  const common = (c: Command): Command => c
    .requiredOption('--vip <ip[/len]>', 'the cluster VIP')
    .option('--method <gate|ipip>', 'forwarding method (default gate)')
    .option('--dev <if>', 'interface for the VIP (default lo; tunl0 for ipip)');
  for (const action of ['up', 'down', 'status'] as const) {
    common(rs.command(action).description({ up: 'add the VIP and set arp_ignore/arp_announce', down: 'remove the VIP (sysctls are left as they are)', status: 'show whether this host is set up' }[action]))
      .action(async (o: RsOpts) => {
        const { realserverAction } = await import('./live.ts');
        const out = await realserverAction(action, o);
        process.stdout.write(out);
      });
  }
}
