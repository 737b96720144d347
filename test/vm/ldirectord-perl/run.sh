#!/bin/sh
# Perl ldirectord vs lvsha over the corpus test/fixtures/ldirectord/*.cf in ONE boot of the IPVS VM:
# both daemons must reach the same `ipvsadm -Ln` table after the first check pass and after a real fails
# (27 configs at once, every protocol served; see 40-perl-corpus.test.sh). Part of `npm test` as the
# group vm-ldirectord-perl: 4-5 minutes under TCG emulation (245-315 s per run: Perl phase 130-170 s,
# lvsha phase 65-95 s, the rest VM boot and set-up). Needs ldirectord, libnet-inet6glue-perl,
# libdbd-mysql-perl and libdbd-pg-perl (scripts/setup.sh installs them).
HERE=$(cd "$(dirname "$0")" && pwd)
export VM_MEM=${VM_MEM:-3072} VM_SMP=${VM_SMP:-2} VM_TIMEOUT=${VM_TIMEOUT:-2700}
exec "$HERE/../run-group.sh" "$HERE"
