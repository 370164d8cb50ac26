#!/usr/bin/env bash
# Builds the extension: Rust → wasm32 → wasm-bindgen (--target web) → wasm-opt → dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/forcefield.wasm

locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
cli=$(wasm-bindgen --version | awk '{ print $2 }')
if [ "$cli" != "$locked" ]; then
  echo "build: wasm-bindgen CLI is $cli but Cargo.lock pins $locked; run scripts/setup.sh build" >&2
  exit 1
fi

# One core module for a directory of pkg/: `module <out-dir> [cargo feature flags…]`.
module() {
  local out=$1
  shift
  cargo build --quiet --lib --release --target wasm32-unknown-unknown -p forcefield "$@"
  wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
  local before after gzipped
  before=$(stat -c %s "$out/forcefield_bg.wasm")
  # binaryen from npm (Debian's v108 miscompiles wasm-bindgen output). The features are the ones
  # rustc's wasm32 target enables by default.
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
    "$out/forcefield_bg.wasm" -o "$out/forcefield_bg.wasm"
  after=$(stat -c %s "$out/forcefield_bg.wasm")
  gzipped=$(gzip -9c "$out/forcefield_bg.wasm" | wc -c)
  echo "build: $out/forcefield_bg.wasm $before bytes from wasm-bindgen, $after after wasm-opt ($gzipped gzipped)"
}

rm -rf pkg
# The generator page loads the whole core; the background worker and the popup, which every
# Setup page and toolbar click wake, load the core without the generator's engine.
module pkg/generator
module pkg --no-default-features

cargo xtask dist
