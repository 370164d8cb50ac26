#!/usr/bin/env bash
# `make bench`: runs tests/e2e/bench.mjs inside a loopback-only network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
userns=()
[ "$(id -u)" -eq 0 ] || userns=(-r)
exec unshare "${userns[@]}" -n sh -c 'ip link set lo up && exec node tests/e2e/bench.mjs'
