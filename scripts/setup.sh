#!/usr/bin/env bash
# Installs what this machine lacks for building and testing Forcefield, and nothing else.
# Idempotent: a second run only checks. Usage: scripts/setup.sh [build|test]
#   build: the wasm32 target, the pinned wasm-bindgen-cli, npm packages (binaryen's wasm-opt)
#   test:  build's set plus Chromium + ChromeDriver, Firefox ESR + geckodriver
set -euo pipefail
cd "$(dirname "$0")/.."
need=${1:-test}
say() { printf 'setup: %s\n' "$*"; }

apt_packages=()
if [ "$need" = test ]; then
  command -v chromium >/dev/null || apt_packages+=(chromium)
  command -v chromedriver >/dev/null || apt_packages+=(chromium-driver)
  command -v firefox-esr >/dev/null || apt_packages+=(firefox-esr)
  command -v unshare >/dev/null || apt_packages+=(util-linux)
  command -v ip >/dev/null || apt_packages+=(iproute2)
fi
command -v node >/dev/null || apt_packages+=(nodejs npm)
if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages; run: sudo apt-get update && sudo apt-get install -y ${apt_packages[*]}"
    exit 1
  fi
  say "installing ${apt_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

# wasm-bindgen's CLI must be exactly the version Cargo.lock resolved (its output format changes
# between versions). Reading the lock needs it to exist: `cargo metadata` writes it.
[ -f Cargo.lock ] || cargo metadata --format-version 1 >/dev/null
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
installed=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$installed" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (found: ${installed:-none})"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if [ "$need" = test ] && ! command -v geckodriver >/dev/null; then
  say "installing geckodriver"
  cargo install geckodriver --locked
fi

# npm packages from the lockfile; reinstall only when the lockfile changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi
