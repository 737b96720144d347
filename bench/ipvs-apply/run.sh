#!/bin/bash
# IPVS apply benchmark in one VM boot (or directly in a fresh netns on a host whose kernel has IPVS).
#   bench/ipvs-apply/run.sh          # 1000 services x 10 destinations, every ipvsadm process measured
#   LVSHA_BENCH_SAMPLE=1000 bench/ipvs-apply/run.sh   # time only 1000 per-rule processes and extrapolate (says so)
# Results are printed and saved to bench/results/ipvs-apply.txt (git-ignored).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/ipvs-apply.txt
mkdir -p "$ROOT/test/.state"; BENCHDIR=$(mktemp -d "$ROOT/test/.state/bench.XXXXXX")
trap 'rm -rf "$BENCHDIR"' EXIT
# reuse the test harness: a "group" holding just the bench
ln -s "$HERE/bench.ts" "$BENCHDIR/bench.test.ts"
export LVSHA_BENCH_SERVICES=${LVSHA_BENCH_SERVICES:-1000} LVSHA_BENCH_DESTS=${LVSHA_BENCH_DESTS:-10} LVSHA_BENCH_SAMPLE=${LVSHA_BENCH_SAMPLE:-0}
VM_TIMEOUT=${VM_TIMEOUT:-2400} "$ROOT/test/vm/run-group.sh" "$BENCHDIR" 2>&1 | tee "$OUT"
exit "${PIPESTATUS[0]}"
