"""Everything that fixes what the pipeline produces. Change values here, never on the fly:
the same configuration, simulator and pinned packages give the same models and metrics."""

# Version of the model pair written to models/manifest.json. Bump the minor version when
# retraining with new data or hyper-parameters, the major version when the feature list or
# the meaning of an output changes (the Rust side must then be updated too).
MODEL_VERSION = "2.0.0"

# Labels look this far ahead; the last horizon of the time-to-failure distribution.
HORIZON_DAYS = 30.0
# The time-to-failure distribution (issue 15): one calibrated classifier per horizon, "a
# failure starts within h days", exported as one graph (time_to_failure.onnx, output
# `probabilities` [N, len(TTF_HORIZONS)]). The cockpit takes the running max (monotone CDF),
# interpolates linearly and derives the median and the 80 % range (the contract:
# docs/scoring.md; evaluation.ttf_* mirror it). The last horizon must be HORIZON_DAYS.
TTF_HORIZONS = [1.0, 3.0, 7.0, 14.0, 30.0]
# Range and median of the distribution: [Q(low), Q(high)], Q(0.5).
TTF_RANGE = (0.1, 0.9)
TTF_MEDIAN = 0.5
# Coverage target of the 80 % ranges on the evaluation fleet (reported, not enforced).
TTF_COVERAGE_TARGET = (0.75, 0.85)
# The classifier predicts "a failure within this many days".
CLASSIFIER_WINDOW_DAYS = 7.0

# Simulated fleets. The demo park uses seed 2026: never train or evaluate on it.
DEMO_SEED = 2026
START_DATE = "2025-01-01"
# Six fleets: validation PR-AUC kept rising from 1 to 7 fleets in the development runs, while
# 12-hour snapshots (twice the rows, strongly correlated) brought nothing over daily ones.
TRAIN_FLEETS = [
    {"seed": 101, "turbines": 50, "days": 365},
    {"seed": 102, "turbines": 50, "days": 365},
    {"seed": 103, "turbines": 50, "days": 365},
    {"seed": 104, "turbines": 50, "days": 365},
    {"seed": 105, "turbines": 50, "days": 365},
    {"seed": 106, "turbines": 50, "days": 365},
]
EVAL_FLEET = {"seed": 909, "turbines": 50, "days": 365}
# Snapshot period of `cockpit features --every`.
SNAPSHOT_EVERY = "1d"

# Split of the training fleets (the evaluation fleet is never split nor used for any choice).
HOLDOUT_TURBINE_SHARE = 0.25  # of each training fleet's turbines: calibration + validation
TEST_TIME_SHARE = 0.20  # last share of the simulated period: validation
GAP_DAYS = 30.0  # dropped before the validation period (= the label horizon: no look-ahead)

# Single source of randomness of the training code.
RANDOM_STATE = 20_251

# Threads used by scikit-learn's OpenMP code. One: floating-point sums are then done in the
# same order on every machine (retraining reproduces the same trees), and OpenMP's busy-waiting
# threads made fits ~10x slower on a 2-core machine busy with anything else (cargo, tests).
N_THREADS = 1

# Signal families: the 8 key signals of the feature catalogue (crates/cockpit-core/src/features/
# catalogue.rs, KEY_SIGNALS); each owns the 9 features `<family>_<stat>`. Real exports lack
# whole families for their whole period, and the features of an absent family are empty (NaN).
FAMILIES = ["gearbox_oil", "gearbox_bearing", "generator_bearing", "generator_winding",
            "hydraulic_oil", "converter", "transformer", "vibration"]
# Family sets absent on real exports, trained on and evaluated by name.
ABSENT_SETS = {
    # ENGIE La Haute Borne, full export: gearbox and generator temperatures, nothing on
    # hydraulics, converter, transformer, no vibration.
    "engie_full": ["hydraulic_oil", "converter", "transformer", "vibration"],
    # EDP's open data: every temperature, no vibration.
    "edp": ["vibration"],
    # ENGIE's 7-signal open data: power, wind, pitch, ambient only (power curve and pitch).
    "no_temperatures": list(FAMILIES),
}
# Training with whole families absent, so that an absent family does not push the risk up or
# down by itself. Augmentation by duplication: every booster-training and calibration row
# appears FAMILY_DROPOUT["copies"] times (a copy stays on its source row's side of the split,
# so the split remains leakage-free); copy 0 keeps every family (no full-information row is
# lost); each other copy gets, per turbine (an export lacks a family for its whole period, not
# on some days), one absence pattern drawn from "patterns" with the given weights,
# independently of the labels: a named set of ABSENT_SETS, "none" (everything present) or
# "random" (each family absent with probability "random_absent_probability", at least one).
# Seeded: the same configuration gives the same patterns. The validation rows
# (hyper-parameters, calibration method, suggested thresholds) keep every family, so the
# threshold policy means what it meant; the evaluation fleet measures each absent set apart
# (model card, "Missing signal families").
FAMILY_DROPOUT = {
    "copies": 2,
    "patterns": {"engie_full": 0.25, "edp": 0.15, "no_temperatures": 0.20, "random": 0.40},
    "random_absent_probability": 0.5,
    "seed": RANDOM_STATE + 7,
}
# Evaluation with families removed (evaluation fleet, every turbine alike): each family alone,
# then every set of ABSENT_SETS. A turbine-day counts as healthy for the "does not push by
# itself" check when no failure follows within HORIZON_DAYS.

# Hyper-parameter grids, searched on the validation rows of the training fleets only.
# max_iter is the upper bound: the number of iterations is picked from the staged scores.
CLASSIFIER_GRID = {
    "learning_rate": [0.05],
    "max_leaf_nodes": [15, 31, 63],
    "min_samples_leaf": [20, 80],
    "l2_regularization": [0.0, 1.0],
}
CLASSIFIER_MAX_ITER = 500
# The horizon classifiers (other than 7 days, which is the tuned failure_7d model itself) use
# the 7-day classifier's chosen hyper-parameters and iteration count: no grid of their own,
# so that `make models` stays near its former time on 2 cores.
# Iteration counts considered when picking the number of boosting iterations.
ITERATION_STEP = 25

# Calibration methods tried; the one that exports exactly and has the lower validation
# Brier score is kept.
CALIBRATION_METHODS = ["sigmoid", "isotonic"]

# ONNX export.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "features"
PARITY_TOLERANCE = 1e-5
PARITY_ROWS = 200

# Probability thresholds of the 7-day classifier reported row by row in the model card.
CANDIDATE_THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
# Event-level recall: an alert must come at least this many days before the failure.
MIN_LEAD_DAYS = 2.0

# Issue 15: targets on alert episodes, stated against what can be detected (`cockpit backtest
# --json`, `levels`; definitions in docs/risk-policy.md "Alert episodes on the evaluation fleet"
# and crates/cockpit-core/src/runs/episodes.rs, mirrored by episodes.py). Measured on the
# evaluation fleet by the cockpit's own backtest (pipeline.py runs it); the policy values are
# chosen on the validation rows against the same targets (POLICY_SEARCH).
EPISODE_TARGETS = {
    "high_recall_detectable_min": 0.90,
    "high_false_episodes_per_turbine_quarter_max": 0.5,
    "high_median_lead_days_min": 10.0,
    "critical_episode_precision_min": 0.80,
}
# Episode counting (episodes.rs): a failure within this many days of an episode's last day makes
# it true; warnings and visible precursors count from MIN_LEAD_DAYS before the failure.
EPISODE_LEAD_WINDOW_DAYS = 7.0

# The risk policy's values (data/risk-policy.toml: [probability] on the 7-day classifier,
# [time_to_failure] on Q(quantile) of the distribution), chosen on the validation rows of the
# training fleets only (policy.py). A turbine is high when p7 >= p_high or Q(quantile) <=
# d_high, i.e. when F(d_high) >= quantile; critical likewise. Every combination of the grids is
# replayed as daily categories over the validation period and its alert episodes counted:
# - high: among the combinations, the one with the smallest total relative shortfall against
#   the three high targets (sum over targets of max(0, miss) / goal); ties: fewer false episodes;
# - critical (p_crit > p_high, d_crit < d_high, same quantile): the combination warning the most
#   failures among those whose episode precision reaches the target; none: the most precise;
# - moderate (the watch list; no target): p_high / 2 and halfway between d_high and the horizon.
# Validation failures count for recall and lead only when the validation period holds at least
# `failure_min_days_after_start` days of daily runs before them (the 30-day gap before the
# validation period hides the start of earlier ones' warnings).
POLICY_SEARCH = {
    "quantiles": [0.1, 0.2, 0.3, 0.4, 0.5],
    "probability": [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    "days_high": [1.0, 3.0, 5.0, 7.0, 10.0, 14.0, 21.0, 25.0],
    "days_critical": [0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0],
    "failure_min_days_after_start": 30.0,
}

# Quality targets on the evaluation fleet (reported, not enforced) besides the episode targets:
# coverage of the 80 % ranges (TTF_COVERAGE_TARGET).
