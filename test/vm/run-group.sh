#!/bin/bash
# Usage: test/vm/run-group.sh GROUPDIR
# Runs every test of GROUPDIR (*.test.ts with one node process each, *.test.sh with sh),
# in sorted order, as root on a kernel with IPVS:
#  - if the host kernel has IPVS (/proc/net/ip_vs, or `modprobe ip_vs` works), directly on the
#    host inside a fresh network namespace (lvsha-vm-<pid>);
#  - otherwise in ONE boot of the qemu VM (test/vm/vm-run.sh), project dir visible read-only.
# Prints each test's output; exits non-zero if any test failed, the VM failed (125) or timed out (124).
# LVSHA_VM=1 forces the VM; LVSHA_VM=0 forces the host path.
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 GROUPDIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GROUP=$(cd "$1" && pwd)
cd "$ROOT"

host_has_ipvs() {
  [ -e /proc/net/ip_vs ] && return 0
  command -v modprobe >/dev/null && modprobe ip_vs 2>/dev/null && [ -e /proc/net/ip_vs ]
}

mode=${LVSHA_VM:-auto}
if [ "$mode" = 0 ] || { [ "$mode" = auto ] && host_has_ipvs; }; then
  [ "$(id -u)" = 0 ] || { echo "run-group: needs root (network namespaces, IPVS)" >&2; exit 1; }
  NS=lvsha-vm-$$
  echo "run-group: host kernel has IPVS; running $GROUP in a fresh network namespace $NS"
  ip netns add "$NS" || exit 1
  trap 'ip netns del "$NS" 2>/dev/null' EXIT
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" sh "$HERE/group-inner.sh" "$GROUP"
  exit $?
fi

echo "run-group: host kernel has no IPVS; booting Debian's kernel in qemu for $GROUP"
T0=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-1500} VM_ENV="${VM_ENV:-} LVSHA_BENCH_SERVICES LVSHA_BENCH_DESTS LVSHA_BENCH_SAMPLE" \
  "$HERE/vm-run.sh" "sh '$HERE/group-inner.sh' '$GROUP' 2>&1"
rc=$?
echo "run-group: VM finished in $(( $(date +%s) - T0 )) s, rc=$rc"
case $rc in
  124) echo "run-group: FAIL: the VM timed out" >&2;;
  125) echo "run-group: FAIL: the VM failed to boot or run (see above; VM_DEBUG=1 shows the console)" >&2;;
esac
exit $rc
