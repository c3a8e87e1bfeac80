//! `cockpit runs`: the run journal, newest first.

use std::process::ExitCode;

use clap::Args;
use cockpit_core::runs::queries;

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// At most N runs
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Prints the journal as a table.
pub fn run(cli: &Cli, args: &RunsArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let runs = queries::journal(&store, args.limit)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{:>5} {:<9} {:<21} {:<10} {:>8} {:<21} {:>4} {:>4} {:>4} {:>4} {:>4}  model / error",
        "run",
        "trigger",
        "started",
        "status",
        "ms",
        "data as of",
        "crit",
        "high",
        "mod",
        "low",
        "n/s"
    );
    for r in &runs {
        let c = r.counts;
        say!(
            "{:>5} {:<9} {:<21} {:<10} {:>8} {:<21} {:>4} {:>4} {:>4} {:>4} {:>4}  {}",
            r.id,
            r.trigger,
            r.started_at,
            r.status,
            r.duration_ms,
            r.as_of.as_deref().unwrap_or("-"),
            c.critical,
            c.high,
            c.moderate,
            c.low,
            c.not_scored,
            r.error
                .as_deref()
                .or(r.model_version.as_deref())
                .unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}
