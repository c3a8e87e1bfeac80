//! Interventions, a small maintenance-management layer: planned from an alert or a turbine
//! (component, action, due date, team, priority, note), then in progress, then done — with what
//! was found — or cancelled. A confirmed fault writes a logbook entry (see
//! [`events::record`](super::events::record)) and gives the alert its outcome.

use serde::{Deserialize, Serialize};

use super::alerts::{act, turbine_id};
use super::events::{self, Action, Actor, Event};
use super::state::{InterventionState, InterventionStatus, Workflow};
use super::{checked_date, checked_text, WorkflowError, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::schema::Component;
use crate::store::Store;

/// How urgent an intervention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// When convenient.
    Low,
    /// In the normal course (the default).
    #[default]
    Normal,
    /// Before other work.
    High,
    /// Now.
    Urgent,
}

impl Priority {
    /// Every priority, most urgent first.
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    /// `low`, `normal`, `high`, `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Reads a priority (English or French word, case-insensitive).
    pub fn parse(text: &str) -> Result<Priority, WorkflowError> {
        match text.trim().to_lowercase().as_str() {
            "low" | "basse" | "faible" => Ok(Priority::Low),
            "normal" | "normale" => Ok(Priority::Normal),
            "high" | "haute" | "élevée" | "elevee" => Ok(Priority::High),
            "urgent" | "urgente" => Ok(Priority::Urgent),
            _ => Err(WorkflowError::Invalid {
                field: "priority",
                message: format!("{text:?} is not a priority: use low, normal, high or urgent"),
            }),
        }
    }
}

/// What an intervention found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The fault was there (which component: see the intervention).
    Confirmed,
    /// Nothing was found.
    Nothing,
    /// Something else (say it in the note).
    Other,
}

impl Finding {
    /// `confirmed`, `nothing`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::Confirmed => "confirmed",
            Finding::Nothing => "nothing",
            Finding::Other => "other",
        }
    }

    /// Reads a finding (`confirmed`, `nothing`, `other`; `fault`, `none` too).
    pub fn parse(text: &str) -> Result<Finding, WorkflowError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "confirmed" | "fault" | "fault_confirmed" | "fault-confirmed" => Ok(Finding::Confirmed),
            "nothing" | "none" | "nothing_found" | "nothing-found" => Ok(Finding::Nothing),
            "other" => Ok(Finding::Other),
            _ => Err(WorkflowError::Invalid {
                field: "finding",
                message: format!("{text:?} is not a finding: use confirmed, nothing or other"),
            }),
        }
    }
}

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

/// Starts a planned intervention.
pub fn start(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    note: Option<&str>,
) -> Result<Event, WorkflowError> {
    let note = checked_text("note", note, MAX_NOTE_CHARS)?;
    act(store, |_, w| {
        let i = find(w, id)?;
        if i.status != InterventionStatus::Planned {
            return Err(cannot(i, "started"));
        }
        Ok(Event::new(
            actor,
            &i.id,
            &i.turbine_id,
            Action::InterventionStarted { note },
        ))
    })
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
    let note = checked_text("note", note, MAX_NOTE_CHARS)?;
    act(store, |_, w| {
        let i = find(w, id)?;
        if !i.status.is_open() {
            return Err(cannot(i, "cancelled"));
        }
        Ok(Event::new(
            actor,
            &i.id,
            &i.turbine_id,
            Action::InterventionCancelled { note },
        ))
    })
}
