#!/usr/bin/env bash
# shellcheck disable=SC2016  # single quotes around JavaScript and dpkg-query formats are meant
# Staging deployment of the freshly built .deb, on this machine (`make staging`, which first runs
# `make package`). Proves that the package installs and works on a clean system:
#
#  1. debootstrap a minimal Debian/Ubuntu root (the host's release and apt mirror) in .staging/
#     (on a tmpfs mounted there when memory allows);
#  2. install dist/energitech-cockpit_<version>_amd64.deb there with apt ALONE, so only its
#     Depends can bring in libraries; check every installed binary resolves all its libraries and
#     that `cockpit --version` prints the workspace version;
#  3. install the test tools (xvfb, xauth, webkit2gtk-driver) and copy tauri-driver in; start
#     Xvfb and tauri-driver inside the root as an ordinary user with an empty home;
#  4. run tests/e2e/smoke.e2e.mjs from the host (the root shares the host's network): the
#     installed /usr/bin/energitech-cockpit starts, builds and scores the demo park, a turbine
#     opens, "score now" records a run;
#  5. with the installed `cockpit` on the app's own database: the fleet has 20 scored turbines
#     and `cockpit health --json` says ok;
#  6. the background service: the package ships the systemd user unit, `systemd-analyze --user
#     verify` accepts it (systemd installed in the root for that), and the installed
#     `cockpit serve --listen 127.0.0.1:<port>` answers GET /health (JSON, 200) and /metrics;
#  7. field packs: the package ships the MIME type and the .desktop association of *.cockpitpack,
#     and a pack exported by the installed CLI is read with no models and no ONNX Runtime;
#  8. purge the package: nothing of it is left in /usr;
#  9. stop every process started in the root, unmount, delete .staging/ -- also on failure.
#
# Kept afterwards: logs, screenshots and timings in target/staging/; downloaded .debs in
# .tools/cache/staging/ (so a warm run downloads nothing). Needs root (or sudo), debootstrap
# (installed from apt when missing), node and tests/e2e's npm packages, .tools/bin/tauri-driver.
#
# Environment: STAGING_SUITE (default: the host's codename), STAGING_MIRROR (default: the host's
# apt mirror), STAGING_DEB (default: the one .deb in dist/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STAGE="$ROOT/.staging"
CHROOT="$STAGE/root"
CACHE="$ROOT/.tools/cache/staging"
OUT="$ROOT/target/staging"
TAURI_DRIVER="$ROOT/.tools/bin/tauri-driver"
SMOKE_USER=smoke
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf '[staging] %s\n' "$*"; }
die() { printf '[staging] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null || die "needs root (debootstrap, chroot, mount): run as root or install sudo."
  SUDO=(sudo)
fi
as_root() { "${SUDO[@]}" "$@"; }

# Phase timings, printed at the end (and written to target/staging/timings.txt).
TIMINGS=()
phase_name=""
phase_start=$SECONDS
phase() {
  if [[ -n $phase_name ]]; then TIMINGS+=("$(printf '%4d s  %s' $((SECONDS - phase_start)) "$phase_name")"); fi
  phase_name="$1"
  phase_start=$SECONDS
  [[ -z $phase_name ]] || say "== $phase_name"
}

# logged NAME CMD...: run CMD with its output in target/staging/NAME.log; show the tail on failure.
logged() {
  local log="$OUT/$1.log"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "'$*' failed (full log: ${log#"$ROOT"/})"
  fi
}

# Run a command inside the staging root, as root, with a clean environment.
in_root() { as_root chroot "$CHROOT" /usr/bin/env -i PATH="$CHROOT_PATH" LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
# Run a command inside the staging root as the smoke-test user, with its own empty home.
SMOKE_UID=""
as_user() {
  as_root chroot --userspec="$SMOKE_UID:$SMOKE_UID" "$CHROOT" /usr/bin/env -i PATH="$CHROOT_PATH" \
    HOME="/home/$SMOKE_USER" USER="$SMOKE_USER" LOGNAME="$SMOKE_USER" LANG=C.UTF-8 \
    XDG_RUNTIME_DIR="/run/user/$SMOKE_UID" NO_AT_BRIDGE=1 "$@"
}

# Processes whose root directory is the staging root (whoever started them inside it).
procs_in_root() {
  as_root find /proc -mindepth 2 -maxdepth 2 -name root -lname "$CHROOT" 2>/dev/null | cut -d/ -f3 || true
}

mounts_under_root() { findmnt -rn -o TARGET | awk -v r="$CHROOT" 'index($0, r "/") == 1 || $0 == r' | sort -r; }

# Stop what runs in the root, unmount, delete. Refuses to delete while anything is mounted.
teardown() {
  [[ -d $STAGE ]] || return 0
  local pids t0=$SECONDS
  pids="$(procs_in_root)"
  if [[ -n $pids ]]; then
    say "stopping $(wc -w <<<"$pids") process(es) still running in the staging root"
    # shellcheck disable=SC2086  # one pid per word
    as_root kill -TERM $pids 2>/dev/null || true
    sleep 2
    pids="$(procs_in_root)"
    # shellcheck disable=SC2086
    [[ -z $pids ]] || as_root kill -KILL $pids 2>/dev/null || true
    sleep 0.5
  fi
  local m
  while read -r m; do
    [[ -n $m ]] || continue
    as_root umount "$m" 2>/dev/null || as_root umount -l "$m" || true
  done < <(mounts_under_root)
  if [[ -n "$(mounts_under_root)" ]]; then
    printf '[staging] ERROR: still mounted, NOT deleting %s:\n%s\n' "$STAGE" "$(mounts_under_root)" >&2
    return 1
  fi
  say "stopped and unmounted in $((SECONDS - t0)) s; deleting $STAGE ..."
  as_root rm -rf --one-file-system "$STAGE"
}

STARTED=()  # pids of background commands this script started (sudo/chroot wrappers)
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  phase "teardown: stop processes, unmount, delete .staging/"
  local pid
  for pid in "${STARTED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  teardown || rc=1
  phase ""
  { printf '%s\n' "${TIMINGS[@]}"; printf '%4d s  total\n' "$SECONDS"; } | tee "$OUT/timings.txt" | sed 's/^/[staging]   /'
  if (( rc == 0 )); then
    say "PASSED: the package installs on a clean $SUITE root and the installed app works (logs and screenshots: target/staging/)"
  else
    say "FAILED (exit $rc); logs and screenshots in target/staging/"
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------
mkdir -p "$OUT" "$CACHE/debootstrap" "$CACHE/apt/partial"
rm -f "$OUT"/*.log "$OUT"/*.png "$OUT"/timings.txt
SUITE=""
phase "preconditions"

# The package under test.
if [[ -n ${STAGING_DEB:-} ]]; then
  DEB="$(realpath "$STAGING_DEB")"
else
  shopt -s nullglob
  debs=("$ROOT"/dist/energitech-cockpit_*_amd64.deb)
  shopt -u nullglob
  (( ${#debs[@]} == 1 )) || die "expected one dist/energitech-cockpit_*_amd64.deb, found ${#debs[@]}: run 'make package' first."
  DEB="${debs[0]}"
  (cd "$ROOT/dist" && sha256sum -c --quiet --ignore-missing SHA256SUMS) \
    || die "dist/SHA256SUMS does not match $(basename "$DEB"): rebuild with 'make package'."
fi
[[ -f $DEB ]] || die "package $DEB not found."
PKG="$(dpkg-deb -f "$DEB" Package)"
PKG_VERSION="$(dpkg-deb -f "$DEB" Version)"
WORKSPACE_VERSION="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
[[ $PKG_VERSION == "$WORKSPACE_VERSION" ]] \
  || die "$(basename "$DEB") is version $PKG_VERSION but the workspace is $WORKSPACE_VERSION: rebuild with 'make package'."
say "package $PKG $PKG_VERSION ($(basename "$DEB"))"

# The release and mirror of the staging root: the host's, unless told otherwise.
# shellcheck disable=SC1091
. /etc/os-release
SUITE="${STAGING_SUITE:-${VERSION_CODENAME:-}}"
[[ -n $SUITE ]] || die "cannot tell the host's release codename from /etc/os-release; set STAGING_SUITE (e.g. bookworm)."
MIRROR="${STAGING_MIRROR:-}"
HOST_SOURCES=""
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/ubuntu.sources; do
  [[ -f $f ]] && { HOST_SOURCES="$f"; break; }
done
if [[ -z $HOST_SOURCES ]] && grep -qE '^deb ' /etc/apt/sources.list 2>/dev/null; then HOST_SOURCES=/etc/apt/sources.list; fi
if [[ -z $MIRROR && -n $HOST_SOURCES ]]; then
  if [[ $HOST_SOURCES == *.sources ]]; then
    MIRROR="$(awk '/^URIs:/ {print $2; exit}' "$HOST_SOURCES")"
  else
    MIRROR="$(awk '/^deb / {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' "$HOST_SOURCES")"
  fi
fi
[[ -n $MIRROR ]] || die "cannot find the host's apt mirror in /etc/apt/sources.list(.d); set STAGING_MIRROR (e.g. http://deb.debian.org/debian)."
COMPONENTS=main
[[ ${ID:-} == ubuntu ]] && COMPONENTS=main,universe   # webkit2gtk-driver is in universe
say "staging root: $SUITE from $MIRROR ($COMPONENTS)"

command -v node >/dev/null || die "node not found; run 'make setup'."
[[ -x $TAURI_DRIVER ]] || die "$TAURI_DRIVER not found; run 'make setup' (it installs tauri-driver)."
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap from apt ..."
  logged apt-debootstrap as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap
fi
if [[ ! $ROOT/tests/e2e/node_modules/.package-lock.json -nt $ROOT/tests/e2e/package-lock.json ]]; then
  say "tests/e2e: npm ci ..."
  logged npm-e2e npm --prefix tests/e2e ci --no-audit --no-fund
fi

# A previous run that was killed may have left its root behind: remove it first.
if [[ -d $STAGE ]]; then
  say "removing the staging root left by a previous run ..."
  teardown || die "could not remove the previous $STAGE (see above); unmount by hand and delete it."
fi
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
phase "debootstrap --variant=minbase $SUITE"
as_root mkdir -p "$CHROOT"
# In memory when there is room (about 1.2 GB used): much faster to fill, and gone with one umount.
mem_avail_kb="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
if (( ${mem_avail_kb:-0} > 6 * 1024 * 1024 )); then
  as_root mount -t tmpfs -o mode=0755,size=3g staging-root "$CHROOT"
  say "staging root in memory (tmpfs, $(( mem_avail_kb / 1024 / 1024 )) GiB available)"
else
  say "staging root on disk (only $(( ${mem_avail_kb:-0} / 1024 )) MiB of memory available)"
fi
logged debootstrap as_root debootstrap --variant=minbase --components="$COMPONENTS" \
  --cache-dir="$CACHE/debootstrap" "$SUITE" "$CHROOT" "$MIRROR"

phase "mount /proc /sys /dev, apt cache; apt sources as on the host"
as_root mount -t proc proc "$CHROOT/proc"
for d in sys dev; do
  as_root mount --rbind "/$d" "$CHROOT/$d"
  as_root mount --make-rslave "$CHROOT/$d"   # our unmounts never reach the host's /sys, /dev
done
as_root mount --bind "$CACHE/apt" "$CHROOT/var/cache/apt/archives"
as_root mount --make-private "$CHROOT/var/cache/apt/archives"
as_root cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf"
# A throw-away root: dpkg need not fsync every file it unpacks.
echo force-unsafe-io | as_root tee "$CHROOT/etc/dpkg/dpkg.cfg.d/staging-unsafe-io" >/dev/null
if [[ -n $HOST_SOURCES && -z ${STAGING_MIRROR:-} && -z ${STAGING_SUITE:-} ]]; then
  # Same suites as the host (updates, security): the package meets the libraries it was built against.
  if [[ $HOST_SOURCES == *.sources ]]; then
    as_root cp "$HOST_SOURCES" "$CHROOT/etc/apt/sources.list.d/"
    as_root truncate -s 0 "$CHROOT/etc/apt/sources.list"
  else
    as_root cp "$HOST_SOURCES" "$CHROOT/etc/apt/sources.list"
  fi
fi
logged apt-update in_root apt-get update

phase "apt-get install ./$(basename "$DEB") (alone: only its Depends)"
as_root cp "$DEB" "$CHROOT/tmp/"
logged apt-install-package in_root apt-get install -y --no-install-recommends "/tmp/$(basename "$DEB")"
in_root dpkg-query -W -f='${Status} ${Version}\n' "$PKG" | grep -qx "install ok installed $WORKSPACE_VERSION" \
  || die "dpkg does not show $PKG $WORKSPACE_VERSION as installed."
for f in /usr/bin/energitech-cockpit /usr/bin/cockpit /usr/lib/energitech-cockpit/libonnxruntime.so.1.31.1; do
  missing="$(in_root ldd "$f" | grep 'not found' || true)"
  [[ -z $missing ]] || die "$f is missing libraries after installing $PKG alone (add them to Depends):"$'\n'"$missing"
done
version_out="$(in_root cockpit --version)" || die "the installed 'cockpit --version' failed."
[[ $version_out == "cockpit $WORKSPACE_VERSION" ]] || die "installed 'cockpit --version' says '$version_out', expected 'cockpit $WORKSPACE_VERSION'."
say "installed: $version_out; every binary resolves its libraries"

phase "apt-get install xvfb xauth webkit2gtk-driver; user $SMOKE_USER"
logged apt-install-tools in_root apt-get install -y --no-install-recommends xvfb xauth webkit2gtk-driver
as_root install -m 0755 "$TAURI_DRIVER" "$CHROOT/usr/local/bin/tauri-driver"
in_root useradd --create-home --shell /bin/sh "$SMOKE_USER"
SMOKE_UID="$(in_root id -u "$SMOKE_USER")"
in_root install -d -m 0700 -o "$SMOKE_USER" -g "$SMOKE_USER" "/run/user/$SMOKE_UID"
in_root install -d -m 1777 /tmp/.X11-unix

phase "start Xvfb and tauri-driver in the staging root"
# A display and two ports nobody uses (other builds may run their own Xvfb and tauri-driver).
display=""
for n in $(seq 120 199); do
  if ! grep -q "/tmp/.X11-unix/X$n\$" /proc/net/unix && [[ ! -e /tmp/.X$n-lock ]]; then display=":$n"; break; fi
done
[[ -n $display ]] || die "no free X display number between :120 and :199."
read -r PORT NATIVE_PORT < <(node -e '
  const net = require("net");
  const grab = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  Promise.all([grab(), grab()]).then(([a, b]) => console.log(a, b));')
[[ -n $PORT && -n $NATIVE_PORT && $PORT != "$NATIVE_PORT" ]] || die "could not find two free TCP ports."
as_user Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
STARTED+=($!)
for _ in $(seq 50); do [[ -S $CHROOT/tmp/.X11-unix/X${display#:} ]] && break; sleep 0.2; done
[[ -S $CHROOT/tmp/.X11-unix/X${display#:} ]] || { tail -n 20 "$OUT/xvfb.log" >&2; die "Xvfb $display did not start in the staging root (log: target/staging/xvfb.log)."; }
as_user DISPLAY="$display" tauri-driver --port "$PORT" --native-port "$NATIVE_PORT" \
  --native-driver /usr/bin/WebKitWebDriver >"$OUT/tauri-driver.log" 2>&1 &
STARTED+=($!)
for _ in $(seq 75); do curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sS -o /dev/null "http://127.0.0.1:$PORT/status" 2>/dev/null \
  || { tail -n 20 "$OUT/tauri-driver.log" >&2; die "tauri-driver did not answer on port $PORT (log: target/staging/tauri-driver.log)."; }
say "Xvfb $display, tauri-driver on 127.0.0.1:$PORT (native $NATIVE_PORT), user $SMOKE_USER (uid $SMOKE_UID)"

phase "smoke test through WebDriver (tests/e2e/smoke.e2e.mjs)"
WEBDRIVER_PORT="$PORT" COCKPIT_APP=/usr/bin/energitech-cockpit SCREENSHOTS="$OUT" \
  npm --prefix tests/e2e run --silent test:smoke 2>&1 | tee "$OUT/smoke.log" \
  || die "the WebDriver smoke test failed (log: target/staging/smoke.log, app log: target/staging/tauri-driver.log)."
db="/home/$SMOKE_USER/.local/share/energitech-cockpit/cockpit.db"
as_root test -f "$CHROOT$db" || die "the app did not create its database at $db."

phase "installed cockpit on the app's database: fleet and health"
as_user cockpit fleet --json >"$OUT/fleet.json" 2>"$OUT/fleet.err" \
  || { cat "$OUT/fleet.err" >&2; die "the installed 'cockpit fleet --json' failed on the app's database."; }
node -e '
  const items = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const scored = items.filter((i) => i.scored).length;
  if (items.length !== 20 || scored < 10) { console.error(`fleet: ${items.length} turbines, ${scored} scored (expected 20, most scored)`); process.exit(1); }
  console.log(`[staging] fleet: ${items.length} turbines, ${scored} scored, top ${items[0].turbine_id} (${items[0].category}, ${items[0].risk_score})`);
' "$OUT/fleet.json" || die "the installed CLI does not see the demo park scored (target/staging/fleet.json)."
as_user cockpit health --help >/dev/null 2>&1 \
  || die "the installed cockpit has no 'health' command ('cockpit health --help' failed): this build cannot prove health is ok."
model_version="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).model_version' \
  "$CHROOT/usr/lib/energitech-cockpit/models/manifest.json")"
health_rc=0
as_user cockpit health --json >"$OUT/health.json" 2>"$OUT/health.err" || health_rc=$?
node -e '
  const [file, app, model] = process.argv.slice(1);
  const h = JSON.parse(require("fs").readFileSync(file, "utf8"));
  const bad = (h.checks ?? []).filter((c) => c.status !== "ok").map((c) => `${c.name}: ${c.status}: ${c.message}`);
  const problems = [];
  if (h.status !== "ok") problems.push(`status ${h.status}`, ...bad);
  if (h.app_version !== app) problems.push(`app_version ${h.app_version}, expected ${app}`);
  if (h.model_version !== model) problems.push(`model_version ${h.model_version}, expected ${model} (the installed manifest)`);
  if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
  console.log(`[staging] health: ok (app ${h.app_version}, models ${h.model_version}, ${(h.checks ?? []).length} checks)`);
' "$OUT/health.json" "$WORKSPACE_VERSION" "$model_version" \
  || { cat "$OUT/health.err" >&2; die "'cockpit health --json' on the app's database is not ok (exit $health_rc; target/staging/health.json)."; }
(( health_rc == 0 )) || die "'cockpit health --json' reported ok but exited $health_rc."

phase "background service: the unit, systemd-analyze verify, cockpit serve answers /health"
UNIT=/usr/lib/systemd/user/energitech-cockpit.service
in_root dpkg-query -L "$PKG" | grep -qx "$UNIT" || die "$PKG does not ship the systemd user unit $UNIT."
logged apt-install-systemd in_root apt-get install -y --no-install-recommends systemd
as_user systemd-analyze --user verify "$UNIT" >"$OUT/unit-verify.log" 2>&1 \
  || { cat "$OUT/unit-verify.log" >&2; die "systemd-analyze --user verify refuses $UNIT (target/staging/unit-verify.log)."; }
[[ ! -s $OUT/unit-verify.log ]] || { cat "$OUT/unit-verify.log" >&2; die "systemd-analyze --user verify warns about $UNIT."; }
grep -q '^ExecStart=/usr/bin/cockpit watch --serve$' "$CHROOT$UNIT" || die "$UNIT does not run '/usr/bin/cockpit watch --serve'."
doc="$(sed -n 's|^Documentation=file://||p' "$CHROOT$UNIT")"
[[ -z $doc || -f $CHROOT$doc ]] || die "$UNIT points its Documentation= at $doc, which the package does not ship."
as_user cockpit serve --help >/dev/null 2>&1 \
  || die "the installed cockpit has no 'serve' command ('cockpit serve --help' failed), which the unit's 'watch --serve' needs."
SERVE_PORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
as_user cockpit serve --listen "127.0.0.1:$SERVE_PORT" >"$OUT/serve.log" 2>&1 &
serve_pid=$!
STARTED+=("$serve_pid")
code=""
for _ in $(seq 100); do
  code="$(curl -s -o "$OUT/serve-health.json" -w '%{http_code}' "http://127.0.0.1:$SERVE_PORT/health" 2>/dev/null || true)"
  [[ $code == 200 || $code == 503 ]] && break
  sleep 0.2
done
[[ $code == 200 ]] || { tail -n 20 "$OUT/serve.log" >&2; die "the installed 'cockpit serve' answered GET /health with '${code:-nothing}', expected 200 on the app's healthy database (target/staging/serve.log)."; }
node -e '
  const h = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (h.status !== "ok") { console.error(`GET /health says ${h.status}`); process.exit(1); }
' "$OUT/serve-health.json" || die "GET /health of the installed 'cockpit serve' is not an ok health report (target/staging/serve-health.json)."
metrics_code="$(curl -s -o "$OUT/serve-metrics.txt" -w '%{http_code}' "http://127.0.0.1:$SERVE_PORT/metrics" || true)"
[[ $metrics_code == 200 && -s $OUT/serve-metrics.txt ]] || die "GET /metrics of the installed 'cockpit serve' answered '$metrics_code' (target/staging/serve-metrics.txt)."
kill -TERM "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
say "unit verified; cockpit serve on 127.0.0.1:$SERVE_PORT: /health 200 ok, /metrics $(wc -l <"$OUT/serve-metrics.txt") lines"

phase "field packs: the file association, a pack exported and opened without models"
MIME_XML=/usr/share/mime/packages/energitech-cockpit.xml
in_root dpkg-query -L "$PKG" | grep -qx "$MIME_XML" || die "$PKG does not ship the field pack's MIME type $MIME_XML."
desktop="$(in_root dpkg-query -L "$PKG" | grep '^/usr/share/applications/.*\.desktop$' | head -n1)"
[[ -n $desktop ]] || die "$PKG ships no .desktop entry."
grep -q '^MimeType=application/x-energitech-cockpit-pack;\?$' "$CHROOT$desktop" \
  || die "$desktop does not declare the field pack's MIME type (MimeType=application/x-energitech-cockpit-pack)."
grep -q '^Exec=.* %F$' "$CHROOT$desktop" || die "$desktop does not pass the opened file to the app (Exec=… %F)."
as_user cockpit pack export --out /tmp/staging.cockpitpack >"$OUT/pack-export.log" 2>&1 \
  || { cat "$OUT/pack-export.log" >&2; die "the installed 'cockpit pack export' failed on the app's database (target/staging/pack-export.log)."; }
as_user env COCKPIT_MODELS=/nonexistent COCKPIT_ORT_LIB=/nonexistent cockpit --db /tmp/staging.cockpitpack fleet >"$OUT/pack-fleet.txt" 2>&1 \
  || { cat "$OUT/pack-fleet.txt" >&2; die "the installed cockpit cannot read a field pack without models (target/staging/pack-fleet.txt)."; }
say "field pack: MIME type and .desktop association shipped; a pack of the demo park read without models"

phase "apt-get purge $PKG"
logged apt-purge in_root apt-get purge -y "$PKG"
for f in /usr/bin/energitech-cockpit /usr/bin/cockpit /usr/lib/energitech-cockpit /usr/share/energitech-cockpit "$UNIT"; do
  [[ ! -e $CHROOT$f ]] || die "$f is still there after 'apt-get purge $PKG'."
done
say "purged: nothing of $PKG is left in /usr"
