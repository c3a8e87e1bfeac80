//! The Prometheus exposition of `cockpit serve` (`GET /metrics`): what a supervisor of many
//! workstations needs to know about each cockpit, in the OpenMetrics text format of the
//! official `prometheus-client` crate.
//!
//! Every scrape is computed afresh from the database (opened read-only by the caller) and the
//! health report of the same moment, so the figures are the ones `cockpit health` and
//! `cockpit diagnostics` show; nothing is kept between scrapes. Counters are counted over the
//! whole journal (they only grow while the database lives), gauges describe the latest run.
//!
//! | metric | type | meaning |
//! |---|---|---|
//! | `cockpit_build_info{version}` | info | the cockpit's version |
//! | `cockpit_model_info{version}` | info | the models in service (absent when none load) |
//! | `cockpit_health_status` | gauge | the health report: 0 ok, 1 degraded, 2 error |
//! | `cockpit_health_check_status{check}` | gauge | each health check, same scale |
//! | `cockpit_run_duration_seconds` | histogram | duration of every scoring run (backfills left out) |
//! | `cockpit_runs_total{status}` | counter | scoring runs, `succeeded` or `failed` |
//! | `cockpit_last_run_timestamp_seconds` | gauge | start of the latest scoring run |
//! | `cockpit_last_run_success` | gauge | 1 when the latest scoring run succeeded, else 0 |
//! | `cockpit_last_successful_run_timestamp_seconds` | gauge | start of the latest successful run |
//! | `cockpit_turbines{category}` | gauge | turbines per category in the latest run |
//! | `cockpit_turbines_not_scored` | gauge | turbines the latest run could not score |
//! | `cockpit_alert_level` | gauge | critical + high of the latest run |
//! | `cockpit_alert_level_unusual` | gauge | 1 when that is outside the normal band of earlier runs |
//! | `cockpit_operations_total{operation}` | counter | operations per type ([`super::metrics::OPERATION_TYPES`]) |
//! | `cockpit_errors_total{operation}` | counter | failed operations per type |
//! | `cockpit_turbines_stale` | gauge | turbines without data for more than the freshness threshold |
//! | `cockpit_turbines_fresh` | gauge | turbines with recent data |
//! | `cockpit_data_latest_timestamp_seconds` | gauge | newest plausible SCADA record of the fleet |
//! | `cockpit_model_inputs{drift}` | gauge | model inputs per drift status (`stable`, `moderate`, `significant`, `unknown`) |
//!
//! See `docs/observability.md` ("Supervising a set of workstations") and `deploy/prometheus/`.

use std::net::SocketAddr;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};
use rusqlite::OptionalExtension;
use serde_json::Value;

use super::health::{HealthReport, Status};
use super::metrics::OPERATION_TYPES;
use super::{monitoring, TelemetryError};
use crate::journal::OperationKind;
use crate::lang::Lang;
use crate::store::Store;

/// Where `cockpit serve` listens unless told otherwise: this machine only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9464";

/// The `Content-Type` of [`render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds (seconds) of the run duration histogram's buckets: a demo park scores in well
/// under a second, 10,000 turbines in minutes.
pub const RUN_DURATION_BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

type Labels = Vec<(&'static str, String)>;

/// What [`render`] reads from the database, kept apart so that it can be checked by itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// Durations (ms) of every scoring run but the backfills.
    pub run_durations_ms: Vec<i64>,
    /// Scoring runs (backfills left out) that succeeded and failed.
    pub runs_succeeded: i64,
    /// See `runs_succeeded`.
    pub runs_failed: i64,
    /// Start of the latest scoring run and whether it succeeded.
    pub last_run: Option<(i64, bool)>,
    /// Start of the latest successful scoring run.
    pub last_success: Option<i64>,
    /// The latest run's counts per category (critical, high, moderate, low) and not scored.
    pub latest: Option<([i64; 4], i64)>,
    /// critical + high of the latest run against its normal band.
    pub alert_level: Option<(i64, bool)>,
    /// Per operation type: (operations, failures), in [`OPERATION_TYPES`] order.
    pub operations: Vec<(&'static str, i64, i64)>,
    /// Stale and fresh turbines.
    pub stale: i64,
    /// See `stale`.
    pub fresh: i64,
    /// Newest plausible SCADA record.
    pub data_latest: Option<i64>,
    /// Model inputs per drift status.
    pub drift: [(&'static str, i64); 4],
}

/// Model inputs per drift status (`stable`, `moderate`, `significant`, `unknown`), against the
/// `reference_stats` of `manifest` (the model manifest as read). It reads the features of the
/// last 30 days of runs: it only changes with a new run ([`latest_run_id`]) or other models.
pub fn drift_counts(
    store: &Store,
    manifest: Option<&Value>,
) -> Result<[(&'static str, i64); 4], TelemetryError> {
    let null = Value::Null;
    let mut drift = [
        ("stable", 0),
        ("moderate", 0),
        ("significant", 0),
        ("unknown", 0),
    ];
    for d in monitoring::drift(store, manifest.unwrap_or(&null))? {
        if let Some(slot) = drift.iter_mut().find(|(s, _)| *s == d.status) {
            slot.1 += 1;
        }
    }
    Ok(drift)
}

/// The newest run's id (any kind, any outcome), `None` before the first run.
pub fn latest_run_id(store: &Store) -> Result<Option<i64>, TelemetryError> {
    Ok(store
        .conn()
        .query_row("SELECT max(id) FROM runs", [], |r| r.get(0))?)
}

/// Reads the figures of a scrape at `now`; `freshness_hours`: the stale threshold; `drift`:
/// [`drift_counts`] (computed here when `None`, from `manifest`).
pub fn snapshot(
    store: &Store,
    manifest: Option<&Value>,
    drift: Option<[(&'static str, i64); 4]>,
    now: i64,
    freshness_hours: f64,
) -> Result<Snapshot, TelemetryError> {
    let conn = store.conn();
    let run_durations_ms: Vec<i64> = conn
        .prepare_cached("SELECT duration_ms FROM runs WHERE trigger <> 'backfill'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let (runs_succeeded, runs_failed): (i64, i64) = conn.query_row(
        "SELECT coalesce(sum(status = 'succeeded'), 0), coalesce(sum(status = 'failed'), 0)
         FROM runs WHERE trigger <> 'backfill'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let last_run = conn
        .query_row(
            "SELECT started_at, status = 'succeeded' FROM runs WHERE trigger <> 'backfill'
             ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let last_success = conn.query_row(
        "SELECT max(started_at) FROM runs WHERE trigger <> 'backfill' AND status = 'succeeded'",
        [],
        |r| r.get(0),
    )?;
    let points = monitoring::categories(store, monitoring::CATEGORY_RUNS)?;
    let latest = match points.last() {
        Some(p) => {
            let not_scored: i64 =
                conn.query_row("SELECT not_scored FROM runs WHERE id = ?1", [p.run], |r| {
                    r.get(0)
                })?;
            Some(([p.critical, p.high, p.moderate, p.low], not_scored))
        }
        None => None,
    };
    let level = monitoring::alert_level(&points, Lang::En);
    let alert_level = level.latest.map(|l| (l, level.unusual));
    let mut operations = Vec::with_capacity(OPERATION_TYPES.len());
    operations.push(("fleet_run", runs_succeeded + runs_failed, runs_failed));
    for kind in [
        OperationKind::TurbineRequest,
        OperationKind::Ingestion,
        OperationKind::UiCommand,
    ] {
        let (n, failed): (i64, i64) = conn.query_row(
            "SELECT count(*), coalesce(sum(ok = 0), 0) FROM operations WHERE kind = ?1",
            [kind.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        operations.push((kind.as_str(), n, failed));
    }
    let fresh = monitoring::freshness(store, now, freshness_hours)?;
    let data_latest = store
        .reading_span_within(
            crate::schema::EARLIEST_PLAUSIBLE_TIME,
            now + crate::schema::FUTURE_TOLERANCE_SECS,
        )?
        .map(|(_, hi)| hi);
    let drift = match drift {
        Some(d) => d,
        None => drift_counts(store, manifest)?,
    };
    Ok(Snapshot {
        run_durations_ms,
        runs_succeeded,
        runs_failed,
        last_run,
        last_success,
        latest,
        alert_level,
        operations,
        stale: fresh.stale.len() as i64,
        fresh: fresh.fresh,
        data_latest,
        drift,
    })
}

fn status_value(s: Status) -> i64 {
    i64::from(s.exit_code())
}

fn gauge(registry: &mut Registry, name: &str, help: &str, value: i64) {
    let g = Gauge::<i64>::default();
    g.set(value);
    registry.register(name, help, g);
}

fn labelled_gauges(
    registry: &mut Registry,
    name: &str,
    help: &str,
    values: impl IntoIterator<Item = (Labels, i64)>,
) {
    let family = Family::<Labels, Gauge<i64>>::default();
    for (labels, v) in values {
        family.get_or_create(&labels).set(v);
    }
    registry.register(name, help, family);
}

fn labelled_counters(
    registry: &mut Registry,
    name: &str,
    help: &str,
    values: impl IntoIterator<Item = (Labels, i64)>,
) {
    let family = Family::<Labels, Counter<u64>>::default();
    for (labels, v) in values {
        family
            .get_or_create(&labels)
            .inc_by(u64::try_from(v).unwrap_or(0));
    }
    registry.register(name, help, family);
}

/// The OpenMetrics text of a scrape: the health report's figures, and the database's when
/// `snapshot` could be read (`None`: the database cannot be opened; the health gauges say so).
pub fn render(report: &HealthReport, snapshot: Option<&Snapshot>) -> String {
    let mut r = Registry::with_prefix("cockpit");
    r.register(
        "build",
        "The cockpit's version",
        Info::new(vec![("version", report.app_version.clone())]),
    );
    if let Some(v) = &report.model_version {
        r.register(
            "model",
            "The models in service",
            Info::new(vec![("version", v.clone())]),
        );
    }
    gauge(
        &mut r,
        "health_status",
        "Health report status: 0 ok, 1 degraded, 2 error",
        status_value(report.status),
    );
    labelled_gauges(
        &mut r,
        "health_check_status",
        "Status of each health check: 0 ok, 1 degraded, 2 error",
        report
            .checks
            .iter()
            .map(|c| (vec![("check", c.name.to_string())], status_value(c.status))),
    );
    if let Some(s) = snapshot {
        render_snapshot(&mut r, s);
    }
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut text, &r);
    text
}

fn render_snapshot(r: &mut Registry, s: &Snapshot) {
    let hist = Histogram::new(RUN_DURATION_BUCKETS);
    for ms in &s.run_durations_ms {
        hist.observe(*ms as f64 / 1000.0);
    }
    r.register_with_unit(
        "run_duration",
        "Duration of the scoring runs (backfills left out)",
        Unit::Seconds,
        hist,
    );
    labelled_counters(
        r,
        "runs",
        "Scoring runs (backfills left out) by outcome",
        [
            (vec![("status", "succeeded".to_string())], s.runs_succeeded),
            (vec![("status", "failed".to_string())], s.runs_failed),
        ],
    );
    if let Some((at, ok)) = s.last_run {
        gauge(
            r,
            "last_run_timestamp_seconds",
            "Start of the latest scoring run (Unix seconds)",
            at,
        );
        gauge(
            r,
            "last_run_success",
            "1 when the latest scoring run succeeded, 0 when it failed",
            i64::from(ok),
        );
    }
    if let Some(at) = s.last_success {
        gauge(
            r,
            "last_successful_run_timestamp_seconds",
            "Start of the latest successful scoring run (Unix seconds)",
            at,
        );
    }
    if let Some((counts, not_scored)) = s.latest {
        labelled_gauges(
            r,
            "turbines",
            "Turbines per risk category in the latest run",
            ["critical", "high", "moderate", "low"]
                .into_iter()
                .zip(counts)
                .map(|(c, n)| (vec![("category", c.to_string())], n)),
        );
        gauge(
            r,
            "turbines_not_scored",
            "Turbines the latest run could not score",
            not_scored,
        );
    }
    if let Some((level, unusual)) = s.alert_level {
        gauge(
            r,
            "alert_level",
            "Critical + high turbines in the latest run",
            level,
        );
        gauge(
            r,
            "alert_level_unusual",
            "1 when critical + high is outside the normal band of the earlier runs",
            i64::from(unusual),
        );
    }
    labelled_counters(
        r,
        "operations",
        "Operations per type (fleet_run, turbine_request, ingestion, ui_command)",
        s.operations
            .iter()
            .map(|(op, n, _)| (vec![("operation", op.to_string())], *n)),
    );
    labelled_counters(
        r,
        "errors",
        "Failed operations per type",
        s.operations
            .iter()
            .map(|(op, _, failed)| (vec![("operation", op.to_string())], *failed)),
    );
    gauge(
        r,
        "turbines_stale",
        "Turbines whose latest SCADA record is older than the freshness threshold",
        s.stale,
    );
    gauge(
        r,
        "turbines_fresh",
        "Turbines with a SCADA record within the freshness threshold",
        s.fresh,
    );
    if let Some(at) = s.data_latest {
        gauge(
            r,
            "data_latest_timestamp_seconds",
            "Newest SCADA record of the fleet (Unix seconds)",
            at,
        );
    }
    labelled_gauges(
        r,
        "model_inputs",
        "Model inputs per drift status (PSI against the training data)",
        s.drift
            .iter()
            .map(|(status, n)| (vec![("drift", status.to_string())], *n)),
    );
}

/// Parses the address to listen on (`IP:PORT`, e.g. `127.0.0.1:9464` or `[::1]:9464`).
pub fn parse_listen(text: &str) -> Result<SocketAddr, TelemetryError> {
    text.trim()
        .parse()
        .map_err(|_| TelemetryError::ListenAddress {
            address: text.to_string(),
        })
}

/// The error of binding `address` (the OS's `source`), phrased for the person who chose it.
pub fn bind_error(address: SocketAddr, source: std::io::Error) -> TelemetryError {
    if source.kind() == std::io::ErrorKind::AddrInUse {
        TelemetryError::ListenInUse { address }
    } else {
        TelemetryError::Listen { address, source }
    }
}

/// The warning printed and logged when the endpoint listens beyond this machine; `None` on a
/// loopback address.
pub fn exposure_warning(address: SocketAddr, lang: Lang) -> Option<String> {
    (!address.ip().is_loopback()).then(|| {
        lang.pick(
            format!("{address} is not a loopback address: the health and metrics endpoint is reachable from other machines (read-only, without authentication); allow only the supervision server in the firewall"),
            format!("{address} n'est pas une adresse locale : le point d'accès santé et métriques est joignable depuis d'autres machines (lecture seule, sans authentification) ; n'autorisez que le serveur de supervision dans le pare-feu"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::Trigger;
    use crate::telemetry::health::Check;
    use crate::telemetry::metrics::tests::{failed_run, ok_run};

    fn report(status: Status, model: Option<&str>) -> HealthReport {
        HealthReport {
            status,
            checked_at: String::new(),
            app_version: "9.9.9".into(),
            model_version: model.map(str::to_string),
            checks: vec![
                Check {
                    name: "database",
                    status: Status::Ok,
                    message: String::new(),
                },
                Check {
                    name: "onnx_runtime",
                    status,
                    message: String::new(),
                },
            ],
            duration_ms: 1,
        }
    }

    /// The value of the sample line `series` (name with its labels, as written).
    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .map(|v| v.parse().unwrap())
    }

    #[test]
    fn a_scrape_tells_runs_categories_errors_and_the_model() {
        let store = Store::open_in_memory().unwrap();
        let now = 1_780_000_000;
        ok_run(&store, "cli", now - 7200, None, 400);
        ok_run(&store, "timer", now - 3600, Some(now - 3600), 3_000);
        ok_run(&store, "backfill", now - 3000, None, 99_000);
        failed_run(&store, Trigger::Timer, now - 60, Some(now - 120));
        store
            .conn()
            .execute(
                "UPDATE runs SET critical = 2, high = 1, moderate = 4, low = 13, not_scored = 3
                 WHERE started_at = ?1",
                [now - 3600],
            )
            .unwrap();
        let snap = snapshot(&store, None, None, now, 24.0).unwrap();
        assert_eq!(snap.run_durations_ms.len(), 3, "backfill left out");
        assert_eq!((snap.runs_succeeded, snap.runs_failed), (2, 1));
        assert_eq!(snap.last_run, Some((now - 60, false)));
        assert_eq!(snap.last_success, Some(now - 3600));
        let text = render(&report(Status::Degraded, Some("gbm-7")), Some(&snap));
        let v = |s| value(&text, s);
        assert_eq!(v("cockpit_build_info{version=\"9.9.9\"}"), Some(1.0));
        assert_eq!(v("cockpit_model_info{version=\"gbm-7\"}"), Some(1.0));
        assert_eq!(v("cockpit_health_status"), Some(1.0));
        assert_eq!(
            v("cockpit_health_check_status{check=\"onnx_runtime\"}"),
            Some(1.0)
        );
        assert_eq!(v("cockpit_run_duration_seconds_count"), Some(3.0));
        let sum = v("cockpit_run_duration_seconds_sum").unwrap();
        assert!(
            (3.4..3.5).contains(&sum),
            "0.4 s + 3 s + the failed run's ms: {sum}"
        );
        assert_eq!(
            v("cockpit_run_duration_seconds_bucket{le=\"0.5\"}"),
            Some(2.0),
            "0.4 s and the failed run's few ms\n{text}"
        );
        assert_eq!(v("cockpit_runs_total{status=\"failed\"}"), Some(1.0));
        assert_eq!(v("cockpit_last_run_success"), Some(0.0));
        assert_eq!(
            v("cockpit_last_successful_run_timestamp_seconds"),
            Some((now - 3600) as f64)
        );
        // The latest run by data watermark is the backfill (as_of = its start), which wrote no
        // counts; the counted run is the one before it.
        assert!(
            v("cockpit_turbines{category=\"critical\"}").is_some(),
            "{text}"
        );
        assert_eq!(
            v("cockpit_errors_total{operation=\"fleet_run\"}"),
            Some(1.0)
        );
        assert_eq!(
            v("cockpit_operations_total{operation=\"ingestion\"}"),
            Some(0.0)
        );
        assert_eq!(v("cockpit_model_inputs{drift=\"unknown\"}"), Some(82.0));
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn the_latest_run_gives_the_categories_and_not_scored() {
        let store = Store::open_in_memory().unwrap();
        let now = 1_780_000_000;
        ok_run(&store, "timer", now - 3600, Some(now - 3600), 3_000);
        store
            .conn()
            .execute(
                "UPDATE runs SET critical = 2, high = 1, moderate = 4, low = 13, not_scored = 3",
                [],
            )
            .unwrap();
        let text = render(
            &report(Status::Ok, None),
            Some(&snapshot(&store, None, None, now, 24.0).unwrap()),
        );
        let v = |s| value(&text, s);
        assert_eq!(v("cockpit_turbines{category=\"critical\"}"), Some(2.0));
        assert_eq!(v("cockpit_turbines{category=\"low\"}"), Some(13.0));
        assert_eq!(v("cockpit_turbines_not_scored"), Some(3.0));
        assert_eq!(v("cockpit_alert_level"), Some(3.0));
        assert_eq!(v("cockpit_alert_level_unusual"), Some(0.0));
        assert!(!text.contains("cockpit_model_info"), "no models: {text}");
    }

    #[test]
    fn without_a_database_only_the_health_is_told() {
        let text = render(&report(Status::Error, None), None);
        assert_eq!(value(&text, "cockpit_health_status"), Some(2.0));
        assert!(!text.contains("cockpit_runs_total"), "{text}");
    }

    #[test]
    fn listen_addresses_are_checked_and_exposure_is_warned() {
        let a = parse_listen("127.0.0.1:9464").unwrap();
        assert!(exposure_warning(a, Lang::En).is_none());
        assert!(exposure_warning(parse_listen("[::1]:1").unwrap(), Lang::En).is_none());
        let open = parse_listen("0.0.0.0:9464").unwrap();
        let w = exposure_warning(open, Lang::Fr).unwrap();
        assert!(w.contains("0.0.0.0:9464") && w.contains("pare-feu"), "{w}");
        let e = parse_listen("localhost").unwrap_err().to_string();
        assert!(
            e.contains("'localhost'") && e.contains("127.0.0.1:9464"),
            "{e}"
        );
        let in_use = bind_error(a, std::io::ErrorKind::AddrInUse.into()).to_string();
        assert!(
            in_use.contains("127.0.0.1:9464") && in_use.contains("--listen"),
            "{in_use}"
        );
    }
}
