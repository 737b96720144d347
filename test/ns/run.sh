#!/bin/bash
# ocf:lvsha:IPaddr2 namespace tests: agent behaviour on the real kernel, side by side with
# ocf:heartbeat:IPaddr2, ocf-tester and crm_resource against the built binary.
# Needs root, iproute2, tcpdump, resource-agents, pacemaker-cli-utils, libxml2-utils, iputils-arping.
# Builds dist/lvsha if missing. Prints "N passed, M failed" (assertions) and exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "test/ns/run.sh: must run as root (network namespaces)" >&2; exit 2; }
missing=()
for b in ip:iproute2 tcpdump:tcpdump ocf-tester:resource-agents crm_resource:pacemaker-cli-utils xmllint:libxml2-utils arping:iputils-arping unshare:util-linux; do
  command -v "${b%%:*}" >/dev/null || missing+=("${b#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test/ns/run.sh: missing tools; install with: apt-get install -y ${missing[*]}" >&2
  echo "0 passed, 1 failed"; exit 1
fi
if [ ! -x dist/lvsha ] || [ ! -e dist/resource.d/lvsha/IPaddr2 ]; then
  echo "building dist/lvsha ..."
  { npm run bundle && npm run sea; } >/dev/null 2>&1 || { echo "build failed: run npm run build" >&2; echo "0 passed, 1 failed"; exit 1; }
fi
# Test a private snapshot of the built binary: others may rebuild dist/ while the tests run.
snap=$(mktemp -d /tmp/lvsha-ip-dist.XXXXXX)
chmod 755 "$snap"   # ocf-tester runs meta-data as nobody
mkdir -p "$snap/resource.d/lvsha"
cp dist/lvsha "$snap/lvsha"
ln -s ../../lvsha "$snap/resource.d/lvsha/IPaddr2"
export LVSHA_DIST=$snap LVSHA_IPADDR2=$snap/resource.d/lvsha/IPaddr2
trap 'rm -rf "$snap"' EXIT
# leftovers of an interrupted run (this group's prefix only)
for ns in $(ip netns list | awk '{print $1}' | grep '^lvsha-ip-' || true); do ip netns del "$ns" 2>/dev/null || true; done

files=(test/ns/agent.test.ts test/ns/tools.test.ts test/ns/compare.test.ts)
[ $# -gt 0 ] && files=("$@")
log=$(mktemp /tmp/lvsha-ip-ns.XXXXXX)
npx tap --disable-coverage --timeout 1200 --reporter=tap "${files[@]}" 2>&1 | tee "$log" | grep -E '^(not )?ok |^ +# \| |^# ' || true
# tap's summary line: "# { total: T, pass: P[, fail: F ...] }" (assertions)
summary=$(grep -E '^# \{ total: ' "$log" | tail -1)
total=$(sed -nE 's/.*total: ([0-9]+).*/\1/p' <<<"$summary"); total=${total:-0}
pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); pass=${pass:-0}
fail=$((total - pass))
# a file that crashed before any assertion shows up only as "not ok N - file"
grep -qE '^not ok [0-9]+ - ' "$log" && [ "$fail" = 0 ] && fail=1
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
