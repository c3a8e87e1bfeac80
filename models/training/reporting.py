"""Artefacts for the Rust side and for people: reference statistics, the parity fixture, the
manifest and the model card."""

from __future__ import annotations

import csv
import io

import numpy as np

import config as C
from evaluation import r


def reference_stats(X: np.ndarray, names: list[str]) -> dict:
    """Per feature, on the booster's training rows: mean, std, NaN rate and decile bins.

    `bin_edges` are the unique values among min, the 9 deciles and max of the non-missing
    values, ascending; bin i is [edges[i], edges[i+1]), the last one closed on the right;
    `bin_shares` are the shares of the non-missing training values per bin (summing to 1).
    For drift monitoring, put a new value below edges[0] into the first bin and one above
    edges[-1] into the last one, then compare shares (e.g. PSI) and the NaN rate."""
    out = {}
    for j, name in enumerate(names):
        v = X[:, j]
        ok = v[~np.isnan(v)]
        entry = {"nan_rate": r(1.0 - len(ok) / len(v), 6), "count": int(len(ok))}
        if len(ok) == 0:
            entry.update({"mean": None, "std": None, "bin_edges": [], "bin_shares": []})
        else:
            edges = np.unique(np.quantile(ok, np.linspace(0.0, 1.0, 11)))
            if len(edges) == 1:
                shares = [1.0]
            else:
                idx = np.clip(np.searchsorted(edges, ok, side="right") - 1, 0, len(edges) - 2)
                shares = (np.bincount(idx, minlength=len(edges) - 1) / len(ok)).tolist()
            entry.update({
                "mean": r(ok.mean(), 6),
                "std": r(ok.std(ddof=0), 6),
                "bin_edges": [float(np.float32(e)) for e in edges],
                "bin_shares": [round(s, 6) for s in shares],
            })
        out[name] = entry
    return out


def _num(x: float) -> str:
    """A float32 value written so that parsing it as f32 or f64 gives back that exact float32
    (the float64 expansion of the float32); empty for NaN."""
    x = np.float32(x)
    if np.isnan(x):
        return ""
    return repr(float(x))


def pick_parity_rows(X: np.ndarray, p: np.ndarray, n: int, seed: int) -> np.ndarray:
    """~n rows: a quarter of the highest probabilities, a quarter with NaNs, the rest random."""
    rng = np.random.RandomState(seed)
    chosen: list[int] = []
    top = np.argsort(-p, kind="stable")[: n // 4]
    chosen += top.tolist()
    nan_rows = np.flatnonzero(np.isnan(X).any(axis=1))
    nan_rows = np.setdiff1d(nan_rows, chosen)
    if len(nan_rows):
        chosen += rng.choice(nan_rows, size=min(n // 4, len(nan_rows)), replace=False).tolist()
    rest = np.setdiff1d(np.arange(len(X)), chosen)
    chosen += rng.choice(rest, size=min(n - len(chosen), len(rest)), replace=False).tolist()
    return np.array(sorted(chosen))


def parity_columns(horizons) -> list[str]:
    """The expected-output columns of parity.csv after the features (the contract)."""
    return ["expected_p_fail_7d"] + [f"expected_p_within_{h:g}d" for h in horizons]


def parity_csv(names: list[str], X32: np.ndarray, p: np.ndarray, P: np.ndarray,
               horizons) -> str:
    """The features (float32, empty = NaN), then the 7-day probability and the raw
    time-to-failure columns, as Python's onnxruntime gives them (float32 values written
    exactly)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names + parity_columns(horizons))
    for i in range(len(X32)):
        w.writerow([_num(v) for v in X32[i]] + [repr(float(p[i]))]
                   + [_num(v) for v in P[i]])
    return buf.getvalue()


# --------------------------------------------------------------------------- model card

def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _f(x, nd=3) -> str:
    return "n/a" if x is None else f"{x:.{nd}f}"


def _patterns(fd: dict) -> str:
    w = fd["patterns"]
    tot = sum(w.values())
    parts = []
    for n, v in w.items():
        fams = fd["absent_sets"].get(n)
        if n == "random":
            what = (f"random: each family absent with probability "
                    f"{fd['random_absent_probability']:g}, at least one")
        elif fams is not None:
            what = f"{n}: {', '.join(fams)}"
        else:
            what = n
        parts.append(f"{what} — {v / tot:.0%}")
    return "; ".join(parts)


def _missing_families(a, mf: dict, fd: dict | None) -> None:
    rules = mf["rules"]
    sc = mf["scenarios"]
    a("## Missing signal families")
    a("")
    a("Real exports lack whole signal families (ENGIE's full export: hydraulic oil, converter, "
      "transformer, vibration; EDP: vibration; ENGIE's 7-signal open data: every temperature and "
      "vibration, leaving power curve and pitch). The models are trained with whole families "
      "absent (see the split above), so that an absent family's empty features do not push the "
      "risk up or down by themselves. Below, the evaluation fleet is scored with the named "
      "families empty on every turbine for the whole year. *Warned*: event-level recall, "
      f"{rules['lead_window_days'][0]:g}–{rules['lead_window_days'][1]:g} days ahead, with "
      f"high = `{rules['high']}` (the 7-day probability alone), *policy* = "
      f"`{rules['high_either_output']}` (what the risk policy does with both models), critical = "
      f"{rules['critical']}. *False alert-days*: alerted "
      f"turbine-days with no failure within 7 days, per turbine-year. *Healthy*: "
      f"{mf['healthy_rows']}; *shift* = mean predicted probability with the families absent "
      f"minus with every family, on the same healthy turbine-days (the \"does not push by "
      f"itself\" check: near 0 is the aim).")
    a("")
    a("| absent | PR-AUC | warned (high) | warned (policy) | warned (critical) "
      "| false alert-days (high) | false alert-days (policy) | healthy days high "
      "(policy) | healthy mean p | shift (healthy) | shift of P(30 d) (healthy) |")
    a("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in sc:
        what = s["name"] if len(s["absent"]) <= 1 or s["name"] == "all present" else \
            f"{s['name']} ({', '.join(s['absent'])})"
        if s["name"] == "no_temperatures":
            what = "no_temperatures (all 8 families)"
        shift = "—" if not s["absent"] else f"{s['healthy_mean_p_shift']:+.4f}"
        dshift = "—" if not s["absent"] else f"{s['healthy_mean_p30_shift']:+.4f}"
        a(f"| {what} | {s['pr_auc']} | {_pct(s['event_recall_high'])} | "
          f"{_pct(s['event_recall_high_either_output'])} | {_pct(s['event_recall_critical'])} | "
          f"{s['false_alert_days_per_turbine_year_high']} | "
          f"{s['false_alert_days_per_turbine_year_high_either_output']} | "
          f"{_pct(s['healthy_high_share_either_output'])} | {s['healthy_mean_p']:.4f} | "
          f"{shift} | {dshift} |")
    a("")
    full = next((s for s in sc if not s["absent"]), None)
    named = [s for s in sc if fd and s["name"] in fd["absent_sets"]]
    if full and named:
        comps = sorted(full["by_component_high"])
        a("Failures warned (high) by component, every family vs. the named sets of real exports:")
        a("")
        a("| component | failures | all present | " + " | ".join(s["name"] for s in named) + " |")
        a("|---|---|---|" + "---|" * len(named))
        for c in comps:
            f = full["by_component_high"][c]
            cells = [_pct(s["by_component_high"].get(c, {}).get("recall")) for s in named]
            a(f"| {c} | {f['failures']} | {_pct(f['recall'])} | " + " | ".join(cells) + " |")
        a("")
    notemp = next((s for s in sc if s["name"] == "no_temperatures"), None)
    a("Reading: a failure is warned mostly through its own component's temperature, so removing "
      "a family costs recall on that family's component (converter, transformer and pitch "
      "hydraulics without ENGIE's missing families); the other components keep about theirs. "
      "The *shift* column stays small for every single family and for the partial sets: an "
      "absent family does not, by itself, move a healthy turbine's risk. A small rise is "
      "expected, since a healthy turbine's normal temperatures no longer pull its risk below "
      "the fleet average.")
    if notemp and full:
        best = max(notemp["by_component_high"].items(),
                   key=lambda kv: (kv[1]["recall"] or 0, kv[0]), default=None)
        base = notemp["healthy_mean_p"]
        a("")
        a(f"Without any temperature (ENGIE's 7-signal export) only the power-curve, pitch, "
          f"wind, ambient and coverage features remain: the model falls back to about the "
          f"fleet's average risk (healthy mean p {base:.3f}), "
          f"{_pct(notemp['healthy_high_share_either_output'])} of healthy turbine-days still "
          f"reach 'high' through power or pitch behaviour, and "
          f"{_pct(notemp['event_recall_high'])} of failures are warned"
          + (f", mostly {best[0]} ({_pct(best[1]['recall'])})" if best else "")
          + ". Such a turbine is watched on its power curve and pitch only; a score from them "
          "does not cover the drivetrain's temperatures.")
    a("")


def alert_episodes(a, levels: dict, python: bool = False) -> None:
    """The model card's section on alert episodes and the detectable ceiling, from the `levels`
    object of `cockpit backtest --json` on the evaluation fleet (or, for a run without the
    backtest, the Python mirror's figures on the feature rows), with the issue-15 targets."""
    hi, cr = levels["high"], levels["critical"]

    def count_of(n, of):
        return "n/a" if n is None or of is None else f"{n} of {of}"

    if python:
        a("## Alert episodes (Python mirror, evaluation fleet)")
        a("")
        a("**Development run without `cockpit backtest`**: the figures below come from the "
          "pipeline's Python mirror of the cockpit's episode counting (models/training/"
          "episodes.py) applied to the suggested policy's categories on the daily feature rows, "
          "not from the cockpit itself.")
    else:
        a("## Alert episodes (cockpit backtest, evaluation fleet)")
        a("")
        a("One daily run of the cockpit (both models, the suggested risk policy) per day of the "
          "evaluation fleet (`cockpit backtest --json`, `levels`).")
    a("An episode is a stretch of consecutive days a turbine stays at the level or above; "
      "true when a failure follows within 7 days of one of its days. A failure is warned when a "
      "true episode began 2+ days before it; detectable when its precursor began 2+ days before "
      "it (definitions: docs/risk-policy.md).")
    a("")
    a("| figure | high or above | critical |")
    a("|---|---|---|")
    rows = [
        ("failures", lambda l: str(l["failures"])),
        ("detectable (precursor 2+ days before)", lambda l: _num_or_na(l["detectable_failures"])),
        ("warned 2+ days ahead, of all failures",
         lambda l: f"{count_of(l['warned'], l['failures'])} ({_pct(l['recall'])})"),
        ("warned 2+ days ahead, of the detectable ones",
         lambda l: f"{count_of(l.get('warned_detectable'), l['detectable_failures'])} "
                   f"({_pct(l['recall_detectable'])})"),
        ("true / false episodes", lambda l: f"{l['true_episodes']} / {l['false_episodes']}"),
        ("false episodes per turbine per quarter",
         lambda l: _f(l["false_episodes_per_turbine_quarter"], 2)),
        ("episode precision", lambda l: _pct(l["episode_precision"])),
        ("median lead (days)", lambda l: _f(l["median_lead_days"], 1)),
    ]
    for name, cell in rows:
        a(f"| {name} | {cell(hi)} | {cell(cr)} |")
    a("")
    a("How each figure compares with its target: see *Quality targets* below.")
    a("")


def _levels_table(a, levels: dict) -> None:
    a("| figure | high or above | critical |")
    a("|---|---|---|")
    for name, key, show in [
        ("failures (counted)", "failures", str),
        ("detectable", "detectable_failures", _num_or_na),
        ("warned 2+ days ahead", "warned", str),
        ("of the detectable", "recall_detectable", _pct),
        ("true / false episodes", None, None),
        ("false episodes per turbine per quarter", "false_episodes_per_turbine_quarter",
         lambda v: _f(v, 2)),
        ("episode precision", "episode_precision", _pct),
        ("median lead (days)", "median_lead_days", lambda v: _f(v, 1)),
    ]:
        if key is None:
            cells = [f"{levels[lv]['true_episodes']} / {levels[lv]['false_episodes']}"
                     for lv in ("high", "critical")]
        else:
            cells = [show(levels[lv][key]) for lv in ("high", "critical")]
        a(f"| {name} | {cells[0]} | {cells[1]} |")
    a("")


def suggested_policy(a, thr: dict) -> None:
    """The suggested risk policy: its values (the two sections of the policy file), the rule
    that chose them and their figures on the validation rows."""
    pr, tt = thr["probability"], thr["time_to_failure"]
    a("### Suggested risk policy")
    a("")
    a("For `data/risk-policy.toml` (the pipeline also writes it as `work/suggested-risk-policy."
      "toml` and backtests the evaluation fleet with it):")
    a("")
    a("```toml")
    a("[probability]")
    a(f"moderate = {pr['moderate']}\nhigh = {pr['high']}\ncritical = {pr['critical']}")
    a("")
    a("[time_to_failure]")
    a(f"quantile = {tt['quantile']}\nmoderate = {tt['moderate']}\nhigh = {tt['high']}\n"
      f"critical = {tt['critical']}\nhorizon = {tt['horizon']}")
    a("```")
    a("")
    a(thr["reasoning"])
    a("")
    figs = thr.get("validation_alert_episodes")
    if figs:
        a(f"Alert episodes of this policy on the validation rows (Python mirror of the cockpit's "
          f"counting; failures count for recall and lead when the validation period holds "
          f"{C.POLICY_SEARCH['failure_min_days_after_start']:g}+ days of runs before them):")
        a("")
        _levels_table(a, figs)
        pre = thr.get("validation_precursor_leads")
        if pre and pre.get("median_days") is not None:
            a(f"On the same failures, the precursors of the {pre['detectable_failures']} "
              f"detectable ones became visible a median {pre['median_days']:g} days before them, "
              f"{_pct(pre['share_under_lead_goal'])} less than {pre['lead_goal_days']:g} days "
              f"before: the longest median lead any warning could reach.")
            a("")


def time_to_failure(a, m: dict) -> None:
    """The distribution's section: calibration per horizon, coverage of the 80 % ranges, and how
    often the raw columns were not monotone."""
    ev = m["metrics"]["eval_fleet"]
    tf = ev.get("time_to_failure")
    if not tf:
        return
    a("## Time to failure (distribution)")
    a("")
    a("Calibration of each horizon on the evaluation fleet (rows whose label for that horizon is "
      "known):")
    a("")
    a("| within (days) | rows | failures | observed rate | mean predicted | Brier | ROC-AUC |")
    a("|---|---|---|---|---|---|---|")
    for h in tf["horizons"]:
        a(f"| {h['horizon_days']:g} | {h['rows']} | {h['positives']} | {_f(h['base_rate'], 4)} | "
          f"{_f(h['mean_predicted'], 4)} | {_f(h.get('brier'), 5)} | {_f(h.get('roc_auc'), 3)} |")
    a("")
    a("Reliability (evaluation fleet; per bin of the predicted probability: rows, observed rate):")
    a("")
    edges = [b["bin"] for b in tf["horizons"][0]["reliability"]]
    a("| within (days) | " + " | ".join(f"{lo:g}–{hi:g}" for lo, hi in edges) + " |")
    a("|---|" + "---|" * len(edges))
    for h in tf["horizons"]:
        cells = [f"{b['count']}: {_f(b['observed_rate'], 3)}" if b["count"] else "—"
                 for b in h["reliability"]]
        a(f"| {h['horizon_days']:g} | " + " | ".join(cells) + " |")
    a("")
    mono = tf["monotonicity"]
    a(f"Raw columns not monotone (a longer horizon given a lower probability) on "
      f"{mono['non_monotone_rows']} of {mono['rows']} evaluation turbine-days "
      f"({_pct(mono['non_monotone_share'])}), by at most {_f(mono['max_decrease'], 4)}: the "
      f"cockpit takes the running max, so those columns are flattened, never reordered.")
    a("")
    lo, hi = C.TTF_COVERAGE_TARGET
    a(f"Coverage of the 80 % ranges [Q(0.1), Q(0.9)] (open [Q(0.1), 30] when P(30 d) < 0.9; no "
      f"range when P(30 d) < 0.5): the share of ranges containing the true time to the next "
      f"failure (an open range: the true time at least its low end). Target "
      f"{lo:.0%}–{hi:.0%}.")
    a("")
    a("| measured by | ranges | covered | coverage | median width (days) | no failure expected |")
    a("|---|---|---|---|---|---|")
    bt = ev.get("ttf_coverage")
    if bt:
        a(f"| cockpit backtest | {bt.get('ranges')} | {bt.get('covered')} | "
          f"{_pct(bt.get('coverage'))} | {_f(bt.get('median_width_days'), 1)} | "
          f"{bt.get('no_failure_expected')} |")
    c = tf["coverage"]
    a(f"| pipeline, feature rows with a known 30-day outcome | {c['ranges']} | {c['covered']} | "
      f"{_pct(c['coverage'])} | {_f(c['median_width_days'], 1)} | {c['no_failure_expected']} |")
    a("")
    miss = c.get("no_failure_expected_but_failure_within_horizon")
    if miss is not None and c["no_failure_expected"]:
        a(f"Of the {c['no_failure_expected']} turbine-days (pipeline rows) with no failure expected "
          f"within {m['horizon_days']:g} days, {miss} "
          f"({_pct(miss / c['no_failure_expected'])}) were followed by one within "
          f"{m['horizon_days']:g} days: coverage is measured on the ranges only. Of the ranges, "
          f"{c.get('open_ranges', 'n/a')} are open (\"likely in N days or later\").")
        a("")


def quality_targets(a, tgt: list[dict]) -> None:
    a("## Quality targets (evaluation fleet)")
    a("")
    a("| target | measured | met | missed by | measured with |")
    a("|---|---|---|---|---|")
    for t in tgt:
        unit = t.get("unit")
        show = _pct if unit == "share" else (lambda v: _f(v, 2))
        met = "n/a" if t["met"] is None else ("yes" if t["met"] else "**no**")
        miss = "" if not t.get("missed_by") else (
            f"{100 * t['missed_by']:.1f} points" if unit == "share" else
            f"{t['missed_by']:.2f} {unit}")
        a(f"| {t['name']} | {show(t['value'])} | {met} | {miss} | {t['source']} |")
    a("")
    for t in tgt:
        if t["met"] is False:
            a(f"- *{t['name']}* missed: {t['why']}")
    if any(t["met"] is False for t in tgt):
        a("")


def _num_or_na(x) -> str:
    return "n/a" if x is None else str(x)


def model_card(m: dict) -> str:
    met = m["metrics"]
    ev = met["eval_fleet"]
    cls = ev["classifier"]
    td = m["training_data"]
    thr = m["suggested_thresholds"]
    tgt = met["targets"]
    L = []
    a = L.append
    a(f"# Model card — EnergiTech Cockpit failure models v{m['model_version']}")
    a("")
    a("*Generated by `models/training/pipeline.py` from `models/manifest.json`; do not edit by "
      "hand — re-run the pipeline.*")
    a("")
    a("## Intended use")
    a("")
    tm = m["models"]["time_to_failure"]
    hs = ", ".join(f"{h:g}" for h in tm["horizons_days"])
    a(f"Two models score every turbine of a wind fleet from the features that the Rust core "
      f"computes on its SCADA history (`cockpit features`, {len(m['feature_names'])} features):")
    a("")
    a(f"- `failure_7d.onnx` — probability that the turbine has a component failure within the next "
      f"{C.CLASSIFIER_WINDOW_DAYS:g} days (calibrated HistGradientBoostingClassifier, "
      f"{m['training']['classifier']['calibration']['method']} calibration);")
    a(f"- `time_to_failure.onnx` — the distribution of the time to the next failure: the "
      f"probability that a failure starts within {hs} days (one calibrated classifier per "
      f"horizon, the {C.CLASSIFIER_WINDOW_DAYS:g}-day one being `failure_7d`). The cockpit makes "
      f"it monotone (running max), interpolates linearly and shows the median and the 80 % range "
      f"in whole days, or \"no failure expected within {m['horizon_days']:g} days\"; there is no "
      f"point estimate.")
    a("")
    a("They rank turbines for inspection and raise \"high\"/\"critical\" alerts in a "
      "predictive-maintenance cockpit. They are decision support for maintenance planners, not a "
      "safety function: they do not replace the turbine's protection system, condition monitoring "
      "alarms or regulatory inspections.")
    a("")
    a("## Data")
    a("")
    a(f"Everything is **simulated** with the cockpit's own fleet simulator "
      f"(`{td['simulator_version']}`): 10-minute SCADA records, a registry and a failure logbook, "
      f"ingested into a database and turned into one feature row per turbine every "
      f"{td['snapshot_every']}.")
    a("")
    a("| seed | role | turbines | days | feature rows | failures (simulator) | without precursor |")
    a("|---|---|---|---|---|---|---|")
    for f in td["fleets"]:
        a(f"| {f['seed']} | {f['role']} | {f['turbines']} | {f['days']} | {f['rows']} "
          f"| {f.get('failures', 'n/a')} | {f.get('failures_without_precursor', 'n/a')} |")
    a("")
    a(f"The demo park's seed ({C.DEMO_SEED}) is never used. Labels: \"a failure starts within h "
      f"days\" for h = {hs} (from the table's `days_to_failure` and `censored`: known when a "
      f"failure starts within h days or h days of data follow the snapshot; h = 7 is "
      f"`fail_within_7d`).")
    a("")
    a("## Training / evaluation split")
    a("")
    sp = m["training"]["split"]
    a(f"- Training fleets (seeds {', '.join(str(s) for s in td['seeds'])}): "
      f"{_pct(C.HOLDOUT_TURBINE_SHARE)} of each fleet's turbines are held out; the last "
      f"{_pct(C.TEST_TIME_SHARE)} of the period is the validation period, and the "
      f"{C.GAP_DAYS:g} days before it are dropped (labels look up to {m['horizon_days']:g} days "
      f"ahead, so no training label sees the validation period).")
    a(f"- Booster: training turbines × early period ({sp['rows']['fit']} rows). "
      f"Calibration: held-out turbines × early period ({sp['rows']['calibration']} rows), never "
      f"seen by the booster. Validation (hyper-parameters, calibration method, thresholds): both "
      f"turbine groups × late period ({sp['rows']['validation']} rows).")
    fd = m["training"].get("family_dropout")
    if fd:
        a(f"- **Whole signal families absent**: the booster-training and calibration rows are "
          f"duplicated ({fd['copies']} copies, {fd['augmented_rows']['fit']} and "
          f"{fd['augmented_rows']['calibration']} rows); copy 0 keeps every family, each other "
          f"copy lacks, per turbine and for its whole period, the families of one pattern drawn "
          f"independently of the labels ({_patterns(fd)}). A copy stays on its source row's side "
          f"of the split. Validation rows keep every family.")
    a(f"- **Evaluation**: a separate fleet simulated with seed {td['eval_seed']} (never used for "
      f"training or any choice). All figures below are on it unless marked otherwise.")
    a("")
    a("## Failure-within-7-days classifier")
    a("")
    a(f"| metric | evaluation fleet | validation (training fleets) |")
    a("|---|---|---|")
    vc = met["validation"]["classifier"]
    for k, name in [("roc_auc", "ROC-AUC"), ("pr_auc", "PR-AUC (average precision)"),
                    ("brier", "Brier score"), ("log_loss", "log loss"), ("base_rate", "positive rate"),
                    ("rows", "rows")]:
        a(f"| {name} | {cls[k]} | {vc[k]} |")
    a("")
    a("Calibration on the evaluation fleet (10 equal-width bins of the predicted probability):")
    a("")
    a("| predicted | rows | mean predicted | observed rate |")
    a("|---|---|---|---|")
    for b in ev["calibration_table"]:
        a(f"| {b['bin'][0]:.1f}–{b['bin'][1]:.1f} | {b['count']} | {_f(b['mean_predicted'])} | "
          f"{_f(b['observed_rate'])} |")
    a("")
    a("Alerts at candidate thresholds (evaluation fleet). Recall, precision and false-alarm rate "
      "are per snapshot; *failures warned* is the event-level recall (an alert 2-30 days ahead, "
      "see below):")
    a("")
    a("| threshold | recall | precision | false-alarm rate | false alert-days per turbine-year "
      "| failures warned | chance level | median lead (days) |")
    a("|---|---|---|---|---|---|---|---|")
    for t in ev["thresholds"]:
        a(f"| {t['threshold']:g} | {_pct(t['recall'])} | {_pct(t['precision'])} | "
          f"{_pct(t['false_alarm_rate'])} | {t['false_alert_days_per_turbine_year']} | "
          f"{_pct(t.get('event_recall_2d_ahead'))} | {_pct(t.get('event_chance_rate'))} | "
          f"{_f(t.get('event_median_lead_days'), 1)} |")
    a("")
    suggested_policy(a, thr)
    a("### Failures warned in time (event level)")
    a("")
    a(f"A failure counts as warned when the alert rule holds on at least one snapshot "
      f"{C.MIN_LEAD_DAYS:g} or more days before it, within the lead window. Lead time = days "
      f"between the earliest such alert and the failure. *(policy)* is what the suggested risk "
      f"policy does with both models: the worse of the two decides.")
    a("")
    a("| level | alert rule | lead window (days) | failures | warned | recall | median lead (days) "
      "| chance level |")
    a("|---|---|---|---|---|---|---|---|")
    for e in ev["event_recall"]:
        a(f"| {e['name']} | {e['rule']} | {e['lead_window_days'][0]:g}–"
          f"{e['lead_window_days'][1]:g} | {e['failures']} | {e['detected']} | "
          f"{_pct(e['recall'])} | {_f(e['median_lead_days'], 1)} | {_pct(e.get('chance_rate'))} |")
    a("")
    a("*Chance level*: the share of healthy moments (no failure within the window before or 30 "
      "days after) that the same rule would have \"warned\" of — what false alerts alone "
      "would score. The wider the lead window, the more a low threshold profits from chance.")
    a("")
    main = ev["event_recall"][0]
    a("By component (high threshold, main window):")
    a("")
    a("| component | failures | warned | recall |")
    a("|---|---|---|---|")
    for c, v in main["by_component"].items():
        a(f"| {c} | {v['failures']} | {v['detected']} | {_pct(v['recall'])} |")
    a("")
    lc = ev["logbook_crosscheck"]
    a(f"Logbook cross-check: {lc['logbook_failures_in_period']} failures in the evaluation fleet's "
      f"logbook, {lc['seen_in_feature_rows']} visible through the feature rows' labels, "
      f"{lc['in_first_min_lead_days']} in the first {C.MIN_LEAD_DAYS:g} days of data (cannot be "
      f"warned). The simulator gives {ev.get('failures_without_precursor', 'n/a')} of its "
      f"{ev.get('failures', 'n/a')} failures no precursor at all: no model can warn of those, "
      f"which caps event recall near {_pct(ev.get('precursor_share'))} (an unrelated alert that "
      f"happens to precede such a failure aside).")
    a("")
    if ev.get("alert_episodes"):
        alert_episodes(a, ev["alert_episodes"])
    elif ev.get("alert_episodes_python"):
        alert_episodes(a, ev["alert_episodes_python"], python=True)
    time_to_failure(a, m)
    mf = met.get("missing_families")
    if mf:
        _missing_families(a, mf, fd)
    quality_targets(a, tgt)
    a("## Known limits")
    a("")
    for line in m["known_limits"]:
        a(f"- {line}")
    a("")
    a("## Reproducing")
    a("")
    a("`make models` (or `bash models/training/run.sh`) rebuilds the CLI if needed, simulates the "
      "fleets, exports the features, trains, checks ONNX against scikit-learn, and rewrites "
      "`models/`. With the same simulator, configuration (`models/training/config.py`) and pinned "
      "packages (`models/training/requirements.txt`) it gives byte-identical ONNX files, parity "
      "file and model card; in the manifest only `created_at` (set `SOURCE_DATE_EPOCH` to fix "
      "it) and the measured run times change.")
    a("")
    return "\n".join(L)
