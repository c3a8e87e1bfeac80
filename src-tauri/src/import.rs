//! "Import files…" and the quarantine: the built-in mappings to choose from, the import of files
//! the user picked (in the background, with [`IMPORT_PROGRESS_EVENT`] events, then a rescoring run
//! as the inbox does), a page of quarantined lines, and every quarantined line written as CSV.
//!
//! The file pickers are the dialog plugin's, in the UI: the commands take paths, so the same
//! commands serve the picker, the tests and the end-to-end walks.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use cockpit_core::errors::ErrorCode;
use cockpit_core::ingest::{self, IngestReport, QuarantinePage, QuarantineQuery};
use cockpit_core::journal::OperationKind;
use cockpit_core::lang::Lang;
use cockpit_core::mapping::{self, Mapping};
use cockpit_core::runs::{RunRecord, Trigger};
use cockpit_core::store::Store;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::diagnostics::timed;
use crate::error::ApiError;
use crate::state::AppState;

/// Event sent while files are imported: a [`cockpit_core::ingest::IngestProgress`] (bytes read over the total).
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

/// Least time between two progress events (the last one is always sent).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A built-in mapping the user can choose.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MappingChoice {
    /// Its name (`canonical`, `edp`, …), what `import_files` takes.
    pub name: String,
    /// What export it reads, from the mapping file.
    pub description: String,
}

/// The mappings built into the cockpit, with their descriptions.
#[tauri::command]
pub async fn mappings<R: Runtime>(app: AppHandle<R>) -> Result<Vec<MappingChoice>, ApiError> {
    timed(app, "mappings", OperationKind::UiCommand, async move {
        mapping::BUILTIN
            .iter()
            .map(|(name, _)| {
                let m = Mapping::load(name)?;
                Ok(MappingChoice {
                    name: m.name,
                    description: m.description,
                })
            })
            .collect()
    })
    .await
}

/// What an import did: the ingestion report, then the rescoring run (or why there was none).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImportOutcome {
    pub report: IngestReport,
    /// The run that rescored the fleet; `None` when nothing new was stored or the run failed.
    pub run: Option<RunRecord>,
    /// Why the fleet could not be rescored, when it could not.
    pub rescore_error: Option<ApiError>,
    /// One line, in the UI's language, for each file whose every row was quarantined (with the
    /// top reasons): the core's sentence.
    pub notes: Vec<String>,
}

/// Clears the "importing" flag however the import ends.
struct ImportFlag<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for ImportFlag<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Imports SCADA, registry and logbook files (the kind is read from each header) with a mapping —
/// a built-in name or a TOML file's path; canonical when absent — on a background thread, sending
/// [`IMPORT_PROGRESS_EVENT`] events; then rescores the fleet (trigger "new data") when rows were
/// stored. Files that cannot be read are listed in the report's `failed` with the core's message.
#[tauri::command]
pub async fn import_files<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
    mapping: Option<String>,
    lang: Option<String>,
) -> Result<ImportOutcome, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(
        handle,
        "import_files",
        OperationKind::UiCommand,
        async move {
            let state = app.state::<AppState>();
            state.ensure_ready()?;
            if paths.is_empty() {
                return Err(ApiError::new(
                    ErrorCode::Ingest,
                    "no file to import: pick at least one CSV file",
                ));
            }
            let mapping = match mapping.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
                Some(m) => Mapping::load(m)?,
                None => Mapping::canonical(),
            };
            let worker = app.clone();
            tauri::async_runtime::spawn_blocking(move || {
                import_blocking(&worker, &paths, &mapping, lang)
            })
            .await
            .map_err(|e| ApiError::internal(format!("the import task failed: {e}")))?
        },
    )
    .await
}

fn import_blocking<R: Runtime>(
    app: &AppHandle<R>,
    paths: &[String],
    mapping: &Mapping,
    lang: Lang,
) -> Result<ImportOutcome, ApiError> {
    let state = app.state::<AppState>();
    if state.importing.swap(true, Ordering::SeqCst) {
        return Err(ApiError::new(
            ErrorCode::Ingest,
            "an import is already in progress; its summary will show when it ends",
        ));
    }
    let _flag = ImportFlag(&state.importing);
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let mut store = Store::open(&state.workspace.db)?;
    let mut last_sent: Option<Instant> = None;
    let report = ingest::ingest_files_with_progress(&mut store, &paths, mapping, &mut |p| {
        let done = p.bytes_read >= p.bytes_total;
        if done || last_sent.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
            last_sent = Some(Instant::now());
            let _ = app.emit(IMPORT_PROGRESS_EVENT, p.clone());
        }
    });
    drop(store);
    let (run, rescore_error) = if report.accepted == 0 {
        (None, None)
    } else {
        match state.with_service(|s| s.score_now(Trigger::Watch)) {
            Some(Ok(run)) => (Some(run), None),
            Some(Err(e)) => (None, Some(ApiError::from(e))),
            None => (
                None,
                Some(ApiError::new(
                    ErrorCode::Service,
                    "the scoring service is not running, so the fleet was not rescored; press \"Score now\" or restart the cockpit",
                )),
            ),
        }
    };
    let notes = report
        .files
        .iter()
        .filter_map(|f| f.all_quarantined(lang))
        .collect();
    Ok(ImportOutcome {
        report,
        run,
        rescore_error,
        notes,
    })
}

/// The filters of the quarantine table, as the UI sends them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ts_rs::TS)]
#[ts(optional_fields)]
#[serde(default)]
pub struct QuarantineArgs {
    /// Only this file (as listed in the page's `files`); empty or absent: all.
    pub file: Option<String>,
    /// Only this reason code; empty or absent: all.
    pub reason: Option<String>,
    pub offset: Option<usize>,
    /// Lines per page (at most 1000; 100 when absent).
    pub limit: Option<usize>,
}

/// A page of quarantined lines (file, line, reason, raw text) with the files and reasons to
/// filter on.
#[tauri::command]
pub async fn quarantine<R: Runtime>(
    app: AppHandle<R>,
    query: Option<QuarantineArgs>,
) -> Result<QuarantinePage, ApiError> {
    let q = query.unwrap_or_default();
    let query = QuarantineQuery {
        file: q.file,
        reason: q.reason,
        offset: q.offset.unwrap_or(0),
        limit: q.limit.unwrap_or(100),
    };
    let handle = app.clone();
    timed(handle, "quarantine", OperationKind::UiCommand, async move {
        tauri::async_runtime::spawn_blocking(move || {
            app.state::<AppState>()
                .read(|store| Ok(ingest::quarantine_page(store, &query)?))
        })
        .await
        .map_err(|e| ApiError::internal(format!("the database task failed: {e}")))?
    })
    .await
}

/// Where the quarantine CSV was written and how many lines it holds.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct QuarantineCsv {
    pub path: String,
    pub lines: u64,
}

/// Writes every quarantined line to the CSV file `path` (the one the user picked).
#[tauri::command]
pub async fn export_quarantine_csv<R: Runtime>(
    app: AppHandle<R>,
    path: String,
) -> Result<QuarantineCsv, ApiError> {
    let handle = app.clone();
    timed(
        handle,
        "export_quarantine_csv",
        OperationKind::UiCommand,
        async move {
            tauri::async_runtime::spawn_blocking(move || {
                let target = PathBuf::from(&path);
                let lines = app
                    .state::<AppState>()
                    .read(|store| Ok(ingest::export_quarantine_csv(store, &target)?))?;
                Ok(QuarantineCsv { path, lines })
            })
            .await
            .map_err(|e| ApiError::internal(format!("the export task failed: {e}")))?
        },
    )
    .await
}
