#!/bin/sh
# pcs commands for the same configuration as cib.xml; edits an offline copy, then pushes it in one step.
set -e
f=$(mktemp /tmp/lvsha-cib.XXXXXX)
trap 'rm -f "$f"' EXIT
pcs cluster cib "$f"
pcs -f "$f" property set stonith-enabled=true no-quorum-policy=stop symmetric-cluster=true
pcs -f "$f" resource defaults update resource-stickiness=INFINITY migration-threshold=3 failure-timeout=10min
pcs -f "$f" resource create lvs-ldirectord ocf:lvsha:ldirectord configfile=/etc/ha.d/ldirectord.cf op start interval=0s timeout=60s stop interval=0s timeout=30s monitor interval=20s timeout=20s reload interval=0s timeout=60s reload-agent interval=0s timeout=60s
pcs -f "$f" stonith create fence-director1 fence_ipmilan pcmk_host_list=director1 ip=192.168.0.11 username=admin password=secret lanplus=1 op start interval=0s timeout=60s stop interval=0s timeout=60s monitor interval=60s timeout=60s
pcs -f "$f" stonith create fence-director2 fence_ipmilan pcmk_host_list=director2 ip=192.168.0.21 username=admin password=secret lanplus=1 op start interval=0s timeout=60s stop interval=0s timeout=60s monitor interval=60s timeout=60s
pcs -f "$f" resource create ping ocf:pacemaker:ping host_list=192.168.0.1 multiplier=1000 dampen=5s name=pingd op start interval=0s timeout=60s stop interval=0s timeout=20s monitor interval=10s timeout=60s clone ping-clone interleave=true
pcs -f "$f" resource create lvs-vip ocf:lvsha:IPaddr2 ip=192.168.0.200 cidr_netmask=24 nic=eth0 op start interval=0s timeout=20s stop interval=0s timeout=20s monitor interval=10s timeout=20s --group lvs
pcs -f "$f" constraint location add fence-director1-not-on-director1 fence-director1 director1 -- -INFINITY
pcs -f "$f" constraint location add fence-director2-not-on-director2 fence-director2 director2 -- -INFINITY
pcs -f "$f" constraint location lvs rule constraint-id=lvs-needs-connectivity id=lvs-needs-connectivity-rule score=-INFINITY not_defined pingd or pingd lte number 0
pcs -f "$f" constraint location add lvs-prefers-director1 lvs director1 100
pcs -f "$f" constraint colocation add lvs with lvs-ldirectord INFINITY id=lvs-with-director
pcs -f "$f" constraint order start lvs-ldirectord then start lvs kind=Optional id=lvs-director-first
pcs cluster cib-push "$f" --config
