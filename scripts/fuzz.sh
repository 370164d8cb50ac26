#!/usr/bin/env bash
# `make fuzz`: every cargo-fuzz target in fuzz/ for FUZZ_RUNS executions (default 10,000,000),
# one after another, starting from the seeds kept in fuzz/seeds/<target>/, the inputs kept from
# earlier runs (fuzz/found/<target>/, in git) and what earlier runs on this machine found
# (fuzz/corpus/<target>/, not in git). With FUZZ_KEEP=1, what a target's run reached that the
# seeds and kept inputs do not (new code edges, smallest inputs first) is added to
# fuzz/found/<target>/, which `make test` replays on stable. Prints executions and findings per target and
# exits non-zero on any crash, hang or out-of-memory; findings are in fuzz/artifacts/<target>/.
# Needs a nightly toolchain (cargo-fuzz instruments with -Z flags stable Rust lacks); installs
# cargo-fuzz from crates.io when it is missing. FUZZ_TARGETS picks targets. FUZZ_SECONDS, when
# set, also stops each target after that many seconds; the table then shows how many executions it
# reached, and a target stopped short of FUZZ_RUNS is marked "short" (not a finding). Each target's
# row is also kept in fuzz/artifacts/<target>/result.md, so two runs of disjoint FUZZ_TARGETS can
# share a machine. No sanitizer: the core forbids unsafe code, so address checks add nothing but
# time; overflow checks stay on.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${FUZZ_RUNS:-10000000}
seconds_limit=${FUZZ_SECONDS:-0}
targets=${FUZZ_TARGETS:-xml_import page_snapshot protocol soap_answers rest_answers journal_resumed}

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: no nightly Rust toolchain here (\`rustup toolchain list\` shows none)." >&2
  echo "fuzz: cargo-fuzz needs one: \`rustup toolchain install nightly\`, then run make fuzz again." >&2
  echo "fuzz: (the same targets run as bounded property tests on stable: cargo test --test fuzz_properties)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz from crates.io"
  cargo install --locked cargo-fuzz || exit 1
fi
(cd fuzz && cargo +nightly fuzz build -O -a --sanitizer none) || exit 1

mkdir -p "$root/fuzz/artifacts"

# Adds to fuzz/found/<target>/ the inputs of fuzz/corpus/<target>/ that reach code edges the seeds
# and the inputs already kept do not (libFuzzer's merge, edges only, smallest first), up to 2 KB
# each so that the kept corpus stays small.
keep_inputs() {
  local target=$1 merged
  merged=$(mktemp -d)
  cp "$root/fuzz/seeds/$target"/* "$merged"/
  cp -r "$root/fuzz/found/$target"/. "$merged"/
  "$root/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release/$target" -merge=1 -use_counters=0 \
    -use_value_profile=0 "$merged" "$root/fuzz/corpus/$target" > "$root/fuzz/artifacts/$target/keep.log" 2>&1
  for file in "$merged"/*; do
    name=$(basename "$file")
    if [ ! -e "$root/fuzz/seeds/$target/$name" ] && [ "$(stat -c %s "$file")" -le 2048 ]; then
      cp "$file" "$root/fuzz/found/$target/$name"
    fi
  done
  rm -rf "$merged"
  echo "fuzz: $target: $(find "$root/fuzz/found/$target" -type f | wc -l) inputs kept in fuzz/found/$target"
}

failed=0
for target in $targets; do
  corpus=$root/fuzz/corpus/$target
  artifacts=$root/fuzz/artifacts/$target
  found=$root/fuzz/found/$target
  mkdir -p "$corpus" "$artifacts" "$found"
  log=$artifacts/run.log
  echo "fuzz: $target, $runs executions (log: $log)"
  started=$(date +%s)
  (cd fuzz && cargo +nightly fuzz run -O -a --sanitizer none "$target" "$corpus" "$root/fuzz/seeds/$target" "$found" -- \
    -runs="$runs" -max_total_time="$seconds_limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) > "$log" 2>&1
  status=$?
  seconds=$(( $(date +%s) - started ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{ print $2 }' | tail -1)
  per_second=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{ print $2 }' | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  findings=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
    failed=1
    echo "fuzz: $target FAILED (exit $status); see $log and $artifacts" >&2
  fi
  reached=full
  if [ "${execs:-0}" -lt "$runs" ]; then
    reached=short
  fi
  echo "| $target | ${execs:-?} | $reached | $seconds | ${per_second:-?} | $files | $findings |" > "$artifacts/result.md"
  if [ "${FUZZ_KEEP:-0}" = 1 ] && [ "$findings" -eq 0 ]; then
    keep_inputs "$target"
  fi
done
echo "| target | executions | of $runs | seconds | exec/s | corpus | findings |"
echo "|---|---|---|---|---|---|---|"
for target in $targets; do
  cat "$root/fuzz/artifacts/$target/result.md"
done
exit "$failed"
