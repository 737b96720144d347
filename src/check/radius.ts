/** negotiate radius (ldirectord check_radius / Authen::Radius check_pwd): Access-Request with login/passwd/secret; up on Access-Accept. */
import { randomBytes, randomInt } from 'node:crypto';
import { CheckFailure } from './conn.ts';
import { RADIUS, encodeAccessRequest, verifyResponse } from './radius-codec.ts';
import { udpExchange } from './udp.ts';
import type { CheckContext, CheckSpec } from './types.ts';

export async function checkRadius(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const id = randomInt(0, 256);
  const auth = randomBytes(16);
  const secret = spec.secret ?? '';
  const pkt = encodeAccessRequest({ id, authenticator: auth, user: spec.login ?? '', password: spec.passwd ?? '', secret });
  let verdict: { code: number } | undefined;
  let lastErr = '';
  await udpExchange({
    host: spec.host, port: spec.port, signal: ctx.signal, build: () => pkt,
    accept: (m) => {
      const v = verifyResponse(m, id, auth, secret);
      if (typeof v === 'string') { lastErr = v; return false; }
      verdict = v;
      return true;
    },
  }).catch((e: unknown) => { throw lastErr ? new CheckFailure(`radius: ${lastErr}`) : e; });
  if (verdict?.code === RADIUS.ACCESS_ACCEPT) return 'Access-Accept';
  throw new CheckFailure(`radius: ${verdict?.code === RADIUS.ACCESS_REJECT ? 'Access-Reject' : `reply code ${verdict?.code}`}`);
}
