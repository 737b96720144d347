#!/bin/bash
# bench/failover/run.sh — failover figures of the reference stack (ocf:heartbeat:IPaddr2 + ocf:heartbeat:ldirectord,
# Perl ldirectord) and of lvsha (ocf:lvsha:IPaddr2 + ocf:lvsha:ldirectord, config from `lvsha cluster init`) in the
# same run: test/lab scenarios 2 (a real dies/returns), 3 (active director crashes) and 5 (director daemon SIGKILLed),
# two lab runs back to back (one VM boot each where the kernel lacks IPVS). Prints both figures and lvsha/reference ratios.
#   bench/failover/run.sh [--method nat|dr] [--reuse REF_LAB_OUT LVSHA_LAB_OUT]
#   env: LAB_TOKEN (corosync token ms, default 1000) and the test/lab knobs. --reuse takes the figures from two
#   finished test/lab/run.sh output dirs (same method and token) instead of booting again.
# Targets: lvsha's client-visible outage <= the reference's, and <= corosync token + 1 s.
# Exit 0 when both runs produced their figures (the targets are reported, not asserted: benchmarks measure).
set -uo pipefail
D=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(cd "$D/../.." && pwd)
METHOD=nat REUSE=()
while (($#)); do
	case $1 in
	--method) METHOD=$2; shift 2 ;;
	--reuse) REUSE=("$2" "$3"); shift 3 ;;
	*) echo "usage: $0 [--method nat|dr] [--reuse REF_LAB_OUT LVSHA_LAB_OUT]" >&2; exit 2 ;;
	esac
done
export LAB_TOKEN=${LAB_TOKEN:-1000}
OUT=${BENCH_OUT:-$D/out}
mkdir -p "$OUT"
T0=$(date +%s)
if ((${#REUSE[@]})); then
	for i in 0 1; do s=$([[ $i == 0 ]] && echo reference || echo lvsha)
		cat "${REUSE[$i]}/stdout.txt" >"$OUT/$s.txt"
		grep -q "^RESULT $s\." "$OUT/$s.txt" || { echo "--reuse: ${REUSE[$i]} has no $s figures" >&2; exit 2; }
	done
	echo "(figures reused from ${REUSE[*]})"
else for s in reference lvsha; do
	echo "[$(date +%T)] $s stack: test/lab/run.sh --stack $s --method $METHOD --scenarios 2,3,5" >&2
	"$ROOT/test/lab/run.sh" --stack "$s" --method "$METHOD" --scenarios 2,3,5 --out "$OUT/$s" >"$OUT/$s.txt" 2>&1
	echo "[$(date +%T)] $s: $(tail -1 "$OUT/$s.txt")" >&2
done; fi
val() { sed -n "s/^RESULT $1\.$METHOD\.$2=\([^ ]*\).*/\1/p" "$OUT/$1.txt" | head -1; }
row() { # label key
	local r l
	r=$(val reference "$2"); l=$(val lvsha "$2")
	printf '%-44s %12s %12s %10s\n' "$1" "${r:-n/a}" "${l:-n/a}" "$(awk -v r="$r" -v l="$l" 'BEGIN{ if(r==""||l==""||r=="n/a"||l=="n/a") print "n/a"; else if (r+0==0) print (l+0==0 ? "1.00 (0/0)" : "inf"); else printf "%.2f", l/r }')"
}
echo
echo "failover bench, method $METHOD, corosync token ${LAB_TOKEN} ms ($(grep -q 'slow=1' "${REUSE[0]:-$OUT/reference}/scenario.log" 2>/dev/null && echo 'inside the IPVS VM, software emulation' || echo 'native namespaces'))"
printf '%-44s %12s %12s %10s\n' measure reference lvsha lvsha/ref
row "S2 dead real removed from IPVS (s)" s2_removed_s
row "S2 real re-added (s)" s2_readded_s
row "S2 failed client requests" s2_failed_requests_total
row "S3 crash: client-visible outage (s)" s3_outage_s
row "S3 crash -> first good response (s)" s3_crash_to_first_200_s
row "S3 failed client requests" s3_failed_requests
row "S3 survivor: IPVS service present (s)" s3_ipvs_service_on_survivor_s
row "S5 daemon SIGKILLed -> new daemon (s)" s5_daemon_back_s
row "S5 failed client requests" s5_failed_requests
for s in reference lvsha; do echo "$s: $(grep -cE '^PASS ' "$OUT/$s.txt") checks passed, $(grep -cE '^FAIL ' "$OUT/$s.txt") failed; breakdown: $(sed -n "s/^RESULT $s\.$METHOD\.s3_breakdown=//p" "$OUT/$s.txt")"; done
r=$(val reference s3_outage_s); l=$(val lvsha s3_outage_s)
lim=$(awk -v t="$LAB_TOKEN" 'BEGIN{printf "%.1f", t/1000 + 1}')
if [[ -n $l && $l != n/a && -n $r && $r != n/a ]]; then
	awk -v l="$l" -v r="$r" -v lim="$lim" 'BEGIN{
		printf "target lvsha outage <= reference: %s (%.2f vs %.2f s)\n", (l<=r ? "MET" : "MISSED"), l, r
		printf "target lvsha outage <= token + 1 s = %s s: %s (%.2f s; peer loss alone takes token + consensus = 2.2 x token)\n", lim, (l<=lim ? "MET" : "MISSED"), l }'
else
	echo "targets: not evaluated (missing outage figure: reference=${r:-none} lvsha=${l:-none})"
fi
echo "bench wall: $(( $(date +%s) - T0 )) s; logs: $OUT"
[[ -n $r && $r != n/a && -n $l && $l != n/a ]]
