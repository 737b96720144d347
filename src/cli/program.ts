/**
 * The `lvsha` admin command. Each concern registers its own subcommands; their
 * implementations load lazily inside the action handlers.
 */
import { Command, CommanderError } from 'commander';
import { LvshaError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { registerModules } from './modules.ts';

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('lvsha')
    .description('High-availability LVS load balancing for Pacemaker clusters')
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('agent <agent> <action>')
    .description('run an OCF agent action, as Pacemaker would (e.g. lvsha agent IPaddr2 monitor)');
  registerModules(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof LvshaError) {
      process.stderr.write(`lvsha: ${err.message}\n`);
      return typeof (err.context as { exitCode?: unknown }).exitCode === 'number' ? (err.context.exitCode as number) : 1;
    }
    throw err;
  }
}
