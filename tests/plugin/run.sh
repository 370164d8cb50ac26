#!/usr/bin/env bash
# Runs the sf plugin's tests (tests/plugin/*.test.mjs by default) with the real Salesforce CLI:
# inside the loopback-only network namespace and a private mount namespace whose /etc/hosts
# names the simulated orgs' hosts, so the CLI resolves and reaches them as it would real orgs
# (salesforce.md §I.16: login resolves the instance's host name first).
set -euo pipefail
cd "$(dirname "$0")/../.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/plugin/*.test.mjs)
exec scripts/in-loopback-netns.sh scripts/with-org-hosts.sh node --test --test-concurrency=1 "${files[@]}"
