//! The alert life cycle. A scoring run opens an alert when a turbine enters high or critical
//! and nothing covers it, escalates an open alert whose turbine went higher, and clears one
//! whose turbine stayed below high for [`AlertRules::clear_after_runs`] consecutive runs (no
//! flapping on a score that wobbles around the threshold). People acknowledge, dismiss (with a
//! reason, and optionally a mute-until date during which the turbine raises no new alert) and
//! re-open.
//!
//! What covers a turbine: an open alert; a dismissed or resolved one, until the turbine has
//! been seen below high in a run after it was closed, or goes higher than the alert had been;
//! a mute, until its day is over.

use rusqlite::{params, Connection, OptionalExtension};

use super::act::{act, turbine_id};
use super::events::{self, Action, Actor, Event};
use super::kinds::DismissReason;
use super::state::{AlertState, AlertStatus, Closure, Workflow};
use super::{checked_date, checked_text, day_end, WorkflowError, MAX_NOTE_CHARS};
use crate::risk::{AlertRules, Category};
use crate::store::Store;

/// A dismissal asked for.
#[derive(Debug, Clone, Default)]
pub struct Dismissal {
    /// Why (required).
    pub reason: Option<DismissReason>,
    /// Mute the turbine until the end of this day (`YYYY-MM-DD`).
    pub until: Option<String>,
    /// A note.
    pub note: Option<String>,
}

/// The turbine in a run, as the alert rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    /// Its row id in `turbines`.
    pub turbine_key: i64,
    /// Its id.
    pub turbine_id: &'a str,
    /// Its category; `None`: not scored (neither raises, clears nor breaks a clearing streak).
    pub category: Option<Category>,
}

/// Whether a run of this trigger, with this data time, drives the alerts: every run but a
/// one-off past scoring (`replay`), and only if no run with a later data time drove them
/// already (a history backfilled after today's run does not reopen old alerts).
fn drives_alerts(conn: &Connection, run: i64, trigger: &str, as_of: i64) -> rusqlite::Result<bool> {
    if trigger == "replay" {
        return Ok(false);
    }
    let later: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM runs WHERE id != ?1 AND status = 'succeeded' AND trigger != 'replay' AND as_of > ?2 LIMIT 1",
            params![run, as_of],
            |r| r.get(0),
        )
        .optional()?;
    Ok(later.is_none())
}

/// The categories of the turbine in the alert-driving runs up to `as_of`, latest first.
fn recent_categories(
    conn: &Connection,
    turbine_key: i64,
    as_of: i64,
    limit: u32,
) -> rusqlite::Result<Vec<Option<Category>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.category FROM predictions p JOIN runs r ON r.id = p.run
         WHERE p.turbine = ?1 AND r.status = 'succeeded' AND r.trigger != 'replay' AND r.as_of <= ?2
         ORDER BY r.as_of DESC, r.id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![turbine_key, as_of, limit], |r| {
        Ok(r.get::<_, Option<String>>(0)?
            .and_then(|c| Category::parse(&c)))
    })?;
    rows.collect()
}

/// Whether the turbine was scored below high in an alert-driving run started after `since`
/// (Unix seconds, wall clock).
fn seen_below_high_since(
    conn: &Connection,
    turbine_key: i64,
    since: i64,
) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM predictions p JOIN runs r ON r.id = p.run
         WHERE p.turbine = ?1 AND r.status = 'succeeded' AND r.trigger != 'replay'
           AND r.started_at >= ?2 AND p.category IN ('low', 'moderate') LIMIT 1",
    )?;
    stmt.exists(params![turbine_key, since])
}

/// Applies a committed-to-be run to the alerts, in the run's transaction: raises, escalates,
/// clears. Returns the events recorded.
pub fn apply_run(
    conn: &Connection,
    run: i64,
    trigger: &str,
    as_of: i64,
    turbines: &[Scored<'_>],
    rules: AlertRules,
) -> Result<Vec<Event>, WorkflowError> {
    if !drives_alerts(conn, run, trigger, as_of)? {
        return Ok(Vec::new());
    }
    let workflow = Workflow::load(conn)?;
    let latest = workflow.latest_by_turbine();
    let actor = Actor::system();
    let mut out = Vec::new();
    for t in turbines {
        let Some(category) = t.category else { continue };
        let alert = latest.get(t.turbine_id).copied();
        match alert {
            Some(a) if a.status.is_active() => {
                if category > a.category {
                    out.push(Event::new(
                        &actor,
                        &a.id,
                        t.turbine_id,
                        Action::AlertEscalated {
                            from: a.category,
                            to: category,
                            as_of,
                        },
                    ));
                } else if category < Category::High {
                    let n = rules.clear_after_runs.max(1);
                    let recent = recent_categories(conn, t.turbine_key, as_of, n * 4)?;
                    // Not-scored runs neither count nor break the streak.
                    let mut below = 0;
                    for c in recent.iter().flatten() {
                        if *c >= Category::High {
                            break;
                        }
                        below += 1;
                    }
                    if below >= n {
                        out.push(Event::new(
                            &actor,
                            &a.id,
                            t.turbine_id,
                            Action::AlertCleared { runs: n, as_of },
                        ));
                    }
                }
            }
            _ if category >= Category::High => {
                if let Some(a) = alert {
                    if covers(conn, a, t.turbine_key, category, as_of)? {
                        continue;
                    }
                }
                let from = recent_categories(conn, t.turbine_key, as_of, 2)?
                    .get(1)
                    .copied()
                    .flatten();
                out.push(Event::new(
                    &actor,
                    &events::new_id(),
                    t.turbine_id,
                    Action::AlertRaised {
                        category,
                        from,
                        as_of,
                    },
                ));
            }
            _ => {}
        }
    }
    events::record(conn, &out)?;
    Ok(out)
}

/// Whether a closed alert still covers its turbine at `category` (see the module doc).
fn covers(
    conn: &Connection,
    a: &AlertState,
    turbine_key: i64,
    category: Category,
    as_of: i64,
) -> rusqlite::Result<bool> {
    let Some(closure) = &a.closure else {
        return Ok(false);
    };
    if let Closure::Dismissed {
        until: Some(until), ..
    } = closure
    {
        if day_end(until).is_some_and(|end| as_of < end) {
            return Ok(true);
        }
    }
    if matches!(closure, Closure::Cleared { .. }) {
        return Ok(false);
    }
    if category > a.category {
        return Ok(false);
    }
    Ok(!seen_below_high_since(conn, turbine_key, closure.at())?)
}

/// The turbine's latest alert, or why there is none to act on.
fn latest<'w>(w: &'w Workflow, turbine: &str) -> Result<&'w AlertState, WorkflowError> {
    w.latest_alert(turbine)
        .ok_or_else(|| WorkflowError::NoAlert {
            turbine: turbine.to_string(),
        })
}

/// The error for acting on a closed alert.
fn closed(a: &AlertState) -> WorkflowError {
    let by = match &a.closure {
        Some(c) => {
            let (author, machine) = c.by(&a.machine);
            super::by(&author, &machine, c.at())
        }
        None => String::new(),
    };
    WorkflowError::AlertClosed {
        turbine: a.turbine_id.clone(),
        status: a.status.as_str().into(),
        by,
    }
}

/// Acknowledges the turbine's open alert.
pub fn acknowledge(
    store: &mut Store,
    actor: &Actor,
    turbine: &str,
    note: Option<&str>,
) -> Result<Event, WorkflowError> {
    let note = checked_text("note", note, MAX_NOTE_CHARS)?;
    act(store, |conn, w| {
        let id = turbine_id(conn, turbine)?;
        let a = latest(w, &id)?;
        match a.status {
            AlertStatus::Open => Ok(Event::new(
                actor,
                &a.id,
                &id,
                Action::AlertAcknowledged { note },
            )),
            AlertStatus::Acknowledged => Err(WorkflowError::AlertAlready {
                turbine: id,
                status: a.status.as_str().into(),
            }),
            _ => Err(closed(a)),
        }
    })
}

/// Dismisses the turbine's open alert.
pub fn dismiss(
    store: &mut Store,
    actor: &Actor,
    turbine: &str,
    d: &Dismissal,
) -> Result<Event, WorkflowError> {
    let reason = d.reason.ok_or(WorkflowError::Invalid {
        field: "reason",
        message:
            "a dismissal needs a reason: false-alarm-sensor, known-issue, already-planned or other"
                .into(),
    })?;
    let until = d
        .until
        .as_deref()
        .map(|u| checked_date("until", u))
        .transpose()?;
    let note = checked_text("note", d.note.as_deref(), MAX_NOTE_CHARS)?;
    act(store, |conn, w| {
        let id = turbine_id(conn, turbine)?;
        let a = latest(w, &id)?;
        if !a.status.is_active() {
            return Err(closed(a));
        }
        Ok(Event::new(
            actor,
            &a.id,
            &id,
            Action::AlertDismissed {
                reason,
                until,
                note,
            },
        ))
    })
}

/// Adds a note to an intervention of the turbine (`intervention`: its id or the start of it),
/// else to the turbine's latest alert, whatever its status: a note records what somebody saw
/// and changes no state.
pub fn note(
    store: &mut Store,
    actor: &Actor,
    turbine: &str,
    intervention: Option<&str>,
    text: &str,
) -> Result<Event, WorkflowError> {
    let text = checked_text("note", Some(text), MAX_NOTE_CHARS)?.ok_or(WorkflowError::Invalid {
        field: "note",
        message: "the note is empty: write what was seen or done".into(),
    })?;
    act(store, |conn, w| {
        let id = turbine_id(conn, turbine)?;
        let subject = match intervention {
            Some(iv) => {
                let i = super::interventions::find(w, iv)?;
                if i.turbine_id != id {
                    return Err(WorkflowError::Invalid {
                        field: "intervention",
                        message: format!(
                            "intervention {} is on {}, not on {id}",
                            i.id.chars().take(8).collect::<String>(),
                            i.turbine_id
                        ),
                    });
                }
                i.id.clone()
            }
            None => latest(w, &id)?.id.clone(),
        };
        Ok(Event::new(actor, &subject, &id, Action::NoteAdded { text }))
    })
}

/// Re-opens the turbine's latest alert (dismissed or resolved).
pub fn reopen(
    store: &mut Store,
    actor: &Actor,
    turbine: &str,
    note: Option<&str>,
) -> Result<Event, WorkflowError> {
    let note = checked_text("note", note, MAX_NOTE_CHARS)?;
    act(store, |conn, w| {
        let id = turbine_id(conn, turbine)?;
        let a = latest(w, &id)?;
        if a.status.is_active() {
            return Err(WorkflowError::AlertAlready {
                turbine: id,
                status: a.status.as_str().into(),
            });
        }
        Ok(Event::new(
            actor,
            &a.id,
            &id,
            Action::AlertReopened { note },
        ))
    })
}
