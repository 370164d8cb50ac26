# Forcefield. The two commands: `make demo` and `make test`; each installs what is missing first.
.PHONY: build test test-rust test-node test-e2e test-plugin demo lint fmt bench fuzz setup clean
.DEFAULT_GOAL := build

setup:
	scripts/setup.sh test

build:
	scripts/setup.sh build
	scripts/build.sh

# Everything: native Rust tests (core, packaging, simulated org), the core in plain Node, the
# Firefox package lint, the browser tests in Chromium and Firefox against the simulated org, and
# the sf plugin through the real Salesforce CLI.
test: setup
	scripts/build.sh
	$(MAKE) --no-print-directory test-rust test-node test-e2e test-plugin

# Both feature sets: the whole core, and the worker's core without the generator's engine.
test-rust:
	cargo test --workspace
	cargo test -p forcefield --no-default-features

# The built core loaded in plain Node with in-memory host functions, as the sf plugin runs it.
test-node:
	node --test tests/node/

# Browser tests (Chromium, Firefox) and the jsforce client against the simulated org, then the
# generator's XML export through Salesforce's own source-deploy-retrieve library: all in a
# loopback-only network namespace.
test-e2e:
	cargo build --quiet -p org-sim
	node_modules/.bin/web-ext lint --source-dir dist/firefox --warnings-as-errors
	tests/e2e/run.sh tests/e2e/*.test.mjs tests/org_sim/jsforce/*.test.mjs
	scripts/in-loopback-netns.sh node --test tests/metadata/

# The sf plugin (plugin/) through the real Salesforce CLI (npm @salesforce/cli) against the
# simulated org: loopback-only namespace, the org's host names in a private /etc/hosts.
test-plugin:
	cargo build --quiet -p org-sim
	tests/plugin/run.sh

demo: setup
	scripts/build.sh
	cargo build --quiet -p org-sim
	scripts/in-loopback-netns.sh node tests/e2e/demo.mjs

# Figures side by side with their baselines, as one Markdown table (never asserted in tests).
bench: setup
	scripts/build.sh
	cargo build --quiet -p org-sim
	cargo build --quiet --release -p forcefield --example generator_bench --example fault_schedules
	cargo build --quiet --release -p forcefield --example record_types_bench
	cargo build --quiet --release -p forcefield --example access_bench
	scripts/in-loopback-netns.sh scripts/with-org-hosts.sh node tests/e2e/bench.mjs
	scripts/size-report.sh

# The generator's fault schedules at length: 100,000 seeded schedules against the simulated org
# (`make test` runs 2,000); prints the count and every violation with the seed that replays it.
soak:
	cargo run --quiet --release -p forcefield --example fault_schedules -- 100000

# cargo-fuzz on every fuzz target, FUZZ_RUNS executions each (default 10⁷): needs a nightly
# toolchain and says so when there is none. Slow (hours on two cores); not part of `make test`,
# which runs the same targets as bounded property tests (tests/fuzz_properties.rs).
fuzz:
	scripts/fuzz.sh

lint:
	scripts/setup.sh build
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p forcefield --all-targets --no-default-features -- -D warnings
	cargo clippy -p forcefield --lib --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p forcefield --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
	scripts/build.sh
	node_modules/.bin/web-ext lint --source-dir dist/firefox --warnings-as-errors

fmt:
	cargo fmt --all

clean:
	rm -rf pkg dist tests/e2e/artifacts plugin/lib plugin/core
	cargo clean
