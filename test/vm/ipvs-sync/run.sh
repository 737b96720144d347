#!/bin/sh
# The ipvs-sync group: every test/vm/ipvs-sync/*.test.sh in ONE boot of the IPVS VM (or a fresh netns
# on a host kernel with IPVS). Needs the built agent (npm run build):
#   sh test/vm/ipvs-sync/run.sh
HERE=$(cd "$(dirname "$0")" && pwd)
export VM_TIMEOUT=${VM_TIMEOUT:-900}
exec "$HERE/../run-group.sh" "$HERE"
