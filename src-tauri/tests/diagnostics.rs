//! The diagnostics commands through Tauri's IPC with the mock runtime and the app's real
//! capabilities: health, diagnostics, run durations chart, recent logs, log folder, bundle; and
//! the operations journal every command writes.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cockpit_core::features::N_FEATURES;
use cockpit_core::risk::Category;
use cockpit_core::runs::{self, RunRequest, Trigger, TurbineOutcome};
use cockpit_core::store::Store;
use cockpit_core::telemetry::logging;
use cockpit_core::ttf::Distribution;
use common::{call, commit_backfill, simulated_park, Fixture, DAY, START};
use energitech_cockpit::state::AppState;
use serde_json::{json, Value};

/// 4 simulated turbines (data from January 2026: stale today) with two fabricated backfill runs.
fn build_db(db: &Path) {
    let (mut store, keys) = simulated_park(db);
    for at in [START + 8 * DAY, START + 9 * DAY] {
        let outcomes: Vec<TurbineOutcome> = keys
            .iter()
            .map(|(id, key)| TurbineOutcome {
                turbine_key: *key,
                turbine_id: id.clone(),
                scored: true,
                reason: None,
                p_fail_7d: Some(0.4),
                ttf: Distribution::new(&[1.0, 3.0, 7.0, 14.0, 30.0], &[0.0, 0.05, 0.3, 0.7, 0.95]),
                risk_score: Some(55.0),
                category: Some(Category::High),
                drivers: Vec::new(),
                model_reactions: Vec::new(),
                last_record: Some(at),
                data_quality: Default::default(),
                features: vec![0.0; N_FEATURES],
            })
            .collect();
        commit_backfill(&mut store, at, &outcomes);
    }
}

fn ready() -> Fixture {
    common::app(build_db, AppState::ready)
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report}"))
}

fn record_failed_run(db: &Path) {
    let store = Store::open(db).unwrap();
    let req = RunRequest {
        trigger: Trigger::Manual,
        at: None,
        scheduled_for: None,
    };
    let now = cockpit_core::clock::now();
    runs::record_failure(
        &store,
        &req,
        now,
        Instant::now(),
        None,
        "the models are not loaded: model manifest missing",
    )
    .unwrap();
}

#[test]
fn health_has_every_check_and_turns_to_error_on_a_failed_run() {
    let f = ready();
    let h = call(&f, "health", json!({})).unwrap();
    let names: Vec<&str> = h["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "database",
            "models",
            "onnx_runtime",
            "schedule",
            "last_run",
            "errors_24h",
            "freshness",
            "inbox",
            "sensor_faults"
        ]
    );
    assert_eq!(h["app_version"], env!("CARGO_PKG_VERSION"));
    assert!(h["checked_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(check(&h, "database")["status"], "ok");
    assert_eq!(check(&h, "last_run")["status"], "ok");
    // January's data are stale today.
    assert_eq!(check(&h, "freshness")["status"], "degraded");
    let ort_ok = cockpit_core::model::resolve_ort_library(None).is_ok();
    assert_eq!(
        check(&h, "onnx_runtime")["status"],
        if ort_ok { "ok" } else { "error" }
    );
    assert_ne!(h["status"], "ok");

    record_failed_run(&f.db());
    let h = call(&f, "health", json!({})).unwrap();
    assert_eq!(h["status"], "error");
    let last = check(&h, "last_run");
    assert_eq!(last["status"], "error");
    assert!(last["message"]
        .as_str()
        .unwrap()
        .contains("model manifest missing"));
    assert_eq!(check(&h, "errors_24h")["status"], "degraded");
}

/// Polls `diagnostics` until `cond` holds (commands are journaled in the background).
fn diagnostics_until(f: &Fixture, what: &str, cond: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let d = call(f, "diagnostics", json!({})).unwrap();
        if cond(&d) {
            return d;
        }
        assert!(Instant::now() < deadline, "{what} never happened: {d}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn metric(d: &Value, op: &str) -> (i64, i64) {
    let m = d["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["operation"] == op)
        .unwrap();
    (m["count"].as_i64().unwrap(), m["failed"].as_i64().unwrap())
}

#[test]
fn diagnostics_have_the_contract_shape_and_count_the_commands() {
    let f = ready();
    let d = call(&f, "diagnostics", json!({})).unwrap();
    let ops: Vec<&str> = d["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["fleet_run", "turbine_request", "ingestion", "ui_command"]
    );
    for key in ["count", "succeeded", "failed", "mean_ms", "p95_ms"] {
        assert!(d["metrics"][0].get(key).is_some(), "{key}");
    }
    assert_eq!(d["errors_by_day"].as_array().unwrap().len(), 14);
    assert!(d["errors_by_day"][13]["day"].as_str().unwrap().len() == 10);
    let cats = d["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 2);
    assert!(cats[0]["as_of"].as_str().unwrap() < cats[1]["as_of"].as_str().unwrap());
    assert_eq!(cats[1]["high"], 4);
    assert_eq!(d["alert_level"]["latest"], 4);
    assert_eq!(d["alert_level"]["unusual"], false);
    assert!(
        d["alert_level"]["band_low"].is_null(),
        "two runs: no band yet"
    );
    // Six values per feature: too few for a PSI.
    let drift = d["drift"].as_array().unwrap();
    assert_eq!(drift.len(), N_FEATURES);
    assert!(drift
        .iter()
        .all(|x| x["status"] == "unknown" && x["psi"].is_null()));
    assert_eq!(d["freshness"]["threshold_hours"], 24.0);
    assert_eq!(d["freshness"]["stale"].as_array().unwrap().len(), 4);
    assert_eq!(d["freshness"]["fresh"], 0);
    assert!(d["freshness"]["stale"][0]["last_data"].is_string());
    assert_eq!(d["availability"]["on_time_ok"], 0);
    assert!(d["log_dir"].as_str().unwrap().ends_with("logs"));

    // Commands are journaled: UI commands, and the turbine detail as a turbine request.
    let (ui_before, _) = metric(&d, "ui_command");
    call(&f, "fleet", json!({})).unwrap();
    call(&f, "fleet", json!({"filter": {"category": "urgent"}})).unwrap_err();
    let id = call(&f, "fleet", json!({})).unwrap()["items"][0]["turbine_id"].clone();
    call(&f, "turbine", json!({"id": id})).unwrap();
    call(&f, "turbine", json!({"id": "NOPE-1"})).unwrap_err();
    let d = diagnostics_until(&f, "journaling", |d| {
        metric(d, "turbine_request") == (2, 1) && metric(d, "ui_command").0 >= ui_before + 3
    });
    let (_, ui_failed) = metric(&d, "ui_command");
    assert!(ui_failed >= 1, "the refused category is a failed command");
    assert!(d["errors_by_day"][13]["errors"].as_i64().unwrap() >= 2);
}

#[test]
fn run_durations_chart_shows_recent_fleet_runs() {
    let f = ready();
    let svg = call(&f, "run_durations_chart", json!({"lang": "en"})).unwrap();
    assert!(
        svg.as_str()
            .unwrap()
            .contains("No fleet run in the last 30 days"),
        "backfilled runs are not fleet runs"
    );
    record_failed_run(&f.db());
    let svg = call(&f, "run_durations_chart", json!({"lang": "fr"})).unwrap();
    let svg = svg.as_str().unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("échoué (1)"),
        "{svg}"
    );
}

#[test]
fn recent_logs_read_the_app_log_files_newest_first() {
    let f = ready();
    let dir = cockpit_core::workspace::Workspace::for_db(&f.db()).logs;
    let guard = logging::init(&logging::LogOptions {
        dir: Some(dir.clone()),
        console: None,
        ansi: false,
    })
    .unwrap();
    tracing::info!(target: "cockpit_test", "first line");
    tracing::warn!(target: "cockpit_test", file = "scada.csv", "inbox file rejected");
    drop(guard); // flushes the file writer
    let lines = call(
        &f,
        "recent_logs",
        json!({"level": "warn", "search": "inbox"}),
    )
    .unwrap();
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["level"], "WARN");
    assert_eq!(lines[0]["target"], "cockpit_test");
    assert_eq!(lines[0]["message"], "inbox file rejected file=scada.csv");
    assert!(lines[0]["ts"].as_str().unwrap().ends_with('Z'));
    let all = call(&f, "recent_logs", json!({"search": "cockpit_test"})).unwrap();
    let messages: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["inbox file rejected file=scada.csv", "first line"],
        "newest first"
    );
    let e = call(&f, "recent_logs", json!({"level": "loud"})).unwrap_err();
    assert_eq!(e["code"], "invalid_level");
}

#[test]
fn the_bundle_is_written_and_the_log_folder_is_created_to_be_opened() {
    let f = ready();
    let v = call(&f, "export_diagnostics_bundle", json!({})).unwrap();
    let path = PathBuf::from(v["path"].as_str().unwrap());
    assert!(path.is_file(), "{}", path.display());
    assert!(path.to_string_lossy().ends_with(".tar.gz"));
    let expected_dir = dirs::download_dir().unwrap_or_else(|| f.dir.path().to_path_buf());
    assert_eq!(path.parent().unwrap(), expected_dir);
    std::fs::remove_file(&path).unwrap();

    let logs = cockpit_core::workspace::Workspace::for_db(&f.db()).logs;
    match call(&f, "open_log_folder", json!({})) {
        Ok(v) => assert!(v.is_null()),
        // No file manager on a headless machine: a clear error, not a hang.
        Err(e) => assert_eq!(e["code"], "open_folder", "{e}"),
    }
    assert!(logs.is_dir());
}
