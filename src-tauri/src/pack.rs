//! Field packs in the app: the office exports the turbines of the fleet view's filter to a pack
//! ("Export field pack…") and imports a pack's findings back ("Import field pack…"); "Open
//! field pack…" opens a pack in a window of its own (a second app process, as the file
//! association and the command line do); an app opened on a pack says so (`pack_info`).
//! Notes on an alert or an intervention are recorded here too (`add_note`). The core does the
//! work (`cockpit_core::pack`); the native file pickers are the dialog plugin's, in the UI.

use cockpit_core::lang::Lang;
use cockpit_core::pack::{self, ExportSummary, ImportSummary, PackInfo, Selection};
use cockpit_core::store::StoreError;
use cockpit_core::workflow::{alerts, Actor};
use tauri::{AppHandle, Runtime};

use crate::commands::{selected_ids, FleetFilterArgs};
use crate::error::ApiError;

fn lang_of(lang: Option<&str>) -> Lang {
    Lang::parse(lang.unwrap_or("en"))
}

/// The pack the app is showing, in the UI's language; `None` for a cockpit's own database.
#[tauri::command]
pub async fn pack_info<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<Option<PackInfo>, ApiError> {
    let lang = lang_of(lang.as_deref());
    crate::workflow::read(app, "pack_info", move |s| {
        Ok(PackInfo::read(s.conn(), lang).map_err(StoreError::from)?)
    })
    .await
}

/// Writes a pack of the turbines the fleet view's filter shows to `path`.
#[tauri::command]
pub async fn export_pack<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<FleetFilterArgs>,
    path: String,
) -> Result<ExportSummary, ApiError> {
    let filter = filter.unwrap_or_default();
    crate::workflow::write(app, "export_pack", move |s| {
        let turbines = selected_ids(&filter, s)?;
        if turbines.is_empty() {
            return Err(pack::PackError::Selection(
                "no turbine is shown by the filter: widen it before exporting a pack".into(),
            )
            .into());
        }
        let actor = Actor::resolve(s, None)?;
        let sel = Selection {
            turbines,
            ..Selection::default()
        };
        Ok(pack::export(s, &sel, std::path::Path::new(&path), &actor)?)
    })
    .await
}

/// Imports the findings of the pack at `path` into this database.
#[tauri::command]
pub async fn import_pack<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    lang: Option<String>,
) -> Result<ImportSummary, ApiError> {
    let lang = lang_of(lang.as_deref());
    crate::workflow::write(app, "import_pack", move |s| {
        Ok(pack::import(s, std::path::Path::new(&path), lang)?)
    })
    .await
}

/// Opens the pack at `path` in a window of its own: the app started again on it. The pack is
/// checked first, so a damaged one is refused here with its reason.
#[tauri::command]
pub async fn open_pack<R: Runtime>(app: AppHandle<R>, path: String) -> Result<(), ApiError> {
    crate::diagnostics::timed(
        app.clone(),
        "open_pack",
        cockpit_core::journal::OperationKind::UiCommand,
        async move {
            let p = std::path::PathBuf::from(&path);
            pack::info::open_checked(&p, Lang::En)?;
            let exe = std::env::current_exe().map_err(ApiError::internal_from)?;
            std::process::Command::new(exe)
                .arg(&p)
                .env_remove(crate::state::DB_ENV)
                .spawn()
                .map_err(|e| {
                    ApiError::internal(format!("the app could not be started on the pack: {e}"))
                })?;
            Ok(())
        },
    )
    .await
}

/// Adds a note to the turbine's latest alert, or to one of its interventions.
#[tauri::command]
pub async fn add_note<R: Runtime>(
    app: AppHandle<R>,
    turbine: String,
    intervention: Option<String>,
    text: String,
) -> Result<(), ApiError> {
    crate::workflow::write(app, "add_note", move |s| {
        let actor = Actor::resolve(s, None)?;
        alerts::note(s, &actor, &turbine, intervention.as_deref(), &text)?;
        Ok(())
    })
    .await
}
