/**
 * ocf:lvsha:IPaddr2 — the virtual IP, a drop-in for ocf:heartbeat:IPaddr2
 * (resource-agents 4.12 parameters and exit codes, plus check_link_status).
 * This module is data plus one lazy import per action: monitor loads only
 * src/ipaddr2/monitor.ts and the raw rtnetlink socket.
 */
import { IPADDR2_TIMEOUTS } from './timeouts.ts';
import type { AgentDefinition, MetaParameter } from '../src/ocf/types.ts';

const parameters: MetaParameter[] = [
  {"name": "ip", "shortdesc": "IPv4 or IPv6 address", "longdesc": "The IPv4 (dotted quad notation) or IPv6 address (colon hexadecimal notation)\nexample IPv4 \"192.168.1.1\".\nexample IPv6 \"2001:db8:DC28:0:0:FC57:D4C8:1FFF\".", "type": "string", "default": "", "required": true, "unique": true},
  {"name": "nic", "shortdesc": "Network interface", "longdesc": "The base network interface on which the IP address will be brought\nonline.\nIf left empty, the script will try and determine this from the\nrouting table.\n\nDo NOT specify an alias interface in the form eth0:1 or anything here;\nrather, specify the base interface only.\nIf you want a label, see the iflabel parameter.\n\nPrerequisite:\n\nThere must be at least one static IP address, which is not managed by\nthe cluster, assigned to the network interface.\nIf you can not assign any static IP address on the interface,\nmodify this kernel parameter:\n\nsysctl -w net.ipv4.conf.all.promote_secondaries=1 # (or per device)", "type": "string"},
  {"name": "cidr_netmask", "shortdesc": "CIDR netmask", "longdesc": "The netmask for the interface in CIDR format\n(e.g., 24 and not 255.255.255.0)\n\nIf unspecified, the script will also try to determine this from the\nrouting table.", "type": "string", "default": ""},
  {"name": "broadcast", "shortdesc": "Broadcast address", "longdesc": "Broadcast address associated with the IP. It is possible to use the\nspecial symbols '+' and '-' instead of the broadcast address. In this\ncase, the broadcast address is derived by setting/resetting the host\nbits of the interface prefix.", "type": "string", "default": ""},
  {"name": "iflabel", "shortdesc": "Interface label", "longdesc": "You can specify an additional label for your IP address here.\nThis label is appended to your interface name.\n\nThe kernel allows alphanumeric labels up to a maximum length of 15\ncharacters including the interface name and colon (e.g. eth0:foobar1234)\n\nA label can be specified in nic parameter but it is deprecated.\nIf a label is specified in nic name, this parameter has no effect.", "type": "string", "default": ""},
  {"name": "lvs_support", "shortdesc": "Enable support for LVS DR", "longdesc": "Enable support for LVS Direct Routing configurations. In case a IP\naddress is stopped, only move it to the loopback device to allow the\nlocal node to continue to service requests, but no longer advertise it\non the network.\n\nNotes for IPv6:\nIt is not necessary to enable this option on IPv6.\nInstead, enable 'lvs_ipv6_addrlabel' option for LVS-DR usage on IPv6.", "type": "boolean", "default": "false"},
  {"name": "lvs_ipv6_addrlabel", "shortdesc": "Enable adding IPv6 address label.", "longdesc": "Enable adding IPv6 address label so IPv6 traffic originating from\nthe address's interface does not use this address as the source.\nThis is necessary for LVS-DR health checks to realservers to work. Without it,\nthe most recently added IPv6 address (probably the address added by IPaddr2)\nwill be used as the source address for IPv6 traffic from that interface and\nsince that address exists on loopback on the realservers, the realserver\nresponse to pings/connections will never leave its loopback.\nSee RFC3484 for the detail of the source address selection.\n\nSee also 'lvs_ipv6_addrlabel_value' parameter.", "type": "boolean", "default": "false"},
  {"name": "lvs_ipv6_addrlabel_value", "shortdesc": "IPv6 address label value.", "longdesc": "Specify IPv6 address label value used when 'lvs_ipv6_addrlabel' is enabled.\nThe value should be an unused label in the policy table\nwhich is shown by 'ip addrlabel list' command.\nYou would rarely need to change this parameter.", "type": "integer", "default": "99"},
  {"name": "mac", "shortdesc": "Cluster IP MAC address", "longdesc": "Set the interface MAC address explicitly. Currently only used in case of\nthe Cluster IP Alias. Leave empty to chose automatically.", "type": "string", "default": ""},
  {"name": "clusterip_hash", "shortdesc": "Cluster IP hashing function", "longdesc": "Specify the hashing algorithm used for the Cluster IP functionality.", "type": "string", "default": "sourceip-sourceport"},
  {"name": "unique_clone_address", "shortdesc": "Create a unique address for cloned instances", "longdesc": "If true, add the clone ID to the supplied value of IP to create\na unique address to manage", "type": "boolean", "default": "false"},
  {"name": "arp_interval", "shortdesc": "ARP/NA packet interval in ms (deprecated)", "longdesc": "Specify the interval between unsolicited ARP (IPv4) or NA (IPv6) packets in\nmilliseconds.\n\nThis parameter is deprecated and used for the backward compatibility only.\nIt is effective only for the send_arp binary which is built with libnet,\nand send_ua for IPv6. It has no effect for other arp_sender.", "type": "integer", "default": "200"},
  {"name": "arp_count", "shortdesc": "ARP/NA packet count sent during initialization", "longdesc": "Number of unsolicited ARP (IPv4) or NA (IPv6) packets to send at resource\ninitialization.", "type": "integer", "default": "5"},
  {"name": "arp_count_refresh", "shortdesc": "ARP packet count sent during monitoring", "longdesc": "For IPv4, number of unsolicited ARP packets to send during resource monitoring.\nDoing so helps mitigate issues of stuck ARP caches resulting from split-brain\nsituations.", "type": "integer", "default": "0"},
  {"name": "arp_bg", "shortdesc": "ARP/NA from background", "longdesc": "Whether or not to send the ARP (IPv4) or NA (IPv6) packets in the background.\nThe default is true for IPv4 and false for IPv6.", "type": "string", "default": ""},
  {"name": "arp_sender", "shortdesc": "ARP sender", "longdesc": "For IPv4, the program to send ARP packets with on start. Available options are:\n- send_arp: default\n- ipoibarping: default for infiniband interfaces if ipoibarping is available\n- iputils_arping: use arping in iputils package\n- libnet_arping: use another variant of arping based on libnet", "type": "string", "default": ""},
  {"name": "send_arp_opts", "shortdesc": "Options for ARP sender", "longdesc": "For IPv4, extra options to pass to the arp_sender program.\nAvailable options are vary depending on which arp_sender is used.\n\nA typical use case is specifying '-A' for iputils_arping to use\nARP REPLY instead of ARP REQUEST as Gratuitous ARPs.", "type": "string", "default": ""},
  {"name": "flush_routes", "shortdesc": "Flush kernel routing table on stop", "longdesc": "Flush the routing table on stop. This is for\napplications which use the cluster IP address\nand which run on the same physical host that the\nIP address lives on. The Linux kernel may force that\napplication to take a shortcut to the local loopback\ninterface, instead of the interface the address\nis really bound to. Under those circumstances, an\napplication may, somewhat unexpectedly, continue\nto use connections for some time even after the\nIP address is deconfigured. Set this parameter in\norder to immediately disable said shortcut when the\nIP address goes away.", "type": "boolean", "default": "false"},
  {"name": "run_arping", "shortdesc": "Run arping for IPv4 collision detection check", "longdesc": "For IPv4, whether or not to run arping for collision detection check.", "type": "string", "default": "false"},
  {"name": "nodad", "shortdesc": "Use nodad flag", "longdesc": "For IPv6, do not perform Duplicate Address Detection when adding the address.", "type": "string", "default": "false"},
  {"name": "noprefixroute", "shortdesc": "Use noprefixroute flag", "longdesc": "Use noprefixroute flag (see 'man ip-address').", "type": "string", "default": "false"},
  {"name": "preferred_lft", "shortdesc": "IPv6 preferred lifetime", "longdesc": "For IPv6, set the preferred lifetime of the IP address.\nThis can be used to ensure that the created IP address will not\nbe used as a source address for routing.\nExpects a value as specified in section 5.5.4 of RFC 4862.", "type": "string", "default": "forever"},
  {"name": "network_namespace", "shortdesc": "Network namespace to use", "longdesc": "Specifies the network namespace to operate within.\nThe namespace must already exist, and the interface to be used must be within\nthe namespace.", "type": "string", "default": ""},
  {"name": "check_link_status", "shortdesc": "Check link status", "longdesc": "Consider the resource failed if the interface holding the address is DOWN or LOWERLAYERDOWN (no carrier): monitor then returns 7 (not running) so Pacemaker recovers the address on another node.\n(Not in resource-agents 4.12; the same parameter as resource-agents 4.17 and later.)", "type": "boolean", "default": "true"},
];

const agent: AgentDefinition = {
  metadata: {
    name: 'IPaddr2',
    version: '1.0',
    ocfVersion: '1.0',
    shortdesc: "Manages virtual IPv4 and IPv6 addresses (Linux specific version)",
    longdesc: "This Linux-specific resource manages IP alias IP addresses.\nIt can add an IP alias, or remove one.\nIn addition, it can implement Cluster Alias IP functionality\nif invoked as a clone resource.\n\nIf used as a clone, \"shared address with a trivial, stateless\n(autonomous) load-balancing/mutual exclusion on ingress\" mode gets\napplied (as opposed to \"assume resource uniqueness\" mode otherwise).\nFor that, Linux firewall (kernel and userspace) is assumed, and since\nrecent distributions are ambivalent in plain \"iptables\" command to\nparticular back-end resolution, \"iptables-legacy\" (when present) gets\nprioritized so as to avoid incompatibilities (note that respective\nipt_CLUSTERIP firewall extension in use here is, at the same time,\nmarked deprecated, yet said \"legacy\" layer can make it workable,\nliterally, to this day) with \"netfilter\" one (as in \"iptables-nft\").\nIn that case, you should explicitly set clone-node-max >= 2,\nand/or clone-max < number of nodes. In case of node failure,\nclone instances need to be re-allocated on surviving nodes.\nThis would not be possible if there is already an instance\non those nodes, and clone-node-max=1 (which is the default).\n\nWhen the specified IP address gets assigned to a respective interface, the\nresource agent sends unsolicited ARP (Address Resolution Protocol, IPv4) or NA\n(Neighbor Advertisement, IPv6) packets to inform neighboring machines about the\nchange. This functionality is controlled for both IPv4 and IPv6 by shared\n'arp_*' parameters.\n\nThis is lvsha's implementation: addresses through rtnetlink, gratuitous ARP and unsolicited neighbour advertisements sent by the agent itself.",
    parameters,
    actions: [
      { name: 'start', timeout: IPADDR2_TIMEOUTS.start.timeout },
      { name: 'stop', timeout: IPADDR2_TIMEOUTS.stop.timeout },
      { name: 'status', timeout: IPADDR2_TIMEOUTS.monitor.timeout, interval: IPADDR2_TIMEOUTS.monitor.interval, depth: 0 },
      { name: 'monitor', timeout: IPADDR2_TIMEOUTS.monitor.timeout, interval: IPADDR2_TIMEOUTS.monitor.interval, depth: 0 },
      { name: 'meta-data', timeout: 5 },
      { name: 'validate-all', timeout: 20 },
    ],
  },
  actions: {
    start: async (c) => (await import('../src/ipaddr2/start.ts')).start(c),
    stop: async (c) => (await import('../src/ipaddr2/stop.ts')).stop(c),
    monitor: async (c) => (await import('../src/ipaddr2/monitor.ts')).monitor(c),
    status: async (c) => (await import('../src/ipaddr2/monitor.ts')).status(c),
    'validate-all': async (c) => (await import('../src/ipaddr2/validate.ts')).validateAll(c),
  },
};
export default agent;
