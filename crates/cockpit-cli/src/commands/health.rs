//! `cockpit health`: the health report (database, models, ONNX Runtime, schedule, last run,
//! errors, data freshness, inbox), with an exit code scripts can test.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cockpit_core::telemetry::{health, monitoring};

use super::common::workspace;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Inbox folder to check for a backlog [default: inbox/ beside the database, as `cockpit watch`]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// A turbine whose latest SCADA record is older than this is stale
    #[arg(long, default_value_t = monitoring::FRESHNESS_THRESHOLD_HOURS, value_name = "HOURS")]
    pub stale_hours: f64,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// Prints the report; exit 0 when ok, 1 when degraded, 2 when in error.
pub fn run(cli: &Cli, args: &HealthArgs) -> Result<ExitCode, CliError> {
    let report = report(cli, args.inbox.as_deref(), args.stale_hours)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        say!(
            "Health: {} (cockpit {}, models {}), checked {} in {} ms",
            report.status.as_str(),
            report.app_version,
            report.model_version.as_deref().unwrap_or("not loaded"),
            report.checked_at,
            report.duration_ms
        );
        for c in &report.checks {
            say!("  {:<9} {:<13} {}", c.status.as_str(), c.name, c.message);
        }
    }
    Ok(ExitCode::from(report.status.exit_code()))
}

/// The health report of the global options' workspace, checking `inbox` (default: the
/// workspace's) for a backlog and calling data older than `stale_hours` stale.
pub fn report(
    cli: &Cli,
    inbox: Option<&Path>,
    stale_hours: f64,
) -> Result<health::HealthReport, CliError> {
    if !(stale_hours.is_finite() && stale_hours > 0.0) {
        return Err(CliError::Usage(format!(
            "--stale-hours must be a positive number of hours, found {stale_hours}"
        )));
    }
    let ws = workspace(cli)?;
    let mut cfg = health::HealthConfig::new(
        &ws.db,
        &ws.models_shown(),
        inbox.unwrap_or(&ws.inbox),
        env!("CARGO_PKG_VERSION"),
    );
    cfg.freshness_hours = stale_hours;
    Ok(health::run(&cfg))
}
