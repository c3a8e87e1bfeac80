//! `cockpit hub init`: the shared fleet store on PostgreSQL (see docs/shared-store.md). The
//! address is a libpq URL or key=value string; the password comes from it, `PGPASSWORD` or
//! `~/.pgpass`, and is never printed.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::hub::{schema, HubTarget};

use super::CliError;
use crate::Cli;

/// Arguments of `cockpit hub`.
#[derive(Debug, Args)]
pub struct HubArgs {
    #[command(subcommand)]
    pub command: HubCommand,
}

/// The hub sub-commands.
#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Create the hub's schema in a PostgreSQL database, or bring it to this cockpit's version
    /// (run as the database's owner; running it again changes nothing)
    Init {
        /// The hub database, e.g. postgresql://owner@hub.example.org:5432/cockpit?sslmode=require
        #[arg(long, value_name = "URL", env = "COCKPIT_HUB")]
        server: String,
        /// Print the outcome as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs `cockpit hub …`.
pub fn run(_cli: &Cli, args: &HubArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        HubCommand::Init { server, json } => {
            let target = HubTarget::parse(server)?;
            let report = schema::init(&target)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            } else if report.from == report.to {
                println!(
                    "The hub {} is up to date (schema version {}).",
                    report.server, report.to
                );
            } else {
                println!(
                    "The hub {} is ready: schema version {} (was {}).",
                    report.server, report.to, report.from
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
