#!/usr/bin/env bash
# Installs what EnergiTech Cockpit needs to build, lint and test, on Debian 12 / Ubuntu 22.04+.
#
# Idempotent: each step checks first and is skipped when already satisfied, so a warm re-run
# takes about a second. Project tools go to .tools/ inside the clone (git-ignored); nothing is
# exported permanently -- the Makefile puts .tools/bin and .tools/venv/bin on PATH and sets
# COCKPIT_ORT_LIB. Runs as root, or as a user with sudo for the apt step.
# Output of long installs goes to .tools/logs/*.log and is shown when a step fails.
set -euo pipefail

# Debian packages: toolchain, Tauri 2 / WebKitGTK build deps, headless GUI testing, screenshots,
# Prometheus (promtool checks deploy/prometheus/; tests/tests/prometheus_cli.rs scrapes with it),
# PostgreSQL (the shared-store tests start a throwaway cluster with its initdb and pg_ctl).
APT_PACKAGES="build-essential pkg-config file curl unzip ca-certificates sqlite3 time libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev libgtk-3-dev librsvg2-dev libssl-dev xvfb xauth webkit2gtk-driver imagemagick prometheus postgresql"
ORT_VERSION=1.31.1            # ONNX Runtime shared library, taken from the official PyPI wheel
ORT_WHEEL_TAGS=(--platform manylinux_2_28_x86_64 --implementation cp --python-version 3.11 --abi cp311)
TAURI_DRIVER_REQ='^2'         # WebDriver proxy for Tauri end-to-end tests
RUST_MIN=1.92                 # workspace rust-version
NODE_WANT=20                  # UI toolchain; 18 works with a warning

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
LOGS="$TOOLS/logs"
VENV="$TOOLS/venv"
REQS="$ROOT/scripts/requirements-tools.txt"
ORT_LIB="$TOOLS/onnxruntime/lib/libonnxruntime.so.$ORT_VERSION"
TAURI_DRIVER="$TOOLS/bin/tauri-driver"
mkdir -p "$LOGS"

say()  { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }
die()  { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

TMP=""
tmpdir() { [[ -n $TMP ]] || TMP="$(mktemp -d)"; }
trap '[[ -z $TMP ]] || rm -rf "$TMP"' EXIT

# logged NAME CMD...: run CMD with its output in .tools/logs/NAME.log; show the tail on failure.
logged() {
  local log="$LOGS/$1.log"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "'$*' failed (full log: ${log#"$ROOT"/})"
  fi
}

# as_root CMD...: run CMD as root, through sudo when needed.
as_root() {
  if (( EUID == 0 )); then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root or sudo to run: $*"
  fi
}

# apt_missing PKG...: print the packages that are not installed (one dpkg-query call).
apt_missing() {
  local -A ok=()
  local name status
  while read -r name status; do
    [[ $status == *" installed" ]] && ok[$name]=1
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
  for name in "$@"; do [[ -n ${ok[$name]:-} ]] || echo "$name"; done
}

# apt_install PKG...: install the packages that are missing; apt-get update only when needed.
APT_UPDATED=0
apt_install() {
  local missing
  missing="$(apt_missing "$@")"
  [[ -n $missing ]] || return 0
  command -v apt-get >/dev/null || die "apt-get not found; install these by hand: $missing"
  if (( ! APT_UPDATED )); then
    # A failing third-party source must not stop us; a real problem shows up in the install.
    as_root apt-get update -q >"$LOGS/apt-update.log" 2>&1 || warn "apt-get update reported errors (see .tools/logs/apt-update.log)"
    APT_UPDATED=1
  fi
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  logged apt as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# shellcheck disable=SC2086
missing="$(apt_missing $APT_PACKAGES)"
if [[ -z $missing ]]; then
  say "apt: all $(wc -w <<<"$APT_PACKAGES") packages present"
else
  say "apt: installing $(wc -w <<<"$missing") packages (log: .tools/logs/apt.log) ..."
  # shellcheck disable=SC2086
  apt_install $missing
fi

# Debian's prometheus package enables a system Prometheus on :9090 where systemd runs; the tests
# start their own on a free port, so the service this run just installed is stopped and disabled
# (one that was there before is left alone).
if [[ " $missing " == *" prometheus "* && -d /run/systemd/system ]] && command -v systemctl >/dev/null \
   && systemctl is-enabled --quiet prometheus 2>/dev/null; then
  say "prometheus: disabling the system service the package enabled (the tests start their own)"
  as_root systemctl disable --now prometheus >"$LOGS/prometheus-service.log" 2>&1 \
    || warn "could not disable the prometheus service (see .tools/logs/prometheus-service.log)"
fi
# Debian's postgresql package starts a system cluster on :5432 where systemd runs; the hub tests
# create and start their own in a temporary folder, so the one this run installed is stopped and
# disabled too (one that was there before is left alone).
if [[ " $missing " == *" postgresql "* && -d /run/systemd/system ]] && command -v systemctl >/dev/null \
   && systemctl is-enabled --quiet postgresql 2>/dev/null; then
  say "postgresql: disabling the system cluster the package started (the tests start their own)"
  as_root systemctl disable --now postgresql >"$LOGS/postgresql-service.log" 2>&1 \
    || warn "could not disable the postgresql service (see .tools/logs/postgresql-service.log)"
fi

# 2. Rust toolchain (cannot be downloaded here: only crates.io is reachable)
[[ -d $HOME/.cargo/bin && :$PATH: != *":$HOME/.cargo/bin:"* ]] && PATH="$HOME/.cargo/bin:$PATH"
{ command -v cargo && command -v rustc; } >/dev/null \
  || die "Rust >= $RUST_MIN is required but cargo/rustc were not found; install it with rustup (https://rustup.rs) and re-run."
rust_ver="$(rustc --version | awk '{print $2}')"
[[ "$(printf '%s\n' "$RUST_MIN" "$rust_ver" | sort -V | head -n1)" == "$RUST_MIN" ]] \
  || die "Rust >= $RUST_MIN is required, found $rust_ver; run 'rustup update stable'."
if command -v rustup >/dev/null; then
  comps="$(rustup component list --installed 2>/dev/null || true)"
  need=()
  for c in rustfmt clippy; do grep -q "^$c" <<<"$comps" || need+=("$c"); done
  if (( ${#need[@]} )); then
    say "rust: adding components ${need[*]} ..."
    logged rustup rustup component add "${need[@]}"
  fi
else
  { cargo fmt --version && cargo clippy --version; } >/dev/null 2>&1 \
    || die "rustfmt and clippy are required; install Rust with rustup and run 'rustup component add rustfmt clippy'."
fi
say "rust: rustc $rust_ver with rustfmt and clippy"

# 3. Node.js (UI toolchain)
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if (( $(node_major) < NODE_WANT )); then
  pkgs=()
  command -v node >/dev/null || pkgs+=(nodejs)
  command -v npm >/dev/null || pkgs+=(npm)
  if (( ${#pkgs[@]} )); then say "node: installing ${pkgs[*]} from apt ..."; apt_install "${pkgs[@]}"; fi
  major="$(node_major)"
  (( major >= 18 )) || die "Node.js >= 18 is required (>= $NODE_WANT recommended), found '$(node --version 2>/dev/null || echo none)'."
  (( major >= NODE_WANT )) || warn "Node.js $(node --version) is older than $NODE_WANT (Debian 12 ships 18); the UI may need $NODE_WANT."
fi
say "node: $(node --version), npm $(npm --version)"

# 4. Python tools venv (.tools/venv), pinned in scripts/requirements-tools.txt
reqs_sum="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [[ -x $VENV/bin/python && "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" == "$reqs_sum" ]] \
   && "$VENV/bin/python" -c '' 2>/dev/null; then
  say "python tools: .tools/venv up to date"
else
  command -v python3 >/dev/null || { say "python: installing python3 from apt ..."; apt_install python3 python3-venv; }
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" >"$LOGS/venv.log" 2>&1; then
    rm -rf "$VENV"
    say "python: 'python3 -m venv' failed, installing python3-venv from apt ..."
    apt_install python3-venv
    logged venv python3 -m venv "$VENV"
  fi
  say "python tools: installing $(grep -cE '^[A-Za-z0-9]' "$REQS") pinned package(s) into .tools/venv ..."
  logged pip "$VENV/bin/python" -m pip install --disable-pip-version-check --only-binary=:all: -r "$REQS"
  echo "$reqs_sum" >"$VENV/.requirements.sha256"
fi

# 5. ONNX Runtime shared library, from the official PyPI wheel
is_elf_so() { file -bL "$1" 2>/dev/null | grep -q '^ELF 64-bit LSB shared object'; }
if [[ -f $ORT_LIB ]] && is_elf_so "$ORT_LIB"; then
  say "onnxruntime: $ORT_VERSION present"
else
  [[ "$(uname -m)" == x86_64 ]] || die "onnxruntime: only x86_64 Linux is set up by this script (found $(uname -m))."
  say "onnxruntime: fetching $ORT_VERSION wheel from PyPI ..."
  tmpdir
  logged onnxruntime "$VENV/bin/python" -m pip download --disable-pip-version-check "onnxruntime==$ORT_VERSION" \
    --no-deps --only-binary=:all: "${ORT_WHEEL_TAGS[@]}" -d "$TMP/wheel"
  whl="$(ls "$TMP"/wheel/onnxruntime-"$ORT_VERSION"-*.whl)"
  unzip -q -j "$whl" 'onnxruntime/capi/libonnxruntime.so*' -d "$TMP/lib"
  is_elf_so "$TMP/lib/libonnxruntime.so.$ORT_VERSION" \
    || die "onnxruntime: $(basename "$whl") did not contain an ELF libonnxruntime.so.$ORT_VERSION"
  basename "$whl" >"$TMP/lib/SOURCE-WHEEL"
  mkdir -p "$TOOLS/onnxruntime"
  rm -rf "$TOOLS/onnxruntime/lib"
  mv "$TMP/lib" "$TOOLS/onnxruntime/lib"
fi
# The unversioned name (for dlopen / -lonnxruntime) and the SONAME (libonnxruntime.so.1).
for link in libonnxruntime.so libonnxruntime.so.1; do
  [[ -L $TOOLS/onnxruntime/lib/$link ]] || ln -sfn "libonnxruntime.so.$ORT_VERSION" "$TOOLS/onnxruntime/lib/$link"
done

# 6. tauri-driver (WebDriver proxy for Tauri end-to-end tests)
if [[ -x $TAURI_DRIVER ]]; then
  say "tauri-driver: present"
else
  say "tauri-driver: cargo install tauri-driver@$TAURI_DRIVER_REQ (a few minutes) ..."
  logged tauri-driver cargo install "tauri-driver@$TAURI_DRIVER_REQ" --locked --root "$TOOLS"
fi

# 7. UI dependencies
if [[ ! -f $ROOT/ui/package-lock.json ]]; then
  say "ui/: no package-lock.json yet, skipping"
elif [[ $ROOT/ui/node_modules/.package-lock.json -nt $ROOT/ui/package-lock.json ]]; then
  say "ui/: node_modules up to date"
else
  say "ui/: npm ci ..."
  (cd "$ROOT/ui" && logged npm npm ci --no-audit --no-fund)
fi

say "done in ${SECONDS}s"
echo "ORT library: $ORT_LIB"
echo "tauri-driver: $TAURI_DRIVER"
echo "actionlint: $VENV/bin/actionlint"
echo "prometheus: $(command -v prometheus || echo missing), promtool: $(command -v promtool || echo missing)"
echo "postgresql initdb: $(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
