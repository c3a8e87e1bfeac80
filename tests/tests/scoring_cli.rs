//! Black-box tests of scoring: `cockpit score`, `fleet`, `turbine`, `runs`, `backtest`, with the
//! shipped models and the real ONNX Runtime — the full path on a simulated fleet, the policy
//! applied as documented, crash safety and clear errors.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use cockpit_tests::{cockpit, cockpit_cmd, count, ingest_simulated, test_models, workspace_root};
use serde_json::Value;

/// A simulated fleet, ingested.
fn fleet(turbines: &str, days: &str, seed: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let out = dir.path().join("sim");
    let run = cockpit(
        &db,
        &[
            "simulate",
            "--turbines",
            turbines,
            "--days",
            days,
            "--seed",
            seed,
            "--start",
            "2026-02-01",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    ingest_simulated(&db, &out);
    (dir, db)
}

/// The time-to-failure distribution a run stored for a turbine: `(horizons, raw probabilities)`.
fn stored_distribution(db: &std::path::Path, run: i64, turbine: &str) -> (Vec<f64>, Vec<f64>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let json: String = conn
        .query_row(
            "SELECT p.ttf_distribution FROM predictions p JOIN turbines t ON t.id = p.turbine
             WHERE p.run = ?1 AND t.turbine_id = ?2",
            rusqlite::params![run, turbine],
            |r| r.get(0),
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let list = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    (list("days"), list("p"))
}

/// Q(q) of the contract (docs/scoring.md), written again here: the running maximum of the
/// probabilities from F(0) = 0, linear between horizons; `None` below q at the last horizon.
fn quantile(days: &[f64], p: &[f64], q: f64) -> Option<f64> {
    let (mut t0, mut f0) = (0.0, 0.0_f64);
    for (&t1, &p1) in days.iter().zip(p) {
        let f1 = f0.max(p1.clamp(0.0, 1.0));
        if f1 >= q {
            return Some(t0 + (t1 - t0) * (q - f0) / (f1 - f0));
        }
        (t0, f0) = (t1, f1);
    }
    None
}

fn policy_category(p: f64, ttf: f64) -> &'static str {
    // docs/risk-policy.md, with the shipped thresholds; `ttf` is Q(quantile) of the
    // distribution (+inf when the distribution does not reach the quantile within its horizon).
    let text = std::fs::read_to_string(workspace_root().join("data/risk-policy.toml")).unwrap();
    let v: toml_like::Policy = toml_like::parse(&text);
    let level_days = if ttf >= v.horizon {
        0.0
    } else {
        let knots = [
            (v.horizon, 0.0),
            (v.d_mod, v.p_mod),
            (v.d_high, v.p_high),
            (v.d_crit, v.p_crit),
            (0.0, 1.0),
        ];
        knots
            .windows(2)
            .find(|w| ttf <= w[0].0 && ttf >= w[1].0)
            .map(|w| w[0].1 + (w[1].1 - w[0].1) * (w[0].0 - ttf) / (w[0].0 - w[1].0))
            .unwrap_or(1.0)
    };
    let level = p.max(level_days);
    if level >= v.p_crit {
        "critical"
    } else if level >= v.p_high {
        "high"
    } else if level >= v.p_mod {
        "moderate"
    } else {
        "low"
    }
}

/// A minimal reader of the shipped policy file (independent of the core's parser).
mod toml_like {
    pub struct Policy {
        pub p_mod: f64,
        pub p_high: f64,
        pub p_crit: f64,
        pub d_mod: f64,
        pub d_high: f64,
        pub d_crit: f64,
        pub horizon: f64,
        pub quantile: f64,
    }
    pub fn parse(text: &str) -> Policy {
        let mut section = "";
        let mut v = std::collections::HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap().trim();
            if line.starts_with('[') {
                section = if line.contains("probability") {
                    "p"
                } else {
                    "d"
                };
            } else if let Some((k, val)) = line.split_once('=') {
                v.insert(
                    format!("{section}.{}", k.trim()),
                    val.trim().parse::<f64>().unwrap(),
                );
            }
        }
        Policy {
            p_mod: v["p.moderate"],
            p_high: v["p.high"],
            p_crit: v["p.critical"],
            d_mod: v["d.moderate"],
            d_high: v["d.high"],
            d_crit: v["d.critical"],
            horizon: v["d.horizon"],
            quantile: v["d.quantile"],
        }
    }
}

#[test]
fn full_path_scores_ranks_and_explains_the_fleet() {
    let (_dir, db) = fleet("12", "40", "77");
    let run = cockpit(&db, &["score", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["status"], "succeeded");
    assert_eq!(r["trigger"], "cli");
    assert_eq!(r["turbines"], 12);
    let c = &r["counts"];
    let total: i64 = ["critical", "high", "moderate", "low", "not_scored"]
        .iter()
        .map(|k| c[k].as_i64().unwrap())
        .sum();
    assert_eq!(total, 12);

    let run = cockpit(&db, &["fleet", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let items = run.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 12);
    let mut last = f64::INFINITY;
    for i in items {
        for key in [
            "turbine_id",
            "site",
            "risk_score",
            "category",
            "p_fail_7d",
            "ttf_median_days",
            "ttf_range_days",
            "ttf_range_open",
            "ttf_text",
            "drivers",
            "scored_at",
        ] {
            assert!(i.get(key).is_some(), "missing {key} in {i}");
        }
        if let Some(score) = i["risk_score"].as_f64() {
            assert!(score <= last, "highest risk first");
            last = score;
            let (days, p) = stored_distribution(
                &db,
                i["run_id"].as_i64().unwrap(),
                i["turbine_id"].as_str().unwrap(),
            );
            let q = toml_like::parse(
                &std::fs::read_to_string(workspace_root().join("data/risk-policy.toml")).unwrap(),
            )
            .quantile;
            let expected = policy_category(
                i["p_fail_7d"].as_f64().unwrap(),
                quantile(&days, &p, q).unwrap_or(f64::INFINITY),
            );
            // The median and range in whole days are the contract's, derived from the same
            // distribution; never a decimal day.
            match quantile(&days, &p, 0.5) {
                None => {
                    assert!(
                        i["ttf_median_days"].is_null() && i["ttf_range_days"].is_null(),
                        "{i}"
                    );
                    assert_eq!(i["ttf_text"], "no failure expected within 30 days");
                }
                Some(m) => {
                    let median = i["ttf_median_days"].as_u64().unwrap() as f64;
                    assert!((median - m.round().max(1.0)).abs() < 1e-9, "{m} {i}");
                    let range = i["ttf_range_days"].as_array().unwrap();
                    let low = quantile(&days, &p, 0.1).unwrap();
                    assert_eq!(
                        range[0].as_u64().unwrap() as f64,
                        (low + 1e-6).floor().max(1.0),
                        "{i}"
                    );
                    assert_eq!(
                        i["ttf_range_open"],
                        quantile(&days, &p, 0.9).is_none(),
                        "{i}"
                    );
                    assert!(
                        i["ttf_text"].as_str().unwrap().starts_with("likely "),
                        "{i}"
                    );
                }
            }
            assert_eq!(
                i["category"], expected,
                "category follows the documented policy: {i}"
            );
        }
    }
    // Filters.
    let top = &items[0];
    let cat = top["category"].as_str().unwrap();
    let run = cockpit(&db, &["fleet", "--json", "--category", cat]);
    let filtered = run.json();
    assert!(filtered
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["category"] == cat));
    // Several categories: repeated or separated by commas, the same turbines either way.
    let several = cockpit(&db, &["fleet", "--json", "--category", "critical,high"]).json();
    let repeated = cockpit(
        &db,
        &[
            "fleet",
            "--json",
            "--category",
            "critical",
            "--category",
            "élevé",
        ],
    )
    .json();
    assert_eq!(several, repeated);
    let all = items.len();
    let n_of = |c: &str| items.iter().filter(|i| i["category"] == c).count();
    assert_eq!(
        several.as_array().unwrap().len(),
        n_of("critical") + n_of("high"),
        "{all} turbines"
    );
    assert!(several
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["category"] == "critical" || i["category"] == "high"));
    let run = cockpit(&db, &["fleet", "--json", "--limit", "3", "--sort", "ttf"]);
    let by_ttf = run.json();
    // Shortest median first; no failure expected (no median) after every median.
    let ttfs: Vec<f64> = by_ttf
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ttf_median_days"].as_f64().unwrap_or(f64::INFINITY))
        .collect();
    assert_eq!(ttfs.len(), 3);
    assert!(ttfs.windows(2).all(|w| w[0] <= w[1]), "{ttfs:?}");
    search_finds_what_the_app_finds(&db, items);

    // The turbine detail carries the features the prediction used and one history point per run.
    let id = top["turbine_id"].as_str().unwrap();
    assert_eq!(cockpit(&db, &["score"]).code, 0);
    let run = cockpit(&db, &["turbine", id, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d = run.json();
    assert_eq!(d["identity"]["turbine_id"], id);
    assert!(d["last_measurements"]["timestamp"].is_string());
    let features = d["prediction"]["features"].as_object().unwrap();
    assert_eq!(features.len(), 82);
    assert!(features.contains_key("gearbox_oil_resid_24h"));
    assert_eq!(d["history"].as_array().unwrap().len(), 2);

    let run = cockpit(&db, &["runs", "--json"]);
    let runs = run.json();
    assert_eq!(runs.as_array().unwrap().len(), 2);
    assert!(
        runs[0]["id"].as_i64() > runs[1]["id"].as_i64(),
        "newest first"
    );
}

/// Turbine ids of a `fleet --json` answer, sorted.
fn ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["turbine_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// `fleet --search` applies the app's search rule: a site name (any case) finds that site's
/// turbines only; a French driver word finds the turbines with that driver.
fn search_finds_what_the_app_finds(db: &Path, items: &[Value]) {
    let site = items[0]["site"].as_str().unwrap();
    let run = cockpit(db, &["fleet", "--json", "--search", &site.to_uppercase()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = Value::Array(items.to_vec());
    let same_site: Vec<Value> = items
        .iter()
        .filter(|i| i["site"] == site)
        .cloned()
        .collect();
    assert_eq!(ids(&run.json()), ids(&Value::Array(same_site)), "{site}");

    // "huile" is in the French words of the gearbox oil and the hydraulic oil drivers.
    let oily: Vec<Value> = items
        .iter()
        .filter(|i| {
            i["drivers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["indicator"] == "gearbox_oil" || d["indicator"] == "hydraulic_oil")
        })
        .cloned()
        .collect();
    // (A model reaction — cooler oil, say — is no cause and is not searched as one.)
    assert!(
        !oily.is_empty(),
        "the simulated fleet has an oil driver: {all}"
    );
    let run = cockpit(db, &["fleet", "--json", "--search", "huile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ids(&run.json()), ids(&Value::Array(oily)));
    let run = cockpit(db, &["fleet", "--json", "--search", "no such turbine"]);
    assert_eq!(run.json(), Value::Array(Vec::new()));
}

#[test]
fn unknown_turbine_empty_database_and_bad_options_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nothing to score"), "{}", run.stderr);
    let run = cockpit(&db, &["fleet"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no scoring run yet"), "{}", run.stderr);
    let run = cockpit(&db, &["turbine", "LYO-99"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown turbine 'LYO-99'"),
        "{}",
        run.stderr
    );
    // The failed score is itself in the journal.
    let journal = cockpit(&db, &["runs", "--json"]).json();
    assert_eq!(journal[0]["status"], "failed");
    assert!(journal[0]["error"]
        .as_str()
        .unwrap()
        .contains("nothing to score"));

    let (_d2, db2) = fleet("3", "10", "5");
    assert_eq!(cockpit(&db2, &["score"]).code, 0);
    let run = cockpit(&db2, &["fleet", "--category", "urgent"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown category 'urgent'"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_models_or_runtime_fail_the_run_and_keep_the_previous_results() {
    let (dir, db) = fleet("4", "12", "9");
    assert_eq!(cockpit(&db, &["score"]).code, 0);
    let before = count(&db, "predictions");

    let run = cockpit(
        &db,
        &[
            "--models",
            dir.path().join("no-models").to_str().unwrap(),
            "score",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("model manifest") && run.stderr.contains("not found"),
        "{}",
        run.stderr
    );

    let run = cockpit_cmd(&db)
        .env(
            "COCKPIT_ORT_LIB",
            dir.path().join("libonnxruntime.so.1.31.1"),
        )
        .arg("score")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("ONNX Runtime library not found"),
        "{stderr}"
    );

    // Corrupted model file: checksum refused.
    let models = dir.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    for f in ["manifest.json", "failure_7d.onnx", "time_to_failure.onnx"] {
        std::fs::copy(test_models().join(f), models.join(f)).unwrap();
    }
    let mut bytes = std::fs::read(models.join("failure_7d.onnx")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(models.join("failure_7d.onnx"), bytes).unwrap();
    let run = cockpit(&db, &["--models", models.to_str().unwrap(), "score"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("checksum mismatch"), "{}", run.stderr);

    assert_eq!(
        count(&db, "predictions"),
        before,
        "previous predictions untouched"
    );
    let journal = cockpit(&db, &["runs", "--json"]).json();
    let statuses: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "failed", "failed", "succeeded"]);
    let fleet = cockpit(&db, &["fleet", "--json"]).json();
    assert_eq!(
        fleet.as_array().unwrap().len(),
        4,
        "the fleet view still shows the last good run"
    );
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Every succeeded run has exactly one prediction per turbine it counted.
fn runs_are_whole(db: &Path) -> (i64, bool) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT r.id, r.turbines, (SELECT count(*) FROM predictions p WHERE p.run = r.id) FROM runs r WHERE r.status = 'succeeded'")
        .unwrap();
    let rows: Vec<(i64, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM predictions WHERE run NOT IN (SELECT id FROM runs)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (
        rows.len() as i64,
        orphans == 0 && rows.iter().all(|(_, t, p)| t == p),
    )
}

#[test]
fn a_run_killed_midway_leaves_no_partial_run_and_the_previous_one_whole() {
    let (_dir, db) = fleet("150", "10", "21");
    assert_eq!(cockpit(&db, &["score"]).code, 0);
    let mut kills = 0;
    for delay_ms in [50u64, 150, 300, 500, 800, 1200] {
        let mut child = cockpit_cmd(&db)
            .arg("score")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        let _ = child.wait();
        assert_eq!(integrity(&db), "ok");
        let (succeeded, whole) = runs_are_whole(&db);
        assert!(whole, "a run is partial after a kill at {delay_ms} ms");
        assert!(succeeded >= 1, "the first run is still there");
    }
    assert!(
        kills >= 2,
        "the runs were too fast to be interrupted; use a bigger fleet"
    );
    let fleet = cockpit(&db, &["fleet", "--json"]).json();
    assert_eq!(fleet.as_array().unwrap().len(), 150);
}

#[test]
fn a_second_run_during_a_run_is_refused_not_interleaved() {
    let (_dir, db) = fleet("150", "10", "22");
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut refused, mut succeeded) = (0, 0);
    // A run in the background and runs in the foreground while it lasts: whichever process
    // takes the lock first runs, every other one is refused, never queued behind it or
    // interleaved with it. A run can end before the next process has even started (a fast
    // machine): then try again with a new background run.
    while refused == 0 && Instant::now() < deadline {
        let mut first = cockpit_cmd(&db)
            .arg("score")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let first_pid = first.id();
        while first.try_wait().unwrap().is_none() {
            let run = cockpit(&db, &["score"]);
            match run.code {
                0 => succeeded += 1,
                2 if run.stderr.contains("already in progress") => refused += 1,
                other => panic!("unexpected exit {other}: {}", run.stderr),
            }
        }
        let out = first.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => succeeded += 1,
            Some(2) if stderr.contains("already in progress") => refused += 1,
            other => panic!("background run (pid {first_pid}) ended with {other:?}: {stderr}"),
        }
    }
    assert!(refused >= 1, "no concurrent run was refused");
    let (runs, whole) = runs_are_whole(&db);
    assert!(whole);
    assert_eq!(
        runs, succeeded,
        "one journal entry per successful run, none for refused ones"
    );
}

#[test]
fn backtest_reports_each_failure_and_the_alarm_rates() {
    let (_dir, db) = fleet("10", "60", "31");
    let run = cockpit(&db, &["backtest", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r: Value = run.json();
    assert!(r["days"].as_i64().unwrap() >= 50);
    let failures = r["failures"].as_array().unwrap();
    let logged = count(&db, "logbook");
    assert!(!failures.is_empty() && failures.len() as i64 <= logged);
    for f in failures {
        if f["caught"].as_bool().unwrap() {
            assert!(f["lead_days"].as_f64().unwrap() > 0.0);
        }
    }
    assert!(r["false_alarms_per_turbine_month"].is_number());
    assert_eq!(count(&db, "runs"), 0, "a backtest writes nothing");
}

#[test]
fn replay_keeps_one_run_per_day_and_explains_every_alert() {
    let (_dir, db) = fleet("10", "60", "31");
    let run = cockpit(
        &db,
        &[
            "replay",
            "--from",
            "2026-02-10",
            "--to",
            "2026-03-20",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r: Value = run.json();
    assert_eq!(
        r["runs"].as_i64(),
        Some(39),
        "one run per day, both ends included"
    );
    assert_eq!(
        count(&db, "runs"),
        39,
        "the replayed runs are in the journal"
    );
    assert_eq!(r["turbine_days"].as_i64(), Some(390));
    let by_category: i64 = r["by_category"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    let not_scored: i64 = r["not_scored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["turbine_days"].as_i64().unwrap())
        .sum();
    assert_eq!(
        by_category + not_scored,
        390,
        "every turbine-day is counted once"
    );
    for e in r["episodes"].as_array().unwrap() {
        assert!(
            !e["drivers"].as_array().unwrap().is_empty(),
            "an alert without a reason: {e}"
        );
        assert!(e["days"].as_i64().unwrap() >= 1);
    }
    // Days that already have a run are left as they are.
    let again = cockpit(
        &db,
        &[
            "replay",
            "--from",
            "2026-03-15",
            "--to",
            "2026-03-25",
            "--json",
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let a: Value = again.json();
    assert_eq!(a["skipped_days"].as_i64(), Some(6));
    assert_eq!(a["runs"].as_i64(), Some(5));
    assert_eq!(count(&db, "runs"), 44);
}

/// Rewrites one turbine's prediction in the latest run as a run made before the model reactions
/// existed stored it: one list of drivers, no mark, one of them reading "below normal".
fn store_old_prediction(db: &Path, turbine: &str, category: &str, drivers: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let changed = conn
        .execute(
            "UPDATE predictions SET category = ?1, drivers = ?2
             WHERE run = (SELECT max(id) FROM runs WHERE status = 'succeeded')
               AND turbine = (SELECT id FROM turbines WHERE turbine_id = ?3)",
            rusqlite::params![category, drivers, turbine],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn a_deviation_that_is_not_a_failure_sign_is_never_shown_as_a_cause() {
    let (_dir, db) = fleet("3", "20", "11");
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cooler_oil = r#"{"indicator":"gearbox_oil","feature":"gearbox_oil_resid_24h","value":48.2,"reference":50.3,"unit":"°C","basis":"load","contribution":0.04}"#;
    let hotter_converter = r#"{"indicator":"converter","feature":"converter_resid_24h","value":51.0,"reference":45.0,"unit":"°C","basis":"load","contribution":0.4}"#;
    store_old_prediction(
        &db,
        "S01-01",
        "moderate",
        &format!("[{hotter_converter},{cooler_oil}]"),
    );
    // A high whose only contribution is the cooler oil.
    store_old_prediction(&db, "S01-02", "high", &format!("[{cooler_oil}]"));

    // The plausible one stays a driver; the cooler oil is said plainly, apart, as no cause.
    let text = cockpit(&db, &["turbine", "S01-01"]).stdout;
    let drivers: Vec<&str> = text.lines().filter(|l| l.contains("driver:")).collect();
    assert_eq!(
        drivers,
        ["  driver: converter 6.0 °C above normal for this load; risk +40 pts"],
        "{text}"
    );
    assert!(
        text.contains("  model reaction: the model also reacts to gearbox oil 2.1 °C below normal for this load (+4 pts); this is not a known failure sign"),
        "{text}"
    );
    let json = cockpit(&db, &["turbine", "S01-01", "--json"]).json();
    assert_eq!(json["drivers"].as_array().unwrap().len(), 1);
    assert_eq!(json["model_reactions"][0]["indicator"], "gearbox_oil");

    // No high without a reason: one with only a reaction says the cockpit cannot name a cause.
    let text = cockpit(&db, &["turbine", "S01-02"]).stdout;
    assert!(!text.contains("driver:"), "{text}");
    assert!(
        text.contains("  reason: the cockpit cannot name a cause for this risk: the models react to gearbox oil moving in a direction that is not a known failure sign"),
        "{text}"
    );
    assert!(
        text.contains("  model reaction: the model also reacts to gearbox oil"),
        "{text}"
    );
    // The fleet says the same: its main reason for the high is not the cooler oil.
    let fleet = cockpit(&db, &["fleet", "--json"]).json();
    let second = fleet
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["turbine_id"] == "S01-02")
        .unwrap();
    assert!(second["drivers"].as_array().unwrap().is_empty(), "{second}");
    assert_eq!(second["model_reactions"][0]["indicator"], "gearbox_oil");
}
