#!/bin/bash
# Usage: test/vm/vm-run.sh 'COMMAND'   — runs COMMAND as root (/bin/sh) inside a throw-away
# qemu VM booting Debian's kernel (which has IPVS). Prints COMMAND's stdout, then its stderr,
# exits with its exit code; 124 = timeout, 125 = the VM failed (console tail printed).
# The host root is the VM's root (read-only 9p + tmpfs overlay); $SCRATCH is writable
# on the host. Env: VM_RW="DIR…" (mount read-write), VM_SCRATCH=DIR (keep scratch),
# VM_ENV="VAR…" (pass through), VM_MODULES, VM_MEM (MiB, 1024), VM_SMP (1),
# VM_TIMEOUT (s, 600), VM_ACCEL (tcg|kvm), VM_KEEP=1, VM_DEBUG=1, VM_TIMING=1.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 'COMMAND'" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${VM_STATE:-$(cd "$HERE/../.." && pwd)/test/.state/vm}
export VM_STATE=$STATE
if [ ! -s "$STATE/vmlinux" ] || [ ! -s "$STATE/initramfs.cpio.gz" ] || [ ! -f "$STATE/kver" ] \
   || [ "$HERE/init" -nt "$STATE/initramfs.cpio.gz" ] || [ "$HERE/stage2" -nt "$STATE/initramfs.cpio.gz" ] \
   || ! command -v qemu-system-x86_64 >/dev/null; then
  "$HERE/setup.sh" >/dev/null || { echo "vm-run: setup failed (needs root + apt: qemu-system-x86 busybox-static ipvsadm cpio, linux-image-amd64)" >&2; exit 125; }
fi
T0=$(date +%s.%N)
mkdir -p "$STATE/runs"
RUN=$(mktemp -d "$STATE/runs/run.XXXXXX")
cleanup() { [ "${VM_KEEP:-0}" = 1 ] || rm -rf "$RUN"; [ -n "${SCR_TMP:-}" ] && rm -rf "$SCR_TMP"; }
trap cleanup EXIT
printf '%s\n' "$1" > "$RUN/cmd"
pwd > "$RUN/cwd"
echo "$STATE/kroot" > "$RUN/kroot"
echo "${VM_MODULES-ip_vs ip_vs_rr ip_vs_wrr ip_vs_wlc ip_vs_sh nf_conntrack veth}" > "$RUN/modules"
if [ -n "${VM_SCRATCH:-}" ]; then mkdir -p "$VM_SCRATCH"; SCRATCH=$(cd "$VM_SCRATCH" && pwd); SCR_TMP=
else SCRATCH=$(mktemp -d "$STATE/runs/scratch.XXXXXX"); SCR_TMP=$SCRATCH; fi
{ printf 'export SCRATCH=%q\n' "$SCRATCH"
  for v in ${VM_ENV:-}; do [ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"; done
} > "$RUN/env"
VIRTFS=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
        -virtfs "local,path=$RUN,mount_tag=vmrun,security_model=none,multidevs=remap")
: > "$RUN/mounts"; i=0
for d in "$SCRATCH" ${VM_RW:-}; do
  d=$(cd "$d" && pwd) || { echo "vm-run: VM_RW dir $d missing" >&2; exit 125; }
  VIRTFS+=(-virtfs "local,path=$d,mount_tag=rw$i,security_model=none,multidevs=remap")
  echo "rw$i $d" >> "$RUN/mounts"; i=$((i+1))
done
ACCEL=${VM_ACCEL:-tcg}
[ "$ACCEL" = tcg ] && ACCEL_OPT="tcg,thread=multi,tb-size=256" || ACCEL_OPT=$ACCEL
timeout --foreground -k 5 "${VM_TIMEOUT:-600}" qemu-system-x86_64 -accel "$ACCEL_OPT" -cpu max \
  -m "${VM_MEM:-1024}" -smp "${VM_SMP:-1}" -nodefaults -no-user-config -display none -nic none -no-reboot \
  -serial "file:$RUN/console" -kernel "$STATE/vmlinux" -initrd "$STATE/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet panic=-1 mitigations=off cryptomgr.notests tsc=reliable no_timer_check i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd vm.run=$RUN" \
  "${VIRTFS[@]}" </dev/null >"$RUN/qemu.log" 2>&1 &
# in the background so that Ctrl-C / TERM of this script stops the VM too (never leave a qemu behind)
QPID=$!
trap 'kill -TERM "$QPID" 2>/dev/null' INT TERM
wait "$QPID"; QRC=$?
while kill -0 "$QPID" 2>/dev/null; do wait "$QPID"; QRC=$?; done
trap - INT TERM
[ -f "$RUN/stdout" ] && cat "$RUN/stdout"
[ -f "$RUN/stderr" ] && cat "$RUN/stderr" >&2
[ -s "$RUN/stderr.vm" ] && sed 's/^/vm: /' "$RUN/stderr.vm" >&2
[ "${VM_DEBUG:-0}" = 1 ] && { cat "$RUN/console" "$RUN/qemu.log" >&2; }
if [ "${VM_TIMING:-0}" = 1 ]; then echo "vm-run: wall $(echo "$(date +%s.%N) - $T0" | bc 2>/dev/null || true) s" >&2; fi
if [ -f "$RUN/rc" ]; then exit "$(cat "$RUN/rc")"; fi
if [ $QRC = 124 ] || [ $QRC = 137 ]; then echo "vm-run: timeout after ${VM_TIMEOUT:-600}s" >&2; exit 124; fi
echo "vm-run: VM failed (qemu rc $QRC, booted=$([ -f "$RUN/booted" ] && echo yes || echo no)); console tail:" >&2
tail -n 30 "$RUN/console" "$RUN/qemu.log" >&2 2>/dev/null
exit 125
