#!/bin/bash
# `sudo npm run demo`: lvsha's main job, shown end to end on this machine.
# Installs what it needs, builds dist/lvsha, then runs a real two-node Pacemaker 2.1 +
# Corosync 3 cluster in network namespaces, configured by `lvsha cluster init` and loaded
# with `lvsha cluster apply`, and shows the virtual IP (ocf:lvsha:IPaddr2) failing over
# when its holder crashes — and staying put when the node returns (no fail-back).
# Where the kernel has IPVS, the director (ocf:lvsha:ldirectord) runs in the group too;
# the full load-balancer lab with real servers and live traffic is test/lab/run.sh.
# Everything lives in namespaces lvsha-pcmk-*; Ctrl-C or any exit tears them down.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$'\e[1m'; N=$'\e[0m'; [ -t 1 ] || { B=; N=; }
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\ndemo: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root for namespaces, netlink and the cluster daemons: sudo npm run demo"
step "Installing what the demo needs (Debian packages: pacemaker, corosync, resource-agents, …; npm modules) and building dist/lvsha"
bash scripts/setup.sh || die "setup failed"
LVSHA=$ROOT/dist/lvsha
C=$ROOT/test/pacemaker/cluster.sh
export LVSHA_PCMK_BASE=${TMPDIR:-/tmp}/lvsha-demo
export LVSHA_PCMK_CONF=$LVSHA_PCMK_BASE/conf
export LVSHA_PCMK_AGENTS=$ROOT/dist/resource.d/lvsha
BASE=$LVSHA_PCMK_BASE
VIP=10.79.0.100
cleanup() { trap - EXIT INT TERM; step "Cleaning up (stopping both nodes, deleting the namespaces)"; "$C" down >"$BASE/down.log" 2>&1 || true; info "done"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
vip_on() { ip -n "lvsha-pcmk-$1" -br -4 addr show dev eth0 2>/dev/null | grep -qw "$VIP/24"; }
where_vip() { local n h=(); for n in node1 node2; do vip_on "$n" && h+=("$n"); done; echo "${h[*]:-none}"; }
pingvip() { "$C" sw ping -c1 -W1 -q $VIP >/dev/null 2>&1; }
wait_until() { local t=$1 s; shift; s=$(now); until "$@"; do awk -v a="$s" -v b="$(now)" -v t="$t" 'BEGIN{exit !(b-a>t)}' && return 1; sleep 0.2; done; }

rm -rf "$BASE"; mkdir -p "$BASE"
step "1. lvsha cluster init: one command writes everything the two directors need"
ipvs=no; { [ -e /proc/net/ip_vs ] || { modprobe -q ip_vs 2>/dev/null && [ -e /proc/net/ip_vs ]; }; } && ipvs=yes
cat > "$BASE/cluster.lvsha" <<EOF2
# the demo cluster: two directors, one VIP, direct routing; corosync token 1000 ms for a quick failover
[cluster]
name = lvsha-demo
[node node1]
address = 10.79.0.1/24
[node node2]
address = 10.79.0.2/24
[vip]
address = $VIP/24
nic = eth0
method = gate
[service web]
real = 10.79.0.50:80
[corosync]
token = 1000
EOF2
sed 's/^/    /' "$BASE/cluster.lvsha"
"$LVSHA" cluster init --description "$BASE/cluster.lvsha" --out "$LVSHA_PCMK_CONF" 2>&1 | sed 's/^/    /'
[ -f "$LVSHA_PCMK_CONF/cib.xml" ] || die "cluster init wrote no cib.xml"
info "files: $(ls "$LVSHA_PCMK_CONF" | tr '\n' ' ')"
if [ $ipvs = no ]; then
  info "This kernel has no IPVS, so the director primitive runs as ocf:heartbeat:Dummy here; the VIP is lvsha's."
  sed -i 's|class="ocf" type="ldirectord" provider="lvsha"|class="ocf" type="Dummy" provider="heartbeat"|' "$LVSHA_PCMK_CONF/cib.xml"
fi

step "2. Two Pacemaker + Corosync nodes in namespaces, from the generated corosync.conf and authkey"
t0=$(now)
"$C" up >"$BASE/up.log" 2>&1 || { tail -20 "$BASE/up.log"; die "cluster did not form"; }
info "cluster formed in $(since "$t0") s"

step "3. lvsha cluster apply: load the generated CIB (stickiness INFINITY, group VIP + director)"
"$C" exec node1 "$LVSHA" cluster apply "$LVSHA_PCMK_CONF" 2>&1 | sed 's/^/    /'
wait_until 90 bash -c "[ \"\$(ip -n lvsha-pcmk-node1 -br -4 addr show dev eth0; ip -n lvsha-pcmk-node2 -br -4 addr show dev eth0)\" != '' ] && ip -n lvsha-pcmk-node1 -br addr | grep -q $VIP || ip -n lvsha-pcmk-node2 -br addr | grep -q $VIP" || die "the VIP never came up"
A=$(where_vip); [ "$A" = node1 ] && Bn=node2 || Bn=node1
"$C" exec "$A" crm_resource --wait --timeout=60s >/dev/null 2>&1
"$C" exec "$A" crm_mon -1 2>&1 | sed -n '/Node List/,$p' | sed 's/^/    /'
"$C" sw ping -c1 -W2 -q $VIP >/dev/null && info "a client in the switch namespace reaches $VIP (held by $A)"

step "4. Crash $A (all its processes killed, link down) — watch the VIP move"
t1=$(now)
"$C" crash-node "$A" >/dev/null 2>&1
wait_until 60 vip_on "$Bn" || die "the VIP did not move to $Bn"
info "$VIP is on $Bn $(since "$t1") s after the crash (corosync token 1000 ms + consensus)"
wait_until 10 pingvip && info "and answers the client again ($(since "$t1") s)"

step "5. $A comes back — stickiness keeps the group where it is (no fail-back)"
"$C" start-node "$A" >/dev/null 2>&1
sleep 8
info "VIP now on: $(where_vip)"
[ "$(where_vip)" = "$Bn" ] && info "no fail-back: as configured" || die "the VIP moved back"
"$C" exec "$Bn" crm_mon -1 2>&1 | sed -n '/Node List/,$p' | sed 's/^/    /'
