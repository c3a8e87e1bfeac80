//! The Diagnostics page's model sets: the set in service, the candidate (chosen with the native
//! folder picker, or dropped in the models folder's `candidate/`), their comparison, promote and
//! rollback (the service hot-swaps at once), and the history of which set served which run. Every
//! sentence comes from the core (`cockpit_core::modelsets`), in the UI's language.

use cockpit_core::journal::OperationKind;
use cockpit_core::lang::Lang;
use cockpit_core::model::OrtRuntime;
use cockpit_core::modelsets::{
    self, Agreement, ComparisonText, ModelSetChange, ModelSetError, ModelSetHistory, ModelSetInfo,
    ModelSetStatus,
};
use cockpit_core::store::Store;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};

use crate::diagnostics::timed;
use crate::error::ApiError;
use crate::state::AppState;

/// The model sets as the Diagnostics page shows them.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ModelSetsPage {
    /// The set in service, the candidate and its check, the set a rollback returns to.
    pub status: ModelSetStatus,
    /// Which set served which runs, and every promotion and rollback.
    pub history: ModelSetHistory,
    /// The question asked before promoting; `None`: nothing to promote.
    pub confirm_promote: Option<String>,
    /// The question asked before rolling back; `None`: nothing to roll back to.
    pub confirm_rollback: Option<String>,
}

/// The candidate beside the set in service, in words and figures.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ComparisonPage {
    /// The comparison's sentences in the UI's language.
    pub text: ComparisonText,
    /// The agreement's figures (the confusion table).
    pub agreement: Agreement,
}

fn ort() -> Result<&'static OrtRuntime, ApiError> {
    Ok(OrtRuntime::init(None)?)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the model sets task failed: {e}")))?
}

/// Status and history of the model sets.
#[tauri::command]
pub async fn model_sets<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<ModelSetsPage, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(handle, "model_sets", OperationKind::UiCommand, async move {
        blocking(move || {
            let state = app.state::<AppState>();
            let ws = state.workspace.clone();
            let ort = ort().ok();
            state.read(|store| {
                let status = modelsets::status(store, &ws.model_sets, &ws.models, ort)?;
                Ok(ModelSetsPage {
                    confirm_promote: status.confirm_promote(lang),
                    confirm_rollback: status.confirm_rollback(lang),
                    history: modelsets::history(store)?,
                    status,
                })
            })
        })
        .await
    })
    .await
}

/// The candidate beside the set in service: agreement over the shadow-scored runs and both
/// backtests on this fleet's history.
#[tauri::command]
pub async fn compare_model_sets<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<ComparisonPage, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let handle = app.clone();
    timed(
        handle,
        "compare_model_sets",
        OperationKind::UiCommand,
        async move {
            blocking(move || {
                let state = app.state::<AppState>();
                state.ensure_ready()?;
                let ws = state.workspace.clone();
                let policy = state.policy();
                let dir = modelsets::candidate(&ws.model_sets, &ws.models).ok_or_else(|| {
                    ModelSetError::NoCandidate {
                        action: "compare",
                        models_candidate: ws.models.join(modelsets::CANDIDATE_DIR_NAME),
                    }
                })?;
                let mut candidate = modelsets::check(&dir, ort()?)?;
                let store = Store::open(&ws.db)?;
                let serving = modelsets::in_service(&store, &ws.models)?;
                let mut served = modelsets::check(&serving, ort()?)?;
                let c =
                    modelsets::compare(&store, &mut served, &mut candidate, &policy, None, None)?;
                Ok(ComparisonPage {
                    text: c.text(lang),
                    agreement: c.agreement,
                })
            })
            .await
        },
    )
    .await
}

/// Chooses the model set in `dir` (a folder the user picked) as the candidate.
#[tauri::command]
pub async fn choose_candidate<R: Runtime>(
    app: AppHandle<R>,
    dir: String,
) -> Result<ModelSetInfo, ApiError> {
    blocking(move || {
        let state = app.state::<AppState>();
        state.ensure_ready()?;
        let ws = state.workspace.clone();
        let store = Store::open(&ws.db)?;
        Ok(modelsets::choose_candidate(
            &store,
            &ws.model_sets,
            std::path::Path::new(&dir),
            ort()?,
        )?)
    })
    .await
}

/// Promotes the candidate (or rolls back when `rollback`), then has the service swap to the set
/// now in service.
fn change<R: Runtime>(app: &AppHandle<R>, rollback: bool) -> Result<ModelSetChange, ApiError> {
    let state = app.state::<AppState>();
    state.ensure_ready()?;
    let ws = state.workspace.clone();
    let mut store = Store::open(&ws.db)?;
    let change = if rollback {
        modelsets::rollback(&mut store, &ws.models, ort()?)?
    } else {
        modelsets::promote(&mut store, &ws.model_sets, &ws.models, ort()?)?
    };
    // The service swaps at once (its next run would otherwise notice the record).
    let _ = state.with_service(|s| s.reload_models());
    Ok(change)
}

/// Puts the candidate in service (journalled by the core).
#[tauri::command]
pub async fn promote_model_set<R: Runtime>(app: AppHandle<R>) -> Result<ModelSetChange, ApiError> {
    blocking(move || change(&app, false)).await
}

/// Returns to the set that served before (journalled by the core).
#[tauri::command]
pub async fn rollback_model_set<R: Runtime>(app: AppHandle<R>) -> Result<ModelSetChange, ApiError> {
    blocking(move || change(&app, true)).await
}
