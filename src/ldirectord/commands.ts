/**
 * `lvsha ldirectord [-d] [configfile] start|stop|restart|try-restart|reload|force-reload|status [--json]`.
 * Only the registration lives here; the implementation (src/director/cli.ts) loads when the command runs.
 */
import type { Command } from 'commander';

export function registerLdirectordCommands(program: Command): void {
  program
    .command('ldirectord')
    .description('run the director like ldirectord: [configfile] start|stop|restart|try-restart|reload|force-reload|status [--json]')
    .argument('<args...>', '[configfile] command')
    .option('-d, --debug', 'foreground, log to stdout')
    .option('--json', 'status as JSON')
    .allowUnknownOption(false)
    .action(async (args: string[], opts: { debug?: boolean; json?: boolean }) => {
      const { runLdirectordCli } = await import('../director/cli.ts');
      const extra = [...(opts.debug ? ['-d'] : []), ...(opts.json ? ['--json'] : [])];
      process.exitCode = await runLdirectordCli([...extra, ...args], {
        env: process.env,
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    });
}
