//! `cockpit quarantine retry`: the rows quarantined because their turbine was not in the registry
//! read again, now that the registry may know them (the same as after every registry ingestion).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::ingest;
use cockpit_core::lang::Lang;
use cockpit_core::mapping::Mapping;

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit quarantine`.
#[derive(Debug, Args)]
pub struct QuarantineArgs {
    #[command(subcommand)]
    pub action: QuarantineAction,
}

/// What to do with the quarantine.
#[derive(Debug, Subcommand)]
pub enum QuarantineAction {
    /// Read the rows quarantined as unknown_turbine again: those whose turbine is now in the
    /// registry are stored and leave the quarantine
    Retry(RetryArgs),
}

/// Arguments of `cockpit quarantine retry`.
#[derive(Debug, Args)]
pub struct RetryArgs {
    /// A column mapping (TOML file) the rows were ingested with, when it is not a built-in one
    #[arg(long, value_name = "M")]
    pub mapping: Option<String>,
    /// Print the counts as one JSON object
    #[arg(long)]
    pub json: bool,
}

/// Runs the quarantine action.
pub fn run(cli: &Cli, args: &QuarantineArgs) -> Result<ExitCode, CliError> {
    match &args.action {
        QuarantineAction::Retry(retry) => run_retry(cli, retry),
    }
}

fn run_retry(cli: &Cli, args: &RetryArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let mappings = match &args.mapping {
        Some(m) => vec![Mapping::load(m)?],
        None => Vec::new(),
    };
    let report = ingest::retry_unknown_turbines(&mut store, &mappings)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", report.summary(Lang::En));
    }
    Ok(ExitCode::SUCCESS)
}
