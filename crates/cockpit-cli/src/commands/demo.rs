//! `cockpit demo`: EnergiTech's Lyon demo park simulated, ingested, backfilled and scored, as
//! the desktop app does on first launch (both call [`Workspace::prepare_demo`]).
//!
//! [`Workspace::prepare_demo`]: cockpit_core::workspace::Workspace::prepare_demo

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cockpit_core::demo;
use cockpit_core::runs::Trigger;
use cockpit_core::workspace::DemoMode;

use super::common::{load_policy, print_run, workspace};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the simulated CSV files [default: demo/ beside the database]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// Builds the demo park in the database and prints what was done.
pub fn run(cli: &Cli, args: &DemoArgs) -> Result<ExitCode, CliError> {
    let mut ws = workspace(cli)?;
    if let Some(out) = &args.out {
        ws = ws.with_demo_dir(out);
    }
    let mut store = ws.open_store()?;
    let policy = load_policy(cli)?;
    let t0 = std::time::Instant::now();
    let prepared = ws.prepare_demo(&mut store, &policy, DemoMode::Always, Trigger::Cli, |_| {})?;
    let (Some(report), Some(run)) = (&prepared.demo, &prepared.run) else {
        return Err(CliError::Usage(
            "the demo park was not built: nothing was simulated or scored".into(),
        ));
    };
    let backfilled = prepared.backfilled_runs;
    if args.json {
        let value =
            serde_json::json!({ "demo": report, "backfilled_runs": backfilled, "run": run });
        say!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    let counts = store.counts()?;
    say!(
        "Demo park '{}': {} turbines × {} days ({} to {}), simulated, ingested and scored in {:.1} s",
        report.park.name,
        report.park.turbines,
        report.park.days,
        report.start,
        report.end,
        t0.elapsed().as_secs_f64()
    );
    say!(
        "  {} SCADA rows, {} failures in the logbook; this run accepted {} rows, {} already stored",
        report.simulation.scada_rows,
        report.simulation.failures,
        report.ingestion.accepted,
        report.ingestion.duplicates
    );
    say!(
        "  database {}: {} turbines, {} readings, {} logbook entries, {} quarantined rows",
        store.path().display(),
        counts.turbines,
        counts.readings,
        counts.logbook,
        counts.quarantine
    );
    say!(
        "  {backfilled} daily runs backfilled over the last {} days",
        demo::BACKFILL_DAYS
    );
    print_run(run);
    say!("  CSV files in {}", ws.demo.display());
    say!("Next: cockpit fleet | cockpit turbine <ID> | cockpit runs | cockpit backtest");
    Ok(ExitCode::SUCCESS)
}
