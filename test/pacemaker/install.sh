#!/bin/bash
# Debian 12 packages the cluster tests need (idempotent; safe to run while others use apt).
#   test/unit/cluster     crm_verify, crm_simulate, cibadmin, crm_attribute  (pacemaker-cli-utils, pacemaker)
#   test/cluster          heartbeat 3.0.6
#   test/unit/cluster     crmsh (4 packages) and pcs (30 packages, pulls in ruby for pcsd; policy-rc.d keeps pcsd stopped)
#                         to check crm-configure.txt / pcs-commands.sh build the same CIB
#   test/pacemaker        pacemaker, corosync, resource-agents (ocf:heartbeat:Dummy, ocf:pacemaker:ping), iproute2, util-linux, iputils-ping
set -euo pipefail
PKGS=(pacemaker corosync pacemaker-cli-utils resource-agents libxml2-utils heartbeat crmsh pcs iproute2 util-linux iputils-ping)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "installing: ${missing[*]}"
	apt-get -o DPkg::Lock::Timeout=600 update
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
else
	echo "cluster test packages: all installed"
fi
