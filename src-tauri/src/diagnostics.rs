//! The diagnostics tab's commands: health, metrics and monitoring, the run durations chart, the
//! recent log lines, the log folder, the diagnostics bundle; the app's log files; and
//! [`timed`], which writes every command to the operations journal, and [`timed_read`], the
//! commands' timed reads of the database on a blocking thread.
//!
//! `health`, `recent_logs`, `open_log_folder` and `export_diagnostics_bundle` work even when
//! start-up failed (that is when they are needed); `diagnostics` and `run_durations_chart` need
//! the database, like the other views.

use std::future::Future;
use std::path::Path;
use std::time::Instant;

use cockpit_core::journal::{self, Operation, OperationKind};
use cockpit_core::lang::Lang;
use cockpit_core::model::Manifest;
use cockpit_core::store::Store;
use cockpit_core::telemetry::health::{self, HealthConfig, HealthReport};
use cockpit_core::telemetry::logging::{self, LogLine, LogQuery};
use cockpit_core::telemetry::{self, bundle, chart, Diagnostics};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};

use crate::error::ApiError;
use crate::phrased::CategoryLabels;
use crate::state::{AppState, Phase};
use cockpit_core::clock::now;
use cockpit_core::errors::ErrorCode;
use cockpit_core::workspace::Workspace;

/// Sets up the app's logs: JSON-lines files in the workspace's `logs/` and readable lines on standard
/// error. The guard must live as long as the app.
pub fn init_logging(workspace: &Workspace) -> Option<logging::LogGuard> {
    let opts = logging::LogOptions {
        dir: Some(workspace.logs.clone()),
        console: Some(1),
        ansi: false,
    };
    match logging::init(&opts) {
        Ok(guard) => {
            if let Some(e) = &guard.file_error {
                eprintln!("[cockpit] log files are off: {e}");
            }
            Some(guard)
        }
        Err(e) => {
            eprintln!("[cockpit] logging is off: {e}");
            None
        }
    }
}

/// Runs a command, then writes it to the operations journal (on a blocking thread, not awaited:
/// the answer never waits for the journal; a journal that cannot be written is only logged).
pub async fn timed<R, T, F>(
    app: AppHandle<R>,
    name: &'static str,
    kind: OperationKind,
    command: F,
) -> Result<T, ApiError>
where
    R: Runtime,
    F: Future<Output = Result<T, ApiError>>,
{
    let started = Instant::now();
    let result = command.await;
    let op = Operation::finished(
        kind,
        name,
        started,
        result.as_ref().map(|_| ()).map_err(|e| e.to_string()),
        None,
    );
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        if state.phase() != Phase::Ready {
            tracing::info!(
                command = name,
                duration_ms = op.duration_ms,
                ok = op.ok,
                "command before the database is ready"
            );
            return;
        }
        // Not the views' reader: this write may wait for a run's transaction.
        let _ = state.write_journal(|store| journal::record_quietly(store, &op));
    });
    result
}

fn manifest(workspace: &Workspace) -> Option<serde_json::Value> {
    // The set in service: the promoted one when a set was promoted, else the models folder.
    Manifest::read(&workspace.models_shown())
        .ok()
        .map(|m| m.raw)
}

fn health_report<R: Runtime>(app: &AppHandle<R>, lang: Lang) -> HealthReport {
    let state = app.state::<AppState>();
    let p = &state.workspace;
    let mut cfg = HealthConfig::new(
        &p.db,
        &p.models_shown(),
        &p.inbox,
        &app.package_info().version.to_string(),
    );
    // The models the service holds; while a run holds the service, the folder is checked.
    cfg.models_in_service = state.try_with_service(|s| s.model_status());
    cfg.lang = lang;
    health::run(&cfg)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the diagnostics task failed: {e}")))?
}

/// The health report: `ok`, `degraded` or `error`, with every check's message in the UI's
/// language.
#[tauri::command]
pub async fn health<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<HealthReport, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(handle, "health", OperationKind::UiCommand, async move {
        blocking(move || Ok(health_report(&app, lang))).await
    })
    .await
}

/// The diagnostics as the UI receives them: the core's report (its alert level message in the
/// UI's language) with the category names in the UI's language.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct DiagnosticsPage {
    #[serde(flatten)]
    pub report: Diagnostics,
    pub labels: CategoryLabels,
}

/// Metrics, availability, alert level, categories, drift and freshness.
#[tauri::command]
pub async fn diagnostics<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<DiagnosticsPage, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(
        handle,
        "diagnostics",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                let state = app.state::<AppState>();
                let paths = state.workspace.clone();
                let manifest = manifest(&paths);
                let report = state.read(|store| {
                    Ok(telemetry::diagnostics(
                        store,
                        manifest.as_ref(),
                        &paths.logs,
                        now(),
                        lang,
                    )?)
                })?;
                Ok(DiagnosticsPage {
                    report,
                    labels: CategoryLabels::of(lang),
                })
            })
            .await
        },
    )
    .await
}

/// Duration of every fleet run of the last 30 days (SVG text).
#[tauri::command]
pub async fn run_durations_chart<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<String, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(
        handle,
        "run_durations_chart",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                app.state::<AppState>()
                    .read(|store| Ok(chart::run_durations_chart(store, now(), lang)?))
            })
            .await
        },
    )
    .await
}

/// The most recent log lines, newest first; `level`: that level and the more severe ones.
#[tauri::command]
pub async fn recent_logs<R: Runtime>(
    app: AppHandle<R>,
    limit: Option<usize>,
    level: Option<String>,
    search: Option<String>,
) -> Result<Vec<LogLine>, ApiError> {
    let level = level.filter(|l| !l.trim().is_empty());
    if let Some(l) = &level {
        if !["error", "warn", "info", "debug"].contains(&l.trim().to_ascii_lowercase().as_str()) {
            return Err(ApiError::new(
                ErrorCode::InvalidLevel,
                format!("unknown log level '{l}': use error, warn, info or debug"),
            ));
        }
    }
    let handle = app.clone();
    timed(
        handle,
        "recent_logs",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                let dir = app.state::<AppState>().workspace.logs.clone();
                let query = LogQuery {
                    limit,
                    level,
                    search,
                };
                Ok(logging::recent_logs(&dir, &query)?)
            })
            .await
        },
    )
    .await
}

/// Opens `dir` (created if missing) in the desktop's file manager, through the opener plugin.
fn open_folder<R: Runtime>(app: &AppHandle<R>, dir: &Path) -> Result<(), ApiError> {
    use tauri_plugin_opener::OpenerExt;
    std::fs::create_dir_all(dir).map_err(|e| {
        ApiError::new(
            ErrorCode::OpenFolder,
            format!("the log folder {} cannot be created: {e}", dir.display()),
        )
    })?;
    let cannot = |why: String| {
        ApiError::new(
            ErrorCode::OpenFolder,
            format!(
                "the folder {} cannot be opened in the file manager ({why}); open it by hand",
                dir.display()
            ),
        )
    };
    let path = dir
        .to_str()
        .ok_or_else(|| cannot("the path is not valid UTF-8".to_string()))?;
    app.opener()
        .open_path(path, None::<&str>)
        .map_err(|e| cannot(e.to_string()))
}

/// Opens the log folder in the file manager.
#[tauri::command]
pub async fn open_log_folder<R: Runtime>(app: AppHandle<R>) -> Result<(), ApiError> {
    let handle = app.clone();
    timed(
        handle,
        "open_log_folder",
        OperationKind::UiCommand,
        async move {
            blocking(move || open_folder(&app, &app.state::<AppState>().workspace.logs)).await
        },
    )
    .await
}

/// Where the bundle was written.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BundlePath {
    pub path: String,
}

/// Writes the diagnostics bundle (.tar.gz) to the Downloads folder (the app's data folder if
/// there is none).
#[tauri::command]
pub async fn export_diagnostics_bundle<R: Runtime>(
    app: AppHandle<R>,
) -> Result<BundlePath, ApiError> {
    let handle = app.clone();
    timed(
        handle,
        "export_diagnostics_bundle",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                let state = app.state::<AppState>();
                let paths = state.workspace.clone();
                let report = health_report(&app, Lang::En);
                let logs = paths.logs.clone();
                let store = if paths.db.is_file() {
                    Store::open(&paths.db).ok()
                } else {
                    None
                };
                let manifest = manifest(&paths);
                let diagnostics = match &store {
                    Some(s) => telemetry::diagnostics(s, manifest.as_ref(), &logs, now(), Lang::En)
                        .map_err(|e| e.to_string()),
                    None => Err("the database cannot be opened (see health.json)".to_string()),
                };
                let out = dirs::download_dir().unwrap_or_else(|| paths.data_dir.clone());
                let path = bundle::export(
                    &out,
                    &bundle::BundleInput {
                        health: &report,
                        diagnostics: diagnostics.as_ref().map_err(Clone::clone),
                        store: store.as_ref(),
                        log_dir: &logs,
                        now: now(),
                    },
                )?;
                Ok(BundlePath {
                    path: path.display().to_string(),
                })
            })
            .await
        },
    )
    .await
}

/// Runs `f` with the read connection on a blocking thread.
pub(crate) async fn with_store<R, T, F>(app: &AppHandle<R>, f: F) -> Result<T, ApiError>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
{
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().read(f))
        .await
        .map_err(|e| ApiError::internal(format!("the database task failed: {e}")))?
}

/// Runs `f` with the read connection, timed into the operations journal as `name`.
pub(crate) async fn timed_read<R, T, F>(
    app: AppHandle<R>,
    name: &'static str,
    kind: OperationKind,
    f: F,
) -> Result<T, ApiError>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
{
    timed(
        app.clone(),
        name,
        kind,
        async move { with_store(&app, f).await },
    )
    .await
}
