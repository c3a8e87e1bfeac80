//! `cockpit features`: the training table (features of every turbine at regular snapshots,
//! with labels) exported as CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cockpit_core::features::{self, ExportOptions};

use super::common::{open_store, parse_opt_time};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit features`.
#[derive(Debug, Args)]
pub struct FeaturesArgs {
    /// Output CSV file
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Time between snapshots (e.g. 1d, 12h)
    #[arg(long, default_value = "1d", value_name = "INTERVAL")]
    pub every: String,
    /// First snapshot, YYYY-MM-DD[THH:MM] [default: 7 days after the first record]
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Last snapshot [default: the latest record]
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// Writes the training table and prints its summary.
pub fn run(cli: &Cli, args: &FeaturesArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let opts = ExportOptions {
        every: features::parse_interval(&args.every)?,
        from: parse_opt_time("--from", args.from.as_deref())?,
        to: parse_opt_time("--to", args.to.as_deref())?,
    };
    let file = std::fs::File::create(&args.out).map_err(|source| CliError::Create {
        path: args.out.clone(),
        source,
    })?;
    let t0 = std::time::Instant::now();
    let summary = features::export_training_table(&store, std::io::BufWriter::new(file), &opts)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        say!(
            "Wrote {} rows ({} turbines × {} snapshots from {} to {}, {} features) to {} in {:.1} s",
            summary.rows,
            summary.turbines,
            summary.snapshots,
            summary.first_snapshot,
            summary.last_snapshot,
            summary.features,
            args.out.display(),
            t0.elapsed().as_secs_f64()
        );
        say!(
            "  {} rows fail within 7 days, {} rows with an unknown 7-day label (data ends), {} snapshots skipped during repairs",
            summary.positives_7d, summary.unknown_7d, summary.excluded_in_repair
        );
    }
    Ok(ExitCode::SUCCESS)
}
