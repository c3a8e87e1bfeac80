//! `cockpit sync`: push this cockpit's runs and actions to the shared fleet store and pull what
//! the other cockpits did; `cockpit sync status` (no connection); `cockpit sync --on|--off`
//! (the background sync setting). See docs/shared-store.md.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::hub::sync::{self, words};
use cockpit_core::hub::{HubError, HubTarget};
use cockpit_core::lang::Lang;

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit sync`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 done; 2 error, said in one `error:` line on standard error (the reason is kept for `cockpit sync status`; what was not sent stays queued for the next sync, and nothing local is lost).\n\nThe password is never saved: it comes from PGPASSWORD or ~/.pgpass at each sync."
)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    /// The hub, e.g. postgresql://cockpit@hub.example.org:5432/cockpit?sslmode=require; saved
    /// (without any password) for the next syncs and the app
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Turn the background sync on (the app and `cockpit watch` sync after each run and every
    /// few minutes); does not sync now
    #[arg(long, conflicts_with = "off")]
    pub on: bool,
    /// Turn the background sync off; does not sync now
    #[arg(long)]
    pub off: bool,
    /// Print the outcome as JSON
    #[arg(long)]
    pub json: bool,
}

/// The sync sub-commands.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Where this cockpit stands with the hub, without connecting: address, background sync,
    /// last sync, last error, actions and runs waiting to be sent
    Status {
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs `cockpit sync …`.
pub fn run(cli: &Cli, args: &SyncArgs) -> Result<ExitCode, CliError> {
    let lang = Lang::En;
    let mut store = open_store(cli)?;
    if let Some(SyncCommand::Status { json }) = &args.command {
        let status = sync::status(&store)?;
        if *json {
            say!("{}", serde_json::to_string_pretty(&status)?);
        } else {
            for line in words::status_lines(&status, lang) {
                say!("{line}");
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.on || args.off {
        let settings = sync::save_settings(&store, args.server.as_deref(), args.on)?;
        if args.json {
            say!("{}", serde_json::to_string_pretty(&settings)?);
        } else {
            for line in words::status_lines(&sync::status(&store)?, lang)
                .iter()
                .take(2)
            {
                say!("{line}");
            }
        }
        password_note(args.server.as_deref(), lang);
        return Ok(ExitCode::SUCCESS);
    }
    let target = match &args.server {
        Some(address) => {
            let target = HubTarget::parse(address)?;
            let enabled = sync::settings(&store)?.enabled;
            sync::save_settings(&store, Some(address), enabled)?;
            password_note(Some(address), lang);
            target
        }
        None => match sync::settings(&store)?.server {
            Some(saved) => HubTarget::parse(&saved)?,
            None => return Err(HubError::NoServer.into()),
        },
    };
    let report = sync::sync_in(&mut store, &target, lang)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for line in words::report_lines(&report, lang) {
            say!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Says once, on standard error, that a password given in the address is not saved.
fn password_note(address: Option<&str>, lang: Lang) {
    if address.is_some_and(sync::address_has_password) {
        say_err!("note: {}", words::password_not_saved(lang));
    }
}
