/**
 * Real-server settings for the LVS forwarding method (pure), as files an admin
 * drops into place: gate/ipip need the VIP on a local non-ARPing interface and
 * ARP restrictions; masq needs the directors' gateway as default route.
 */
export type RsMethod = 'gate' | 'masq' | 'ipip';

export interface RealserverInput {
  method: RsMethod;
  vip: { text: string; family: 4 | 6 };
  /** masq: the address the real servers route through (moves with the VIP). */
  gateway?: { text: string } | undefined;
}

/** sysctls for gate/ipip: answer ARP only for addresses of the incoming NIC, and announce with the best local source. */
export const ARP_SYSCTLS: readonly (readonly [string, string])[] = [
  ['net/ipv4/conf/all/arp_ignore', '1'],
  ['net/ipv4/conf/all/arp_announce', '2'],
  ['net/ipv4/conf/lo/arp_ignore', '1'],
  ['net/ipv4/conf/lo/arp_announce', '2'],
];
/** ipip: decapsulated packets arrive on tunl0 with the client's source; strict rp_filter would drop them. */
export const IPIP_SYSCTLS: readonly (readonly [string, string])[] = [
  ['net/ipv4/conf/tunl0/rp_filter', '0'],
  ['net/ipv4/conf/all/rp_filter', '0'],
];

export function hostPrefix(family: 4 | 6): number { return family === 4 ? 32 : 128; }

export function realserverFiles(inp: RealserverInput): { name: string; content: string }[] {
  const v = inp.vip.text;
  const len = hostPrefix(inp.vip.family);
  const dev = inp.method === 'ipip' ? 'tunl0' : 'lo';
  if (inp.method === 'masq') {
    const gw = inp.gateway?.text ?? v;
    return [
      { name: 'README', content: `Real servers behind LVS-NAT (masq): route replies back through the director.\nDefault gateway: ${gw} (it moves with the VIP).\nPick the file for your network stack.\n` },
      { name: 'ifupdown-gateway', content: `# /etc/network/interfaces: in the real server's "iface" stanza, use\n    gateway ${gw}\n` },
      { name: 'ifcfg-gateway', content: `# RHEL: /etc/sysconfig/network-scripts/ifcfg-<nic>; SLES: /etc/sysconfig/network/routes ("default ${gw} - -")\nGATEWAY=${gw}\n` },
      { name: '10-lvsha-gateway.network', content: `# systemd-networkd: add to the real server's .network file\n[Route]\nGateway=${gw}\n` },
      { name: 'realserver.sh', content: `#!/bin/sh\n# apply now (not persistent)\nset -e\nip route replace default via ${gw}\n` },
    ];
  }
  const sysctl = inp.vip.family === 4
    ? [
      '# /etc/sysctl.d/90-lvsha-realserver.conf: LVS-DR/TUN real server, so it never answers ARP for the VIP',
      ...ARP_SYSCTLS.map(([k, val]) => `${k.replaceAll('/', '.')} = ${val}`),
      ...(inp.method === 'ipip' ? IPIP_SYSCTLS.map(([k, val]) => `${k.replaceAll('/', '.')} = ${val}`) : []),
      '',
    ].join('\n')
    : '# IPv6 VIP: neighbour discovery is not answered for addresses on lo; no sysctls needed\n';
  const files = [
    { name: 'README', content: `Real servers behind LVS-${inp.method === 'gate' ? 'DR (gate)' : 'TUN (ipip)'}: the VIP ${v}/${len} on ${dev}, and no ARP for it.\nCopy 90-lvsha-realserver.conf to /etc/sysctl.d/ and one of the address snippets, or run\n  lvsha realserver up --vip ${v} --method ${inp.method}\n` },
    { name: '90-lvsha-realserver.conf', content: sysctl },
    {
      name: 'ifupdown-lo-vip',
      content: inp.vip.family === 4
        ? `# /etc/network/interfaces.d/lvsha-vip\nauto ${dev}:lvs\niface ${dev}:lvs inet static\n    address ${v}\n    netmask 255.255.255.255\n`
        : `# /etc/network/interfaces.d/lvsha-vip\niface lo inet6 loopback\n    up ip -6 addr add ${v}/128 dev lo\n    down ip -6 addr del ${v}/128 dev lo\n`,
    },
    {
      name: `ifcfg-${dev}:lvs`,
      content: `# RHEL: /etc/sysconfig/network-scripts/ifcfg-${dev}:lvs  (SLES: add IPADDR_lvs='${v}/${len}' to /etc/sysconfig/network/ifcfg-${dev})\nDEVICE=${dev}:lvs\n${inp.vip.family === 4 ? `IPADDR=${v}\nNETMASK=255.255.255.255` : `IPV6ADDR_SECONDARIES=${v}/128`}\nONBOOT=yes\nNAME=lvsha-vip\n`,
    },
    { name: `10-lvsha-${dev}.network`, content: `# /etc/systemd/network/10-lvsha-${dev}.network\n[Match]\nName=${dev}\n\n[Network]\nAddress=${v}/${len}\n` },
  ];
  return files;
}
