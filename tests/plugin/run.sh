#!/usr/bin/env bash
# Runs the sf plugin's tests (tests/plugin/*.test.mjs by default) with the real Salesforce CLI.
# The plugin is linked once into a template HOME, which every file copies; then the files run
# side by side, each inside its own loopback-only network namespace (its own org-sim on port 443)
# and private mount namespace whose /etc/hosts names the simulated orgs' hosts, so the CLI resolves
# and reaches them as it would real orgs (salesforce.md §I.16: login resolves the instance's host
# name first). Each file's output is printed whole once it ends; the run fails if any file fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/plugin/*.test.mjs)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/home"
scripts/in-loopback-netns.sh node tests/plugin/harness.mjs link "$work/home"
pids=()
for i in "${!files[@]}"; do
  FORCEFIELD_SF_HOME="$work/home" scripts/in-loopback-netns.sh scripts/with-org-hosts.sh \
    node --test "${files[$i]}" > "$work/$i.log" 2>&1 &
  pids+=($!)
done
failed=()
for i in "${!files[@]}"; do
  if ! wait "${pids[$i]}"; then failed+=("${files[$i]}"); fi
done
for i in "${!files[@]}"; do
  echo "=== ${files[$i]}"
  cat "$work/$i.log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#files[@]} plugin test files passed"
