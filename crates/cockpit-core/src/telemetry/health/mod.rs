//! The health report: is the cockpit working, and if not, what to do.
//!
//! Nine checks, each `ok`, `degraded` or `error`; the report's status is the worst of them
//! (`cockpit health` exits 0, 1 or 2 accordingly):
//!
//! | check | error | degraded |
//! |---|---|---|
//! | `database` | missing, cannot be opened, read-only, or damaged (`PRAGMA quick_check`); with [`HealthConfig::read_only`] (`cockpit serve`) nothing is written and writability is read from the file's permissions | — |
//! | `models` | not loaded (missing, modified, wrong features) | — |
//! | `onnx_runtime` | the library cannot be found or loaded | — |
//! | `schedule` | — | the latest daily slot was missed, ran late, or failed |
//! | `last_run` | the latest scoring run failed | no run yet; no turbine could be scored |
//! | `errors_24h` | 10 or more failures in 24 h | 1 to 9 failures in 24 h |
//! | `freshness` | — | turbines without data for more than 24 h, or none registered |
//! | `inbox` | the inbox folder cannot be read | CSV files waiting for more than 10 minutes |
//! | `sensor_faults` | — | — (it counts the sensor faults of the latest run: frozen, spikes, out of physics, gaps, turbines touched, turbines with a family not watched) |
//!
//! Checks that need the database say so when it cannot be read instead of guessing. Every
//! message exists in English and French ([`HealthConfig::lang`]).
//!
//! | file | checks |
//! |---|---|
//! | [`database`] | `database` |
//! | [`models`] | `models`, `onnx_runtime` |
//! | [`activity`] | `schedule`, `last_run`, `errors_24h`, `freshness` |
//! | [`inbox`] | `inbox` |
//! | [`sensors`] | `sensor_faults` |

mod activity;
mod database;
mod inbox;
mod models;
mod sensors;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::monitoring::FRESHNESS_THRESHOLD_HOURS;
use crate::journal::redact;
use crate::lang::Lang;
use crate::schema::format_timestamp;

/// Failures in 24 h from which `errors_24h` is an error.
pub const ERRORS_24H_ERROR: i64 = 10;
/// A CSV file waiting longer than this in the inbox is a backlog (10 minutes).
pub const INBOX_BACKLOG_SECS: u64 = 600;
/// Settings key written by the database check (proves the database takes writes).
pub const PROBE_KEY: &str = "health_probe";

/// Status of a check and of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Working.
    Ok,
    /// Working, but something needs attention.
    Degraded,
    /// Not working: scores are missing or wrong until it is fixed.
    Error,
}

impl Status {
    /// Lowercase English name: `ok`, `degraded` or `error` (as serialized).
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    /// `database`, `models`, `onnx_runtime`, `schedule`, `last_run`, `errors_24h`,
    /// `freshness`, `inbox` or `sensor_faults`.
    pub name: &'static str,
    /// Outcome of the check.
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HealthReport {
    /// The worst status of the checks.
    pub status: Status,
    /// RFC 3339 (UTC).
    pub checked_at: String,
    /// Version of the CLI or the app that ran the checks.
    pub app_version: String,
    /// Version of the models loaded (or in service), `None` when none are.
    pub model_version: Option<String>,
    /// The nine checks, in the order of the table above.
    pub checks: Vec<Check>,
    /// How long the checks took.
    pub duration_ms: u64,
}

/// What to check.
#[derive(Debug, Clone)]
pub struct HealthConfig {
    /// The SQLite database file.
    pub db: PathBuf,
    /// The models folder (manifest and ONNX files).
    pub models_dir: PathBuf,
    /// The inbox folder watched for CSV exports.
    pub inbox: PathBuf,
    /// Version of the CLI or the app.
    pub app_version: String,
    /// The models a running service holds (`Ok(version)` or why none); `None`: load the models
    /// folder to check it.
    pub models_in_service: Option<Result<String, String>>,
    /// Unix seconds.
    pub now: i64,
    /// Hours without data after which a turbine is stale (default 24).
    pub freshness_hours: f64,
    /// Language of the checks' messages.
    pub lang: Lang,
    /// Open the database read-only and write nothing (`cockpit serve`, beside a running
    /// `cockpit watch` or app): the `database` check then judges writability from the file's
    /// permissions instead of writing a probe.
    pub read_only: bool,
    /// `Some(minutes)`: the caller found the database intact (`PRAGMA quick_check`, which reads
    /// the whole file) less than that many minutes ago, so it is not read again (the endpoint,
    /// scraped every minute).
    pub intact_within_minutes: Option<u64>,
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
            lang: Lang::En,
            read_only: false,
            intact_within_minutes: None,
        }
    }
}

/// Runs every check.
pub fn run(cfg: &HealthConfig) -> HealthReport {
    let t0 = std::time::Instant::now();
    let span = tracing::info_span!("health").entered();
    let mut checks = Vec::with_capacity(9);
    let lang = cfg.lang;
    let store = database::database(cfg, &mut checks);
    let (model_version, models_check, ort_check) = models::models_and_runtime(cfg);
    checks.push(models_check);
    checks.push(ort_check);
    match &store {
        Some(store) => {
            checks.push(guard("schedule", lang, || {
                activity::schedule(store, cfg.now, lang)
            }));
            checks.push(guard("last_run", lang, || activity::last_run(store, lang)));
            checks.push(guard("errors_24h", lang, || {
                activity::errors_24h(store, cfg.now, lang)
            }));
            checks.push(guard("freshness", lang, || {
                activity::freshness(store, cfg.now, cfg.freshness_hours, lang)
            }));
        }
        None => {
            for name in ["schedule", "last_run", "errors_24h", "freshness"] {
                checks.push(check(
                    name,
                    Status::Error,
                    lang.pick(
                        "not checked: the database cannot be read (see the database check)",
                        "non contrôlé : la base de données ne peut pas être lue (voir le contrôle database)",
                    ),
                ));
            }
        }
    }
    checks.push(inbox::inbox(&cfg.inbox, lang));
    checks.push(match &store {
        Some(store) => guard("sensor_faults", lang, || sensors::sensor_faults(store, lang)),
        None => check(
            "sensor_faults",
            Status::Error,
            lang.pick(
                "not checked: the database cannot be read (see the database check)",
                "non contrôlé : la base de données ne peut pas être lue (voir le contrôle database)",
            ),
        ),
    });
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
fn guard(
    name: &'static str,
    lang: Lang,
    f: impl FnOnce() -> Result<Check, super::TelemetryError>,
) -> Check {
    f().unwrap_or_else(|e| {
        check(
            name,
            Status::Error,
            lang.pick(
                format!("cannot be checked: {e}; see the database check"),
                format!("ne peut pas être contrôlé ({e}) ; voir le contrôle database"),
            ),
        )
    })
}

/// Fragments of the health checks' English messages: none may show in a French screen.
pub fn english_fragments() -> Vec<&'static str> {
    let mut all = vec!["not checked:", "cannot be checked:"];
    for part in [
        database::ENGLISH,
        models::ENGLISH,
        activity::ENGLISH,
        inbox::ENGLISH,
        sensors::ENGLISH,
    ] {
        all.extend_from_slice(part);
    }
    all
}
