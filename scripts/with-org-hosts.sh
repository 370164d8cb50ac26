#!/usr/bin/env bash
# Runs a command in a private mount namespace whose /etc/hosts names the simulated orgs' hosts
# (127.0.0.1), so programs that resolve names the ordinary way (the Salesforce CLI, Node) reach
# org-sim under the real Salesforce host names. Meant to run inside scripts/in-loopback-netns.sh.
set -euo pipefail
if [ "${FORCEFIELD_ORG_HOSTS:-}" != mounted ]; then
  exec unshare -m env FORCEFIELD_ORG_HOSTS=mounted "$0" "$@"
fi
hosts=$(mktemp)
trap 'rm -f "$hosts"' EXIT
{
  echo '127.0.0.1 localhost'
  echo '::1 localhost'
  for org in acme acme--uat.sandbox; do
    echo "127.0.0.1 $org.my.salesforce.com $org.lightning.force.com $org.my.salesforce-setup.com"
  done
  # Where the simulated org's `redirect` faults send clients (tests/org_sim/src/tls.rs).
  echo '127.0.0.1 collector.attacker.example'
} > "$hosts"
mount --bind "$hosts" /etc/hosts
"$@"
