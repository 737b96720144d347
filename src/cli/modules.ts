/** Where each concern's subcommands are mounted into the `lvsha` program. */
import type { Command } from 'commander';
import { registerClusterCommands } from '../cluster/cli.ts';
import { registerIpvsCommands } from '../ipvs/cli.ts';
import { registerLdirectordCommands } from '../ldirectord/commands.ts';
import { registerRealserverCommands } from '../realserver/cli.ts';

export function registerModules(program: Command): void {
  registerIpvsCommands(program);
  registerLdirectordCommands(program);
  registerClusterCommands(program);
  registerRealserverCommands(program);
}
