//! Start-up, on a background thread so the window shows at once: first launch builds the demo
//! park (simulated, ingested, 30 days of daily runs backfilled, scored), then the service starts
//! the daily timer and the inbox and models watchers.

use std::time::Instant;

use cockpit_core::background::{self, OwnerKind};
use cockpit_core::config;
use cockpit_core::journal::redact;
use cockpit_core::lang::Lang;
use cockpit_core::mapping::Mapping;
use cockpit_core::pack;
use cockpit_core::risk::RiskPolicy;
use cockpit_core::runs::Trigger;
use cockpit_core::service::{Service, ServiceConfig};
use cockpit_core::workspace::{DemoMode, WorkspaceError};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::ApiError;
use crate::state::{AppState, Phase};

/// Event carrying the start-up [`Phase`].
pub const APP_STATUS_EVENT: &str = "app-status";
/// Event carrying what the service did (timer runs, inbox files, models swapped).
pub const SERVICE_EVENT: &str = "service-event";

fn set_phase<R: Runtime>(app: &AppHandle<R>, phase: Phase) {
    let state = app.state::<AppState>();
    state.set_phase(phase.clone());
    let _ = app.emit(APP_STATUS_EVENT, phase);
}

/// Starts the start-up thread.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    let t0 = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("cockpit-startup".into())
        .spawn(move || {
            let result = prepare(&app);
            match result {
                Ok((policy, is_pack)) => {
                    // The views only need the database: show them now, then start the triggers
                    // (loading the models takes a moment; "Score now" waits for it). A field
                    // pack is not scored: no models, no triggers.
                    app.state::<AppState>().set_policy(policy);
                    set_phase(&app, Phase::Ready);
                    tracing::info!(
                        duration_ms = t0.elapsed().as_millis() as u64,
                        field_pack = is_pack,
                        "app ready"
                    );
                    if !is_pack {
                        start_service(&app, policy);
                        crate::sync::start(&app);
                    }
                    release_freed_memory();
                }
                Err(e) => {
                    tracing::error!(code = e.code.as_str(), error = %redact(&e.message), "start-up failed");
                    set_phase(
                        &app,
                        Phase::Failed {
                            code: e.code.to_string(),
                            message: e.message,
                        },
                    );
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the start-up thread");
    }
}

/// The workspace's error as the views show it (the code of the module that failed).
fn api_error(e: WorkspaceError) -> ApiError {
    match e {
        WorkspaceError::Store(e) => e.into(),
        WorkspaceError::Demo(e) => e.into(),
        WorkspaceError::Model(e) => e.into(),
        WorkspaceError::Run(e) => e.into(),
        WorkspaceError::Query(e) => e.into(),
        WorkspaceError::ModelSet(e) => e.into(),
    }
}

/// Opens the database and, on first launch, builds and scores the demo park
/// ([`Workspace::prepare_demo`](cockpit_core::workspace::Workspace::prepare_demo), as
/// `cockpit demo` does). A field pack is checked instead (format, seal: a damaged pack is
/// refused with its reason) and shown as it is. Returns the risk policy in force and whether the
/// database is a field pack.
fn prepare<R: Runtime>(app: &AppHandle<R>) -> Result<(RiskPolicy, bool), ApiError> {
    let paths = app.state::<AppState>().workspace.clone();
    tracing::info!(
        db = %paths.db.display(),
        models = %paths.models.display(),
        "opening the workspace"
    );
    let (policy, _) = config::load_policy(None)?;
    if paths.is_pack_file() {
        pack::info::open_checked(&paths.db, Lang::En)?;
    }
    // A new installation: no database yet in the default data folder (the one the background
    // service's unit serves).
    let new_install =
        !paths.db.exists() && cockpit_core::store::default_db_path().is_ok_and(|d| d == paths.db);
    let mut store = paths.open_store()?;
    if store.is_pack() {
        return Ok((policy, true));
    }
    if new_install {
        // "Score daily in the background" is on by default for a new installation (left off
        // where there is no systemd user session; the app then runs the daily timer).
        let lang = cockpit_core::lang::Lang::parse(&std::env::var("LANG").unwrap_or_default());
        if let Err(e) = background::apply_default(&store, lang) {
            tracing::warn!(error = %redact(&e.to_string()), "the background service default could not be applied");
        }
    }
    let prepared = paths.prepare_demo(
        &mut store,
        &policy,
        DemoMode::IfMissing,
        Trigger::Backfill,
        |step| {
            set_phase(
                app,
                Phase::PreparingDemo {
                    step: step.as_str().into(),
                },
            )
        },
    );
    match prepared {
        Ok(_) => {}
        // No models yet: the cockpit still opens (the fleet says why nothing is ranked, and
        // the models watcher scores as soon as valid models land in the folder).
        Err(WorkspaceError::Model(e)) => tracing::warn!(
            error = %redact(&e.to_string()),
            "the demo park cannot be scored yet"
        ),
        Err(e) => return Err(api_error(e)),
    }
    Ok((policy, false))
}

/// Starts the daily timer and the inbox and models watchers.
fn start_service<R: Runtime>(app: &AppHandle<R>, policy: RiskPolicy) {
    let paths = app.state::<AppState>().workspace.clone();
    let t = Instant::now();
    let emitter = app.clone();
    let notifier = crate::notifications::AppNotifier::new(app.clone());
    let service = Service::start_notifying(
        ServiceConfig {
            db: paths.db.clone(),
            models_dir: paths.models.clone(),
            policy,
            inbox: Some(paths.inbox.clone()),
            mapping: Mapping::canonical(),
            timer: true,
            // The app gives the timer and the inbox to a live background service.
            owner: OwnerKind::App,
            watch_models: true,
            // COCKPIT_INBOX_SETTLE_SECONDS, else the default; a wrong value fails the service
            // start with its message.
            inbox_settle: None,
        },
        move |event| {
            let _ = emitter.emit(SERVICE_EVENT, event);
        },
        // The app's own timer and inbox runs; `cockpit watch` notifies for its own.
        Some(std::sync::Arc::new(notifier)),
    );
    match service {
        Ok(s) => {
            app.state::<AppState>().set_service(s);
            tracing::info!(
                duration_ms = t.elapsed().as_millis() as u64,
                "triggers started"
            );
        }
        // The views still work without the triggers; "Score now" says why it cannot run.
        Err(e) => tracing::error!(
            error = %redact(&e.to_string()),
            "the triggers could not start"
        ),
    }
}

/// Hands the memory freed after start-up (the demo park's simulation and ingestion, the
/// backfilled runs) back to the system: glibc otherwise keeps it in its arenas, and the app's
/// resident memory would stay at its start-up peak.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Stops the service (timer and watchers) when the app exits.
pub fn shutdown<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<AppState>() {
        if let Some(service) = state.take_service() {
            service.stop();
        }
    }
}
