//! The commands the UI invokes (`invoke("fleet", {filter})` …). Each one is a thin call into
//! `cockpit-core`; database work runs on a blocking thread, never on the window's thread, and
//! every error reaches the UI as `{code, message, summary_en, summary_fr}` ([`ApiError`]).
//! Each command is timed and written to the operations journal ([`crate::diagnostics::timed`]): `turbine` as a
//! single-turbine request, the others as UI commands (`app_status`, a start-up poll, is not).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use cockpit_core::charts;
use cockpit_core::clock;
use cockpit_core::journal::OperationKind;
use cockpit_core::lang::{category_text, Lang};
use cockpit_core::model::Manifest;
use cockpit_core::risk::Category;
use cockpit_core::runs::queries::{
    self, FleetFilter, FleetItem, FleetItemText, FleetView, SortKey, TurbineDetail,
};
use cockpit_core::runs::track_record::{self, CategoryRecord};
use cockpit_core::runs::{
    reasons_in_words, CategoryCounts, DataQualityText, Driver, NotScoredReason, RunRecord, Trigger,
};
use cockpit_core::schema::parse_timestamp;
use cockpit_core::service;
use cockpit_core::store::Store;
use cockpit_core::triggers::DailySchedule;
use cockpit_core::workflow::views::{self as workflow_views, AlertView, Changes};
use cockpit_core::workflow::Workflow;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::diagnostics::{timed_read, with_store};
use crate::error::ApiError;
use crate::phrased::{CategoryLabels, MeasurementText, RunRow, RunText};
use crate::state::{AppState, Phase};
use crate::worklist;
use cockpit_core::errors::ErrorCode;

/// Event sent while "Score now" runs: `started`, then `succeeded` (with the run) or `failed`.
pub const RUN_PROGRESS_EVENT: &str = "run-progress";

/// Most runs `runs` returns.
const MAX_RUNS: usize = 1000;

/// Filters of the fleet view and of the work list, as the UI sends them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ts_rs::TS)]
#[ts(optional_fields)]
#[serde(default, rename_all = "camelCase")]
pub struct FleetFilterArgs {
    /// One category: `critical`, `high`, `moderate`, `low` (or French); empty or absent: all.
    pub category: Option<String>,
    /// Several categories at once (the fleet view's toggles), together with `category` if both
    /// are given; empty or absent: all.
    pub categories: Option<Vec<String>>,
    pub site: Option<String>,
    /// Free text: turbine id, site or driver name.
    pub search: Option<String>,
    /// `score` (default), `p_fail` or `ttf` (shortest median time to failure first).
    pub sort: Option<String>,
    pub limit: Option<usize>,
    /// Only the turbines with an open alert nobody has acknowledged.
    pub unacknowledged: Option<bool>,
    /// Only these turbines (ids): the ones a notification named.
    pub turbines: Option<Vec<String>>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl FleetFilterArgs {
    /// The core filter (the core's search rule, [`queries::matches_search`]).
    fn to_core(&self) -> Result<FleetFilter, ApiError> {
        let mut categories = Vec::new();
        let named = self.category.iter().chain(self.categories.iter().flatten());
        for c in named.map(|c| c.trim()).filter(|c| !c.is_empty()) {
            let c =
                Category::parse(c).ok_or_else(|| queries::QueryError::UnknownCategory(c.into()))?;
            if !categories.contains(&c) {
                categories.push(c);
            }
        }
        let sort = non_empty(&self.sort).map(SortKey::parse).transpose()?;
        Ok(FleetFilter {
            categories,
            site: non_empty(&self.site).map(str::to_string),
            search: non_empty(&self.search).map(str::to_string),
            sort,
            limit: self.limit,
            unacknowledged: self.unacknowledged.unwrap_or(false),
            turbines: self.turbines.clone().unwrap_or_default(),
        })
    }

    /// The fleet view with this filter applied.
    pub fn apply(&self, store: &Store) -> Result<FleetView, ApiError> {
        Ok(queries::fleet(store, &self.to_core()?)?)
    }
}

/// The language the UI sends (`fr`, `en`…; English when absent).
fn lang_of(lang: Option<&str>) -> Lang {
    Lang::parse(lang.unwrap_or("en"))
}

/// A fleet row with its words in the UI's language.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FleetRow {
    #[serde(flatten)]
    pub item: FleetItem,
    /// Category, not-scored reason, drivers in words, and what a search matches.
    pub text: FleetItemText,
    /// The turbine's latest alert (open, acknowledged, or closed with its outcome); `None`:
    /// it never had one.
    pub alert: Option<AlertView>,
}

/// The fleet view as the UI receives it: rows already phrased.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FleetPage {
    pub run: RunRecord,
    /// The run's trigger and status in the UI's language.
    pub run_text: RunText,
    pub counts: CategoryCounts,
    pub items: Vec<FleetRow>,
    pub labels: CategoryLabels,
    /// How often each alert category has been right, most urgent first (the legend).
    pub track_record: Vec<TrackRecordText>,
    /// What changed since the previous run (new, escalated and closed alerts, categories up
    /// and down), for the top of the view.
    pub changes: Option<Changes>,
    /// A run of this app is scoring (a catch-up at launch, the daily timer, an inbox file, Score
    /// now): these rows are the last stored run's, and a `run` service event follows.
    pub updating: bool,
}

/// How often one alert category has been right, with its sentence in the UI's language.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TrackRecordText {
    #[serde(flatten)]
    pub record: CategoryRecord,
    /// "High or above — evaluation fleet (simulated): … ; this park: …".
    pub text: String,
}

impl TrackRecordText {
    fn all(records: Vec<CategoryRecord>, lang: Lang) -> Vec<TrackRecordText> {
        records
            .into_iter()
            .map(|record| TrackRecordText {
                text: record.text(lang),
                record,
            })
            .collect()
    }
}

/// The track record of every alert category: the evaluation fleet's figures from the manifest of
/// the model set in service (the latest promotion or rollback, else the models folder), this
/// park's from its stored runs.
fn track_records(store: &Store, models: &std::path::Path) -> Result<Vec<CategoryRecord>, ApiError> {
    let served =
        cockpit_core::modelsets::in_service(store, models).unwrap_or_else(|_| models.to_path_buf());
    let manifest = Manifest::read(&served).ok().map(|m| m.raw);
    Ok(track_record::track_record(store, manifest.as_ref())?)
}

impl FleetPage {
    /// The view in words, in `lang`, with each alert category's track record, each turbine's
    /// latest alert and what changed since the previous run.
    pub fn of(
        view: FleetView,
        records: Vec<CategoryRecord>,
        mut alerts: HashMap<String, AlertView>,
        changes: Option<Changes>,
        lang: Lang,
    ) -> FleetPage {
        FleetPage {
            changes,
            track_record: TrackRecordText::all(records, lang),
            run_text: RunText::of(&view.run, lang),
            run: view.run,
            counts: view.counts,
            items: view
                .items
                .into_iter()
                .map(|item| FleetRow {
                    text: item.text(lang),
                    alert: alerts.remove(&item.turbine_id),
                    item,
                })
                .collect(),
            labels: CategoryLabels::of(lang),
            updating: false,
        }
    }
}

/// The fleet ranked by risk (latest run), with the counts per category, in the UI's language.
#[tauri::command]
pub async fn fleet<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<FleetFilterArgs>,
    lang: Option<String>,
) -> Result<FleetPage, ApiError> {
    let filter = filter.unwrap_or_default();
    let lang = lang_of(lang.as_deref());
    let models = app.state::<AppState>().workspace.models.clone();
    let mut page = timed_read(app.clone(), "fleet", OperationKind::UiCommand, move |s| {
        let view = filter.apply(s)?;
        // The journal read and derived once for the rows' alerts and the changes line.
        let w = Workflow::load(s.conn())?;
        let latest = workflow_views::latest_as_of(s.conn())?;
        let changes = match view.run.as_of.as_deref().and_then(parse_timestamp) {
            Some(as_of) => Some(workflow_views::changes(
                s.conn(),
                &w,
                view.run.id,
                as_of,
                lang,
            )?),
            None => None,
        };
        Ok(FleetPage::of(
            view,
            track_records(s, &models)?,
            workflow_views::fleet_alerts(&w, latest, lang),
            changes,
            lang,
        ))
    })
    .await?;
    page.updating = app.state::<AppState>().run_in_progress();
    Ok(page)
}

/// A driver in words: its sentence, its value and normal value with units, its contribution.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DriverText {
    pub phrase: String,
    pub value: String,
    /// The normal value, `None` when none could be established.
    pub normal: Option<String>,
    /// Contribution in probability points (rounded).
    pub points: i64,
}

impl DriverText {
    fn of(d: &Driver, lang: Lang) -> DriverText {
        DriverText {
            phrase: d.phrase(lang),
            value: d.value_text(d.value, lang),
            normal: d
                .reference
                .is_finite()
                .then(|| d.value_text(d.reference, lang)),
            points: d.points(),
        }
    }
}

/// The words of a turbine's detail.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DetailText {
    /// The last measurements present, in the order of the core's `lang::MEASUREMENTS`.
    pub measurements: Vec<MeasurementText>,
    /// The latest prediction's category, or "not scored".
    pub category: String,
    /// Why the latest prediction is not scored.
    pub not_scored: Option<String>,
    /// The latest prediction's time to failure in words, whole days ("likely in 3 to 10 days",
    /// "aucune panne attendue dans les 30 jours"); `None` when not scored.
    pub time_to_failure: Option<String>,
    /// The drivers, in the order of `drivers`.
    pub drivers: Vec<DriverText>,
    /// Why a high or critical prediction without driver is high (the core's rule); `None`
    /// otherwise.
    pub unexplained: Option<String>,
    /// What else the models react to, each sentence saying it is not a known failure sign, in
    /// the order of `model_reactions`: shown apart from the drivers, never as a cause.
    pub model_reactions: Vec<String>,
    /// What the prediction could not watch and the sensor faults in its window.
    pub data_quality: DataQualityText,
    /// How often the latest prediction's category has been right (evaluation fleet, this
    /// park); `None` for "low" and when not scored.
    pub track_record: Option<String>,
}

/// A turbine's detail as the UI receives it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TurbinePage {
    #[serde(flatten)]
    pub detail: TurbineDetail,
    pub text: DetailText,
}

impl TurbinePage {
    /// The detail in words, in `lang`, with the track record of the alert categories.
    pub fn of(detail: TurbineDetail, records: &[CategoryRecord], lang: Lang) -> TurbinePage {
        let p = detail.prediction.as_ref();
        let text = DetailText {
            track_record: p
                .and_then(|p| p.category)
                .and_then(|c| records.iter().find(|r| r.category == c))
                .map(|r| r.text(lang)),
            measurements: MeasurementText::all(&detail.last_measurements, lang),
            category: category_text(p.and_then(|p| p.category), lang).to_string(),
            not_scored: p
                .and_then(|p| p.not_scored_reason.as_deref())
                .map(|r| NotScoredReason::phrase_stored(r, lang)),
            time_to_failure: p.and_then(|p| p.ttf_text(lang)),
            drivers: detail
                .drivers
                .iter()
                .map(|d| DriverText::of(d, lang))
                .collect(),
            unexplained: p.filter(|_| detail.drivers.is_empty()).and_then(|p| {
                reasons_in_words(
                    p.category,
                    &[],
                    &detail.model_reactions,
                    &p.data_quality,
                    lang,
                )
                .into_iter()
                .next()
            }),
            model_reactions: detail
                .model_reactions
                .iter()
                .map(|d| d.reaction_phrase(lang))
                .collect(),
            data_quality: p
                .map(|p| p.data_quality.text(lang))
                .unwrap_or(DataQualityText {
                    badge: None,
                    lines: Vec::new(),
                }),
        };
        TurbinePage { detail, text }
    }
}

/// Identity, last measurements, latest prediction, drivers and risk history of a turbine.
#[tauri::command]
pub async fn turbine<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    lang: Option<String>,
) -> Result<TurbinePage, ApiError> {
    let lang = lang_of(lang.as_deref());
    let models = app.state::<AppState>().workspace.models.clone();
    timed_read(app, "turbine", OperationKind::TurbineRequest, move |s| {
        Ok(TurbinePage::of(
            queries::turbine(s, &id)?,
            &track_records(s, &models)?,
            lang,
        ))
    })
    .await
}

/// The run journal, newest first, with each run's trigger and status in the UI's language.
#[tauri::command]
pub async fn runs<R: Runtime>(
    app: AppHandle<R>,
    limit: Option<usize>,
    lang: Option<String>,
) -> Result<Vec<RunRow>, ApiError> {
    let limit = limit.unwrap_or(50).clamp(1, MAX_RUNS);
    let lang = lang_of(lang.as_deref());
    timed_read(app, "runs", OperationKind::UiCommand, move |s| {
        Ok(queries::journal(s, limit)?
            .into_iter()
            .map(|run| RunRow {
                text: RunText::of(&run, lang),
                run,
            })
            .collect())
    })
    .await
}

/// Payload of [`RUN_PROGRESS_EVENT`].
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RunProgress {
    /// `started`, `succeeded` or `failed`.
    #[ts(type = "\"started\" | \"succeeded\" | \"failed\"")]
    pub phase: &'static str,
    pub run: Option<RunRecord>,
    pub error: Option<ApiError>,
}

/// Clears the "scoring" flag however the run ends.
struct ScoringFlag<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for ScoringFlag<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Scores the fleet now, on a background thread; progress and outcome are also sent as
/// [`RUN_PROGRESS_EVENT`] events.
#[tauri::command]
pub async fn score_now<R: Runtime>(app: AppHandle<R>) -> Result<RunRecord, ApiError> {
    let handle = app.clone();
    crate::diagnostics::timed(handle, "score_now", OperationKind::UiCommand, async move {
        app.state::<AppState>().ensure_ready()?;
        let worker = app.clone();
        let result = tauri::async_runtime::spawn_blocking(move || {
            let state = worker.state::<AppState>();
            if state.scoring.swap(true, Ordering::SeqCst) {
                return Err(ApiError::new(
                    ErrorCode::RunInProgress,
                    "a scoring run is already in progress; its result will show when it ends",
                ));
            }
            let _flag = ScoringFlag(&state.scoring);
            let _ = worker.emit(
                RUN_PROGRESS_EVENT,
                RunProgress {
                    phase: "started",
                    run: None,
                    error: None,
                },
            );
            // Right after start-up the service may still be loading the models: wait a little.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while state.with_service(|_| ()).is_none() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            state
                .with_service(|s| s.score_now(Trigger::Manual))
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::Service,
                        "the scoring service is not running (see the start-up messages); restart the cockpit",
                    )
                })?
                .map_err(ApiError::from)
        })
        .await
        .map_err(|e| ApiError::internal(format!("the scoring task failed: {e}")))?;
        if result.is_ok() {
            crate::sync::after_run(&app);
        }
        let progress = match &result {
            Ok(run) => RunProgress {
                phase: "succeeded",
                run: Some(run.clone()),
                error: None,
            },
            Err(e) if e.code == ErrorCode::RunInProgress => return result,
            Err(e) => RunProgress {
                phase: "failed",
                run: None,
                error: Some(e.clone()),
            },
        };
        let _ = app.emit(RUN_PROGRESS_EVENT, progress);
        result
    })
    .await
}

/// The daily run as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleView {
    pub enabled: bool,
    /// Local time of day, `HH:MM`.
    pub time: String,
    /// Next run (UTC timestamp), when enabled.
    pub next_run: Option<String>,
    /// Last timer run (UTC timestamp), if any.
    pub last_run: Option<String>,
}

fn schedule_view(store: &Store, s: &DailySchedule) -> Result<ScheduleView, ApiError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(ScheduleView {
        enabled: s.enabled,
        time: s.time_text(),
        next_run: s
            .next_slot_local(now)
            .map(cockpit_core::schema::format_timestamp),
        last_run: service::last_timer_run(store)?.map(cockpit_core::schema::format_timestamp),
    })
}

/// The daily scoring schedule (06:00, on, unless changed).
#[tauri::command]
pub async fn get_schedule<R: Runtime>(app: AppHandle<R>) -> Result<ScheduleView, ApiError> {
    let handle = app.clone();
    crate::diagnostics::timed(
        handle,
        "get_schedule",
        OperationKind::UiCommand,
        async move { with_store(&app, |s| schedule_view(s, &service::schedule(s)?)).await },
    )
    .await
}

/// Changes the daily schedule; the timer picks it up within its next check.
#[tauri::command]
pub async fn set_schedule<R: Runtime>(
    app: AppHandle<R>,
    enabled: bool,
    time: String,
) -> Result<ScheduleView, ApiError> {
    let handle = app.clone();
    crate::diagnostics::timed(
        handle,
        "set_schedule",
        OperationKind::UiCommand,
        async move {
            let (hour, minute) = DailySchedule::parse_time(&time)?;
            let schedule = DailySchedule {
                enabled,
                hour,
                minute,
            };
            with_store(&app, move |s| {
                service::set_schedule(s, &schedule)?;
                schedule_view(s, &schedule)
            })
            .await
        },
    )
    .await
}

/// Risk history chart of a turbine (SVG text).
#[tauri::command]
pub async fn risk_chart<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    lang: Option<String>,
) -> Result<String, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    let policy = app.state::<AppState>().policy();
    timed_read(app, "risk_chart", OperationKind::UiCommand, move |s| {
        Ok(charts::risk_chart(s, &id, &policy, lang)?)
    })
    .await
}

/// Trend of the signals behind a turbine's drivers (SVG text).
#[tauri::command]
pub async fn signals_chart<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    lang: Option<String>,
) -> Result<String, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    timed_read(app, "signals_chart", OperationKind::UiCommand, move |s| {
        Ok(charts::signals_chart(s, &id, lang)?)
    })
    .await
}

/// Turbines per category at every run (SVG text).
#[tauri::command]
pub async fn fleet_trend_chart<R: Runtime>(
    app: AppHandle<R>,
    lang: Option<String>,
) -> Result<String, ApiError> {
    let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
    timed_read(
        app,
        "fleet_trend_chart",
        OperationKind::UiCommand,
        move |s| Ok(charts::fleet_trend_chart(s, lang)?),
    )
    .await
}

/// The filtered work list as CSV text (the UI offers it as a download).
#[tauri::command]
pub async fn export_worklist_csv<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<FleetFilterArgs>,
    lang: Option<String>,
) -> Result<String, ApiError> {
    let handle = app.clone();
    crate::diagnostics::timed(
        handle,
        "export_worklist_csv",
        OperationKind::UiCommand,
        async move {
            let filter = filter.unwrap_or_default();
            let lang = Lang::parse(lang.as_deref().unwrap_or("en"));
            with_store(&app, move |s| {
                let view = filter.apply(s)?;
                worklist::worklist_csv(&view.items, lang)
                    .map_err(|e| ApiError::internal(format!("the CSV could not be written: {e}")))
            })
            .await
        },
    )
    .await
}

/// The turbines of the filtered fleet, in the view's order (the field document's selection).
pub(crate) fn selected_ids(
    filter: &FleetFilterArgs,
    store: &Store,
) -> Result<Vec<String>, ApiError> {
    Ok(filter
        .apply(store)?
        .items
        .into_iter()
        .map(|i| i.turbine_id)
        .collect())
}

/// The field document of the filtered fleet (cover list, one A4 sheet per turbine) as HTML
/// text, for the UI to print; the same text `cockpit sheet` writes.
#[tauri::command]
pub async fn field_document<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<FleetFilterArgs>,
    lang: Option<String>,
) -> Result<String, ApiError> {
    let filter = filter.unwrap_or_default();
    let lang = lang_of(lang.as_deref());
    let policy = app.state::<AppState>().policy();
    timed_read(app, "field_document", OperationKind::UiCommand, move |s| {
        let ids = selected_ids(&filter, s)?;
        Ok(charts::field_document(s, &ids, &policy, lang, clock::now())?.html())
    })
    .await
}

/// Where the field document was saved, and of how many turbines.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FieldDocumentFile {
    /// The file written (the one the user picked).
    pub path: String,
    /// Turbines in it.
    pub turbines: usize,
}

/// Writes the field document of the filtered fleet to `path` (the file the user picked in the
/// save dialog) as one self-contained HTML file.
#[tauri::command]
pub async fn export_field_document<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<FleetFilterArgs>,
    lang: Option<String>,
    path: String,
) -> Result<FieldDocumentFile, ApiError> {
    let filter = filter.unwrap_or_default();
    let lang = lang_of(lang.as_deref());
    let policy = app.state::<AppState>().policy();
    timed_read(
        app,
        "export_field_document",
        OperationKind::UiCommand,
        move |s| {
            let ids = selected_ids(&filter, s)?;
            let doc = charts::field_document(s, &ids, &policy, lang, clock::now())?;
            doc.write(std::path::Path::new(&path))?;
            Ok(FieldDocumentFile {
                path,
                turbines: doc.sheets.len(),
            })
        },
    )
    .await
}

/// Versions and folders, for the diagnostics tab.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub app_version: String,
    /// Version of the models in service (or in the models folder while starting).
    pub model_version: Option<String>,
    /// Why no models are in service, if so.
    pub models_error: Option<String>,
    pub models_dir: String,
    pub data_dir: String,
    pub database: String,
    pub inbox: String,
    pub phase: Phase,
    /// The turbines the app was started on (`--turbines`: a notification of `cockpit watch`
    /// clicked); the fleet opens filtered to them. Empty when none.
    pub opening_turbines: Vec<String>,
}

/// App version, model version and where things are.
#[tauri::command]
pub async fn app_info<R: Runtime>(app: AppHandle<R>) -> Result<AppInfo, ApiError> {
    let handle = app.clone();
    crate::diagnostics::timed(handle, "app_info", OperationKind::UiCommand, async move {
        let app = app.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let state = app.state::<AppState>();
            let status = state.try_with_service(|s| s.model_status());
            let status = match status {
                Some(s) => s,
                None => Manifest::read(&state.workspace.models)
                    .map(|m| m.model_version)
                    .map_err(|e| e.to_string()),
            };
            let (model_version, models_error) = match status {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e)),
            };
            let p = &state.workspace;
            Ok(AppInfo {
                app_version: app.package_info().version.to_string(),
                model_version,
                models_error,
                models_dir: p.models.display().to_string(),
                data_dir: p.data_dir.display().to_string(),
                database: p.db.display().to_string(),
                inbox: p.inbox.display().to_string(),
                phase: state.phase(),
                opening_turbines: app
                    .try_state::<crate::notifications::Opening>()
                    .map(|o| o.0.clone())
                    .unwrap_or_default(),
            })
        })
        .await
        .map_err(|e| ApiError::internal(format!("the task failed: {e}")))?
    })
    .await
}

/// Where the app is in its start-up (the UI asks once, then follows `app-status` events).
#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> Phase {
    state.phase()
}
