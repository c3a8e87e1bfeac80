//! `cockpit sheet`: the field document of the named turbines — a cover list ranked by risk and
//! one printable A4 sheet per turbine — as one self-contained HTML file (the app's "Field
//! document" writes the same text), or its data as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cockpit_core::charts;
use cockpit_core::clock;
use cockpit_core::lang::Lang;

use super::common::{load_policy, open_store};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit sheet`.
#[derive(Debug, Args)]
pub struct SheetArgs {
    /// Turbine ids, e.g. LYO-07 LYO-12 (each once; ranked by risk in the document)
    #[arg(required = true)]
    pub turbines: Vec<String>,
    /// Write the HTML document to this file (default: standard output)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the document: fr or en
    #[arg(long, default_value = "en", value_parser = ["fr", "en"])]
    pub lang: String,
    /// Print the document's data (identity, measurements, drivers, markers, chart) as JSON
    #[arg(long)]
    pub json: bool,
}

/// Writes or prints the field document.
pub fn run(cli: &Cli, args: &SheetArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let policy = load_policy(cli)?;
    let mut ids: Vec<String> = Vec::new();
    for id in &args.turbines {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let doc = charts::field_document(&store, &ids, &policy, Lang::parse(&args.lang), clock::now())?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    match &args.out {
        Some(path) => {
            doc.write(path)?;
            say!(
                "Field document of {} turbine(s) written to {}",
                doc.sheets.len(),
                path.display()
            );
        }
        None => say!("{}", doc.html()),
    }
    Ok(ExitCode::SUCCESS)
}
