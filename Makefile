# EnergiTech Cockpit -- developer and CI entry points. `make test` is what CI runs.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
.NOTPARALLEL:

# Tools installed by scripts/setup.sh under .tools/ (nothing is installed into your shell profile).
export COCKPIT_ORT_LIB := $(CURDIR)/.tools/onnxruntime/lib/libonnxruntime.so.1.31.1
# rustup's ~/.cargo/bin goes last, for shells (CI, sudo) that never sourced ~/.cargo/env.
export PATH := $(CURDIR)/.tools/bin:$(CURDIR)/.tools/venv/bin:$(PATH):$(HOME)/.cargo/bin

.PHONY: setup build run lint test bench clean-tools

# Install or check apt packages, Rust components, ONNX Runtime, tauri-driver, tools venv, ui/ deps.
# Always runs: every step checks first, so a warm run takes well under a second.
setup:
	@bash scripts/setup.sh

# Release build of the command line (target/release/cockpit).
build:
	cargo build --release -p cockpit-cli

# Simulate the demo park and ingest it.
run: setup build
	./target/release/cockpit demo

# actionlint on the CI workflows, rustfmt check, clippy with warnings as errors.
lint: setup
	actionlint .github/workflows/*.yml
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# What CI runs: setup, lint, the Rust tests, then the UI tests once ui/ exists.
test: setup lint
	cargo test --workspace
	if [ -f ui/package.json ]; then npm --prefix ui test; fi

# Criterion benchmarks of cockpit-core, then the ingest benchmark when present.
bench:
	cargo bench -p cockpit-core
	if [ -f scripts/bench-ingest.sh ]; then bash scripts/bench-ingest.sh; fi

# Remove everything setup put under .tools/ (apt packages stay).
clean-tools:
	rm -rf .tools
