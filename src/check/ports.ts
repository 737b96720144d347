/** Default port per service when neither checkport nor the real's port is set (ldirectord ld_service_to_port). */
const PORTS: Record<string, number> = {
  ftp: 21, smtp: 25, dns: 53, http: 80, pop: 110, nntp: 119, imap: 143, ldap: 389, https: 443, submission: 587,
  ldaps: 636, imaps: 993, pops: 995, oracle: 1521, radius: 1812, http_proxy: 3128, mysql: 3306, sip: 5060, pgsql: 5432,
};
export function defaultPort(service: string): number | undefined {
  return PORTS[service];
}
