//! Black-box tests of `cockpit health` and `cockpit diagnostics`: every check is driven to its
//! failing state by a real fault (models removed, ONNX Runtime missing, database read-only, a
//! failing run, stale data, a stuck inbox file) and back, through the real binary.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use cockpit_tests::{cockpit, cockpit_cmd, ingest_simulated, simulate, Run};
use serde_json::Value;

/// Makes a file read-only for the cockpit for real, undone on drop: mode 0444 for a normal
/// user; the immutable attribute (`chattr +i`) for root, whom permission bits do not stop.
struct ReadOnly {
    path: PathBuf,
    immutable: bool,
}

impl ReadOnly {
    fn set(path: &Path) -> ReadOnly {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let writable = std::fs::File::options().write(true).open(path).is_ok();
        let immutable = writable
            && std::process::Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
        let guard = ReadOnly {
            path: path.to_path_buf(),
            immutable,
        };
        assert!(
            std::fs::File::options().write(true).open(path).is_err(),
            "cannot make {} read-only here (root without chattr +i support)",
            path.display()
        );
        guard
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.path)
                .status();
        }
        let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o644));
    }
}

struct Health {
    run: Run,
    json: Value,
}

impl Health {
    fn check(&self, name: &str) -> (String, String) {
        let c = self.json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no check {name}: {}", self.run.stdout));
        (
            c["status"].as_str().unwrap().to_string(),
            c["message"].as_str().unwrap().to_string(),
        )
    }

    fn status(&self, name: &str) -> String {
        self.check(name).0
    }
}

fn health(db: &Path, inbox: &Path, extra: &[&str]) -> Health {
    let inbox = inbox.display().to_string();
    let mut args = extra.to_vec();
    args.extend(["health", "--json", "--inbox", &inbox, "--stale-hours", "48"]);
    let run = cockpit(db, &args);
    let json = run.json();
    Health { run, json }
}

/// A fresh fleet (data up to today) ingested and scored.
fn scored_fleet(dir: &Path) -> PathBuf {
    let db = dir.join("cockpit.db");
    let out = dir.join("fleet");
    let run = cockpit(
        &db,
        &[
            "simulate",
            "--turbines",
            "4",
            "--days",
            "10",
            "--seed",
            "3",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    ingest_simulated(&db, &out);
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

#[test]
fn every_health_check_fails_on_a_real_fault_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_fleet(dir.path());
    let inbox = dir.path().join("inbox");

    // All good: exit 0, every check ok, versions in the report.
    let t0 = Instant::now();
    let h = health(&db, &inbox, &[]);
    let elapsed = t0.elapsed();
    assert_eq!(h.run.code, 0, "{}", h.run.stdout);
    assert_eq!(h.json["status"], "ok");
    assert_eq!(h.json["app_version"], env!("CARGO_PKG_VERSION"));
    assert!(h.json["model_version"].is_string());
    let names: Vec<&str> = h.json["checks"]
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
    eprintln!("cockpit health took {} ms", elapsed.as_millis());

    // Models removed: error, exit 2; the runtime itself is fine.
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let empty_arg = empty.display().to_string();
    let h = health(&db, &inbox, &["--models", &empty_arg]);
    assert_eq!(h.run.code, 2);
    let (s, m) = h.check("models");
    assert_eq!(s, "error");
    assert!(m.contains("manifest") && m.contains("not found"), "{m}");
    assert_eq!(h.status("onnx_runtime"), "ok");
    assert!(h.json["model_version"].is_null());

    // ONNX Runtime missing: both runtime and models in error.
    let run = cockpit_cmd(&db)
        .env(
            "COCKPIT_ORT_LIB",
            dir.path().join("nowhere/libonnxruntime.so"),
        )
        .args(["health", "--json", "--inbox", &inbox.display().to_string()])
        .output()
        .unwrap();
    let run = Run::from(run);
    assert_eq!(run.code, 2);
    let h = Health {
        json: run.json(),
        run,
    };
    let (s, m) = h.check("onnx_runtime");
    assert_eq!(s, "error");
    assert!(m.contains("ONNX Runtime library not found"), "{m}");
    assert_eq!(h.status("models"), "error");

    // Database read-only: error; the reading checks still answer.
    {
        let _ro = ReadOnly::set(&db);
        let h = health(&db, &inbox, &[]);
        assert_eq!(h.run.code, 2);
        let (s, m) = h.check("database");
        assert_eq!(s, "error");
        assert!(m.contains("read-only"), "{m}");
        assert_eq!(h.status("last_run"), "ok");
    }
    assert_eq!(health(&db, &inbox, &[]).status("database"), "ok");

    // A stuck inbox file: degraded, exit 1; taken away: ok.
    std::fs::create_dir_all(&inbox).unwrap();
    let stuck = inbox.join("scada-late.csv");
    std::fs::write(&stuck, "turbine_id,timestamp\n").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&stuck)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    let h = health(&db, &inbox, &[]);
    assert_eq!(h.run.code, 1, "{}", h.run.stdout);
    assert_eq!(h.json["status"], "degraded");
    assert_eq!(h.status("inbox"), "degraded");
    std::fs::remove_file(&stuck).unwrap();
    assert_eq!(health(&db, &inbox, &[]).run.code, 0);

    // A failing run: last_run error and one error in 24 h; a good run brings last_run back.
    let run = cockpit(&db, &["--models", &empty_arg, "score"]);
    assert_eq!(run.code, 2);
    let h = health(&db, &inbox, &[]);
    let (s, m) = h.check("last_run");
    assert_eq!(s, "error");
    assert!(m.contains("failed"), "{m}");
    assert_eq!(h.status("errors_24h"), "degraded");
    assert_eq!(cockpit(&db, &["score"]).code, 0);
    let h = health(&db, &inbox, &[]);
    assert_eq!(h.status("last_run"), "ok");
    assert_eq!(
        h.json["status"], "degraded",
        "the failure still counts for 24 h"
    );
    assert_eq!(h.run.code, 1);

    // The daily run turned off and on again: the schedule check says so.
    assert_eq!(cockpit(&db, &["schedule", "--off"]).code, 0);
    let (s, m) = health(&db, &inbox, &[]).check("schedule");
    assert_eq!(s, "ok");
    assert!(m.contains("off"), "{m}");

    // Text output names every check; -v logs go to standard error, never to standard output.
    let run = cockpit(
        &db,
        &[
            "-v",
            "health",
            "--json",
            "--inbox",
            &inbox.display().to_string(),
        ],
    );
    assert!(run.json().is_object(), "stdout is only the JSON report");
    assert!(run.stderr.contains("health checked"), "{}", run.stderr);
    let run = cockpit(&db, &["health", "--inbox", &inbox.display().to_string()]);
    assert!(run.stdout.starts_with("Health: "), "{}", run.stdout);
    assert!(run.stdout.contains("errors_24h"));
}

#[test]
fn stale_data_makes_freshness_degraded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let out = dir.path().join("fleet");
    // 2026-03-01 + 5 days: months before the test runs.
    simulate(&db, &out, 3, 5, 4);
    let files: Vec<String> = ["turbines.csv", "logbook.csv", "scada.csv"]
        .iter()
        .map(|f| out.join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    assert_eq!(cockpit(&db, &args).code, 0);
    let inbox = dir.path().join("inbox").display().to_string();
    let run = cockpit(&db, &["health", "--json", "--inbox", &inbox]);
    let v = run.json();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "freshness")
        .unwrap();
    assert_eq!(check["status"], "degraded");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .starts_with("3 of 3 turbines have no data for more than 24 h"),
        "{check}"
    );
    assert_ne!(run.code, 0);
}

#[test]
fn diagnostics_report_operations_runs_drift_and_export_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_fleet(dir.path());
    let run = cockpit(&db, &["fleet", "--json"]);
    let top = run.json()[0]["turbine_id"].as_str().unwrap().to_string();
    assert_eq!(cockpit(&db, &["turbine", &top]).code, 0);
    assert_eq!(cockpit(&db, &["turbine", "NOPE-1"]).code, 2);
    let bad = dir.path().join("nope.csv").display().to_string();
    assert_eq!(cockpit(&db, &["ingest", &bad]).code, 2);

    let run = cockpit(&db, &["diagnostics", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d = run.json();
    let metric = |op: &str| {
        d["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["operation"] == op)
            .unwrap()
            .clone()
    };
    let fleet = metric("fleet_run");
    assert_eq!(
        (fleet["count"].as_i64(), fleet["failed"].as_i64()),
        (Some(1), Some(0))
    );
    assert!(fleet["p95_ms"].as_f64().unwrap() > 0.0);
    let turbine = metric("turbine_request");
    assert_eq!(
        (turbine["count"].as_i64(), turbine["failed"].as_i64()),
        (Some(2), Some(1))
    );
    let ingestion = metric("ingestion");
    assert_eq!(
        (ingestion["count"].as_i64(), ingestion["failed"].as_i64()),
        (Some(4), Some(1)),
        "3 files ingested, 1 missing"
    );
    let days = d["errors_by_day"].as_array().unwrap();
    assert_eq!(days.len(), 14);
    assert_eq!(days[13]["errors"], 2);
    assert_eq!(d["categories"].as_array().unwrap().len(), 1);
    assert_eq!(d["alert_level"]["unusual"], false);
    let drift = d["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 82);
    assert!(drift.iter().all(|f| f["status"].is_string()));
    let stale = d["freshness"]["stale"].as_array().unwrap().len() as i64;
    assert_eq!(d["freshness"]["fresh"].as_i64().unwrap() + stale, 4);
    assert!(d["log_dir"].as_str().unwrap().ends_with("logs"));

    // The log file holds JSON lines of the commands.
    let logs = dir.path().join("logs");
    let text: String = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["fields"]["message"] == "fleet run succeeded"));
    assert!(lines.iter().any(|l| l["level"] == "ERROR"));

    let out = dir.path().join("bundle");
    let run = cockpit(
        &db,
        &[
            "diagnostics",
            "--json",
            "--bundle",
            &out.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = PathBuf::from(run.json()["path"].as_str().unwrap());
    assert!(path.starts_with(&out) && path.is_file());
    assert!(std::fs::metadata(&path).unwrap().len() > 100);
}
