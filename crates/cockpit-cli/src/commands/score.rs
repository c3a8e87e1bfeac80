//! `cockpit score`: one scoring run of the whole fleet, recorded in the run journal.

use std::process::ExitCode;

use clap::Args;
use cockpit_core::clock::now;
use cockpit_core::runs::{self, RunRequest, Trigger};

use super::common::{load_models, open_store, parse_opt_time, print_run, workspace};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Score as of this time (YYYY-MM-DD[THH:MM[:SS]Z]) instead of the latest data
    #[arg(long, value_name = "TIMESTAMP")]
    pub at: Option<String>,
    /// Print the run as JSON
    #[arg(long)]
    pub json: bool,
}

/// Scores the fleet and prints the run.
pub fn run(cli: &Cli, args: &ScoreArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    runs::ensure_scorable(&store)?;
    let at = parse_opt_time("--at", args.at.as_deref())?;
    if let Some(t) = at {
        // A date in the future (or before 1990) is refused before anything is loaded.
        runs::check_at(t)?;
    }
    let req = RunRequest {
        // A run at an explicit time replays the past: it never becomes "the latest run".
        trigger: if at.is_some() {
            Trigger::Replay
        } else {
            Trigger::Cli
        },
        at,
        scheduled_for: None,
    };
    let (mut models, policy) = match load_models(cli) {
        Ok(m) => m,
        Err(e) => {
            // A run that cannot even load its models is still a failed run of the journal.
            runs::record_failure(
                &store,
                &req,
                now(),
                std::time::Instant::now(),
                None,
                &e.to_string(),
            )?;
            return Err(e);
        }
    };
    // A candidate model set (chosen, or in the models folder's candidate/) is scored in shadow:
    // the run's results are the set in service's alone.
    let mut shadow = workspace(cli)?.shadow_candidate(&models);
    let run = runs::score_with_shadow(&mut store, &mut models, shadow.as_mut(), &policy, req)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        print_run(&run);
        if let Some(s) = &shadow {
            let name = s.version.as_deref().unwrap_or("-");
            match &s.models {
                Ok(_) => say!(
                    "  candidate {name} scored in shadow (cockpit models compare); the results above are the set in service's"
                ),
                Err(reason) => say!("  candidate {name} not scored in shadow: {reason}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
