/**
 * `lvsha ipvs …` commands. Mount with `registerIpvsCommands(program)`.
 *
 *   lvsha ipvs list [--stats|--rate|--thresholds|--persistent-conn|--tun-info] [--exact] [--json] [--rules] [--timeout] [--daemon]
 *   lvsha ipvs apply FILE [--dry-run]
 *   lvsha ipvs flush
 *
 * `apply` makes the kernel table equal to FILE (services not in FILE are removed)
 * with the fewest netlink requests; the whole file is validated first and
 * nothing is sent if any field is wrong. FILE is either
 *  - JSON (the format `lvsha ipvs list --json` prints):
 *      { "services": [
 *          { "service": "TCP 10.0.0.1:80",            // or "UDP [2001:db8::1]:53", "SCTP …", "FWM 5", "FWM 5 IPv6"
 *            "scheduler": "wrr",                       // rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos (default wlc)
 *            "persistent": 300, "netmask": "255.255.255.0",  // IPv6: prefix length, e.g. 64
 *            "onePacket": false, "schedFlags": ["sh-port"], "pe": "sip",
 *            "destinations": [
 *              { "address": "10.0.0.2:80", "forward": "masq",   // masq | route (gate) | tunnel (ipip)
 *                "weight": 1, "upperThreshold": 0, "lowerThreshold": 0,
 *                "tunnel": { "type": "gue", "port": 6080, "checksum": "csum" } } ] } ],
 *        "timeouts": { "tcp": 900, "tcpFin": 120, "udp": 300 },
 *        "daemons": [ { "state": "master", "ifname": "eth1", "syncId": 1 } ] }
 *  - or ipvsadm rules as `ipvsadm -S -n` prints them / `ipvsadm -R` reads them.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { LvshaError, NotInstalledError } from '../errors.ts';
import { describeOp } from './errors.ts';
import { formatDaemons, formatList, formatRules, formatTimeouts, tableToJson, type ListFormat } from './format.ts';
import { plan } from './planner.ts';
import { looksLikeRules, parseRules } from './rules.ts';
import { validateTable, type DesiredTable } from './validate.ts';
import type { IpvsClient } from './client.ts';

export interface Io { out: (s: string) => void; err: (s: string) => void }
const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

async function openClient(): Promise<IpvsClient> {
  const { IpvsClient } = await import('./client.ts');
  return IpvsClient.open();
}

export const jsonText = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2) + '\n';

export interface ListOptions extends ListFormat { json?: boolean; rules?: boolean; timeout?: boolean; daemon?: boolean }

export async function listCommand(o: ListOptions, io: Io = stdio, client?: IpvsClient): Promise<void> {
  const c = client ?? await openClient();
  try {
    if (o.timeout) { io.out(formatTimeouts(await c.getTimeouts())); return; }
    if (o.daemon) { io.out(formatDaemons(await c.getDaemons())); return; }
    const table = await c.getTable();
    if (o.json) io.out(jsonText(tableToJson({ ...table, timeouts: await c.getTimeouts(), daemons: await c.getDaemons() }, !!(o.stats || o.rate))));
    else if (o.rules) io.out(formatRules(table));
    else io.out(formatList(await c.getInfo(), table, o));
  } finally { if (!client) c.close(); }
}

/** Read + validate a desired-table file (JSON or ipvsadm rules). Throws TableValidationError / ConfigError. */
export async function loadDesired(file: string): Promise<DesiredTable> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) { throw new LvshaError(`${file}: cannot read: ${(e as Error).message}`); }
  if (looksLikeRules(text)) return validateTable(parseRules(text, file), file);
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) {
    throw new LvshaError(`${file}: not valid JSON (${(e as Error).message}); write the JSON table format or ipvsadm rules (lines starting with -A/-a)`);
  }
  return validateTable(data, file);
}

export async function applyCommand(file: string, o: { dryRun?: boolean }, io: Io = stdio, client?: IpvsClient): Promise<number> {
  const desired = await loadDesired(file);
  const c = client ?? await openClient();
  try {
    const current = await c.getState();
    const ops = plan(desired, current);
    if (o.dryRun) {
      for (const op of ops) io.out(`${describeOp(op)}\n`);
      io.out(`${ops.length} operation${ops.length === 1 ? '' : 's'} would be applied (dry run)\n`);
      return ops.length;
    }
    const r = await c.apply(ops);
    io.out(`${r.applied.length} operation${r.applied.length === 1 ? '' : 's'} applied\n`);
    return r.applied.length;
  } finally { if (!client) c.close(); }
}

export async function flushCommand(io: Io = stdio, client?: IpvsClient): Promise<void> {
  const c = client ?? await openClient();
  try { await c.flush(); io.out('IPVS table flushed\n'); } finally { if (!client) c.close(); }
}

/** Exit status for an error: 5 = not installed (like OCF_ERR_INSTALLED), 4 = permission, 2 = bad input, 1 = other. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof NotInstalledError) return 5;
  if (e instanceof LvshaError && e.name.includes('Permission')) return 4;
  if (e instanceof LvshaError && (e.name === 'ConfigError' || e.name === 'TableValidationError')) return 2;
  return 1;
}

function run(fn: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    try { await fn(); } catch (e) {
      process.stderr.write(`lvsha ipvs: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = exitCodeFor(e);
    }
  };
}

export function registerIpvsCommands(program: Command): Command {
  const ipvs = program.command('ipvs').description('kernel IPVS table over generic netlink (like ipvsadm)');
  ipvs.command('list').alias('ls')
    .description('show the IPVS table (the layout of `ipvsadm -Ln`)')
    .option('--stats', 'counters (Conns InPkts OutPkts InBytes OutBytes)')
    .option('--rate', 'rates (CPS InPPS OutPPS InBPS OutBPS)')
    .option('--thresholds', 'upper/lower connection thresholds')
    .option('--persistent-conn', 'persistent connection counts')
    .option('--tun-info', 'tunnel type, port and checksum flags')
    .option('--exact', 'exact numbers, no K/M/G')
    .option('--json', 'the declarative JSON table (accepted by `ipvs apply`)')
    .option('--rules', 'ipvsadm rules (`ipvsadm -S -n`)')
    .option('--timeout', 'connection timeouts')
    .option('--daemon', 'sync daemons')
    .action((opts: ListOptions) => run(() => listCommand(opts))());
  ipvs.command('apply').argument('<file>', 'desired table: JSON or `ipvsadm -S -n` rules')
    .description('make the kernel table equal to FILE with the fewest changes (validated first; nothing half-applied on bad input)')
    .option('--dry-run', 'print the operations without sending them')
    .action((file: string, opts: { dryRun?: boolean }) => run(() => applyCommand(file, opts))());
  ipvs.command('flush').description('remove every virtual service').action(() => run(() => flushCommand())());
  return ipvs;
}
