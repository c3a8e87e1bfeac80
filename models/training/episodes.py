"""Alert episodes and the detectable ceiling: a Python mirror of
crates/cockpit-core/src/runs/episodes.rs (same definitions, same figures), used to choose the risk
policy on validation rows and to report the Python side's view of the evaluation fleet. The
cockpit's own backtest (`cockpit backtest --json`, `levels`) stays the measure of record.

- an **episode** at a level is a stretch of consecutive daily runs (one day apart) on which one
  turbine was rated at that level or above; a day not rated at it (lower, or not scored) ends it;
- it is **true** when a failure of that turbine follows it: after its first day and at most
  EPISODE_LEAD_WINDOW_DAYS after its last; **false** when none does and the data run at least
  that long past its last day; **unresolved** otherwise;
- a failure is **warned** when a true episode of its turbine began at least MIN_LEAD_DAYS before
  it (and not before the turbine's previous repair ended); its lead is the time from the first
  day of the earliest such episode to the failure;
- a failure is **detectable** when its precursor began at least MIN_LEAD_DAYS before it; unknown
  (None) when the logbook says nothing about precursors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import config as C
from dataset import parse_time

DAY = 86_400
LEAD_WINDOW = int(C.EPISODE_LEAD_WINDOW_DAYS * DAY)
MIN_LEAD = int(C.MIN_LEAD_DAYS * DAY)
QUARTER_DAYS = 365.25 / 4.0
# Categories as integers (risk.rs Category order).
LOW, MODERATE, HIGH, CRITICAL = 0, 1, 2, 3

# Precursor information of a failure: UNKNOWN (the logbook has no precursor column), NONE (no
# precursor), or the Unix time it began.
UNKNOWN = "unknown"
NONE = "none"


@dataclass(frozen=True)
class Failure:
    unit: str  # fleet-qualified turbine key (dataset.Table.unit)
    time: int  # Unix seconds
    previous_back: int | None  # back in service after the turbine's previous failure
    precursor: object  # UNKNOWN, NONE or an int (Unix seconds)


def failures_from_logbook(rows: list[dict], fleet_seed: int) -> list[Failure]:
    """The failures of a simulator logbook (csv.DictReader rows): `previous_back` is the latest
    `back_in_service_time` of the turbine's earlier failures (as the backtest's query does);
    `precursor_start` empty -> no precursor, absent column -> unknown."""
    parsed = []
    for row in rows:
        tid = row["turbine_id"].strip()
        ft = parse_time(row["failure_time"])
        back = row.get("back_in_service_time", "").strip()
        if "precursor_start" not in row or row["precursor_start"] is None:
            pre = UNKNOWN
        elif row["precursor_start"].strip() == "":
            pre = NONE
        else:
            pre = parse_time(row["precursor_start"])
        parsed.append((f"{fleet_seed}/{tid}", ft, parse_time(back) if back else None, pre))
    out = []
    for unit, ft, _, pre in parsed:
        backs = [b for u, t, b, _ in parsed if u == unit and t < ft and b is not None]
        out.append(Failure(unit, ft, max(backs) if backs else None, pre))
    return sorted(out, key=lambda f: (f.time, f.unit))


def episodes(level: int, unit: np.ndarray, t: np.ndarray, cat: np.ndarray):
    """Episodes at `level` or above: arrays (unit, first, last), by unit then time. `unit`,
    `t` (Unix seconds of the daily runs) and `cat` (integer categories) are per rated day, in any
    order; a repeated (unit, day) counts once."""
    m = cat >= level
    u, tt = unit[m], t[m].astype(np.int64)
    if len(u) == 0:
        return np.array([], dtype=unit.dtype), np.array([], np.int64), np.array([], np.int64)
    order = np.lexsort((tt, u))
    u, tt = u[order], tt[order]
    keep = np.ones(len(u), bool)
    keep[1:] = (u[1:] != u[:-1]) | (tt[1:] != tt[:-1])
    u, tt = u[keep], tt[keep]
    new = np.ones(len(u), bool)
    new[1:] = (u[1:] != u[:-1]) | (tt[1:] != tt[:-1] + DAY)
    starts = np.flatnonzero(new)
    ends = np.concatenate([starts[1:] - 1, [len(u) - 1]])
    return u[starts], tt[starts], tt[ends]


def _round1(x: float) -> float:
    """Rust's (x * 10).round() / 10 (half away from zero)."""
    return math.copysign(math.floor(abs(x) * 10.0 + 0.5), x) / 10.0


def level_figures(level: int, unit: np.ndarray, t: np.ndarray, cat: np.ndarray,
                  failures: list[Failure], scored_turbine_days: int, data_end: int,
                  counted: list[bool] | None = None) -> dict:
    """The figures of one level (episodes.rs `level_figures`), with the same field names as
    `cockpit backtest --json` `levels.<level>`. `counted` (optional, one bool per failure)
    restricts the failures that count for recall and lead (all of them still make episodes
    true); the policy search uses it to leave out failures whose warning window precedes the
    rated period."""
    eu, ef, el = episodes(level, unit, t, cat)
    fails_by_unit: dict[str, list[int]] = {}
    for f in failures:
        fails_by_unit.setdefault(f.unit, []).append(f.time)
    n_true = n_false = n_unres = 0
    for i in range(len(eu)):
        times = fails_by_unit.get(str(eu[i]), [])
        if any(ef[i] < ft <= el[i] + LEAD_WINDOW for ft in times):
            n_true += 1
        elif el[i] + LEAD_WINDOW <= data_end:
            n_false += 1
        else:
            n_unres += 1
    if counted is None:
        counted = [True] * len(failures)
    fs = [f for f, c in zip(failures, counted) if c]
    leads = failure_leads((eu, ef, el), fs)
    warned = sum(1 for x in leads if x is not None)
    if any(f.precursor == UNKNOWN for f in fs):
        det = None
    else:
        det = [f.precursor != NONE and f.time - int(f.precursor) >= MIN_LEAD for f in fs]
    detectable = None if det is None else sum(det)
    warned_det = None if det is None else sum(1 for d, x in zip(det, leads) if d and x is not None)

    def share(n, of):
        return n / of if of else None

    lead_days = sorted(x / DAY for x in leads if x is not None)
    n = len(lead_days)
    median = None if n == 0 else (lead_days[n // 2] if n % 2 == 1
                                  else (lead_days[n // 2 - 1] + lead_days[n // 2]) / 2.0)
    return {
        "failures": len(fs),
        "detectable_failures": detectable,
        "warned": warned,
        "warned_detectable": warned_det,
        "recall": share(warned, len(fs)),
        "recall_detectable": share(warned_det, detectable) if det is not None else None,
        "true_episodes": n_true,
        "false_episodes": n_false,
        "unresolved_episodes": n_unres,
        "false_episodes_per_turbine_quarter":
            n_false / (scored_turbine_days / QUARTER_DAYS) if scored_turbine_days else None,
        "episode_precision": share(n_true, n_true + n_false),
        "median_lead_days": None if median is None else _round1(median),
    }


def failure_leads(eps, failures: list[Failure]) -> list[int | None]:
    """Per failure, the lead (seconds) of the earliest true episode of its turbine that began at
    least MIN_LEAD before it and not before its previous repair ended; None when not warned.
    `eps`: the (unit, first, last) arrays of `episodes`."""
    eu, ef, el = eps
    by_unit: dict[str, list[int]] = {}
    for i, u in enumerate(eu):
        by_unit.setdefault(str(u), []).append(i)
    leads = []
    for f in failures:
        best = None
        for i in by_unit.get(f.unit, []):
            first, last = int(ef[i]), int(el[i])
            if not (first < f.time <= last + LEAD_WINDOW):
                continue
            if f.time - first < MIN_LEAD:
                continue
            if f.previous_back is not None and first < f.previous_back:
                continue
            lead = f.time - first
            best = lead if best is None else max(best, lead)
        leads.append(best)
    return leads


def precursor_leads(failures: list[Failure]) -> list[float] | None:
    """Days from each failure's precursor start to the failure, for the detectable failures (the
    longest lead any warning could have, a daily run aside); None when unknown."""
    if any(f.precursor == UNKNOWN for f in failures):
        return None
    return sorted((f.time - int(f.precursor)) / DAY for f in failures
                  if f.precursor != NONE and f.time - int(f.precursor) >= MIN_LEAD)
