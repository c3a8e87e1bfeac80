#!/usr/bin/env bash
# `make realdata`: the cockpit on a real farm's export. Fetches ENGIE's La Haute Borne open data
# (4 Senvion MM82, 2014-2015, 10-minute records; Licence Ouverte v2.0 / Etalab) from the openoa 3.2
# wheel on PyPI, ingests it with the built-in `engie` mapping (registry from the farm's asset
# table), replays one daily scoring run per day over the two years, and writes docs/real-data.md
# from what the cockpit printed. Work files go to target/realdata/ (never committed).
# Usage: bash scripts/realdata.sh [--cockpit PATH] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
COCKPIT=target/release/cockpit
OUT=docs/real-data.md
while [ $# -gt 0 ]; do
  case "$1" in
    --cockpit) COCKPIT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "realdata: unknown argument '$1' (expected --cockpit PATH or --out FILE)" >&2; exit 2 ;;
  esac
done
W=target/realdata
WHEEL=openoa-3.2-py3-none-any.whl
# sha256 of the openoa 3.2 wheel on PyPI: a different file is refused, not measured.
WHEEL_SHA256=654c1a81c3c27d8caa84e861a7659090d0135f08350e2577e96e42025899f70f
mkdir -p "$W"
if [ ! -f "$W/$WHEEL" ] || ! echo "$WHEEL_SHA256  $W/$WHEEL" | sha256sum --check --status; then
  echo "[realdata] downloading openoa 3.2 from PyPI" >&2
  rm -f "$W/$WHEEL"
  python3 -m pip download --quiet --disable-pip-version-check openoa==3.2 --no-deps \
    --only-binary=:all: -d "$W"
fi
if ! echo "$WHEEL_SHA256  $W/$WHEEL" | sha256sum --check --status; then
  echo "realdata: $W/$WHEEL does not have the expected sha256 $WHEEL_SHA256; delete it and retry" >&2
  exit 1
fi
DATA=$W/data
rm -rf "$DATA" && mkdir -p "$DATA"
python3 - "$W/$WHEEL" "$DATA" <<'PY'
import io, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    inner = zipfile.ZipFile(io.BytesIO(w.read("examples/data/la_haute_borne.zip")))
    for name in ("la-haute-borne_asset_table.csv", "la-haute-borne-data-2014-2015.csv"):
        inner.extract(name, out)
PY
[ -x "$COCKPIT" ] || { echo "realdata: no cockpit binary at $COCKPIT (run make build)" >&2; exit 1; }
DB=$W/la-haute-borne.db
rm -f "$DB" "$DB"-* "$DB".*
export COCKPIT_MODELS=${COCKPIT_MODELS:-$PWD/models}
export COCKPIT_ORT_LIB=${COCKPIT_ORT_LIB:-$PWD/.tools/onnxruntime/lib/libonnxruntime.so.1.31.1}
echo "[realdata] ingesting with --mapping engie" >&2
"$COCKPIT" --db "$DB" ingest --mapping engie --json \
  "$DATA/la-haute-borne_asset_table.csv" "$DATA/la-haute-borne-data-2014-2015.csv" > "$W/ingest.json"
echo "[realdata] replaying one daily run per day" >&2
"$COCKPIT" --db "$DB" replay --json > "$W/replay.json"
"$COCKPIT" --db "$DB" diagnostics --json > "$W/diagnostics.json"
"$COCKPIT" --version > "$W/version.txt"
# ENGIE's full export (gearbox and generator temperatures, no hydraulic, converter, transformer,
# vibration or status) is not in the openoa package: the same column set is cut from a simulated
# farm (seed 77: neither a training, evaluation nor demo seed), whose logbook says what failed.
echo "[realdata] simulated farm with ENGIE's full column set" >&2
SIM=$W/sim-engie
rm -rf "$SIM" && mkdir -p "$SIM"
"$COCKPIT" simulate --turbines 20 --days 120 --seed 77 --start 2025-01-01 --out "$SIM" > /dev/null
python3 - "$SIM/scada.csv" "$SIM/scada-engie-columns.csv" <<'PY'
import csv, sys
absent = {"hydraulic_oil_temp_c", "converter_temp_c", "transformer_temp_c", "vibration_mm_s", "status"}
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as g:
    r, w = csv.reader(f), csv.writer(g)
    header = next(r)
    keep = [i for i, c in enumerate(header) if c not in absent]
    for row in [header, *r]:
        w.writerow([row[i] for i in keep])
PY
SDB=$SIM/sim.db
"$COCKPIT" --db "$SDB" ingest --json "$SIM/turbines.csv" "$SIM/scada-engie-columns.csv" "$SIM/logbook.csv" > "$SIM/ingest.json"
"$COCKPIT" --db "$SDB" backtest --json > "$SIM/backtest.json"
"$COCKPIT" --db "$SDB" replay --json > "$SIM/replay.json"
FDB=$SIM/sim-all-columns.db
"$COCKPIT" --db "$FDB" ingest --json "$SIM/turbines.csv" "$SIM/scada.csv" "$SIM/logbook.csv" > /dev/null
"$COCKPIT" --db "$FDB" backtest --json > "$SIM/backtest-all-columns.json"
python3 scripts/realdata-report.py "$W" models/manifest.json > "$OUT"
echo "[realdata] wrote $OUT" >&2
