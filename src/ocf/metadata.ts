/**
 * Meta-data XML for an agent, built with xml2js. The output carries the
 * DOCTYPE ocf-tester's xmllint needs, and uses only constructs that both
 * ra-api-1.dtd and the OCF 1.1 RNG accept (no reload-agent action, no
 * reloadable/unique-group attributes, no select type).
 */
import type { AgentMetadata } from './types.ts';

export async function renderMetadata(md: AgentMetadata): Promise<string> {
  const { Builder } = await import('xml2js');
  const builder = new Builder({
    rootName: 'resource-agent',
    xmldec: { version: '1.0' },
    doctype: { sysID: 'ra-api-1.dtd' },
    renderOpts: { pretty: true, indent: '  ', newline: '\n' },
  });
  const tree = {
    $: { name: md.name, version: md.version },
    version: md.ocfVersion,
    longdesc: { $: { lang: 'en' }, _: md.longdesc },
    shortdesc: { $: { lang: 'en' }, _: md.shortdesc },
    parameters: {
      parameter: md.parameters.map((p) => ({
        $: { name: p.name, unique: p.unique ? '1' : '0', required: p.required ? '1' : '0' },
        longdesc: { $: { lang: 'en' }, _: p.longdesc },
        shortdesc: { $: { lang: 'en' }, _: p.shortdesc },
        content: { $: p.default === undefined ? { type: p.type } : { type: p.type, default: p.default } },
      })),
    },
    actions: {
      action: md.actions.map((a) => {
        const attrs: Record<string, string> = { name: a.name, timeout: `${a.timeout}s` };
        if (a.interval !== undefined) attrs.interval = `${a.interval}s`;
        if (a['start-delay'] !== undefined) attrs['start-delay'] = `${a['start-delay']}s`;
        if (a.depth !== undefined) attrs.depth = String(a.depth);
        if (a.role !== undefined) attrs.role = a.role;
        return { $: attrs };
      }),
    },
  };
  return builder.buildObject(tree) + '\n';
}

/** "usage: IPaddr2 {start|stop|…}" as ocf agents print it. */
export function usageText(md: AgentMetadata, actions: readonly string[]): string {
  const names = [...new Set([...actions, 'meta-data', 'usage'])];
  return `usage: ${md.name} {${names.join('|')}}\n\nExpects to have a fully populated OCF RA-compliant environment set.\n`;
}
