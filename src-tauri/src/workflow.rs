//! The maintenance workflow's commands: alerts and their triage (acknowledge, dismiss,
//! re-open), interventions (plan, start, close, cancel, list), a turbine's history, the form
//! choices and the author preference. Each action is recorded by the core in the journal of
//! actions with the author (the preference, else the OS user name) and this machine's name;
//! the views are phrased by the core in the UI's language.

use cockpit_core::clock::now;
use cockpit_core::journal::OperationKind;
use cockpit_core::lang::Lang;
use cockpit_core::store::Store;
use cockpit_core::workflow::views::{self, AlertView, Choices, InterventionView, TurbineHistory};
use cockpit_core::workflow::{
    alerts, events, interventions, Actor, DismissReason, Dismissal, Finding, Plan, Priority,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};

use crate::error::ApiError;
use crate::state::AppState;

/// Runs `f` with a write connection on a blocking thread, timed into the operations journal.
pub(crate) async fn write<R, T, F>(
    app: AppHandle<R>,
    name: &'static str,
    f: F,
) -> Result<T, ApiError>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
{
    let handle = app.clone();
    crate::diagnostics::timed(handle, name, OperationKind::UiCommand, async move {
        let state = app.state::<AppState>();
        state.ensure_ready()?;
        let db = state.workspace.db.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut store = Store::open(&db)?;
            f(&mut store)
        })
        .await
        .map_err(|e| ApiError::internal(format!("the database task failed: {e}")))?
    })
    .await
}

/// Runs `f` with the read connection, timed.
pub(crate) async fn read<R, T, F>(
    app: AppHandle<R>,
    name: &'static str,
    f: F,
) -> Result<T, ApiError>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
{
    let handle = app.clone();
    crate::diagnostics::timed(handle, name, OperationKind::UiCommand, async move {
        let app2 = app.clone();
        tauri::async_runtime::spawn_blocking(move || app2.state::<AppState>().read(f))
            .await
            .map_err(|e| ApiError::internal(format!("the database task failed: {e}")))?
    })
    .await
}

fn lang_of(lang: Option<&str>) -> Lang {
    Lang::parse(lang.unwrap_or("en"))
}

/// Every alert, latest first (only the open and acknowledged ones with `open_only`).
#[tauri::command]
pub async fn alerts<R: Runtime>(
    app: AppHandle<R>,
    open_only: Option<bool>,
    lang: Option<String>,
) -> Result<Vec<AlertView>, ApiError> {
    let lang = lang_of(lang.as_deref());
    read(app, "alerts", move |s| {
        Ok(views::alerts(s.conn(), open_only.unwrap_or(false), lang)?)
    })
    .await
}

/// Acknowledges the turbine's open alert.
#[tauri::command]
pub async fn acknowledge_alert<R: Runtime>(
    app: AppHandle<R>,
    turbine: String,
    note: Option<String>,
) -> Result<(), ApiError> {
    write(app, "acknowledge_alert", move |s| {
        let actor = Actor::resolve(s, None)?;
        alerts::acknowledge(s, &actor, &turbine, note.as_deref())?;
        Ok(())
    })
    .await
}

/// Dismisses the turbine's open alert with a reason (`false_alarm_sensor`, …), optionally muted
/// until a day (`YYYY-MM-DD`).
#[tauri::command]
pub async fn dismiss_alert<R: Runtime>(
    app: AppHandle<R>,
    turbine: String,
    reason: String,
    until: Option<String>,
    note: Option<String>,
) -> Result<(), ApiError> {
    write(app, "dismiss_alert", move |s| {
        let actor = Actor::resolve(s, None)?;
        let d = Dismissal {
            reason: Some(DismissReason::parse(&reason)?),
            until: until.filter(|u| !u.trim().is_empty()),
            note,
        };
        alerts::dismiss(s, &actor, &turbine, &d)?;
        Ok(())
    })
    .await
}

/// Re-opens the turbine's latest alert.
#[tauri::command]
pub async fn reopen_alert<R: Runtime>(
    app: AppHandle<R>,
    turbine: String,
    note: Option<String>,
) -> Result<(), ApiError> {
    write(app, "reopen_alert", move |s| {
        let actor = Actor::resolve(s, None)?;
        alerts::reopen(s, &actor, &turbine, note.as_deref())?;
        Ok(())
    })
    .await
}

/// An intervention to plan, as the UI's form sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ts_rs::TS)]
#[ts(optional_fields)]
#[serde(default, rename_all = "camelCase")]
pub struct PlanArgs {
    pub turbine: String,
    /// The alert it answers; absent: the turbine's open alert, if any.
    pub alert: Option<String>,
    /// `generator_winding`, …
    pub component: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    pub action: Option<String>,
    pub team: Option<String>,
    /// `low`, `normal`, `high`, `urgent`.
    pub priority: Option<String>,
    pub note: Option<String>,
}

/// Plans an intervention; returns its id.
#[tauri::command]
pub async fn plan_intervention<R: Runtime>(
    app: AppHandle<R>,
    plan: PlanArgs,
) -> Result<String, ApiError> {
    write(app, "plan_intervention", move |s| {
        let actor = Actor::resolve(s, None)?;
        let p = Plan {
            turbine: plan.turbine,
            alert: plan.alert.filter(|a| !a.is_empty()),
            component: plan.component,
            due: plan.due,
            action: plan.action,
            team: plan.team,
            priority: plan
                .priority
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(Priority::parse)
                .transpose()?,
            note: plan.note,
        };
        Ok(interventions::plan(s, &actor, &p)?.subject)
    })
    .await
}

/// Starts a planned intervention.
#[tauri::command]
pub async fn start_intervention<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    note: Option<String>,
) -> Result<(), ApiError> {
    write(app, "start_intervention", move |s| {
        let actor = Actor::resolve(s, None)?;
        interventions::start(s, &actor, &id, note.as_deref())?;
        Ok(())
    })
    .await
}

/// Closes an intervention with what was found (`confirmed`, `nothing`, `other`).
#[tauri::command]
pub async fn close_intervention<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    finding: String,
    component: Option<String>,
    note: Option<String>,
) -> Result<(), ApiError> {
    write(app, "close_intervention", move |s| {
        let actor = Actor::resolve(s, None)?;
        let finding = Finding::parse(&finding)?;
        interventions::close(
            s,
            &actor,
            &id,
            finding,
            component.as_deref(),
            note.as_deref(),
        )?;
        Ok(())
    })
    .await
}

/// Cancels an open intervention.
#[tauri::command]
pub async fn cancel_intervention<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    note: Option<String>,
) -> Result<(), ApiError> {
    write(app, "cancel_intervention", move |s| {
        let actor = Actor::resolve(s, None)?;
        interventions::cancel(s, &actor, &id, note.as_deref())?;
        Ok(())
    })
    .await
}

/// Interventions: open ones by due date (overdue marked), then the others.
#[tauri::command]
pub async fn interventions<R: Runtime>(
    app: AppHandle<R>,
    open_only: Option<bool>,
    lang: Option<String>,
) -> Result<Vec<InterventionView>, ApiError> {
    let lang = lang_of(lang.as_deref());
    read(app, "interventions", move |s| {
        Ok(views::interventions(
            s.conn(),
            open_only.unwrap_or(false),
            None,
            now(),
            lang,
        )?)
    })
    .await
}

/// A turbine's history: logbook, alerts with their outcome, interventions.
#[tauri::command]
pub async fn turbine_history<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    lang: Option<String>,
) -> Result<TurbineHistory, ApiError> {
    let lang = lang_of(lang.as_deref());
    read(app, "turbine_history", move |s| {
        let id = cockpit_core::workflow::act::turbine_id(s.conn(), &id)?;
        Ok(views::history(s.conn(), &id, now(), lang)?)
    })
    .await
}

/// The triage and planning choices in the UI's language.
#[tauri::command]
pub fn workflow_choices(lang: Option<String>) -> Choices {
    views::choices(lang_of(lang.as_deref()))
}

/// Who the actions are recorded as, on which machine.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AuthorInfo {
    /// The name actions are recorded under.
    pub author: String,
    /// The OS user name (used when no name is set).
    pub os_user: String,
    /// This machine's name.
    pub machine: String,
}

/// The author preference.
#[tauri::command]
pub async fn get_author<R: Runtime>(app: AppHandle<R>) -> Result<AuthorInfo, ApiError> {
    read(app, "get_author", |s| {
        let actor = Actor::resolve(s, None)?;
        Ok(AuthorInfo {
            author: actor.author,
            os_user: events::os_user(),
            machine: actor.machine,
        })
    })
    .await
}

/// Sets the author preference (empty: back to the OS user name).
#[tauri::command]
pub async fn set_author<R: Runtime>(app: AppHandle<R>, author: String) -> Result<(), ApiError> {
    write(app, "set_author", move |s| {
        events::set_author(s, &author)?;
        Ok(())
    })
    .await
}
