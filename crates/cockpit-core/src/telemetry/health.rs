//! The health report: is the cockpit working, and if not, what to do.
//!
//! Eight checks, each `ok`, `degraded` or `error`; the report's status is the worst of them
//! (`cockpit health` exits 0, 1 or 2 accordingly):
//!
//! | check | error | degraded |
//! |---|---|---|
//! | `database` | missing, cannot be opened, read-only, or damaged (`PRAGMA quick_check`) | — |
//! | `models` | not loaded (missing, modified, wrong features) | — |
//! | `onnx_runtime` | the library cannot be found or loaded | — |
//! | `schedule` | — | the latest daily slot was missed, ran late, or failed |
//! | `last_run` | the latest scoring run failed | no run yet; no turbine could be scored |
//! | `errors_24h` | 10 or more failures in 24 h | 1 to 9 failures in 24 h |
//! | `freshness` | — | turbines without data for more than 24 h, or none registered |
//! | `inbox` | the inbox folder cannot be read | CSV files waiting for more than 10 minutes |
//!
//! Checks that need the database say so when it cannot be read instead of guessing.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::metrics::{self, ON_TIME_TOLERANCE_SECS};
use super::monitoring::{self, FRESHNESS_THRESHOLD_HOURS};
use crate::journal::redact;
use crate::model::{ModelSet, OrtRuntime};
use crate::schema::format_timestamp;
use crate::service;
use crate::store::Store;

/// Failures in 24 h from which `errors_24h` is an error.
pub const ERRORS_24H_ERROR: i64 = 10;
/// A CSV file waiting longer than this in the inbox is a backlog (10 minutes).
pub const INBOX_BACKLOG_SECS: u64 = 600;
/// Settings key written by the database check (proves the database takes writes).
pub const PROBE_KEY: &str = "health_probe";

/// Status of a check and of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Degraded,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Degraded => "degraded",
            Status::Error => "error",
        }
    }

    /// Exit code of `cockpit health`: 0 ok, 1 degraded, 2 error.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Degraded => 1,
            Status::Error => 2,
        }
    }
}

/// One check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// `database`, `models`, `onnx_runtime`, `schedule`, `last_run`, `errors_24h`,
    /// `freshness` or `inbox`.
    pub name: &'static str,
    pub status: Status,
    /// What was found and, when not ok, what to do.
    pub message: String,
}

fn check(name: &'static str, status: Status, message: impl Into<String>) -> Check {
    Check {
        name,
        status,
        message: redact(&message.into()),
    }
}

/// The health report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    pub status: Status,
    /// RFC 3339 (UTC).
    pub checked_at: String,
    pub app_version: String,
    /// Version of the models loaded (or in service), `None` when none are.
    pub model_version: Option<String>,
    pub checks: Vec<Check>,
    /// How long the checks took.
    pub duration_ms: u64,
}

/// What to check.
#[derive(Debug, Clone)]
pub struct HealthConfig {
    pub db: PathBuf,
    pub models_dir: PathBuf,
    pub inbox: PathBuf,
    /// Version of the CLI or the app.
    pub app_version: String,
    /// The models a running service holds (`Ok(version)` or why none); `None`: load the models
    /// folder to check it.
    pub models_in_service: Option<Result<String, String>>,
    /// Unix seconds.
    pub now: i64,
    pub freshness_hours: f64,
}

impl HealthConfig {
    /// A check of `db` now, with the default thresholds and models loaded from `models_dir`.
    pub fn new(db: &Path, models_dir: &Path, inbox: &Path, app_version: &str) -> HealthConfig {
        HealthConfig {
            db: db.to_path_buf(),
            models_dir: models_dir.to_path_buf(),
            inbox: inbox.to_path_buf(),
            app_version: app_version.to_string(),
            models_in_service: None,
            now: crate::clock::now(),
            freshness_hours: FRESHNESS_THRESHOLD_HOURS,
        }
    }
}

/// Runs every check.
pub fn run(cfg: &HealthConfig) -> HealthReport {
    let t0 = std::time::Instant::now();
    let span = tracing::info_span!("health").entered();
    let mut checks = Vec::with_capacity(8);
    let store = database(cfg, &mut checks);
    let (model_version, models_check, ort_check) = models_and_runtime(cfg);
    checks.push(models_check);
    checks.push(ort_check);
    match &store {
        Some(store) => {
            checks.push(guard("schedule", || schedule(store, cfg.now)));
            checks.push(guard("last_run", || last_run(store)));
            checks.push(guard("errors_24h", || errors_24h(store, cfg.now)));
            checks.push(guard("freshness", || {
                freshness(store, cfg.now, cfg.freshness_hours)
            }));
        }
        None => {
            for name in ["schedule", "last_run", "errors_24h", "freshness"] {
                checks.push(check(
                    name,
                    Status::Error,
                    "not checked: the database cannot be read (see the database check)",
                ));
            }
        }
    }
    checks.push(inbox(&cfg.inbox));
    let status = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
    let duration_ms = t0.elapsed().as_millis() as u64;
    for c in checks.iter().filter(|c| c.status != Status::Ok) {
        tracing::warn!(check = c.name, status = c.status.as_str(), message = %c.message, "health check not ok");
    }
    tracing::info!(status = status.as_str(), duration_ms, "health checked");
    drop(span);
    HealthReport {
        status,
        checked_at: format_timestamp(cfg.now),
        app_version: cfg.app_version.clone(),
        model_version,
        checks,
        duration_ms,
    }
}

/// A check whose queries failed is an error saying so.
fn guard(name: &'static str, f: impl FnOnce() -> Result<Check, super::TelemetryError>) -> Check {
    f().unwrap_or_else(|e| {
        check(
            name,
            Status::Error,
            format!("cannot be checked: {e}; see the database check"),
        )
    })
}

/// Opens the database (without creating it), proves it takes a write and checks its integrity.
/// Returns the store when it can at least be read.
fn database(cfg: &HealthConfig, checks: &mut Vec<Check>) -> Option<Store> {
    let path = &cfg.db;
    if !path.is_file() {
        checks.push(check(
            "database",
            Status::Error,
            format!(
                "no database at {}: run `cockpit demo` or `cockpit ingest`, start the app, or pass --db",
                path.display()
            ),
        ));
        return None;
    }
    let store = match Store::open(path) {
        Ok(s) => s,
        Err(e) => {
            checks.push(check("database", Status::Error, e.to_string()));
            return None;
        }
    };
    let probe = store.set_setting(PROBE_KEY, &format_timestamp(cfg.now));
    if let Err(e) = probe {
        checks.push(check(
            "database",
            Status::Error,
            format!(
                "the database {} is read-only ({e}): runs and ingestion cannot be saved; check the file's and folder's permissions and owner, that the disk is not full and not mounted read-only",
                path.display()
            ),
        ));
        return Some(store);
    }
    let integrity: Result<Vec<String>, rusqlite::Error> = store
        .conn()
        .prepare("PRAGMA quick_check(5)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    let message = match integrity {
        Ok(rows) if rows == ["ok"] => None,
        Ok(rows) => Some(rows.join("; ")),
        Err(e) => Some(e.to_string()),
    };
    checks.push(match message {
        None => {
            let version = store.schema_version().unwrap_or(0);
            check(
                "database",
                Status::Ok,
                format!(
                    "{} is writable and intact (schema version {version})",
                    path.display()
                ),
            )
        }
        Some(m) => check(
            "database",
            Status::Error,
            format!(
                "the database {} is damaged ({m}): restore it from a backup, or move it away and rebuild it with `cockpit ingest`",
                path.display()
            ),
        ),
    });
    Some(store)
}

fn models_and_runtime(cfg: &HealthConfig) -> (Option<String>, Check, Check) {
    let ort = OrtRuntime::init(None);
    let ort_check = match &ort {
        Ok(rt) => check(
            "onnx_runtime",
            Status::Ok,
            format!(
                "ONNX Runtime loaded from {} ({})",
                rt.library().path.display(),
                rt.library().source
            ),
        ),
        Err(e) => check("onnx_runtime", Status::Error, e.to_string()),
    };
    let (version, models) = match (&cfg.models_in_service, &ort) {
        (Some(Ok(v)), _) => (
            Some(v.clone()),
            check(
                "models",
                Status::Ok,
                format!("models {v} in service (from {})", cfg.models_dir.display()),
            ),
        ),
        (Some(Err(e)), _) => (
            None,
            check(
                "models",
                Status::Error,
                format!("no models in service: {e}"),
            ),
        ),
        (None, Err(_)) => (
            None,
            check(
                "models",
                Status::Error,
                "the models cannot be loaded without ONNX Runtime (see the onnx_runtime check)",
            ),
        ),
        (None, Ok(rt)) => match ModelSet::load_for_scoring(&cfg.models_dir, rt) {
            Ok(m) => {
                let v = m.manifest().model_version.clone();
                (
                    Some(v.clone()),
                    check(
                        "models",
                        Status::Ok,
                        format!(
                            "models {v} loaded from {} (checksums, {} features and tensors verified)",
                            cfg.models_dir.display(),
                            m.manifest().feature_names.len()
                        ),
                    ),
                )
            }
            Err(e) => (None, check("models", Status::Error, e.to_string())),
        },
    };
    (version, models, ort_check)
}

fn schedule(store: &Store, now: i64) -> Result<Check, super::TelemetryError> {
    let schedule = service::schedule(store)?;
    if !schedule.enabled {
        return Ok(check(
            "schedule",
            Status::Ok,
            format!(
                "the daily run is off (time kept: {}); turn it on with `cockpit schedule --on`",
                schedule.time_text()
            ),
        ));
    }
    let next = schedule
        .next_slot_local(now)
        .map(format_timestamp)
        .unwrap_or_else(|| "-".into());
    let first = metrics::first_run_time(store)?.unwrap_or(now);
    let Some(&slot) = metrics::expected_slots(&schedule, first, now).first() else {
        return Ok(check(
            "schedule",
            Status::Ok,
            format!("no daily run was due yet on this database; next at {next}"),
        ));
    };
    let runs = metrics::timer_runs(store, slot)?;
    let served: Vec<&metrics::TimerRun> = runs.iter().filter(|r| r.slot == slot).collect();
    let slot_text = format_timestamp(slot);
    if metrics::on_time_ok(&runs, slot) {
        return Ok(check(
            "schedule",
            Status::Ok,
            format!("the daily run due at {slot_text} ran on time; next at {next}"),
        ));
    }
    Ok(match served.last() {
        Some(r) if !r.succeeded => check(
            "schedule",
            Status::Degraded,
            format!(
                "the daily run due at {slot_text} ran (run #{}) but failed: see the last_run check",
                r.id
            ),
        ),
        Some(r) => check(
            "schedule",
            Status::Degraded,
            format!(
                "the daily run due at {slot_text} started {} min late (run #{}, more than {} min): was the computer off or asleep, or the cockpit closed?",
                (r.started_at - slot) / 60,
                r.id,
                ON_TIME_TOLERANCE_SECS / 60
            ),
        ),
        None => check(
            "schedule",
            Status::Degraded,
            format!(
                "the daily run due at {slot_text} has not run: keep the desktop app or `cockpit watch` running (it catches up at start), or turn the daily run off with `cockpit schedule --off`"
            ),
        ),
    })
}

fn last_run(store: &Store) -> Result<Check, super::TelemetryError> {
    let Some(run) = crate::runs::queries::journal(store, 1)?.into_iter().next() else {
        return Ok(check(
            "last_run",
            Status::Degraded,
            "no scoring run yet: run `cockpit score` (or `cockpit demo`), or \"Score now\" in the app",
        ));
    };
    if run.status != "succeeded" {
        return Ok(check(
            "last_run",
            Status::Error,
            format!(
                "run #{} ({}, {}) failed: {}; the fleet view still shows the last successful run",
                run.id,
                run.trigger,
                run.started_at,
                run.error.as_deref().unwrap_or("no error recorded")
            ),
        ));
    }
    let c = run.counts;
    if run.turbines > 0 && c.not_scored == run.turbines {
        return Ok(check(
            "last_run",
            Status::Degraded,
            format!(
                "run #{} ({}) succeeded but scored none of its {} turbines (no recent data or all under repair): check the data freshness",
                run.id, run.started_at, run.turbines
            ),
        ));
    }
    Ok(check(
        "last_run",
        Status::Ok,
        format!(
            "run #{} ({}, {}) succeeded in {} ms: {} critical, {} high, {} moderate, {} low, {} not scored",
            run.id,
            run.trigger,
            run.started_at,
            run.duration_ms,
            c.critical,
            c.high,
            c.moderate,
            c.low,
            c.not_scored
        ),
    ))
}

fn errors_24h(store: &Store, now: i64) -> Result<Check, super::TelemetryError> {
    let since = now - 86_400;
    let n = metrics::errors_since(store, since)?;
    if n == 0 {
        return Ok(check(
            "errors_24h",
            Status::Ok,
            "no failure in the last 24 h",
        ));
    }
    let last = metrics::last_error_since(store, since)?
        .map(|(at, what, message)| {
            format!("; latest: {what} at {}: {message}", format_timestamp(at))
        })
        .unwrap_or_default();
    let status = if n >= ERRORS_24H_ERROR {
        Status::Error
    } else {
        Status::Degraded
    };
    Ok(check(
        "errors_24h",
        status,
        format!("{n} failure(s) in the last 24 h{last}; see the run journal and the logs"),
    ))
}

fn freshness(store: &Store, now: i64, hours: f64) -> Result<Check, super::TelemetryError> {
    let f = monitoring::freshness(store, now, hours)?;
    let total = f.fresh + f.stale.len() as i64;
    if total == 0 {
        return Ok(check(
            "freshness",
            Status::Degraded,
            "no turbine registered: ingest the turbine registry and SCADA data (`cockpit ingest`)",
        ));
    }
    if f.stale.is_empty() {
        return Ok(check(
            "freshness",
            Status::Ok,
            format!("all {total} turbines sent data in the last {hours:.0} h"),
        ));
    }
    let shown: Vec<String> = f
        .stale
        .iter()
        .take(5)
        .map(|s| match s.hours {
            Some(h) => format!("{} ({h:.0} h)", s.turbine_id),
            None => format!("{} (never)", s.turbine_id),
        })
        .collect();
    let more = if f.stale.len() > 5 { ", …" } else { "" };
    Ok(check(
        "freshness",
        Status::Degraded,
        format!(
            "{} of {total} turbines have no data for more than {hours:.0} h: {}{more}; their risk cannot be scored; check the SCADA export and the inbox",
            f.stale.len(),
            shown.join(", ")
        ),
    ))
}

/// CSV files waiting at the top of the inbox, with their age.
fn inbox(dir: &Path) -> Check {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return check(
                "inbox",
                Status::Ok,
                format!("no inbox folder at {} (nothing waiting)", dir.display()),
            )
        }
        Err(e) => {
            return check(
                "inbox",
                Status::Error,
                format!(
                    "the inbox {} cannot be read ({e}): check its permissions",
                    dir.display()
                ),
            )
        }
    };
    let now = SystemTime::now();
    let (mut waiting, mut old) = (0usize, 0usize);
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || name.starts_with('.') || !name.ends_with(".csv") {
            continue;
        }
        waiting += 1;
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or(Duration::ZERO);
        if age.as_secs() > INBOX_BACKLOG_SECS {
            old += 1;
        }
    }
    if old > 0 {
        return check(
            "inbox",
            Status::Degraded,
            format!(
                "{old} CSV file(s) have waited more than {} min in {}: start the desktop app or `cockpit watch` to ingest them, or look in the logs for why they are not taken",
                INBOX_BACKLOG_SECS / 60,
                dir.display()
            ),
        );
    }
    if waiting > 0 {
        return check(
            "inbox",
            Status::Ok,
            format!("{waiting} CSV file(s) just arrived in {}", dir.display()),
        );
    }
    check(
        "inbox",
        Status::Ok,
        format!("the inbox {} is empty", dir.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;
    use crate::mapping::Mapping;
    use crate::runs::{self, RunRequest, Trigger};
    use crate::sim::{self, SimConfig};
    use crate::telemetry::metrics::tests::{failed_run, ok_run};
    use crate::triggers::DailySchedule;
    use std::time::Instant;

    const DAY: i64 = 86_400;

    fn status_of(report: &HealthReport, name: &str) -> (Status, String) {
        let c = report.checks.iter().find(|c| c.name == name).unwrap();
        (c.status, c.message.clone())
    }

    struct Park {
        dir: tempfile::TempDir,
        db: PathBuf,
        /// End of the simulated data.
        end: i64,
    }

    /// 3 turbines × 3 days of simulated data ending at `end` (a UTC midnight).
    fn park(end: i64) -> Park {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cockpit.db");
        let files = sim::simulate(
            &SimConfig::new(3, 3, 5, end - 3 * DAY),
            &dir.path().join("sim"),
        )
        .unwrap()
        .files;
        let mut store = Store::open(&db).unwrap();
        let report = ingest::ingest_files(&mut store, &files, &Mapping::canonical());
        assert!(report.failed.is_empty());
        Park { dir, db, end }
    }

    fn config(p: &Park, now: i64) -> HealthConfig {
        HealthConfig {
            db: p.db.clone(),
            // The models are not what these tests are about: the service's view is given.
            models_dir: p.dir.path().join("models"),
            inbox: p.dir.path().join("inbox"),
            app_version: "9.9.9".into(),
            models_in_service: Some(Ok("test-1".into())),
            now,
            freshness_hours: FRESHNESS_THRESHOLD_HOURS,
        }
    }

    #[test]
    fn the_schedule_goes_degraded_when_a_slot_is_missed_and_back_when_served() {
        let end = 1_780_000_000 / DAY * DAY;
        let p = park(end);
        let store = Store::open(&p.db).unwrap();
        let now = end + 3600;
        // A fresh database: nothing was due before its first run.
        ok_run(&store, "cli", now - 60, None, 100);
        let r = run(&config(&p, now));
        assert_eq!(
            status_of(&r, "schedule").0,
            Status::Ok,
            "{:?}",
            status_of(&r, "schedule")
        );
        // Three days later no timer ran: the latest slot was missed.
        let later = now + 3 * DAY;
        let (s, m) = status_of(&run(&config(&p, later)), "schedule");
        assert_eq!(s, Status::Degraded, "{m}");
        assert!(m.contains("has not run"), "{m}");
        let slot = metrics::expected_slots(&DailySchedule::default(), now, later)[0];
        // Served late…
        ok_run(&store, "timer", slot + 2 * 3600, Some(slot), 100);
        let (s, m) = status_of(&run(&config(&p, later)), "schedule");
        assert_eq!(s, Status::Degraded);
        assert!(m.contains("120 min late"), "{m}");
        // …then on time.
        ok_run(&store, "timer", slot + 20, Some(slot), 100);
        let (s, m) = status_of(&run(&config(&p, later)), "schedule");
        assert_eq!(s, Status::Ok, "{m}");
        // Turned off: nothing is expected.
        service::set_schedule(
            &store,
            &DailySchedule {
                enabled: false,
                ..Default::default()
            },
        )
        .unwrap();
        let (s, m) = status_of(&run(&config(&p, later + 5 * DAY)), "schedule");
        assert_eq!(s, Status::Ok, "{m}");
        assert!(m.contains("off"));
    }

    #[test]
    fn a_failed_run_makes_last_run_error_and_errors_24h_degraded_until_a_run_succeeds() {
        let end = 1_780_000_000 / DAY * DAY;
        let p = park(end);
        let mut store = Store::open(&p.db).unwrap();
        let now = end + 3600;
        let r = run(&config(&p, now));
        assert_eq!(status_of(&r, "last_run").0, Status::Degraded, "no run yet");
        failed_run(&store, Trigger::Cli, now - 60, None);
        let r = run(&config(&p, now));
        let (s, m) = status_of(&r, "last_run");
        assert_eq!(s, Status::Error);
        assert!(m.contains("failed: the models are not loaded"), "{m}");
        assert_eq!(status_of(&r, "errors_24h").0, Status::Degraded);
        assert_eq!(r.status, Status::Error);
        // A successful run: last_run back to ok; the failure still counts for 24 h.
        let outcomes = vec![];
        let req = RunRequest {
            trigger: Trigger::Cli,
            at: Some(end),
            scheduled_for: None,
        };
        runs::commit_run(
            &mut store,
            &req,
            now - 30,
            Instant::now(),
            end,
            "test-1",
            &outcomes,
        )
        .unwrap();
        let r = run(&config(&p, now));
        assert_eq!(
            status_of(&r, "last_run").0,
            Status::Ok,
            "{:?}",
            status_of(&r, "last_run")
        );
        assert_eq!(status_of(&r, "errors_24h").0, Status::Degraded);
        let (s, m) = status_of(&run(&config(&p, now + DAY)), "errors_24h");
        assert_eq!(s, Status::Ok, "{m}");
        for i in 0..ERRORS_24H_ERROR {
            failed_run(&store, Trigger::Watch, now - 100 - i, None);
        }
        assert_eq!(
            status_of(&run(&config(&p, now)), "errors_24h").0,
            Status::Error
        );
    }

    #[test]
    fn stale_data_is_degraded_and_fresh_data_is_ok() {
        let end = 1_780_000_000 / DAY * DAY;
        let p = park(end);
        let (s, m) = status_of(&run(&config(&p, p.end + 3600)), "freshness");
        assert_eq!(s, Status::Ok, "{m}");
        let (s, m) = status_of(&run(&config(&p, p.end + 3 * DAY)), "freshness");
        assert_eq!(s, Status::Degraded);
        assert!(
            m.starts_with("3 of 3 turbines have no data for more than 24 h"),
            "{m}"
        );
    }

    #[test]
    fn a_waiting_inbox_file_is_degraded_once_old() {
        let p = park(1_780_000_000 / DAY * DAY);
        let inbox_dir = p.dir.path().join("inbox");
        assert_eq!(inbox(&inbox_dir).status, Status::Ok);
        std::fs::create_dir_all(&inbox_dir).unwrap();
        let file = inbox_dir.join("scada.csv");
        std::fs::write(&file, "turbine_id\n").unwrap();
        let c = inbox(&inbox_dir);
        assert_eq!(c.status, Status::Ok, "just arrived: {}", c.message);
        let old = SystemTime::now() - Duration::from_secs(INBOX_BACKLOG_SECS + 60);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let c = inbox(&inbox_dir);
        assert_eq!(c.status, Status::Degraded, "{}", c.message);
        std::fs::remove_file(&file).unwrap();
        assert_eq!(inbox(&inbox_dir).status, Status::Ok);
    }

    #[test]
    fn missing_models_are_an_error_and_the_service_view_is_trusted() {
        let p = park(1_780_000_000 / DAY * DAY);
        let mut cfg = config(&p, p.end + 3600);
        cfg.models_in_service = Some(Err("model manifest missing".into()));
        let r = run(&cfg);
        assert_eq!(status_of(&r, "models").0, Status::Error);
        assert_eq!(r.model_version, None);
        cfg.models_in_service = Some(Ok("1.2.3".into()));
        let r = run(&cfg);
        assert_eq!(status_of(&r, "models").0, Status::Ok);
        assert_eq!(r.model_version.as_deref(), Some("1.2.3"));
    }

    /// Makes a file read-only for this process for real, undone on drop: mode 0444 for a normal
    /// user; the immutable attribute (`chattr +i`) for root, whom permission bits do not stop.
    pub(crate) struct ReadOnly {
        path: PathBuf,
        immutable: bool,
    }

    impl ReadOnly {
        pub(crate) fn set(path: &Path) -> ReadOnly {
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

    #[test]
    fn a_read_only_database_is_an_error_and_writable_again_is_ok() {
        let p = park(1_780_000_000 / DAY * DAY);
        let store = Store::open(&p.db).unwrap();
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        drop(store);
        let cfg = config(&p, p.end + 3600);
        assert_eq!(status_of(&run(&cfg), "database").0, Status::Ok);
        {
            let _ro = ReadOnly::set(&p.db);
            let r = run(&cfg);
            let (s, m) = status_of(&r, "database");
            assert_eq!(s, Status::Error, "{m}");
            assert!(
                m.contains("is read-only") && m.contains("readonly database"),
                "{m}"
            );
            // The checks that only read still work.
            assert_eq!(status_of(&r, "freshness").0, Status::Ok);
        }
        let (s, m) = status_of(&run(&cfg), "database");
        assert_eq!(s, Status::Ok, "{m}");
    }

    #[test]
    fn a_missing_or_damaged_database_is_an_error_and_the_dependent_checks_say_why() {
        let p = park(1_780_000_000 / DAY * DAY);
        let mut cfg = config(&p, p.end + 3600);
        cfg.db = p.dir.path().join("nope.db");
        let r = run(&cfg);
        assert_eq!(r.status, Status::Error);
        let (s, m) = status_of(&r, "database");
        assert_eq!(s, Status::Error);
        assert!(m.contains("no database at"), "{m}");
        assert!(!cfg.db.exists(), "the check does not create a database");
        assert!(status_of(&r, "last_run").1.starts_with("not checked"));

        // Damage: overwrite pages in the middle of the file (the header stays valid).
        let store = Store::open(&p.db).unwrap();
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        drop(store);
        let len = std::fs::metadata(&p.db).unwrap().len();
        assert!(len > 16 * 4096);
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::File::options().write(true).open(&p.db).unwrap();
        f.seek(SeekFrom::Start(len / 2)).unwrap();
        f.write_all(&vec![0x5a; 8 * 4096]).unwrap();
        drop(f);
        let r = run(&config(&p, p.end + 3600));
        let (s, m) = status_of(&r, "database");
        assert_eq!(s, Status::Error, "{m}");
        assert!(m.contains("damaged") || m.contains("malformed"), "{m}");
    }
}
