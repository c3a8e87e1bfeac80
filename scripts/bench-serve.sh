#!/usr/bin/env bash
# Response time and memory of the health and metrics endpoint (`cockpit serve`, release build)
# on the Lyon demo park: REQUESTS sequential requests (default 200) of GET /health and of
# GET /metrics with curl, median and 95th percentile of curl's time_total (the request, not
# curl's own start), and the server's resident memory from /proc (idle, after the requests, peak).
# Usage: scripts/bench-serve.sh. The demo database is kept in .bench/serve/.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-200}
BIN=${BIN:-target/release/cockpit}
WORK=.bench/serve
: "${COCKPIT_ORT_LIB:=$PWD/.tools/onnxruntime/lib/libonnxruntime.so.1.31.1}"
export COCKPIT_ORT_LIB COCKPIT_MODELS="${COCKPIT_MODELS:-$PWD/models}"
[ -f "$COCKPIT_ORT_LIB" ] || { echo "ONNX Runtime library not found at $COCKPIT_ORT_LIB (run make setup)"; exit 1; }
[ -n "${BIN_BUILT:-}" ] || cargo build --release --quiet -p cockpit-cli
mkdir -p "$WORK"
db="$WORK/demo.db"
[ -f "$db" ] || "$BIN" --db "$db" demo >/dev/null

"$BIN" --db "$db" serve --listen 127.0.0.1:0 >"$WORK/serve.out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'Serving http://' "$WORK/serve.out" && break; sleep 0.1; done
addr="$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" | head -n1)"
[ -n "$addr" ] || { cat "$WORK/serve.out"; exit 1; }
rss() { awk -v k="$1:" '$1 == k {print $2 / 1024}' "/proc/$pid/status"; }
idle="$(rss VmRSS)"

percentiles() { sort -g | awk '{a[NR]=$1} END {printf "median %.1f ms, p95 %.1f ms", 1000*a[int((NR+1)/2)], 1000*a[int(0.95*NR+0.5)]}'; }
echo "cockpit serve on $addr, $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for path in /health /metrics; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$addr$path")"
  [[ $code == 200 ]] || { echo "$path answered $code"; exit 1; }
  for _ in $(seq "$REQUESTS"); do curl -s -o /dev/null -w '%{time_total}\n' "$addr$path"; done >"$WORK/times$(tr / - <<<"$path")"
  echo "GET $path: $(percentiles <"$WORK/times$(tr / - <<<"$path")") over $REQUESTS requests"
done
echo "resident memory: idle $(printf '%.1f' "$idle") MiB, after the requests $(printf '%.1f' "$(rss VmRSS)") MiB, peak $(printf '%.1f' "$(rss VmHWM)") MiB"
