#!/usr/bin/env bash
# Builds the Linux packages of EnergiTech Cockpit (.deb and .rpm) on this machine, checks what
# they contain, and collects them in dist/ with their SHA-256 sums and dependency lists.
#
#   bash scripts/package.sh          (or `make package`, which first runs setup and builds ui/)
#
# The version is the workspace version (root Cargo.toml, [workspace.package]); tauri.conf.json
# has none of its own. When a release tag is given (RELEASE_TAG=v1.2.3, or GITHUB_REF_NAME on a
# tag build) it must be that version, prefixed with "v".
#
# Outputs, in dist/ (emptied first):
#   energitech-cockpit_<version>_amd64.deb   energitech-cockpit-<version>-1.x86_64.rpm
#   <package>.deps.txt   the package's metadata and dependencies (dpkg-deb -I / rpm -qpiR)
#   <package>.files.txt  the files it installs
#   SHA256SUMS           sha256sum of each package (check with `sha256sum -c SHA256SUMS`)
#   symbols/energitech-cockpit_<version>_amd64.debug-symbols.tar.xz
#                        the binaries' debug information, for crash analysis (not installed)
#
# Lean packages: the binaries are shipped stripped of their debug information (kept apart with
# `objcopy --only-keep-debug`, linked back with `--add-gnu-debuglink`; the symbol table stays, so
# a panic's backtrace still names its functions), the .deb is repacked with xz and the .rpm is
# xz-compressed (src-tauri/tauri.linux-packages.json). That file also names the packages
# energitech-cockpit (Tauri derives the name from productName, which would give
# energi-tech-cockpit and file names with a space) while the menu entry keeps the product's name.
# A package above PACKAGE_BUDGET_MB (default 25) MB fails the build.
#
# Needs: ui/dist built (make ui), .tools/onnxruntime (scripts/setup.sh), cargo, npx (the Tauri
# CLI @tauri-apps/cli@^2 is fetched from the npm registry on first use), dpkg-deb; `rpm` is
# installed from apt when missing (for the rpm dependency list).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TAURI_CLI="${TAURI_CLI:-@tauri-apps/cli@^2}"
ORT_LIB=".tools/onnxruntime/lib/libonnxruntime.so.1.31.1"
BUNDLE_DIR="target/release/bundle"
DIST="$ROOT/dist"
SYMBOLS="target/release/symbols"
PACKAGE_NAME=energitech-cockpit
BUDGET_MB="${PACKAGE_BUDGET_MB:-25}"
# Every package must install these (the installed binaries find the models and ONNX Runtime
# there; the risk policy and demo park are built in, shipped as reference copies).
REQUIRED_FILES=(
  /usr/bin/energitech-cockpit
  /usr/bin/cockpit
  /usr/lib/systemd/user/energitech-cockpit.service
  /usr/lib/energitech-cockpit/libonnxruntime.so.1.31.1
  /usr/lib/energitech-cockpit/models/manifest.json
  /usr/lib/energitech-cockpit/models/failure_7d.onnx
  /usr/lib/energitech-cockpit/models/time_to_failure.onnx
  /usr/lib/energitech-cockpit/models/parity.csv
  /usr/share/energitech-cockpit/risk-policy.toml
  /usr/share/energitech-cockpit/demo/park.toml
)

say() { printf '[package] %s\n' "$*"; }
die() { printf '[package] ERROR: %s\n' "$*" >&2; exit 1; }
step_start=$SECONDS
step() { say "$1 ($((SECONDS - step_start)) s so far)"; }

# ---------------------------------------------------------------------------------------------
# 0. Preconditions
for tool in cargo npx node dpkg-deb sha256sum objcopy readelf xz; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run 'make setup' (or scripts/setup.sh) first."
done
[[ -f ui/dist/index.html ]] || die "ui/dist/index.html is missing: build the UI first ('make ui' or 'npm --prefix ui run build')."
[[ -f $ORT_LIB ]] || die "$ORT_LIB is missing: run 'make setup' (scripts/setup.sh fetches ONNX Runtime from its PyPI wheel)."
for f in models/manifest.json models/failure_7d.onnx models/time_to_failure.onnx models/parity.csv; do
  [[ -f $f ]] || die "$f is missing: the packages ship the trained models (run 'make models' or restore them from git)."
done

# One version, from the workspace.
VERSION="$(cargo metadata --no-deps --format-version 1 \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="energitech-cockpit");if(!p)process.exit(3);console.log(p.version)})')" \
  || die "cannot read the version of package energitech-cockpit from 'cargo metadata'."
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "workspace version '$VERSION' is not a semver version (X.Y.Z)."
conf_version="$(node -p 'require("./src-tauri/tauri.conf.json").version ?? ""')"
[[ -z $conf_version || $conf_version == "$VERSION" ]] \
  || die "src-tauri/tauri.conf.json says version $conf_version but the workspace (Cargo.toml) says $VERSION; remove \"version\" from tauri.conf.json (Cargo.toml is the one source)."
tag="${RELEASE_TAG:-}"
[[ -z $tag && ${GITHUB_REF_TYPE:-} == tag ]] && tag="${GITHUB_REF_NAME:-}"
if [[ -n $tag && $tag != "v$VERSION" ]]; then
  die "release tag '$tag' does not match the workspace version $VERSION (expected v$VERSION); bump [workspace.package] version in Cargo.toml and CHANGELOG.md, or fix the tag."
fi
say "version $VERSION${tag:+ (tag $tag)}"

# ---------------------------------------------------------------------------------------------
# 1. Release binaries: the desktop app (UI embedded) and the command line.
step "cargo build --release -p energitech-cockpit -p cockpit-cli"
cargo build --release -p energitech-cockpit -p cockpit-cli
for bin in energitech-cockpit cockpit; do
  [[ -x target/release/$bin ]] || die "target/release/$bin was not produced by cargo build."
done
cli_version="$(target/release/cockpit --version)" || die "target/release/cockpit --version failed."
[[ $cli_version == "cockpit $VERSION" ]] || die "target/release/cockpit --version says '$cli_version', expected 'cockpit $VERSION'."

# ---------------------------------------------------------------------------------------------
# 1b. Debug information apart, binaries stripped in place (the bundler takes them from
#     target/release). A binary already stripped by an earlier run (no rebuild since) must match
#     the symbols kept then, by its GNU build id.
step "stripping the binaries (symbols kept in $SYMBOLS/)"
# (grep reads the whole listing: with -q it would stop early and pipefail would see readelf's
# broken pipe as a failure.)
has_debug() { readelf -S "$1" | grep -F '.debug_info' >/dev/null; }
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p' | head -n 1; }
mkdir -p "$SYMBOLS"
for bin in energitech-cockpit cockpit; do
  f="target/release/$bin"
  debug="$SYMBOLS/$bin.debug"
  id="$(build_id "$f")"
  [[ -n $id ]] || die "$f has no GNU build id; the symbols could not be matched to it (link with --build-id)."
  if has_debug "$f"; then
    objcopy --only-keep-debug --compress-debug-sections=zlib "$f" "$debug"
    (cd "$SYMBOLS" && objcopy --strip-debug --add-gnu-debuglink="$bin.debug" "../$bin")
  fi
  [[ -f $debug && $(build_id "$debug") == "$id" ]] \
    || die "$f is stripped but $debug is missing or belongs to another build; rebuild it: touch src-tauri/src/main.rs crates/cockpit-cli/src/main.rs, then run this script again."
  ! has_debug "$f" || die "$f still carries debug information after stripping."
done

# ---------------------------------------------------------------------------------------------
# 2. Bundles. `tauri bundle` packages the binaries built above (no second cargo build); the
#    file lists are in src-tauri/tauri.conf.json (bundle.linux.deb/rpm.files).
step "tauri bundle --bundles deb,rpm"
rm -rf "$BUNDLE_DIR/deb" "$BUNDLE_DIR/rpm"
chmod 0644 "$ORT_LIB"   # packaged with the source's mode: a library, not group-writable
npx --yes "$TAURI_CLI" bundle --bundles deb,rpm --ci --config src-tauri/tauri.linux-packages.json \
  || die "the Tauri bundler failed (see above); check src-tauri/tauri.conf.json > bundle and src-tauri/tauri.linux-packages.json."
shopt -s nullglob
debs=("$BUNDLE_DIR"/deb/*.deb)
rpms=("$BUNDLE_DIR"/rpm/*.rpm)
shopt -u nullglob
(( ${#debs[@]} == 1 )) || die "expected one .deb in $BUNDLE_DIR/deb, found ${#debs[@]}."
(( ${#rpms[@]} == 1 )) || die "expected one .rpm in $BUNDLE_DIR/rpm, found ${#rpms[@]}."

# ---------------------------------------------------------------------------------------------
# 3. Check the .deb: version, architecture, dependencies, required files.
step "checking the .deb"
deb="${debs[0]}"
# Tauri writes data.tar.gz; the same tree repacked with xz is about a third smaller.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -R "$deb" "$tmp/repack" || die "dpkg-deb could not unpack $deb."
dpkg-deb --root-owner-group -Zxz -z9 -b "$tmp/repack" "$tmp/repacked.deb" >/dev/null \
  || die "dpkg-deb could not repack $deb with xz."
mv "$tmp/repacked.deb" "$deb"
rm -rf "$tmp/repack"
pkg_name="$(dpkg-deb -f "$deb" Package)"
pkg_version="$(dpkg-deb -f "$deb" Version)"
pkg_arch="$(dpkg-deb -f "$deb" Architecture)"
depends="$(dpkg-deb -f "$deb" Depends)"
[[ $pkg_name == "$PACKAGE_NAME" ]] || die "$deb has Package $pkg_name, expected $PACKAGE_NAME; check productName in src-tauri/tauri.linux-packages.json."
[[ $pkg_version == "$VERSION" ]] || die "$deb has Version $pkg_version, expected $VERSION."
# libssl3: the hub connection's TLS (native-tls, OpenSSL) in both binaries.
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libstdc++6 libssl3; do
  grep -qw -- "$dep" <<<"$depends" || die "$deb does not depend on $dep (Depends: $depends)."
done
deb_files="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed -E 's|^\.?/?|/|')"
for f in "${REQUIRED_FILES[@]}"; do
  grep -qx -- "$f" <<<"$deb_files" || die "$deb does not install $f; check bundle.linux.deb.files in src-tauri/tauri.conf.json."
done
# The packaged models are the repository's (same bytes as the manifest's checksums).
dpkg-deb -x "$deb" "$tmp/root"
for f in manifest.json failure_7d.onnx time_to_failure.onnx parity.csv; do
  cmp -s "models/$f" "$tmp/root/usr/lib/energitech-cockpit/models/$f" || die "the .deb's models/$f differs from the repository's."
done
cmp -s "$ORT_LIB" "$tmp/root/usr/lib/energitech-cockpit/libonnxruntime.so.1.31.1" || die "the .deb's ONNX Runtime differs from $ORT_LIB."
cmp -s deploy/systemd/energitech-cockpit.service "$tmp/root/usr/lib/systemd/user/energitech-cockpit.service" \
  || die "the .deb's systemd user unit differs from deploy/systemd/energitech-cockpit.service."
for bin in energitech-cockpit cockpit; do
  ! has_debug "$tmp/root/usr/bin/$bin" || die "the .deb's /usr/bin/$bin carries debug information (not stripped)."
done
grep -qx 'Name=EnergiTech Cockpit' "$tmp/root/usr/share/applications/$PACKAGE_NAME.desktop" 2>/dev/null \
  || die "the .deb's menu entry /usr/share/applications/$PACKAGE_NAME.desktop is missing or not named 'EnergiTech Cockpit'."

# ---------------------------------------------------------------------------------------------
# 4. Collect in dist/: clean file names, dependency lists, file lists, checksums.
step "collecting in dist/"
if ! command -v rpm >/dev/null; then
  say "installing the 'rpm' tool from apt (to read the .rpm's dependencies and files) ..."
  sudo_=(); (( EUID == 0 )) || sudo_=(sudo)
  if ! "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rpm >"$tmp/apt.log" 2>&1; then
    "${sudo_[@]}" apt-get update -q >>"$tmp/apt.log" 2>&1 || true
    "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rpm >>"$tmp/apt.log" 2>&1 \
      || { tail -n 20 "$tmp/apt.log" >&2; die "could not install the 'rpm' package from apt; install it by hand: apt-get install rpm"; }
  fi
fi
rm -rf "$DIST"
mkdir -p "$DIST/symbols"
deb_out="energitech-cockpit_${VERSION}_${pkg_arch}.deb"
rpm_out="energitech-cockpit-${VERSION}-1.$(uname -m).rpm"
[[ ${debs[0]##*/} == "$deb_out" ]] || die "the bundler named the .deb ${debs[0]##*/}, expected $deb_out."
[[ ${rpms[0]##*/} == "$rpm_out" ]] || die "the bundler named the .rpm ${rpms[0]##*/}, expected $rpm_out."
cp "$deb" "$DIST/$deb_out"
cp "${rpms[0]}" "$DIST/$rpm_out"
{
  echo "# $deb_out (package $pkg_name $pkg_version): dpkg-deb -I"
  dpkg-deb -I "$deb"
} >"$DIST/$deb_out.deps.txt"
dpkg-deb -c "$deb" >"$DIST/$deb_out.files.txt"
{
  echo "# $rpm_out: rpm -qpi, then its requirements (rpm -qpR)"
  rpm -qpi "$DIST/$rpm_out"
  echo
  echo "Requires:"
  rpm -qpR "$DIST/$rpm_out" | sed 's/^/  /'
} >"$DIST/$rpm_out.deps.txt" 2>&1 || die "rpm could not read $rpm_out."
rpm -qplv "$DIST/$rpm_out" >"$DIST/$rpm_out.files.txt" 2>&1 || die "rpm could not list the files of $rpm_out."
rpm_name="$(rpm -qp --qf '%{NAME}' "$DIST/$rpm_out")"
[[ $rpm_name == "$PACKAGE_NAME" ]] || die "$rpm_out has Name $rpm_name, expected $PACKAGE_NAME."
rpm_files="$(rpm -qpl "$DIST/$rpm_out")"
for f in "${REQUIRED_FILES[@]}"; do
  grep -qx -- "$f" <<<"$rpm_files" || die "$rpm_out does not install $f; check bundle.linux.rpm.files in src-tauri/tauri.conf.json."
done
(cd "$DIST" && sha256sum "$deb_out" "$rpm_out" >SHA256SUMS && sha256sum -c --quiet SHA256SUMS) \
  || die "sha256sum failed in dist/."
tar -C "$SYMBOLS" -cJf "$DIST/symbols/energitech-cockpit_${VERSION}_${pkg_arch}.debug-symbols.tar.xz" \
  energitech-cockpit.debug cockpit.debug || die "the debug symbols could not be archived."
for f in "$DIST/$deb_out" "$DIST/$rpm_out"; do
  size=$(stat -c %s "$f")
  (( size <= BUDGET_MB * 1024 * 1024 )) \
    || die "${f##*/} is $(numfmt --to=iec "$size")B, above the ${BUDGET_MB} MB budget (PACKAGE_BUDGET_MB); is a binary unstripped or a large file new?"
done

say "done in ${SECONDS} s: package $pkg_name $pkg_version ($pkg_arch), Depends: $depends"
for f in "$DIST"/* "$DIST"/symbols/*; do [[ -f $f ]] || continue; printf '[package]   %10s  %s\n' "$(numfmt --to=iec --suffix=B "$(stat -c %s "$f")")" "${f#"$ROOT"/}"; done
