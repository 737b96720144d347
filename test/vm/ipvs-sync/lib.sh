#!/bin/sh
# Helpers for the ipvs-sync VM tests (sourced inside the VM, or a fresh netns on an IPVS host; root, real IPVS).
# Topology: two director namespaces lvsha-sync-d1 / lvsha-sync-d2 joined by a veth pair "sync0"
# (10.77.0.1/24 — 10.77.0.2/24), the link the sync multicast runs on. IPVS state is per namespace,
# so each director namespace has its own sync daemons and connection table.
# The agent under test is the built one: dist/resource.d/lvsha/ipvs-sync (npm run build).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
AGENT=${AGENT:-$ROOT/dist/resource.d/lvsha/ipvs-sync}
D1=lvsha-sync-d1; D2=lvsha-sync-d2; CL=lvsha-sync-cl; RS=lvsha-sync-rs
W=${W:-/run/lvsha-sync-test}
mkdir -p "$W"
FAILS=0; PASSES=0
ok()   { PASSES=$((PASSES+1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS+1)); echo "not ok - $*"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else fail "$desc"; fi; }
die() { echo "FATAL: $*" >&2; exit 1; }
summary() { echo "# $PASSES passed, $FAILS failed"; [ $FAILS -eq 0 ]; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 missing (apt-get install --no-install-recommends $2)"; }
need ipvsadm ipvsadm
need ip iproute2
need busybox busybox-static
[ -x "$AGENT" ] || die "$AGENT missing: build it with npm run build"
"$AGENT" meta-data 2>/dev/null | grep -q '<resource-agent name="ipvs-sync"' \
  || die "$AGENT does not print ipvs-sync meta-data: rebuild with npm run build"

# agent NS ACTION [name=value…] — runs the built agent in namespace NS with OCF_RESKEY_name=value;
# stderr (exit reasons, log lines) goes to $W/agent.err, stdout to $W/agent.out; returns its exit code.
agent() {
  ns=$1; act=$2; shift 2
  set -- $(for kv in "$@"; do printf 'OCF_RESKEY_%s ' "$kv"; done)
  ip netns exec "$ns" env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=sync "$@" "$AGENT" "$act" >"$W/agent.out" 2>"$W/agent.err"
}
# daemons NS — `ipvsadm -L --daemon` in NS
daemons() { ip netns exec "$1" ipvsadm -L --daemon; }
# wait_for SECONDS CMD... — poll until CMD succeeds or SECONDS (wall clock) pass
wait_for() {
  end=$(( $(date +%s) + $1 )); shift
  while :; do "$@" >/dev/null 2>&1 && return 0; [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.3; done
}
reason() { grep -q "ocf-exit-reason:$1" "$W/agent.err"; }

net_reset() {
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^lvsha-sync-'); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
    ip netns del "$ns"
  done
}

net_setup() {
  net_reset
  ip netns add $D1 && ip netns add $D2 || die "ip netns add failed"
  ip -n $D1 link add sync0 type veth peer name sync0 netns $D2 || die "veth pair failed (modprobe veth)"
  for i in 1 2; do
    ns=lvsha-sync-d$i
    ip -n $ns link set lo up
    ip -n $ns addr add 10.77.0.$i/24 dev sync0
    ip -n $ns link set sync0 up
    # IPVS is per namespace: touching it here makes the kernel create this namespace's state
    ip netns exec $ns ipvsadm -Ln >/dev/null || die "ipvsadm in $ns failed (is ip_vs loaded?)"
  done
}
trap net_reset EXIT
