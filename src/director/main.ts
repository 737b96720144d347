/**
 * Development entry of the director CLI (`npx node src/director/main.ts ldirectord [cfg] start`);
 * the product reaches the same code as `lvsha ldirectord …` (src/ldirectord/commands.ts).
 */
import { runLdirectordCli } from './cli.ts';

const args = process.argv.slice(2);
if (args[0] === 'ldirectord') args.shift();
runLdirectordCli(args, { env: process.env, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => { process.stderr.write(`lvsha ldirectord: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
);
