//! Observability: what the cockpit tells about itself, so that a maintenance engineer can see
//! whether it works and why not, without a debugger and without a network.
//!
//! This module owns:
//!
//! | submodule | owns |
//! |---|---|
//! | [`logging`] | the `tracing` subscribers: JSON-lines files rolled daily in the log folder (14 files kept, 10 MiB a day at most) and the readable console of the CLI; reading recent log lines back |
//! | [`metrics`] | the operations journal (`operations` table) and the technical metrics: count, successes, failures, mean and p95 duration per operation type, errors per day, availability of the daily run |
//! | [`monitoring`] | functional monitoring: category counts per run, the "unusual alert level" band, input drift (PSI against the model manifest's reference statistics), data freshness per turbine |
//! | [`health`] | the health report (`cockpit health`, the app's `health` command): database, models, ONNX Runtime, schedule, last run, errors, freshness, inbox |
//! | [`chart`] | the run durations chart (SVG) |
//! | [`bundle`] | the diagnostics bundle: logs, journals and health in one `.tar.gz` |
//! | [`exposition`] | the Prometheus metrics of `cockpit serve` (`GET /metrics`), its listen address and its errors |
//!
//! The instrumentation itself (spans and events) sits in the modules it describes (`runs`,
//! `ingest`, `model`, `service`, `triggers`); this module only sets up where it goes and reads
//! back what was recorded. No personal data is logged: paths under the user's home folder are
//! written `~/…` ([`crate::journal::redact`]), and nothing but equipment ids and technical facts is recorded.
//! See `docs/observability.md`.

pub mod bundle;
pub mod chart;
pub mod exposition;
pub mod health;
pub mod logging;
pub mod metrics;
pub mod monitoring;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::lang::Lang;
use crate::store::{Store, StoreError};

/// Errors of the telemetry module.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The log folder could not be created.
    #[error(
        "cannot create the log folder {path}: {source}; check that the data folder is writable"
    )]
    LogDir {
        /// The log folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The daily-rolled log file writer could not be started.
    #[error("cannot start the log file writer in {path}: {message}")]
    LogFile {
        /// The log folder.
        path: PathBuf,
        /// What the file appender reported.
        message: String,
    },
    /// A global `tracing` subscriber is already installed in this process.
    #[error("logging is already set up in this process")]
    AlreadyInitialised,
    /// The log filter from the environment (`COCKPIT_LOG` or `RUST_LOG`) does not parse.
    #[error("invalid log filter '{filter}': {message} (e.g. COCKPIT_LOG=info or RUST_LOG=cockpit_core=debug)")]
    Filter {
        /// The filter text as given.
        filter: String,
        /// Why it does not parse.
        message: String,
    },
    /// The log folder, or one of its files, could not be read.
    #[error("cannot read the log folder {path}: {source}")]
    ReadLogs {
        /// The folder or log file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The diagnostics bundle could not be written.
    #[error("cannot write the diagnostics bundle {path}: {source}; check that the folder exists and is writable")]
    Bundle {
        /// The bundle file (`.tar.gz`).
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The diagnostics could not be serialised to JSON.
    #[error("cannot encode the diagnostics as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The run durations chart could not be rendered; holds the renderer's message.
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    /// The address given to `cockpit serve --listen` (or `watch --serve`) does not parse.
    #[error("'{address}' is not an address to listen on: give IP:PORT, e.g. --listen 127.0.0.1:9464 (this machine only) or --listen 0.0.0.0:9464 (every network of this machine)")]
    ListenAddress {
        /// The address as given.
        address: String,
    },
    /// Another program already listens on the endpoint's address.
    #[error("{address} is already in use by another program (another `cockpit serve` or `cockpit watch --serve`?): stop it, or choose another port with --listen")]
    ListenInUse {
        /// The address asked for.
        address: std::net::SocketAddr,
    },
    /// The endpoint's address cannot be listened on (not an address of this machine, a port
    /// reserved to the administrator, …).
    #[error("cannot listen on {address}: {source}; use an address of this machine (e.g. --listen 127.0.0.1:9464) and a port above 1023")]
    Listen {
        /// The address asked for.
        address: std::net::SocketAddr,
        /// What the OS reported.
        source: std::io::Error,
    },
    /// The database could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A query over the runs failed.
    #[error(transparent)]
    Query(#[from] crate::runs::queries::QueryError),
    /// Reading the operations or runs journal failed.
    #[error("database error while reading the journals: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Everything the diagnostics tab and `cockpit diagnostics` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnostics {
    /// Per operation type, over the last [`metrics::METRICS_WINDOW_DAYS`] days.
    pub metrics: Vec<metrics::OperationMetrics>,
    /// Failures per UTC day, the last [`metrics::ERROR_DAYS`] days, oldest first.
    pub errors_by_day: Vec<metrics::DayErrors>,
    /// Share of the daily timer runs, over the metrics window, that ran on time and succeeded.
    pub availability: metrics::Availability,
    /// Whether the latest run's critical + high count is unusual against the recent runs.
    pub alert_level: monitoring::AlertLevel,
    /// Recent runs' counts per category, oldest first.
    pub categories: Vec<monitoring::CategoryPoint>,
    /// Drift per model input, most drifted first.
    pub drift: Vec<monitoring::FeatureDrift>,
    /// Turbines whose latest record is older than [`monitoring::FRESHNESS_THRESHOLD_HOURS`].
    pub freshness: monitoring::Freshness,
    /// The log folder, as a displayable path.
    pub log_dir: String,
}

/// Computes the diagnostics at `now`. `manifest` is the model manifest as read
/// (`Manifest::raw`); without it every feature's drift is `unknown`. `lang`: the language of
/// the alert level's message.
pub fn diagnostics(
    store: &Store,
    manifest: Option<&serde_json::Value>,
    log_dir: &Path,
    now: i64,
    lang: Lang,
) -> Result<Diagnostics, TelemetryError> {
    const DAY: i64 = 86_400;
    let since = now - metrics::METRICS_WINDOW_DAYS * DAY;
    let schedule = crate::service::schedule(store)?;
    let categories = monitoring::categories(store, monitoring::CATEGORY_RUNS)?;
    let alert_level = monitoring::alert_level(&categories, lang);
    let null = serde_json::Value::Null;
    Ok(Diagnostics {
        metrics: metrics::operation_metrics(store, since)?,
        errors_by_day: metrics::errors_by_day(store, now, metrics::ERROR_DAYS)?,
        availability: metrics::availability(store, &schedule, now, since)?,
        alert_level,
        categories,
        drift: monitoring::drift(store, manifest.unwrap_or(&null))?,
        freshness: monitoring::freshness(store, now, monitoring::FRESHNESS_THRESHOLD_HOURS)?,
        log_dir: log_dir.display().to_string(),
    })
}
