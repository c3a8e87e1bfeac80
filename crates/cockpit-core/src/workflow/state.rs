//! The current state of every alert and intervention, derived from the event journal by
//! applying the events in order. An event that does not fit the state it meets (an
//! acknowledgement of an alert another machine already closed, a second closing) changes
//! nothing: the journal keeps it, the state ignores it.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use super::events::{self, Action, Event};
use super::kinds::{DismissReason, Finding, Priority};
use super::WorkflowError;
use crate::risk::Category;

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Raised, nobody has acted on it yet.
    Open,
    /// Seen by somebody; still open.
    Acknowledged,
    /// Judged to need no action (closed).
    Dismissed,
    /// Closed by an intervention, or by the turbine staying below high (closed).
    Resolved,
}

impl AlertStatus {
    /// `open`, `acknowledged`, `dismissed`, `resolved`.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Dismissed => "dismissed",
            AlertStatus::Resolved => "resolved",
        }
    }

    /// Whether the alert still asks for attention (open or acknowledged).
    pub fn is_active(self) -> bool {
        matches!(self, AlertStatus::Open | AlertStatus::Acknowledged)
    }
}

/// Who did something, where and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stamp {
    /// The author.
    pub author: String,
    /// The machine.
    pub machine: String,
    /// When (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    /// The note given, if any.
    pub note: Option<String>,
}

impl Stamp {
    fn of(e: &Event, note: &Option<String>) -> Stamp {
        Stamp {
            author: e.author.clone(),
            machine: e.machine.clone(),
            at: e.at,
            note: note.clone(),
        }
    }
}

/// How an alert was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Closure {
    /// Dismissed by somebody.
    Dismissed {
        /// Why.
        reason: DismissReason,
        /// No new alert until the end of this day.
        until: Option<String>,
        /// Who, where, when.
        stamp: Stamp,
    },
    /// The turbine stayed below high for this many runs.
    Cleared {
        /// Runs in a row below high.
        runs: u32,
        /// When it was recorded.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        at: i64,
    },
    /// An intervention closed it.
    Intervention {
        /// The intervention.
        id: String,
        /// Who, where, when.
        stamp: Stamp,
    },
}

impl Closure {
    /// When it was closed (Unix seconds).
    pub fn at(&self) -> i64 {
        match self {
            Closure::Dismissed { stamp, .. } | Closure::Intervention { stamp, .. } => stamp.at,
            Closure::Cleared { at, .. } => *at,
        }
    }

    /// Who closed it and on which machine (the cockpit for a cleared alert).
    pub fn by(&self, machine: &str) -> (String, String) {
        match self {
            Closure::Dismissed { stamp, .. } | Closure::Intervention { stamp, .. } => {
                (stamp.author.clone(), stamp.machine.clone())
            }
            Closure::Cleared { .. } => (events::SYSTEM_AUTHOR.into(), machine.to_string()),
        }
    }
}

/// What an intervention found for the alert it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Outcome {
    /// The finding.
    pub finding: Finding,
    /// The component at fault (a confirmed fault).
    pub component: Option<String>,
    /// The intervention that found it.
    pub intervention: String,
    /// When it was closed (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
}

/// An alert as its events made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertState {
    /// Its UUID.
    pub id: String,
    /// The turbine.
    pub turbine_id: String,
    /// Where it stands.
    pub status: AlertStatus,
    /// Its highest category so far.
    pub category: Category,
    /// The categories it went through, in order (e.g. high, then critical).
    pub categories: Vec<Category>,
    /// The turbine's category in the run before it was raised.
    pub from: Option<Category>,
    /// Data time of the run that raised it (Unix seconds).
    pub first_raised: i64,
    /// Data time of the run that last raised or escalated it.
    pub last_raised: i64,
    /// The machine that raised it.
    pub machine: String,
    /// The acknowledgement, while it holds.
    pub acknowledged: Option<Stamp>,
    /// How it was closed, while closed.
    pub closure: Option<Closure>,
    /// What the last closed intervention found.
    pub outcome: Option<Outcome>,
    /// The interventions planned from it.
    pub interventions: Vec<String>,
    /// Notes added to it, oldest first.
    pub notes: Vec<Stamp>,
    /// Its events, oldest first.
    pub events: Vec<Event>,
}

/// Where an intervention stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InterventionStatus {
    /// Planned, not started.
    Planned,
    /// The team is on it.
    InProgress,
    /// Done, with a finding.
    Done,
    /// Will not take place.
    Cancelled,
}

impl InterventionStatus {
    /// `planned`, `in_progress`, `done`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            InterventionStatus::Planned => "planned",
            InterventionStatus::InProgress => "in_progress",
            InterventionStatus::Done => "done",
            InterventionStatus::Cancelled => "cancelled",
        }
    }

    /// Planned or in progress.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            InterventionStatus::Planned | InterventionStatus::InProgress
        )
    }
}

/// An intervention as its events made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionState {
    /// Its UUID.
    pub id: String,
    /// The turbine.
    pub turbine_id: String,
    /// The alert it answers.
    pub alert: Option<String>,
    /// The component to look at.
    pub component: String,
    /// What to do.
    pub action: Option<String>,
    /// Due date `YYYY-MM-DD`.
    pub due: String,
    /// Team or crew.
    pub team: Option<String>,
    /// How urgent.
    pub priority: Priority,
    /// The note given when planned.
    pub note: Option<String>,
    /// Where it stands.
    pub status: InterventionStatus,
    /// Who planned it.
    pub planned: Stamp,
    /// Who started it.
    pub started: Option<Stamp>,
    /// Who closed or cancelled it, with the note.
    pub ended: Option<Stamp>,
    /// What was found (done).
    pub finding: Option<Finding>,
    /// The component at fault (confirmed).
    pub found_component: Option<String>,
    /// Notes added to it, oldest first.
    pub notes: Vec<Stamp>,
    /// Closings recorded after it was already closed differently (e.g. at the office and in the
    /// field): kept in the journal, shown, and not applied — the closing recorded first stands.
    pub conflicts: Vec<Conflict>,
}

/// A closing of an intervention that was already closed or cancelled with another outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// The event's UUID.
    pub event: String,
    /// Who recorded it, where and when, with its note.
    pub stamp: Stamp,
    /// What it found; `None`: it cancelled the intervention.
    pub finding: Option<Finding>,
    /// The component at fault it named (a confirmed fault).
    pub component: Option<String>,
}

impl InterventionState {
    /// Records `e` as a conflict when it ends the intervention differently from the way it
    /// already ended (`finding` `None`: a cancellation); the same outcome twice is no conflict.
    fn conflicting_end(&mut self, e: &Event, finding: Option<Finding>, component: &Option<String>) {
        let same = match (self.status, finding) {
            (InterventionStatus::Cancelled, None) => true,
            (InterventionStatus::Done, Some(f)) => {
                self.finding == Some(f) && self.found_component == *component
            }
            _ => false,
        };
        if same {
            return;
        }
        self.conflicts.push(Conflict {
            event: e.id.clone(),
            stamp: Stamp::of(e, &note_of(&e.action)),
            finding,
            component: component.clone(),
        });
    }
}

/// The note an ending event carries.
fn note_of(action: &Action) -> Option<String> {
    match action {
        Action::InterventionClosed { note, .. } | Action::InterventionCancelled { note } => {
            note.clone()
        }
        _ => None,
    }
}

/// Every alert and intervention, derived from the journal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workflow {
    /// Alerts in the order they were raised.
    pub alerts: Vec<AlertState>,
    /// Interventions in the order they were planned.
    pub interventions: Vec<InterventionState>,
}

impl Workflow {
    /// Reads the journal and derives the state.
    pub fn load(conn: &Connection) -> Result<Workflow, WorkflowError> {
        Ok(derive(&events::all(conn)?))
    }

    /// The turbine's latest alert.
    pub fn latest_alert(&self, turbine_id: &str) -> Option<&AlertState> {
        self.alerts
            .iter()
            .rev()
            .find(|a| a.turbine_id.eq_ignore_ascii_case(turbine_id))
    }

    /// The alert with this id.
    pub fn alert(&self, id: &str) -> Option<&AlertState> {
        self.alerts.iter().find(|a| a.id == id)
    }

    /// The latest alert of every turbine that has one, by turbine id.
    pub fn latest_by_turbine(&self) -> HashMap<&str, &AlertState> {
        let mut out = HashMap::new();
        for a in &self.alerts {
            out.insert(a.turbine_id.as_str(), a);
        }
        out
    }
}

/// Applies events in order and returns the resulting state. Pure: the same events give the same
/// state however often they are applied.
pub fn derive(events: &[Event]) -> Workflow {
    let mut w = Workflow::default();
    let mut alert_ix: HashMap<String, usize> = HashMap::new();
    let mut iv_ix: HashMap<String, usize> = HashMap::new();
    for e in events {
        match &e.action {
            Action::AlertRaised {
                category,
                from,
                as_of,
            } => {
                if alert_ix.contains_key(&e.subject) {
                    continue;
                }
                alert_ix.insert(e.subject.clone(), w.alerts.len());
                w.alerts.push(AlertState {
                    id: e.subject.clone(),
                    turbine_id: e.turbine_id.clone(),
                    status: AlertStatus::Open,
                    category: *category,
                    categories: vec![*category],
                    from: *from,
                    first_raised: *as_of,
                    last_raised: *as_of,
                    machine: e.machine.clone(),
                    acknowledged: None,
                    closure: None,
                    outcome: None,
                    interventions: Vec::new(),
                    notes: Vec::new(),
                    events: vec![e.clone()],
                });
            }
            Action::InterventionPlanned {
                alert,
                component,
                action,
                due,
                team,
                priority,
                note,
            } => {
                if iv_ix.contains_key(&e.subject) {
                    continue;
                }
                iv_ix.insert(e.subject.clone(), w.interventions.len());
                w.interventions.push(InterventionState {
                    id: e.subject.clone(),
                    turbine_id: e.turbine_id.clone(),
                    alert: alert.clone(),
                    component: component.clone(),
                    action: action.clone(),
                    due: due.clone(),
                    team: team.clone(),
                    priority: *priority,
                    note: note.clone(),
                    status: InterventionStatus::Planned,
                    planned: Stamp::of(e, note),
                    started: None,
                    ended: None,
                    finding: None,
                    found_component: None,
                    notes: Vec::new(),
                    conflicts: Vec::new(),
                });
                if let Some(a) = alert.as_ref().and_then(|a| alert_ix.get(a)) {
                    let a = &mut w.alerts[*a];
                    a.interventions.push(e.subject.clone());
                    a.events.push(e.clone());
                }
            }
            Action::InterventionStarted { note } => {
                let Some(iv) = iv_ix.get(&e.subject).map(|i| &mut w.interventions[*i]) else {
                    continue;
                };
                if iv.status == InterventionStatus::Planned {
                    iv.status = InterventionStatus::InProgress;
                    iv.started = Some(Stamp::of(e, note));
                }
            }
            Action::InterventionCancelled { note } => {
                let Some(iv) = iv_ix.get(&e.subject).map(|i| &mut w.interventions[*i]) else {
                    continue;
                };
                if iv.status.is_open() {
                    iv.status = InterventionStatus::Cancelled;
                    iv.ended = Some(Stamp::of(e, note));
                } else {
                    iv.conflicting_end(e, None, &None);
                }
            }
            Action::InterventionClosed {
                finding,
                component,
                note,
            } => {
                let Some(iv) = iv_ix.get(&e.subject).map(|i| &mut w.interventions[*i]) else {
                    continue;
                };
                if !iv.status.is_open() {
                    iv.conflicting_end(e, Some(*finding), component);
                    continue;
                }
                iv.status = InterventionStatus::Done;
                iv.ended = Some(Stamp::of(e, note));
                iv.finding = Some(*finding);
                iv.found_component = component.clone();
                let alert = iv.alert.clone();
                if let Some(a) = alert.as_ref().and_then(|a| alert_ix.get(a)) {
                    let a = &mut w.alerts[*a];
                    a.outcome = Some(Outcome {
                        finding: *finding,
                        component: component.clone(),
                        intervention: e.subject.clone(),
                        at: e.at,
                    });
                    if a.status.is_active() {
                        a.status = AlertStatus::Resolved;
                        a.acknowledged = None;
                        a.closure = Some(Closure::Intervention {
                            id: e.subject.clone(),
                            stamp: Stamp::of(e, note),
                        });
                    }
                    a.events.push(e.clone());
                }
            }
            Action::NoteAdded { text } => {
                let stamp = Stamp::of(e, &Some(text.clone()));
                if let Some(a) = alert_ix.get(&e.subject).map(|i| &mut w.alerts[*i]) {
                    a.notes.push(stamp);
                    a.events.push(e.clone());
                } else if let Some(iv) = iv_ix.get(&e.subject).map(|i| &mut w.interventions[*i]) {
                    iv.notes.push(stamp);
                }
            }
            other => {
                let Some(a) = alert_ix.get(&e.subject).map(|i| &mut w.alerts[*i]) else {
                    continue;
                };
                if apply_alert(a, e, other) {
                    a.events.push(e.clone());
                }
            }
        }
    }
    w
}

/// Applies one triage or run event to an alert; `false` when it does not fit its state.
fn apply_alert(a: &mut AlertState, e: &Event, action: &Action) -> bool {
    match action {
        Action::AlertEscalated { to, as_of, .. } if a.status.is_active() && *to > a.category => {
            a.category = *to;
            a.categories.push(*to);
            a.last_raised = *as_of;
            // A new level asks for attention again.
            if a.status == AlertStatus::Acknowledged {
                a.status = AlertStatus::Open;
                a.acknowledged = None;
            }
            true
        }
        Action::AlertCleared { runs, .. } if a.status.is_active() => {
            a.status = AlertStatus::Resolved;
            a.acknowledged = None;
            a.closure = Some(Closure::Cleared {
                runs: *runs,
                at: e.at,
            });
            true
        }
        Action::AlertAcknowledged { note } if a.status == AlertStatus::Open => {
            a.status = AlertStatus::Acknowledged;
            a.acknowledged = Some(Stamp::of(e, note));
            true
        }
        Action::AlertDismissed {
            reason,
            until,
            note,
        } if a.status.is_active() => {
            a.status = AlertStatus::Dismissed;
            a.acknowledged = None;
            a.closure = Some(Closure::Dismissed {
                reason: *reason,
                until: until.clone(),
                stamp: Stamp::of(e, note),
            });
            true
        }
        Action::AlertReopened { .. } if !a.status.is_active() => {
            a.status = AlertStatus::Open;
            a.closure = None;
            true
        }
        _ => false,
    }
}
