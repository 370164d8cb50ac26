#!/usr/bin/env bash
# Runs the browser tests inside a loopback-only network namespace: nothing they start can reach
# any address but 127.0.0.0/8, and the simulated org can serve the real Salesforce port 443.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.test.mjs)
if [ "$(id -u)" -ne 0 ] && ! unshare -rn true 2>/dev/null; then
  echo "e2e: needs root or unprivileged user namespaces for 'unshare -n'" >&2
  exit 1
fi
userns=()
[ "$(id -u)" -eq 0 ] || userns=(-r)
# One test file at a time: each starts its own org-sim on port 443.
exec unshare "${userns[@]}" -n sh -c 'ip link set lo up && exec node --test --test-concurrency=1 "$@"' e2e "${files[@]}"
