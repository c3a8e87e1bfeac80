//! `cockpit models`: the model sets — status, choosing a candidate, comparing it with the set in
//! service, promoting it, rolling back, and the history of which set served which run.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::lang::Lang;
use cockpit_core::model::OrtRuntime;
use cockpit_core::modelsets::{self, ModelSetChange, ModelSetError};

use super::common::{load_policy, workspace, DaySpan};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: ModelsAction,
}

/// What to do with the model sets.
#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// The set in service, the candidate (checked) and the set a rollback would return to
    Status {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Choose the model set in DIR as the candidate: checked, then copied into the cockpit's
    /// model-sets/ folder; it is scored in shadow on every run from then on
    Candidate {
        /// Folder holding manifest.json, the ONNX models and parity.csv
        dir: PathBuf,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// The candidate beside the set in service: agreement of their categories over the runs
    /// that scored it in shadow, and both sets' backtest on this fleet's history
    Compare {
        /// The days replayed by the backtests.
        #[command(flatten)]
        days: DaySpan,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Put the candidate in service (checked, kept as a verified copy; the set it replaces is
    /// kept for a rollback)
    Promote {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Return to the set that served before the one in service
    Rollback {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Which model set served which runs, from when to when, and every promotion and rollback
    History {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

fn ort() -> Result<&'static OrtRuntime, CliError> {
    Ok(OrtRuntime::init(None)?)
}

fn print_change(c: &ModelSetChange, json: bool) -> Result<(), CliError> {
    if json {
        say!("{}", serde_json::to_string_pretty(c)?);
        return Ok(());
    }
    let replaced = c
        .replaced
        .as_ref()
        .map(|r| format!(" (replacing {})", r.label()))
        .unwrap_or_default();
    let verb = if c.action == "promote" {
        "promoted"
    } else {
        "rolled back to"
    };
    say!(
        "Model set {verb} {}{replaced} at {}: it scores the next runs",
        c.set.label(),
        c.at
    );
    say!("  kept in {}", c.set.dir);
    Ok(())
}

/// Runs `cockpit models …`.
pub fn run(cli: &Cli, args: &ModelsArgs) -> Result<ExitCode, CliError> {
    let ws = workspace(cli)?;
    let mut store = ws.open_store()?;
    match &args.action {
        ModelsAction::Status { json } => {
            let s = modelsets::status(&store, &ws.model_sets, &ws.models, Some(ort()?))?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&s)?);
                return Ok(ExitCode::SUCCESS);
            }
            let label = |s: &Option<modelsets::ModelSetInfo>| {
                s.as_ref()
                    .map(|i| format!("{} in {}", i.label(), i.dir))
                    .unwrap_or_else(|| "-".into())
            };
            say!("In service: {}", label(&s.in_service));
            say!("Candidate:  {}", label(&s.candidate));
            if let Some(r) = &s.candidate_refused {
                say!("  refused: {r}");
            }
            say!("Rollback to: {}", label(&s.rollback_to));
        }
        ModelsAction::Candidate { dir, json } => {
            let info = modelsets::choose_candidate(&store, &ws.model_sets, dir, ort()?)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                say!(
                    "Candidate {} checked and kept in {}: the next runs score it in shadow",
                    info.label(),
                    info.dir
                );
            }
        }
        ModelsAction::Compare { days, json } => {
            let (from, to) = days.parse()?;
            let policy = load_policy(cli)?;
            let Some(dir) = modelsets::candidate(&ws.model_sets, &ws.models) else {
                return Err(ModelSetError::NoCandidate {
                    action: "compare",
                    models_candidate: ws.models.join(modelsets::CANDIDATE_DIR_NAME),
                }
                .into());
            };
            let mut candidate = modelsets::check(&dir, ort()?)?;
            let mut served = ws.load_models()?;
            let c = modelsets::compare(&store, &mut served, &mut candidate, &policy, from, to)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                for line in c.lines(Lang::En) {
                    say!("{line}");
                }
            }
        }
        ModelsAction::Promote { json } => {
            let c = modelsets::promote(&mut store, &ws.model_sets, &ws.models, ort()?)?;
            print_change(&c, *json)?;
        }
        ModelsAction::Rollback { json } => {
            let c = modelsets::rollback(&mut store, &ws.models, ort()?)?;
            print_change(&c, *json)?;
        }
        ModelsAction::History { json } => {
            let h = modelsets::history(&store)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&h)?);
                return Ok(ExitCode::SUCCESS);
            }
            say!(
                "{:<16} {:<10} {:<21} {:<21} {:>6}",
                "version",
                "checksum",
                "from",
                "to",
                "runs"
            );
            for p in &h.periods {
                say!(
                    "{:<16} {:<10} {:<21} {:<21} {:>6}",
                    p.version,
                    p.sha256
                        .as_deref()
                        .map(|s| &s[..s.len().min(8)])
                        .unwrap_or("-"),
                    p.from,
                    p.to,
                    p.runs
                );
            }
            for c in &h.changes {
                say!(
                    "{} {} {}{}",
                    c.at,
                    c.action,
                    c.set.label(),
                    c.replaced
                        .as_ref()
                        .map(|r| format!(" (replacing {})", r.label()))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
