/**
 * `lvsha cluster init|check|apply`. Implementations load lazily inside the
 * action handlers; only commander's types are needed here.
 */
import type { Command } from 'commander';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Keys already in DIR, if valid, so `init --force` keeps the cluster's authentication working. */
async function existingKeys(dir: string): Promise<{ authkeys?: string; authkey?: Uint8Array }> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const out: { authkeys?: string; authkey?: Uint8Array } = {};
  const hb = await readFile(join(dir, 'authkeys'), 'utf8').catch(() => undefined);
  if (hb && /^auth \d+$/m.test(hb) && /^\d+ (sha1|md5) \S{16,}$/m.test(hb)) out.authkeys = hb;
  const cs = await readFile(join(dir, 'authkey')).catch(() => undefined);
  if (cs && cs.length >= 128 && cs.length <= 4096) out.authkey = cs;
  return out;
}

interface InitOpts {
  node: string[]; real: string[]; vip?: string; nic?: string; method?: string; stack?: string; name?: string;
  out: string; force?: boolean; description?: string; printKeys?: boolean; dryRun?: boolean; newKeys?: boolean;
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('generate and load the Pacemaker/Corosync/Heartbeat configuration of an LVS director cluster');

  cluster
    .command('init')
    .description('write cib.xml, corosync.conf+authkey or ha.cf+authkeys, ldirectord.cf, crmsh/pcs scripts and real-server settings')
    .option('--node <name=ip[/prefix]>', 'a director (repeat for each node; name = its `uname -n`)', collect, [])
    .option('--vip <ip/prefix>', 'the virtual IP the directors share')
    .option('--nic <if>', 'interface for the VIP (default eth0)')
    .option('--real <ip:port>', 'a real server (repeat)', collect, [])
    .option('--method <gate|masq|ipip>', 'LVS forwarding method (default gate)')
    .option('--stack <corosync|heartbeat>', 'cluster stack (default corosync)')
    .option('--name <cluster>', 'cluster name (default lvsha)')
    .option('--description <file>', 'cluster description file (see cib/*.lvsha); flags override it')
    .option('--out <dir>', 'output directory', '.')
    .option('--force', 'overwrite existing files (existing authkeys/authkey are kept unless --new-keys)')
    .option('--new-keys', 'with --force: also replace the existing keys (every node must get the new ones)')
    .option('--dry-run', 'print what would be written (secrets masked), write nothing')
    .option('--print-keys', 'also print the generated secret keys on stdout')
    .action(async (o: InitOpts) => {
      const [{ loadModel }, { planCluster }, { writePlan }, { randomBytes }] = await Promise.all([
        import('./load.ts'), import('./plan.ts'), import('./write.ts'), import('node:crypto'),
      ]);
      const model = await loadModel(o.description, {
        node: o.node, real: o.real,
        ...(o.vip !== undefined ? { vip: o.vip } : {}), ...(o.nic !== undefined ? { nic: o.nic } : {}),
        ...(o.method !== undefined ? { method: o.method } : {}), ...(o.stack !== undefined ? { stack: o.stack } : {}),
        ...(o.name !== undefined ? { name: o.name } : {}),
      });
      const plan = await planCluster(model, (n) => randomBytes(n), {}, o.force && !o.newKeys ? await existingKeys(o.out) : {});
      for (const w of plan.warnings) process.stderr.write(`${w}\n`);
      if (o.dryRun) {
        for (const f of plan.files) {
          process.stdout.write(`==> ${f.name} (mode ${f.mode.toString(8).padStart(4, '0')})\n`);
          process.stdout.write(f.secret ? '(secret, not shown)\n' : String(f.content));
        }
        return;
      }
      const written = await writePlan(o.out, plan.files, o.force === true);
      for (const p of written) process.stdout.write(`wrote ${p}\n`);
      if (o.printKeys) {
        for (const f of plan.files.filter((x) => x.secret)) {
          process.stdout.write(`${f.name}: ${typeof f.content === 'string' ? f.content.trim() : Buffer.from(f.content).toString('base64')}\n`);
        }
      }
    });

  cluster
    .command('check')
    .description('validate a cluster description (and flags) without writing anything')
    .option('--description <file>', 'cluster description file')
    .option('--node <name=ip[/prefix]>', 'a director', collect, [])
    .option('--vip <ip/prefix>', 'the virtual IP')
    .option('--real <ip:port>', 'a real server', collect, [])
    .option('--method <gate|masq|ipip>', 'forwarding method')
    .option('--stack <corosync|heartbeat>', 'cluster stack')
    .action(async (o: InitOpts) => {
      const { loadModel } = await import('./load.ts');
      const m = await loadModel(o.description, {
        node: o.node, real: o.real,
        ...(o.vip !== undefined ? { vip: o.vip } : {}), ...(o.method !== undefined ? { method: o.method } : {}),
        ...(o.stack !== undefined ? { stack: o.stack } : {}),
      });
      process.stdout.write(`ok: cluster ${m.name} (${m.stack}), ${m.nodes.length} nodes, VIP ${m.vip.addr.text}/${m.vip.prefix}, ${m.services.reduce((a, s) => a + s.reals.length, 0)} real servers\n`);
    });

  cluster
    .command('apply [dir]')
    .description('load DIR/cib.xml into the running cluster with cibadmin (idempotent: only what differs is written)')
    .action(async (dir: string | undefined) => {
      const { applyCib } = await import('./apply.ts');
      const r = await applyCib(dir ?? '.', undefined, (s) => process.stdout.write(`${s}\n`));
      process.stdout.write(`applied: ${r.changed.length} changed, ${r.removed.length} removed, ${r.unchanged.length} unchanged\n`);
    });
}
