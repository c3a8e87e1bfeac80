#!/usr/bin/env bash
# Ingestion benchmark, end to end through the real `cockpit` binary (release build):
#   - rows/s of `cockpit ingest` on simulator output, validation and SQLite writes included;
#   - the same file loaded raw by SQLite's own `sqlite3 .import` into a bare table, as the yardstick;
#   - peak resident memory for two file sizes (it must not grow with the file).
# Prints the median of RUNS runs (default 5). Usage: scripts/bench-ingest.sh [TURBINES] [DAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
TURBINES=${1:-200}
DAYS=${2:-30}
RUNS=${RUNS:-5}
BIN=target/release/cockpit
WORK=.bench/ingest
command -v sqlite3 >/dev/null || { echo "sqlite3 is required (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is required (apt-get install time)"; exit 1; }
cargo build --release --quiet -p cockpit-cli
mkdir -p "$WORK"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

fleet() { # $1 turbines, $2 days -> directory with the simulated fleet
  local dir="$WORK/fleet-$1x$2"
  [ -f "$dir/scada.csv" ] || "$BIN" simulate --turbines "$1" --days "$2" --seed 4242 --start 2026-01-01 --out "$dir" >/dev/null
  echo "$dir"
}

measure() { # $1 fleet dir -> prints "cockpit_seconds cockpit_peak_kb sqlite_seconds"
  local dir=$1 db="$WORK/bench.db" raw="$WORK/raw.db"
  rm -f "$db"* ; "$BIN" --db "$db" ingest "$dir/turbines.csv" >/dev/null
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$BIN" --db "$db" ingest "$dir/scada.csv" >/dev/null
  local c; c=$(cat "$WORK/t")
  rm -f "$raw"*
  local cols; cols=$(head -1 "$dir/scada.csv")
  sqlite3 "$raw" "CREATE TABLE raw(${cols//,/ TEXT,} TEXT);"
  /usr/bin/time -f "%e" -o "$WORK/t" sqlite3 "$raw" ".mode csv" ".import --skip 1 $dir/scada.csv raw" >/dev/null
  echo "$c $(cat "$WORK/t")"
}

report() { # $1 turbines $2 days
  local dir rows
  dir=$(fleet "$1" "$2")
  rows=$(( $(wc -l < "$dir/scada.csv") - 1 ))
  : > "$WORK/runs"
  for _ in $(seq "$RUNS"); do measure "$dir" >> "$WORK/runs"; done
  local ct mem st
  ct=$(cut -d' ' -f1 "$WORK/runs" | median)
  mem=$(cut -d' ' -f2 "$WORK/runs" | median)
  st=$(cut -d' ' -f3 "$WORK/runs" | median)
  awk -v r="$rows" -v ct="$ct" -v st="$st" -v mem="$mem" -v t="$1" -v d="$2" -v size="$(du -m "$dir/scada.csv" | cut -f1)" 'BEGIN {
    printf "%d turbines x %d days: %d rows, %d MB\n", t, d, r, size;
    printf "  cockpit ingest : median %.2f s = %.0f rows/s, peak RSS %.0f MB\n", ct, r/ct, mem/1024;
    printf "  sqlite3 .import: median %.2f s = %.0f rows/s (raw text, no validation, no key)\n", st, r/st;
    printf "  ratio cockpit/sqlite3: %.2f\n", ct/st }'
}

report "$TURBINES" "$DAYS"
report $((TURBINES * 4)) "$DAYS"
