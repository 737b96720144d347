#!/bin/sh
# Runs INSIDE the VM (or a fresh netns on an IPVS host): every test of a group, one process each.
# Output of each test is printed (stderr merged); exit 1 if any test failed or a component is missing.
GROUP=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
NODE="$ROOT/node_modules/.bin/node"
# The emulated CPU has PKU; V8's JIT-page registry then can abort a process that compiles
# WebAssembly (type stripping, undici's llhttp): nodejs/node#64500. The product binary sets
# the same flag in its SEA config.
export NODE_FLAGS=--no-memory-protection-keys
# WebAssembly still crashes about 1 node process in 100 under TCG, with or without that flag
# (cores: "Check failed: it->second.Size() > offset" in Runtime_WasmTriggerTierUp's stack walk,
# or SIGSEGV executing zeroed wasm code pages; --no-wasm-tier-up does not help). Every process
# here runs it: Node strips the .ts sources with amaro (swc compiled to WebAssembly). So the
# stripped sources go to Node's compile cache first (compile-cache.mjs, retried if it crashes):
# on a cache hit Node loads no parser and runs no WebAssembly; starts are faster too.
# The product binary is bundled JavaScript and runs no WebAssembly by default.
export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-/tmp/lvsha-compile-cache}
fail=0
need() { command -v "$1" >/dev/null 2>&1 || { echo "MISSING: $1 — install it: $2"; fail=1; }; }
[ -x "$NODE" ] || { echo "MISSING: Node 24 at $NODE — run: npm ci"; fail=1; }
need ipvsadm 'apt-get install --no-install-recommends ipvsadm'
need ip 'apt-get install --no-install-recommends iproute2'
need busybox 'apt-get install --no-install-recommends busybox-static'
[ -e /proc/net/ip_vs ] || modprobe ip_vs 2>/dev/null || /.vm/bin/modprobe ip_vs 2>/dev/null
[ -e /proc/net/ip_vs ] || { echo "MISSING: kernel IPVS (/proc/net/ip_vs) — modprobe ip_vs"; fail=1; }
[ $fail = 0 ] || { echo "group-inner: FAIL (missing components)"; exit 1; }
export PATH="$ROOT/node_modules/.bin:$PATH"
for try in 1 2 3; do "$NODE" $NODE_FLAGS "$ROOT/test/vm/compile-cache.mjs" "$ROOT" && break; echo "group-inner: compile cache attempt $try failed (exit $?)"; done
export TAP_TIMEOUT=0   # the VM is slow and shared; VM_TIMEOUT bounds the run
passed=0; failed=0; failed_names=
for f in $(ls "$GROUP" | sort); do
  case $f in
    *.test.ts) cmd="$NODE $NODE_FLAGS $GROUP/$f";;
    *.test.sh) cmd="sh $GROUP/$f";;
    *) continue;;
  esac
  echo "=== $f"
  t0=$(date +%s)
  $cmd </dev/null 2>&1
  rc=$?
  if [ $rc = 0 ]; then passed=$((passed+1)); echo "--- $f: PASS ($(( $(date +%s) - t0 )) s)"
  else failed=$((failed+1)); failed_names="$failed_names $f"; echo "--- $f: FAIL (exit $rc, $(( $(date +%s) - t0 )) s)"; fi
done
if [ $((passed+failed)) = 0 ]; then echo "group-inner: FAIL: no tests in $GROUP"; exit 1; fi
echo "group-inner: $passed passed, $failed failed${failed_names:+:$failed_names}"
[ $failed = 0 ]
