//! `cockpit diagnostics`: technical metrics, availability of the daily run, alert level, input
//! drift and data freshness; or a diagnostics bundle (.tar.gz) for support; or every quarantined
//! line as CSV (`--quarantine-csv`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cockpit_core::clock::now;
use cockpit_core::lang::Lang;
use cockpit_core::model::Manifest;
use cockpit_core::store::Store;
use cockpit_core::telemetry::{self, metrics, monitoring, Diagnostics};

use super::common::workspace;
use super::{health, CliError};
use crate::Cli;

/// Arguments of `cockpit diagnostics`.
#[derive(Debug, Args)]
pub struct DiagnosticsArgs {
    /// Write a diagnostics bundle (.tar.gz: health, metrics, journals, logs) into this folder
    /// instead of printing the diagnostics
    #[arg(long, value_name = "DIR")]
    pub bundle: Option<PathBuf>,
    /// Write every quarantined input line (file, line, reason, message, raw text) to this CSV
    /// file instead of printing the diagnostics
    #[arg(long, value_name = "PATH", conflicts_with = "bundle")]
    pub quarantine_csv: Option<PathBuf>,
    /// Inbox folder checked by the bundle's health report [default: inbox/ beside the database]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Prints the diagnostics, or writes the bundle and prints its path.
pub fn run(cli: &Cli, args: &DiagnosticsArgs) -> Result<ExitCode, CliError> {
    let ws = workspace(cli)?;
    if let Some(path) = &args.quarantine_csv {
        let store = ws.open_store()?;
        let lines = cockpit_core::ingest::export_quarantine_csv(&store, path)?;
        if args.json {
            say!("{}", serde_json::json!({ "path": path, "lines": lines }));
        } else {
            say!(
                "{lines} quarantined line{} written to {}",
                if lines == 1 { "" } else { "s" },
                path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let manifest = Manifest::read(&ws.models_shown()).ok();
    let now = now();
    if let Some(out) = &args.bundle {
        let report = health::report(
            cli,
            args.inbox.as_deref(),
            monitoring::FRESHNESS_THRESHOLD_HOURS,
        )?;
        // The bundle is most needed when the database is in trouble: export what can be read.
        let store = if ws.db.is_file() {
            Store::open(&ws.db).ok()
        } else {
            None
        };
        let diagnostics = match &store {
            Some(s) => telemetry::diagnostics(
                s,
                manifest.as_ref().map(|m| &m.raw),
                &ws.logs,
                now,
                Lang::En,
            )
            .map_err(|e| e.to_string()),
            None => Err("the database cannot be opened (see health.json)".to_string()),
        };
        let path = telemetry::bundle::export(
            out,
            &telemetry::bundle::BundleInput {
                health: &report,
                diagnostics: diagnostics.as_ref().map_err(Clone::clone),
                store: store.as_ref(),
                log_dir: &ws.logs,
                now,
            },
        )?;
        if args.json {
            say!("{}", serde_json::json!({ "path": path }));
        } else {
            say!("Diagnostics bundle written to {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = ws.open_store()?;
    let d = telemetry::diagnostics(
        &store,
        manifest.as_ref().map(|m| &m.raw),
        &ws.logs,
        now,
        Lang::En,
    )?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        print_diagnostics(&d);
    }
    Ok(ExitCode::SUCCESS)
}

fn fmt_ms(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.0}")).unwrap_or_else(|| "-".into())
}

fn print_diagnostics(d: &Diagnostics) {
    say!(
        "Operations over the last {} days:",
        metrics::METRICS_WINDOW_DAYS
    );
    say!(
        "  {:<16} {:>6} {:>6} {:>6} {:>9} {:>9}",
        "operation",
        "count",
        "ok",
        "failed",
        "mean ms",
        "p95 ms"
    );
    for m in &d.metrics {
        say!(
            "  {:<16} {:>6} {:>6} {:>6} {:>9} {:>9}",
            m.operation,
            m.count,
            m.succeeded,
            m.failed,
            fmt_ms(m.mean_ms),
            fmt_ms(m.p95_ms)
        );
    }
    let errors: Vec<String> = d
        .errors_by_day
        .iter()
        .filter(|e| e.errors > 0)
        .map(|e| format!("{} {}", e.day, e.errors))
        .collect();
    say!(
        "Errors per day (last {} days): {}",
        metrics::ERROR_DAYS,
        if errors.is_empty() {
            "none".to_string()
        } else {
            errors.join(", ")
        }
    );
    let a = &d.availability;
    say!(
        "Availability of the daily run: {} of {} slots on time and succeeded ({})",
        a.on_time_ok,
        a.scheduled,
        a.ratio
            .map(|r| format!("{:.0} %", r * 100.0))
            .unwrap_or_else(|| "no slot yet".into())
    );
    say!(
        "Alert level: {}{}",
        if d.alert_level.unusual {
            "UNUSUAL — "
        } else {
            ""
        },
        d.alert_level.message
    );
    let drifted: Vec<String> = d
        .drift
        .iter()
        .filter(|f| f.status == "significant" || f.status == "moderate")
        .map(|f| format!("{} {:.2} ({})", f.feature, f.psi.unwrap_or(0.0), f.status))
        .collect();
    let unknown = d.drift.iter().filter(|f| f.status == "unknown").count();
    say!(
        "Input drift (PSI vs training): {} features stable, {} drifting{}{}",
        d.drift.iter().filter(|f| f.status == "stable").count(),
        drifted.len(),
        if unknown > 0 {
            format!(", {unknown} unknown (too few values or no reference)")
        } else {
            String::new()
        },
        if drifted.is_empty() {
            String::new()
        } else {
            format!(": {}", drifted.join(", "))
        }
    );
    let f = &d.freshness;
    say!(
        "Data freshness: {} turbines fresh, {} stale (no data for more than {:.0} h){}",
        f.fresh,
        f.stale.len(),
        f.threshold_hours,
        if f.stale.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                f.stale
                    .iter()
                    .take(10)
                    .map(|s| s.turbine_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    say!("Logs: {}", d.log_dir);
}
