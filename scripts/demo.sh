#!/usr/bin/env bash
# `make demo`: the simulated org and Chromium with Forcefield, inside a loopback-only namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
userns=()
[ "$(id -u)" -eq 0 ] || userns=(-r)
exec unshare "${userns[@]}" -n sh -c 'ip link set lo up && exec node tests/e2e/demo.mjs'
