//! The shared fleet store in the app: the all-sites view (`hub_fleet`, the core's
//! [`cockpit_core::hub::view`]), the Sync card (`sync_status`, `save_sync_settings`,
//! `sync_now`) and the background sync — when it is on and a hub address is saved, a sync after
//! each scoring run the app makes (or the daily timer, the inbox, the CLI: any new run) and every
//! five minutes, on a thread of its own, never two at once ("Sync now" waits for a background sync
//! in progress), never inside the async runtime (the PostgreSQL client blocks). A failure is recorded by the core (`hub.last_error`) and shown in
//! the Sync card; a field pack never syncs.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, TryLockError};
use std::time::{Duration, Instant};

use cockpit_core::clock;
use cockpit_core::hub::sync::{self, SyncReport, SyncSettings, SyncStatus};
use cockpit_core::hub::view::{self, AllSites};
use cockpit_core::hub::words::{self, SyncText};
use cockpit_core::hub::{HubError, HubTarget};
use cockpit_core::journal::{redact, OperationKind};
use cockpit_core::lang::Lang;
use cockpit_core::store::Store;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::diagnostics::timed;
use crate::diagnostics::timed_read;
use crate::error::ApiError;
use crate::state::{lock, AppState};

/// Event sent when a sync ended (background or "Sync now"): the Sync card and the all-sites
/// view refresh.
pub const SYNC_EVENT: &str = "sync-finished";
/// How often the background sync runs when nothing else starts it.
pub const INTERVAL: Duration = Duration::from_secs(5 * 60);
/// How often the background thread looks for a new scoring run.
const LOOK: Duration = Duration::from_secs(20);

/// The app's sync: one at a time, and the background thread's wake-up.
#[derive(Default)]
pub struct SyncState {
    /// Held for the whole of a sync: "Sync now" waits for a background sync in progress, the
    /// background thread skips its turn while "Sync now" runs.
    running: Mutex<()>,
    kick: Mutex<Option<Sender<()>>>,
}

impl SyncState {
    /// Asks the background thread for a sync now (after a scoring run); nothing when it is not
    /// running.
    pub fn kick(&self) {
        if let Some(tx) = lock(&self.kick).as_ref() {
            let _ = tx.send(());
        }
    }
}

/// Asks for a background sync after a run the app made (nothing when it is off).
pub fn after_run<R: Runtime>(app: &AppHandle<R>) {
    if let Some(s) = app.try_state::<SyncState>() {
        s.kick();
    }
}

/// One sync with the saved address, on the caller's (blocking) thread. `wait`: wait for a sync
/// in progress (then sync again); otherwise `None` when one is in progress.
fn sync_once<R: Runtime>(app: &AppHandle<R>, wait: bool) -> Option<Result<SyncReport, ApiError>> {
    let syncs = app.state::<SyncState>();
    let _running = if wait {
        lock(&syncs.running)
    } else {
        match syncs.running.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        }
    };
    let result = (|| -> Result<SyncReport, ApiError> {
        let state = app.state::<AppState>();
        state.ensure_ready()?;
        let mut store = Store::open(&state.workspace.db)?;
        let server = sync::settings(&store)?.server.ok_or(HubError::NoServer)?;
        let target = HubTarget::parse(&server)?;
        Ok(sync::sync(&mut store, &target)?)
    })();
    let _ = app.emit(
        SYNC_EVENT,
        result.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    Some(result)
}

/// The latest successful run's id (a new one means a sync is due).
fn latest_run(store: &Store) -> Option<i64> {
    store
        .conn()
        .query_row(
            "SELECT MAX(id) FROM runs WHERE status = 'succeeded'",
            [],
            |r| r.get::<_, Option<i64>>(0),
        )
        .ok()
        .flatten()
}

/// Starts the background sync thread (not for a field pack). It syncs when the setting is on and
/// an address is saved: after each new run, and every [`INTERVAL`].
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    app.manage(SyncState::default());
    let (tx, rx) = mpsc::channel::<()>();
    *lock(&app.state::<SyncState>().kick) = Some(tx);
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("cockpit-hub-sync".into())
        .spawn(move || {
            let db = app.state::<AppState>().workspace.db.clone();
            let mut seen: Option<i64> = None;
            let mut last_attempt: Option<Instant> = None;
            loop {
                let kicked = match rx.recv_timeout(LOOK) {
                    Ok(()) => true,
                    Err(RecvTimeoutError::Timeout) => false,
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                let Ok(store) = Store::open(&db) else {
                    continue;
                };
                let on = matches!(
                    sync::settings(&store),
                    Ok(SyncSettings { server: Some(_), enabled: true })
                );
                let latest = latest_run(&store);
                drop(store);
                let new_run = latest.is_some() && latest != seen;
                let due = last_attempt.is_none_or(|t| t.elapsed() >= INTERVAL);
                if !on || !(kicked || new_run || due) {
                    continue;
                }
                seen = latest;
                last_attempt = Some(Instant::now());
                match sync_once(&app, false) {
                    None => {}
                    Some(Ok(r)) => tracing::info!(
                        pushed_events = r.pushed_events,
                        pushed_runs = r.pushed_runs,
                        pulled_events = r.pulled_events,
                        duration_ms = r.duration_ms,
                        "hub sync"
                    ),
                    Some(Err(e)) => tracing::warn!(code = e.code.as_str(), error = %redact(&e.message), "hub sync failed"),
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the hub sync thread");
    }
}

/// The all-sites view: every site known here and from the hub copy, in `lang`.
#[tauri::command]
pub async fn hub_fleet<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<AllSites, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    timed_read(app, "hub_fleet", OperationKind::UiCommand, move |s| {
        Ok(view::all_sites(s, lang, clock::now())?)
    })
    .await
}

/// The Sync card: where this cockpit stands with the hub, and its sentences in the UI's
/// language.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SyncCard {
    /// The saved settings, the pending counts, the last sync and the last error.
    pub status: SyncStatus,
    /// The same in words, and where the password goes.
    pub text: SyncText,
}

impl SyncCard {
    /// The card of `status` in `lang` at `now`.
    pub fn of(status: SyncStatus, lang: Lang, now: i64) -> SyncCard {
        let text = words::sync_text(
            status.last_sync,
            status.pending_events,
            status.pending_runs,
            status.last_error.as_deref(),
            now,
            lang,
        );
        SyncCard { status, text }
    }
}

/// Where this cockpit stands with the hub (no connection made), with its words.
#[tauri::command]
pub async fn sync_status<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<SyncCard, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    timed_read(app, "sync_status", OperationKind::UiCommand, move |s| {
        Ok(SyncCard::of(sync::status(s)?, lang, clock::now()))
    })
    .await
}

/// Saves the hub's address (checked first: a malformed one is refused with `hub_address` and
/// nothing is saved; the password stays in `~/.pgpass` or `PGPASSWORD`) and the background
/// sync's on/off.
#[tauri::command]
pub async fn save_sync_settings<R: Runtime>(
    app: AppHandle<R>,
    server: Option<String>,
    enabled: bool,
) -> Result<SyncSettings, ApiError> {
    let server = server.filter(|s| !s.trim().is_empty());
    if let Some(address) = &server {
        HubTarget::parse(address)?;
    }
    timed_read(
        app,
        "save_sync_settings",
        OperationKind::UiCommand,
        move |s| Ok(sync::save_settings(s, server.as_deref(), enabled)?),
    )
    .await
}

/// Syncs now with the saved address, on a blocking thread; the report, or the coded error (the
/// core records it as the last error too).
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Result<SyncReport, ApiError> {
    let handle = app.clone();
    timed(handle, "sync_now", OperationKind::UiCommand, async move {
        app.state::<AppState>().ensure_ready()?;
        if app.try_state::<SyncState>().is_none() {
            app.manage(SyncState::default());
        }
        tauri::async_runtime::spawn_blocking(move || {
            sync_once(&app, true).unwrap_or_else(|| Err(ApiError::internal("no sync was made")))
        })
        .await
        .map_err(|e| ApiError::internal(format!("the sync task failed: {e}")))?
    })
    .await
}
