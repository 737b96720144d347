#!/bin/bash
# Every benchmark, each comparing lvsha with the reference implementation in the same run
# and printing ratios. `sudo npm run bench`, or `sudo npm run bench -- agent-latency ipvs-apply`.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (namespaces, netlink, qemu): sudo npm run bench" >&2; exit 1; }
bash scripts/setup.sh || exit 1
mkdir -p bench/results
sel=("$@"); [ ${#sel[@]} -gt 0 ] || sel=($(for d in bench/*/run.sh; do basename "$(dirname "$d")"; done))
rc=0
for b in "${sel[@]}"; do
  [ -f "bench/$b/run.sh" ] || { echo "bench: no bench/$b/run.sh" >&2; rc=1; continue; }
  echo "===== bench $b"
  bash "bench/$b/run.sh" 2>&1 | tee "bench/results/$b.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
exit $rc
