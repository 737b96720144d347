#!/bin/bash
# Real Heartbeat 3.0.6 membership from lvsha-generated ha.cf + authkeys.
#
# Two heartbeat nodes, each in its own net+mount+uts+pid namespace (veth to a
# bridge in a switch namespace, 10.78.0.0/24, nothing leaves the namespaces).
# Pacemaker 2 cannot run on heartbeat, so the generated `crm respawn` line is
# rewritten to `crm off` for this test only (membership is what is tested).
#
# Tests: 1) both nodes see each other "active"; 2) a node with a different key
# is never accepted; 3) authkeys with mode 0644 is refused at start-up;
# 4) `lvsha realserver up|status|down` on a real server namespace: the VIP on lo
# via rtnetlink, ARP sysctls, and a client on the wire gets no ARP answer for
# the VIP (with arp_ignore=0 it would: the control proves the check can fail).
# Prints "N passed, M failed"; exits non-zero on any failure. Always tears down.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
SELF=$(readlink -f "$0")
NODE_BIN=${LVSHA_NODE:-$ROOT/node_modules/.bin/node}
SW=lvsha-hb-sw
NODES=(hb1 hb2)
NET=10.78.0
WAIT=${LVSHA_HB_WAIT:-20} # seconds to wait for membership (raise in a slow VM)

# ---------------------------------------------------------------- node init (inside the namespaces)
if [[ ${1:-} == _node ]]; then
	name=$2 etc=$3 work=$4
	mount -t tmpfs tmpfs /run
	mkdir -p /run/heartbeat/ccm /run/heartbeat/dopd /run/crm /run/resource-agents
	chown hacluster:haclient /run/heartbeat/ccm /run/crm
	mkdir -p "$work/varlib" "$work/log"
	cp -a /var/lib/heartbeat/. "$work/varlib/"
	mount --bind "$etc" /etc/ha.d
	mount --bind "$work/varlib" /var/lib/heartbeat
	mount --bind "$work/log" /var/log
	hostname "$name"
	exec /usr/libexec/heartbeat/heartbeat -f >/var/log/hb.out 2>&1
fi

pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lvsha-hb.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		# only our unshare processes (--kill-child takes the whole node PID ns with it)
		[[ $(cat /proc/$p/comm 2>/dev/null) == unshare ]] && kill -KILL "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do { wait "$p"; } 2>/dev/null; done
	ip netns del "$SW" 2>/dev/null
	ip netns del lvsha-hb-rs 2>/dev/null
	ip netns del lvsha-hb-client 2>/dev/null
	for n in "${NODES[@]}"; do ip netns del "lvsha-hb-$n" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

for c in ip unshare nsenter; do command -v $c >/dev/null || { echo "missing $c (apt-get install iproute2 util-linux)"; echo "0 passed, 1 failed"; exit 1; }; done
if [[ ! -x /usr/libexec/heartbeat/heartbeat ]]; then
	echo "heartbeat not installed: apt-get install --no-install-recommends heartbeat (test/pacemaker/install.sh)"
	echo "0 passed, 1 failed"; exit 1
fi
[[ $(id -u) == 0 ]] || { echo "needs root (namespaces)"; echo "0 passed, 1 failed"; exit 1; }

# ---------------------------------------------------------------- network
net_up() {
	ip netns add "$SW" && ip -n "$SW" link set lo up
	ip -n "$SW" link add br0 type bridge && ip -n "$SW" link set br0 up
	local i=1 n
	for n in "${NODES[@]}"; do
		ip netns add "lvsha-hb-$n"
		ip -n "lvsha-hb-$n" link set lo up
		ip -n "$SW" link add "v$n" type veth peer name eth0 netns "lvsha-hb-$n"
		ip -n "$SW" link set "v$n" master br0 up
		ip -n "lvsha-hb-$n" addr add "$NET.$i/24" dev eth0
		ip -n "lvsha-hb-$n" link set eth0 up
		i=$((i + 1))
	done
}

# start_node NAME ETC_DIR: heartbeat in its own namespaces; prints nothing
start_node() {
	local n=$1 etc=$2
	mkdir -p "$WORK/$n"
	setsid ip netns exec "lvsha-hb-$n" unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private \
		"$SELF" _node "$n" "$etc" "$WORK/$n" </dev/null >/dev/null 2>&1 &
	PIDS+=($!)
	eval "PID_$n=$!"
}
stop_nodes() {
	local p
	for p in "${PIDS[@]}"; do [[ $(cat /proc/$p/comm 2>/dev/null) == unshare ]] && kill -KILL "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do { wait "$p"; } 2>/dev/null; done
	PIDS=()
	rm -rf "$WORK"/hb1 "$WORK"/hb2
}
hblog() { cat "$WORK/$1"/log/ha-log "$WORK/$1"/log/ha-debug "$WORK/$1"/log/hb.out 2>/dev/null; }
# sees NODE PEER: NODE's heartbeat reports PEER active
# grep on the files (not `cat | grep -q`: with pipefail the SIGPIPE'd cat would fail the test)
hbgrep() { grep -Eqs "$2" "$WORK/$1"/log/ha-log "$WORK/$1"/log/ha-debug "$WORK/$1"/log/hb.out; }
sees() { hbgrep "$1" "Status update for node $2: status (active|up)"; }
wait_until() { local t=$1 i; shift; for ((i = 0; i < t * 5; i++)); do "$@" && return 0; sleep 0.2; done; return 1; }

# ---------------------------------------------------------------- generate with lvsha
DESC=$WORK/hb.lvsha
cat >"$DESC" <<EOF
[cluster]
name = hbtest
stack = heartbeat
[node hb1]
address = $NET.1/24
[node hb2]
address = $NET.2/24
[vip]
address = $NET.100/24
nic = eth0
[service web]
real = $NET.50:80
[heartbeat]
keepalive = 500ms
warntime = 2
deadtime = 4
initdead = 10
logfile = /var/log/ha-log
EOF
t0=$(date +%s.%N)
gen() { # gen OUTDIR
	"$NODE_BIN" "$ROOT/src/cluster/dev-main.ts" cluster init --description "$DESC" --out "$1" >/dev/null 2>"$1.err" || { cat "$1.err"; return 1; }
	# the only change: Pacemaker 2 cannot run on heartbeat (see header)
	sed -i 's/^crm respawn$/crm off/' "$1/ha.cf"
	: >"$1/haresources" # crm off (v1 mode) insists on the file; empty = no resources
}
gen "$WORK/etc" || { bad "lvsha cluster init"; echo "$pass passed, $fail failed"; exit 1; }
gen "$WORK/etc-otherkey" || { bad "lvsha cluster init (second key)"; echo "$pass passed, $fail failed"; exit 1; }
grep -q '^crm off$' "$WORK/etc/ha.cf" && ok "generated ha.cf (crm line rewritten to off for this test)" || bad "ha.cf crm line"
[[ $(stat -c %a "$WORK/etc/authkeys") == 600 ]] && ok "authkeys mode 0600" || bad "authkeys mode $(stat -c %a "$WORK/etc/authkeys")"
cmp -s "$WORK/etc/authkeys" "$WORK/etc-otherkey/authkeys" && bad "two runs produced the same key" || ok "each run makes a new key"
net_up

# ---------------------------------------------------------------- 1. membership
log "test 1: membership from the generated files"
t1=$(date +%s.%N)
start_node hb1 "$WORK/etc"
start_node hb2 "$WORK/etc"
if wait_until "$WAIT" sees hb1 hb2 && wait_until "$WAIT" sees hb2 hb1; then
	ok "hb1 and hb2 see each other active ($(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s)"
else
	bad "membership did not form"; hblog hb1 | grep -E 'ERROR|WARN|Status' | head -20
fi
hbgrep hb1 'Configuration validated' && ok "hb1: configuration validated" || bad "hb1 config not validated"
stop_nodes

# ---------------------------------------------------------------- 2. wrong key
log "test 2: a node with another key"
start_node hb1 "$WORK/etc"
start_node hb2 "$WORK/etc-otherkey"
# both run (each accepts its own config) but neither accepts the other's packets
if wait_until "$WAIT" bash -c "grep -qs \"Local status now set to: 'up'\" '$WORK/hb2/log/ha-log'"; then
	sleep 6 # > deadtime: time enough to have seen the peer
	if sees hb1 hb2 || sees hb2 hb1; then bad "node with a wrong key was accepted"; else ok "node with a different key is not accepted"; fi
	# and it did hear the peer: heartbeat logs the rejected packets (its authentication trailer)
	if grep -aqs "MSG.*: \[auth=1 " "$WORK"/hb1/log/ha-log; then ok "hb1 heard hb2 and rejected its packets (bad auth)"; else bad "hb1 logged no rejected packet"; fi
else
	bad "hb2 with its own key did not start"; hblog hb2 | tail -5
fi
stop_nodes

# ---------------------------------------------------------------- 3. authkeys mode 0644
log "test 3: authkeys mode 0644"
cp -a "$WORK/etc" "$WORK/etc-0644"
chmod 0644 "$WORK/etc-0644/authkeys"
start_node hb1 "$WORK/etc-0644"
p=$PID_hb1
# running = exists and not a zombie (we reap it only later)
running() { [[ -e /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat") != Z ]]; }
for ((i = 0; i < 50; i++)); do running "$p" || break; sleep 0.2; done
if ! running "$p" && hbgrep hb1 'Bad permissions on keyfile'; then
	ok "authkeys 0644 refused: $(grep -hm1 -o 'Bad permissions on keyfile.*' "$WORK"/hb1/log/ha-log)"
else
	bad "heartbeat accepted authkeys 0644"; hblog hb1 | tail -5
fi
stop_nodes

# ---------------------------------------------------------------- 4. realserver up/down/status
log "test 4: lvsha realserver (LVS-DR real server in a namespace)"
RS=(ip netns exec lvsha-hb-rs "$NODE_BIN" "$ROOT/src/cluster/dev-main.ts" realserver)
RVIP=10.78.1.100
ip netns add lvsha-hb-rs && ip netns add lvsha-hb-client
ip -n lvsha-hb-rs link set lo up && ip -n lvsha-hb-client link set lo up
ip -n lvsha-hb-client link add eth0 type veth peer name eth0 netns lvsha-hb-rs
ip -n lvsha-hb-client addr add 10.78.1.1/24 dev eth0 && ip -n lvsha-hb-client link set eth0 up
ip -n lvsha-hb-rs addr add 10.78.1.2/24 dev eth0 && ip -n lvsha-hb-rs link set eth0 up
out=$("${RS[@]}" up --vip $RVIP 2>&1) && ip -n lvsha-hb-rs -br addr show lo | grep -qw "$RVIP/32" &&
	ok "realserver up: $RVIP/32 on lo" || bad "realserver up: $out"
sysok=1
for k in all/arp_ignore:1 all/arp_announce:2 lo/arp_ignore:1; do
	[[ $(ip netns exec lvsha-hb-rs cat /proc/sys/net/ipv4/conf/${k%:*}) == "${k#*:}" ]] || sysok=0
done
((sysok)) && ok "realserver up: arp_ignore=1, arp_announce=2 in the real server's netns" || bad "sysctls not set"
out=$("${RS[@]}" up --vip $RVIP 2>&1) && grep -q 'already on lo' <<<"$out" && ok "realserver up twice: idempotent" || bad "second up: $out"
"${RS[@]}" status --vip $RVIP >/dev/null 2>&1 && ok "realserver status: up (rc 0)" || bad "status after up"
arp_answered() { # does the real server answer ARP for the VIP? (one bounded probe from the client)
	ip -n lvsha-hb-client neigh flush dev eth0 2>/dev/null
	ip netns exec lvsha-hb-client ping -c1 -W1 -q $RVIP >/dev/null 2>&1
}
if arp_answered; then bad "the real server answers ARP for the VIP"; else ok "client gets no ARP answer for the VIP (DR real server stays silent)"; fi
ip netns exec lvsha-hb-rs sh -c 'echo 0 >/proc/sys/net/ipv4/conf/all/arp_ignore; echo 0 >/proc/sys/net/ipv4/conf/lo/arp_ignore; echo 0 >/proc/sys/net/ipv4/conf/eth0/arp_ignore'
if arp_answered; then ok "control: with arp_ignore=0 the same probe is answered"; else bad "control probe not answered (test cannot tell)"; fi
"${RS[@]}" status --vip $RVIP >/dev/null 2>&1; rc=$?
[[ $rc == 3 ]] && ok "realserver status notices the wrong sysctl (rc 3)" || bad "status rc $rc with arp_ignore=0"
out=$("${RS[@]}" down --vip $RVIP 2>&1) && ! ip -n lvsha-hb-rs -br addr show lo | grep -qw "$RVIP" && ok "realserver down: VIP removed" || bad "down: $out"
out=$("${RS[@]}" up --vip $RVIP/24 2>&1); [[ $? != 0 ]] && grep -q 'would capture the whole subnet' <<<"$out" && ok "realserver up refuses a /24 on lo" || bad "/24 accepted: $out"
ip netns del lvsha-hb-rs; ip netns del lvsha-hb-client

echo "# total $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
