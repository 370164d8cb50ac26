#!/usr/bin/env bash
# Runs the browser tests (all of tests/e2e by default) in a loopback-only network namespace,
# one file at a time: each starts its own org-sim on port 443.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.test.mjs)
exec scripts/in-loopback-netns.sh node --test --test-concurrency=1 "${files[@]}"
