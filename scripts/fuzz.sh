#!/usr/bin/env bash
# `make fuzz`: every cargo-fuzz target in fuzz/ for FUZZ_RUNS executions (default 10,000,000),
# one after another, starting from the seeds kept in fuzz/seeds/<target>/ plus what earlier runs
# found (fuzz/corpus/<target>/, not kept in git). Prints executions and findings per target and
# exits non-zero on any crash, hang or out-of-memory; findings are in fuzz/artifacts/<target>/.
# Needs a nightly toolchain (cargo-fuzz instruments with -Z flags stable Rust lacks); installs
# cargo-fuzz from crates.io when it is missing. FUZZ_TARGETS picks targets. No sanitizer: the
# core forbids unsafe code, so address checks add nothing but time; overflow checks stay on.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${FUZZ_RUNS:-10000000}
targets=${FUZZ_TARGETS:-xml_import page_snapshot protocol journal_resumed rest_answers}

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

report=$root/fuzz/artifacts/report.md
mkdir -p "$root/fuzz/artifacts"
{
  echo "| target | executions | seconds | exec/s | corpus | findings |"
  echo "|---|---|---|---|---|---|"
} > "$report"
failed=0
for target in $targets; do
  corpus=$root/fuzz/corpus/$target
  artifacts=$root/fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  log=$artifacts/run.log
  echo "fuzz: $target, $runs executions (log: $log)"
  started=$(date +%s)
  (cd fuzz && cargo +nightly fuzz run -O -a --sanitizer none "$target" "$corpus" "$root/fuzz/seeds/$target" -- \
    -runs="$runs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) > "$log" 2>&1
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
  echo "| $target | ${execs:-?} | $seconds | ${per_second:-?} | $files | $findings |" >> "$report"
done
cat "$report"
exit "$failed"
