#!/bin/bash
# crm_resource --validate against ocf:<provider>:IPaddr2 inside namespace NS, in a private mount namespace
# where /usr/lib/ocf is rebuilt on a tmpfs: the host's lib/ and resource.d/heartbeat, plus lvsha's
# dist/resource.d/lvsha (and dist/lvsha, the target of its ../../lvsha symlinks); LVSHA_DIST overrides dist/.
# The host is not modified.
# usage: crm-validate.sh NS PROVIDER [--option k=v ...]
set -euo pipefail
ns=$1; provider=$2; shift 2
root=${LVSHA_DIST:-$(cd "$(dirname "$0")/../.." && pwd)/dist}
exec ip netns exec "$ns" unshare --mount --propagation private bash -c '
  set -e
  root=$1; provider=$2; shift 2
  orig=$(mktemp -d /tmp/lvsha-ip-ocf.XXXXXX)
  mount --bind /usr/lib/ocf "$orig"
  mount -t tmpfs lvsha-ip-ocf /usr/lib/ocf
  mkdir -p /usr/lib/ocf/lib /usr/lib/ocf/resource.d/heartbeat /usr/lib/ocf/resource.d/lvsha
  touch /usr/lib/ocf/lvsha
  mount --bind "$orig/lib" /usr/lib/ocf/lib
  mount --bind "$orig/resource.d/heartbeat" /usr/lib/ocf/resource.d/heartbeat
  mount --bind "$root/resource.d/lvsha" /usr/lib/ocf/resource.d/lvsha
  mount --bind "$root/lvsha" /usr/lib/ocf/lvsha
  rc=0
  crm_resource --validate --class ocf --provider "$provider" --agent IPaddr2 "$@" || rc=$?
  umount /usr/lib/ocf/lvsha /usr/lib/ocf/resource.d/lvsha /usr/lib/ocf/resource.d/heartbeat /usr/lib/ocf/lib /usr/lib/ocf "$orig" 2>/dev/null || true
  rmdir "$orig"
  exit $rc
' _ "$root" "$provider" "$@"
