#!/usr/bin/env bash
# `make models`: sets up models/training/.venv from requirements.txt (first time, or when the
# pins change), then runs the training pipeline. Extra arguments go to pipeline.py
# (e.g. --fresh to re-simulate every fleet, --cockpit PATH to use a given binary).
# `run.sh --test` runs the pipeline's unit tests (test_*.py, unittest) in the same venv instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=models/training/.venv
REQ=models/training/requirements.txt
PY=${PYTHON:-python3}
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  echo "[models] creating $VENV from $REQ" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  # Every package, transitives included, is pinned in the file: --no-deps installs exactly
  # those, and `pip check` fails if a dependency is missing from the list.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: --no-deps -r "$REQ"
  "$VENV/bin/pip" check
  echo "$want" > "$VENV/.requirements.sha256"
fi
if [ "${1:-}" = "--test" ]; then
  exec "$VENV/bin/python" -m unittest discover -s models/training -p 'test_*.py'
fi
exec "$VENV/bin/python" models/training/pipeline.py "$@"
