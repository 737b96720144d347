#!/bin/sh
# The ldirectord group: every test/vm/ldirectord/*.test.sh in ONE boot of the IPVS VM
# (or in a fresh netns on a host kernel with IPVS), through the VM harness:
#   test/vm/ldirectord/run.sh            # all
#   sh test/vm/ldirectord/smoke.sh       # inside a VM/IPVS host only: quick check
# The Perl corpus comparison is its own group: test/vm/ldirectord-perl/run.sh.
HERE=$(cd "$(dirname "$0")" && pwd)
export VM_MEM=${VM_MEM:-3072} VM_SMP=${VM_SMP:-2} VM_TIMEOUT=${VM_TIMEOUT:-2700}
exec "$HERE/../run-group.sh" "$HERE"
