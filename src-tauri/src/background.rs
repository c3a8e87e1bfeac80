//! The Diagnostics tab's background service card: "score daily in the background" on or off
//! (`systemctl --user enable|disable --now` through the core, as `cockpit service` does), the
//! unit's state and who handles the daily run ("Daily run handled by the background service,
//! last heartbeat 06:00:02"). Every sentence comes from the core (`cockpit_core::background`), in
//! the UI's language.

use cockpit_core::background::{self, BackgroundStatus};
use cockpit_core::journal::OperationKind;
use cockpit_core::lang::Lang;
use tauri::{AppHandle, Manager, Runtime};

use crate::diagnostics::timed;
use crate::error::ApiError;
use crate::state::AppState;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the background service task failed: {e}")))?
}

/// The background service: the choice, the unit's state, the timer's owner, in words.
#[tauri::command]
pub async fn background_status<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<BackgroundStatus, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(
        handle,
        "background_status",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                app.state::<AppState>()
                    .read(|store| Ok(background::status(store, lang)?))
            })
            .await
        },
    )
    .await
}

/// "Score daily in the background" on or off; returns the state after the change. Without a
/// systemd user session the answer is the `no_user_systemd` error (the choice "off" is still
/// kept).
#[tauri::command]
pub async fn set_background<R: Runtime>(
    app: AppHandle<R>,
    on: bool,
    lang: Option<String>,
) -> Result<BackgroundStatus, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(
        handle,
        "set_background",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                app.state::<AppState>().read(|store| {
                    if on {
                        background::enable(store)?;
                    } else {
                        background::disable(store)?;
                    }
                    Ok(background::status(store, lang)?)
                })
            })
            .await
        },
    )
    .await
}
