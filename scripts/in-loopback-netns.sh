#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that has only loopback: nothing it starts can
# reach any address but 127.0.0.0/8, and the simulated org can serve Salesforce's real port 443.
# Every browser run (tests, demo, bench) goes through here.
set -euo pipefail
userns=()
if [ "$(id -u)" -ne 0 ]; then
  unshare -rn true 2>/dev/null || { echo "needs root or unprivileged user namespaces for 'unshare -n'" >&2; exit 1; }
  userns=(-r)
fi
exec unshare "${userns[@]}" -n sh -c 'ip link set lo up && exec "$@"' loopback-netns "$@"
