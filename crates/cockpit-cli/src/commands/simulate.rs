//! `cockpit simulate`: a seeded wind fleet written as canonical CSV files.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cockpit_core::clock::now;
use cockpit_core::schema;
use cockpit_core::sim::{self, SimConfig};

use super::CliError;

/// Arguments of `cockpit simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Number of turbines
    #[arg(long, default_value_t = 20)]
    pub turbines: usize,
    /// Number of days of 10-minute records
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// Random seed: the same seed gives byte-identical files
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// First day simulated, YYYY-MM-DD (UTC) [default: the given number of days before today]
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Expected failures per turbine per year
    #[arg(long, default_value_t = 2.5)]
    pub failure_rate: f64,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// Simulates the fleet and prints what was written.
pub fn run(args: &SimulateArgs) -> Result<ExitCode, CliError> {
    let start = match &args.start {
        Some(s) => schema::parse_timestamp(s)
            .map(|t| t.div_euclid(86_400) * 86_400)
            .ok_or_else(|| {
                CliError::Usage(format!("--start '{s}' is not a date (expected YYYY-MM-DD)"))
            })?,
        None => (now().div_euclid(86_400) - i64::from(args.days)) * 86_400,
    };
    let mut cfg = SimConfig::new(args.turbines, args.days, args.seed, start);
    cfg.failure_rate_per_year = args.failure_rate;
    let t0 = std::time::Instant::now();
    let summary = sim::simulate(&cfg, &args.out)?;
    let secs = t0.elapsed().as_secs_f64();
    if args.json {
        say!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        say!(
            "Simulated {} turbines × {} days from {} (seed {}) in {:.1} s",
            summary.turbines,
            args.days,
            schema::format_timestamp(start),
            args.seed,
            secs
        );
        say!(
            "  {} SCADA rows, {} failures ({} without a visible precursor)",
            summary.scada_rows,
            summary.failures,
            summary.failures_without_precursor
        );
        for f in &summary.files {
            say!("  wrote {}", f.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
