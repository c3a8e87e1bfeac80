#!/usr/bin/env python3
"""Checks the committed artefacts against each other, as the Rust side will use them:
manifest checksums, ONNX inputs/outputs, feature count, and models/parity.csv reproduced by
onnxruntime from the ONNX files within 1e-5 (the 7-day probability and the time-to-failure
distribution's raw columns, batch and row by row).

    models/training/.venv/bin/python models/training/verify.py [MODELS_DIR]

Exit code 0 when everything holds, 1 otherwise. pipeline.py runs it after writing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

TOL = 1e-5


def _check_session(models: Path, spec: dict, n: int, problems: list[str]):
    data = (models / spec["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != spec["sha256"]:
        problems.append(f"{spec['file']}: sha256 differs from the manifest")
    s = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    ins = s.get_inputs()
    if len(ins) != 1 or ins[0].name != spec["input"] or ins[0].type != "tensor(float)" \
            or ins[0].shape[1] != n:
        problems.append(f"{spec['file']}: input is {[(i.name, i.type, i.shape) for i in ins]}, "
                        f"expected '{spec['input']}' float [N, {n}]")
    if spec["output"] not in [o.name for o in s.get_outputs()]:
        problems.append(f"{spec['file']}: no output '{spec['output']}'")
    return s


def verify(models: Path) -> list[str]:
    """Problems found in `models` (empty when everything holds): the manifest's model entries
    (failure_7d, time_to_failure with its horizons; no days_to_failure), checksums, ONNX
    signatures, and parity.csv reproduced by onnxruntime, batch and row by row."""
    problems: list[str] = []
    m = json.loads((models / "manifest.json").read_text(encoding="utf-8"))
    names = m["feature_names"]
    n = len(names)
    entries = m.get("models", {})
    if "days_to_failure" in entries:
        problems.append("manifest: models.days_to_failure is the 1.x regressor's entry; model set "
                        "2.x has models.time_to_failure instead")
    for key in ("failure_7d", "time_to_failure"):
        if key not in entries:
            problems.append(f"manifest: no models.{key}")
    if problems:
        return problems
    ttf = entries["time_to_failure"]
    hs = ttf.get("horizons_days") or []
    if not (hs and all(h > 0 for h in hs) and all(b > a for a, b in zip(hs, hs[1:]))
            and hs[-1] == m["horizon_days"]):
        problems.append(f"manifest: time_to_failure.horizons_days {hs} must be positive, strictly "
                        f"increasing and end at horizon_days ({m['horizon_days']})")
        return problems
    if ttf.get("output_shape") != [None, len(hs)]:
        problems.append(f"manifest: time_to_failure.output_shape {ttf.get('output_shape')} is not "
                        f"[null, {len(hs)}]")
    s7 = _check_session(models, entries["failure_7d"], n, problems)
    st = _check_session(models, ttf, n, problems)

    with open(models / "parity.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    expected = ["expected_p_fail_7d"] + [f"expected_p_within_{h:g}d" for h in hs]
    if header != names + expected:
        problems.append(f"parity.csv: header is not the manifest's feature names + "
                        f"{', '.join(expected)}")
        return problems

    def num(v):
        return np.float32(v) if v != "" else np.float32("nan")

    X = np.array([[num(v) for v in r[:n]] for r in body], dtype=np.float32)
    exp_p = np.array([float(r[n]) for r in body])
    exp_P = np.array([[float(v) if v != "" else np.nan for v in r[n + 1:]] for r in body])
    if not np.isnan(X).any():
        problems.append("parity.csv: no row with a missing (NaN) feature")

    spec = entries["failure_7d"]
    p = s7.run([spec["output"]], {spec["input"]: X})[0][:, spec["class_index"]].astype(np.float64)
    P = st.run([ttf["output"]], {ttf["input"]: X})[0].astype(np.float64)
    if P.shape != (len(X), len(hs)):
        problems.append(f"time_to_failure: output shape {P.shape}, expected ({len(X)}, {len(hs)})")
        return problems
    # One row at a time (as when scoring a single turbine) must give the same numbers as the
    # batch: the tree sums are exact in float32 (see train.quantize_leaves).
    P1 = np.vstack([st.run([ttf["output"]], {ttf["input"]: X[i:i + 1]})[0] for i in
                    range(len(X))]).astype(np.float64)
    if not np.array_equal(P1, P):
        problems.append(f"time_to_failure: row-by-row output differs from batch output by up to "
                        f"{np.nanmax(np.abs(P1 - P)):.3g}")
    dp = np.max(np.abs(p - exp_p))
    dP = np.max(np.abs(P - exp_P)) if not np.isnan(exp_P).any() else np.inf
    if dp > TOL or dP > TOL:
        problems.append(f"parity.csv not reproduced: max |dp7| {dp:.3g}, max |dP| {dP:.3g}")
    if not ((p >= 0) & (p <= 1)).all() or not (np.isfinite(P) & (P >= 0) & (P <= 1)).all():
        problems.append("probabilities outside [0, 1]")
    return problems


def main() -> int:
    models = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    problems = verify(models)
    for p in problems:
        print(f"[models] verify: {p}", file=sys.stderr)
    if not problems:
        print(f"[models] verify: {models} consistent (manifest, ONNX files, parity.csv)",
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
