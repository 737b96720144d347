#!/bin/sh
# ocf:lvsha:ldirectord in the IPVS VM: SIGKILL of the daemon under client load loses no request, a restarted
# agent adopts the table without flapping weights, the agent's exit codes, and ocf-tester with zero errors.
# Part of `npm test` (test/run-all.sh, group vm-ldirectord-agent).
HERE=$(cd "$(dirname "$0")" && pwd)
export VM_MEM=${VM_MEM:-2048} VM_SMP=${VM_SMP:-2} VM_TIMEOUT=${VM_TIMEOUT:-1500}
exec "$HERE/../run-group.sh" "$HERE"
