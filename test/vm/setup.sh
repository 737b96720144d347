#!/bin/bash
# Prepares everything test/vm/vm-run.sh needs (idempotent): host packages, Debian's
# kernel package extracted to $VM_STATE/kroot, an uncompressed vmlinux (PVH boot) and
# an initramfs that mounts the host root over 9p. Cache: test/.state/vm/ (git-ignored).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${VM_STATE:-$(cd "$HERE/../.." && pwd)/test/.state/vm}
mkdir -p "$STATE"
log() { echo "vm-setup: $*" >&2; }

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx depmod || need+=(busybox-static)
command -v ipvsadm >/dev/null || need+=(ipvsadm)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "missing ${need[*]}; run as root or: apt-get install --no-install-recommends ${need[*]}"; exit 1; }
  log "installing ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
    apt-get -o DPkg::Lock::Timeout=600 update >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi
case "$(file -b /bin/busybox 2>/dev/null || echo static)" in
  *dynamically*) log "/bin/busybox is not static: apt-get install busybox-static"; exit 1;;
esac

# 1. kernel package
if [ ! -f "$STATE/kver" ] || [ ! -d "$STATE/kroot/lib/modules/$(cat "$STATE/kver")" ]; then
  KPKG=${KPKG:-$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)}
  if [ -z "$KPKG" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update >/dev/null
    KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
  fi
  [ -n "$KPKG" ] || { log "cannot resolve linux-image-amd64 (apt sources?)"; exit 1; }
  log "downloading $KPKG"
  (cd "$STATE" && rm -f linux-image-*.deb && apt-get download "$KPKG" >/dev/null)
  rm -rf "$STATE/kroot"; mkdir -p "$STATE/kroot"
  dpkg -x "$STATE"/linux-image-*.deb "$STATE/kroot"
  KVER=$(ls "$STATE/kroot/lib/modules" | head -1)
  /bin/busybox depmod -b "$STATE/kroot" "$KVER"
  echo "$KVER" > "$STATE/kver"
  rm -f "$STATE/vmlinux" "$STATE/initramfs.cpio.gz" "$STATE"/linux-image-*.deb
fi
KVER=$(cat "$STATE/kver")
KROOT=$STATE/kroot
MODDIR=$KROOT/lib/modules/$KVER

# 2. uncompressed vmlinux (qemu boots its PVH entry; skips the in-guest xz step)
if [ ! -s "$STATE/vmlinux" ]; then
  log "extracting vmlinux"
  BZ=$KROOT/boot/vmlinuz-$KVER
  OFF=$(grep -abo $'\xfd7zXZ\x00' "$BZ" | head -1 | cut -d: -f1)
  [ -n "$OFF" ] || { log "no xz stream in $BZ"; exit 1; }
  tail -c +$((OFF + 1)) "$BZ" | xz -dc 2>/dev/null > "$STATE/vmlinux.tmp" || true
  head -c 4 "$STATE/vmlinux.tmp" | grep -q ELF || { log "vmlinux extraction failed"; exit 1; }
  mv "$STATE/vmlinux.tmp" "$STATE/vmlinux"
fi

# 3. initramfs: busybox, init, stage2, virtio/9p/overlay modules in dependency order
if [ ! -s "$STATE/initramfs.cpio.gz" ] || [ "$HERE/init" -nt "$STATE/initramfs.cpio.gz" ] || [ "$HERE/stage2" -nt "$STATE/initramfs.cpio.gz" ]; then
  log "building initramfs"
  T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
  mkdir -p "$T"/{bin,mods,proc,sys,dev,lower,ovl,newroot}
  cp /bin/busybox "$T/bin/busybox"
  cp "$HERE/init" "$T/init"; cp "$HERE/stage2" "$T/stage2"; chmod +x "$T/init" "$T/stage2"
  declare -A seen=(); order=()
  add() { # depth-first: dependencies first
    local rel=$1 dep
    [ -n "${seen[$rel]:-}" ] && return; seen[$rel]=1
    for dep in $(grep "^$rel:" "$MODDIR/modules.dep" | cut -d: -f2); do add "$dep"; done
    order+=("$rel")
  }
  for m in virtio_pci 9pnet_virtio 9p overlay; do
    rel=$(grep -E "/$m\.ko(\.xz|\.zst)?:" "$MODDIR/modules.dep" | cut -d: -f1 | head -1)
    if [ -z "$rel" ]; then grep -qE "/$m\.ko" "$MODDIR/modules.builtin" || { log "module $m not found"; exit 1; }; continue; fi
    add "$rel"
  done
  : > "$T/modules.list"
  for rel in "${order[@]}"; do b=$(basename "$rel"); cp "$MODDIR/$rel" "$T/mods/$b"; echo "$b" >> "$T/modules.list"; done
  (cd "$T" && find . | cpio -o -H newc --quiet | gzip -1) > "$STATE/initramfs.cpio.gz"
fi
echo "$STATE"
