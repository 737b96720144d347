#!/bin/bash
# Health-check bench (root): lvsha vs keepalived vs Perl ldirectord on 100/1000/10000 HTTP reals.
# Env: LVSHA_BENCH_SIZES=100,1000,10000  LVSHA_BENCH_TOOLS=lvsha,keepalived,ldirectord (also: lvsha-undici)
#      LVSHA_BENCH_INTERVAL=10  LVSHA_BENCH_LDIRECTORD_MAX=100 (ldirectord start-up forks ipvsadm per real and takes ~1 s per real here; larger n is extrapolated from its steady-state per-check cost)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "bench/healthcheck/run.sh: run as root (network namespace, nginx, keepalived)" >&2; exit 1; }
for b in nginx keepalived gcc; do command -v "$b" >/dev/null || { echo "missing $b: bash test/check/install.sh (gcc: apt-get install gcc)" >&2; exit 1; }; done
[ -x /usr/sbin/ldirectord ] || { echo "missing ldirectord: bash test/check/install.sh" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
exec npx node bench/healthcheck/bench.ts
