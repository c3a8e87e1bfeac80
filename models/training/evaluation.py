"""Metrics: probability quality, thresholds, failure-level (event) recall, the time-to-failure
distribution (the cockpit's derivation mirrored: CDF, quantiles, ranges, coverage)."""

from __future__ import annotations

import datetime as dt

import numpy as np

import config as C
from dataset import DAY, Table, parse_time
from train import probability_scores
from distribution import ttf_cdf, ttf_quantile  # noqa: F401 (re-exported: E.ttf_cdf)


def r(x, nd=4):
    """Rounds for the manifest (None for NaN)."""
    if x is None:
        return None
    x = float(x)
    return None if np.isnan(x) else round(x, nd)


def classification_report(y: np.ndarray, p: np.ndarray) -> dict:
    s = probability_scores(y, p)
    return {
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "base_rate": r(y.mean()),
        "roc_auc": r(s["roc_auc"]),
        "pr_auc": r(s["pr_auc"]),
        "brier": r(s["brier"], 5),
        "log_loss": r(s["log_loss"], 5),
    }


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    """Equal-width bins of the predicted probability: [i/10, (i+1)/10), the last one closed."""
    idx = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        out.append({
            "bin": [round(b / bins, 2), round((b + 1) / bins, 2)],
            "count": int(m.sum()),
            "mean_predicted": r(p[m].mean()) if m.any() else None,
            "observed_rate": r(y[m].mean()) if m.any() else None,
        })
    return out


def threshold_table(y: np.ndarray, p: np.ndarray, thresholds, step_days: float,
                    turbine_years: float, below: bool = False) -> list[dict]:
    """Row-level confusion figures of `p >= threshold` (or `p <= threshold` when `below`, for
    the days-to-failure estimate) against the 7-day label `y`."""
    out = []
    for t in thresholds:
        alert = p <= t if below else p >= t
        tp = int((alert & (y == 1)).sum())
        fp = int((alert & (y == 0)).sum())
        fn = int((~alert & (y == 1)).sum())
        tn = int((~alert & (y == 0)).sum())
        out.append({
            "threshold": t,
            "recall": r(tp / (tp + fn)) if tp + fn else None,
            "precision": r(tp / (tp + fp)) if tp + fp else None,
            "false_alarm_rate": r(fp / (fp + tn)) if fp + tn else None,
            "alert_share": r(alert.mean()),
            "false_alert_days_per_turbine_year": r(fp * step_days / turbine_years, 2)
            if turbine_years else None,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        })
    return out


def events_from_rows(t: Table) -> dict:
    """Failures seen through the rows' labels: a row with censored == 0 has its next failure
    at snapshot_time + days_to_failure. Rows of the same turbine pointing at the same moment
    (within 2 h, the label's rounding) are one failure. Returns event id per row (-1: none) and
    per event: unit, failure time, component."""
    units = t.unit
    ev = np.full(len(t), -1, dtype=np.int64)
    has = t.censored == 0
    ftime = t.time + t.ttf * DAY
    events = []
    order = np.lexsort((ftime, units))
    last_unit, last_time = None, None
    for i in order:
        if not has[i]:
            continue
        if units[i] != last_unit or abs(ftime[i] - last_time) > 2 * 3600:
            events.append({"unit": str(units[i]), "time": float(ftime[i]),
                           "component": str(t.component[i])})
            last_unit, last_time = units[i], ftime[i]
        ev[i] = len(events) - 1
    return {"row_event": ev, "events": events}


def event_recall(t: Table, alert: np.ndarray, min_lead: float, max_lead: float, ev: dict,
                 threshold=None) -> dict:
    """Share of failures with at least one alerted snapshot (`alert`, one bool per row) at lead
    in [min_lead, max_lead] days before the failure. Only failures that have at least one
    snapshot in that lead window can be warned about; they form the denominator. The lead time
    of a detected failure is that of its earliest alert in the window."""
    row_ev = ev["row_event"]
    lead = t.ttf
    in_win = (row_ev >= 0) & (lead >= min_lead) & (lead <= max_lead)
    n_ev = len(ev["events"])
    eligible = np.zeros(n_ev, bool)
    eligible[np.unique(row_ev[in_win])] = True
    first_alert = np.full(n_ev, np.nan)
    hit_rows = in_win & alert
    for e, l in zip(row_ev[hit_rows], lead[hit_rows]):
        if np.isnan(first_alert[e]) or l > first_alert[e]:
            first_alert[e] = l
    detected = eligible & ~np.isnan(first_alert)
    by_comp = {}
    comps = np.array([e["component"] for e in ev["events"]])
    for c in sorted(set(comps[eligible].tolist())):
        m = eligible & (comps == c)
        by_comp[c] = {"failures": int(m.sum()), "detected": int((detected & m).sum()),
                      "recall": r((detected & m).sum() / m.sum())}
    leads = first_alert[detected]
    chance = chance_warning_rate(t, alert, min_lead, max_lead, ev)
    return {
        "threshold": threshold,
        "lead_window_days": [min_lead, max_lead],
        "failures": int(eligible.sum()),
        "detected": int(detected.sum()),
        "recall": r(detected.sum() / eligible.sum()) if eligible.any() else None,
        "median_lead_days": r(np.median(leads), 2) if len(leads) else None,
        "chance_rate": r(chance),
        "lead_days_quartiles": [r(np.percentile(leads, 25), 2), r(np.percentile(leads, 75), 2)]
        if len(leads) else None,
        "by_component": by_comp,
    }


def chance_warning_rate(t: Table, alert: np.ndarray, min_lead: float, max_lead: float,
                        ev: dict) -> float | None:
    """How often the same rule would "warn" of a failure that is not there: every snapshot of a
    turbine with no failure from max_lead + 7 days before to 30 days after it is taken as a
    pseudo-failure time, and the share of those with an alert in the lead window is returned.
    Event-level recall should be read against this chance level."""
    units = t.unit
    fail_times: dict[str, list[float]] = {}
    for e in ev["events"]:
        fail_times.setdefault(e["unit"], []).append(e["time"])
    hits = total = 0
    for u in np.unique(units):
        rows = np.flatnonzero(units == u)
        rows = rows[np.argsort(t.time[rows], kind="stable")]
        tm = t.time[rows].astype(np.float64)
        cum = np.concatenate([[0], np.cumsum(alert[rows])])
        ok = np.ones(len(rows), bool)
        for f in fail_times.get(str(u), []):
            ok &= ~((tm > f - (max_lead + 7.0) * DAY) & (tm < f + 30.0 * DAY))
        # the window must lie inside this turbine's rows
        ok &= tm - max_lead * DAY >= tm[0]
        lo = np.searchsorted(tm, tm - max_lead * DAY, side="left")
        hi = np.searchsorted(tm, tm - min_lead * DAY, side="right")
        n_alerts = cum[hi] - cum[lo]
        hits += int((ok & (n_alerts > 0)).sum())
        total += int(ok.sum())
    return hits / total if total else None


def logbook_crosscheck(t: Table, ev: dict, logbook: list[dict], fleet_seed: int,
                       start: str, days: int, min_lead: float) -> dict:
    """How the failures of the simulator's logbook relate to the failures seen in the rows."""
    t0 = parse_time(start + "T00:00:00Z")
    end = t0 + days * DAY
    lb = []
    for row in logbook:
        try:
            ft = parse_time(row["failure_time"].strip()[:19] + "Z")
        except Exception:  # noqa: BLE001 - reported as unparsable
            continue
        if t0 <= ft < end:
            lb.append((f"{fleet_seed}/{row['turbine_id'].strip()}", ft))
    seen = {}
    for e in ev["events"]:
        seen.setdefault(e["unit"], []).append(e["time"])
    matched = sum(1 for u, ft in lb if any(abs(ft - x) <= 2 * 3600 for x in seen.get(u, [])))
    early = sum(1 for _, ft in lb if ft < t0 + min_lead * DAY)
    return {
        "logbook_failures_in_period": len(lb),
        "seen_in_feature_rows": matched,
        "in_first_min_lead_days": early,
    }


# --------------------------------------------------------------------------- time to failure
# Python mirror of the cockpit's derivation (contract: docs/scoring.md "Time to failure";
# one implementation in the core, this one for the model card and the policy search).


def ttf_ranges(P: np.ndarray, horizons, low_q: float = C.TTF_RANGE[0],
               high_q: float = C.TTF_RANGE[1], median_q: float = C.TTF_MEDIAN) -> dict:
    """Median and 80 % range per row, as the cockpit derives them: F(last) < 0.5 -> "no failure
    expected within the horizon" (median and range NaN, `has_range` False); F(last) < 0.9 ->
    open range [Q(0.1), last horizon] (`open` True); else [Q(0.1), Q(0.9)]."""
    F = ttf_cdf(P)
    last = float(horizons[-1])
    med = ttf_quantile(F, horizons, median_q)
    lo = ttf_quantile(F, horizons, low_q)
    hi = ttf_quantile(F, horizons, high_q)
    has = F[:, -1] >= median_q
    open_ = has & (F[:, -1] < high_q)
    hi = np.where(open_, last, hi)
    med[~has] = np.nan
    lo[~has] = np.nan
    hi[~has] = np.nan
    return {"median": med, "low": lo, "high": hi, "open": open_, "has_range": has}


def ttf_coverage(rng: dict, T: np.ndarray) -> dict:
    """Coverage of the ranges against the true times T (days to the start of the next failure,
    +inf when none within the horizon): over the rows with a range, the share whose T lies in
    [low, high], or T >= low when the range is open. Also the number of ranges, the median width
    (high - low, days) and the rows with no failure expected."""
    has, lo, hi, op = rng["has_range"], rng["low"], rng["high"], rng["open"]
    inside = has & (T >= lo) & ((T <= hi) | op)
    n = int(has.sum())
    covered = int(inside.sum())
    width = (hi - lo)[has]
    return {
        "ranges": n,
        "covered": covered,
        "coverage": r(covered / n) if n else None,
        "median_width_days": r(np.median(width), 2) if n else None,
        "no_failure_expected": int((~has).sum()),
        "no_failure_expected_but_failure_within_horizon": int((~has & np.isfinite(T)).sum()),
        "open_ranges": int((has & op).sum()),
    }


def non_monotone(P: np.ndarray) -> dict:
    """How often the raw columns decrease from one horizon to the next (the cockpit's running
    max then flattens them)."""
    d = np.diff(P, axis=1)
    bad = (d < 0).any(axis=1)
    return {
        "rows": int(len(P)),
        "non_monotone_rows": int(bad.sum()),
        "non_monotone_share": r(bad.mean(), 5) if len(P) else None,
        "max_decrease": r(float(-d.min()) if d.size and d.min() < 0 else 0.0, 5),
    }


# Edges of the reliability table of each horizon (predicted probability), the last one closed.
RELIABILITY_EDGES = [0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0]


def reliability_table(y: np.ndarray, p: np.ndarray, edges=RELIABILITY_EDGES) -> list[dict]:
    """Rows per bin of the predicted probability [edges[i], edges[i+1]), the last one closed:
    count, mean predicted, observed rate."""
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    out = []
    for b in range(len(edges) - 1):
        m = idx == b
        out.append({"bin": [edges[b], edges[b + 1]], "count": int(m.sum()),
                    "mean_predicted": r(p[m].mean()) if m.any() else None,
                    "observed_rate": r(y[m].mean()) if m.any() else None})
    return out


def ttf_report(t: Table, P: np.ndarray, horizons) -> dict:
    """The distribution on a set of rows: per horizon calibration (Brier, positive rate, mean
    predicted, ROC-AUC, reliability table) on the rows whose label for that horizon is known;
    the ranges' coverage on the rows whose outcome over the horizon is known; non-monotone
    share on every row."""
    from dataset import horizon_labels, outcome_known, true_time

    per = []
    for k, h in enumerate(horizons):
        y = horizon_labels(t, h)
        m = ~np.isnan(y)
        yk, pk = y[m].astype(np.int64), P[m, k]
        entry = {"horizon_days": h, "rows": int(m.sum()), "positives": int(yk.sum()),
                 "base_rate": r(yk.mean()) if m.any() else None,
                 "mean_predicted": r(pk.mean()) if m.any() else None}
        if m.any() and 0 < yk.sum() < len(yk):
            s = probability_scores(yk, pk)
            entry.update({"brier": r(s["brier"], 5), "roc_auc": r(s["roc_auc"]),
                          "pr_auc": r(s["pr_auc"])})
        entry["reliability"] = reliability_table(yk, pk)
        per.append(entry)
    known = outcome_known(t, horizons[-1])
    rng = ttf_ranges(P[known], horizons)
    cov = ttf_coverage(rng, true_time(t)[known])
    return {"horizons": per, "coverage": cov, "monotonicity": non_monotone(P),
            "coverage_rows": "rows whose outcome over the horizon is known (a failure within "
                             "it, or a full horizon of follow-up)"}


def turbine_years(t: Table, step_days: float) -> float:
    return len(t) * step_days / 365.25


def step_days(every: str) -> float:
    unit = every[-1]
    n = float(every[:-1])
    return {"d": n, "h": n / 24.0, "m": n / 1440.0}[unit]


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def absence_report(name: str, absent: list[str], t: Table, p: np.ndarray, P: np.ndarray,
                   p_full: np.ndarray, P_full: np.ndarray, healthy: np.ndarray,
                   pol: dict, ev: dict, step: float) -> dict:
    """Figures of the evaluation fleet scored with the `absent` families' features empty (p: the
    7-day probability, P: the distribution's outputs), against the same rows with every family
    (p_full, P_full): ranking quality, event-level recall and false alert-days with the chosen
    policy, and how far the absence alone moves the predicted risk of healthy turbine-days
    (`healthy`: no failure within the horizon)."""
    import episodes as EP
    import policy as PO

    k = t.known_fail()
    yk = t.y_fail[k].astype(np.int64)
    ty = turbine_years(t.subset(k), step)
    pt = pol["probability"]
    high = p >= pt["high"]
    cat = PO.categories(p, P, pol)
    either = cat >= EP.HIGH
    crit = cat >= EP.CRITICAL
    s = probability_scores(yk, p[k])
    p30, p30_full = ttf_cdf(P)[:, -1], ttf_cdf(P_full)[:, -1]

    def false_days(alert):
        fp = int((alert[k] & (yk == 0)).sum())
        return r(fp * step / ty, 2) if ty else None

    e_high = event_recall(t, high, C.MIN_LEAD_DAYS, C.HORIZON_DAYS, ev)
    e_either = event_recall(t, either, C.MIN_LEAD_DAYS, C.HORIZON_DAYS, ev)
    e_crit = event_recall(t, crit, C.MIN_LEAD_DAYS, C.HORIZON_DAYS, ev)
    either_full = PO.categories(p_full, P_full, pol) >= EP.HIGH
    return {
        "name": name,
        "absent": list(absent),
        "roc_auc": r(s["roc_auc"]),
        "pr_auc": r(s["pr_auc"]),
        "event_recall_high": e_high["recall"],
        "event_recall_high_either_output": e_either["recall"],
        "event_recall_critical": e_crit["recall"],
        "failures": e_high["failures"],
        "chance_rate_high": e_high["chance_rate"],
        "false_alert_days_per_turbine_year_high": false_days(high),
        "false_alert_days_per_turbine_year_high_either_output": false_days(either),
        "by_component_high": e_high["by_component"],
        "healthy_rows": int(healthy.sum()),
        "healthy_mean_p": r(p[healthy].mean(), 5),
        "healthy_mean_p_shift": r((p[healthy] - p_full[healthy]).mean(), 5),
        "healthy_mean_abs_p_shift": r(np.abs(p[healthy] - p_full[healthy]).mean(), 5),
        "healthy_mean_p30_shift": r((p30[healthy] - p30_full[healthy]).mean(), 5),
        "healthy_high_share_either_output": r(either[healthy].mean()),
        "healthy_high_share_change_either_output": r(either[healthy].mean()
                                                     - either_full[healthy].mean()),
        "all_rows_mean_p_shift": r((p - p_full).mean(), 5),
    }
