#!/bin/bash
# Kernel IPVS tests (group test/vm/ipvs): one VM boot, or a fresh netns on a host with IPVS.
#   test/vm/ipvs/run.sh
# Exit status is non-zero if any test failed, a component is missing (with an install hint),
# or the VM failed.
exec "$(cd "$(dirname "$0")/.." && pwd)/run-group.sh" "$(cd "$(dirname "$0")" && pwd)"
