/**
 * Lab-only stand-in for `lvsha ldirectord …` while dist/lvsha does not mount the director CLI yet
 * (src/cli/modules.ts): runs src/director/cli.ts from source with Node 24. Usage: ld-status.ts [ldirectord] ARGS…
 */
import { runLdirectordCli } from '../../src/director/cli.ts';

const args = process.argv.slice(2);
if (args[0] === 'ldirectord') args.shift();
const code = await runLdirectordCli(args, {
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
process.exitCode = code;
