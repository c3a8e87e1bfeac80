#!/usr/bin/env bash
# `make slides`: docs/presentation/presentation.md -> docs/presentation/presentation.pdf.
# Installs what is missing (Chromium, Node.js and npm, DejaVu fonts from apt; marked and mermaid
# into docs/presentation/node_modules with `npm ci`), then renders offline:
#   Markdown -> HTML (build.mjs) -> Chromium runs the bundled mermaid.js and dumps the DOM ->
#   static HTML (every diagram checked) -> Chromium prints 16:9 pages to PDF.
# The Mermaid diagrams of the documentation pack (docs/*.md, docs/incidents/*.md) are rendered
# on the way too, so a diagram that GitHub would fail to draw fails the build here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
HERE=$PWD
BUILD=$HERE/build
t0=$(date +%s.%N)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "slides: root is needed to install: ${*: -1} ..." >&2; exit 1; fi
}

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
fc-list 2>/dev/null | grep -qi "DejaVuSans" || need+=(fonts-dejavu-core)
if ((${#need[@]})); then
  echo "slides: installing ${need[*]} from apt ..."
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "slides: npm ci ..."
  npm ci --no-audit --no-fund --loglevel=error
fi

rm -rf "$BUILD" && mkdir -p "$BUILD"
shopt -s nullglob
node build.mjs html presentation.md "$BUILD/slides.html" ../*.md ../incidents/*.md

# Headless Chromium, offline: local files only, no background networking, throwaway profile.
chrome() {
  chromium --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$BUILD/profile" --allow-file-access-from-files "$@" 2>>"$BUILD/chromium.log"
}
chrome --virtual-time-budget=60000 --dump-dom "file://$BUILD/slides.html" >"$BUILD/rendered.html"
node build.mjs static "$BUILD/rendered.html" "$BUILD/static.html"
chrome --no-pdf-header-footer --print-to-pdf="$HERE/presentation.pdf" "file://$BUILD/static.html"

[ -s presentation.pdf ] || { echo "slides: Chromium wrote no PDF (see $BUILD/chromium.log)" >&2; exit 1; }
pages=$(grep -ac "/Type /Page$\|/Type /Page[^s]" presentation.pdf || true)
printf "slides: docs/presentation/presentation.pdf (%s pages, %s kB) in %s s\n" "$pages" \
  "$(( $(stat -c %s presentation.pdf) / 1024 ))" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
