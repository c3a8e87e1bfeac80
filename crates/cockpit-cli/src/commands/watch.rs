//! `cockpit watch`: the triggers in the foreground (daily timer, the database's inbox folder,
//! the models folder), each event printed as it happens; a timer or inbox run that raised
//! alerts is notified on the desktop ([`super::notifications::DesktopNotifier`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use cockpit_core::mapping::Mapping;
use cockpit_core::service::{Service, ServiceConfig, ServiceError};
use cockpit_core::triggers::InboxWatcher;

use super::common::{load_policy, workspace};
use super::notifications::DesktopNotifier;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Inbox folder: CSV files dropped there are ingested, then the fleet is rescored
    /// [default: inbox/ beside the database]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// Column mapping applied to inbox files
    #[arg(long, value_name = "M")]
    pub mapping: Option<String>,
    /// Do not run the daily timer
    #[arg(long)]
    pub no_timer: bool,
    /// Seconds an inbox file must stay unchanged before it is taken (1 to 3600)
    /// [default: COCKPIT_INBOX_SETTLE_SECONDS, else 3]
    #[arg(long, value_name = "SECONDS")]
    pub settle: Option<String>,
}

/// Starts the service and runs until interrupted.
pub fn run(cli: &Cli, args: &WatchArgs) -> Result<ExitCode, CliError> {
    let ws = workspace(cli)?;
    let inbox = args.inbox.clone().unwrap_or_else(|| ws.inbox.clone());
    let policy = load_policy(cli)?;
    let mapping = match &args.mapping {
        Some(m) => Mapping::load(m)?,
        None => Mapping::canonical(),
    };
    let settle = InboxWatcher::settle_time(args.settle.as_deref()).map_err(ServiceError::from)?;
    let notifier = DesktopNotifier { db: ws.db.clone() };
    let cfg = ServiceConfig {
        db: ws.db,
        models_dir: ws.models,
        policy,
        inbox: Some(inbox.clone()),
        mapping,
        timer: !args.no_timer,
        watch_models: true,
        inbox_settle: Some(settle),
    };
    let service = Service::start_notifying(
        cfg,
        |e| {
            let mark = if e.ok { "ok " } else { "ERR" };
            say!("{} {mark} {:<7} {}", e.at, e.kind, e.message);
        },
        Some(Arc::new(notifier)),
    )?;
    say!(
        "Watching inbox {} and models {}; daily timer {}. Stop with Ctrl-C.",
        inbox.display(),
        service.models_dir().display(),
        if args.no_timer { "off" } else { "on" }
    );
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
