"""Simulated fleets through the real `cockpit` command line: simulate, ingest, export features.

Each fleet lives in work/fleet-<seed>/. Its feature table is reused on the next run only when
the cockpit binary (by sha256), the fleet parameters and the snapshot period are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


class PipelineError(RuntimeError):
    """A step failed; the message says which and why."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def log(msg: str) -> None:
    print(f"[models] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], *, cwd: Path | None = None, capture: bool = True) -> str:
    """Runs a command; raises PipelineError with its output when it fails."""
    shown = " ".join(str(c) for c in cmd)
    try:
        p = subprocess.run(
            [str(c) for c in cmd],
            cwd=cwd,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
            text=True,
        )
    except OSError as e:
        raise PipelineError(f"cannot run `{shown}`: {e}") from e
    if p.returncode != 0:
        out = ((p.stdout or "") + (p.stderr or "")).strip()
        raise PipelineError(f"`{shown}` exited with {p.returncode}:\n{out[-4000:]}")
    return p.stdout or ""


def build_cli(repo: Path) -> Path:
    """Builds the release binary (a no-op when it is up to date) and returns its path."""
    log("cargo build --release -p cockpit-cli")
    t0 = time.monotonic()
    run(["cargo", "build", "--release", "-p", "cockpit-cli"], cwd=repo)
    log(f"  built in {time.monotonic() - t0:.1f} s")
    return repo / "target" / "release" / "cockpit"


def cli_version(cockpit: Path) -> str:
    out = run([cockpit, "--version"]).strip()
    if not out:
        raise PipelineError(f"`{cockpit} --version` printed nothing")
    return out


def check_features_command(cockpit: Path) -> None:
    try:
        run([cockpit, "features", "--help"])
    except PipelineError as e:
        raise PipelineError(
            f"`{cockpit} features` is not available (the feature export is part of the Rust "
            f"core; build a version that has it):\n{e}"
        ) from e


@dataclass
class Fleet:
    role: str  # "train" or "eval"
    seed: int
    turbines: int
    days: int
    start: str
    dir: Path
    features: Path
    logbook: Path
    simulate_summary: dict
    features_sha256: str
    seconds: float


def prepare_fleet(
    cockpit: Path,
    cockpit_sha: str,
    work: Path,
    role: str,
    spec: dict,
    start: str,
    every: str,
    keep_intermediate: bool,
    keep_db: bool = False,
) -> Fleet:
    """The fleet's feature table, simulated, ingested and exported unless a cached one was made
    by the same binary with the same parameters. `keep_db`: the fleet's database is kept as
    `cockpit.db` (the evaluation fleet's, for `cockpit backtest`), and a cache without it is
    rebuilt."""
    seed, turbines, days = int(spec["seed"]), int(spec["turbines"]), int(spec["days"])
    d = work / f"fleet-{seed}"
    features = d / f"features-{every}.csv"
    stamp_path = d / "stamp.json"
    stamp = {
        "cockpit_sha256": cockpit_sha,
        "seed": seed,
        "turbines": turbines,
        "days": days,
        "start": start,
        "every": every,
    }
    if features.is_file() and stamp_path.is_file():
        try:
            old = json.loads(stamp_path.read_text())
        except ValueError:
            old = None
        if old and old.get("stamp") == stamp and (not keep_db or (d / "cockpit.db").is_file()):
            log(f"fleet {seed}: reusing {features.relative_to(work)} (same binary and parameters)")
            return Fleet(role, seed, turbines, days, start, d, features, d / "csv" / "logbook.csv",
                         old["simulate_summary"], sha256_file(features), old["seconds"])

    if d.exists():
        shutil.rmtree(d)
    csv_dir = d / "csv"
    db = d / "cockpit.db"
    t0 = time.monotonic()
    log(f"fleet {seed} ({role}): simulate {turbines} turbines x {days} days from {start}")
    out = run([cockpit, "simulate", "--turbines", turbines, "--days", days, "--seed", seed,
               "--start", start, "--out", csv_dir, "--json"])
    try:
        summary = json.loads(out)
    except ValueError:
        summary = {"raw": out.strip()}
    t1 = time.monotonic()
    log(f"  simulated in {t1 - t0:.1f} s; ingest")
    run([cockpit, "--db", db, "ingest", csv_dir / "turbines.csv", csv_dir / "logbook.csv",
         csv_dir / "scada.csv", "--json"])
    t2 = time.monotonic()
    log(f"  ingested in {t2 - t1:.1f} s; features --every {every}")
    run([cockpit, "features", "--db", db, "--out", features, "--every", every])
    t3 = time.monotonic()
    log(f"  features in {t3 - t2:.1f} s")
    if not keep_intermediate:
        # The SCADA file and the database are the bulk of the disk use; the feature table,
        # the registry and the logbook are all later steps read.
        (csv_dir / "scada.csv").unlink(missing_ok=True)
        if not keep_db:
            for p in d.glob("cockpit.db*"):
                p.unlink()
    seconds = round(t3 - t0, 1)
    stamp_path.write_text(json.dumps({"stamp": stamp, "simulate_summary": summary,
                                      "seconds": seconds}, indent=1))
    return Fleet(role, seed, turbines, days, start, d, features, csv_dir / "logbook.csv", summary,
                 sha256_file(features), seconds)


def backtest(cockpit: Path, db: Path, models: Path, policy: Path) -> dict:
    """`cockpit backtest --json` of the database `db` with the models folder `models` and the
    risk policy file `policy`; the parsed report. Fails with the cockpit's own message when the
    binary cannot load the models (e.g. a cockpit older than the model set's contract)."""
    if not db.is_file():
        raise PipelineError(f"no database at {db} for the backtest (the evaluation fleet's is kept "
                            f"by prepare_fleet; run again with --fresh if it was deleted)")
    try:
        out = run([cockpit, "--db", db, "--models", models, "--policy", policy, "backtest",
                   "--json"])
    except PipelineError as e:
        raise PipelineError(
            f"the cockpit could not backtest the new models on the evaluation fleet; a cockpit "
            f"that loads model set 2.x (time_to_failure.onnx) and a [time_to_failure] policy is "
            f"needed (use --no-backtest for a development run without it):\n{e}") from e
    try:
        report = json.loads(out)
    except ValueError as e:
        raise PipelineError(f"`cockpit backtest --json` printed no JSON: {out[:300]!r}") from e
    for key in ("levels", "ttf"):
        if key not in report:
            raise PipelineError(f"`cockpit backtest --json` has no `{key}` (this cockpit predates "
                                f"issue 15's time-to-failure contract); got keys {sorted(report)}")
    return report


def read_logbook(path: Path) -> list[dict]:
    """Logbook rows as dicts (turbine_id, component, failure_time, ...)."""
    import csv

    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def env_threads(n: int) -> None:
    """Pins OpenMP/BLAS thread counts; must run before numpy or scikit-learn is imported."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
