//! Notifications of the app's own timer and inbox runs (the core's summary,
//! [`cockpit_core::notifications`]), shown through the official notification plugin; a click on
//! one brings the window up and opens the fleet filtered to its turbines (the
//! [`OPEN_EVENT`] the UI handles). The app started with `--turbines LYO-08,LYO-17` (what a
//! click on a notification of `cockpit watch` does) opens on the same filter. The setting
//! (on/off) and the language are the database's, shared with `cockpit watch`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

use cockpit_core::lang::Lang;
use cockpit_core::notifications::{self, Notification, NotificationSettings, Notifier};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::error::ApiError;
use crate::state::AppState;

/// Event that opens the fleet filtered to turbines (a notification clicked): [`OpenTurbines`].
pub const OPEN_EVENT: &str = "notification-open";

/// The turbines to show, filtered, in the fleet view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct OpenTurbines {
    /// Turbine ids, most urgent first.
    pub turbines: Vec<String>,
}

/// The turbines the app was started on (`--turbines`), empty when none.
pub struct Opening(pub Vec<String>);

/// The turbines of `--turbines A,B` or `--turbines=A,B` among the program's arguments (ids
/// trimmed, empty ones left out); empty when the option is absent.
pub fn turbines_arg(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut args = args.into_iter();
    let mut out = Vec::new();
    while let Some(a) = args.next() {
        let list = match a.strip_prefix("--turbines") {
            Some("") => args.next(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(list) = list {
            out.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// The notifications shown by this app: their id and the turbines a click opens.
#[derive(Default)]
struct Shown {
    next: AtomicI32,
    turbines: Mutex<HashMap<i32, Vec<String>>>,
}

/// Shows the core's notifications through the notification plugin.
pub struct AppNotifier<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> AppNotifier<R> {
    pub fn new(app: AppHandle<R>) -> AppNotifier<R> {
        AppNotifier { app }
    }
}

impl<R: Runtime> Notifier for AppNotifier<R> {
    fn notify(&self, n: &Notification) -> Result<(), String> {
        let Some(shown) = self.app.try_state::<Shown>() else {
            return Err("the app's notifications are not set up".into());
        };
        let id = shown.next.fetch_add(1, Ordering::SeqCst) + 1;
        shown
            .turbines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, n.turbines.clone());
        self.app
            .notification()
            .builder()
            .id(id)
            .title(&n.title)
            .body(&n.body)
            .show()
            .map_err(|e| e.to_string())
    }
}

/// Brings the main window up and has the UI show the fleet filtered to `turbines`.
pub fn open_fleet<R: Runtime>(app: &AppHandle<R>, turbines: Vec<String>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    let _ = app.emit(OPEN_EVENT, OpenTurbines { turbines });
}

/// Registers what a click on a notification does: the fleet filtered to its turbines.
pub fn init<R: Runtime>(app: &AppHandle<R>, opening: Vec<String>) {
    app.manage(Shown::default());
    app.manage(Opening(opening));
    let handle = app.clone();
    let _ = app.notification().on_action(move |performed| {
        let Some(id) = performed.notification().map(|n| n.id()) else {
            return;
        };
        let turbines = handle
            .state::<Shown>()
            .turbines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned();
        if let Some(turbines) = turbines {
            tracing::info!(turbines = turbines.len(), "notification clicked");
            open_fleet(&handle, turbines);
        }
    });
}

/// The notification settings.
#[tauri::command]
pub async fn get_notifications<R: Runtime>(
    app: AppHandle<R>,
) -> Result<NotificationSettings, ApiError> {
    settings(app, "get_notifications", None, None).await
}

/// Turns notifications on or off, and/or sets their language (the UI's, sent at start and on
/// each switch, so that `cockpit watch` speaks it too); returns the settings.
#[tauri::command]
pub async fn set_notifications<R: Runtime>(
    app: AppHandle<R>,
    enabled: Option<bool>,
    lang: Option<String>,
) -> Result<NotificationSettings, ApiError> {
    settings(app, "set_notifications", enabled, lang).await
}

async fn settings<R: Runtime>(
    app: AppHandle<R>,
    name: &'static str,
    enabled: Option<bool>,
    lang: Option<String>,
) -> Result<NotificationSettings, ApiError> {
    let handle = app.clone();
    crate::diagnostics::timed(
        handle,
        name,
        cockpit_core::journal::OperationKind::UiCommand,
        async move {
            let state = app.state::<AppState>();
            state.ensure_ready()?;
            let db = state.workspace.db.clone();
            tauri::async_runtime::spawn_blocking(move || {
                let store = cockpit_core::store::Store::open(&db)?;
                if let Some(on) = enabled {
                    notifications::set_enabled(&store, on)?;
                }
                if let Some(l) = lang.as_deref() {
                    notifications::set_language(&store, Lang::parse(l))?;
                }
                Ok(notifications::settings(&store)?)
            })
            .await
            .map_err(|e| ApiError::internal(format!("the database task failed: {e}")))?
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::turbines_arg;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_turbines_option_is_read_in_both_spellings_and_blanks_are_left_out() {
        assert_eq!(
            turbines_arg(args(&["--turbines", "LYO-08, LYO-17,"])),
            ["LYO-08", "LYO-17"]
        );
        assert_eq!(turbines_arg(args(&["--turbines=LYO-03"])), ["LYO-03"]);
        assert!(turbines_arg(args(&["--turbines"])).is_empty());
        assert!(turbines_arg(args(&["--turbinesX", "LYO-01", "other"])).is_empty());
        assert!(turbines_arg(Vec::new()).is_empty());
    }
}
