/**
 * `lvsha cluster init` flags → raw description sections (pure), merged over a
 * description file when --description is also given (flags win for single
 * values; --node and --real add to what the file has).
 */
import { ConfigError } from '../errors.ts';
import type { RawEntry, RawSection } from './description-text.ts';

export interface InitFlags {
  node?: string[]; vip?: string; nic?: string; real?: string[]; method?: string; stack?: string; name?: string;
}

export function flagsToSections(f: InitFlags, base: RawSection[] = []): RawSection[] {
  const out = base.map((s) => ({ ...s, entries: [...s.entries] }));
  const single = (kind: string, key: string, value: string | undefined, flag: string): void => {
    if (value === undefined) return;
    let s = out.find((x) => x.kind === kind && x.name === undefined);
    if (!s) { s = { kind, name: undefined, where: flag, entries: [] }; out.push(s); }
    const e: RawEntry = { key, value, where: flag };
    const i = s.entries.findIndex((x) => x.key === key);
    if (i >= 0) s.entries[i] = e; else s.entries.push(e);
  };
  single('cluster', 'name', f.name, '--name');
  single('cluster', 'stack', f.stack, '--stack');
  single('vip', 'address', f.vip, '--vip');
  single('vip', 'nic', f.nic, '--nic');
  single('vip', 'method', f.method, '--method');
  for (const n of f.node ?? []) {
    const m = /^([^=\s]+)=(\S+)$/.exec(n);
    if (!m) throw new ConfigError(`--node: "${n}" is not NAME=IP[/PREFIX]`, { where: '--node', hint: 'e.g. --node director1=192.168.0.10/24' });
    out.push({ kind: 'node', name: m[1], where: '--node', entries: [{ key: 'address', value: m[2]!, where: '--node' }] });
  }
  if (f.real?.length) {
    // one service per distinct port: --real 10.0.0.1:80 --real 10.0.0.1:443 gives two virtual services
    const byPort = new Map<string, RawSection>();
    for (const r of f.real) {
      const port = /:(\d+)$/.exec(r)?.[1] ?? '0';
      let s = byPort.get(port);
      if (!s) {
        s = { kind: 'service', name: `port${port}`, where: '--real', entries: port === '0' ? [] : [{ key: 'port', value: port, where: '--real' }] };
        byPort.set(port, s);
        out.push(s);
      }
      s.entries.push({ key: 'real', value: r, where: '--real' });
    }
  }
  return out;
}
