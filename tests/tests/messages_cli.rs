//! Black-box tests of what the `cockpit` command says as a whole: the help texts, and failures
//! said once, in plain words (`error: <message>` on standard error; the structured log line
//! only in the log file, and on standard error only with `-v`).

use std::path::Path;

use cockpit_tests::{cockpit, cockpit_bin};

/// The lines of standard error.
fn stderr_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Asserts a failure was said exactly once, as `error: …` containing `what`, with nothing else.
fn said_once(stderr: &str, what: &str) {
    let lines = stderr_lines(stderr);
    assert_eq!(lines.len(), 1, "one line expected:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(what), "{stderr}");
    assert_eq!(stderr.matches(what).count(), 1, "{stderr}");
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("command failed"),
        "{stderr}"
    );
}

/// The JSON log lines written beside the database.
fn log_lines(db: &Path) -> Vec<serde_json::Value> {
    let logs = db.parent().unwrap().join("logs");
    std::fs::read_dir(&logs)
        .unwrap()
        .flat_map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn help(args: &[&str]) -> String {
    let out = std::process::Command::new(cockpit_bin())
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_failure_is_said_once_and_logged_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");

    let run = cockpit(&db, &["turbine", "NOPE-1"]);
    assert_eq!(run.code, 2);
    said_once(&run.stderr, "unknown turbine 'NOPE-1'");
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let run = cockpit(&db, &["schedule", "--at", "25:00"]);
    assert_eq!(run.code, 2);
    said_once(&run.stderr, "25:00");

    let missing = dir.path().join("no-models");
    let run = cockpit(&db, &["--models", missing.to_str().unwrap(), "score"]);
    assert_eq!(run.code, 2);
    said_once(&run.stderr, "model manifest");

    // A file that cannot be ingested: one line for it, nothing from the logs.
    let nowhere = dir.path().join("nowhere.csv");
    let run = cockpit(&db, &["ingest", nowhere.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    said_once(&run.stderr, "nowhere.csv: file not found");

    // The structured line of each failure is in the log file.
    let failed: Vec<_> = log_lines(&db)
        .into_iter()
        .filter(|l| l["fields"]["message"] == "command failed")
        .collect();
    assert_eq!(failed.len(), 3, "turbine, schedule and score failed");
    assert!(failed.iter().all(|l| l["level"] == "ERROR"));
    assert!(failed.iter().any(|l| l["fields"]["error"]
        .as_str()
        .is_some_and(|e| e.contains("unknown turbine 'NOPE-1'"))));
}

#[test]
fn with_v_the_log_lines_are_on_standard_error_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let run = cockpit(&db, &["-v", "turbine", "NOPE-1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("command failed"), "{}", run.stderr);
    let errors: Vec<&str> = stderr_lines(&run.stderr)
        .into_iter()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("error: unknown turbine 'NOPE-1'"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_texts_are_current() {
    let top = help(&["--help"]);
    assert!(!top.contains("(later)"), "{top}");
    assert!(top.contains("score the fleet"), "{top}");
    for cmd in [
        "simulate",
        "ingest",
        "demo",
        "features",
        "score",
        "fleet",
        "turbine",
        "runs",
        "backtest",
        "schedule",
        "watch",
        "health",
        "diagnostics",
    ] {
        assert!(top.contains(&format!("  {cmd} ")), "{cmd} missing:\n{top}");
    }
    assert!(
        top.contains("they always go to the log files"),
        "-v says where the logs go:\n{top}"
    );
    let demo = help(&["demo", "--help"]);
    assert!(
        demo.contains("backfill") && demo.contains("score"),
        "{demo}"
    );
    for cmd in ["watch", "health", "diagnostics"] {
        let text = help(&[cmd, "--help"]);
        assert!(
            text.contains("inbox/ beside the database"),
            "{cmd}:\n{text}"
        );
    }
}

#[test]
fn an_absurd_snapshot_interval_is_refused_with_the_allowed_range() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = dir.path().join("t.csv");
    for every in ["106751991167301d", "99999999999999999999d", "400d", "1m"] {
        let run = cockpit(
            &db,
            &["features", "--every", every, "--out", out.to_str().unwrap()],
        );
        assert_eq!(run.code, 2, "{every}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        said_once(&run.stderr, "from 10m to 365d");
    }
}
