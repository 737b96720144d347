/**
 * Entry of the multi-call binary. Invoked through a symlink named after an
 * agent (resource.d/lvsha/IPaddr2) it runs that OCF agent; as `lvsha agent
 * <Agent> <action>` likewise; otherwise it is the admin CLI. Nothing heavy is
 * imported here: each path loads what it needs.
 */
import { basename } from 'node:path';
import { AGENTS, isAgentName } from './agents-registry.ts';

async function runAgentByName(name: string, args: string[]): Promise<number> {
  const load = AGENTS[name];
  if (!load) {
    process.stderr.write(`lvsha: unknown agent "${name}" (known: ${Object.keys(AGENTS).join(', ')})\n`);
    return 2;
  }
  const [{ runAgent }, def] = await Promise.all([import('./ocf/run.ts'), load()]);
  let out = '';
  const code = await runAgent(def, args, {
    env: process.env,
    stdout: (s) => { out += s; },
    stderr: (s) => process.stderr.write(s),
  });
  await new Promise<void>((r) => process.stdout.write(out, () => r()));
  return code;
}

async function main(argv: string[]): Promise<number> {
  const invoked = basename(argv[1] ?? 'lvsha');
  if (isAgentName(invoked)) return runAgentByName(invoked, argv.slice(2));
  if (argv[2] === 'agent') {
    const name = argv[3];
    if (name === undefined) {
      process.stderr.write(`usage: lvsha agent <${Object.keys(AGENTS).join('|')}> <action>\n`);
      return 2;
    }
    return runAgentByName(name, argv.slice(4));
  }
  const { runCli } = await import('./cli/program.ts');
  return runCli(argv);
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lvsha: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
