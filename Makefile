# EnergiTech Cockpit -- developer and CI entry points. `make test` is what CI runs.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
.NOTPARALLEL:

# Tools installed by scripts/setup.sh under .tools/ (nothing is installed into your shell profile).
export COCKPIT_ORT_LIB := $(CURDIR)/.tools/onnxruntime/lib/libonnxruntime.so.1.31.1
# rustup's ~/.cargo/bin goes last, for shells (CI, sudo) that never sourced ~/.cargo/env.
export PATH := $(CURDIR)/.tools/bin:$(CURDIR)/.tools/venv/bin:$(PATH):$(HOME)/.cargo/bin

.PHONY: setup ui build app run e2e measure lint deploy-check test bench models clean-tools package staging realdata

# Install or check apt packages, Rust components, ONNX Runtime, tauri-driver, tools venv, ui/ deps.
# Always runs: every step checks first, so a warm run takes well under a second.
setup:
	@bash scripts/setup.sh

# The web UI, bundled by Vite into ui/dist (embedded in the desktop binary at compile time).
ui: setup
	npm --prefix ui run build

# Release build of the command line (target/release/cockpit).
build:
	cargo build --release -p cockpit-cli

# Release build of the desktop app with the UI embedded, ONNX Runtime beside it.
app: ui
	cargo build --release -p energitech-cockpit
	cp -f .tools/onnxruntime/lib/libonnxruntime.so.1.31.1 target/release/

# The desktop cockpit on the demo park (built, scored and shown on first launch).
run: app
	./target/release/energitech-cockpit

# End-to-end walk of the real app under Xvfb through tauri-driver (screenshots in docs/screenshots/).
e2e: app
	npm --prefix tests/e2e ci --no-audit --no-fund
	npm --prefix tests/e2e test

# Cold start, fleet command and memory figures of the release app; the fleet view on 10,000
# turbines (database built once in .bench/measure/ with the release CLI). Not part of `make test`.
measure: app build
	npm --prefix tests/e2e ci --no-audit --no-fund
	node tests/e2e/measure.mjs

# actionlint on the CI workflows, the core's layer order (ARCHITECTURE.md), rustfmt check,
# clippy with warnings as errors.
lint: setup ui
	actionlint .github/workflows/*.yml
	python3 scripts/check-layers.py
	python3 scripts/check-layers.py --self-test
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The supervision kit of deploy/: promtool on the Prometheus configuration and the alert rules
# (syntax, then the rules' unit tests), the Grafana dashboard parses as JSON. The black-box test
# tests/tests/prometheus_cli.rs has a real Prometheus scrape `cockpit serve` with this config.
deploy-check: setup
	promtool check config deploy/prometheus/prometheus.yml
	promtool check rules deploy/prometheus/cockpit-alerts.yml
	promtool test rules deploy/prometheus/cockpit-alerts.test.yml
	python3 -m json.tool deploy/grafana/cockpit-dashboard.json >/dev/null

# What CI runs: setup, lint, the supervision kit, the Rust tests (unit, black-box CLI, Tauri
# commands), the UI tests, then the end-to-end walks of the release app under Xvfb (`make e2e`).
test: setup ui lint deploy-check
	cargo test --workspace
	npm --prefix ui test
	bash models/training/run.sh --test
	$(MAKE) --no-print-directory e2e

# Retrain the models: simulated fleets -> features (through the CLI) -> ONNX + manifest + card.
models: build
	bash models/training/run.sh --cockpit target/release/cockpit

# The cockpit on a real farm: ENGIE's La Haute Borne open data (openoa 3.2 wheel from PyPI)
# ingested with --mapping engie, two years of daily runs replayed, docs/real-data.md rewritten
# from the figures. Not part of `make test` (docs/real-data.md).
realdata: setup build
	bash scripts/realdata.sh --cockpit target/release/cockpit

# Linux packages (.deb, .rpm) with the CLI, ONNX Runtime, the models and the background service's
# systemd user unit, binaries stripped (debug symbols in dist/symbols/), xz-compressed, in dist/
# with SHA256SUMS and dependency lists. Not part of `make test` (docs/ci-cd.md).
package: ui
	bash scripts/package.sh

# Installs the fresh .deb into a clean debootstrapped Debian root (.staging/, deleted afterwards),
# runs the installed app under Xvfb and smoke-tests it, checks the background service's unit
# (systemd-analyze verify) and that the installed `cockpit serve` answers /health (logs and
# screenshots in target/staging/).
staging: package
	bash scripts/staging.sh

# Criterion benchmarks of cockpit-core, then the ingest and scoring benchmarks through the CLI
# (scoring: 1,000 and 10,000 turbines; the 10,000-turbine fleet takes ~5 min to build once), and
# the response time and memory of `cockpit serve` on the demo park.
bench:
	cargo bench -p cockpit-core
	bash scripts/bench-ingest.sh
	bash scripts/bench-scoring.sh
	bash scripts/bench-serve.sh
	bash scripts/bench-hub.sh

# Remove everything setup put under .tools/ (apt packages stay).
clean-tools:
	rm -rf .tools

# The client presentation (French): docs/presentation/presentation.md -> presentation.pdf, 16:9
# slides with the e2e screenshots and Mermaid diagrams, rendered offline by headless Chromium.
# Installs Chromium and fonts from apt and marked/mermaid with npm ci when missing; also checks
# that every Mermaid diagram of docs/ renders. Not part of `make test`.
.PHONY: slides
slides:
	bash docs/presentation/build.sh
