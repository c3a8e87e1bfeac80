//! Start-up, on a background thread so the window shows at once: first launch builds the demo
//! park (simulated, ingested, 30 days of daily runs backfilled, scored), then the service starts
//! the daily timer and the inbox and models watchers.

use std::time::Instant;

use cockpit_core::config;
use cockpit_core::demo::{self, BACKFILL_DAYS};
use cockpit_core::features;
use cockpit_core::mapping::Mapping;
use cockpit_core::model::{ModelSet, OrtRuntime};
use cockpit_core::runs::{self, RunRequest, Trigger};
use cockpit_core::service::{Service, ServiceConfig};
use cockpit_core::store::Store;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::ApiError;
use crate::state::{AppState, Phase};
use cockpit_core::clock::now;

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
                Ok(policy) => {
                    // The views only need the database: show them now, then start the triggers
                    // (loading the models takes a moment; "Score now" waits for it).
                    set_phase(&app, Phase::Ready);
                    eprintln!("[cockpit] ready in {} ms", t0.elapsed().as_millis());
                    tracing::info!(duration_ms = t0.elapsed().as_millis() as u64, "app ready");
                    start_service(&app, policy);
                    release_freed_memory();
                }
                Err(e) => {
                    eprintln!("[cockpit] start-up failed: {}", e.message);
                    tracing::error!(code = e.code.as_str(), error = %cockpit_core::journal::redact(&e.message), "start-up failed");
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
        eprintln!("[cockpit] cannot start the start-up thread: {e}");
    }
}

/// Whether a table has a row (EXISTS, not `counts()`: counting every reading of a large fleet
/// takes a while).
fn exists(store: &Store, table: &str) -> Result<bool, ApiError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
    Ok(store
        .conn()
        .query_row(&sql, [], |r| r.get(0))
        .map_err(cockpit_core::store::StoreError::from)?)
}

fn load_models(dir: &std::path::Path) -> Result<ModelSet, ApiError> {
    let ort = OrtRuntime::init(None)?;
    let names = features::feature_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Ok(ModelSet::load(dir, &refs, ort)?)
}

/// Opens the database and, on first launch, builds and scores the demo park. Returns the risk
/// policy in force.
fn prepare<R: Runtime>(app: &AppHandle<R>) -> Result<cockpit_core::risk::RiskPolicy, ApiError> {
    let paths = app.state::<AppState>().paths.clone();
    eprintln!(
        "[cockpit] database {}, models {}",
        paths.db.display(),
        paths.models.display()
    );
    let (policy, _) = config::load_policy(None)?;
    let mut store = Store::open(&paths.db)?;
    let has_turbines = exists(&store, "turbines")?;
    if !has_turbines {
        let t = Instant::now();
        set_phase(
            app,
            Phase::PreparingDemo {
                step: "simulating".into(),
            },
        );
        demo::run_demo(&mut store, &paths.demo, now())?;
        eprintln!(
            "[cockpit] demo park simulated and ingested in {} ms",
            t.elapsed().as_millis()
        );
    }
    let has_run = runs::queries::latest_run(&store)?.is_some();
    if !has_run && exists(&store, "readings")? {
        let t = Instant::now();
        set_phase(
            app,
            Phase::PreparingDemo {
                step: "scoring".into(),
            },
        );
        match load_models(&paths.models) {
            Ok(mut models) => {
                runs::backfill_daily(&mut store, &mut models, &policy, BACKFILL_DAYS)?;
                runs::score(
                    &mut store,
                    &mut models,
                    &policy,
                    RunRequest {
                        trigger: Trigger::Backfill,
                        at: None,
                        scheduled_for: None,
                    },
                )?;
                eprintln!(
                    "[cockpit] {BACKFILL_DAYS} days backfilled and scored in {} ms",
                    t.elapsed().as_millis()
                );
            }
            // No models yet: the cockpit still opens (the fleet says why nothing is ranked, and
            // the models watcher scores as soon as valid models land in the folder).
            Err(e) => eprintln!(
                "[cockpit] the demo park cannot be scored yet: {}",
                e.message
            ),
        }
    }
    Ok(policy)
}

/// Starts the daily timer and the inbox and models watchers.
fn start_service<R: Runtime>(app: &AppHandle<R>, policy: cockpit_core::risk::RiskPolicy) {
    let paths = app.state::<AppState>().paths.clone();
    let t = Instant::now();
    let emitter = app.clone();
    let service = Service::start(
        ServiceConfig {
            db: paths.db.clone(),
            models_dir: paths.models.clone(),
            policy,
            inbox: Some(paths.inbox.clone()),
            mapping: Mapping::canonical(),
            timer: true,
            watch_models: true,
        },
        move |event| {
            let _ = emitter.emit(SERVICE_EVENT, event);
        },
    );
    match service {
        Ok(s) => {
            app.state::<AppState>().set_service(s);
            eprintln!(
                "[cockpit] triggers started in {} ms",
                t.elapsed().as_millis()
            );
        }
        // The views still work without the triggers; "Score now" says why it cannot run.
        Err(e) => eprintln!("[cockpit] the triggers could not start: {e}"),
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
