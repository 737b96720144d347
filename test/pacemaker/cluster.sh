#!/bin/bash
# lvsha test harness: two-node Pacemaker 2.1 + Corosync 3 cluster on ONE machine,
# adapted from ../shared/reference/harness/pacemaker-ns/cluster.sh. Differences:
#  - namespaces are lvsha-pcmk-*, addresses 10.79.0.0/24;
#  - corosync.conf + authkey are NOT written here: they come from $LVSHA_PCMK_CONF
#    (a directory written by `lvsha cluster init`), copied unchanged into every node;
#  - the project's agents (dist/resource.d/lvsha/*) are visible to the nodes as
#    ocf:lvsha:* through a per-node bind mount over /usr/lib/ocf/resource.d (the host is not modified);
#  - knobs for slow machines (qemu VM): LVSHA_PCMK_FORM_TIMEOUT, LVSHA_PCMK_STOP_TIMEOUT,
#    LVSHA_PCMK_DC_DEADTIME; the corosync token is set in the description.
# Each node = own network ns (ip netns, veth to a bridge in a "switch" ns)
#           + own mount ns (tmpfs /run, /dev/shm, fresh /sys, bind-mounted
#             per-node /etc/corosync, /var/lib/{pacemaker,corosync,heartbeat},
#             /var/log/{pacemaker,corosync})
#           + own UTS ns (hostname = node name) + own PID ns (ns init = "holder").
# Only addresses in 10.79.0.0/24 inside namespaces created here are used.
#
# Usage: cluster.sh install            apt-get install the packages
#        cluster.sh up                 create namespaces, start corosync+pacemaker on all nodes, wait for formation
#        cluster.sh exec NODE CMD...   run CMD inside NODE (net+mnt+uts+pid ns)
#        cluster.sh sw CMD...          run CMD in the switch ns (has 10.79.0.254, acts as a client)
#        cluster.sh stop-node NODE     graceful: pacemakerd --shutdown, then corosync, then tear down node ns
#        cluster.sh crash-node NODE    hard: SIGKILL the node's ns init (all node processes die), link down
#        cluster.sh start-node NODE    (re)start a stopped/crashed node
#        cluster.sh status             show holders / crm_mon from every running node
#        cluster.sh down               stop everything started by this script, delete namespaces
set -euo pipefail

BASE=${LVSHA_PCMK_BASE:-${TMPDIR:-/tmp}/lvsha-pcmk}
CONF=${LVSHA_PCMK_CONF:-$BASE/conf}
AGENTS=${LVSHA_PCMK_AGENTS:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)/dist/resource.d/lvsha}
# test-only providers (a directory of provider directories, e.g. test/pacemaker/ocf/lvsha-test/*)
EXTRA_PROVIDERS=${LVSHA_PCMK_EXTRA_PROVIDERS:-}
SELF=$(readlink -f "$0")
NODES=(node1 node2)
NET=10.79.0
SW_NS=lvsha-pcmk-sw
SW_ADDR=$NET.254
NODE_DIRS=(etc/corosync var/lib/pacemaker var/lib/corosync var/lib/heartbeat var/log/pacemaker var/log/corosync)

log() { printf '[%s] %s\n' "$(date +%T.%3N)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

node_idx() { local i; for i in "${!NODES[@]}"; do [[ ${NODES[$i]} == "$1" ]] && { echo $((i + 1)); return; }; done; die "unknown node $1"; }
node_ns() { echo "lvsha-pcmk-$1"; }
node_addr() { echo "$NET.$(node_idx "$1")"; }
ndir() { echo "$BASE/nodes/$1"; }
# PID (in the host PID ns) of the `unshare` process and of the ns init ("holder")
unshare_pid() { cat "$(ndir "$1")/unshare.pid" 2>/dev/null || true; }
holder_pid() { cat "$(ndir "$1")/holder.pid" 2>/dev/null || true; }
alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
node_running() { alive "$(holder_pid "$1")"; }

# wait_for TIMEOUT_S CMD... : poll CMD every 0.5 s
wait_for() {
	local t=$1 start; shift; start=$(now)
	while ! "$@" >/dev/null 2>&1; do
		awk -v a="$start" -v b="$(now)" -v t="$t" 'BEGIN{exit !(b-a>t)}' && return 1
		sleep 0.5
	done
}

nexec() {
	local node=$1; shift
	local hp; hp=$(holder_pid "$node")
	alive "$hp" || die "node $node is not running"
	# -p forks, so CMD is inside the node's PID ns; env is scrubbed to a sane minimum
	nsenter -t "$hp" -n -m -u -p --wd=/ -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}

cmd_install() {
	apt-get -o DPkg::Lock::Timeout=600 update
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
		pacemaker corosync pacemaker-cli-utils resource-agents libxml2-utils iproute2 util-linux iputils-ping
}

check_tools() {
	local c
	for c in corosync pacemakerd crm_mon crm_attribute corosync-keygen ip nsenter unshare setsid; do
		command -v "$c" >/dev/null || die "$c missing: run '$0 install' (apt-get install pacemaker corosync pacemaker-cli-utils resource-agents)"
	done
	getent passwd hacluster >/dev/null || die "user hacluster missing (pacemaker package not installed?)"
}

# ---------------------------------------------------------------- network
net_up() {
	ip netns add "$SW_NS"
	ip -n "$SW_NS" link set lo up
	ip -n "$SW_NS" link add br0 type bridge
	ip -n "$SW_NS" addr add "$SW_ADDR/24" dev br0
	ip -n "$SW_NS" link set br0 up
	local n ns
	for n in "${NODES[@]}"; do
		ns=$(node_ns "$n")
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		# create the pair in the switch ns, peer goes straight into the node ns as eth0
		ip -n "$SW_NS" link add "$n" type veth peer name eth0 netns "$ns"
		ip -n "$SW_NS" link set "$n" master br0 up
		ip -n "$ns" addr add "$(node_addr "$n")/24" dev eth0
		ip -n "$ns" link set eth0 up
	done
}

net_down() {
	local ns
	for ns in "$SW_NS" $(for n in "${NODES[@]}"; do node_ns "$n"; done); do
		ip netns del "$ns" 2>/dev/null || true
	done
}

# ---------------------------------------------------------------- per node files
prepare_node_dirs() {
	local n d nd
	for n in "${NODES[@]}"; do
		nd=$(ndir "$n")
		rm -rf "$nd"; mkdir -p "$nd"
		for d in "${NODE_DIRS[@]}"; do mkdir -p "$nd/$d"; done
		mkdir -p "$nd/etc/corosync/uidgid.d"
		mkdir -p "$nd"/var/lib/pacemaker/{cib,pengine,blackbox,cores} "$nd/var/log/pacemaker/bundles"
		mkdir -p "$nd"/var/lib/heartbeat/{lrm,cores/root,cores/hacluster,cores/nobody}
		chown -R hacluster:haclient "$nd/var/lib/pacemaker" "$nd/var/log/pacemaker"
		chmod 750 "$nd"/var/lib/pacemaker/{cib,pengine,blackbox,cores}
		chmod 770 "$nd/var/log/pacemaker" "$nd/var/log/pacemaker/bundles"
	done
	# corosync.conf + authkey: generated by lvsha, used unchanged
	[[ -f $CONF/corosync.conf && -f $CONF/authkey ]] || die "no corosync.conf/authkey in $CONF (run lvsha cluster init --out $CONF)"
	# optional seed CIB: dc-deadtime 20s (default) -> 5s makes a fresh cluster elect a DC ~15 s sooner
	local seed=$BASE/seed-cib.xml
	# (a test-harness setting, not part of lvsha's configuration: elect a DC 15 s sooner)
	if [[ ${LVSHA_PCMK_SEED_CIB:-1} == 1 ]]; then
		cibadmin --empty >"$seed"
		CIB_file=$seed crm_attribute --type crm_config --name dc-deadtime --update "${LVSHA_PCMK_DC_DEADTIME:-5s}"
	fi
	for n in "${NODES[@]}"; do
		nd=$(ndir "$n")
		if [[ ${LVSHA_PCMK_SEED_CIB:-1} == 1 ]]; then
			install -o hacluster -g haclient -m 600 "$seed" "$nd/var/lib/pacemaker/cib/cib.xml"
		fi
		install -m 644 "$CONF/corosync.conf" "$nd/etc/corosync/corosync.conf"
		# ocf:lvsha:ldirectord reads /etc/ha.d/ldirectord.cf: give each node the generated one
		if [[ -f $CONF/ldirectord.cf ]]; then mkdir -p "$nd/etc/ha.d" && install -m 644 "$CONF/ldirectord.cf" "$nd/etc/ha.d/ldirectord.cf"; fi
		install -m 400 "$CONF/authkey" "$nd/etc/corosync/authkey"
	done
}

# ---------------------------------------------------------------- node lifecycle
# runs as PID 1 of the node's PID ns, inside its new mount+uts ns (netns already joined)
cmd__init() {
	local n=$1 nd d; nd=$(ndir "$n")
	umount -l /sys && mount -t sysfs sysfs /sys # /sys/class/net of this netns
	mount -t tmpfs -o mode=755,size=64m tmpfs /run
	mkdir -p /run/lock /run/crm && chmod 1777 /run/lock
	install -d -m 1755 /run/resource-agents
	chown hacluster:haclient /run/crm
	mount -t tmpfs -o mode=1777,size=256m tmpfs /dev/shm # libqb ring buffers
	for d in "${NODE_DIRS[@]}"; do mount --bind "$nd/$d" "/$d"; done
	# ocf:lvsha:* for this node only: a private copy of resource.d (stock providers bind-mounted in,
	# lvsha/ = symlinks with absolute targets to the project's agents), mounted over the real one
	local rd=$nd/resource.d p a
	mkdir -p "$rd/lvsha"
	for p in /usr/lib/ocf/resource.d/*/; do p=$(basename "$p"); [[ $p == lvsha ]] && continue; mkdir -p "$rd/$p"; mount --bind "/usr/lib/ocf/resource.d/$p" "$rd/$p"; done
	if [[ -d $AGENTS ]]; then
		for a in "$AGENTS"/*; do ln -sfn "$(readlink -f "$a")" "$rd/lvsha/$(basename "$a")"; done
	fi
	if [[ -n $EXTRA_PROVIDERS ]]; then
		for p in "$EXTRA_PROVIDERS"/*/; do
			p=${p%/}; mkdir -p "$rd/$(basename "$p")"
			for a in "$p"/*; do ln -sfn "$(readlink -f "$a")" "$rd/$(basename "$p")/$(basename "$a")"; done
		done
	fi
	mount --rbind "$rd" /usr/lib/ocf/resource.d # rbind: carry the stock providers mounted inside
	# a private /etc/ha.d with the generated ldirectord.cf (only if the host has the directory: never create it there)
	if [[ -d $nd/etc/ha.d && -d /etc/ha.d ]]; then mount --bind "$nd/etc/ha.d" /etc/ha.d; fi
	hostname "$n"
	echo ready >"$nd/ready"
	trap 'exit 0' TERM INT
	# stay alive as ns init; bash reaps re-parented orphans
	while :; do sleep 3600 & wait $! || true; done
}

start_holder() {
	local n=$1 nd up hp; nd=$(ndir "$n")
	rm -f "$nd/ready" "$nd/holder.pid" "$nd/unshare.pid"
	# setsid: own session so a terminal ^C / the caller's exit doesn't hit it.
	# setsid (not a pgrp leader here) and nsenter exec, so $! is the unshare process.
	setsid nsenter --net="/run/netns/$(node_ns "$n")" \
		unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private \
		-- "$SELF" _init "$n" </dev/null >>"$nd/holder.log" 2>&1 &
	up=$!
	echo "$up" >"$nd/unshare.pid"
	wait_for 10 test -e "$nd/ready" || die "holder for $n did not come up (see $nd/holder.log)"
	hp=$(cat "/proc/$up/task/$up/children" | awk '{print $1}')
	[[ -n $hp ]] || die "cannot find holder pid of $n"
	echo "$hp" >"$nd/holder.pid"
}

start_corosync() {
	nexec "$1" sh -c 'corosync -f </dev/null >>/var/log/corosync/corosync.out 2>&1 & echo $! >/run/pcmk-corosync.pid'
}

start_pacemaker() {
	nexec "$1" sh -c 'PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none PCMK_debug=no \
		pacemakerd </dev/null >>/var/log/pacemaker/pacemakerd.out 2>&1 & echo $! >/run/pcmk-pacemakerd.pid'
}

corosync_members_ok() { # all nodes joined at the corosync level (as seen from $1)
	nexec "$1" corosync-quorumtool -s 2>/dev/null | grep -Eq "^Total votes: +${#NODES[@]}$"
}

online_nodes() { # prints the "Online:" list as seen from node $1
	nexec "$1" crm_mon -1 --output-as=xml 2>/dev/null |
		awk -F'"' '/<node name=/{ on=0; for(i=1;i<NF;i++){ if($i~/ name=$/) nm=$(i+1); if($i~/ online=$/ && $(i+1)=="true") on=1 } if(on) print nm }'
}

pcmk_all_online() { # pacemaker sees all expected nodes online and has a DC
	local n=$1 list
	nexec "$n" crm_mon -1 --output-as=xml 2>/dev/null | grep -q '<current_dc present="true"' || return 1
	list=$(online_nodes "$n" | sort | tr '\n' ' ')
	[[ $list == "$(printf '%s\n' "${NODES[@]}" | sort | tr '\n' ' ')" ]]
}

cmd_start_node() {
	local n=$1 t0; t0=$(now)
	node_running "$n" && die "$n already running"
	local ns; ns=$(node_ns "$n")
	# a fresh "boot": link up, no leftover (VIP) addresses from a crash
	ip -n "$ns" addr flush dev eth0
	ip -n "$ns" addr add "$(node_addr "$n")/24" dev eth0
	ip -n "$ns" link set eth0 up
	start_holder "$n"
	start_corosync "$n"
	wait_for 30 nexec "$n" corosync-cfgtool -s || die "corosync on $n not answering"
	start_pacemaker "$n"
	log "$n started ($(elapsed "$t0") s); waiting for it to be online in pacemaker"
	wait_for 120 pcmk_all_online "$n" || log "WARNING: $n not seeing all nodes online after 120 s"
	log "$n online after $(elapsed "$t0") s"
}

# wait for a (ns-local) pid to die, $3 = timeout s
wait_pid_gone() { wait_for "$3" nexec "$1" sh -c "! kill -0 $2 2>/dev/null"; }

cmd_stop_node() {
	local n=$1 t0 pid; t0=$(now)
	if node_running "$n"; then
		pid=$(nexec "$n" cat /run/pcmk-pacemakerd.pid 2>/dev/null || true)
		if [[ -n $pid ]] && nexec "$n" kill -0 "$pid" 2>/dev/null; then
			log "$n: pacemakerd --shutdown (pid $pid in node ns)"
			nexec "$n" pacemakerd --shutdown >/dev/null 2>&1 || nexec "$n" kill -TERM "$pid" || true
			wait_pid_gone "$n" "$pid" "${LVSHA_PCMK_STOP_TIMEOUT:-90}" || log "WARNING: pacemakerd on $n did not stop in time"
		fi
		pid=$(nexec "$n" cat /run/pcmk-corosync.pid 2>/dev/null || true)
		if [[ -n $pid ]] && nexec "$n" kill -0 "$pid" 2>/dev/null; then
			log "$n: stopping corosync (pid $pid in node ns)"
			nexec "$n" kill -TERM "$pid" || true
			wait_pid_gone "$n" "$pid" 30 || log "WARNING: corosync on $n did not stop in time"
		fi
	fi
	kill_holder "$n" TERM
	log "$n stopped ($(elapsed "$t0") s)"
}

# kills only the two PIDs recorded for this node: unshare (--kill-child) and the ns init;
# the kernel then SIGKILLs everything left inside the node's PID namespace.
kill_holder() {
	local n=$1 sig=$2 up hp; up=$(unshare_pid "$n"); hp=$(holder_pid "$n")
	# guard against PID reuse: check what the recorded pids are
	if alive "$hp" && grep -q "_init" "/proc/$hp/cmdline" 2>/dev/null; then kill "-$sig" "$hp" 2>/dev/null || true; fi
	if alive "$up" && [[ $(cat "/proc/$up/comm" 2>/dev/null) == unshare ]]; then kill -TERM "$up" 2>/dev/null || true; fi
	# PID 1 of a pid ns ignores TERM from outside unless trapped (it is trapped); fall back to KILL
	wait_for 10 bash -c "! kill -0 $hp 2>/dev/null" || { kill -KILL "$hp" 2>/dev/null || true; }
	wait_for 10 bash -c "! kill -0 ${up:-0} 2>/dev/null" || true
	rm -f "$(ndir "$n")"/{ready,holder.pid,unshare.pid}
}

cmd_crash_node() {
	local n=$1
	node_running "$n" || die "$n not running"
	ip -n "$(node_ns "$n")" link set eth0 down # "power off": node vanishes from the wire
	kill_holder "$n" KILL
	log "$n crashed (all its processes SIGKILLed, link down)"
}

cmd_up() {
	check_tools
	local n t0 t1
	for n in "${NODES[@]}"; do node_running "$n" && die "cluster already up ($n running); run '$0 down' first"; done
	net_down
	mkdir -p "$BASE"
	# persistence of the holders does not need bind-mounted ns files; nothing else to set up on the host
	t0=$(now)
	net_up
	prepare_node_dirs
	for n in "${NODES[@]}"; do start_holder "$n"; done
	log "namespaces ready ($(elapsed "$t0") s); starting corosync"
	t1=$(now)
	for n in "${NODES[@]}"; do start_corosync "$n"; done
	for n in "${NODES[@]}"; do wait_for 60 corosync_members_ok "$n" || die "corosync membership not complete on $n (see $(ndir "$n")/var/log/corosync/)"; done
	log "corosync membership complete ($(elapsed "$t1") s); starting pacemaker"
	for n in "${NODES[@]}"; do start_pacemaker "$n"; done
	for n in "${NODES[@]}"; do wait_for "${LVSHA_PCMK_FORM_TIMEOUT:-180}" pcmk_all_online "$n" || die "pacemaker did not form on $n (see $(ndir "$n")/var/log/pacemaker/pacemaker.log)"; done
	log "pacemaker: all nodes online with DC ($(elapsed "$t1") s after corosync start)"
	echo "$(elapsed "$t1")" >"$BASE/formation_seconds"
}

cmd_down() {
	local n
	for n in "${NODES[@]}"; do
		if [[ -n $(unshare_pid "$n") || -n $(holder_pid "$n") ]]; then cmd_stop_node "$n"; fi
	done
	net_down
	log "down"
}

cmd_status() {
	local n
	for n in "${NODES[@]}"; do
		if node_running "$n"; then
			echo "== $n: holder pid $(holder_pid "$n") (unshare $(unshare_pid "$n"))"
			nexec "$n" ps -eo pid,user,comm | sed 's/^/   /'
			nexec "$n" ip -br addr show dev eth0 | sed 's/^/   /'
		else
			echo "== $n: not running"
		fi
	done
	for n in "${NODES[@]}"; do node_running "$n" && { nexec "$n" crm_mon -1 || true; break; }; done
}

case "${1:-}" in
install) cmd_install ;;
up) cmd_up ;;
down) cmd_down ;;
exec) shift; [[ $# -ge 2 ]] || die "usage: $0 exec NODE CMD..."; n=$1; shift; nexec "$n" "$@" ;;
sw) shift; ip netns exec "$SW_NS" "$@" ;;
start-node) cmd_start_node "$2" ;;
stop-node) cmd_stop_node "$2" ;;
crash-node) cmd_crash_node "$2" ;;
status) cmd_status ;;
_init) cmd__init "$2" ;;
*) sed -n '2,20p' "$SELF"; exit 2 ;;
esac
