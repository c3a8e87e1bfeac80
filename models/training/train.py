"""Model fitting, hyper-parameter search, calibration, ONNX export and ONNX/sklearn parity: the
7-day classifier and the time-to-failure distribution (one classifier per horizon, one graph)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
import onnx
import onnx.compose
import onnxruntime as ort
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

import config as C
from fleets import PipelineError, log

PROBA_OUTPUT = "probabilities"
LABEL_OUTPUT = "label"


def _grid(grid: dict) -> list[dict]:
    keys = list(grid)
    return [dict(zip(keys, v)) for v in itertools.product(*(grid[k] for k in keys))]


def float32_exact_thresholds(model) -> int:
    """Rounds every split threshold of a fitted HistGradientBoosting model down to the largest
    float32 not above it. For float32 inputs (what the ONNX graph receives) `x <= t` and
    `x <= t32` then agree exactly, so the sklearn model and its float32 ONNX export take the
    same branch at every node. Returns the number of thresholds changed."""
    changed = 0
    for predictors in model._predictors:
        for p in predictors:
            nodes = p.nodes
            split = ~nodes["is_leaf"].astype(bool)
            thr = nodes["num_threshold"][split]
            t32 = thr.astype(np.float32)
            above = t32.astype(np.float64) > thr
            t32[above] = np.nextafter(t32[above], np.float32(-np.inf))
            new = t32.astype(np.float64)
            changed += int((new != thr).sum())
            nodes["num_threshold"][split] = new
    return changed


# Leaf values and the baseline are rounded to multiples of 2^-LEAF_BITS. Every partial sum of
# such numbers below 2^(24 - LEAF_BITS) in magnitude is exact in float32, so ONNX Runtime
# returns bit-identical tree sums whatever its threading or batch size (its float32
# accumulation otherwise varies by a few ulps with the summation order), and scikit-learn's
# float64 sums are the same numbers. The rounding (<= 2^-17 per leaf) is far below anything the
# models resolve.
LEAF_BITS = 16


def quantize_leaves(model) -> float:
    """Rounds leaf values and baseline of a fitted HistGradientBoosting model to multiples of
    2^-LEAF_BITS; checks the exactness bound. Returns the bound on partial sums."""
    q = float(2 ** LEAF_BITS)
    model._baseline_prediction = np.round(model._baseline_prediction * q) / q
    bound = float(np.max(np.abs(model._baseline_prediction)))
    for predictors in model._predictors:
        for p in predictors:
            p.nodes["value"] = np.round(p.nodes["value"] * q) / q
            leaves = p.nodes["is_leaf"].astype(bool)
            bound += float(np.max(np.abs(p.nodes["value"][leaves])))
    limit = 2.0 ** (24 - LEAF_BITS)
    if bound >= limit:
        raise PipelineError(f"tree sums may reach {bound:.1f} >= {limit:.0f}: float32 sums would "
                            f"no longer be exact; lower LEAF_BITS")
    return bound


# --------------------------------------------------------------------------- classifier

@dataclass
class Search:
    params: dict
    n_iter: int
    score: float
    table: list  # one entry per grid point


def tune_classifier(X_fit, y_fit, X_val, y_val) -> Search:
    """Grid over tree shape and regularisation; the number of iterations is chosen from the
    staged validation scores. Criterion: validation average precision (PR-AUC)."""
    rows = []
    best = None
    for params in _grid(C.CLASSIFIER_GRID):
        t0 = time.monotonic()
        m = HistGradientBoostingClassifier(max_iter=C.CLASSIFIER_MAX_ITER, early_stopping=False,
                                           random_state=C.RANDOM_STATE, **params)
        m.fit(X_fit, y_fit)
        curve = []
        for i, proba in enumerate(m.staged_predict_proba(X_val), start=1):
            if i % C.ITERATION_STEP == 0:
                curve.append((average_precision_score(y_val, proba[:, 1]), -i, i))
        ap, _, n_iter = max(curve)
        rows.append({**params, "best_n_iter": n_iter, "val_pr_auc": round(ap, 5),
                     "seconds": round(time.monotonic() - t0, 1)})
        log(f"  classifier {params} -> PR-AUC {ap:.4f} at {n_iter} iterations "
            f"({time.monotonic() - t0:.1f} s)")
        key = (round(ap, 6), -n_iter)
        if best is None or key > best[0]:
            best = (key, params, n_iter, ap)
    _, params, n_iter, ap = best
    return Search(params, n_iter, ap, rows)


def fit_booster(X, y, params: dict, n_iter: int) -> HistGradientBoostingClassifier:
    m = HistGradientBoostingClassifier(max_iter=n_iter, early_stopping=False,
                                       random_state=C.RANDOM_STATE, **params)
    m.fit(X, y)
    float32_exact_thresholds(m)
    quantize_leaves(m)
    return m


def calibrate(booster, X_cal, y_cal, method: str) -> CalibratedClassifierCV:
    """Calibrates the already fitted booster on data it never saw (FrozenEstimator: the booster
    is not refitted; one calibrator is fitted on all of X_cal). The FrozenEstimator wrapper is
    removed afterwards (it only forwards calls) so that skl2onnx can convert the model."""
    cal = CalibratedClassifierCV(FrozenEstimator(booster), method=method)
    cal.fit(X_cal, y_cal)
    for cc in cal.calibrated_classifiers_:
        cc.estimator = booster
    cal.estimator = booster
    return cal


def probability_scores(y, p) -> dict:
    return {
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-7, 1 - 1e-7), labels=[0, 1])),
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
    }


# --------------------------------------------------------------------------- time to failure

def fit_horizon(X_fit, y_fit, X_cal, y_cal, X_val, y_val, params: dict, n_iter: int,
                feature_names: list[str], check_X) -> dict:
    """One classifier "a failure starts within h days": booster with the given (the 7-day
    classifier's) hyper-parameters, each calibration method tried on the calibration rows, the
    one that exports exactly (ONNX vs scikit-learn on check_X) with the lower validation Brier
    score kept. Returns the calibrated model, its ONNX bytes and the figures."""
    booster = fit_booster(X_fit, y_fit, params, n_iter)
    tried = {}
    best = None
    for method in C.CALIBRATION_METHODS:
        cal = calibrate(booster, X_cal, y_cal, method)
        p_val = cal.predict_proba(X_val)[:, 1]
        brier = float(brier_score_loss(y_val, p_val))
        onx = export_classifier(cal, feature_names)
        diff = classifier_parity(cal, onx, check_X)
        ok = diff <= C.PARITY_TOLERANCE
        tried[method] = {"validation_brier": round(brier, 6),
                         "onnx_max_abs_diff": float(f"{diff:.3g}"), "exports_exactly": bool(ok)}
        if ok and (best is None or brier < best[0]):
            best = (brier, method, cal, onx)
    if best is None:
        raise PipelineError(f"no calibrated horizon classifier exports to ONNX within "
                            f"{C.PARITY_TOLERANCE} of scikit-learn: {tried}")
    return {"model": best[2], "onnx": best[3], "method": best[1], "calibration": tried}


def export_time_to_failure(parts: list[bytes], horizons: list[float],
                           feature_names: list[str]) -> bytes:
    """One graph from the horizon classifiers' ONNX exports (one per horizon, in order): each
    sub-graph's names are prefixed `h<k>_`, they all read the shared input `features`, the
    class-1 column of each `probabilities` output is gathered and the columns concatenated into
    `probabilities` [N, len(horizons)]. The sub-graphs are unchanged, so the exactness of each
    classifier's export carries over."""
    n = len(feature_names)
    nodes, inits = [], []
    cols = []
    for k, data in enumerate(parts):
        sub = onnx.load_from_string(data)
        sub = onnx.compose.add_prefix(sub, f"h{k}_", rename_inputs=False)
        g = sub.graph
        nodes += list(g.node)
        inits += list(g.initializer)
        idx = f"h{k}_class1"
        inits.append(onnx.helper.make_tensor(idx, onnx.TensorProto.INT64, [1], [1]))
        col = f"h{k}_p_within"
        nodes.append(onnx.helper.make_node("Gather", [f"h{k}_{PROBA_OUTPUT}", idx], [col],
                                           axis=1, name=f"h{k}_gather_class1"))
        cols.append(col)
    nodes.append(onnx.helper.make_node("Concat", cols, [PROBA_OUTPUT], axis=1,
                                       name="concat_horizons"))
    graph = onnx.helper.make_graph(
        nodes, "time_to_failure",
        [onnx.helper.make_tensor_value_info(C.INPUT_NAME, onnx.TensorProto.FLOAT, [None, n])],
        [onnx.helper.make_tensor_value_info(PROBA_OUTPUT, onnx.TensorProto.FLOAT,
                                            [None, len(parts)])],
        initializer=inits)
    first = onnx.load_from_string(parts[0])
    model = onnx.helper.make_model(graph, opset_imports=list(first.opset_import))
    model.ir_version = first.ir_version
    hs = ", ".join(f"{h:g}" for h in horizons)
    return _finish(model, "time_to_failure",
                   f"P(a failure starts within h days), h = [{hs}]: output '{PROBA_OUTPUT}' "
                   f"[N, {len(parts)}], column k for horizon k; cumulative, calibrated per column, "
                   f"made monotone by the reader (running max)", feature_names)


def ttf_probabilities(models: list, X32: np.ndarray) -> np.ndarray:
    """scikit-learn's [N, K] probabilities of the horizon classifiers."""
    return np.column_stack([m.predict_proba(X32)[:, 1] for m in models])


def onnx_ttf(sess: ort.InferenceSession, X32: np.ndarray) -> np.ndarray:
    return sess.run([PROBA_OUTPUT], {C.INPUT_NAME: X32})[0].astype(np.float64)


def ttf_parity(models: list, model_bytes: bytes, X32: np.ndarray) -> float:
    return float(np.max(np.abs(ttf_probabilities(models, X32) - onnx_ttf(session(model_bytes),
                                                                           X32))))


# --------------------------------------------------------------------------- ONNX

def _finish(onx: onnx.ModelProto, name: str, doc: str, feature_names: list[str]) -> bytes:
    onx.graph.name = name
    onx.doc_string = doc
    meta = {
        "model_version": C.MODEL_VERSION,
        "n_features": str(len(feature_names)),
        "feature_names": ",".join(feature_names),
    }
    del onx.metadata_props[:]
    for k, v in meta.items():
        p = onx.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(onx)
    return onx.SerializeToString()


def export_classifier(model, feature_names: list[str]) -> bytes:
    onx = convert_sklearn(
        model,
        initial_types=[(C.INPUT_NAME, FloatTensorType([None, len(feature_names)]))],
        options={type(model): {"zipmap": False}},
        target_opset=C.TARGET_OPSET,
    )
    outs = [o.name for o in onx.graph.output]
    if outs != [LABEL_OUTPUT, PROBA_OUTPUT]:
        raise PipelineError(f"unexpected classifier outputs {outs}")
    return _finish(onx, "failure_7d",
                   f"P(failure within {C.CLASSIFIER_WINDOW_DAYS:g} days): output "
                   f"'{PROBA_OUTPUT}'[:, 1]", feature_names)


def session(model_bytes: bytes) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, sess_options=so, providers=["CPUExecutionProvider"])


def onnx_proba(sess: ort.InferenceSession, X32: np.ndarray) -> np.ndarray:
    out = sess.run([PROBA_OUTPUT], {C.INPUT_NAME: X32})[0]
    return out[:, 1].astype(np.float64)


def classifier_parity(model, model_bytes: bytes, X32: np.ndarray) -> float:
    p_sk = model.predict_proba(X32)[:, 1]
    p_ox = onnx_proba(session(model_bytes), X32)
    return float(np.max(np.abs(p_sk - p_ox)))
