"""The risk policy: a Python mirror of crates/cockpit-core/src/risk.rs with the `[time_to_failure]`
section of issue 15, the daily categories it gives, and the choice of its values on the
validation rows against the alert-episode targets (config.EPISODE_TARGETS, POLICY_SEARCH).

The rule: the probability of failure within 7 days is a risk level on its own; the distribution's
Q(quantile) (days; undefined -> no risk) is turned into a level on the probability scale, 0 at the
horizon, the moderate / high / critical probability thresholds at the configured days, 1 at 0
days, linear in between; the risk level is the larger of the two; the category follows from the
probability thresholds.
"""

from __future__ import annotations

import numpy as np

import config as C
import episodes as EP
import distribution as D


def days_level(days: np.ndarray, pol: dict) -> np.ndarray:
    """risk.rs `days_level`, vectorised: NaN -> 0; >= horizon -> 0; <= 0 -> 1; linear between
    the knots (horizon, 0), (moderate, p.moderate), (high, p.high), (critical, p.critical),
    (0, 1)."""
    d, p = pol["time_to_failure"], pol["probability"]
    knots = [(d["horizon"], 0.0), (d["moderate"], p["moderate"]), (d["high"], p["high"]),
             (d["critical"], p["critical"]), (0.0, 1.0)]
    days = np.asarray(days, dtype=np.float64)
    out = np.zeros(len(days))
    done = np.isnan(days) | (days >= d["horizon"])
    one = ~done & (days <= 0.0)
    out[one] = 1.0
    done |= one
    for (d0, l0), (d1, l1) in zip(knots[:-1], knots[1:]):
        m = ~done & (days <= d0) & (days >= d1)
        out[m] = l0 + (l1 - l0) * (d0 - days[m]) / (d0 - d1)
        done |= m
    return out


def categories(p7: np.ndarray, P: np.ndarray, pol: dict) -> np.ndarray:
    """Integer category (episodes.LOW .. CRITICAL) of each row from the 7-day probability and
    the distribution's raw outputs, as the cockpit's `assess` gives it."""
    p = np.clip(np.nan_to_num(p7, nan=0.0), 0.0, 1.0)
    q = D.ttf_quantile(D.ttf_cdf(P), C.TTF_HORIZONS, pol["time_to_failure"]["quantile"])
    level = np.maximum(p, days_level(q, pol))
    pr = pol["probability"]
    return ((level >= pr["moderate"]).astype(np.int64) + (level >= pr["high"])
            + (level >= pr["critical"]))


def validate(pol: dict) -> None:
    """The orders risk.rs demands."""
    p, d = pol["probability"], pol["time_to_failure"]
    if not 0 < p["moderate"] < p["high"] < p["critical"] < 1:
        raise ValueError(f"probability thresholds out of order: {p}")
    if not 0 < d["critical"] < d["high"] < d["moderate"] < d["horizon"]:
        raise ValueError(f"time_to_failure thresholds out of order: {d}")
    if not 0 < d["quantile"] < 1:
        raise ValueError(f"quantile must be in (0, 1): {d['quantile']}")


def make_policy(q: float, p_high: float, d_high: float, p_crit: float, d_crit: float) -> dict:
    """A complete policy: moderate = p_high / 2 and halfway between d_high and the horizon."""
    horizon = C.HORIZON_DAYS
    pol = {"probability": {"moderate": round(p_high / 2, 4), "high": p_high,
                           "critical": p_crit},
           "time_to_failure": {"quantile": q, "moderate": round((d_high + horizon) / 2, 1),
                               "high": d_high, "critical": d_crit, "horizon": horizon}}
    validate(pol)
    return pol


def to_toml(pol: dict, header: str = "") -> str:
    """The policy file in data/risk-policy.toml's format."""
    p, d = pol["probability"], pol["time_to_failure"]
    lines = [f"# {line}" for line in header.splitlines()] + [
        "[probability]",
        f"moderate = {float(p['moderate'])!r}",
        f"high = {float(p['high'])!r}",
        f"critical = {float(p['critical'])!r}",
        "",
        "[time_to_failure]",
        f"quantile = {float(d['quantile'])!r}",
        f"moderate = {float(d['moderate'])!r}",
        f"high = {float(d['high'])!r}",
        f"critical = {float(d['critical'])!r}",
        f"horizon = {float(d['horizon'])!r}",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- rated days

class Period:
    """Daily rated rows of a set of turbines (the feature rows: one snapshot per turbine-day)
    and the logbook failures of the period, as the backtest sees them: failures in
    (first day, last day + 1 day], data known until the last day + 1 day."""

    def __init__(self, unit: np.ndarray, t: np.ndarray, failures: list[EP.Failure],
                 min_days_after_start: float = 0.0):
        self.unit, self.t = unit, t.astype(np.int64)
        first, last = int(self.t.min()), int(self.t.max())
        self.data_end = last + EP.DAY
        units = set(np.unique(unit).tolist())
        self.failures = [f for f in failures if f.unit in units and first < f.time <= self.data_end]
        # per unit: first rated day (the rows may start later for some units)
        starts = {}
        for u, tt in zip(unit, self.t):
            starts[u] = min(starts.get(u, tt), tt)
        self.counted = [f.time - starts[f.unit] >= min_days_after_start * EP.DAY
                        for f in self.failures]

    def levels(self, cat: np.ndarray) -> dict:
        n = len(self.t)
        return {name: EP.level_figures(lv, self.unit, self.t, cat, self.failures, n,
                                       self.data_end, self.counted)
                for name, lv in (("high", EP.HIGH), ("critical", EP.CRITICAL))}

    def level(self, level: int, flagged: np.ndarray) -> dict:
        cat = np.where(flagged, level, EP.LOW)
        return EP.level_figures(level, self.unit, self.t, cat, self.failures, len(self.t),
                                self.data_end, self.counted)


def shortfall(fig: dict) -> float:
    """Sum over the three high-level targets of the relative miss (0 when all are met)."""
    t = C.EPISODE_TARGETS
    rd = fig["recall_detectable"] or 0.0
    fe = fig["false_episodes_per_turbine_quarter"] or 0.0
    lead = fig["median_lead_days"] or 0.0
    goal_rd = t["high_recall_detectable_min"]
    goal_fe = t["high_false_episodes_per_turbine_quarter_max"]
    goal_lead = t["high_median_lead_days_min"]
    return (max(0.0, goal_rd - rd) / goal_rd + max(0.0, fe - goal_fe) / goal_fe
            + max(0.0, goal_lead - lead) / goal_lead)


def choose(period: Period, p7: np.ndarray, P: np.ndarray, log=lambda s: None) -> dict:
    """The policy values chosen on `period` (validation rows only) by config.POLICY_SEARCH's
    rule; returns the policy, the search table and the figures of the chosen policy."""
    S = C.POLICY_SEARCH
    F = D.ttf_cdf(P)
    table = []
    best = None
    qdays = {}
    for q in S["quantiles"]:
        qd = D.ttf_quantile(F, C.TTF_HORIZONS, q)
        qdays[q] = qd
        for ph in S["probability"]:
            for dh in S["days_high"]:
                fig = period.level(EP.HIGH, (p7 >= ph) | (qd <= dh))
                sf = shortfall(fig)
                row = {"quantile": q, "p_high": ph, "d_high": dh, "shortfall": round(sf, 4),
                       **{k: _r(fig[k]) for k in ("recall", "recall_detectable",
                                                  "false_episodes_per_turbine_quarter",
                                                  "median_lead_days", "episode_precision")}}
                table.append(row)
                key = (round(sf, 9), fig["false_episodes_per_turbine_quarter"] or 0.0, -q, -ph,
                       dh)
                if best is None or key < best[0]:
                    best = (key, q, ph, dh, fig)
    _, q, ph, dh, high_fig = best
    log(f"  high: quantile {q}, p >= {ph} or Q({q}) <= {dh} d -> {_brief(high_fig)}")
    qd = qdays[q]
    crit_best = None
    crit_table = []
    for pc in [x for x in S["probability"] if x > ph]:
        for dc in [x for x in S["days_critical"] if x < dh]:
            fig = period.level(EP.CRITICAL, (p7 >= pc) | (qd <= dc))
            prec = fig["episode_precision"]
            ok = prec is not None and prec >= C.EPISODE_TARGETS["critical_episode_precision_min"]
            crit_table.append({"p_critical": pc, "d_critical": dc, "meets_precision": ok,
                               **{k: _r(fig[k]) for k in ("recall", "recall_detectable",
                                                          "episode_precision",
                                                          "median_lead_days")}})
            key = (0 if ok else 1, -(fig["warned"]) if ok else -(prec or 0.0), -pc, dc)
            if crit_best is None or key < crit_best[0]:
                crit_best = (key, pc, dc, fig, ok)
    if crit_best is None:
        raise ValueError("no critical candidate above the chosen high thresholds "
                         "(config.POLICY_SEARCH)")
    _, pc, dc, crit_fig, crit_ok = crit_best
    log(f"  critical: p >= {pc} or Q({q}) <= {dc} d -> {_brief(crit_fig)}")
    pol = make_policy(q, ph, dh, pc, dc)
    figures = period.levels(categories(p7, P, pol))
    return {"policy": pol, "high_search": table, "critical_search": crit_table,
            "figures": figures, "critical_meets_precision": crit_ok}


def _r(x):
    return None if x is None else round(float(x), 4)


def _brief(fig: dict) -> str:
    def f(x, nd=3):
        return "n/a" if x is None else f"{x:.{nd}f}"
    return (f"recall_detectable {f(fig['recall_detectable'])}, false episodes/turbine-quarter "
            f"{f(fig['false_episodes_per_turbine_quarter'], 2)}, median lead "
            f"{f(fig['median_lead_days'], 1)} d, precision {f(fig['episode_precision'])}")
