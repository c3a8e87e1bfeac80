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


def parity_csv(names: list[str], X32: np.ndarray, p: np.ndarray, days: np.ndarray) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names + ["expected_p_fail_7d", "expected_ttf_days"])
    for i in range(len(X32)):
        w.writerow([_num(v) for v in X32[i]] + [repr(float(p[i])), repr(float(days[i]))])
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
      f"high = `{rules['high']}`, *either output* = `{rules['high_either_output']}` (what the "
      f"risk policy does), critical = `{rules['critical']}`. *False alert-days*: alerted "
      f"turbine-days with no failure within 7 days, per turbine-year. *Healthy*: "
      f"{mf['healthy_rows']}; *shift* = mean predicted probability with the families absent "
      f"minus with every family, on the same healthy turbine-days (the \"does not push by "
      f"itself\" check: near 0 is the aim).")
    a("")
    a("| absent | PR-AUC | warned (high) | warned (either output) | warned (critical) "
      "| false alert-days (high) | false alert-days (either output) | healthy days high "
      "(either output) | healthy mean p | shift (healthy) | shift in days (healthy) |")
    a("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in sc:
        what = s["name"] if len(s["absent"]) <= 1 or s["name"] == "all present" else \
            f"{s['name']} ({', '.join(s['absent'])})"
        if s["name"] == "no_temperatures":
            what = "no_temperatures (all 8 families)"
        shift = "—" if not s["absent"] else f"{s['healthy_mean_p_shift']:+.4f}"
        dshift = "—" if not s["absent"] else f"{s['healthy_mean_days_shift']:+.2f}"
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


def alert_episodes(a, levels: dict) -> None:
    """The model card's section on alert episodes and the detectable ceiling, from the `levels`
    object of `cockpit backtest --json` on the evaluation fleet, with the issue-15 targets."""
    hi, cr = levels["high"], levels["critical"]

    def count_of(n, of):
        return "n/a" if n is None or of is None else f"{n} of {of}"

    a("## Alert episodes (cockpit backtest, evaluation fleet)")
    a("")
    a("One daily run of the cockpit (both outputs, the risk policy) per day of the evaluation "
      "fleet. An episode is a stretch of consecutive days a turbine stays at the level or above; "
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
    t = C.EPISODE_TARGETS
    checks = [
        ("high: detectable failures warned 2+ days ahead", hi["recall_detectable"],
         t["high_recall_detectable_min"], True, _pct),
        ("high: false episodes per turbine per quarter", hi["false_episodes_per_turbine_quarter"],
         t["high_false_episodes_per_turbine_quarter_max"], False, lambda v: _f(v, 2)),
        ("high: median lead (days)", hi["median_lead_days"], t["high_median_lead_days_min"], True,
         lambda v: _f(v, 1)),
        ("critical: episode precision", cr["episode_precision"],
         t["critical_episode_precision_min"], True, _pct),
    ]
    a("| target | goal | measured | met |")
    a("|---|---|---|---|")
    for name, value, goal, at_least, show in checks:
        if value is None:
            verdict = "n/a"
        else:
            met = value >= goal if at_least else value <= goal
            verdict = "yes" if met else "**no**"
        a(f"| {name} | {'>=' if at_least else '<='} {show(goal)} | {show(value)} | {verdict} |")
    a("")


def _num_or_na(x) -> str:
    return "n/a" if x is None else str(x)


def model_card(m: dict) -> str:
    met = m["metrics"]
    ev = met["eval_fleet"]
    cls = ev["classifier"]
    reg = ev["regressor"]
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
    a(f"Two models score every turbine of a wind fleet from the features that the Rust core "
      f"computes on its SCADA history (`cockpit features`, {len(m['feature_names'])} features):")
    a("")
    a(f"- `failure_7d.onnx` — probability that the turbine has a component failure within the next "
      f"{C.CLASSIFIER_WINDOW_DAYS:g} days (calibrated HistGradientBoostingClassifier, "
      f"{m['training']['classifier']['calibration']['method']} calibration);")
    a(f"- `days_to_failure.onnx` — expected days until the next failure, capped at "
      f"{m['horizon_days']:g} (HistGradientBoostingRegressor on log1p(min(T, {m['horizon_days']:g}))"
      f"; days = clip(expm1(output), 0, {m['horizon_days']:g})).")
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
    a(f"The demo park's seed ({C.DEMO_SEED}) is never used. Labels: `fail_within_7d` (known when at "
      f"least 7 days of data follow the snapshot) and `days_to_failure` (capped at "
      f"{m['horizon_days']:g} days, censored when the data end first).")
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
    pt, dt = thr["probability"], thr["days_to_failure"]
    a(f"**Suggested thresholds**: probability high = {pt['high']}, critical = {pt['critical']}; "
      f"days-to-failure estimate high = {dt['high']:g} days, critical = {dt['critical']:g} days. "
      f"{thr['reasoning']}")
    a("")
    a("### Failures warned in time (event level)")
    a("")
    a(f"A failure counts as warned when the alert rule holds on at least one snapshot "
      f"{C.MIN_LEAD_DAYS:g} or more days before it, within the lead window. Lead time = days "
      f"between the earliest such alert and the failure. *high (either output)* is what the "
      f"risk policy does with both suggested 'high' thresholds: the worse of the two outputs "
      f"decides.")
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
    mf = met.get("missing_families")
    if mf:
        _missing_families(a, mf, fd)
    a("## Days-to-failure regressor")
    a("")
    a(f"Target: log1p(min(T, {m['horizon_days']:g})). Rows with no failure within a full "
      f"{m['horizon_days']:g}-day follow-up are kept at the cap (min(T, {m['horizon_days']:g}) is "
      f"then known exactly); rows censored before the horizon (data ended) are dropped, their "
      f"target being unknown. Output in days = clip(expm1(raw), 0, {m['horizon_days']:g}).")
    a("")
    a("| true days to failure | rows | MAE (days) | median abs. error | mean predicted | mean true |")
    a("|---|---|---|---|---|---|")
    for b in reg["by_true_bucket"]:
        a(f"| {b['true_days']} | {b['rows']} | {_f(b['mae_days'], 2)} | "
          f"{_f(b['median_abs_error_days'], 2)} | {_f(b['mean_predicted_days'], 1)} | "
          f"{_f(b['mean_true_days'], 1)} |")
    a("")
    a("The estimate as an alert on its own (evaluation fleet; alert when the estimate is at most "
      "D days; precision and recall against the 7-day label):")
    a("")
    a("| D (days) | recall | precision | false-alarm rate | false alert-days per turbine-year "
      "| failures warned | chance level | median lead (days) |")
    a("|---|---|---|---|---|---|---|---|")
    for t in ev["days_thresholds"]:
        a(f"| {t['days_threshold']:g} | {_pct(t['recall'])} | {_pct(t['precision'])} | "
          f"{_pct(t['false_alarm_rate'])} | {t['false_alert_days_per_turbine_year']} | "
          f"{_pct(t.get('event_recall_2d_ahead'))} | {_pct(t.get('event_chance_rate'))} | "
          f"{_f(t.get('event_median_lead_days'), 1)} |")
    a("")
    a(f"MAE on rows with true T ≤ {C.TTF_TARGET_MAX:g} days: **{_f(reg['mae_t_le_14_days'], 2)} days** "
      f"({reg['rows_t_le_14']} rows; always predicting {m['horizon_days']:g} would give "
      f"{_f(reg['baseline_mae_t_le_14_days_predicting_horizon'], 2)}). MAE over all rows with a "
      f"known target: {_f(reg['mae_all_days'], 2)} days.")
    a("")
    a("## Quality targets (evaluation fleet)")
    a("")
    a("| target | value | met | note |")
    a("|---|---|---|---|")
    for t in tgt:
        a(f"| {t['name']} | {t['value']} | {'yes' if t['met'] else '**no**'} | "
          f"{t.get('note', '')} |")
    a("")
    for t in tgt:
        if not t["met"]:
            a(f"- *{t['name']}* missed: {t['why']}")
    if any(not t["met"] for t in tgt):
        a("")
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
