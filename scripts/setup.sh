#!/bin/bash
# Idempotent: installs every Debian package and npm module lvsha's build, demo and
# tests need, then builds dist/lvsha if the sources changed. Needs root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { echo "setup: run as root (apt-get, namespaces): sudo $0" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "setup: needs a Debian/Ubuntu host with apt-get" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d keeps every daemon we install (corosync, pacemaker, ldirectord, keepalived, the check
# servers) from starting as a system service: the tests start their own, on their own addresses
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

# Everything the build, the agents' tests and the reference implementations need.
PKGS=(
  gcc libc6-dev make xz-utils cpio                   # native helper, VM kernel extraction
  iproute2 util-linux iputils-ping iputils-arping tcpdump libxml2-utils procps psmisc
  pacemaker corosync pacemaker-cli-utils resource-agents heartbeat   # cluster stack + ocf-tester + reference IPaddr2
  ipvsadm ldirectord keepalived                      # reference LVS implementations
  libnet-inet6glue-perl libdbd-mysql-perl libdbd-pg-perl   # Perl ldirectord's IPv6 HTTP and SQL checks (not its Depends)
  qemu-system-x86 busybox-static                     # kernel IPVS in a VM when the host kernel has none
  hyperfine                                          # benches
)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Groups with their own extra packages (real servers for the health checks, …)
for extra in test/*/install.sh; do [ -f "$extra" ] && bash "$extra"; done

command -v npm >/dev/null || { echo "setup: npm missing: apt-get install npm (any Node ≥ 18; Node 24 comes from npm)" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

newest_src=$(find src agents native scripts package.json -type f -newer dist/lvsha 2>/dev/null | head -1 || true)
if [ ! -x dist/lvsha ] || [ -n "$newest_src" ]; then
  log "npm run build"
  npm run --silent build
fi
