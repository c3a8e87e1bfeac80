//! Black-box tests of what a run trusts (issue 14): a time far in the future — a `score --at
//! 2099-01-01`, or a mistyped 2099 record an older version stored — never becomes "the latest
//! run" nor the data watermark, a replay never hides today's run, a backtest from year 0026 does
//! not walk two millennia, and a model whose outputs are not scores leaves its turbines not
//! scored (never "low") and fails the health report.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use cockpit_tests::{cockpit, cockpit_cmd, ingest_simulated, workspace_root, Run};
use serde_json::Value;

/// A fleet of 3 turbines with data up to now, ingested (not scored).
fn fleet(dir: &Path) -> PathBuf {
    let db = dir.join("cockpit.db");
    let out = dir.join("sim");
    let run = cockpit(
        &db,
        &[
            "simulate",
            "--turbines",
            "3",
            "--days",
            "10",
            "--seed",
            "14",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    ingest_simulated(&db, &out);
    db
}

fn runs(db: &Path) -> Vec<Value> {
    cockpit(db, &["runs", "--json"])
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The `scored_at` (data watermark of the run) the fleet view shows.
fn fleet_scored_at(db: &Path) -> String {
    let items = cockpit(db, &["fleet", "--json"]).json();
    items[0]["scored_at"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn health_check(db: &Path, extra: &[&str], name: &str) -> (Run, String, String) {
    let mut args = extra.to_vec();
    args.extend(["health", "--json", "--stale-hours", "48"]);
    let run = cockpit(db, &args);
    let json = run.json();
    let c = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no check {name}: {}", run.stdout));
    let (s, m) = (
        c["status"].as_str().unwrap().to_string(),
        c["message"].as_str().unwrap().to_string(),
    );
    (run, s, m)
}

#[test]
fn a_future_at_is_refused_and_a_replay_never_hides_todays_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = fleet(dir.path());
    let today = cockpit(&db, &["score", "--json"]);
    assert_eq!(today.code, 0, "{}", today.stderr);
    let today = today.json();
    let as_of = today["as_of"].as_str().unwrap().to_string();

    // A mistyped year: refused with the reason, nothing recorded.
    let future = cockpit(&db, &["score", "--at", "2099-01-01"]);
    assert_ne!(future.code, 0);
    assert!(
        future.stderr.contains("2099-01-01T00:00:00Z") && future.stderr.contains("in the future"),
        "{}",
        future.stderr
    );
    assert_eq!(runs(&db).len(), 1, "a refused --at records no run");
    let early = cockpit(&db, &["score", "--at", "0026-05-01"]);
    assert_ne!(early.code, 0);
    assert!(early.stderr.contains("before 1990"), "{}", early.stderr);

    // A replay at a time after today's watermark (within the allowed day ahead) is recorded as
    // a replay and does not become the fleet view.
    let at = chrono_like_add_hours(&as_of, 6);
    let replay = cockpit(&db, &["score", "--at", &at, "--json"]);
    assert_eq!(replay.code, 0, "{}", replay.stderr);
    assert_eq!(replay.json()["trigger"], "replay");
    assert_eq!(
        fleet_scored_at(&db),
        as_of,
        "the fleet view still shows today's run, not the replay"
    );
    // A later regular run is the latest again.
    let again = cockpit(&db, &["score", "--json"]).json();
    assert_eq!(fleet_scored_at(&db), again["as_of"].as_str().unwrap());
}

/// `YYYY-MM-DDTHH:MM:SSZ` plus `hours` (the cockpit's own time format; whole hours only).
fn chrono_like_add_hours(ts: &str, hours: i64) -> String {
    let (date, time) = ts.trim_end_matches('Z').split_once('T').unwrap();
    let h: i64 = time[..2].parse().unwrap();
    assert!(
        h + hours < 24,
        "test data: {ts} + {hours} h stays on the same day"
    );
    format!("{date}T{:02}{}Z", h + hours, &time[2..])
}

#[test]
fn a_stored_2099_record_neither_pins_the_runs_nor_looks_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let db = fleet(dir.path());
    // A database written by an older version, which stored a mistyped 2099 row of turbine 1
    // (ingestion now quarantines such rows) and whose data of that turbine are otherwise old.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (key, turbine): (i64, String) = conn
        .query_row(
            "SELECT id, turbine_id FROM turbines ORDER BY turbine_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute(
        "DELETE FROM readings WHERE turbine = ?1 AND ts > (SELECT max(ts) FROM readings) - 5 * 86400",
        [key],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO readings (turbine, ts, power_kw) VALUES (?1, 4070908800, 500)", // 2099-01-01
        [key],
    )
    .unwrap();
    drop(conn);

    let run = cockpit(&db, &["score", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = run.json();
    let as_of = run["as_of"].as_str().unwrap();
    assert!(!as_of.starts_with("2099"), "data watermark {as_of}");
    assert_eq!(
        run["counts"]["not_scored"], 1,
        "only the turbine without recent data is not scored: {run}"
    );
    // Health: that turbine is stale, whatever its 2099 row says.
    let (_, status, message) = health_check(&db, &[], "freshness");
    assert_eq!(status, "degraded", "{message}");
    assert!(message.contains(&turbine), "{message}");

    // A backtest from year 0026 starts at the data, and ends (in seconds, not millennia).
    let child = cockpit_cmd(&db)
        .args(["backtest", "--from", "0026-01-01", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    let out = wait_or_kill(child, Duration::from_secs(120));
    eprintln!("backtest from 0026 took {:?}", t0.elapsed());
    let out = out.expect("a backtest from year 0026 must end, bounded to the data");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = report["first_day"].as_str().unwrap();
    assert!(first.starts_with("20"), "backtest starts on {first}");
    assert!(
        !report["last_day"].as_str().unwrap().starts_with("2099"),
        "{report}"
    );
}

/// Waits for `child` up to `limit`; kills it and returns `None` past that.
fn wait_or_kill(mut child: std::process::Child, limit: Duration) -> Option<std::process::Output> {
    let t0 = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_model_giving_invalid_outputs_scores_no_turbine_and_fails_health() {
    let dir = tempfile::tempdir().unwrap();
    let db = fleet(dir.path());
    // A valid model set (checksums, features, reference rows) whose probability is the gearbox
    // oil temperature: about 60 on real data, far above 1.
    let models = workspace_root().join("crates/cockpit-core/tests/fixtures/passthrough_models");
    let models = models.to_str().unwrap();
    let run = cockpit(&db, &["--models", models, "score", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = run.json();
    assert_eq!(run["counts"]["not_scored"], run["turbines"], "{run}");
    assert_eq!(run["counts"]["low"], 0, "{run}");
    let items = cockpit(&db, &["fleet", "--json"]).json();
    for item in items.as_array().unwrap() {
        assert_eq!(item["scored"], false, "{item}");
        let reason = item["not_scored_reason"].as_str().unwrap();
        assert!(
            reason.starts_with("model output invalid: p_fail_7d = "),
            "{reason}"
        );
    }
    let (health, status, message) = health_check(&db, &["--models", models], "last_run");
    assert_eq!(status, "error", "{message}");
    assert!(message.contains("invalid output"), "{message}");
    assert_ne!(health.code, 0, "health fails");
}
