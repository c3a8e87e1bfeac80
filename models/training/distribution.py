"""The time-to-failure distribution's CDF and quantiles: the Python mirror of the cockpit's
derivation (crates/cockpit-core/src/ttf.rs; contract in docs/scoring.md "Time to failure"),
shared by the evaluation (ranges, coverage) and the policy search."""

from __future__ import annotations

import numpy as np


def ttf_cdf(P: np.ndarray) -> np.ndarray:
    """[N, K] raw outputs (column k: P(failure within horizons[k] days)) -> [N, K + 1] CDF at
    the knots [0] + horizons: F(0) = 0, F(h_k) = clamp(max(p_0..p_k), 0, 1)."""
    P = np.atleast_2d(np.asarray(P, dtype=np.float64))
    F = np.clip(np.maximum.accumulate(P, axis=1), 0.0, 1.0)
    return np.column_stack([np.zeros(len(F)), F])


def ttf_quantile(F: np.ndarray, horizons, q: float) -> np.ndarray:
    """Q(q) per row: the smallest t in [0, last horizon] with F(t) >= q, F linear between the
    knots [0] + horizons; NaN when F(last) < q. With k the first knot where F >= q (k >= 1 for
    q > 0): t = t[k-1] + (q - F[k-1]) / (F[k] - F[k-1]) * (t[k] - t[k-1])."""
    knots = np.concatenate([[0.0], np.asarray(horizons, dtype=np.float64)])
    reach = F >= q
    has = reach[:, -1]
    k = np.argmax(reach, axis=1)
    out = np.full(len(F), np.nan)
    at0 = has & (k == 0)
    out[at0] = 0.0
    m = has & (k > 0)
    rows = np.flatnonzero(m)
    kk = k[m]
    f0, f1 = F[rows, kk - 1], F[rows, kk]
    t0, t1 = knots[kk - 1], knots[kk]
    out[m] = t0 + (q - f0) / (f1 - f0) * (t1 - t0)
    return out
