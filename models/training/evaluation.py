"""Metrics: probability quality, thresholds, failure-level (event) recall, regression error."""

from __future__ import annotations

import datetime as dt

import numpy as np

import config as C
from dataset import DAY, Table, parse_time
from train import probability_scores


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


def regression_report(true_days: np.ndarray, pred_days: np.ndarray) -> dict:
    err = np.abs(pred_days - true_days)
    buckets = []
    for lo, hi in C.TTF_BUCKETS:
        last = hi == C.TTF_BUCKETS[-1][1]
        m = (true_days >= lo) & ((true_days <= hi) if last else (true_days < hi))
        m &= true_days < C.HORIZON_DAYS  # a failure was observed within the horizon
        buckets.append(_bucket(f"{lo:g}-{hi:g}", m, err, pred_days, true_days))
    capped = true_days >= C.HORIZON_DAYS
    buckets.append(_bucket(f"none within {C.HORIZON_DAYS:g} (target {C.HORIZON_DAYS:g})", capped,
                           err, pred_days, true_days))
    le = true_days <= C.TTF_TARGET_MAX
    return {
        "rows": int(len(true_days)),
        "mae_all_days": r(err.mean(), 3),
        "mae_t_le_14_days": r(err[le].mean(), 3) if le.any() else None,
        "rows_t_le_14": int(le.sum()),
        "baseline_mae_t_le_14_days_predicting_horizon": r(
            np.abs(C.HORIZON_DAYS - true_days[le]).mean(), 3) if le.any() else None,
        "by_true_bucket": buckets,
    }


def _bucket(name, m, err, pred, true) -> dict:
    return {
        "true_days": name,
        "rows": int(m.sum()),
        "mae_days": r(err[m].mean(), 3) if m.any() else None,
        "median_abs_error_days": r(np.median(err[m]), 3) if m.any() else None,
        "mean_predicted_days": r(pred[m].mean(), 3) if m.any() else None,
        "mean_true_days": r(true[m].mean(), 3) if m.any() else None,
    }


def turbine_years(t: Table, step_days: float) -> float:
    return len(t) * step_days / 365.25


def step_days(every: str) -> float:
    unit = every[-1]
    n = float(every[:-1])
    return {"d": n, "h": n / 24.0, "m": n / 1440.0}[unit]


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def absence_report(name: str, absent: list[str], t: Table, p: np.ndarray, days: np.ndarray,
                   p_full: np.ndarray, days_full: np.ndarray, healthy: np.ndarray,
                   thresholds: dict, ev: dict, step: float) -> dict:
    """Figures of the evaluation fleet scored with the `absent` families' features empty (p,
    days), against the same rows with every family (p_full, days_full): ranking quality,
    event-level recall and false alert-days at the suggested thresholds, and how far the
    absence alone moves the predicted risk of healthy turbine-days (`healthy`: no failure
    within the horizon)."""
    k = t.known_fail()
    yk = t.y_fail[k].astype(np.int64)
    ty = turbine_years(t.subset(k), step)
    pt, dt_ = thresholds["probability"], thresholds["days_to_failure"]
    high = p >= pt["high"]
    either = high | (days <= dt_["high"])
    crit = p >= pt["critical"]
    s = probability_scores(yk, p[k])

    def false_days(alert):
        fp = int((alert[k] & (yk == 0)).sum())
        return r(fp * step / ty, 2) if ty else None

    e_high = event_recall(t, high, C.MIN_LEAD_DAYS, C.HORIZON_DAYS, ev)
    e_either = event_recall(t, either, C.MIN_LEAD_DAYS, C.HORIZON_DAYS, ev)
    e_crit = event_recall(t, crit, C.MIN_LEAD_DAYS, C.HORIZON_DAYS, ev)
    either_full = (p_full >= pt["high"]) | (days_full <= dt_["high"])
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
        "healthy_mean_days_shift": r((days[healthy] - days_full[healthy]).mean(), 3),
        "healthy_high_share_either_output": r(either[healthy].mean()),
        "healthy_high_share_change_either_output": r(either[healthy].mean()
                                                     - either_full[healthy].mean()),
        "all_rows_mean_p_shift": r((p - p_full).mean(), 5),
    }
