#!/usr/bin/env bash
# Runs the sf plugin's tests (tests/plugin/*.test.mjs by default) with the real Salesforce CLI:
# inside the loopback-only network namespace and a private mount namespace whose /etc/hosts
# names the simulated orgs' hosts, so the CLI resolves and reaches them as it would real orgs
# (salesforce.md §I.16: login resolves the instance's host name first).
set -euo pipefail
cd "$(dirname "$0")/../.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/plugin/*.test.mjs)
if [ "${FORCEFIELD_ORG_HOSTS:-}" != mounted ]; then
  exec scripts/in-loopback-netns.sh unshare -m env FORCEFIELD_ORG_HOSTS=mounted "$0" "${files[@]}"
fi
hosts=$(mktemp)
trap 'rm -f "$hosts"' EXIT
{
  echo '127.0.0.1 localhost'
  echo '::1 localhost'
  for org in acme acme--uat.sandbox; do
    echo "127.0.0.1 $org.my.salesforce.com $org.lightning.force.com $org.my.salesforce-setup.com"
  done
} > "$hosts"
mount --bind "$hosts" /etc/hosts
node --test --test-concurrency=1 "${files[@]}"
