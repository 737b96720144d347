#!/bin/bash
# lvsha's whole test suite: `sudo npm test`. Installs what it needs (scripts/setup.sh),
# then runs every group against the real components and prints one line per group
# and a final `N passed, M failed`. Any failing group fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$(id -u)" = 0 ] || { echo "run-all: run as root (namespaces, netlink, qemu): sudo npm test" >&2; exit 1; }
bash scripts/setup.sh || { echo "run-all: setup failed" >&2; echo "0 passed, 1 failed"; exit 1; }

LOGS=$ROOT/test/.state/logs
mkdir -p "$LOGS"
# group name → command; each prints its own `N passed, M failed` as its last such line
GROUPS_LIST=(
  "typecheck|npx tsc -p ."                          # TypeScript 7, strict
  "unit|npx tap --disable-coverage"                 # pure logic + real crm_verify/crm_simulate/xmllint/perl, no root needed
  "ns|bash test/ns/run.sh"                          # IPaddr2 in namespaces: kernel, ARP/NA capture, ocf-tester, side by side
  "check|bash test/check/run.sh"                    # health checks against real servers from Debian packages
  "cluster|bash test/cluster/run.sh"                # heartbeat 3.0.6 membership from generated files, realserver
  "pacemaker|bash test/pacemaker/run.sh"            # corosync + pacemaker from generated files, cluster apply, failover
  "rpm|bash test/rpm/run.sh"                        # rpmbuild, rpmlint, unpacked agents under ocf-tester
  "vm-ipvs|bash test/vm/ipvs/run.sh"                # kernel IPVS (qemu VM when the host kernel has none)
  "vm-ipvs-sync|bash test/vm/ipvs-sync/run.sh"
  "vm-ldirectord|bash test/vm/ldirectord/run.sh"
  "vm-ldirectord-agent|bash test/vm/ldirectord-agent/run.sh"   # the OCF agent: SIGKILL under load, adoption, ocf-tester
  "vm-ldirectord-perl|bash test/vm/ldirectord-perl/run.sh"   # Perl ldirectord vs lvsha, same ipvsadm -Ln over the corpus
  "lab|bash test/lab/run.sh --stack lvsha --method nat,dr --scenarios nat:1,2,3,4,5,6,7/dr:1,2,3,7 --out test/.state/lab"   # issue 6 (DR: the forwarding-path scenarios)
)
[ -n "${LVSHA_TEST_GROUPS:-}" ] && { sel=(); for e in "${GROUPS_LIST[@]}"; do [[ " $LVSHA_TEST_GROUPS " == *" ${e%%|*} "* ]] && sel+=("$e"); done; GROUPS_LIST=("${sel[@]}"); }

total_pass=0; total_fail=0; summary=()
for entry in "${GROUPS_LIST[@]}"; do
  name=${entry%%|*}; cmd=${entry#*|}
  printf '\n===== %s: %s\n' "$name" "$cmd"
  t0=$(date +%s)
  bash -c "$cmd" 2>&1 | tee "$LOGS/$name.log"
  rc=${PIPESTATUS[0]}
  secs=$(( $(date +%s) - t0 ))
  # count from the group's own summary (tap prints "# { total: N, pass: P, fail: F }")
  p=0; f=0
  if line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$LOGS/$name.log" | tail -1); [ -n "$line" ]; then
    p=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  elif line=$(grep -E '^# \{ total: [0-9]+' "$LOGS/$name.log" | tail -1); [ -n "$line" ]; then
    p=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$line"); p=${p:-0}; f=${f:-0}
  else
    [ "$rc" = 0 ] && p=1 || f=1
  fi
  [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1   # a group that failed without counting still fails
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  summary+=("$(printf '%-19s rc=%-3s %5s passed %4s failed %5ss' "$name" "$rc" "$p" "$f" "$secs")")
done

printf '\n===== summary (logs in %s)\n' "$LOGS"
printf '%s\n' "${summary[@]}"
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
