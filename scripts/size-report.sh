#!/usr/bin/env bash
# The worker's core, item by item: the 20 largest functions and data of the module the background
# worker and popup load (the core without the generator's engine), by twiggy, before wasm-opt
# strips the names. For `make bench`; what to cut when the module grows past its target.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v twiggy >/dev/null || cargo install twiggy --locked --version 0.8.0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --quiet --lib --release --target wasm32-unknown-unknown -p forcefield --no-default-features
wasm-bindgen --target web --no-typescript --out-dir "$out" "${CARGO_TARGET_DIR:-target}"/wasm32-unknown-unknown/release/forcefield.wasm
echo
echo "The worker's core before wasm-opt (names kept), its 20 largest items (twiggy top):"
echo
echo '```'
twiggy top -n 20 "$out/forcefield_bg.wasm"
echo '```'
