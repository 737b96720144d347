#!/bin/bash
# Real Corosync 3 + Pacemaker 2.1 cluster (two nodes in namespaces, see cluster.sh) running
# lvsha's generated configuration:
#   1. `lvsha cluster init` writes corosync.conf + authkey + cib.xml;
#   2. corosync forms a two-node membership from exactly those files;
#   3. `lvsha cluster apply` loads cib.xml into the live CIB (and a second run changes nothing);
#   4. the group starts, ocf:lvsha:IPaddr2 brings the VIP up in the holder's namespace, a client reaches it;
#   4b. a config_digest change makes Pacemaker reload the director in place (no stop/start), within
#       the generated CIB's reload timeout (Pacemaker 2.1 looks it up under "reload-agent");
#   5. failover (graceful stop, then crash) moves the group; a returning node gets nothing back.
# ocf:lvsha:ldirectord needs kernel IPVS. Without it (this host) the ldirectord primitive of the applied
# CIB is swapped for the stand-in ocf:lvsha-test:ldirectord (test/pacemaker/ocf) and the test says so;
# with IPVS the CIB is applied unchanged.
# Env: LVSHA_PCMK_STOCK=1 (develop without dist/: ocf:heartbeat:IPaddr2 instead of ocf:lvsha:IPaddr2),
#      LVSHA_PCMK_TOKEN (corosync token ms, default 3000), LVSHA_PCMK_WAIT (s, default 90),
#      plus cluster.sh's knobs (LVSHA_PCMK_FORM_TIMEOUT, LVSHA_PCMK_STOP_TIMEOUT, LVSHA_PCMK_DC_DEADTIME).
# Prints "N passed, M failed"; exits non-zero on failure; always tears the namespaces down.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NODE_BIN=${LVSHA_NODE:-$ROOT/node_modules/.bin/node}
export LVSHA_PCMK_BASE=${LVSHA_PCMK_BASE:-${TMPDIR:-/tmp}/lvsha-pcmk}
BASE=$LVSHA_PCMK_BASE
export LVSHA_PCMK_CONF=$BASE/conf
C=$HERE/cluster.sh
NODES=(node1 node2)
VIP=10.79.0.100
WAIT=${LVSHA_PCMK_WAIT:-90}
LVSHA=("$NODE_BIN" "$ROOT/src/cluster/dev-main.ts")

pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }
say() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
finish() { echo "$pass passed, $fail failed"; [[ $fail == 0 ]]; exit $?; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
wait_until() { local t=$1 s; shift; s=$(now); until "$@"; do awk -v a="$s" -v b="$(now)" -v t="$t" 'BEGIN{exit !(b-a>t)}' && return 1; sleep 0.2; done; }

trap '"$C" down >"$BASE/down.log" 2>&1 || true' EXIT

# ---------------------------------------------------------------- prerequisites (fail, never skip)
[[ $(id -u) == 0 ]] || { bad "needs root (namespaces, mounts)"; finish; }
for c in corosync pacemakerd crm_mon cibadmin crm_resource ip nsenter unshare setsid; do
	command -v "$c" >/dev/null || { bad "$c missing: run test/pacemaker/install.sh"; finish; }
done
AGENT_DIR=$ROOT/dist/resource.d/lvsha
if [[ ${LVSHA_PCMK_STOCK:-0} == 1 ]]; then
	VIP_AGENT=ocf:heartbeat:IPaddr2
	say "LVSHA_PCMK_STOCK=1: using ocf:heartbeat:IPaddr2 (development mode, not the real test)"
elif [[ -x $AGENT_DIR/IPaddr2 ]]; then
	VIP_AGENT=ocf:lvsha:IPaddr2
else
	bad "$AGENT_DIR/IPaddr2 missing: build the agents first (npm run build), or LVSHA_PCMK_STOCK=1 for a development run"
	finish
fi
export LVSHA_PCMK_AGENTS=$AGENT_DIR

# ---------------------------------------------------------------- 1. generate
mkdir -p "$BASE"
rm -rf "$BASE/conf" "$BASE/apply"
cat >"$BASE/cluster.lvsha" <<EOF
[cluster]
name = lvsha-test
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
token = ${LVSHA_PCMK_TOKEN:-3000}
EOF
if "${LVSHA[@]}" cluster init --description "$BASE/cluster.lvsha" --out "$BASE/conf" >"$BASE/init.log" 2>&1; then
	ok "lvsha cluster init wrote $(ls "$BASE/conf" | tr '\n' ' ')"
else
	bad "lvsha cluster init"; cat "$BASE/init.log"; finish
fi
grep -q 'NO FENCING' "$BASE/init.log" && ok "init warned loudly about missing fencing" || bad "no fencing warning"

# the CIB to apply: unchanged when the kernel has IPVS, else ldirectord → Dummy (see header)
mkdir -p "$BASE/apply"
cp "$BASE/conf/cib.xml" "$BASE/apply/cib.xml"
if [[ -e /proc/net/ip_vs ]] || { modprobe -q ip_vs 2>/dev/null && [[ -e /proc/net/ip_vs ]]; }; then
	say "kernel IPVS present: applying the generated CIB unchanged"
	LD_AGENT=ocf:lvsha:ldirectord
else
	say "NOTE: no kernel IPVS here: ocf:lvsha:ldirectord cannot start, so lvs-ldirectord runs as ocf:lvsha-test:ldirectord (test/pacemaker/ocf: same parameters, legacy reload taking 25 s) in this test"
	sed -i 's|class="ocf" type="ldirectord" provider="lvsha"|class="ocf" type="ldirectord" provider="lvsha-test"|' "$BASE/apply/cib.xml"
	LD_AGENT=ocf:lvsha-test:ldirectord
	export LVSHA_PCMK_EXTRA_PROVIDERS=$HERE/ocf
fi
if [[ $VIP_AGENT == ocf:heartbeat:IPaddr2 ]]; then
	sed -i 's|class="ocf" type="IPaddr2" provider="lvsha"|class="ocf" type="IPaddr2" provider="heartbeat"|' "$BASE/apply/cib.xml"
fi
grep -q "type=\"IPaddr2\" provider=\"${VIP_AGENT#ocf:}\"" "$BASE/apply/cib.xml" 2>/dev/null ||
	grep -q "type=\"IPaddr2\" provider=\"$(cut -d: -f2 <<<"$VIP_AGENT")\"" "$BASE/apply/cib.xml" && ok "CIB uses $VIP_AGENT for the VIP and $LD_AGENT for the director" || bad "CIB variant"

# ---------------------------------------------------------------- 2. corosync + pacemaker from the generated files
say "starting the cluster"
t0=$(now)
if "$C" up >"$BASE/up.log" 2>&1; then
	ok "cluster up in $(since "$t0") s (corosync membership + pacemaker DC)"
else
	bad "cluster up failed"; tail -20 "$BASE/up.log"; finish
fi
for n in "${NODES[@]}"; do
	cmp -s "$BASE/conf/corosync.conf" "$BASE/nodes/$n/etc/corosync/corosync.conf" &&
		cmp -s "$BASE/conf/authkey" "$BASE/nodes/$n/etc/corosync/authkey" || bad "$n does not run the generated files"
done
q=$("$C" exec node1 corosync-quorumtool -s 2>&1)
if grep -Eq '^Total votes: +2$' <<<"$q" && grep -Eq 'Flags: .*2Node' <<<"$q"; then
	ok "corosync: 2 votes, two_node active (generated corosync.conf + authkey, identical on both nodes)"
else
	bad "corosync membership"; echo "$q"
fi
members=$("$C" exec node1 corosync-cmapctl -b runtime.members 2>/dev/null | grep -c 'status (str) = joined')
[[ $members == 2 ]] && ok "corosync runtime.members: 2 joined" || bad "members joined: $members"

if [[ $VIP_AGENT == ocf:lvsha:IPaddr2 ]]; then
	for a in IPaddr2 ldirectord; do
		"$C" exec node2 crm_resource --show-metadata "ocf:lvsha:$a" 2>/dev/null | grep -q '<resource-agent' &&
			ok "ocf:lvsha:$a visible inside the nodes (meta-data via the bind-mounted dist/resource.d/lvsha)" || bad "ocf:lvsha:$a not visible in the nodes"
	done
	"$C" exec node1 test -f /etc/ha.d/ldirectord.cf && ok "generated ldirectord.cf at /etc/ha.d/ldirectord.cf inside the nodes" || bad "no ldirectord.cf in the nodes"
fi

# ---------------------------------------------------------------- 3. lvsha cluster apply (twice)
ep() { "$C" exec node1 cibadmin --query --scope configuration >/dev/null 2>&1; "$C" exec node1 cibadmin --query 2>/dev/null | grep -o '<cib [^>]*' | grep -o ' epoch="[0-9]*"'; }
t1=$(now)
if out=$("$C" exec node1 "${LVSHA[@]}" cluster apply "$BASE/apply" 2>&1); then
	ok "lvsha cluster apply: $(tail -1 <<<"$out") ($(since "$t1") s)"
else
	bad "lvsha cluster apply failed"; echo "$out"
fi
e1=$(ep)
out2=$("$C" exec node1 "${LVSHA[@]}" cluster apply "$BASE/apply" 2>&1)
e2=$(ep)
if grep -q 'applied: 0 changed, 0 removed' <<<"$out2" && [[ $e1 == "$e2" ]]; then
	ok "second apply changes nothing ($(tail -1 <<<"$out2"); CIB$e2)"
else
	bad "second apply not idempotent: $out2 ($e1 → $e2)"
fi
"$C" exec node1 crm_verify -L >/dev/null 2>&1 && ok "crm_verify -L: live CIB valid" || bad "crm_verify -L"

# ---------------------------------------------------------------- 4. the group starts, the VIP is up
vip_on() { ip -n "lvsha-pcmk-$1" -br -4 addr show dev eth0 2>/dev/null | grep -qw "$VIP/24"; }
where_vip() { local n h=(); for n in "${NODES[@]}"; do vip_on "$n" && h+=("$n"); done; echo "${h[*]:-none}"; }
any_vip() { [[ $(where_vip) != none ]]; }
rsc_node() { "$C" exec "$1" crm_resource --resource "$2" --locate 2>/dev/null | sed -n 's/.*running on: //p' | head -1; }
other() { [[ $1 == node1 ]] && echo node2 || echo node1; }
if wait_until "$WAIT" any_vip; then
	A=$(where_vip)
	ok "VIP $VIP/24 up on $A via $VIP_AGENT ($(since "$t1") s after apply)"
else
	bad "VIP never came up"; "$C" exec node1 crm_mon -1rf 2>&1 | tail -20; finish
fi
[[ $A == node1 || $A == node2 ]] || { bad "VIP on several nodes: $A"; finish; }
B=$(other "$A")
"$C" exec "$A" crm_resource --wait --timeout=60s >/dev/null 2>&1
[[ $(rsc_node "$A" lvs-ldirectord) == "$A" ]] && ok "lvs-ldirectord ($LD_AGENT) runs with the VIP on $A" || bad "lvs-ldirectord not on $A: $(rsc_node "$A" lvs-ldirectord)"
"$C" sw ping -c1 -W2 -q "$VIP" >/dev/null 2>&1 && ok "a client reaches $VIP (answered by $A)" || bad "VIP does not answer ping"

# ---------------------------------------------------------------- 4b. config roll-out: Pacemaker reloads the director in place
# config_digest is non-unique: Pacemaker 2.1 schedules "reload-agent" (timeout looked up under that
# name) and runs the agent's legacy reload; the stand-in's reload outlasts Pacemaker's 20 s default.
plog() { echo "$BASE/nodes/$1/var/log/pacemaker/pacemaker.log"; }
dg=$("$C" exec "$A" sha256sum /etc/ha.d/ldirectord.cf 2>/dev/null | cut -d' ' -f1)
[[ -n $dg ]] || dg=$(printf 'lvsha-test' | sha256sum | cut -d' ' -f1)
mark=$(wc -l <"$(plog "$A")")
t4=$(now)
"$C" exec "$A" crm_resource --resource lvs-ldirectord --set-parameter config_digest --parameter-value "$dg" >"$BASE/reload.log" 2>&1
reloaded() { tail -n +"$((mark + 1))" "$(plog "$A")" | grep -qE "Result of reload operation for lvs-ldirectord on $A: (ok|Timed Out|error)"; }
if wait_until "$WAIT" reloaded; then
	res=$(tail -n +"$((mark + 1))" "$(plog "$A")" | grep -oE "Result of reload operation for lvs-ldirectord on $A: [A-Za-z0-9 ]+" | tail -1)
	[[ $res =~ :\ ok\ *$ ]] && ok "config_digest change: Pacemaker reloaded lvs-ldirectord in place on $A ($(since "$t4") s; the reload op's timeout from the generated CIB applied)" ||
		bad "reload of lvs-ldirectord: $res"
else
	bad "no reload of lvs-ldirectord within $WAIT s after the config_digest change"
fi
"$C" exec "$A" crm_resource --wait --timeout=60s >/dev/null 2>&1
if tail -n +"$((mark + 1))" "$(plog "$A")" | grep -qE "Result of (stop|start) operation for lvs-(ldirectord|vip)"; then
	bad "the config change restarted resources: $(tail -n +"$((mark + 1))" "$(plog "$A")" | grep -oE 'Result of (stop|start) operation for lvs-[a-z-]+' | sort -u | tr '\n' ' ')"
else
	ok "no stop/start of the director or the VIP during the reload; VIP on $(where_vip)"
fi

# ---------------------------------------------------------------- 5. failover, no fail-back
say "graceful stop of $A"
t2=$(now)
"$C" stop-node "$A" >"$BASE/stop.log" 2>&1 &
sp=$!
if wait_until "$WAIT" vip_on "$B"; then ok "graceful failover: VIP on $B after $(since "$t2") s"; else bad "VIP did not move to $B"; fi
wait "$sp"
"$C" start-node "$A" >"$BASE/start.log" 2>&1
sleep 10 # give the scheduler time to (not) move things back
[[ $(where_vip) == "$B" ]] && ok "$A back: no fail-back, VIP still on $B" || bad "fail-back: VIP on $(where_vip)"

say "crash of $B"
t3=$(now)
"$C" crash-node "$B" >>"$BASE/stop.log" 2>&1
if wait_until "$WAIT" vip_on "$A"; then ok "crash failover: VIP on $A after $(since "$t3") s (token ${LVSHA_PCMK_TOKEN:-3000} ms)"; else bad "VIP did not move to $A after crash"; fi
"$C" start-node "$B" >>"$BASE/start.log" 2>&1
sleep 10
[[ $(where_vip) == "$A" ]] && ok "$B back after crash: no fail-back" || bad "fail-back after crash: VIP on $(where_vip)"

say "total $(since "$t0") s"
finish
