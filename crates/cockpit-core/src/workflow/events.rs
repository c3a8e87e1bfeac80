//! The journal of actions (`workflow_events`): one row per event, never updated or deleted.
//! An event names its subject (an alert or an intervention, by UUID), its turbine by id (the
//! same on every machine), who recorded it, on which machine and when. Writing an event whose
//! UUID is already stored does nothing, so the same events can be recorded any number of times
//! and two machines' journals merge by union.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::kinds::{DismissReason, Finding, Priority};
use super::WorkflowError;
use crate::clock::now;
use crate::risk::Category;
use crate::schema::Component;
use crate::store::Store;

/// Who records an action, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The person (the preference set in the app or `--author`, else the OS user name).
    pub author: String,
    /// The machine's name.
    pub machine: String,
}

/// The setting (`settings` table) that holds the author name chosen in the preferences.
pub const AUTHOR_SETTING: &str = "workflow.author";

/// Author name of the events the cockpit records itself (alerts raised, escalated, cleared).
pub const SYSTEM_AUTHOR: &str = "cockpit";

impl Actor {
    /// The actor of this machine: `author` if given, else the preference stored in the
    /// database, else the OS user name (`USER`, `USERNAME`), else "unknown".
    pub fn resolve(store: &Store, author: Option<&str>) -> Result<Actor, WorkflowError> {
        let chosen = match author {
            Some(a) => Some(a.to_string()),
            None => store.setting(AUTHOR_SETTING)?,
        };
        let author = match chosen.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => {
                super::checked_text("author", Some(a), super::MAX_NAME_CHARS)?.unwrap_or_default()
            }
            None => os_user(),
        };
        Ok(Actor {
            author,
            machine: machine_name(),
        })
    }

    /// The cockpit itself on this machine (the runs' alert events).
    pub fn system() -> Actor {
        Actor {
            author: SYSTEM_AUTHOR.into(),
            machine: machine_name(),
        }
    }
}

/// Stores the author name the preferences chose (empty: back to the OS user name).
pub fn set_author(store: &Store, author: &str) -> Result<(), WorkflowError> {
    let checked = super::checked_text("author", Some(author), super::MAX_NAME_CHARS)?;
    store.set_setting(AUTHOR_SETTING, checked.as_deref().unwrap_or(""))?;
    Ok(())
}

/// The OS user name, or "unknown".
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// This machine's name (`COCKPIT_MACHINE` if set, else the host name), or "unknown".
pub fn machine_name() -> String {
    if let Ok(m) = std::env::var("COCKPIT_MACHINE") {
        if !m.trim().is_empty() {
            return m.trim().to_string();
        }
    }
    let from_file = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|s| s.trim().to_string());
    from_file
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// What an event says happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// A run ranked the turbine high or critical and no alert covered it.
    AlertRaised {
        /// The category it entered.
        category: Category,
        /// Its category in the run before (none: not scored or first run).
        from: Option<Category>,
        /// The run's data time (Unix seconds).
        as_of: i64,
    },
    /// A run ranked the turbine of an open alert higher than the alert had been.
    AlertEscalated {
        /// The alert's category before.
        from: Category,
        /// The new category.
        to: Category,
        /// The run's data time.
        as_of: i64,
    },
    /// The turbine stayed below high for the policy's number of consecutive runs.
    AlertCleared {
        /// How many runs in a row it was below high.
        runs: u32,
        /// The data time of the run that cleared it.
        as_of: i64,
    },
    /// Somebody has seen the alert.
    AlertAcknowledged {
        /// What they noted.
        note: Option<String>,
    },
    /// Somebody judged the alert needs no action.
    AlertDismissed {
        /// Why.
        reason: DismissReason,
        /// No new alert for the turbine until the end of this day (`YYYY-MM-DD`).
        until: Option<String>,
        /// What they noted.
        note: Option<String>,
    },
    /// A dismissed or resolved alert opened again.
    AlertReopened {
        /// What they noted.
        note: Option<String>,
    },
    /// A visit planned on the turbine.
    InterventionPlanned {
        /// The alert it answers, if any.
        alert: Option<String>,
        /// The component to look at (`generator_winding`, …).
        component: String,
        /// What to do.
        action: Option<String>,
        /// Due date, `YYYY-MM-DD`.
        due: String,
        /// Team or crew.
        team: Option<String>,
        /// How urgent.
        priority: Priority,
        /// A note.
        note: Option<String>,
    },
    /// The team is on it.
    InterventionStarted {
        /// A note.
        note: Option<String>,
    },
    /// The intervention is done, with what was found.
    InterventionClosed {
        /// What was found.
        finding: Finding,
        /// The component at fault, for a confirmed fault.
        component: Option<String>,
        /// A note.
        note: Option<String>,
    },
    /// The intervention will not take place.
    InterventionCancelled {
        /// Why.
        note: Option<String>,
    },
    /// A note on an alert or an intervention (the subject), e.g. what the crew saw on site.
    NoteAdded {
        /// The note.
        text: String,
    },
}

impl Action {
    /// The `kind` column's value (`alert_raised`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::AlertRaised { .. } => "alert_raised",
            Action::AlertEscalated { .. } => "alert_escalated",
            Action::AlertCleared { .. } => "alert_cleared",
            Action::AlertAcknowledged { .. } => "alert_acknowledged",
            Action::AlertDismissed { .. } => "alert_dismissed",
            Action::AlertReopened { .. } => "alert_reopened",
            Action::InterventionPlanned { .. } => "intervention_planned",
            Action::InterventionStarted { .. } => "intervention_started",
            Action::InterventionClosed { .. } => "intervention_closed",
            Action::InterventionCancelled { .. } => "intervention_cancelled",
            Action::NoteAdded { .. } => "note_added",
        }
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Its UUID.
    pub id: String,
    /// When it was recorded (Unix seconds, UTC).
    pub at: i64,
    /// Who recorded it.
    pub author: String,
    /// On which machine.
    pub machine: String,
    /// The alert or intervention it changes (UUID).
    pub subject: String,
    /// The turbine (its id, as in the data).
    pub turbine_id: String,
    /// What happened.
    pub action: Action,
}

impl Event {
    /// A new event recorded now by `actor`.
    pub fn new(actor: &Actor, subject: &str, turbine_id: &str, action: Action) -> Event {
        Event {
            id: new_id(),
            at: now(),
            author: actor.author.clone(),
            machine: actor.machine.clone(),
            subject: subject.to_string(),
            turbine_id: turbine_id.to_string(),
            action,
        }
    }
}

/// A new UUID (v4), for an event, an alert or an intervention.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Writes events (those whose UUID is already stored are skipped) and what follows from them
/// in the rest of the database (a confirmed fault's logbook entry). Returns how many were new.
pub fn record(conn: &Connection, events: &[Event]) -> Result<usize, WorkflowError> {
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO workflow_events (id, at, author, machine, kind, subject, turbine, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut added = 0;
    for e in events {
        let data = serde_json::to_string(&e.action).map_err(|err| WorkflowError::Invalid {
            field: "event",
            message: err.to_string(),
        })?;
        let n = insert.execute(params![
            e.id,
            e.at,
            e.author,
            e.machine,
            e.action.kind(),
            e.subject,
            e.turbine_id,
            data
        ])?;
        if n > 0 {
            added += 1;
            write_logbook(conn, e)?;
        }
    }
    Ok(added)
}

/// A confirmed fault is a logbook failure of its component at the closing time (and back in
/// service at once: the visit repaired it), written once however often the event is recorded.
fn write_logbook(conn: &Connection, e: &Event) -> Result<(), WorkflowError> {
    let Action::InterventionClosed {
        finding: Finding::Confirmed,
        component: Some(component),
        note,
    } = &e.action
    else {
        return Ok(());
    };
    let Some(component) = Component::parse(component) else {
        return Ok(());
    };
    let Some(turbine) = conn
        .query_row(
            "SELECT id FROM turbines WHERE turbine_id = ?1",
            [&e.turbine_id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    else {
        return Ok(());
    };
    let short: String = e.subject.chars().take(8).collect();
    let action = match note {
        Some(n) => format!("intervention {short}: {n}"),
        None => format!("intervention {short}"),
    };
    conn.execute(
        "INSERT OR IGNORE INTO logbook (turbine, component, failure_time, back_in_service_time, action)
         VALUES (?1, ?2, ?3, ?3, ?4)",
        params![turbine, component.as_str(), e.at, action],
    )?;
    Ok(())
}

/// Every event, in the order they are applied: by time, then in the order this database
/// stored them. An event this version cannot read (written by a newer cockpit) is left out.
pub fn all(conn: &Connection) -> Result<Vec<Event>, WorkflowError> {
    read(conn, |id, _| {
        tracing::warn!(event = %id, "workflow event not understood; left out");
    })
}

/// [`all`], failing with the event's id and why on the first event this version cannot read:
/// for journals merged from elsewhere, where nothing may be dropped silently.
pub fn all_or_unreadable(
    conn: &Connection,
) -> Result<Result<Vec<Event>, (String, String)>, WorkflowError> {
    let mut bad = None;
    let events = read(conn, |id, e| {
        bad.get_or_insert_with(|| (id.to_string(), e.to_string()));
    })?;
    Ok(bad.map_or(Ok(events), Err))
}

/// Reads the journal; `unreadable` is told of each event whose action does not parse (it is
/// left out).
fn read(
    conn: &Connection,
    mut unreadable: impl FnMut(&str, &serde_json::Error),
) -> Result<Vec<Event>, WorkflowError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, author, machine, subject, turbine, data FROM workflow_events ORDER BY at, seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, author, machine, subject, turbine_id, data) = row?;
        let action = match serde_json::from_str::<Action>(&data) {
            Ok(a) => a,
            Err(e) => {
                unreadable(&id, &e);
                continue;
            }
        };
        out.push(Event {
            id,
            at,
            author,
            machine,
            subject,
            turbine_id,
            action,
        });
    }
    Ok(out)
}
