#!/usr/bin/env bash
# Hub sync benchmark, end to end through the real `cockpit` binary (release build) and a real,
# throwaway PostgreSQL started like the tests' (initdb + pg_ctl in a temporary folder, as the
# `postgres` user when run as root, stopped and deleted on exit by a trap). Prints the median of
# RUNS (default 3) first syncs (an empty hub, a fresh copy of the database) and incremental
# syncs (one new run since the last sync), then the hub's size, for:
#   (i)  the demo park (`cockpit demo`: 20 turbines, 31 runs);
#   (ii) 1,000 turbines with a year of daily runs. Simulating and scoring a year of 10-minute
#        data for 1,000 turbines takes hours, so the year is derived from real scoring runs:
#        a 1,000-turbine fleet is simulated over DAYS days (default 21), ingested and replayed
#        (`cockpit replay`: one real daily run per day, real predictions and drivers); those
#        runs are then repeated back in time (each copy its own UUID, its as_of a day earlier)
#        until the journal holds 365 daily runs of 1,000 predictions each. The hub sees exactly
#        what a year of real daily runs would send (same row sizes and drivers).
# Usage: scripts/bench-hub.sh. Databases are kept in .bench/hub/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DAYS=${DAYS:-21}
TURBINES=${TURBINES:-1000}
BIN=$PWD/target/release/cockpit
WORK=$PWD/.bench/hub
: "${COCKPIT_ORT_LIB:=$PWD/.tools/onnxruntime/lib/libonnxruntime.so.1.31.1}"
export COCKPIT_ORT_LIB
[ -f "$COCKPIT_ORT_LIB" ] || { echo "ONNX Runtime library not found at $COCKPIT_ORT_LIB (run make setup)"; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL is not installed (run make setup)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed to build the year of runs"; exit 1; }
cargo build --release --quiet -p cockpit-cli
mkdir -p "$WORK"

# The throwaway server.
PGDIR=$(mktemp -d /tmp/cockpit-bench-pg-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AS=()
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); chown postgres "$PGDIR"; fi
stop() { "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap stop EXIT
echo bench-secret > "$PGDIR/pw"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR/pw"
"${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U hub --pwfile "$PGDIR/pw" --auth=scram-sha-256 --no-sync -E UTF8 --locale=C >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $PGDIR" start >/dev/null
export PGPASSWORD=bench-secret
psql() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -A -t -q -h 127.0.0.1 -p "$PORT" -U hub "$@"; }
URL="postgresql://hub@127.0.0.1:$PORT/bench?sslmode=disable"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }
fresh_hub() {
  psql -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
  "$BIN" --db "$WORK/init.db" hub init --server "$URL" >/dev/null
}

# Times first and incremental syncs of the database $1; prints the hub's size after the last.
bench() {
  local name=$1 db=$2 first=$WORK/first incr=$WORK/incr
  : > "$first"; : > "$incr"
  for _ in $(seq "$RUNS"); do
    fresh_hub
    cp "$db" "$WORK/copy.db"; rm -f "$WORK/copy.db-wal" "$WORK/copy.db-shm"
    t0=$(now); "$BIN" --db "$WORK/copy.db" sync --server "$URL" >/dev/null; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$first"
    # One new daily run (the latest run again, its own UUID), then an incremental sync.
    add_runs "$WORK/copy.db" 1 0
    t0=$(now); "$BIN" --db "$WORK/copy.db" sync >/dev/null; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$incr"
  done
  printf '%-34s first sync %6.2f s   incremental %6.2f s   (median of %s)\n' \
    "$name" "$(median < "$first")" "$(median < "$incr")" "$RUNS"
  printf '%-34s hub size %s; runs %s, predictions %s, events %s\n' "" \
    "$(psql -d bench -c "SELECT pg_size_pretty(pg_database_size('bench'))")" \
    "$(psql -d bench -c "SELECT count(*) FROM hub.runs")" \
    "$(psql -d bench -c "SELECT count(*) FROM hub.predictions")" \
    "$(psql -d bench -c "SELECT count(*) FROM hub.events")"
  psql -d bench -c "SELECT '    ' || rpad(relname, 14) || pg_size_pretty(pg_total_relation_size(c.oid))
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'hub' AND c.relkind = 'r'
                    ORDER BY pg_total_relation_size(c.oid) DESC"
}

# Adds $2 copies of the runs of the database $1 taken in turn from its real successful runs
# (each with its predictions, its own UUID, as_of shifted $3 days further back per copy).
add_runs() {
  local db=$1 n=$2 back=$3
  sqlite3 "$db" <<SQL
CREATE TEMP TABLE src AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
  FROM runs WHERE status = 'succeeded';
CREATE TEMP TABLE n(i);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n) INSERT INTO n SELECT i FROM c;
CREATE TEMP TABLE plan AS SELECT n.i, (SELECT id FROM src WHERE k = (n.i - 1) % (SELECT count(*) FROM src)) AS src,
  (SELECT max(id) FROM runs) + n.i AS new FROM n;
BEGIN;
INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, as_of, model_version,
                  turbines, critical, high, moderate, low, not_scored, model_sha, uuid)
  SELECT p.new, 'replay', r.started_at, r.ended_at + p.i, r.duration_ms, 'succeeded',
         (SELECT min(as_of) FROM runs) - 86400 * $back * p.i + (CASE WHEN $back = 0 THEN 86400 * 400 ELSE 0 END),
         r.model_version, r.turbines, r.critical, r.high, r.moderate, r.low, r.not_scored, r.model_sha,
         lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8'
               || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
  FROM plan p JOIN runs r ON r.id = p.src;
INSERT INTO predictions (turbine, run, scored, reason, p_fail_7d, ttf_days, risk_score, category,
                         drivers, last_record, data_quality, ttf_distribution)
  SELECT q.turbine, p.new, q.scored, q.reason, q.p_fail_7d, q.ttf_days, q.risk_score, q.category,
         q.drivers, q.last_record, q.data_quality, q.ttf_distribution
  FROM plan p JOIN predictions q ON q.run = p.src;
COMMIT;
SQL
}

# (i) the demo park.
if [ ! -f "$WORK/demo.db.ready" ]; then
  rm -f "$WORK/demo.db"*
  "$BIN" --db "$WORK/demo.db" demo >/dev/null
  touch "$WORK/demo.db.ready"
fi
bench "demo park (20 turbines, 31 runs)" "$WORK/demo.db"

# (ii) 1,000 turbines, a year of daily runs.
year=$WORK/year-$TURBINES.db
if [ ! -f "$year.ready" ]; then
  echo "building $TURBINES turbines x $DAYS days, replayed, then repeated to 365 daily runs (once)..."
  rm -rf "$year"* "$WORK/fleet"
  "$BIN" simulate --turbines "$TURBINES" --days "$DAYS" --seed 4242 --out "$WORK/fleet" >/dev/null
  "$BIN" --db "$year" ingest "$WORK/fleet/turbines.csv" "$WORK/fleet/logbook.csv" "$WORK/fleet/scada.csv" >/dev/null
  rm -rf "$WORK/fleet"
  "$BIN" --db "$year" replay >/dev/null
  real=$(sqlite3 "$year" "SELECT count(*) FROM runs WHERE status = 'succeeded'")
  add_runs "$year" $((365 - real)) 1
  sqlite3 "$year" "VACUUM"
  touch "$year.ready"
fi
echo "($(sqlite3 "$year" "SELECT count(*) FROM runs") runs, $(sqlite3 "$year" "SELECT count(*) FROM predictions") predictions, local database $(du -h "$year" | cut -f1))"
bench "$TURBINES turbines, 365 daily runs" "$year"
