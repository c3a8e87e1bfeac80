//! `cockpit pack export|import|info`: field packs for offline laptops. The office exports the
//! turbines a crew will visit to one sealed file; the lead works in it with `--db PACK` (every
//! workflow command works on a pack) or in the app; the office imports the findings back, as
//! often as it likes (events already present are skipped).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::lang::Lang;
use cockpit_core::pack::{self, info::open_checked, Selection};
use cockpit_core::risk::Category;
use cockpit_core::runs::queries::{FleetFilter, QueryError};
use cockpit_core::workflow::Actor;

use super::common::open_store;
use super::workflow::AuthorArg;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    #[command(subcommand)]
    pub command: PackCommand,
}

/// The pack sub-commands.
#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Write a field pack of turbines (default: every turbine) for an offline laptop
    Export {
        /// The pack file to write (replaced if it exists), e.g. lyon-2026-11-30.cockpitpack
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// These turbines (repeat or separate with commas)
        #[arg(long, value_name = "ID", value_delimiter = ',', conflicts_with_all = ["site", "category", "unacknowledged"])]
        turbines: Vec<String>,
        /// The turbines of this site (in the latest run)
        #[arg(long, value_name = "S")]
        site: Option<String>,
        /// The turbines of these categories in the latest run (e.g. high,critical)
        #[arg(long, value_name = "C", value_delimiter = ',')]
        category: Vec<String>,
        /// Only the turbines with an open alert nobody has acknowledged
        #[arg(long)]
        unacknowledged: bool,
        #[command(flatten)]
        who: AuthorArg,
    },
    /// Merge a pack's actions (acknowledgements, notes, interventions, findings) into this
    /// database; importing the same pack again changes nothing
    Import {
        /// The pack file
        file: PathBuf,
        /// Print the summary as JSON (new_events, already_present, conflicts, logbook_entries, …)
        #[arg(long)]
        json: bool,
    },
    /// Check a pack and say what it holds, without importing it
    Info {
        /// The pack file
        file: PathBuf,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs `cockpit pack …`.
pub fn run(cli: &Cli, args: &PackArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        PackCommand::Export {
            out,
            turbines,
            site,
            category,
            unacknowledged,
            who,
        } => {
            let store = open_store(cli)?;
            let actor = Actor::resolve(&store, who.author.as_deref())?;
            let categories = category
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .map(|c| {
                    Category::parse(c).ok_or_else(|| QueryError::UnknownCategory(c.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let sel = Selection {
                turbines: turbines.clone(),
                filter: FleetFilter {
                    categories,
                    site: site.clone(),
                    unacknowledged: *unacknowledged,
                    ..FleetFilter::default()
                },
            };
            let s = pack::export(&store, &sel, out, &actor)?;
            if who.json {
                say!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                say!(
                    "Field pack of {} turbine(s) written to {} ({:.1} MB): {} SCADA records, {} runs, {} journal events; fleet '{}'.",
                    s.turbines.len(),
                    s.path,
                    s.bytes as f64 / 1e6,
                    s.readings,
                    s.runs,
                    s.events,
                    s.fleet.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PackCommand::Import { file, json } => {
            let mut store = open_store(cli)?;
            let s = pack::import(&mut store, file, Lang::En)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&s)?);
                return Ok(ExitCode::SUCCESS);
            }
            say!("{}", s.summary);
            say!(
                "{} new event(s), {} already here, {} logbook entr{} written.",
                s.new_events,
                s.already_present,
                s.logbook_entries,
                if s.logbook_entries == 1 { "y" } else { "ies" }
            );
            if s.joined_fleet {
                say!(
                    "This database now belongs to fleet '{}' ({}).",
                    s.pack.fleet.name,
                    s.pack.fleet.id
                );
            }
            for c in &s.conflict_details {
                say!("conflict: {c}");
            }
            Ok(ExitCode::SUCCESS)
        }
        PackCommand::Info { file, json } => {
            let (_, info) = open_checked(file, Lang::En)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                say!("{}", info.banner);
                say!(
                    "Pack {} (format {}), fleet {}; checksum verified.",
                    info.id,
                    info.format,
                    info.fleet.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
