//! EnergiTech Cockpit desktop shell: a Tauri 2 window over `cockpit-core`.
//!
//! * [`commands`]: what the UI invokes (fleet, turbine, runs, score now, schedule, charts, work
//!   list, app info), each a thin call into the core, errors as `{code, message}` ([`error`]);
//! * [`startup`]: first launch builds the demo park, then the daily timer and the inbox and
//!   models watchers run for as long as the window is open;
//! * [`state`]: the workspace, start-up phase, the running service;
//! * [`worklist`]: the work list as CSV with the drivers phrased in words;
//! * [`phrased`]: a run's trigger and status and a turbine's last measurements in the UI's
//!   language, in the core's words;
//! * [`import`]: "Import files…" (the mappings to choose from, the import in the background
//!   with progress events, then a rescoring run) and the quarantine (a page, the CSV export);
//! * [`pack`]: field packs — export the filtered fleet to a pack, import a pack's findings,
//!   open a pack in a window of its own (an app started on a `.cockpitpack` shows it, marked as
//!   such, without models or triggers) — and notes on alerts and interventions;
//! * [`diagnostics`]: the diagnostics tab's commands (health, metrics and monitoring, logs,
//!   bundle), the app's log files (`logs/` beside the database) and the operations journal of
//!   every command;
//! * [`background`]: the background service card ("score daily in the background", who
//!   handles the daily run).
//! * [`notifications`]: the notifications of the app's timer and inbox runs, a click opening the
//!   fleet filtered to their turbines (also `--turbines A,B` on the command line), the setting.
//! * [`sync`]: the shared fleet store — the all-sites view, the Sync card (address, on/off,
//!   status, "Sync now") and the background sync after each run and every five minutes.
//!
//! The UI (`ui/`, built into `ui/dist`) is embedded in the binary: no dev server, no network.

pub mod background;
pub mod commands;
pub mod diagnostics;
pub mod error;
pub mod import;
pub mod modelsets;
pub mod notifications;
pub mod pack;
pub mod phrased;
pub mod startup;
pub mod state;
pub mod sync;
pub mod workflow;
pub mod worklist;

use tauri::webview::DownloadEvent;
use tauri::{Emitter, Manager, Runtime};

/// Event sent when a download (the work list CSV) has been saved: `{path, success}`.
pub const DOWNLOAD_EVENT: &str = "download-finished";

/// The commands the UI may invoke (each also needs its permission in `capabilities/`).
#[macro_export]
macro_rules! cockpit_handler {
    () => {
        tauri::generate_handler![
            $crate::commands::fleet,
            $crate::commands::turbine,
            $crate::commands::runs,
            $crate::commands::score_now,
            $crate::commands::get_schedule,
            $crate::commands::set_schedule,
            $crate::commands::risk_chart,
            $crate::commands::signals_chart,
            $crate::commands::fleet_trend_chart,
            $crate::commands::export_worklist_csv,
            $crate::commands::field_document,
            $crate::commands::export_field_document,
            $crate::commands::app_info,
            $crate::commands::app_status,
            $crate::diagnostics::health,
            $crate::diagnostics::diagnostics,
            $crate::diagnostics::run_durations_chart,
            $crate::diagnostics::recent_logs,
            $crate::diagnostics::open_log_folder,
            $crate::diagnostics::export_diagnostics_bundle,
            $crate::import::mappings,
            $crate::import::import_files,
            $crate::import::quarantine,
            $crate::import::export_quarantine_csv,
            $crate::modelsets::model_sets,
            $crate::modelsets::compare_model_sets,
            $crate::modelsets::choose_candidate,
            $crate::modelsets::promote_model_set,
            $crate::modelsets::rollback_model_set,
            $crate::workflow::alerts,
            $crate::workflow::acknowledge_alert,
            $crate::workflow::dismiss_alert,
            $crate::workflow::reopen_alert,
            $crate::workflow::plan_intervention,
            $crate::workflow::start_intervention,
            $crate::workflow::close_intervention,
            $crate::workflow::cancel_intervention,
            $crate::workflow::interventions,
            $crate::workflow::turbine_history,
            $crate::workflow::workflow_choices,
            $crate::workflow::get_author,
            $crate::workflow::set_author,
            $crate::pack::pack_info,
            $crate::pack::export_pack,
            $crate::pack::import_pack,
            $crate::pack::open_pack,
            $crate::pack::add_note,
            $crate::background::background_status,
            $crate::background::set_background,
            $crate::notifications::get_notifications,
            $crate::notifications::set_notifications,
            $crate::sync::hub_fleet,
            $crate::sync::sync_status,
            $crate::sync::save_sync_settings,
            $crate::sync::sync_now,
        ]
    };
}

/// The app's builder with its commands and plugins registered (tests build on it with a mock
/// runtime). The opener plugin opens the log folder from Rust only: no link-click script is
/// injected and the UI is granted none of its commands (see `capabilities/default.json`). The
/// dialog plugin gives the UI the native "open files" and "save as" pickers only. The
/// notification plugin is used from Rust only (the runs' notifications and their clicks): none
/// of its commands is granted to the UI.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(
            tauri_plugin_opener::Builder::new()
                .open_js_links_on_click(false)
                .build(),
        )
        .invoke_handler(cockpit_handler!())
}

/// Creates the main window from `tauri.conf.json` (`create: false` there), with a download
/// handler: the work list CSV goes to the user's Downloads folder and the UI is told where.
fn main_window<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<()> {
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
    else {
        return Err(tauri::Error::WindowNotFound);
    };
    let emitter = app.clone();
    tauri::WebviewWindowBuilder::from_config(app, &config)?
        .on_download(move |_webview, event| {
            match event {
                DownloadEvent::Requested { destination, .. } => {
                    // No Downloads folder configured (no user-dirs.dirs): ~/Downloads rather
                    // than the current directory.
                    if dirs::download_dir().is_none() {
                        if let (Some(home), Some(name)) = (
                            dirs::home_dir(),
                            destination.file_name().map(|n| n.to_owned()),
                        ) {
                            *destination = free_path(&home.join("Downloads"), &name);
                        }
                    }
                    if let Some(dir) = destination.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                }
                DownloadEvent::Finished { path, success, .. } => {
                    let _ = emitter.emit(
                        DOWNLOAD_EVENT,
                        serde_json::json!({ "path": path, "success": success }),
                    );
                }
                _ => {}
            }
            true
        })
        .build()?;
    Ok(())
}

/// `dir/name`, or `dir/name (2)`… if taken.
fn free_path(dir: &std::path::Path, name: &std::ffi::OsStr) -> std::path::PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let name = std::path::Path::new(name);
    let stem = name.file_stem().unwrap_or_default().to_string_lossy();
    let ext = name
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|k| dir.join(format!("{stem} ({k}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Holds the log files' writer (dropping it flushes the last lines).
struct LogFiles(
    #[allow(dead_code)] std::sync::Mutex<Option<cockpit_core::telemetry::logging::LogGuard>>,
);

/// Says why the app cannot start: on standard error, and in a message box where a desktop is
/// there to show it (a Windows release build has no console). The words are the core's: the
/// error's message and its summary in French and English.
fn say_cannot_start(e: &error::ApiError) {
    use cockpit_core::lang::Lang;
    let text = format!(
        "{}\n{}\n\n{} [{}]",
        e.code.summary(Lang::Fr),
        e.code.summary(Lang::En),
        e.message,
        e.code.as_str()
    );
    eprintln!("error: {text}");
    let desktop = cfg!(any(windows, target_os = "macos"))
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    if desktop {
        // A desktop that cannot show the box must not turn a clear message into a crash.
        let _ = std::panic::catch_unwind(|| {
            rfd::MessageDialog::new()
                .set_level(rfd::MessageLevel::Error)
                .set_title("EnergiTech Cockpit")
                .set_description(&text)
                .set_buttons(rfd::MessageButtons::Ok)
                .show()
        });
    }
}

/// Starts the desktop app; exit code 1 when it cannot (no data folder, no window), said in
/// words first, never a panic.
pub fn run() -> std::process::ExitCode {
    let workspace = match state::resolve_workspace() {
        Ok(w) => w,
        Err(e) => {
            say_cannot_start(&e);
            return std::process::ExitCode::FAILURE;
        }
    };
    let built = builder(tauri::Builder::default())
        .setup(move |app| {
            // The log files' writer lives as long as the app.
            app.manage(LogFiles(std::sync::Mutex::new(diagnostics::init_logging(
                &workspace,
            ))));
            tracing::info!(version = %app.package_info().version, "desktop app starting");
            app.manage(state::AppState::new(workspace));
            notifications::init(
                app.handle(),
                notifications::turbines_arg(std::env::args().skip(1)),
            );
            main_window(app.handle())?;
            startup::spawn(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match built {
        Ok(app) => app,
        Err(e) => {
            say_cannot_start(&error::ApiError::new(
                cockpit_core::errors::ErrorCode::Internal,
                format!("the window could not be created: {e}"),
            ));
            return std::process::ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            startup::shutdown(handle);
        }
    });
    std::process::ExitCode::SUCCESS
}
