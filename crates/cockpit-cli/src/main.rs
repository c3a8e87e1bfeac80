//! `cockpit` — the command-line front of EnergiTech Cockpit.
//!
//! Every sub-command is a thin call into `cockpit-core`; this crate only parses arguments,
//! resolves the database's workspace and prints results (text for people, `--json` for
//! scripts). Standard output only carries the command's result; a failure is said once, on
//! standard error, as `error: <message>` (exit code 2). The structured log lines go to the
//! JSON-lines files in the `logs/` folder beside the database, and to standard error too only
//! with `-v` (or `RUST_LOG`). Everything printed goes through `say!` / `say_err!`, which
//! strip terminal control characters (`cockpit_core::sanitize::terminal_safe`): a turbine id,
//! a site or a quarantined line holding `ESC[…` cannot drive the terminal.

/// `println!` with terminal control characters removed from the printed text.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", cockpit_core::sanitize::terminal_safe(&format!($($arg)*)))
    };
}

/// `eprintln!` with terminal control characters removed from the printed text.
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", cockpit_core::sanitize::terminal_safe(&format!($($arg)*)))
    };
}

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cockpit_core::telemetry::logging;

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

    /// Also show the log lines on standard error: -v info, -vv debug, -vvv trace (RUST_LOG
    /// wins); they always go to the log files beside the database
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a wind fleet: writes scada.csv, turbines.csv and logbook.csv in the canonical schema
    Simulate(commands::SimulateArgs),
    /// Ingest SCADA, turbine registry and logbook CSV files (recognised by their header)
    Ingest(commands::IngestArgs),
    /// Build EnergiTech's Lyon demo park (20 turbines, 180 days): simulate, ingest, backfill 30
    /// days of daily runs and score it
    Demo(commands::DemoArgs),
    /// Export the training table: features of every turbine at regular snapshots, with labels
    Features(commands::FeaturesArgs),
    /// Score the whole fleet now (or as of --at) and record the run
    Score(commands::ScoreArgs),
    /// The fleet ranked by risk, from the latest run
    Fleet(commands::FleetArgs),
    /// One turbine: identity, last measurements, latest prediction, drivers, risk history
    Turbine(commands::TurbineArgs),
    /// The field document of turbines: a cover list ranked by risk and one printable A4 sheet
    /// each (identity, last measurements, drivers, risk history, planned interventions), as HTML
    Sheet(commands::SheetArgs),
    /// The run journal, newest first
    Runs(commands::RunsArgs),
    /// Replay daily runs over the stored history against the failure logbook
    Backtest(commands::BacktestArgs),
    /// The model sets: choose a candidate (scored in shadow on every run), compare it with the
    /// set in service, promote it, roll back, and the history of which set served which run
    Models(commands::ModelsArgs),
    /// Replay one daily run per day over the stored history, keep them in the run journal, and
    /// summarise what they said: categories, reasons not scored, alert episodes and their drivers
    Replay(commands::ReplayArgs),
    /// Work on the quarantine: `retry` reads the rows quarantined as unknown_turbine again
    Quarantine(commands::QuarantineArgs),
    /// Show or change the daily scoring schedule
    Schedule(commands::ScheduleArgs),
    /// Show or change the notifications of timer and inbox runs that raise alerts: on or off,
    /// their language
    Notifications(commands::NotificationsArgs),
    /// Run the triggers in the foreground: daily timer, the database's inbox folder, models folder
    Watch(commands::WatchArgs),
    /// The background service (systemd user unit running `cockpit watch` without the app):
    /// enable, disable, status and who handles the daily run
    Service(commands::ServiceArgs),
    /// Check that the cockpit works: database, models, ONNX Runtime, schedule, last run, errors,
    /// data freshness, inbox (exit 0 ok, 1 degraded, 2 error)
    Health(commands::HealthArgs),
    /// Serve the health report (GET /health) and Prometheus metrics (GET /metrics) over HTTP,
    /// read-only, on 127.0.0.1:9464 unless --listen says otherwise
    Serve(commands::ServeArgs),
    /// Technical metrics, availability, alert level, input drift and data freshness; or export
    /// a diagnostics bundle
    Diagnostics(commands::DiagnosticsArgs),
    /// The alerts: open when a run ranks a turbine high or critical, with their status and outcome
    Alerts(commands::AlertsArgs),
    /// Acknowledge a turbine's open alert (with an optional note)
    Ack(commands::AckArgs),
    /// Dismiss a turbine's open alert with a reason (and optionally mute it until a date)
    Dismiss(commands::DismissArgs),
    /// Re-open a turbine's dismissed or resolved alert
    Reopen(commands::ReopenArgs),
    /// Plan, start, close (with what was found) or cancel interventions, and list them
    Intervention(commands::InterventionArgs),
    /// Add a note to a turbine's latest alert, or to one of its interventions
    Note(commands::NoteArgs),
    /// Field packs for offline laptops: export turbines to one file, import the findings back,
    /// or check a pack
    Pack(commands::PackArgs),
    /// The shared fleet store on PostgreSQL: prepare the hub database (init)
    Hub(commands::HubArgs),
    /// Sync with the shared fleet store: send this cockpit's runs and actions, receive the other
    /// cockpits'; `sync status` shows what is pending, `sync --on|--off` the background sync
    Sync(commands::SyncArgs),
}

impl Command {
    /// The sub-command's name, for the logs.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Simulate(_) => "simulate",
            Command::Ingest(_) => "ingest",
            Command::Demo(_) => "demo",
            Command::Features(_) => "features",
            Command::Score(_) => "score",
            Command::Fleet(_) => "fleet",
            Command::Turbine(_) => "turbine",
            Command::Sheet(_) => "sheet",
            Command::Runs(_) => "runs",
            Command::Backtest(_) => "backtest",
            Command::Models(_) => "models",
            Command::Replay(_) => "replay",
            Command::Quarantine(_) => "quarantine",
            Command::Schedule(_) => "schedule",
            Command::Notifications(_) => "notifications",
            Command::Watch(_) => "watch",
            Command::Service(_) => "service",
            Command::Health(_) => "health",
            Command::Serve(_) => "serve",
            Command::Diagnostics(_) => "diagnostics",
            Command::Alerts(_) => "alerts",
            Command::Ack(_) => "ack",
            Command::Dismiss(_) => "dismiss",
            Command::Reopen(_) => "reopen",
            Command::Intervention(_) => "intervention",
            Command::Note(_) => "note",
            Command::Pack(_) => "pack",
            Command::Hub(_) => "hub",
            Command::Sync(_) => "sync",
        }
    }
}

/// Log files beside the database (not for `simulate`, which has none); the log lines on
/// standard error only with `-v` or `RUST_LOG`, so that without them a failure reads once, as
/// the `error:` line. Logging problems never stop a command.
fn init_logging(cli: &Cli) -> Option<logging::LogGuard> {
    use std::io::IsTerminal;
    let dir = match &cli.command {
        Command::Simulate(_) => None,
        _ => commands::workspace(cli).ok().map(|ws| ws.logs),
    };
    let rust_log = std::env::var_os("RUST_LOG").is_some_and(|v| !v.is_empty());
    let opts = logging::LogOptions {
        dir,
        console: (cli.verbose > 0 || rust_log).then_some(cli.verbose),
        ansi: std::io::stderr().is_terminal(),
    };
    match logging::init(&opts) {
        Ok(guard) => {
            if let (Some(e), None) = (&guard.file_error, opts.console) {
                say_err!("warning: no log files: {e}");
            }
            Some(guard)
        }
        Err(e) => {
            say_err!("warning: logging is off: {e}");
            None
        }
    }
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
    let _logs = init_logging(&cli);
    let name = cli.command.name();
    let span = tracing::info_span!("command", command = name).entered();
    let t0 = std::time::Instant::now();
    let result = commands::run(&cli);
    let duration_ms = t0.elapsed().as_millis() as u64;
    let code = match result {
        Ok(code) => {
            tracing::info!(duration_ms, outcome = "done", "command finished");
            code
        }
        Err(e) => {
            tracing::error!(
                duration_ms,
                outcome = "failed",
                error = %cockpit_core::journal::redact(&e.to_string()),
                "command failed"
            );
            say_err!("error: {e}");
            ExitCode::from(2)
        }
    };
    drop(span);
    code
}
