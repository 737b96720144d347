/**
 * Stand-alone entry for `cluster` and `realserver` commands, used by the tests
 * until (and besides) the lvsha binary mounts them: `node src/cluster/dev-main.ts cluster init …`.
 */
import { Command, CommanderError } from 'commander';
import { LvshaError } from '../errors.ts';
import { registerClusterCommands } from './cli.ts';
import { registerRealserverCommands } from '../realserver/cli.ts';

const program = new Command('lvsha').exitOverride().showHelpAfterError();
registerClusterCommands(program);
registerRealserverCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof LvshaError) {
    process.stderr.write(`lvsha: ${err.message}\n`);
    process.exit(typeof err.context['exitCode'] === 'number' ? err.context['exitCode'] : 1);
  }
  throw err;
}
