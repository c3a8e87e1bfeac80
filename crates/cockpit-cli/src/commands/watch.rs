//! `cockpit watch`: the triggers in the foreground (daily timer, the database's inbox folder,
//! the models folder), each event printed as it happens; with `--serve`, the health and metrics
//! endpoint of `cockpit serve` in the same process, both stopped by Ctrl-C or SIGTERM; a timer or
//! inbox run that raised alerts is notified on the desktop ([`super::notifications::DesktopNotifier`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use cockpit_core::background::OwnerKind;
use cockpit_core::mapping::Mapping;
use cockpit_core::service::{Service, ServiceConfig, ServiceError};
use cockpit_core::telemetry::exposition::DEFAULT_LISTEN;
use cockpit_core::triggers::InboxWatcher;

use super::common::{load_policy, workspace};
use super::notifications::DesktopNotifier;
use super::serve;
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
    /// Also serve the health and metrics endpoint (as `cockpit serve`) on ADDR
    /// [default ADDR: 127.0.0.1:9464]; Ctrl-C or SIGTERM then stops both
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = DEFAULT_LISTEN)]
    pub serve: Option<String>,
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
    // Bound before the service starts: a port in use stops here, with nothing started.
    let listener = args.serve.as_deref().map(serve::bind).transpose()?;
    let notifier = DesktopNotifier { db: ws.db.clone() };
    let cfg = ServiceConfig {
        db: ws.db,
        models_dir: ws.models,
        policy,
        inbox: Some(inbox.clone()),
        mapping,
        timer: !args.no_timer,
        // `cockpit watch` is the background service: it holds the daily timer over the app.
        owner: OwnerKind::Service,
        watch_models: true,
        inbox_settle: Some(settle),
    };
    let db = cfg.db.clone();
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
    let Some(listener) = listener else {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    };
    let endpoint = serve::Endpoint::new(cli, Some(inbox), Arc::new(service.model_status_probe()))?;
    if let Ok(address) = listener.local_addr() {
        say!(
            "Serving http://{address}/health and http://{address}/metrics for {} (read-only).",
            db.display()
        );
        tracing::info!(%address, "endpoint listening");
    }
    let served =
        serve::runtime()?.block_on(serve::serve(listener, endpoint, serve::shutdown_signal()));
    say!("Stopping: the triggers finish their current work.");
    service.stop();
    served?;
    Ok(ExitCode::SUCCESS)
}
