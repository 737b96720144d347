#!/bin/sh
# Without the ip_vs module: start and monitor answer 5 (OCF_ERR_INSTALLED) with "modprobe ip_vs";
# stop answers 0 (no sync daemon can run). Unloading ip_vs is only done inside the throw-away VM.
. "$(dirname "$0")/lib.sh"
if [ ! -x /.vm/bin/busybox ]; then
  echo "ok - # SKIP not in the test VM: unloading ip_vs on a shared host kernel is not done"; summary; exit
fi
net_reset
ipvsadm -C
for m in $(busybox lsmod | awk '/^ip_vs_/ {print $1}') ip_vs; do busybox rmmod $m 2>/dev/null; done
echo /bin/false > /proc/sys/kernel/modprobe   # no autoloading through the genetlink family lookup
if [ -e /proc/net/ip_vs ]; then fail "could not unload ip_vs"; else
  M="role=master mcast_interface=lo syncid=7"
  set -- $(for kv in $M; do printf 'OCF_RESKEY_%s ' "$kv"; done)
  env "$@" "$AGENT" start 2>$W/agent.err; check "start without ip_vs: 5" [ $? = 5 ]
  check "reason: ip_vs is not loaded: modprobe ip_vs" grep -q 'ocf-exit-reason:ip_vs is not loaded: modprobe ip_vs' $W/agent.err
  env "$@" "$AGENT" monitor 2>$W/agent.err; check "monitor without ip_vs: 5" [ $? = 5 ]
  env "$@" "$AGENT" stop 2>$W/agent.err; check "stop without ip_vs: 0" [ $? = 0 ]
fi
echo /.vm/bin/modprobe > /proc/sys/kernel/modprobe
modprobe ip_vs 2>/dev/null || /.vm/bin/modprobe ip_vs
summary
