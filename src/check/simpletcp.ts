/**
 * negotiate simpletcp (ldirectord check_simpletcp): send `request` minus its first
 * character with "\n" escapes expanded, shut down writing, up when a received
 * line matches `receive`.
 */
import { CheckFailure, connect } from './conn.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export async function checkSimpleTcp(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    const request = (spec.request ?? '').slice(1).replace(/\\n/g, '\n');
    conn.write(request);
    conn.endWrite();
    const re = new RegExp(spec.receive ?? '');
    for (let i = 0; i < 100000; i++) {
      let line: string;
      try { line = await conn.readLine(); } catch { break; }
      if (re.test(line)) return `matched ${JSON.stringify(line.slice(0, 60))}`;
    }
    throw new CheckFailure(`no line matches /${spec.receive ?? ''}/`);
  } finally {
    conn.close();
  }
}
