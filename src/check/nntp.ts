/** negotiate nntp (ldirectord check_nntp): the banner starts with "2" (200/201). */
import { CheckFailure, connect } from './conn.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export async function checkNntp(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal });
  try {
    const banner = await conn.readLine();
    if (!banner.startsWith('2')) throw new CheckFailure(`nntp banner: ${banner.slice(0, 80)}`);
    conn.write('QUIT\r\n');
    return banner.slice(0, 80);
  } finally {
    conn.close();
  }
}
