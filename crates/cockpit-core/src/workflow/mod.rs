//! The maintenance workflow: what happens after the ranking. An alert opens when a turbine
//! enters high or critical, lives across runs, and is acknowledged, dismissed, re-opened or
//! resolved; interventions are planned from it, started and closed with what was found; a
//! confirmed fault becomes a logbook entry, so backtests and the next training see real
//! outcomes.
//!
//! Everything is stored as an append-only journal of events (`workflow_events`): each triage
//! or intervention change is one event with a UUID, its author, machine and time, and the
//! state of every alert and intervention is derived from the events ([`state::derive`]).
//! Recording the same events twice changes nothing, so merging what another machine recorded
//! is a union.
//!
//! - [`kinds`] — the coded values: dismissal reasons, priorities, findings;
//! - [`events`] — the event journal: what an event says, writing (idempotent), reading back;
//! - [`state`] — the current alerts and interventions derived from the events;
//! - [`act`] — recording a person's action against the state it was checked on, in one
//!   transaction;
//! - [`alerts`] — the alert life cycle a scoring run drives (open, escalate, clear after
//!   consecutive runs below high, mute), and triage (acknowledge, dismiss, re-open);
//! - [`interventions`] — plan, start, close with a finding (a confirmed fault writes the
//!   logbook), cancel;
//! - [`views`] — what the fronts show, in words: alert lists, the fleet row's badge, what
//!   changed since the last run, a turbine's history;
//! - [`words`] — every workflow sentence in French and English.

pub mod act;
pub mod alerts;
pub mod events;
pub mod interventions;
pub mod kinds;
pub mod state;
pub mod views;
pub mod words;

#[cfg(test)]
mod tests;

use thiserror::Error;

use crate::store::StoreError;

pub use crate::risk::AlertRules;
pub use alerts::Dismissal;
pub use events::{Action, Actor, Event};
pub use interventions::Plan;
pub use kinds::{DismissReason, Finding, Priority};
pub use state::{AlertState, AlertStatus, InterventionState, InterventionStatus, Workflow};

/// Longest note, action or team text accepted (characters).
pub const MAX_NOTE_CHARS: usize = 2000;
/// Longest author or team name accepted (characters).
pub const MAX_NAME_CHARS: usize = 100;

/// Why a workflow action was refused. Nothing is recorded when one is returned.
#[derive(Debug, Error)]
pub enum WorkflowError {
    /// The turbine is not in the registry.
    #[error("unknown turbine {turbine}: check the id (the registry has the turbines of the ingested files)")]
    UnknownTurbine {
        /// The id given.
        turbine: String,
    },
    /// The turbine never had an alert.
    #[error(
        "turbine {turbine} has no alert: alerts open when a run ranks a turbine high or critical"
    )]
    NoAlert {
        /// The turbine.
        turbine: String,
    },
    /// The alert is already closed (dismissed or resolved), possibly on another machine.
    #[error("the alert on {turbine} is already {status} (by {by}): re-open it first if it needs attention again")]
    AlertClosed {
        /// The turbine.
        turbine: String,
        /// `dismissed` or `resolved`.
        status: String,
        /// Who closed it, on which machine, when: "karim on LAPTOP-07, 2026-11-29T10:00:00Z".
        by: String,
    },
    /// The alert is already in the state asked for.
    #[error("the alert on {turbine} is already {status}")]
    AlertAlready {
        /// The turbine.
        turbine: String,
        /// Its status.
        status: String,
    },
    /// No intervention has this id (or prefix).
    #[error("no intervention with id {id}: `cockpit intervention list` shows their ids")]
    UnknownIntervention {
        /// The id given.
        id: String,
    },
    /// Several interventions start with this prefix.
    #[error("{id} names {count} interventions: give more characters of the id")]
    AmbiguousIntervention {
        /// The prefix given.
        id: String,
        /// How many match.
        count: usize,
    },
    /// The intervention is closed or cancelled already, or cannot make this step.
    #[error("intervention {id} on {turbine} is already {status} (by {by}): it cannot be {wanted}")]
    InterventionState {
        /// Its id.
        id: String,
        /// Its turbine.
        turbine: String,
        /// Its status.
        status: String,
        /// Who made that change, on which machine, when.
        by: String,
        /// What was asked (`started`, `closed`, `cancelled`).
        wanted: &'static str,
    },
    /// A value is not valid (a date, a component, a reason, a note too long…).
    #[error("{field}: {message}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A query failed.
    #[error("database error in the workflow journal: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// A note, action or team text checked: trimmed, empty is none, at most `max` characters.
pub fn checked_text(
    field: &'static str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>, WorkflowError> {
    let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let n = t.chars().count();
    if n > max {
        return Err(WorkflowError::Invalid {
            field,
            message: format!("{n} characters, more than the {max} allowed: shorten it"),
        });
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(WorkflowError::Invalid {
            field,
            message: "contains control characters".into(),
        });
    }
    Ok(Some(t.to_string()))
}

/// "karim on LAPTOP-07, 2026-11-29T10:00:00Z".
pub(crate) fn by(author: &str, machine: &str, at: i64) -> String {
    format!(
        "{author} on {machine}, {}",
        crate::schema::format_timestamp(at)
    )
}

/// A date `YYYY-MM-DD` checked (a due date, a mute-until date).
pub fn checked_date(field: &'static str, text: &str) -> Result<String, WorkflowError> {
    let t = text.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| WorkflowError::Invalid {
            field,
            message: format!("{t:?} is not a date: write it YYYY-MM-DD, e.g. 2026-12-03"),
        })
}

/// Unix seconds at the start of the day after `date` (UTC): when a mute ending that day ends.
pub fn day_end(date: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(d.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}
