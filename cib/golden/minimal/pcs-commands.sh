#!/bin/sh
# pcs commands for the same configuration as cib.xml; edits an offline copy, then pushes it in one step.
set -e
f=$(mktemp /tmp/lvsha-cib.XXXXXX)
trap 'rm -f "$f"' EXIT
pcs cluster cib "$f"
pcs -f "$f" property set stonith-enabled=false no-quorum-policy=stop symmetric-cluster=true
pcs -f "$f" resource defaults update resource-stickiness=INFINITY migration-threshold=3
pcs -f "$f" resource create lvs-ldirectord ocf:lvsha:ldirectord configfile=/etc/ha.d/ldirectord.cf op start interval=0s timeout=60s stop interval=0s timeout=30s monitor interval=20s timeout=20s reload interval=0s timeout=60s reload-agent interval=0s timeout=60s
pcs -f "$f" resource create lvs-vip ocf:lvsha:IPaddr2 ip=192.168.0.200 cidr_netmask=24 nic=eth0 op start interval=0s timeout=20s stop interval=0s timeout=20s monitor interval=10s timeout=20s --group lvs
pcs -f "$f" constraint colocation add lvs with lvs-ldirectord INFINITY id=lvs-with-director
pcs -f "$f" constraint order start lvs-ldirectord then start lvs kind=Optional id=lvs-director-first
pcs cluster cib-push "$f" --config
