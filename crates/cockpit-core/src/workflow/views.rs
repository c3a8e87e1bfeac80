//! What the fronts show of the workflow, with its words in one language: the alert list, the
//! fleet row's alert, the interventions list (overdue ones marked), what changed since the last
//! run, and a turbine's history (logbook, alerts with their outcome, interventions).

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::kinds::{DismissReason, Finding, Priority};
use super::state::{
    AlertState, AlertStatus, Closure, Conflict, InterventionState, InterventionStatus, Outcome,
    Stamp, Workflow,
};
use super::words::{self, BadgeKind, ChangeCounts};
use super::{day_end, WorkflowError};
use crate::lang::{component_text, format_day, Lang};
use crate::risk::Category;
use crate::schema::format_timestamp;

/// An alert as the fronts show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AlertView {
    /// Its id (UUID).
    pub id: String,
    /// The turbine.
    pub turbine_id: String,
    /// `open`, `acknowledged`, `dismissed`, `resolved`.
    pub status: AlertStatus,
    /// Its highest category.
    pub category: Category,
    /// The categories it went through.
    pub categories: Vec<Category>,
    /// Data time of the run that raised it (`YYYY-MM-DDTHH:MM:SSZ`).
    pub first_raised: String,
    /// The acknowledgement, while it holds.
    pub acknowledged: Option<Stamp>,
    /// How it was closed.
    pub closure: Option<Closure>,
    /// What the intervention found.
    pub outcome: Option<Outcome>,
    /// Interventions planned from it.
    pub interventions: Vec<String>,
    /// Notes added to it, oldest first.
    pub notes: Vec<Stamp>,
    /// The same in words.
    pub text: AlertText,
}

/// An alert in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AlertText {
    /// The status.
    pub status: String,
    /// The categories it went through: "high → critical".
    pub path: String,
    /// The badge of an open alert ("new", "↑ from moderate", "since Nov 25 (3 d)"); `None`
    /// when closed.
    pub badge: Option<String>,
    /// What kind of badge.
    pub badge_kind: Option<BadgeKind>,
    /// "acknowledged by … on …".
    pub acknowledged: Option<String>,
    /// How it was closed.
    pub closure: Option<String>,
    /// What the intervention found: "fault confirmed: generator winding".
    pub outcome: Option<String>,
    /// Raised on: "Nov 25".
    pub first_raised: String,
    /// Its notes: "karim on LAPTOP-07, Nov 30: bearing noise at low speed".
    pub notes: Vec<String>,
}

fn alert_view(a: &AlertState, latest_as_of: Option<i64>, lang: Lang) -> AlertView {
    let (badge_kind, badge) = match latest_as_of {
        Some(l) if a.status.is_active() => {
            let (k, b) = words::badge(
                a.first_raised,
                a.last_raised,
                a.from,
                &a.categories,
                l,
                lang,
            );
            (Some(k), Some(b))
        }
        _ => (None, None),
    };
    AlertView {
        id: a.id.clone(),
        turbine_id: a.turbine_id.clone(),
        status: a.status,
        category: a.category,
        categories: a.categories.clone(),
        first_raised: format_timestamp(a.first_raised),
        acknowledged: a.acknowledged.clone(),
        closure: a.closure.clone(),
        outcome: a.outcome.clone(),
        interventions: a.interventions.clone(),
        notes: a.notes.clone(),
        text: AlertText {
            status: words::alert_status(a.status, lang).into(),
            path: words::path(&a.categories, lang),
            badge,
            badge_kind,
            acknowledged: a
                .acknowledged
                .as_ref()
                .map(|s| words::acknowledged(&s.author, &s.machine, s.at, lang)),
            closure: a.closure.as_ref().map(|c| words::closure(c, lang)),
            outcome: a.outcome.as_ref().map(|o| words::outcome(o, lang)),
            first_raised: format_day(a.first_raised, lang),
            notes: a.notes.iter().map(|n| words::note(n, lang)).collect(),
        },
    }
}

/// Data time of the latest alert-driving run (every successful run but `replay`).
pub fn latest_as_of(conn: &Connection) -> Result<Option<i64>, WorkflowError> {
    Ok(conn.query_row(
        "SELECT MAX(as_of) FROM runs WHERE status = 'succeeded' AND trigger != 'replay'",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )?)
}

/// Every alert, latest raised first; only the open and acknowledged ones with `active_only`.
pub fn alerts(
    conn: &Connection,
    active_only: bool,
    lang: Lang,
) -> Result<Vec<AlertView>, WorkflowError> {
    let w = Workflow::load(conn)?;
    let latest = latest_as_of(conn)?;
    Ok(w.alerts
        .iter()
        .rev()
        .filter(|a| !active_only || a.status.is_active())
        .map(|a| alert_view(a, latest, lang))
        .collect())
}

/// The latest alert of each turbine that has one, as the fleet rows show it (`latest_as_of`: the
/// latest alert-driving run's data time, [`latest_as_of`]).
pub fn fleet_alerts(
    w: &Workflow,
    latest_as_of: Option<i64>,
    lang: Lang,
) -> HashMap<String, AlertView> {
    w.latest_by_turbine()
        .into_iter()
        .map(|(t, a)| (t.to_string(), alert_view(a, latest_as_of, lang)))
        .collect()
}

/// An intervention as the fronts show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InterventionView {
    /// Its id (UUID).
    pub id: String,
    /// The turbine.
    pub turbine_id: String,
    /// The alert it answers.
    pub alert: Option<String>,
    /// The component to look at (`generator_winding`, …).
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
    /// `planned`, `in_progress`, `done`, `cancelled`.
    pub status: InterventionStatus,
    /// Open and its due date is past.
    pub overdue: bool,
    /// Who planned it.
    pub planned: Stamp,
    /// Who started it.
    pub started: Option<Stamp>,
    /// Who closed or cancelled it.
    pub ended: Option<Stamp>,
    /// What was found.
    pub finding: Option<Finding>,
    /// The component at fault.
    pub found_component: Option<String>,
    /// Notes added to it, oldest first.
    pub notes: Vec<Stamp>,
    /// Closings that came after it was closed differently (another machine's), not applied.
    pub conflicts: Vec<Conflict>,
    /// The same in words.
    pub text: InterventionText,
}

/// An intervention in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InterventionText {
    /// The status.
    pub status: String,
    /// The component.
    pub component: String,
    /// The priority.
    pub priority: String,
    /// "due Dec 3" or "overdue since Dec 3".
    pub due: String,
    /// What was found.
    pub finding: Option<String>,
    /// Its notes: "karim on LAPTOP-07, Nov 30: …".
    pub notes: Vec<String>,
    /// Each conflicting closing: "also closed by karim on LAPTOP-07 on Nov 30: fault confirmed:
    /// generator winding (not applied: the closing recorded first stands)".
    pub conflicts: Vec<String>,
}

fn intervention_view(i: &InterventionState, now: i64, lang: Lang) -> InterventionView {
    let due_start = day_end(&i.due).map(|e| e - 86_400).unwrap_or(0);
    let overdue = i.status.is_open() && day_end(&i.due).is_some_and(|e| now >= e);
    InterventionView {
        id: i.id.clone(),
        turbine_id: i.turbine_id.clone(),
        alert: i.alert.clone(),
        component: i.component.clone(),
        action: i.action.clone(),
        due: i.due.clone(),
        team: i.team.clone(),
        priority: i.priority,
        note: i.note.clone(),
        status: i.status,
        overdue,
        planned: i.planned.clone(),
        started: i.started.clone(),
        ended: i.ended.clone(),
        finding: i.finding,
        found_component: i.found_component.clone(),
        notes: i.notes.clone(),
        conflicts: i.conflicts.clone(),
        text: InterventionText {
            status: words::intervention_status(i.status, lang).into(),
            component: component_text(&i.component, lang),
            priority: words::priority(i.priority, lang).into(),
            due: words::due(due_start, overdue, lang),
            finding: i
                .finding
                .map(|f| words::finding(f, i.found_component.as_deref(), lang)),
            notes: i.notes.iter().map(|n| words::note(n, lang)).collect(),
            conflicts: i
                .conflicts
                .iter()
                .map(|c| words::conflict(c, lang))
                .collect(),
        },
    }
}

/// Interventions: open ones by due date (then the rest, latest planned first); only the open
/// ones with `open_only`; only one turbine's with `turbine`.
pub fn interventions(
    conn: &Connection,
    open_only: bool,
    turbine: Option<&str>,
    now: i64,
    lang: Lang,
) -> Result<Vec<InterventionView>, WorkflowError> {
    let w = Workflow::load(conn)?;
    let mut open: Vec<&InterventionState> = Vec::new();
    let mut ended: Vec<&InterventionState> = Vec::new();
    for i in &w.interventions {
        if turbine.is_some_and(|t| !i.turbine_id.eq_ignore_ascii_case(t)) {
            continue;
        }
        if i.status.is_open() {
            open.push(i);
        } else if !open_only {
            ended.push(i);
        }
    }
    open.sort_by(|a, b| {
        a.due
            .cmp(&b.due)
            .then(b.priority.cmp(&a.priority))
            .then(a.turbine_id.cmp(&b.turbine_id))
    });
    ended.reverse();
    Ok(open
        .into_iter()
        .chain(ended)
        .map(|i| intervention_view(i, now, lang))
        .collect())
}

/// What changed since the previous run, for the top of the fleet view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Changes {
    /// Data time of the previous run (`YYYY-MM-DDTHH:MM:SSZ`); `None` for the first run.
    pub previous: Option<String>,
    /// Turbines with a new alert in the latest run.
    pub new_alerts: Vec<String>,
    /// Turbines whose alert escalated in the latest run.
    pub escalated: Vec<String>,
    /// Turbines whose alert closed in the latest run (back below high).
    pub cleared: Vec<String>,
    /// Turbines up a category since the previous run.
    pub rose: Vec<String>,
    /// Turbines down a category.
    pub fell: Vec<String>,
    /// Open alerts nobody has acknowledged.
    pub unacknowledged: usize,
    /// The summary sentence.
    pub text: String,
}

/// What changed between the run `run` (data time `as_of`) and the latest alert-driving run on
/// earlier data (a run that scored the same data again is not "the previous run"); `w` is the
/// derived state, read once by the caller for the whole page.
pub fn changes(
    conn: &Connection,
    w: &Workflow,
    run: i64,
    as_of: i64,
    lang: Lang,
) -> Result<Changes, WorkflowError> {
    let previous: Option<(i64, i64)> = conn
        .query_row(
            "SELECT id, as_of FROM runs WHERE status = 'succeeded' AND trigger != 'replay'
               AND id != ?1 AND as_of IS NOT NULL AND as_of < ?2
             ORDER BY as_of DESC, id DESC LIMIT 1",
            params![run, as_of],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let (mut rose, mut fell) = (Vec::new(), Vec::new());
    if let Some((prev, _)) = previous {
        let mut stmt = conn.prepare_cached(
            "SELECT t.turbine_id, a.category, b.category FROM predictions a
             JOIN predictions b ON b.turbine = a.turbine AND b.run = ?2
             JOIN turbines t ON t.id = a.turbine
             WHERE a.run = ?1 AND a.category IS NOT NULL AND b.category IS NOT NULL
             ORDER BY t.turbine_id",
        )?;
        let rows = stmt.query_map(params![run, prev], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (t, now, before) = row?;
            match (Category::parse(&now), Category::parse(&before)) {
                (Some(n), Some(b)) if n > b => rose.push(t),
                (Some(n), Some(b)) if n < b => fell.push(t),
                _ => {}
            }
        }
    }
    let (mut new_alerts, mut escalated, mut cleared) = (Vec::new(), Vec::new(), Vec::new());
    for a in &w.alerts {
        for e in &a.events {
            match &e.action {
                super::Action::AlertRaised { as_of: t, .. } if *t == as_of => {
                    new_alerts.push(a.turbine_id.clone())
                }
                super::Action::AlertEscalated { as_of: t, .. } if *t == as_of => {
                    escalated.push(a.turbine_id.clone())
                }
                super::Action::AlertCleared { as_of: t, .. } if *t == as_of => {
                    cleared.push(a.turbine_id.clone())
                }
                _ => {}
            }
        }
    }
    for v in [&mut new_alerts, &mut escalated, &mut cleared] {
        v.sort();
        v.dedup();
    }
    let unacknowledged = w
        .latest_by_turbine()
        .values()
        .filter(|a| a.status == AlertStatus::Open)
        .count();
    let text = words::changes(
        &ChangeCounts {
            previous: previous.map(|p| p.1),
            new_alerts: &new_alerts,
            escalated: &escalated,
            cleared: &cleared,
            rose: rose.len(),
            fell: fell.len(),
            unacknowledged,
        },
        lang,
    );
    Ok(Changes {
        previous: previous.map(|p| format_timestamp(p.1)),
        new_alerts,
        escalated,
        cleared,
        rose,
        fell,
        unacknowledged,
        text,
    })
}

/// One logbook entry of a turbine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogbookEntry {
    /// The component (`generator_winding`, …).
    pub component: String,
    /// The component in words.
    pub component_text: String,
    /// When it failed (`YYYY-MM-DDTHH:MM:SSZ`).
    pub failure_time: String,
    /// When it produced again, if recorded.
    pub back_in_service_time: Option<String>,
    /// What was done.
    pub action: String,
}

/// A turbine's history: its logbook, alerts (latest first) and interventions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TurbineHistory {
    /// Logbook entries, latest first.
    pub logbook: Vec<LogbookEntry>,
    /// Alerts, latest raised first.
    pub alerts: Vec<AlertView>,
    /// Interventions: open by due date, then the others.
    pub interventions: Vec<InterventionView>,
}

/// The history of a registered turbine (`turbine_id` as stored).
pub fn history(
    conn: &Connection,
    turbine_id: &str,
    now: i64,
    lang: Lang,
) -> Result<TurbineHistory, WorkflowError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.component, l.failure_time, l.back_in_service_time, l.action FROM logbook l
         JOIN turbines t ON t.id = l.turbine WHERE t.turbine_id = ?1
         ORDER BY l.failure_time DESC",
    )?;
    let logbook = stmt
        .query_map([turbine_id], |r| {
            let component: String = r.get(0)?;
            Ok(LogbookEntry {
                component_text: component_text(&component, lang),
                component,
                failure_time: format_timestamp(r.get(1)?),
                back_in_service_time: r.get::<_, Option<i64>>(2)?.map(format_timestamp),
                action: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let w = Workflow::load(conn)?;
    let latest = latest_as_of(conn)?;
    let alerts = w
        .alerts
        .iter()
        .rev()
        .filter(|a| a.turbine_id == turbine_id)
        .map(|a| alert_view(a, latest, lang))
        .collect();
    let interventions = interventions(conn, false, Some(turbine_id), now, lang)?;
    Ok(TurbineHistory {
        logbook,
        alerts,
        interventions,
    })
}

/// The triage choices in words, for the fronts' forms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Choices {
    /// Dismissal reasons: (value, words).
    pub reasons: Vec<(DismissReason, String)>,
    /// Findings: (value, words).
    pub findings: Vec<(Finding, String)>,
    /// Priorities: (value, words).
    pub priorities: Vec<(Priority, String)>,
    /// Components: (value, words).
    pub components: Vec<(String, String)>,
    /// Longest note accepted.
    pub max_note: usize,
}

/// The triage and planning choices in `lang`.
pub fn choices(lang: Lang) -> Choices {
    Choices {
        reasons: DismissReason::ALL
            .iter()
            .map(|r| (*r, words::dismiss_reason(*r, lang).to_string()))
            .collect(),
        findings: [Finding::Confirmed, Finding::Nothing, Finding::Other]
            .iter()
            .map(|f| (*f, words::finding_name(*f, lang).to_string()))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|p| (*p, words::priority(*p, lang).to_string()))
            .collect(),
        components: crate::schema::Component::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), component_text(c.as_str(), lang)))
            .collect(),
        max_note: super::MAX_NOTE_CHARS,
    }
}
