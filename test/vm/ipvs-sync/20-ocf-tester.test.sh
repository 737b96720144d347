#!/bin/sh
# ocf-tester (resource-agents) on the built ocf:lvsha:ipvs-sync, master and backup, on a veth in a
# director namespace: zero errors required, and nothing left running afterwards.
. "$(dirname "$0")/lib.sh"
need ocf-tester resource-agents
net_setup
for role in master backup; do
  t0=$(date +%s)
  out=$(ip netns exec $D1 env OCF_ROOT=/usr/lib/ocf /usr/sbin/ocf-tester -n sync -o role=$role -o mcast_interface=sync0 -o syncid=7 "$AGENT" 2>&1); rc=$?
  echo "# ocf-tester ($role) took $(( $(date +%s) - t0 ))s"
  echo "$out" | sed 's/^/# /'
  check "ocf-tester $role: exit 0 (zero errors)" [ $rc = 0 ]
  check "ocf-tester $role: passed all tests" sh -c "printf '%s\n' \"\$1\" | grep -q 'passed all tests'" - "$out"
  check "ocf-tester $role: no daemon left" [ -z "$(daemons $D1 | grep 'sync daemon')" ]
done
summary
