"""Feature tables exported by `cockpit features`, and the leakage-free split.

Table contract: `turbine_id`, `site`, `snapshot_time`, the feature columns (any names, in
order; empty = NaN), then `fail_within_7d`, `days_to_failure`, `censored`,
`failure_component`.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fleets import PipelineError

KEY_COLUMNS = ["turbine_id", "site", "snapshot_time"]
LABEL_COLUMNS = ["fail_within_7d", "days_to_failure", "censored", "failure_component"]
DAY = 86_400.0


def parse_time(s: str) -> int:
    try:
        t = dt.datetime.strptime(s.strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    except ValueError as e:
        raise PipelineError(f"snapshot_time '{s}' is not YYYY-MM-DDTHH:MM:SSZ") from e
    return int(t.timestamp())


def day_start(date: str) -> int:
    t = dt.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    return int(t.timestamp())


@dataclass
class Table:
    """Rows of one or several feature tables. X is float64 (NaN = missing); the models are
    fed X.astype(float32), which is what the ONNX input holds."""

    feature_names: list[str]
    X: np.ndarray
    fleet: np.ndarray  # int seed of the row's fleet
    turbine: np.ndarray  # str turbine_id
    site: np.ndarray
    time: np.ndarray  # int64 Unix seconds of the snapshot
    y_fail: np.ndarray  # float: 1, 0 or NaN (unknown)
    ttf: np.ndarray  # float days_to_failure
    censored: np.ndarray  # int 0/1
    component: np.ndarray  # str, '' when none
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.time)

    def subset(self, mask: np.ndarray) -> "Table":
        return Table(self.feature_names, self.X[mask], self.fleet[mask], self.turbine[mask],
                     self.site[mask], self.time[mask], self.y_fail[mask], self.ttf[mask],
                     self.censored[mask], self.component[mask])

    @property
    def X32(self) -> np.ndarray:
        return np.ascontiguousarray(self.X.astype(np.float32))

    @property
    def unit(self) -> np.ndarray:
        """Fleet-qualified turbine key: turbine ids repeat across simulated fleets."""
        return np.char.add(np.char.add(self.fleet.astype(str), "/"), self.turbine.astype(str))

    def known_fail(self) -> np.ndarray:
        return ~np.isnan(self.y_fail)


def _float(s: str, what: str, line: int) -> float:
    s = s.strip()
    if s == "":
        return np.nan
    try:
        return float(s)
    except ValueError as e:
        raise PipelineError(f"line {line}: {what} '{s}' is not a number") from e


def read_table(path: Path, fleet_seed: int) -> Table:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise PipelineError(f"{path}: empty feature table") from None
        if header[:3] != KEY_COLUMNS or header[-4:] != LABEL_COLUMNS or len(header) < 8:
            raise PipelineError(
                f"{path}: header must be {','.join(KEY_COLUMNS)},<features...>,"
                f"{','.join(LABEL_COLUMNS)}; got {','.join(header)}"
            )
        names = header[3:-4]
        if len(set(names)) != len(names):
            raise PipelineError(f"{path}: a feature name appears twice")
        n_feat = len(names)
        X, turb, site, tm, yf, ttf, cens, comp = [], [], [], [], [], [], [], []
        for i, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise PipelineError(f"{path}: line {i} has {len(row)} fields, header {len(header)}")
            turb.append(row[0])
            site.append(row[1])
            tm.append(parse_time(row[2]))
            X.append([_float(v, names[j], i) for j, v in enumerate(row[3:3 + n_feat])])
            lab = row[3 + n_feat:]
            yf.append(_float(lab[0], "fail_within_7d", i))
            ttf.append(_float(lab[1], "days_to_failure", i))
            c = _float(lab[2], "censored", i)
            cens.append(0 if np.isnan(c) else int(c))
            comp.append(lab[3].strip())
    if not tm:
        raise PipelineError(f"{path}: no data rows")
    X = np.array(X, dtype=np.float64).reshape(len(tm), n_feat)
    X[~np.isfinite(X)] = np.nan  # an infinite feature would be a Rust bug; treat as missing
    t = Table(names, X, np.full(len(tm), fleet_seed, dtype=np.int64), np.array(turb),
              np.array(site), np.array(tm, dtype=np.int64), np.array(yf), np.array(ttf),
              np.array(cens, dtype=np.int64), np.array(comp))
    bad = ~np.isin(t.y_fail[t.known_fail()], [0.0, 1.0])
    if bad.any():
        raise PipelineError(f"{path}: fail_within_7d must be 1, 0 or empty")
    if np.isnan(t.ttf).any():
        raise PipelineError(f"{path}: days_to_failure is empty on some rows")
    return t


def concat(tables: list[Table]) -> Table:
    names = tables[0].feature_names
    for t in tables[1:]:
        if t.feature_names != names:
            raise PipelineError("feature tables of different fleets have different feature columns")
    cat = lambda a: np.concatenate([getattr(t, a) for t in tables])  # noqa: E731
    return Table(names, cat("X"), cat("fleet"), cat("turbine"), cat("site"), cat("time"),
                 cat("y_fail"), cat("ttf"), cat("censored"), cat("component"))


@dataclass
class Split:
    fit: np.ndarray  # booster training: training turbines, early period
    cal: np.ndarray  # calibration: held-out turbines, early period
    val_time: np.ndarray  # training turbines, late period (time generalisation)
    val_both: np.ndarray  # held-out turbines, late period (turbine and time generalisation)
    gap: np.ndarray  # dropped
    holdout_units: list[str]
    boundaries: dict

    @property
    def val(self) -> np.ndarray:
        return self.val_time | self.val_both


def split(table: Table, fleets: list[dict], start: str, holdout_share: float,
          test_share: float, gap_days: float, random_state: int) -> Split:
    """Split of the training fleets by turbine AND by time.

    Per fleet: a seeded random `holdout_share` of its turbines is held out; its simulated period
    [start, start + days) is cut at `start + (1 - test_share)·days`; the `gap_days` before the cut
    are dropped, so no training label (which looks up to the 30-day horizon ahead) sees the
    validation period.
    """
    n = len(table)
    fit, cal, vt, vb, gap = (np.zeros(n, bool) for _ in range(5))
    holdout_units: list[str] = []
    boundaries = {}
    t0 = day_start(start)
    units = table.unit
    for spec in fleets:
        seed = int(spec["seed"])
        in_fleet = table.fleet == seed
        turbines = np.unique(table.turbine[in_fleet])
        rng = np.random.RandomState(random_state + seed)
        k = int(round(holdout_share * len(turbines)))
        held = set(turbines[rng.permutation(len(turbines))[:k]].tolist())
        holdout_units += sorted(f"{seed}/{t}" for t in held)
        cut = t0 + (1.0 - test_share) * spec["days"] * DAY
        gap_start = cut - gap_days * DAY
        is_held = in_fleet & np.isin(table.turbine, list(held))
        is_train = in_fleet & ~is_held
        early = table.time < gap_start
        late = table.time >= cut
        fit |= is_train & early
        cal |= is_held & early
        vt |= is_train & late
        vb |= is_held & late
        gap |= in_fleet & ~early & ~late
        boundaries[str(seed)] = {
            "train_period_end": _iso(gap_start),
            "validation_period_start": _iso(cut),
            "turbines": int(len(turbines)),
            "held_out_turbines": int(k),
        }
    assert not (fit & cal).any() and not (fit & (vt | vb)).any()
    assert len(set(units[fit]) & set(units[cal])) == 0
    return Split(fit, cal, vt, vb, gap, holdout_units, boundaries)


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(int(t), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def horizon_labels(table: Table, h: float) -> np.ndarray:
    """Label "a failure starts within h days" of every row: 1, 0, or NaN when unknown.

    From the table's `days_to_failure` / `censored` (export.rs: censored == 0 -> the next failure
    starts `days_to_failure` days after the snapshot, at most the 30-day horizon; censored == 1
    -> no failure for `days_to_failure` = min(days of data left, 30) days). A row is usable for
    h only when a failure starts within h days (1) or h days of data follow it without one (0);
    a row whose data end first, failure-free, is unknown. For h = 7 this is `fail_within_7d`."""
    ttf, cens = table.ttf, table.censored
    y = np.full(len(table), np.nan)
    y[(cens == 0) & (ttf <= h)] = 1.0
    y[((cens == 0) & (ttf > h)) | ((cens == 1) & (ttf >= h - 1e-6))] = 0.0
    return y


def outcome_known(table: Table, horizon: float) -> np.ndarray:
    """Rows whose outcome over the whole horizon is known: a failure observed within it, or no
    failure during a full horizon of follow-up. Rows censored before the horizon (the data end
    first) are not (coverage and "healthy" rows use only these)."""
    return (table.censored == 0) | (table.ttf >= horizon - 1e-6)


def true_time(table: Table) -> np.ndarray:
    """T of the contract: days from the snapshot to the start of the next failure, +inf when
    none starts within the horizon (meaningful where outcome_known)."""
    return np.where(table.censored == 0, table.ttf, np.inf)


# --------------------------------------------------------------------------- absent families

def family_columns(names: list[str], families: list[str]) -> dict[str, np.ndarray]:
    """Column indices of each signal family's features (`<family>_<stat>`), checked against the
    table: every family must own the same, non-zero number of columns."""
    out = {}
    for fam in families:
        cols = np.array([j for j, n in enumerate(names) if n.startswith(fam + "_")], dtype=np.int64)
        if len(cols) == 0:
            raise PipelineError(f"signal family '{fam}' (config.FAMILIES) has no feature column; "
                                f"the feature table's names start with {names[:3]}...")
        out[fam] = cols
    sizes = {len(c) for c in out.values()}
    if len(sizes) != 1:
        raise PipelineError(f"signal families own different numbers of feature columns: "
                            f"{ {f: len(c) for f, c in out.items()} }")
    return out


def without_families(X: np.ndarray, cols: dict[str, np.ndarray], absent) -> np.ndarray:
    """A copy of X with every feature of the `absent` families set to NaN (what the Rust feature
    code writes for a signal the export does not have)."""
    X = X.copy()
    for fam in absent:
        X[:, cols[fam]] = np.nan
    return X


def draw_patterns(units: list[str], families: list[str], named: dict, cfg: dict) -> dict:
    """Per turbine unit and per copy 1..copies-1, the families it lacks in that copy, drawn with
    cfg's seed from cfg["patterns"] (see config.FAMILY_DROPOUT). Units are drawn in sorted
    order, so the result depends on the set of units only. Returns {(unit, copy): (pattern name,
    absent families)}."""
    names = list(cfg["patterns"])
    w = np.array([cfg["patterns"][n] for n in names], dtype=np.float64)
    if (w < 0).any() or w.sum() <= 0:
        raise PipelineError("config.FAMILY_DROPOUT['patterns'] needs non-negative weights")
    for n in names:
        if n not in named and n not in ("none", "random"):
            raise PipelineError(f"absence pattern '{n}' is neither in config.ABSENT_SETS nor "
                                f"'none' or 'random'")
    w = w / w.sum()
    rng = np.random.RandomState(cfg["seed"])
    q = cfg["random_absent_probability"]
    out = {}
    for u in sorted(units):
        for k in range(1, int(cfg["copies"])):
            name = names[rng.choice(len(names), p=w)]
            if name == "random":
                absent = []
                while not absent:  # at least one family absent
                    absent = [f for f in families if rng.random_sample() < q]
            elif name == "none":
                absent = []
            else:
                absent = list(named[name])
            out[(u, k)] = (name, absent)
    return out


def augment_families(table: Table, rows: np.ndarray, cols: dict[str, np.ndarray],
                     named: dict, cfg: dict) -> tuple[Table, np.ndarray, dict]:
    """Rows `rows` (bool mask) of `table`, each repeated cfg["copies"] times: copy 0 unchanged,
    copy k with the families drawn for its turbine by draw_patterns set to NaN. Returns the
    augmented table, the index of each augmented row's source row in `table` (so that split
    masks and labels carry over) and the share of augmented rows per pattern."""
    idx = np.flatnonzero(rows)
    units = table.unit
    patterns = draw_patterns(np.unique(units[idx]).tolist(), list(cols), named, cfg)
    parts_X, parts_src, counts = [table.X[idx]], [idx], {"all present (copy 0)": len(idx)}
    for k in range(1, int(cfg["copies"])):
        Xk = table.X[idx].copy()
        for u in np.unique(units[idx]):
            name, absent = patterns[(str(u), k)]
            m = units[idx] == u
            for fam in absent:
                Xk[np.ix_(m, cols[fam])] = np.nan
            counts[name] = counts.get(name, 0) + int(m.sum())
        parts_X.append(Xk)
        parts_src.append(idx)
    src = np.concatenate(parts_src)
    aug = table.subset(src)
    aug.X = np.concatenate(parts_X)
    total = len(src)
    shares = {n: round(c / total, 4) for n, c in counts.items()}
    return aug, src, shares
