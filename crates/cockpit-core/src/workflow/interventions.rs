//! Interventions, a small maintenance-management layer: planned from an alert or a turbine
//! (component, action, due date, team, priority, note), then in progress, then done — with what
//! was found — or cancelled. A confirmed fault writes a logbook entry (see
//! [`events::record`](super::events::record)) and gives the alert its outcome.

use super::act::{act, turbine_id};
use super::events::{self, Action, Actor, Event};
use super::kinds::{Finding, Priority};
use super::state::{InterventionState, InterventionStatus, Workflow};
use super::{checked_date, checked_text, WorkflowError, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::schema::Component;
use crate::store::Store;

/// An intervention to plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The turbine (id, case-insensitive).
    pub turbine: String,
    /// The alert it answers; `None`: the turbine's open alert, if any.
    pub alert: Option<String>,
    /// The component to look at.
    pub component: String,
    /// Due date `YYYY-MM-DD`.
    pub due: String,
    /// What to do.
    pub action: Option<String>,
    /// Team or crew.
    pub team: Option<String>,
    /// How urgent (`None`: normal).
    pub priority: Option<Priority>,
    /// A note.
    pub note: Option<String>,
}

/// A component name checked against the data contract.
pub fn checked_component(text: &str) -> Result<String, WorkflowError> {
    Component::parse(text)
        .map(|c| c.as_str().to_string())
        .ok_or_else(|| WorkflowError::Invalid {
            field: "component",
            message: format!(
                "{text:?} is not a component: use one of {}",
                Component::ALL.map(|c| c.as_str()).join(", ")
            ),
        })
}

/// Plans an intervention; returns its event (the intervention's id is `subject`).
pub fn plan(store: &mut Store, actor: &Actor, p: &Plan) -> Result<Event, WorkflowError> {
    let component = checked_component(&p.component)?;
    let due = checked_date("due", &p.due)?;
    let action = checked_text("action", p.action.as_deref(), MAX_NOTE_CHARS)?;
    let team = checked_text("team", p.team.as_deref(), MAX_NAME_CHARS)?;
    let note = checked_text("note", p.note.as_deref(), MAX_NOTE_CHARS)?;
    act(store, |conn, w| {
        let id = turbine_id(conn, &p.turbine)?;
        let alert = match &p.alert {
            Some(a) => {
                let found = w.alert(a).filter(|x| x.turbine_id == id);
                Some(
                    found
                        .ok_or_else(|| WorkflowError::Invalid {
                            field: "alert",
                            message: format!("{a} is not an alert of {id}"),
                        })?
                        .id
                        .clone(),
                )
            }
            None => w
                .latest_alert(&id)
                .filter(|a| a.status.is_active())
                .map(|a| a.id.clone()),
        };
        Ok(Event::new(
            actor,
            &events::new_id(),
            &id,
            Action::InterventionPlanned {
                alert,
                component,
                action,
                due,
                team,
                priority: p.priority.unwrap_or_default(),
                note,
            },
        ))
    })
}

/// The intervention an id or an unambiguous prefix of it (at least 4 characters) names.
pub fn find<'w>(w: &'w Workflow, id: &str) -> Result<&'w InterventionState, WorkflowError> {
    let id_l = id.trim().to_ascii_lowercase();
    if id_l.len() < 4 {
        return Err(WorkflowError::UnknownIntervention { id: id.to_string() });
    }
    let found: Vec<_> = w
        .interventions
        .iter()
        .filter(|i| i.id.starts_with(&id_l))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(WorkflowError::UnknownIntervention { id: id.to_string() }),
        many => Err(WorkflowError::AmbiguousIntervention {
            id: id.to_string(),
            count: many.len(),
        }),
    }
}

/// The error for a step an intervention cannot make from where it stands.
fn cannot(i: &InterventionState, wanted: &'static str) -> WorkflowError {
    let stamp = i
        .ended
        .as_ref()
        .or(i.started.as_ref())
        .unwrap_or(&i.planned);
    WorkflowError::InterventionState {
        id: i.id.clone(),
        turbine: i.turbine_id.clone(),
        status: i.status.as_str().replace('_', " "),
        by: super::by(&stamp.author, &stamp.machine, stamp.at),
        wanted,
    }
}

/// Records one step of an intervention (`wanted` names it in the refusal) when `allowed` says
/// its status permits it.
fn step(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    note: Option<&str>,
    wanted: &'static str,
    allowed: fn(InterventionStatus) -> bool,
    action: fn(Option<String>) -> Action,
) -> Result<Event, WorkflowError> {
    let note = checked_text("note", note, MAX_NOTE_CHARS)?;
    act(store, |_, w| {
        let i = find(w, id)?;
        if !allowed(i.status) {
            return Err(cannot(i, wanted));
        }
        Ok(Event::new(actor, &i.id, &i.turbine_id, action(note)))
    })
}

/// Starts a planned intervention.
pub fn start(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    note: Option<&str>,
) -> Result<Event, WorkflowError> {
    step(
        store,
        actor,
        id,
        note,
        "started",
        |s| s == InterventionStatus::Planned,
        |note| Action::InterventionStarted { note },
    )
}

/// Closes an open intervention with what was found. A confirmed fault needs a component (the
/// intervention's own when none is given).
pub fn close(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    finding: Finding,
    component: Option<&str>,
    note: Option<&str>,
) -> Result<Event, WorkflowError> {
    let note = checked_text("note", note, MAX_NOTE_CHARS)?;
    let component = component
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(checked_component)
        .transpose()?;
    act(store, |_, w| {
        let i = find(w, id)?;
        if !i.status.is_open() {
            return Err(cannot(i, "closed"));
        }
        let component = match finding {
            Finding::Confirmed => Some(component.unwrap_or_else(|| i.component.clone())),
            _ => component,
        };
        Ok(Event::new(
            actor,
            &i.id,
            &i.turbine_id,
            Action::InterventionClosed {
                finding,
                component,
                note,
            },
        ))
    })
}

/// Cancels an open intervention.
pub fn cancel(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    note: Option<&str>,
) -> Result<Event, WorkflowError> {
    step(
        store,
        actor,
        id,
        note,
        "cancelled",
        InterventionStatus::is_open,
        |note| Action::InterventionCancelled { note },
    )
}
