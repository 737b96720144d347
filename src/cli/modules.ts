/** Where each concern's subcommands are mounted into the `lvsha` program. */
import type { Command } from 'commander';

export function registerModules(_program: Command): void {
  // filled in as the concerns land: ipvs, ldirectord, cluster, realserver
}
