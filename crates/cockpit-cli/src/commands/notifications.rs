//! `cockpit notifications`: show or change whether a timer or inbox run that raised alerts is
//! notified, and in which language; and the desktop notifier `cockpit watch` hands them to (the
//! desktop's notification service: D-Bus on Linux).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cockpit_core::lang::Lang;
use cockpit_core::notifications::{self, Notification, Notifier};

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit notifications`.
#[derive(Debug, Args)]
pub struct NotificationsArgs {
    /// Turn notifications on (the default)
    #[arg(long, conflicts_with = "off")]
    pub on: bool,
    /// Turn notifications off: timer and inbox runs stay silent, in the app and `cockpit watch`
    #[arg(long)]
    pub off: bool,
    /// Language of the notifications: en or fr [default: the app's, else the system locale's]
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Applies the changes asked for, then prints the setting.
pub fn run(cli: &Cli, args: &NotificationsArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    if args.on || args.off {
        notifications::set_enabled(&store, args.on)?;
    }
    if let Some(l) = &args.lang {
        let lang = match l.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Lang::En,
            "fr" | "french" | "français" | "francais" => Lang::Fr,
            _ => {
                return Err(CliError::Usage(format!(
                    "--lang {l:?}: the notifications speak en or fr"
                )))
            }
        };
        notifications::set_language(&store, lang)?;
    }
    let settings = notifications::settings(&store)?;
    let lang = notifications::language(&store)?.pick("en", "fr");
    if args.json {
        let v = serde_json::json!({ "enabled": settings.enabled, "lang": lang });
        say!("{}", serde_json::to_string_pretty(&v)?);
    } else if settings.enabled {
        say!("Notifications are on ({lang}): a timer or inbox run that raises turbines to high or critical is notified");
    } else {
        say!("Notifications are off");
    }
    Ok(ExitCode::SUCCESS)
}

/// The desktop's notification service, through `notify-rust` (D-Bus on Linux). A click on a
/// notification (or its button) starts the desktop app on the fleet filtered to its turbines,
/// over the same database.
pub struct DesktopNotifier {
    /// The database the app is to open (`COCKPIT_DB`).
    pub db: PathBuf,
}

/// The desktop app's file name.
const APP: &str = if cfg!(windows) {
    "energitech-cockpit.exe"
} else {
    "energitech-cockpit"
};

/// The desktop app: beside this `cockpit` (as installed by the packages), else on the `PATH`.
fn app_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name(APP))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(APP))
}

/// Starts the app on the fleet filtered to `turbines`, over `db`.
fn open_app(db: &Path, turbines: &[String]) {
    let app = app_binary();
    let started = std::process::Command::new(&app)
        .arg("--turbines")
        .arg(turbines.join(","))
        .env("COCKPIT_DB", db)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match started {
        Ok(child) => tracing::info!(pid = child.id(), "desktop app started from a notification"),
        Err(e) => {
            tracing::warn!(app = %app.display(), error = %e, "the desktop app could not be started from the notification")
        }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, n: &Notification) -> Result<(), String> {
        let mut note = notify_rust::Notification::new();
        note.appname("EnergiTech Cockpit")
            .summary(&n.title)
            .body(&n.body)
            .icon("energitech-cockpit")
            // A click on the notification itself ("default"), and a button where the desktop
            // shows actions.
            .action("default", &n.action)
            .action("open", &n.action);
        #[cfg(all(unix, not(target_os = "macos")))]
        note.hint(notify_rust::Hint::DesktopEntry("energitech-cockpit".into()));
        let handle = note.show().map_err(|e| e.to_string())?;
        let db = self.db.clone();
        let turbines = n.turbines.clone();
        // Waits on its own thread until the notification is clicked or closed.
        let waiting = std::thread::Builder::new()
            .name("notification".into())
            .spawn(move || {
                handle.wait_for_action(|action| {
                    if action != "__closed" {
                        open_app(&db, &turbines);
                    }
                })
            });
        if let Err(e) = waiting {
            tracing::warn!(error = %e, "a click on the notification will not be answered");
        }
        Ok(())
    }
}
