/**
 * Stand-alone entry for `lvsha ipvs …` (tests, bench, and use before the main
 * CLI mounts registerIpvsCommands): `node src/ipvs/main.ts ipvs list`.
 */
import { Command } from 'commander';
import { registerIpvsCommands } from './cli.ts';

const program = new Command('lvsha');
registerIpvsCommands(program);
await program.parseAsync(process.argv);
