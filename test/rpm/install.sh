#!/bin/bash
# Debian packages for the RPM group (scripts/rpm.sh and test/rpm/run.sh):
# rpm tools, rpmlint, man page tools. Idempotent; scripts/setup.sh runs it.
set -euo pipefail
PKGS=(rpm rpm2cpio rpmlint cpio binutils groff-base man-db libxml2-utils resource-agents iproute2 util-linux systemd)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "test/rpm/install.sh: run as root to apt-get install ${missing[*]}" >&2; exit 1; }
echo "[rpm] apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
