//! `cockpit` — the command-line front of EnergiTech Cockpit.
//!
//! Every sub-command is a thin call into `cockpit-core`; this crate only parses arguments,
//! resolves the database path and prints results (text for people, `--json` for scripts).

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// EnergiTech Cockpit: predictive maintenance of a wind-turbine fleet, from the terminal.
#[derive(Debug, Parser)]
#[command(name = "cockpit", version, about, long_about = None)]
pub struct Cli {
    /// SQLite database to use [default: <OS data dir>/energitech-cockpit/cockpit.db]
    #[arg(long, global = true, env = "COCKPIT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Models folder (manifest.json + ONNX files) [default: the installed models]
    #[arg(long, global = true, env = "COCKPIT_MODELS", value_name = "DIR")]
    pub models: Option<PathBuf>,

    /// Risk policy file (TOML) [default: <config dir>/risk-policy.toml, else the built-in policy]
    #[arg(long, global = true, env = "COCKPIT_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a wind fleet: writes scada.csv, turbines.csv and logbook.csv in the canonical schema
    Simulate(commands::SimulateArgs),
    /// Ingest SCADA, turbine registry and logbook CSV files (recognised by their header)
    Ingest(commands::IngestArgs),
    /// Simulate EnergiTech's Lyon demo park (20 turbines, 180 days) and ingest it
    Demo(commands::DemoArgs),
    /// Export the training table: features of every turbine at regular snapshots, with labels
    Features(commands::FeaturesArgs),
    /// Score the whole fleet now (or as of --at) and record the run
    Score(commands::ScoreArgs),
    /// The fleet ranked by risk, from the latest run
    Fleet(commands::FleetArgs),
    /// One turbine: identity, last measurements, latest prediction, drivers, risk history
    Turbine(commands::TurbineArgs),
    /// The run journal, newest first
    Runs(commands::RunsArgs),
    /// Replay daily runs over the stored history against the failure logbook
    Backtest(commands::BacktestArgs),
    /// Show or change the daily scoring schedule
    Schedule(commands::ScheduleArgs),
    /// Run the triggers in the foreground: daily timer, inbox folder, models folder
    Watch(commands::WatchArgs),
}

fn main() -> ExitCode {
    // Behave like other command-line tools when the output is piped into `head`: end quietly
    // on a closed pipe instead of panicking on the failed write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
