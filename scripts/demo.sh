#!/bin/bash
# `sudo npm run demo`: lvsha's main job, end to end on this machine.
# Installs what it needs (Debian packages, npm modules), builds dist/lvsha, then runs the load-balancer lab
# (test/lab/run.sh): two LVS directors under real Pacemaker 2.1 + Corosync 3 in namespaces, configured by
# `lvsha cluster init` and loaded unchanged with `lvsha cluster apply`, three busybox-httpd real servers,
# a client sending requests — NAT, then direct routing — through seven scenarios (a real dies, the
# director daemon is killed, ldirectord.cf is rolled out, the active director crashes and returns, ...).
# Where the kernel has no IPVS (as here) the lab runs inside one qemu VM with Debian's kernel (software
# emulation, so expect ~10 minutes per method). Ctrl-C or any exit tears everything down.
# Env: DEMO_METHODS="nat dr" (or just nat / dr), DEMO_OUT=dir for the logs (default test/lab/out/demo).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; N=$'\e[0m'; [ -t 1 ] || { B=; G=; R=; N=; }
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\n%sdemo: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, mounts, IPVS, the cluster daemons): sudo npm run demo"
METHODS=${DEMO_METHODS:-nat dr}
OUT=${DEMO_OUT:-$ROOT/test/lab/out/demo}
LAB=
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$LAB" ] && kill -0 "$LAB" 2>/dev/null; then
    step "Stopping the lab (its VM or namespaces are torn down by the lab itself)"
    kill -TERM "$LAB" 2>/dev/null; wait "$LAB" 2>/dev/null
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Installing what the demo needs (pacemaker, corosync, resource-agents, ipvsadm, qemu for a kernel with IPVS, ...) and building dist/lvsha"
bash scripts/setup.sh || die "setup failed (see above)"
info "dist/lvsha: $(du -h dist/lvsha | cut -f1), agents: $(ls dist/resource.d/lvsha | tr '\n' ' ')"

report_method() { # METHOD: what the lab did, read from its output directory
  local m=$1 w=$OUT/work-lvsha-$m i=$OUT/init/$m
  local res=$OUT/stdout.txt
  val() { sed -n "s/^RESULT lvsha\.$m\.$1=//p" "$res" | head -1; }
  step "$(tr a-z A-Z <<<"$m"): files written by \`lvsha cluster init\` from the description $i.lvsha"
  [ -d "$i" ] && for f in "$i"/*; do info "$(basename "$f")  ($(wc -l <"$f") lines)"; done
  [ -f "$i/ldirectord.cf" ] && { info "--- ldirectord.cf"; sed 's/^/      /' "$i/ldirectord.cf"; }
  step "$(tr a-z A-Z <<<"$m"): cluster and group"
  info "cluster formed in $(val formation_s) s; group started: VIP +$(val start_vip_s) s, IPVS service +$(val start_ipvs_service_s) s, first client 200 +$(val start_first_client_200_s) s"
  [ -f "$w/s1-status.txt" ] && { info "--- lvsha ldirectord status on the active director"; sed 's/^/      /' "$w/s1-status.txt"; }
  [ -f "$w/s1-ipvs.txt" ] && { info "--- ipvsadm -Ln (normalised) on the active director"; sed 's/^/      /' "$w/s1-ipvs.txt"; }
  step "$(tr a-z A-Z <<<"$m"): scenarios"
  info "1 steady state:        $(val s1_client)"
  info "2 real1 dies/returns:  removed after $(val s2_removed_s); re-added after $(val s2_readded_s); failed requests $(val s2_failed_requests_total)"
  info "5 daemon SIGKILLed:    back after $(val s5_daemon_back_s); failed requests $(val s5_failed_requests)"
  info "6 config rolled out:   real3 added after $(val s6_real3_added_s)"
  info "7 connection sync:     $(val s7_echo_after_crash)"
  info "3 director crash — timeline from the survivor's pacemaker.log and the client:"
  info "    $(val s3_breakdown)"
  info "    outage (last good response before → first after): $(val s3_outage_s) s; failed requests $(val s3_failed_requests)"
  info "4 crashed director returns: $(val s4_nofailback)"
}

step "Running the lab: stack lvsha, methods: $METHODS (progress: tail -f $OUT/scenario.log)"
mkdir -p "$OUT"
bash test/lab/run.sh --stack lvsha --method "${METHODS// /,}" --out "$OUT" > "$OUT.txt" 2>&1 &
LAB=$!
# follow the lab's progress lines while it runs
( tail -n +1 -F "$OUT/scenario.log" 2>/dev/null | grep --line-buffered -E '^\[|^(PASS|FAIL) ' | sed -u 's/^/    /' ) &
TAILER=$!
wait "$LAB"; rc=$?
LAB=
kill "$TAILER" 2>/dev/null; wait "$TAILER" 2>/dev/null
for m in $METHODS; do report_method "$m"; done
step "Result"
np=$(grep -c '^PASS ' "$OUT/stdout.txt" 2>/dev/null); nf=$(grep -c '^FAIL ' "$OUT/stdout.txt" 2>/dev/null)
grep '^FAIL ' "$OUT/stdout.txt" 2>/dev/null | sed "s/^/    $R/; s/\$/$N/"
info "$(tail -2 "$OUT.txt" | head -1)"
if [ "$rc" = 0 ]; then printf '    %s%s checks passed%s\n' "$G" "$np" "$N"; else printf '    %s%s passed, %s failed%s (logs: %s)\n' "$R" "$np" "$nf" "$N" "$OUT"; fi
exit "$rc"
