#!/bin/bash
# Installs the Debian packages the health-check integration tests and bench need.
# Idempotent: only missing packages are installed. Services are never enabled:
# the tests start each daemon themselves on loopback with configs in a temp dir.
set -euo pipefail
PKGS=(
  nginx-light        # http / https / http_proxy
  dnsmasq-base       # dns (binary only, no service)
  opensmtpd          # smtp / submission
  dovecot-imapd dovecot-pop3d  # imap(s) / pop(s)
  vsftpd             # ftp
  slapd ldap-utils   # ldap / ldaps
  mariadb-server     # mysql
  postgresql         # pgsql
  freeradius         # radius
  kamailio           # sip
  iputils-ping       # ping check fallback (no raw sockets in Node)
  openssl            # self-signed certs for the TLS services
  keepalived ldirectord  # bench references
  libwww-perl liblwp-protocol-https-perl  # ldirectord http check modules
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq || true
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi
