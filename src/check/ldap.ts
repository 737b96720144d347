/**
 * negotiate ldap/ldaps (ldirectord check_ldap / Net::LDAP): bind (simple with
 * login/passwd when both are set, else anonymous), base search of `request`
 * minus its first character, exactly one entry whose DN matches `receive`.
 */
import { CheckFailure, connect, type Conn } from './conn.ts';
import { LDAP_OP, decodeLdapMessage, encodeBaseSearch, encodeBindRequest, encodeUnbind, readTlv, type LdapMessage } from './ber.ts';
import type { CheckContext, CheckSpec } from './types.ts';

async function readMessage(conn: Conn): Promise<LdapMessage> {
  for (let i = 0; i < 100000; i++) {
    const t = readTlv(conn.buffered);
    if (t) {
      const m = decodeLdapMessage(t);
      conn.consume(t.end);
      return m;
    }
    if (conn.buffered.length > 4 * 1024 * 1024) throw new CheckFailure('ldap: reply too large');
    await conn.more();
  }
  throw new CheckFailure('ldap: no reply');
}

export async function checkLdap(spec: CheckSpec, ctx: CheckContext): Promise<string> {
  const conn = await connect({ host: spec.host, port: spec.port, signal: ctx.signal, tls: spec.service === 'ldaps', tlsVerify: spec.tlsVerify === true });
  try {
    const simple = Boolean(spec.login && spec.passwd);
    conn.write(encodeBindRequest(1, simple ? spec.login! : '', simple ? spec.passwd! : ''));
    const bind = await readMessage(conn);
    if (bind.op !== LDAP_OP.BIND_RESP || bind.resultCode !== 0) throw new CheckFailure(`ldap: bind failed (result ${bind.resultCode ?? '?'}${bind.diagnostic ? `: ${bind.diagnostic}` : ''})`);
    const base = (spec.request ?? '').slice(1);
    conn.write(encodeBaseSearch(2, base));
    const dns: string[] = [];
    for (;;) {
      const m = await readMessage(conn);
      if (m.op === LDAP_OP.SEARCH_ENTRY && m.dn !== undefined) dns.push(m.dn);
      else if (m.op === LDAP_OP.SEARCH_DONE) {
        if (m.resultCode !== 0 && dns.length === 0) throw new CheckFailure(`ldap: search of "${base}" failed (result ${m.resultCode})`);
        break;
      }
    }
    conn.write(encodeUnbind(3));
    if (dns.length !== 1) throw new CheckFailure(`ldap: ${dns.length} entries for base "${base}"`);
    if (spec.receive && !new RegExp(spec.receive).test(dns[0]!)) throw new CheckFailure(`ldap: DN "${dns[0]}" does not match /${spec.receive}/`);
    return `found ${dns[0]}`;
  } finally {
    conn.close();
  }
}
