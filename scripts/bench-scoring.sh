#!/usr/bin/env bash
# Scoring benchmark, end to end through the real `cockpit` binary (release build), for fleet
# sizes the criterion bench cannot set up quickly (10,000 turbines = 43 M readings):
#   - `cockpit score`: process start, ONNX Runtime and models loaded, features, both models,
#     drivers, the run committed;
#   - `cockpit fleet --json`: the ranked fleet of the latest run, as the app's fleet command reads it.
# Prints the median of RUNS runs (default 5). Usage: scripts/bench-scoring.sh [TURBINES...]
# (default: 1000 10000). The simulated fleets and databases are kept in .bench/scoring/.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000}")
[ $# -gt 0 ] || SIZES=(1000 10000)
DAYS=${DAYS:-30}
RUNS=${RUNS:-5}
BIN=target/release/cockpit
WORK=.bench/scoring
: "${COCKPIT_ORT_LIB:=$PWD/.tools/onnxruntime/lib/libonnxruntime.so.1.31.1}"
export COCKPIT_ORT_LIB
[ -f "$COCKPIT_ORT_LIB" ] || { echo "ONNX Runtime library not found at $COCKPIT_ORT_LIB (run make setup)"; exit 1; }
cargo build --release --quiet -p cockpit-cli
mkdir -p "$WORK"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }

for n in "${SIZES[@]}"; do
  dir="$WORK/fleet-${n}x$DAYS" db="$WORK/fleet-${n}x$DAYS.db"
  if [ ! -f "$db.ready" ]; then
    echo "building a ${n}-turbine fleet with $DAYS days of 10-minute data (once)..."
    rm -rf "$dir" "$db"*
    "$BIN" simulate --turbines "$n" --days "$DAYS" --seed 4242 --start 2026-01-01 --out "$dir" >/dev/null
    "$BIN" --db "$db" ingest "$dir/turbines.csv" "$dir/logbook.csv" "$dir/scada.csv" >/dev/null
    rm -rf "$dir" # the CSV files are not needed once ingested
    touch "$db.ready"
  fi
  : > "$WORK/score" ; : > "$WORK/fleet"
  for _ in $(seq "$RUNS"); do
    t0=$(now); "$BIN" --db "$db" score --json > "$WORK/last-run.json"; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$WORK/score"
    t0=$(now); "$BIN" --db "$db" fleet --json > /dev/null; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$WORK/fleet"
  done
  field() { grep -o "\"$1\": *[0-9]*" "$WORK/last-run.json" | grep -o '[0-9]*$'; }
  printf "%d turbines x %d days (last run: %s not scored for lack of data, %s ms inside the run):\n" \
    "$n" "$DAYS" "$(field not_scored)" "$(field duration_ms)"
  printf "  cockpit score        : median %.2f s over %d runs (target: 1,000 <= 2 s, 10,000 <= 20 s)\n" "$(median < "$WORK/score")" "$RUNS"
  printf "  cockpit fleet --json : median %.0f ms (process start included)\n" "$(median < "$WORK/fleet" | awk '{print $1 * 1000}')"
done
