"""Model fitting, hyper-parameter search, calibration, ONNX export and ONNX/sklearn parity."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
import onnx
import onnxruntime as ort
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

import config as C
from fleets import PipelineError, log

PROBA_OUTPUT = "probabilities"
LABEL_OUTPUT = "label"
REGRESSION_OUTPUT = "variable"


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
# accumulation otherwise varies by a few ulps with the summation order, up to ~1e-4 days after
# expm1), and scikit-learn's float64 sums are the same numbers. The rounding (<= 2^-17 per
# leaf) is far below anything the models resolve.
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


# --------------------------------------------------------------------------- regressor

def to_target(days: np.ndarray) -> np.ndarray:
    """Regressor target: log1p(min(T, horizon)). The log compresses the long healthy tail (most
    rows sit at the 30-day cap) and puts the resolution where it matters, near failure."""
    return np.log1p(np.minimum(days, C.HORIZON_DAYS))


def from_target(raw: np.ndarray) -> np.ndarray:
    """Inverse of to_target, as the Rust side applies it: clip(expm1(raw), 0, horizon)."""
    return np.clip(np.expm1(raw.astype(np.float64)), 0.0, C.HORIZON_DAYS)


def balanced_mae(pred_days: np.ndarray, true_days: np.ndarray) -> float:
    """Mean of the MAEs (in days) of the true-value buckets 0-3, 3-7, 7-14, 14-30 and "no
    failure within the horizon". Plain MAE is dominated by the ~80 % of rows at the 30-day cap
    and is minimised by predicting 30 almost everywhere, which makes the model useless exactly
    where it matters; balancing the buckets rewards tracking the time left once a drift shows."""
    err = np.abs(pred_days - true_days)
    maes = []
    for lo, hi in C.TTF_BUCKETS:
        m = (true_days >= lo) & (true_days < hi)
        if m.any():
            maes.append(err[m].mean())
    m = true_days >= C.HORIZON_DAYS
    if m.any():
        maes.append(err[m].mean())
    return float(np.mean(maes))


def tune_regressor(X_fit, t_fit, X_val, t_val) -> Search:
    """Grid over loss and tree shape; iterations from staged validation scores. Criterion:
    validation bucket-balanced MAE in days (after the inverse transform and clip), see
    balanced_mae."""
    rows = []
    best = None
    y_fit = to_target(t_fit)
    for params in _grid(C.REGRESSOR_GRID):
        t0 = time.monotonic()
        m = HistGradientBoostingRegressor(max_iter=C.REGRESSOR_MAX_ITER, early_stopping=False,
                                          random_state=C.RANDOM_STATE, **params)
        m.fit(X_fit, y_fit)
        curve = []
        for i, raw in enumerate(m.staged_predict(X_val), start=1):
            if i % C.ITERATION_STEP == 0:
                curve.append((balanced_mae(from_target(raw), t_val), i))
        mae, n_iter = min(curve)
        rows.append({**params, "best_n_iter": n_iter, "val_balanced_mae_days": round(mae, 5),
                     "seconds": round(time.monotonic() - t0, 1)})
        log(f"  regressor {params} -> balanced MAE {mae:.3f} d at {n_iter} iterations "
            f"({time.monotonic() - t0:.1f} s)")
        key = (round(mae, 6), n_iter)
        if best is None or key < best[0]:
            best = (key, params, n_iter, mae)
    _, params, n_iter, mae = best
    return Search(params, n_iter, mae, rows)


def fit_regressor(X, t, params: dict, n_iter: int) -> HistGradientBoostingRegressor:
    m = HistGradientBoostingRegressor(max_iter=n_iter, early_stopping=False,
                                      random_state=C.RANDOM_STATE, **params)
    m.fit(X, to_target(t))
    float32_exact_thresholds(m)
    quantize_leaves(m)
    return m


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


def export_regressor(model, feature_names: list[str]) -> bytes:
    onx = convert_sklearn(
        model,
        initial_types=[(C.INPUT_NAME, FloatTensorType([None, len(feature_names)]))],
        target_opset=C.TARGET_OPSET,
    )
    outs = [o.name for o in onx.graph.output]
    if outs != [REGRESSION_OUTPUT]:
        raise PipelineError(f"unexpected regressor outputs {outs}")
    return _finish(onx, "days_to_failure",
                   f"log1p(days to failure, capped at {C.HORIZON_DAYS:g}): days = "
                   f"clip(expm1('{REGRESSION_OUTPUT}'), 0, {C.HORIZON_DAYS:g})", feature_names)


def session(model_bytes: bytes) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, sess_options=so, providers=["CPUExecutionProvider"])


def onnx_proba(sess: ort.InferenceSession, X32: np.ndarray) -> np.ndarray:
    out = sess.run([PROBA_OUTPUT], {C.INPUT_NAME: X32})[0]
    return out[:, 1].astype(np.float64)


def onnx_raw_regression(sess: ort.InferenceSession, X32: np.ndarray) -> np.ndarray:
    return sess.run([REGRESSION_OUTPUT], {C.INPUT_NAME: X32})[0].reshape(-1).astype(np.float64)


def classifier_parity(model, model_bytes: bytes, X32: np.ndarray) -> float:
    p_sk = model.predict_proba(X32)[:, 1]
    p_ox = onnx_proba(session(model_bytes), X32)
    return float(np.max(np.abs(p_sk - p_ox)))


def regressor_parity(model, model_bytes: bytes, X32: np.ndarray) -> dict:
    raw_sk = model.predict(X32)
    raw_ox = onnx_raw_regression(session(model_bytes), X32)
    return {
        "raw_max_abs_diff": float(np.max(np.abs(raw_sk - raw_ox))),
        "days_max_abs_diff": float(np.max(np.abs(from_target(raw_sk) - from_target(raw_ox)))),
    }
