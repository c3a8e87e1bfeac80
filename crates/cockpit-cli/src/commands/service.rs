//! `cockpit service enable|disable|status`: the background service (the systemd user unit that
//! runs `cockpit watch --serve` without the app) and who handles the daily run.
//!
//! Exit codes: `enable` and `disable` 0 done, 3 no systemd user session here (a container, plain
//! ssh), 2 any other failure; `status` 0 the background service runs and holds the daily timer
//! (heartbeat younger than three minutes), 1 it does not, 3 no systemd user session here (the
//! owner of the daily timer is still printed).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::background::{self, BackgroundError};
use cockpit_core::lang::Lang;

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Exit code when there is no systemd user session to talk to.
const NO_USER_SYSTEMD: u8 = 3;

/// Arguments of `cockpit service`.
#[derive(Debug, Args)]
pub struct ServiceArgs {
    #[command(subcommand)]
    pub action: ServiceAction,
}

/// What to do with the background service.
#[derive(Debug, Subcommand)]
pub enum ServiceAction {
    /// Turn the background service on: `systemctl --user enable --now energitech-cockpit`
    /// (exit 3 without a systemd user session)
    Enable,
    /// Turn the background service off: `systemctl --user disable --now energitech-cockpit`
    Disable,
    /// Whether the background service is enabled and running, and who handles the daily run
    /// (exit 0 the service holds the daily timer, 1 it does not, 3 no systemd user session)
    Status {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs `cockpit service …`.
pub fn run(cli: &Cli, args: &ServiceArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let changed = match &args.action {
        ServiceAction::Enable => background::enable(&store).map(|()| true),
        ServiceAction::Disable => background::disable(&store).map(|()| false),
        ServiceAction::Status { json } => {
            let status = background::status(&store, Lang::En).map_err(CliError::from)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                say!("{}", status.summary);
                say!("{}", status.owner_line);
            }
            let code = if status.unavailable.is_some() {
                NO_USER_SYSTEMD
            } else if status.active && status.service_owns_timer {
                0
            } else {
                1
            };
            return Ok(ExitCode::from(code));
        }
    };
    match changed {
        Ok(true) => say!(
            "Background service on: {} is enabled and started; the fleet is scored daily even with the app closed.",
            background::UNIT
        ),
        Ok(false) => say!(
            "Background service off: {} is stopped and disabled; the app (while open) or `cockpit watch` runs the daily timer.",
            background::UNIT
        ),
        Err(e @ BackgroundError::NoUserSystemd(_)) => {
            tracing::error!(outcome = "failed", error = %e, "background service not switched");
            say_err!("error: {e}");
            return Ok(ExitCode::from(NO_USER_SYSTEMD));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(ExitCode::SUCCESS)
}
