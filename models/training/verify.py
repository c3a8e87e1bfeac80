#!/usr/bin/env python3
"""Checks the committed artefacts against each other, as the Rust side will use them:
manifest checksums, ONNX inputs/outputs, feature count, and models/parity.csv reproduced by
onnxruntime from the ONNX files (inverse transform and clip from the manifest) within 1e-5.

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


def verify(models: Path) -> list[str]:
    problems: list[str] = []
    m = json.loads((models / "manifest.json").read_text(encoding="utf-8"))
    names = m["feature_names"]
    n = len(names)
    sessions = {}
    for key in ("failure_7d", "days_to_failure"):
        spec = m["models"][key]
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
        sessions[key] = (s, spec)

    with open(models / "parity.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header != names + ["expected_p_fail_7d", "expected_ttf_days"]:
        problems.append("parity.csv: header is not the manifest's feature names + 2 expected columns")
        return problems
    X = np.array([[np.float32(v) if v != "" else np.float32("nan") for v in r[:n]] for r in body],
                 dtype=np.float32)
    exp_p = np.array([float(r[n]) for r in body])
    exp_d = np.array([float(r[n + 1]) for r in body])
    if not np.isnan(X).any():
        problems.append("parity.csv: no row with a missing (NaN) feature")

    s, spec = sessions["failure_7d"]
    p = s.run([spec["output"]], {spec["input"]: X})[0][:, spec["class_index"]].astype(np.float64)
    s, spec = sessions["days_to_failure"]
    raw = s.run([spec["output"]], {spec["input"]: X})[0].reshape(-1).astype(np.float64)
    if spec["output_transform"] != "expm1":
        problems.append(f"unexpected output_transform {spec['output_transform']}")
    lo, hi = spec["clip"]
    d = np.clip(np.expm1(raw), lo, hi)
    # One row at a time (as when scoring a single turbine) must give the same numbers as the
    # batch: the tree sums are exact in float32 (see train.quantize_leaves).
    raw1 = np.array([s.run([spec["output"]], {spec["input"]: X[i:i + 1]})[0].reshape(-1)[0]
                     for i in range(len(X))], dtype=np.float64)
    if not np.array_equal(raw1, raw):
        problems.append(f"days_to_failure: row-by-row output differs from batch output by up to "
                        f"{np.max(np.abs(raw1 - raw)):.3g}")
    dp, dd = np.max(np.abs(p - exp_p)), np.max(np.abs(d - exp_d))
    if dp > TOL or dd > TOL:
        problems.append(f"parity.csv not reproduced: max |dp| {dp:.3g}, max |d days| {dd:.3g}")
    if not ((p >= 0) & (p <= 1)).all():
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
