#!/bin/bash
# Health-check tests: installs the Debian daemons (install.sh), then runs the unit tests of
# src/check and the integration tests against real servers on 127.0.0.1. Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
  echo "test/check/run.sh: must run as root (it starts slapd, dovecot, postgres… and they switch users)" >&2
  echo "0 passed, 1 failed"; exit 1
fi
bash test/check/install.sh || { echo "test/check/install.sh failed" >&2; echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp /tmp/lvsha-chk-run.XXXXXX)
trap 'rm -f "$log"' EXIT
passed=0; failed=0
for f in test/unit/check/*.test.ts test/check/*.test.ts; do
  echo "== $f"
  npx tap --reporter=tap --disable-coverage --allow-empty-coverage --timeout=300 "$f" >"$log" 2>&1
  rc=$?
  grep -E '^    (not )?ok ' "$log" | sed 's/^ */  /'
  summary=$(grep -E '^# \{ total: ' "$log" | tail -1)
  p=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); f_=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
  p=${p:-0}; f_=${f_:-0}
  if [ "$rc" != 0 ] && [ "$f_" = 0 ]; then f_=1; tail -30 "$log"; fi
  [ "$f_" != 0 ] && grep -E -A12 '^ +not ok' "$log" | head -80
  passed=$((passed + p)); failed=$((failed + f_))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
