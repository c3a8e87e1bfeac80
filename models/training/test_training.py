"""Unit tests of the training pipeline's own logic (no fleet, no cockpit binary):

    models/training/.venv/bin/python -m unittest discover -s models/training -p 'test_*.py'

- episode counting: the cases of crates/cockpit-core/src/runs/episodes.rs, through the Python
  mirror (episodes.py), with the same expected figures;
- the time-to-failure distribution as the contract derives it: monotone CDF, quantiles, median,
  80 % range (closed, open, no failure expected), coverage;
- the labels per horizon, the risk rule with [time_to_failure], the policy file, and the one-graph
  ONNX export (exact against scikit-learn, one row or a batch).
"""

from __future__ import annotations

import math
import sys
import tomllib
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fleets import env_threads  # noqa: E402

env_threads(1)

import numpy as np  # noqa: E402

import config as C  # noqa: E402
import dataset as D  # noqa: E402
import episodes as EP  # noqa: E402
import evaluation as E  # noqa: E402
import policy as PO  # noqa: E402

DAY = EP.DAY
T0 = 1_780_272_000  # 2026-06-01T00:00:00Z
L, M, H, CR = EP.LOW, EP.MODERATE, EP.HIGH, EP.CRITICAL


def day(n: float) -> int:
    return int(T0 + n * DAY)


def rated(turbine: str, cats: list) -> tuple[list, list, list]:
    """Turbine `turbine` rated cats[i] on day i (None: not scored that day)."""
    u, t, c = [], [], []
    for i, cat in enumerate(cats):
        if cat is not None:
            u.append(turbine)
            t.append(day(i))
            c.append(cat)
    return u, t, c


def days(*parts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u, t, c = [], [], []
    for pu, pt, pc in parts:
        u += pu
        t += pt
        c += pc
    return np.array(u), np.array(t, dtype=np.int64), np.array(c, dtype=np.int64)


def failure(turbine: str, at: int, precursor=EP.UNKNOWN, previous_back=None) -> EP.Failure:
    return EP.Failure(turbine, at, previous_back, precursor)


class Episodes(unittest.TestCase):
    """The tests of runs/episodes.rs, case by case."""

    def test_consecutive_days_merge_a_gap_splits_and_each_turbine_has_its_own(self):
        u, t, c = days(rated("1", [H, CR, H, M, H, None, H]), rated("2", [L, H, H]))
        u, t, c = u[::-1], t[::-1], c[::-1]  # any order
        eu, ef, el = EP.episodes(H, u, t, c)
        got = list(zip(eu.tolist(), ef.tolist(), el.tolist()))
        self.assertEqual(got, [("1", day(0), day(2)), ("1", day(4), day(4)),
                               ("1", day(6), day(6)), ("2", day(1), day(2))])
        eu, ef, el = EP.episodes(CR, u, t, c)
        self.assertEqual(list(zip(eu.tolist(), ef.tolist(), el.tolist())),
                         [("1", day(1), day(1))])

    def test_an_episode_is_true_when_a_failure_follows_within_the_lead_window(self):
        u, t, c = days(rated("1", [H, H, H]), rated("2", [H, H, H]),
                       rated("3", [H, CR, L, L, L, H, H]))
        fails = [failure("1", day(8.5)), failure("2", day(9.5)), failure("3", day(8))]
        high = EP.level_figures(H, u, t, c, fails, 120, day(60))
        self.assertEqual((high["true_episodes"], high["false_episodes"]), (3, 1))
        self.assertEqual(high["episode_precision"], 0.75)
        self.assertAlmostEqual(high["false_episodes_per_turbine_quarter"],
                               EP.QUARTER_DAYS / 120.0, places=9)
        self.assertEqual(high["warned"], 2)
        self.assertAlmostEqual(high["recall"], 2 / 3)
        self.assertEqual(high["median_lead_days"], 8.3)  # (8.5 + 8) / 2, half away from zero
        crit = EP.level_figures(CR, u, t, c, fails, 120, day(60))
        self.assertEqual((crit["true_episodes"], crit["false_episodes"]), (1, 0))
        self.assertEqual(crit["warned"], 1)
        self.assertEqual(crit["median_lead_days"], 7.0)
        self.assertEqual(crit["episode_precision"], 1.0)

    def test_a_warning_less_than_two_days_ahead_is_true_but_does_not_warn(self):
        u, t, c = days(rated("1", [None] * 5 + [H, H, None, None]))
        fails = [failure("1", day(6.25), precursor=day(0))]
        high = EP.level_figures(H, u, t, c, fails, 50, day(60))
        self.assertEqual((high["true_episodes"], high["false_episodes"]), (1, 0))
        self.assertEqual(high["warned"], 0)
        self.assertIsNone(high["median_lead_days"])
        self.assertEqual(high["recall_detectable"], 0.0)

    def test_episodes_near_the_end_of_the_data_are_not_judged(self):
        u, t, c = days(rated("1", [H, None, None, None, None, None, H]))
        high = EP.level_figures(H, u, t, c, [], 70, day(10))
        self.assertEqual((high["true_episodes"], high["false_episodes"],
                          high["unresolved_episodes"]), (0, 1, 1))
        self.assertEqual(high["episode_precision"], 0.0)
        self.assertIsNone(high["recall"], "no failure, no recall")

    def test_the_detectable_ceiling_counts_precursors_two_days_ahead_and_never_guesses(self):
        u, t, c = days(rated("1", [H] * 10))
        with_ = [failure("1", day(10), day(0)), failure("2", day(10), EP.NONE),
                 failure("3", day(10), day(9)), failure("4", day(10), day(7))]
        high = EP.level_figures(H, u, t, c, with_, 400, day(60))
        self.assertEqual(high["failures"], 4)
        self.assertEqual(high["detectable_failures"], 2)
        self.assertEqual((high["warned"], high["warned_detectable"]), (1, 1))
        self.assertEqual(high["recall"], 0.25)
        self.assertEqual(high["recall_detectable"], 0.5)
        without = [EP.Failure(f.unit, f.time, f.previous_back, EP.UNKNOWN) for f in with_]
        high = EP.level_figures(H, u, t, c, without, 400, day(60))
        self.assertIsNone(high["detectable_failures"])
        self.assertIsNone(high["warned_detectable"])
        self.assertIsNone(high["recall_detectable"])
        self.assertEqual(high["recall"], 0.25)
        mixed = list(with_)
        mixed[1] = EP.Failure("2", day(10), None, EP.UNKNOWN)
        self.assertIsNone(EP.level_figures(H, u, t, c, mixed, 400, day(60))["detectable_failures"])

    def test_an_episode_before_the_previous_repair_does_not_warn_of_the_next_failure(self):
        u, t, c = days(rated("1", [H, H]))
        f = failure("1", day(5), previous_back=day(1.5))
        self.assertEqual(EP.level_figures(H, u, t, c, [f], 10, day(60))["warned"], 0)

    def test_counted_restricts_recall_but_every_failure_makes_episodes_true(self):
        u, t, c = days(rated("1", [H, H, H]))
        fails = [failure("1", day(5), day(0))]
        high = EP.level_figures(H, u, t, c, fails, 30, day(60), counted=[False])
        self.assertEqual((high["true_episodes"], high["failures"], high["warned"]), (1, 0, 0))
        self.assertIsNone(high["recall"])

    def test_the_logbook_gives_previous_repairs_and_precursors(self):
        rows = [
            {"turbine_id": "A", "failure_time": "2025-03-01T00:00:00Z",
             "back_in_service_time": "2025-03-03T12:00:00Z", "precursor_start": ""},
            {"turbine_id": "A", "failure_time": "2025-05-01T06:00:00Z",
             "back_in_service_time": "", "precursor_start": "2025-04-20T00:00:00Z"},
        ]
        fs = EP.failures_from_logbook(rows, 7)
        self.assertEqual([f.unit for f in fs], ["7/A", "7/A"])
        self.assertEqual(fs[0].precursor, EP.NONE)
        self.assertIsNone(fs[0].previous_back)
        self.assertEqual(fs[1].previous_back, D.parse_time("2025-03-03T12:00:00Z"))
        self.assertEqual(fs[1].precursor, D.parse_time("2025-04-20T00:00:00Z"))
        self.assertEqual(EP.precursor_leads(fs), [11.25])
        # A real logbook (no precursor column): unknown, never "none".
        real = [{k: v for k, v in r.items() if k != "precursor_start"} for r in rows]
        self.assertTrue(all(f.precursor == EP.UNKNOWN
                            for f in EP.failures_from_logbook(real, 7)))
        self.assertIsNone(EP.precursor_leads(EP.failures_from_logbook(real, 7)))


HS = [1.0, 3.0, 7.0, 14.0, 30.0]


class Distribution(unittest.TestCase):
    """The contract's derivation: F(0) = 0, F(h_k) = clamp(max(p_0..p_k)), linear in between;
    Q(q) = the smallest t with F(t) >= q; median Q(0.5), range [Q(0.1), Q(0.9)]."""

    def one(self, p):
        r = E.ttf_ranges(np.array([p]), HS)
        return {k: v[0] for k, v in r.items()}

    def test_a_monotone_distribution_gives_a_closed_range(self):
        r = self.one([0.1, 0.3, 0.6, 0.8, 0.95])
        self.assertTrue(r["has_range"])
        self.assertFalse(r["open"])
        self.assertAlmostEqual(r["low"], 1.0)  # F(1) = 0.1 exactly
        self.assertAlmostEqual(r["median"], 3 + 0.2 / 0.3 * 4)  # between F(3) .3 and F(7) .6
        self.assertAlmostEqual(r["high"], 14 + 0.1 / 0.15 * 16)  # between F(14) .8, F(30) .95

    def test_non_monotone_columns_take_the_running_max(self):
        F = E.ttf_cdf(np.array([[0.2, 0.1, 0.6, 0.5, 0.7]]))
        np.testing.assert_allclose(F[0], [0.0, 0.2, 0.2, 0.6, 0.6, 0.7])
        r = self.one([0.2, 0.1, 0.6, 0.5, 0.7])
        self.assertAlmostEqual(r["low"], 0.5)  # 0.1 of the way to F(1) = 0.2
        self.assertAlmostEqual(r["median"], 3 + 0.3 / 0.4 * 4)  # the flat part is skipped
        # F(30) = 0.7 < 0.9: open range up to the horizon.
        self.assertTrue(r["open"])
        self.assertEqual(r["high"], 30.0)

    def test_no_failure_expected_when_f30_is_below_one_half(self):
        r = self.one([0.01, 0.05, 0.1, 0.2, 0.4])
        self.assertFalse(r["has_range"])
        self.assertTrue(math.isnan(r["median"]) and math.isnan(r["low"]) and math.isnan(r["high"]))
        # ... but Q of a lower level exists.
        F = E.ttf_cdf(np.array([[0.01, 0.05, 0.1, 0.2, 0.4]]))
        self.assertAlmostEqual(E.ttf_quantile(F, HS, 0.3)[0], 14 + 0.1 / 0.2 * 16)

    def test_boundaries_and_clamping(self):
        # F(30) exactly 0.5: a median at the horizon and an open range.
        r = self.one([0.0, 0.0, 0.1, 0.2, 0.5])
        self.assertTrue(r["has_range"] and r["open"])
        self.assertAlmostEqual(r["median"], 30.0)
        # F(30) exactly 0.9: closed.
        r = self.one([0.0, 0.0, 0.1, 0.2, 0.9])
        self.assertFalse(r["open"])
        self.assertAlmostEqual(r["high"], 30.0)
        # Outputs outside [0, 1] are clamped.
        F = E.ttf_cdf(np.array([[-0.2, 0.5, 1.3, 0.9, 0.9]]))
        np.testing.assert_allclose(F[0], [0.0, 0.0, 0.5, 1.0, 1.0, 1.0])
        self.assertAlmostEqual(E.ttf_quantile(F, HS, 0.5)[0], 3.0)

    def test_non_monotone_share(self):
        P = np.array([[0.1, 0.2, 0.3, 0.4, 0.5], [0.1, 0.05, 0.3, 0.4, 0.5]])
        m = E.non_monotone(P)
        self.assertEqual((m["non_monotone_rows"], m["non_monotone_share"]), (1, 0.5))
        self.assertAlmostEqual(m["max_decrease"], 0.05)


class Coverage(unittest.TestCase):
    def test_a_range_covers_the_true_time_inside_it_an_open_one_anything_later(self):
        P = np.array([
            [0.1, 0.3, 0.6, 0.8, 0.95],   # closed [1, 24.67]
            [0.1, 0.3, 0.6, 0.8, 0.95],
            [0.1, 0.3, 0.6, 0.8, 0.95],
            [0.2, 0.1, 0.6, 0.5, 0.7],    # open [0.5, 30]
            [0.2, 0.1, 0.6, 0.5, 0.7],
            [0.01, 0.05, 0.1, 0.2, 0.4],  # no failure expected
        ])
        T = np.array([5.0, np.inf, 0.5, np.inf, 0.25, 3.0])
        cov = E.ttf_coverage(E.ttf_ranges(P, HS), T)
        # row 0 inside; row 1 no failure (a closed range misses); row 2 before its low end;
        # row 3 open, no failure within 30 days: covered; row 4 before the low end.
        self.assertEqual((cov["ranges"], cov["covered"], cov["no_failure_expected"]), (5, 2, 1))
        self.assertEqual(cov["coverage"], 0.4)
        self.assertEqual(cov["open_ranges"], 2)
        self.assertEqual(cov["no_failure_expected_but_failure_within_horizon"], 1)
        widths = sorted([24.6667 - 1.0] * 3 + [29.5] * 2)
        self.assertAlmostEqual(cov["median_width_days"], widths[2], places=2)

    def test_no_range_no_coverage(self):
        cov = E.ttf_coverage(E.ttf_ranges(np.array([[0.0, 0.0, 0.0, 0.1, 0.2]]), HS),
                             np.array([np.inf]))
        self.assertEqual((cov["ranges"], cov["coverage"], cov["median_width_days"]),
                         (0, None, None))


def table(ttf, censored) -> D.Table:
    n = len(ttf)
    return D.Table(["x"], np.zeros((n, 1)), np.zeros(n, np.int64), np.array(["A"] * n),
                   np.array(["S"] * n), np.arange(n, dtype=np.int64) * DAY, np.full(n, np.nan),
                   np.array(ttf, dtype=float), np.array(censored, dtype=np.int64),
                   np.array([""] * n))


class Labels(unittest.TestCase):
    def test_a_row_is_usable_for_h_when_a_failure_starts_within_h_or_h_days_of_data_follow(self):
        # failure in 2.5 d; failure in 20 d; no failure, 30 d of follow-up; data end in 5 d.
        t = table([2.5, 20.0, 30.0, 5.0], [0, 0, 1, 1])
        got = {h: D.horizon_labels(t, h).tolist() for h in HS}
        nan = float("nan")
        self.assertEqual(str(got[1.0]), str([0.0, 0.0, 0.0, 0.0]))
        self.assertEqual(str(got[3.0]), str([1.0, 0.0, 0.0, 0.0]))
        self.assertEqual(str(got[7.0]), str([1.0, 0.0, 0.0, nan]))
        self.assertEqual(str(got[30.0]), str([1.0, 1.0, 0.0, nan]))
        np.testing.assert_array_equal(D.outcome_known(t, 30.0), [True, True, True, False])
        np.testing.assert_array_equal(D.true_time(t), [2.5, 20.0, np.inf, np.inf])


POL = {"probability": {"moderate": 0.05, "high": 0.1, "critical": 0.5},
       "time_to_failure": {"quantile": 0.5, "moderate": 21.0, "high": 14.0, "critical": 7.0,
                           "horizon": 30.0}}


class RiskRule(unittest.TestCase):
    def test_days_reach_each_category_at_its_threshold_and_undefined_adds_nothing(self):
        lv = PO.days_level(np.array([np.nan, 30.0, 45.0, 21.0, 14.0, 7.0, 0.0, 3.5, 25.5]), POL)
        np.testing.assert_allclose(lv, [0.0, 0.0, 0.0, 0.05, 0.1, 0.5, 1.0, 0.75, 0.025])

    def test_the_category_is_the_worse_of_the_probability_and_the_quantile(self):
        P = np.array([
            [0.01, 0.02, 0.03, 0.05, 0.2],   # F(30) < 0.5: Q(0.5) undefined
            [0.01, 0.02, 0.03, 0.5, 0.9],    # Q(0.5) = 14 -> high
            [0.1, 0.3, 0.6, 0.8, 0.95],      # Q(0.5) = 5.67 -> critical
            [0.01, 0.02, 0.03, 0.05, 0.2],
        ])
        p7 = np.array([0.07, 0.03, 0.03, 0.6])
        np.testing.assert_array_equal(PO.categories(p7, P, POL), [M, H, CR, CR])

    def test_the_policy_file_reads_back(self):
        pol = PO.make_policy(0.3, 0.2, 10.0, 0.6, 3.0)
        self.assertEqual(pol["probability"]["moderate"], 0.1)
        self.assertEqual(pol["time_to_failure"]["moderate"], 20.0)
        self.assertEqual(tomllib.loads(PO.to_toml(pol, "a\nb")), pol)
        with self.assertRaises(ValueError):
            PO.make_policy(0.3, 0.2, 10.0, 0.6, 12.0)  # critical days above high


class OneGraph(unittest.TestCase):
    def test_the_horizon_classifiers_export_as_one_exact_graph(self):
        import train as T

        rng = np.random.RandomState(0)
        X = rng.normal(size=(600, 4)).astype(np.float32)
        X[rng.random_sample(X.shape) < 0.1] = np.nan
        s = np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1])
        names = ["a", "b", "c", "d"]
        params = {"learning_rate": 0.1, "max_leaf_nodes": 7, "min_samples_leaf": 20}
        models, parts = [], []
        for cut in (1.0, 0.0):  # "within 1 day" rarer than "within 3 days"
            y = (s + rng.normal(scale=0.5, size=len(s)) > cut).astype(np.int64)
            fh = T.fit_horizon(X[:300], y[:300], X[300:450], y[300:450], X[450:], y[450:],
                               params, 20, names, X)
            models.append(fh["model"])
            parts.append(fh["onnx"])
        onx = T.export_time_to_failure(parts, [1.0, 3.0], names)
        self.assertLessEqual(T.ttf_parity(models, onx, X), C.PARITY_TOLERANCE)
        sess = T.session(onx)
        batch = T.onnx_ttf(sess, X)
        self.assertEqual(batch.shape, (len(X), 2))
        rows = np.vstack([T.onnx_ttf(sess, X[i:i + 1]) for i in range(0, len(X), 37)])
        np.testing.assert_array_equal(rows, batch[::37])
        out = [o.name for o in sess.get_outputs()]
        self.assertEqual(out, ["probabilities"])


def tiny_model_set(folder: Path) -> None:
    """A 4-feature model set in the 2.x contract, written as the pipeline writes it."""
    import hashlib
    import json

    import reporting as R
    import train as T

    rng = np.random.RandomState(1)
    X = rng.normal(size=(400, 4)).astype(np.float32)
    X[rng.random_sample(X.shape) < 0.1] = np.nan
    s = np.nan_to_num(X[:, 0])
    names = ["a", "b", "c", "d"]
    params = {"learning_rate": 0.1, "max_leaf_nodes": 7, "min_samples_leaf": 20}
    models, parts = [], []
    for cut in (1.5, 1.0, 0.5, 0.0, -0.5):
        y = (s + rng.normal(scale=0.5, size=len(s)) > cut).astype(np.int64)
        fh = T.fit_horizon(X[:200], y[:200], X[200:300], y[200:300], X[300:], y[300:], params,
                           10, names, X)
        models.append(fh["model"])
        parts.append(fh["onnx"])
    ttf = T.export_time_to_failure(parts, HS, names)
    (folder / "failure_7d.onnx").write_bytes(parts[2])
    (folder / "time_to_failure.onnx").write_bytes(ttf)
    px = X[:20]
    (folder / "parity.csv").write_text(R.parity_csv(names, px, T.onnx_proba(T.session(parts[2]),
                                                                            px),
                                                    T.onnx_ttf(T.session(ttf), px), HS))
    sha = {f: hashlib.sha256((folder / f).read_bytes()).hexdigest()
           for f in ("failure_7d.onnx", "time_to_failure.onnx")}
    manifest = {
        "feature_names": names, "horizon_days": 30.0,
        "models": {
            "failure_7d": {"file": "failure_7d.onnx", "sha256": sha["failure_7d.onnx"],
                           "input": "features", "output": "probabilities", "class_index": 1},
            "time_to_failure": {"file": "time_to_failure.onnx",
                                "sha256": sha["time_to_failure.onnx"], "input": "features",
                                "output": "probabilities", "horizons_days": HS,
                                "output_shape": [None, 5]},
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))


class Verify(unittest.TestCase):
    """verify.py, the standalone check of a model set, refuses what the cockpit would refuse."""

    def setUp(self):
        import tempfile

        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        tiny_model_set(self.dir)

    def tearDown(self):
        self.tmp.cleanup()

    def manifest(self, change):
        import json

        m = json.loads((self.dir / "manifest.json").read_text())
        change(m)
        (self.dir / "manifest.json").write_text(json.dumps(m))

    def test_a_consistent_set_passes(self):
        import verify as V

        self.assertEqual(V.verify(self.dir), [])
        header = (self.dir / "parity.csv").read_text().splitlines()[0].split(",")
        self.assertEqual(header[4:], ["expected_p_fail_7d", "expected_p_within_1d",
                                      "expected_p_within_3d", "expected_p_within_7d",
                                      "expected_p_within_14d", "expected_p_within_30d"])

    def test_a_1x_regressor_entry_or_bad_horizons_are_refused(self):
        import verify as V

        self.manifest(lambda m: m["models"].update(days_to_failure={"file": "x.onnx"}))
        self.assertIn("days_to_failure", V.verify(self.dir)[0])
        self.manifest(lambda m: (m["models"].pop("days_to_failure"),
                                 m["models"]["time_to_failure"].update(
                                     horizons_days=[1.0, 3.0, 3.0, 14.0, 30.0])))
        self.assertIn("strictly", V.verify(self.dir)[0])

    def test_a_changed_model_or_parity_value_is_caught(self):
        import verify as V

        lines = (self.dir / "parity.csv").read_text().splitlines()
        cells = lines[3].split(",")
        cells[-1] = repr(float(cells[-1]) + 0.01)
        lines[3] = ",".join(cells)
        (self.dir / "parity.csv").write_text("\n".join(lines) + "\n")
        self.assertTrue(any("parity.csv not reproduced" in p for p in V.verify(self.dir)))
        self.manifest(lambda m: m["models"]["time_to_failure"].update(sha256="0" * 64))
        self.assertTrue(any("sha256" in p for p in V.verify(self.dir)))


class Backtest(unittest.TestCase):
    """fleets.backtest: a cockpit that cannot load the models, or whose backtest has no `ttf`,
    fails the run with a message saying so; never a silent skip."""

    def fake(self, body: str) -> Path:
        import tempfile

        d = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: __import__("shutil").rmtree(d))
        exe = d / "cockpit"
        exe.write_text(f"#!{sys.executable}\nimport sys\n{body}\n")
        exe.chmod(0o755)
        (d / "db").write_text("")
        return d

    def run_fake(self, body: str):
        import fleets as F

        d = self.fake(body)
        return F.backtest(d / "cockpit", d / "db", d, d / "policy.toml")

    def test_a_cockpit_that_refuses_the_models_fails_the_run(self):
        import fleets as F

        with self.assertRaises(F.PipelineError) as e:
            self.run_fake("print('error: unknown field time_to_failure', file=sys.stderr)\n"
                          "sys.exit(2)")
        self.assertIn("--no-backtest", str(e.exception))
        self.assertIn("unknown field time_to_failure", str(e.exception))

    def test_a_backtest_without_ttf_fails_the_run(self):
        import fleets as F

        with self.assertRaises(F.PipelineError) as e:
            self.run_fake("print('{\"levels\": {}}')")
        self.assertIn("`ttf`", str(e.exception))

    def test_the_backtest_report_is_returned_with_the_arguments_given(self):
        r = self.run_fake("import json; print(json.dumps({'levels': {}, 'ttf': {}, "
                          "'argv': sys.argv[1:]}))")
        self.assertEqual(r["argv"][-2:], ["backtest", "--json"])
        self.assertEqual(r["argv"][0], "--db")
        self.assertIn("--policy", r["argv"])


if __name__ == "__main__":
    unittest.main()
