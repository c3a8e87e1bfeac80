#!/usr/bin/env python3
"""EnergiTech Cockpit model-training pipeline, end to end:

  cockpit CLI (built if needed) -> simulated training fleets + one evaluation fleet
  -> `cockpit features` tables -> split by turbine and time -> tuned, calibrated
  HistGradientBoosting 7-day classifier + one calibrated classifier per time-to-failure horizon
  -> ONNX (checked against scikit-learn) -> risk policy values chosen on validation rows
  -> evaluation on the unseen fleet, then `cockpit backtest --json` of the staged models on it
  -> models/manifest.json, MODEL_CARD.md, parity.csv.

Run it through `models/training/run.sh` (which sets up the pinned venv), or directly with
models/training/.venv/bin/python models/training/pipeline.py [--cockpit PATH] [--fresh]
[--no-backtest] [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import config as C  # noqa: E402
from fleets import PipelineError, env_threads, log  # noqa: E402

env_threads(C.N_THREADS)  # before numpy / scikit-learn are imported

import numpy as np  # noqa: E402

import dataset as D  # noqa: E402
import evaluation as E  # noqa: E402
import fleets as F  # noqa: E402
import reporting as R  # noqa: E402
import episodes as EP  # noqa: E402
import policy as PO  # noqa: E402
import train as T  # noqa: E402
import verify as V  # noqa: E402

MODELS = HERE.parent
REPO = MODELS.parent
CLS_FILE = "failure_7d.onnx"
TTF_FILE = "time_to_failure.onnx"
POLICY_FILE = "suggested-risk-policy.toml"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cockpit", type=Path, help="use this cockpit binary instead of building "
                   "target/release/cockpit with cargo")
    p.add_argument("--work", type=Path, default=HERE / "work", help="scratch folder [%(default)s]")
    p.add_argument("--out", type=Path, default=MODELS, help="where the artefacts go [%(default)s]")
    p.add_argument("--fresh", action="store_true", help="re-simulate every fleet even when cached")
    p.add_argument("--keep-intermediate", action="store_true",
                   help="keep each fleet's scada.csv and database")
    p.add_argument("--no-backtest", action="store_true",
                   help="development run: skip `cockpit backtest` of the new models on the "
                        "evaluation fleet (the card then lacks the cockpit's episode and coverage "
                        "figures); without it a cockpit that cannot load the models fails the run")
    return p.parse_args(argv)


def package_versions() -> dict:
    import onnx
    import onnxruntime
    import scipy
    import skl2onnx
    import sklearn

    return {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__}


def created_at() -> str:
    """SOURCE_DATE_EPOCH (reproducible-builds convention) when set, else the clock."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde:
        import datetime as dt

        return dt.datetime.fromtimestamp(int(sde), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return E.utc_now_iso()


def check_config() -> None:
    hs = C.TTF_HORIZONS
    if not (all(h > 0 for h in hs) and all(b > a for a, b in zip(hs, hs[1:]))
            and hs[-1] == C.HORIZON_DAYS and C.CLASSIFIER_WINDOW_DAYS in hs):
        raise PipelineError(f"config.TTF_HORIZONS {hs} must be positive, strictly increasing, end "
                            f"at HORIZON_DAYS ({C.HORIZON_DAYS:g}) and hold the classifier's "
                            f"{C.CLASSIFIER_WINDOW_DAYS:g} days")
    seeds = [f["seed"] for f in C.TRAIN_FLEETS]
    if C.DEMO_SEED in seeds or C.EVAL_FLEET["seed"] == C.DEMO_SEED:
        raise PipelineError(f"seed {C.DEMO_SEED} is the demo park's: not for training or evaluation")
    if C.EVAL_FLEET["seed"] in seeds or len(set(seeds)) != len(seeds):
        raise PipelineError("the evaluation seed must differ from every training seed, "
                            "and training seeds from each other")


def write_atomic(path: Path, data: bytes | str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    tmp.replace(path)


def main(argv=None) -> int:
    args = parse_args(argv)
    t_start = time.monotonic()
    check_config()
    work = args.work.resolve()
    if args.fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- fleets
    cockpit = args.cockpit.resolve() if args.cockpit else F.build_cli(REPO)
    if not cockpit.is_file():
        raise PipelineError(f"no cockpit binary at {cockpit}")
    F.check_features_command(cockpit)
    version = F.cli_version(cockpit)
    cockpit_sha = F.sha256_file(cockpit)
    log(f"using {cockpit} ({version})")
    fleets = [F.prepare_fleet(cockpit, cockpit_sha, work, "train", s, C.START_DATE,
                              C.SNAPSHOT_EVERY, args.keep_intermediate) for s in C.TRAIN_FLEETS]
    eval_fleet = F.prepare_fleet(cockpit, cockpit_sha, work, "eval", C.EVAL_FLEET, C.START_DATE,
                                 C.SNAPSHOT_EVERY, args.keep_intermediate, keep_db=True)
    t_data = time.monotonic()

    tables = [D.read_table(f.features, f.seed) for f in fleets]
    train_all = D.concat(tables)
    ev_t = D.read_table(eval_fleet.features, eval_fleet.seed)
    for f in fleets + [eval_fleet]:  # the checksums in the manifest must be of what was read
        if F.sha256_file(f.features) != f.features_sha256:
            raise PipelineError(f"{f.features} changed while the pipeline ran; run it again")
    if ev_t.feature_names != train_all.feature_names:
        raise PipelineError("the evaluation fleet's feature columns differ from the training fleets'")
    names = train_all.feature_names
    log(f"{len(names)} features; {len(train_all)} training-fleet rows, {len(ev_t)} evaluation rows")

    sp = D.split(train_all, C.TRAIN_FLEETS, C.START_DATE, C.HOLDOUT_TURBINE_SHARE,
                 C.TEST_TIME_SHARE, C.GAP_DAYS, C.RANDOM_STATE)
    known = train_all.known_fail()
    X32 = train_all.X32
    y = np.nan_to_num(train_all.y_fail).astype(np.int64)
    val_c = sp.val & known
    # Whole signal families absent (config.FAMILY_DROPOUT): the booster-training and
    # calibration rows, duplicated with per-turbine absence patterns. Each augmented row keeps
    # its source row's split side, labels and targets (src: index of the source row).
    fam_cols = D.family_columns(names, C.FAMILIES)
    aug, src, aug_shares = D.augment_families(train_all, sp.fit | sp.cal, fam_cols,
                                              C.ABSENT_SETS, C.FAMILY_DROPOUT)
    Xa32 = aug.X32
    ya = y[src]
    fit_a, cal_a = sp.fit[src], sp.cal[src]
    fit_c, cal_c = fit_a & known[src], cal_a & known[src]
    log(f"family dropout: {len(aug)} booster/calibration rows from {int((sp.fit | sp.cal).sum())} "
        f"({C.FAMILY_DROPOUT['copies']} copies); pattern shares {aug_shares}")
    for name, yy, m in [("fit", ya, fit_c), ("calibration", ya, cal_c), ("validation", y, val_c)]:
        if yy[m].sum() == 0 or yy[m].sum() == m.sum():
            raise PipelineError(f"the {name} rows of the classifier hold a single class")

    # ---------------------------------------------------------------- classifier
    log("classifier: hyper-parameter search (validation PR-AUC)")
    cs = T.tune_classifier(Xa32[fit_c], ya[fit_c], X32[val_c], y[val_c])
    log(f"  chosen {cs.params}, {cs.n_iter} iterations")
    booster = T.fit_booster(Xa32[fit_c], ya[fit_c], cs.params, cs.n_iter)
    raw_val = booster.predict_proba(X32[val_c])[:, 1]

    ev_known = ev_t.known_fail()
    ev_X32 = ev_t.X32
    # The "test" rows: validation + evaluation, and the evaluation rows with named family sets
    # absent (whole families of NaN take other branches than scattered gaps).
    check_X = np.concatenate([X32[sp.val], ev_X32] + [
        D.without_families(ev_X32, fam_cols, fams) for fams in C.ABSENT_SETS.values()])
    calib = {"uncalibrated_validation": {k: E.r(v, 5) for k, v in
                                         T.probability_scores(y[val_c], raw_val).items()}}
    candidates = []
    for method in C.CALIBRATION_METHODS:
        cal = T.calibrate(booster, Xa32[cal_c], ya[cal_c], method)
        p_val = cal.predict_proba(X32[val_c])[:, 1]
        scores = T.probability_scores(y[val_c], p_val)
        onx = T.export_classifier(cal, names)
        diff = T.classifier_parity(cal, onx, check_X)
        ok = diff <= C.PARITY_TOLERANCE
        calib[method] = {**{k: E.r(v, 5) for k, v in scores.items()},
                         "onnx_max_abs_diff": float(f"{diff:.3g}"), "exports_exactly": bool(ok)}
        log(f"  calibration {method}: validation Brier {scores['brier']:.5f}, log loss "
            f"{scores['log_loss']:.5f}; ONNX max |diff| {diff:.2e} ({'ok' if ok else 'REJECTED'})")
        if ok:
            candidates.append((scores["brier"], method, cal, onx, diff))
    if not candidates:
        raise PipelineError("no calibrated classifier exports to ONNX within "
                            f"{C.PARITY_TOLERANCE} of scikit-learn: {calib}")
    candidates.sort(key=lambda c: (c[0], C.CALIBRATION_METHODS.index(c[1])))
    _, cal_method, clf, clf_onnx, clf_diff = candidates[0]
    log(f"  kept {cal_method} calibration")

    # ---------------------------------------------------------------- time to failure
    # One calibrated classifier per horizon, "a failure starts within h days"; the 7-day one is
    # the classifier above (same labels, same rows). The others reuse its hyper-parameters.
    log(f"time to failure: one classifier per horizon {C.TTF_HORIZONS} "
        f"({cs.params}, {cs.n_iter} iterations)")
    horizon_models, horizon_parts, horizon_info = [], [], []
    for h in C.TTF_HORIZONS:
        t0 = time.monotonic()
        if h == C.CLASSIFIER_WINDOW_DAYS:
            horizon_models.append(clf)
            horizon_parts.append(clf_onnx)
            horizon_info.append({"horizon_days": h, "model": "failure_7d (the same classifier)",
                                 "calibration": cal_method})
            continue
        yh = D.horizon_labels(train_all, h)
        kh = ~np.isnan(yh)
        yh = np.nan_to_num(yh).astype(np.int64)
        fit_h, cal_h, val_h = fit_a & kh[src], cal_a & kh[src], sp.val & kh
        yah = yh[src]
        for name, yy, m in [("fit", yah, fit_h), ("calibration", yah, cal_h),
                            ("validation", yh, val_h)]:
            if yy[m].sum() == 0 or yy[m].sum() == m.sum():
                raise PipelineError(f"the {name} rows of the {h:g}-day classifier hold a single "
                                    f"class")
        fh = T.fit_horizon(Xa32[fit_h], yah[fit_h], Xa32[cal_h], yah[cal_h], X32[val_h],
                           yh[val_h], cs.params, cs.n_iter, names, check_X)
        horizon_models.append(fh["model"])
        horizon_parts.append(fh["onnx"])
        horizon_info.append({"horizon_days": h, "calibration": fh["method"],
                             "calibration_candidates": fh["calibration"],
                             "rows": {"fit": int(fit_h.sum()), "calibration": int(cal_h.sum()),
                                      "validation": int(val_h.sum())},
                             "seconds": round(time.monotonic() - t0, 1)})
        log(f"  {h:g} d: {fh['method']} calibration, {int(yah[fit_h].sum())} positive fit rows "
            f"({time.monotonic() - t0:.1f} s)")
    ttf_onnx = T.export_time_to_failure(horizon_parts, C.TTF_HORIZONS, names)
    ttf_diff = T.ttf_parity(horizon_models, ttf_onnx, check_X)
    log(f"  {TTF_FILE}: ONNX max |diff| {ttf_diff:.2e} over {len(check_X)} rows")
    if ttf_diff > C.PARITY_TOLERANCE:
        raise PipelineError(f"time_to_failure ONNX output differs from scikit-learn by "
                            f"{ttf_diff:.3g} > {C.PARITY_TOLERANCE}")
    if clf_diff > C.PARITY_TOLERANCE:  # cannot happen (checked above); kept as the contract
        raise PipelineError("failure_7d ONNX parity failed")

    # ---------------------------------------------------------------- scores (ONNX outputs)
    cls_sess, ttf_sess = T.session(clf_onnx), T.session(ttf_onnx)
    step = E.step_days(C.SNAPSHOT_EVERY)
    val_t = train_all.subset(sp.val)
    p_valset = T.onnx_proba(cls_sess, X32[sp.val])
    P_valset = T.onnx_ttf(ttf_sess, X32[sp.val])
    p_ev = T.onnx_proba(cls_sess, ev_X32)
    P_ev = T.onnx_ttf(ttf_sess, ev_X32)
    if not np.array_equal(P_valset[:, C.TTF_HORIZONS.index(C.CLASSIFIER_WINDOW_DAYS)], p_valset):
        raise PipelineError("the 7-day column of time_to_failure differs from failure_7d")

    # ---------------------------------------------------------------- policy (validation only)
    train_failures = []
    for f in fleets:
        train_failures += EP.failures_from_logbook(F.read_logbook(f.logbook), f.seed)
    ev_failures = EP.failures_from_logbook(F.read_logbook(eval_fleet.logbook), eval_fleet.seed)
    if any(f.precursor == EP.UNKNOWN for f in train_failures):
        raise PipelineError("the training fleets' logbooks have no `precursor_start` column: the "
                            "cockpit binary predates issue 15 (detectable failures); rebuild it "
                            "or run with --fresh")
    val_period = PO.Period(val_t.unit, val_t.time, train_failures,
                           C.POLICY_SEARCH["failure_min_days_after_start"])
    log(f"risk policy: search on the validation rows ({len(val_t)} turbine-days, "
        f"{sum(val_period.counted)} counted failures of {len(val_period.failures)})")
    choice = PO.choose(val_period, p_valset, P_valset, log)
    pol = choice["policy"]
    counted = [f for f, c in zip(val_period.failures, val_period.counted) if c]
    pre_val = EP.precursor_leads(counted)
    thresholds = suggested_thresholds(pol, choice, pre_val)

    def assess(t: D.Table, p_all: np.ndarray, P_all: np.ndarray, pol: dict | None):
        k = t.known_fail()
        yk = t.y_fail[k].astype(np.int64)
        ty = E.turbine_years(t.subset(k), step)
        evs = E.events_from_rows(t)
        out = {"classifier": E.classification_report(yk, p_all[k]),
               "calibration_table": E.calibration_table(yk, p_all[k]),
               "thresholds": E.threshold_table(yk, p_all[k], C.CANDIDATE_THRESHOLDS, step, ty),
               "time_to_failure": E.ttf_report(t, P_all, C.TTF_HORIZONS)}
        for row in out["thresholds"]:
            e = E.event_recall(t, p_all >= row["threshold"], C.MIN_LEAD_DAYS, C.HORIZON_DAYS, evs)
            row["event_recall_2d_ahead"] = e["recall"]
            row["event_median_lead_days"] = e["median_lead_days"]
            row["event_chance_rate"] = e["chance_rate"]
        if pol:
            out["event_recall"] = []
            pr, tt = pol["probability"], pol["time_to_failure"]
            cat = PO.categories(p_all, P_all, pol)
            rules = [
                ("high (policy)", f"p >= {pr['high']} or Q({tt['quantile']}) <= {tt['high']:g} d",
                 cat >= EP.HIGH),
                ("critical (policy)", f"p >= {pr['critical']} or Q({tt['quantile']}) <= "
                                      f"{tt['critical']:g} d", cat >= EP.CRITICAL),
                ("high (probability only)", f"p >= {pr['high']}", p_all >= pr["high"]),
            ]
            for name, rule, alert in rules:
                for win in ((C.MIN_LEAD_DAYS, C.HORIZON_DAYS),
                            (C.MIN_LEAD_DAYS, C.CLASSIFIER_WINDOW_DAYS)):
                    e = E.event_recall(t, alert, win[0], win[1], evs)
                    out["event_recall"].append({"name": name, "rule": rule, **e})
        return out

    validation = assess(val_t, p_valset, P_valset, pol)
    validation["alert_episodes_python"] = choice["figures"]
    vt = train_all.subset(sp.val_time)
    vb = train_all.subset(sp.val_both)
    validation["by_group"] = {
        "training_turbines_late_period": E.classification_report(
            vt.y_fail[vt.known_fail()].astype(int),
            T.onnx_proba(cls_sess, vt.X32)[vt.known_fail()]),
        "held_out_turbines_late_period": E.classification_report(
            vb.y_fail[vb.known_fail()].astype(int),
            T.onnx_proba(cls_sess, vb.X32)[vb.known_fail()]),
    }

    evaluation = assess(ev_t, p_ev, P_ev, pol)
    evs = E.events_from_rows(ev_t)
    evaluation["logbook_crosscheck"] = E.logbook_crosscheck(
        ev_t, evs, F.read_logbook(eval_fleet.logbook), eval_fleet.seed, C.START_DATE,
        eval_fleet.days, C.MIN_LEAD_DAYS)
    # The Python mirror of the episode figures on the evaluation fleet's feature rows (a report:
    # nothing is chosen from it; the cockpit's backtest below is the measure of record).
    ev_period = PO.Period(ev_t.unit, ev_t.time, ev_failures)
    ev_cat = PO.categories(p_ev, P_ev, pol)
    evaluation["alert_episodes_python"] = ev_period.levels(ev_cat)
    evaluation["episode_details_python"] = episode_details(ev_period, ev_cat)
    evaluation["precursor_leads"] = precursor_summary(EP.precursor_leads(ev_period.failures))
    for lv in ("high", "critical"):
        log(f"  eval fleet (Python mirror) {lv}: "
            f"{PO._brief(evaluation['alert_episodes_python'][lv])}")
    cov = evaluation["time_to_failure"]["coverage"]
    log(f"  eval fleet 80 % ranges: coverage {cov['coverage']} of {cov['ranges']} ranges, median "
        f"width {cov['median_width_days']} d; non-monotone rows "
        f"{evaluation['time_to_failure']['monotonicity']['non_monotone_share']}")
    # Whole families removed on every turbine of the evaluation fleet: each family alone, then
    # the named sets of real exports (config.ABSENT_SETS).
    healthy = D.outcome_known(ev_t, C.HORIZON_DAYS) & (ev_t.censored == 1)
    scenarios = [("all present", [])] + [(f, [f]) for f in C.FAMILIES] + \
        [(n, list(v)) for n, v in C.ABSENT_SETS.items()]
    absence_rows = []
    for sc_name, absent in scenarios:
        Xs = D.without_families(ev_X32, fam_cols, absent)
        ps = T.onnx_proba(cls_sess, Xs)
        Ps = T.onnx_ttf(ttf_sess, Xs)
        absence_rows.append(E.absence_report(sc_name, absent, ev_t, ps, Ps, p_ev, P_ev, healthy,
                                             pol, evs, step))
        a = absence_rows[-1]
        log(f"  absent {sc_name}: PR-AUC {a['pr_auc']}, warned (high) {a['event_recall_high']}, "
            f"false alert-days/turbine-year {a['false_alert_days_per_turbine_year_high']}, "
            f"healthy mean p shift {a['healthy_mean_p_shift']:+}")
    summ = eval_fleet.simulate_summary
    if "failures" in summ and "failures_without_precursor" in summ and summ["failures"]:
        evaluation["failures"] = summ["failures"]
        evaluation["failures_without_precursor"] = summ["failures_without_precursor"]
        evaluation["precursor_share"] = E.r(1 - summ["failures_without_precursor"] / summ["failures"])

    # ---------------------------------------------------------------- artefacts
    sha_c = hashlib.sha256(clf_onnx).hexdigest()
    sha_t = hashlib.sha256(ttf_onnx).hexdigest()
    fit_t = train_all.subset(sp.fit)
    fleet_entries = []
    for f, tab in [(f, t) for f, t in zip(fleets, tables)] + [(eval_fleet, ev_t)]:
        s = f.simulate_summary
        fleet_entries.append({
            "role": f.role, "seed": f.seed, "turbines": f.turbines, "days": f.days,
            "start": f.start, "rows": len(tab),
            "rows_fail_known": int(tab.known_fail().sum()),
            "rows_positive": int(np.nansum(tab.y_fail)),
            "failures": s.get("failures"), "failures_without_precursor":
                s.get("failures_without_precursor"),
            "features_sha256": f.features_sha256,
            "data_seconds": f.seconds,
        })
    manifest = {
        "model_version": C.MODEL_VERSION,
        "created_at": created_at(),
        "feature_names": names,
        "n_features": len(names),
        "horizon_days": C.HORIZON_DAYS,
        "models": {
            "failure_7d": {
                "file": CLS_FILE, "sha256": sha_c, "input": C.INPUT_NAME,
                "input_type": "float32", "input_shape": [None, len(names)],
                "missing_value": "NaN",
                "output": T.PROBA_OUTPUT, "class_index": 1,
                "output_shape": [None, 2],
                "other_outputs": [T.LABEL_OUTPUT],
                "meaning": f"probability of a failure within {C.CLASSIFIER_WINDOW_DAYS:g} days",
            },
            "time_to_failure": {
                "file": TTF_FILE, "sha256": sha_t, "input": C.INPUT_NAME,
                "output": T.PROBA_OUTPUT, "horizons_days": list(C.TTF_HORIZONS),
                "input_type": "float32", "input_shape": [None, len(names)],
                "output_shape": [None, len(C.TTF_HORIZONS)],
                "missing_value": "NaN",
                "meaning": "probability of a failure within each horizon (days), cumulative",
            },
        },
        "training_data": {
            "simulator_version": version,
            "seeds": [f["seed"] for f in C.TRAIN_FLEETS],
            "eval_seed": C.EVAL_FLEET["seed"],
            "start": C.START_DATE,
            "snapshot_every": C.SNAPSHOT_EVERY,
            "fleets": fleet_entries,
            "rows": {"training_fleets": len(train_all), "eval_fleet": len(ev_t)},
        },
        "training": {
            "split": {
                "holdout_turbine_share": C.HOLDOUT_TURBINE_SHARE,
                "validation_time_share": C.TEST_TIME_SHARE,
                "gap_days": C.GAP_DAYS,
                "per_fleet": sp.boundaries,
                "rows": {"fit": int(sp.fit.sum()), "calibration": int(sp.cal.sum()),
                         "validation": int(sp.val.sum()), "gap_dropped": int(sp.gap.sum()),
                         "classifier_fit": int(fit_c.sum()), "classifier_calibration":
                             int(cal_c.sum()), "classifier_validation": int(val_c.sum())},
            },
            "family_dropout": {
                "families": {f: [names[j] for j in fam_cols[f]] for f in C.FAMILIES},
                "absent_sets": C.ABSENT_SETS,
                "copies": C.FAMILY_DROPOUT["copies"],
                "patterns": C.FAMILY_DROPOUT["patterns"],
                "random_absent_probability": C.FAMILY_DROPOUT["random_absent_probability"],
                "seed": C.FAMILY_DROPOUT["seed"],
                "applied_to": "booster-training and calibration rows; copy 0 keeps every "
                              "family; one pattern per turbine and copy",
                "augmented_rows": {"fit": int(fit_a.sum()), "calibration": int(cal_a.sum())},
                "pattern_shares": aug_shares,
            },
            "classifier": {
                "estimator": "HistGradientBoostingClassifier",
                "params": {**cs.params, "max_iter": cs.n_iter, "early_stopping": False,
                           "random_state": C.RANDOM_STATE},
                "selection": "validation PR-AUC",
                "search": cs.table,
                "calibration": {"method": cal_method, "fitted_on": "held-out turbines, early period",
                                "candidates": calib},
                "onnx_max_abs_diff": float(f"{clf_diff:.3g}"),
            },
            "time_to_failure": {
                "estimator": "one calibrated HistGradientBoostingClassifier per horizon, "
                             "\"a failure starts within h days\"; the 7-day one is failure_7d",
                "horizons_days": list(C.TTF_HORIZONS),
                "params": {**cs.params, "max_iter": cs.n_iter, "early_stopping": False,
                           "random_state": C.RANDOM_STATE},
                "params_from": "the 7-day classifier's search (no grid of their own)",
                "labels": "1 when a failure starts within h days; 0 when h days of data follow "
                          "without one; other rows left out for that horizon",
                "per_horizon": horizon_info,
                "graph": "the horizon classifiers' class-1 columns gathered and concatenated "
                         "into one output",
                "onnx_max_abs_diff": float(f"{ttf_diff:.3g}"),
            },
            "onnx_target_opset": C.TARGET_OPSET,
            "parity_checked_on_rows": int(len(check_X)),
            "parity_tolerance": C.PARITY_TOLERANCE,
            "threads": C.N_THREADS,
            "packages": package_versions(),
        },
        "metrics": {
            "eval_fleet": evaluation,
            "validation": validation,
            "missing_families": {
                "fleet": "evaluation fleet, every turbine with the named families' features "
                         "empty (NaN) for the whole period",
                "healthy_rows": "turbine-days with no failure within the horizon "
                                f"({C.HORIZON_DAYS:g} days)",
                "rules": {"high": f"p >= {pol['probability']['high']}",
                          "high_either_output": f"the policy's high: p >= "
                                                f"{pol['probability']['high']} or "
                                                f"Q({pol['time_to_failure']['quantile']}) <= "
                                                f"{pol['time_to_failure']['high']:g} days",
                          "critical": f"the policy's critical: p >= "
                                      f"{pol['probability']['critical']} or "
                                      f"Q({pol['time_to_failure']['quantile']}) <= "
                                      f"{pol['time_to_failure']['critical']:g} days",
                          "lead_window_days": [C.MIN_LEAD_DAYS, C.HORIZON_DAYS]},
                "scenarios": absence_rows,
            },
            "targets": [],  # below, once the backtest's figures are in
        },
        "suggested_thresholds": thresholds,
        "reference_stats": R.reference_stats(fit_t.X32.astype(np.float64), names),
        "reference_stats_rows": "booster training rows (training turbines, early period)",
        "known_limits": KNOWN_LIMITS,
    }
    manifest["metrics"]["runtime_seconds"] = {
        "data": round(t_data - t_start, 1), "total": None}

    # parity fixture: evaluation rows, outputs of the exported graphs through onnxruntime
    idx = R.pick_parity_rows(ev_t.X, p_ev, C.PARITY_ROWS, C.RANDOM_STATE)
    px = ev_X32[idx].copy()
    # Every fourth row with a real export's families absent (cycling through ABSENT_SETS), so
    # the Rust parity test also covers whole families of NaN.
    absent_sets = list(C.ABSENT_SETS.values())
    for n, i in enumerate(range(1, len(px), 4)):
        px[i:i + 1] = D.without_families(px[i:i + 1], fam_cols, absent_sets[n % len(absent_sets)])
    parity = R.parity_csv(names, px, T.onnx_proba(cls_sess, px), T.onnx_ttf(ttf_sess, px),
                          C.TTF_HORIZONS)

    # Written to a staging folder first and checked there (verify.py: checksums, ONNX
    # signatures, parity.csv reproduced from the files); models/ is only touched when it holds.
    stage = work / "staging"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    (stage / CLS_FILE).write_bytes(clf_onnx)
    (stage / TTF_FILE).write_bytes(ttf_onnx)
    (stage / "parity.csv").write_text(parity, encoding="utf-8")

    def write_manifest():
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    write_manifest()
    problems = V.verify(stage)
    if problems:
        raise PipelineError("the artefacts do not check out (models/ left unchanged):\n  "
                            + "\n  ".join(problems))

    # ---------------------------------------------------------------- cockpit backtest
    policy_path = work / POLICY_FILE
    policy_path.write_text(PO.to_toml(pol, POLICY_HEADER.format(version=C.MODEL_VERSION)),
                           encoding="utf-8")
    if args.no_backtest:
        log("--no-backtest: the cockpit's backtest of the evaluation fleet is skipped; the card "
            "shows the Python mirror's episode figures instead")
    else:
        log(f"cockpit backtest of the evaluation fleet with {stage} and {policy_path}")
        t0 = time.monotonic()
        bt = F.backtest(cockpit, eval_fleet.dir / "cockpit.db", stage, policy_path)
        evaluation["alert_episodes"] = bt["levels"]
        evaluation["ttf_coverage"] = bt["ttf"]
        evaluation["backtest"] = {k: bt.get(k) for k in ("first_day", "last_day", "days",
                                                         "turbines", "scored_snapshots")}
        evaluation["backtest"]["policy"] = pol
        evaluation["backtest"]["seconds"] = round(time.monotonic() - t0, 1)
        for lv in ("high", "critical"):
            log(f"  {lv}: {PO._brief(bt['levels'][lv])}")
        log(f"  ttf: {bt['ttf']}")
    manifest["metrics"]["targets"] = targets(evaluation, thresholds)
    manifest["metrics"]["runtime_seconds"]["total"] = round(time.monotonic() - t_start, 1)
    write_manifest()
    (stage / "MODEL_CARD.md").write_text(R.model_card(manifest), encoding="utf-8")
    shutil.copyfile(policy_path, stage / POLICY_FILE)
    problems = V.verify(stage)
    if problems:
        raise PipelineError("the artefacts do not check out (models/ left unchanged):\n  "
                            + "\n  ".join(problems))
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in (CLS_FILE, TTF_FILE, "parity.csv", "manifest.json", "MODEL_CARD.md"):
        write_atomic(out / name, (stage / name).read_bytes())
    old = out / "days_to_failure.onnx"
    if old.exists():  # the 1.x regressor: no manifest entry refers to it any more
        old.unlink()

    cls_ev = evaluation["classifier"]
    log(f"eval fleet: ROC-AUC {cls_ev['roc_auc']}, PR-AUC {cls_ev['pr_auc']}, Brier "
        f"{cls_ev['brier']}")
    for t in manifest["metrics"]["targets"]:
        log(f"  target {t['name']}: {t['value']} ({t['source']}) -> "
            f"{'met' if t['met'] else 'MISSED'}")
    pp, pt = pol["probability"], pol["time_to_failure"]
    log(f"suggested policy ({policy_path}): [probability] moderate {pp['moderate']}, high "
        f"{pp['high']}, critical {pp['critical']}; [time_to_failure] quantile {pt['quantile']}, "
        f"moderate {pt['moderate']}, high {pt['high']}, critical {pt['critical']}, horizon "
        f"{pt['horizon']}")
    log(f"wrote {out}/{{{CLS_FILE},{TTF_FILE},manifest.json,MODEL_CARD.md,parity.csv}} in "
        f"{time.monotonic() - t_start:.0f} s")
    return 0


POLICY_HEADER = """Risk policy suggested by models/training/pipeline.py for model set {version}:
values chosen on the validation rows of the training fleets (manifest.json suggested_thresholds);
the pipeline backtests the evaluation fleet with it."""

KNOWN_LIMITS = [
    "Trained and evaluated on simulated fleets only; real SCADA (other turbine types, "
    "sensor habits, maintenance practice) will shift the feature distributions. Watch "
    "the drift statistics and re-validate on real failures before trusting the numbers.",
    "The simulator gives about a quarter of the failures no precursor: those cannot be "
    "predicted from SCADA and bound every recall figure.",
    "Labels are row-level 'failure within h days': an alert more than h days ahead of a "
    "failure is scored as a false alarm for that horizon although it is useful.",
    "Evaluation uses one unseen fleet of 50 turbines x 365 days: failure-level figures "
    "rest on about a hundred failures, so per-component recalls are noisy (+/- 10-15 "
    "points).",
    "The time-to-failure distribution is a set of per-horizon probabilities: without a visible "
    "drift it says \"no failure expected within 30 days\" (or a wide, open range) and is only "
    "informative once a drift shows; its ranges are calibrated on the simulated failure rate.",
    "A turbine's steady offset (sensor placement, cooling) is of the same size as an "
    "early drift. Only the *_own_dev features remove it, against a short baseline (days "
    "3-6 before the snapshot) that a slow drift already contaminates; a longer baseline "
    "that ends a week before the snapshot would show early drifts better (a change for "
    "the Rust feature code).",
    "Absent signal families are simulated by emptying their features on simulated "
    "turbines that have them: a real export without a family may also differ in how the "
    "families it has behave (sensor placement, turbine type). With every temperature "
    "absent only the power-curve and pitch features remain, and most temperature-led "
    "failures can no longer be warned of (see 'Missing signal families').",
    "Probabilities are calibrated on the simulated failure rate (~2.5 per turbine-year); "
    "a fleet with a different rate needs recalibration.",
]


def precursor_summary(leads: list[float] | None) -> dict | None:
    """How far ahead the detectable failures' precursors became visible: the longest leads any
    warning could have had."""
    if leads is None:
        return None
    a = np.array(leads)
    goal = C.EPISODE_TARGETS["high_median_lead_days_min"]
    return {"detectable_failures": int(len(a)),
            "median_days": E.r(np.median(a), 1) if len(a) else None,
            "share_under_lead_goal": E.r((a < goal).mean()) if len(a) else None,
            "lead_goal_days": goal}


def episode_details(period: "PO.Period", cat: np.ndarray) -> dict:
    """What lies behind the high level's figures (Python mirror): of the false episodes, how many
    last a single day and how many are followed by a failure 8-30 days after their last day (an
    early sign the 7-day window counts false); of the detectable failures, the median days from
    precursor start to failure of the warned and of the not-warned ones, and how long after its
    precursor began each warned failure was first warned."""
    eps = EP.episodes(EP.HIGH, period.unit, period.t, cat)
    eu, ef, el = eps
    fails: dict[str, list[int]] = {}
    for f in period.failures:
        fails.setdefault(f.unit, []).append(f.time)
    single = later = n_false = 0
    for u, first, last in zip(eu, ef, el):
        times = fails.get(str(u), [])
        if any(first < t <= last + EP.LEAD_WINDOW for t in times):
            continue
        if last + EP.LEAD_WINDOW > period.data_end:
            continue
        n_false += 1
        single += int(first == last)
        later += int(any(last + EP.LEAD_WINDOW < t <= last + 30 * EP.DAY for t in times))
    out = {"false_episodes": n_false, "single_day": single,
           "failure_8_to_30_days_after": later}
    if any(f.precursor == EP.UNKNOWN for f in period.failures):
        return out
    leads = EP.failure_leads(eps, period.failures)
    warned_pre, missed_pre, delay = [], [], []
    for f, lead in zip(period.failures, leads):
        if f.precursor == EP.NONE or f.time - int(f.precursor) < EP.MIN_LEAD:
            continue
        pre = (f.time - int(f.precursor)) / EP.DAY
        if lead is None:
            missed_pre.append(pre)
        else:
            warned_pre.append(pre)
            delay.append(pre - lead / EP.DAY)

    def med(x):
        return E.r(np.median(x), 1) if x else None

    out.update({"detectable_warned": len(warned_pre), "detectable_missed": len(missed_pre),
                "precursor_median_days_warned": med(warned_pre),
                "precursor_median_days_missed": med(missed_pre),
                "missed_precursor_under_5_days": int(sum(p < 5 for p in missed_pre)),
                "warning_delay_median_days": med(delay)})
    return out


def suggested_thresholds(pol: dict, choice: dict, pre_val: list[float] | None) -> dict:
    """The manifest's `suggested_thresholds`: the policy file's two sections (data/risk-policy.toml
    `[probability]` and `[time_to_failure]`), the rule that chose them and their figures on the
    validation rows."""
    t = C.EPISODE_TARGETS
    figs = choice["figures"]
    hi = figs["high"]
    reasoning = (
        f"Chosen on the validation rows of the training fleets (never the evaluation fleet): "
        f"every combination of quantile {C.POLICY_SEARCH['quantiles']}, probability "
        f"{C.POLICY_SEARCH['probability']} and days {C.POLICY_SEARCH['days_high']} was replayed "
        f"as daily categories and its alert episodes counted (the cockpit's definitions); "
        f"'high' is the one closest to the three high targets (>= "
        f"{t['high_recall_detectable_min']:.0%} of detectable failures warned 2+ days ahead, <= "
        f"{t['high_false_episodes_per_turbine_quarter_max']:g} false episodes per turbine per "
        f"quarter, median lead >= {t['high_median_lead_days_min']:g} days; smallest sum of "
        f"relative shortfalls), 'critical' the most sensitive above it whose episode precision "
        f"reaches {t['critical_episode_precision_min']:.0%}"
        + ("" if choice["critical_meets_precision"] else " (none did: the most precise is given)")
        + "; 'moderate' (the watch list, no target) is half the high probability and halfway "
        f"between the high days and the horizon. A turbine is high when p >= "
        f"{pol['probability']['high']} or when the distribution puts a failure within "
        f"{pol['time_to_failure']['high']:g} days with probability >= "
        f"{pol['time_to_failure']['quantile']} (Q({pol['time_to_failure']['quantile']}) <= "
        f"{pol['time_to_failure']['high']:g} days).")
    return {
        "probability": pol["probability"],
        "time_to_failure": pol["time_to_failure"],
        "policy": {"targets": C.EPISODE_TARGETS, "search": C.POLICY_SEARCH,
                   "chosen_on": "validation rows of the training fleets"},
        "validation_alert_episodes": figs,
        "validation_precursor_leads": precursor_summary(pre_val),
        "validation_high_meets": {
            "recall_detectable": (hi["recall_detectable"] or 0) >= t["high_recall_detectable_min"],
            "false_episodes": (hi["false_episodes_per_turbine_quarter"] or 0)
            <= t["high_false_episodes_per_turbine_quarter_max"],
            "median_lead": (hi["median_lead_days"] or 0) >= t["high_median_lead_days_min"],
        },
        "search_high": choice["high_search"],
        "search_critical": choice["critical_search"],
        "reasoning": reasoning,
    }


def targets(ev: dict, thr: dict) -> list[dict]:
    """Each issue-15 target with its measured value on the evaluation fleet: the cockpit's
    backtest when it ran (`alert_episodes`, `ttf_coverage`), else the Python mirror; when missed,
    by how much and why, in sentences made from the figures."""
    t = C.EPISODE_TARGETS
    from_bt = "alert_episodes" in ev
    lv = ev["alert_episodes"] if from_bt else ev["alert_episodes_python"]
    src = "cockpit backtest" if from_bt else "Python mirror (no backtest)"
    hi, cr = lv["high"], lv["critical"]
    pre = ev.get("precursor_leads") or {}
    det = ev.get("episode_details_python") or {}
    out = []

    def add(name, value, goal, at_least, unit, why, source=src):
        met = None if value is None else (value >= goal if at_least else value <= goal)
        gap = None if value is None or met else abs(value - goal)
        out.append({"name": name, "goal": goal, "value": E.r(value), "met": met,
                    "missed_by": E.r(gap), "unit": unit, "why": why if met is False else "",
                    "source": source})

    nd = hi.get("detectable_failures")
    wd = hi.get("warned_detectable")
    pw, pm = det.get("precursor_median_days_warned"), det.get("precursor_median_days_missed")
    if pw is not None and pm is not None:
        shorter = pm < pw
        why_pre = (f" In the Python mirror of the same policy on the feature rows, the "
                   f"{det.get('detectable_missed')} detectable failures not warned had their "
                   f"precursor visible a median {pm:g} days before them "
                   f"({det.get('missed_precursor_under_5_days')} of them less than 5 days), the "
                   f"warned ones {pw:g} days: "
                   + ("the short precursors are the ones missed." if shorter else
                      "their precursors were not shorter; the model did not tell their drift "
                      "from normal variation in time."))
    else:
        why_pre = ""
    add(f"high: >= {t['high_recall_detectable_min']:.0%} of detectable failures warned "
        f"{C.MIN_LEAD_DAYS:g}+ days ahead", hi.get("recall_detectable"),
        t["high_recall_detectable_min"], True, "share",
        f"{(nd or 0) - (wd or 0)} of the {nd} failures whose precursor was visible "
        f"{C.MIN_LEAD_DAYS:g}+ days before them were not warned that early "
        f"({_pct(pre.get('share_under_lead_goal'))} of the detectable failures had a precursor "
        f"visible for less than {pre.get('lead_goal_days', 10):g} days).{why_pre}")
    fe = hi.get("false_episodes_per_turbine_quarter")
    add(f"high: <= {t['high_false_episodes_per_turbine_quarter_max']:g} false episodes per "
        f"turbine per quarter", fe, t["high_false_episodes_per_turbine_quarter_max"], False,
        "per turbine-quarter",
        f"{hi.get('false_episodes')} false episodes at high; in the Python mirror of the same "
        f"policy on the feature rows, {det.get('single_day', 'n/a')} of its "
        f"{det.get('false_episodes', 'n/a')} false episodes last a single day (a risk crossing "
        f"the threshold for a day) and {det.get('failure_8_to_30_days_after', 'n/a')} are "
        f"followed by a failure 8-30 days later (counted false by the 7-day window).")
    dl = det.get("warning_delay_median_days")
    add(f"high: median lead >= {t['high_median_lead_days_min']:g} days", hi.get("median_lead_days"),
        t["high_median_lead_days_min"], True, "days",
        f"the detectable failures' precursors were visible a median {pre.get('median_days')} "
        f"days before them ({_pct(pre.get('share_under_lead_goal'))} for less than "
        f"{pre.get('lead_goal_days', 10):g} days): that is the longest median lead a warning on "
        f"the first day of every precursor would give"
        + (f"; the warned failures were first warned a median {dl:g} days after their precursor "
           f"began (Python mirror)." if dl is not None else "."))
    add(f"critical: episode precision >= {t['critical_episode_precision_min']:.0%}",
        cr.get("episode_precision"), t["critical_episode_precision_min"], True, "share",
        f"{cr.get('true_episodes')} true and {cr.get('false_episodes')} false episodes at "
        f"critical.")
    cov_bt = ev.get("ttf_coverage")
    cov = cov_bt if cov_bt is not None else ev["time_to_failure"]["coverage"]
    lo, hi_ = C.TTF_COVERAGE_TARGET
    c = cov.get("coverage")
    met = None if c is None else lo <= c <= hi_
    gap = None if c is None or met else (lo - c if c < lo else c - hi_)
    out.append({
        "name": f"80 % ranges contain the true time {lo:.0%}-{hi_:.0%} of the time (coverage)",
        "goal": [lo, hi_], "value": c, "met": met, "missed_by": E.r(gap), "unit": "share",
        "why": "" if met is not False else (
            f"{cov.get('covered')} of {cov.get('ranges')} ranges contain the true time: "
            + ("the ranges are too narrow or placed too early/late for the failures that follow "
               "them (the horizon probabilities overconfident)" if c < lo else
               "the ranges are wider than needed (the horizon probabilities underconfident)")
            + "."),
        "source": "cockpit backtest" if cov_bt is not None else "Python mirror (no backtest)"})
    return out


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f} %"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PipelineError as e:
        log(f"FAILED: {e}")
        sys.exit(1)
