/**
 * Parser for the cluster description text format (pure): an INI-like file.
 *
 *   # comment            ; comment
 *   [cluster]            section without a name
 *   [node director1]     named section (node, service, fence)
 *   key = value          repeatable keys (real, ucast, param, …) may appear several times
 *
 * Every entry keeps where it came from ("file:line", or the CLI flag that
 * produced it) so later validation can name the exact place and field.
 */
import { ConfigError } from '../errors.ts';

export interface RawEntry { key: string; value: string; where: string }
export interface RawSection { kind: string; name: string | undefined; where: string; entries: RawEntry[] }

export function parseDescriptionText(text: string, file: string): RawSection[] {
  const sections: RawSection[] = [];
  let cur: RawSection | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    if (line.startsWith('[')) {
      const m = /^\[\s*([A-Za-z_][A-Za-z0-9_-]*)(?:\s+([^\]\s]+))?\s*\]$/.exec(line);
      if (!m) {
        throw new ConfigError(`malformed section header "${line}"`, {
          where, hint: 'write [cluster], [vip], [node NAME], [service NAME], [fence NAME], …',
        });
      }
      cur = { kind: m[1]!.toLowerCase(), name: m[2], where, entries: [] };
      sections.push(cur);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(`expected "key = value", got "${line}"`, { where });
    }
    if (!cur) {
      throw new ConfigError(`"${line}" is outside any section`, { where, hint: 'put it under a [section] header' });
    }
    const key = line.slice(0, eq).trim().toLowerCase().replaceAll('-', '_');
    const value = line.slice(eq + 1).trim();
    if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new ConfigError(`invalid key "${key}"`, { where });
    cur.entries.push({ key, value, where });
  }
  return sections;
}

/** Comments start with # or ; at the line start or after whitespace (so "a#b" values survive). */
function stripComment(line: string): string {
  const m = /(^|\s)[#;]/.exec(line);
  return m ? line.slice(0, m.index) : line;
}
