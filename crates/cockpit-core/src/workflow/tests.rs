//! Tests of the workflow: the event journal (derived state, idempotent replay, union of two
//! machines' journals), the alert life cycle a run drives (open, escalate, hysteresis, mute,
//! re-entry), triage, interventions and every refused input.

use super::*;
use crate::lang::Lang;
use crate::risk::Category::{self, Critical, High, Low, Moderate};
use crate::store::Store;

const DAY: i64 = 86_400;
/// A UTC midnight in 2026 (data time of the first run).
const T0: i64 = 1_795_000_000 / DAY * DAY;

struct Park {
    store: Store,
    /// Runs committed so far (the next one is one day later).
    runs: i64,
}

fn park() -> Park {
    let store = Store::open_in_memory().unwrap();
    for (i, t) in ["LYO-01", "LYO-02", "LYO-08"].iter().enumerate() {
        store
            .conn()
            .execute(
                "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
                 VALUES (?1, ?2, 'Lyon', 'V90', 2000, 45.7, 4.8, '2015-01-01')",
                rusqlite::params![i as i64 + 1, t],
            )
            .unwrap();
    }
    Park { store, runs: 0 }
}

/// Commits a run (trigger, data time) with these categories by turbine key, and applies it to
/// the alerts in its transaction, as `runs` does.
fn commit(
    store: &mut Store,
    trigger: &str,
    at: i64,
    cats: &[(i64, &str, Option<Category>)],
) -> i64 {
    let tx = store.conn_mut().transaction().unwrap();
    tx.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of) VALUES (?1, ?2, ?2, 0, 'succeeded', ?3)",
        rusqlite::params![trigger, crate::clock::now(), at],
    )
    .unwrap();
    let run = tx.last_insert_rowid();
    for (key, _, c) in cats {
        tx.execute(
            "INSERT INTO predictions (turbine, run, scored, category) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![key, run, c.is_some(), c.map(Category::as_str)],
        )
        .unwrap();
    }
    let scored: Vec<_> = cats
        .iter()
        .map(|(key, id, c)| alerts::Scored {
            turbine_key: *key,
            turbine_id: id,
            category: *c,
        })
        .collect();
    alerts::apply_run(&tx, run, trigger, at, &scored, AlertRules::default()).unwrap();
    tx.commit().unwrap();
    run
}

impl Park {
    /// A daily run with these categories for LYO-01, LYO-02, LYO-08 (started "now", so after
    /// every event recorded before it).
    fn run(&mut self, cats: [Option<Category>; 3]) -> i64 {
        let at = T0 + self.runs * DAY;
        self.runs += 1;
        let rows: Vec<_> = ["LYO-01", "LYO-02", "LYO-08"]
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64 + 1, *t, cats[i]))
            .collect();
        commit(&mut self.store, "timer", at, &rows)
    }

    fn workflow(&self) -> Workflow {
        Workflow::load(self.store.conn()).unwrap()
    }

    fn status(&self, turbine: &str) -> Option<(AlertStatus, Category)> {
        self.workflow()
            .latest_alert(turbine)
            .map(|a| (a.status, a.category))
    }

    fn alerts_of(&self, turbine: &str) -> usize {
        self.workflow()
            .alerts
            .iter()
            .filter(|a| a.turbine_id == turbine)
            .count()
    }
}

fn me() -> Actor {
    Actor {
        author: "marie".into(),
        machine: "PC-OFFICE".into(),
    }
}

#[test]
fn a_run_opens_an_alert_when_a_turbine_enters_high_and_keeps_it_across_runs() {
    let mut p = park();
    p.run([Some(Low), Some(Moderate), Some(Low)]);
    assert!(p.workflow().alerts.is_empty());
    p.run([Some(High), Some(Moderate), Some(Low)]);
    assert_eq!(p.status("LYO-01"), Some((AlertStatus::Open, High)));
    p.run([Some(High), Some(Moderate), Some(Low)]);
    p.run([Some(Critical), Some(Moderate), Some(Low)]);
    let w = p.workflow();
    assert_eq!(w.alerts.len(), 1, "one alert across runs");
    let a = &w.alerts[0];
    assert_eq!(
        a.categories,
        vec![High, Critical],
        "escalated, not re-raised"
    );
    assert_eq!(a.first_raised, T0 + DAY);
    assert_eq!(a.from, Some(Low));
}

#[test]
fn an_alert_closes_only_after_the_policy_s_runs_in_a_row_below_high() {
    let mut p = park();
    p.run([Some(High), None, None]);
    // Wobbling around the threshold: below, high, below, below — still open.
    p.run([Some(Moderate), None, None]);
    p.run([Some(High), None, None]);
    p.run([Some(Moderate), None, None]);
    p.run([Some(Moderate), None, None]);
    assert_eq!(p.status("LYO-01"), Some((AlertStatus::Open, High)));
    // A run without a score neither counts nor breaks the streak.
    p.run([None, None, None]);
    assert_eq!(p.status("LYO-01"), Some((AlertStatus::Open, High)));
    p.run([Some(Low), None, None]);
    assert_eq!(p.status("LYO-01"), Some((AlertStatus::Resolved, High)));
    assert_eq!(p.alerts_of("LYO-01"), 1, "no flapping: one alert");
    // Back to high later: a new alert.
    p.run([Some(High), None, None]);
    assert_eq!(p.alerts_of("LYO-01"), 2);
}

#[test]
fn acknowledge_dismiss_and_reopen_with_who_when_and_where() {
    let mut p = park();
    p.run([None, None, Some(High)]);
    acknowledge_as(
        &mut p,
        "lyo-08",
        Some("seen, watching the winding temperature"),
    );
    let a = p.workflow().latest_alert("LYO-08").cloned().unwrap();
    assert_eq!(a.status, AlertStatus::Acknowledged);
    let ack = a.acknowledged.unwrap();
    assert_eq!(
        (ack.author.as_str(), ack.machine.as_str()),
        ("marie", "PC-OFFICE")
    );
    assert_eq!(
        ack.note.as_deref(),
        Some("seen, watching the winding temperature")
    );
    // Acknowledged twice: refused, nothing recorded.
    let before = events::all(p.store.conn()).unwrap().len();
    let e = alerts::acknowledge(&mut p.store, &me(), "LYO-08", None).unwrap_err();
    assert!(matches!(e, WorkflowError::AlertAlready { .. }), "{e}");
    assert_eq!(events::all(p.store.conn()).unwrap().len(), before);

    let d = Dismissal {
        reason: Some(DismissReason::FalseAlarmSensor),
        until: None,
        note: Some("PT100 drifting".into()),
    };
    alerts::dismiss(&mut p.store, &me(), "LYO-08", &d).unwrap();
    assert_eq!(p.status("LYO-08"), Some((AlertStatus::Dismissed, High)));
    // Still high on the next run: the dismissal holds, no new alert.
    p.run([None, None, Some(High)]);
    assert_eq!(p.alerts_of("LYO-08"), 1);
    // Higher than the alert had been: a new alert.
    p.run([None, None, Some(Critical)]);
    assert_eq!(p.alerts_of("LYO-08"), 2);
    assert_eq!(p.status("LYO-08"), Some((AlertStatus::Open, Critical)));
    // Re-open the closed one: refused while the latest is open.
    let e = alerts::reopen(&mut p.store, &me(), "LYO-08", None).unwrap_err();
    assert!(matches!(e, WorkflowError::AlertAlready { .. }), "{e}");
}

fn acknowledge_as(p: &mut Park, turbine: &str, note: Option<&str>) {
    alerts::acknowledge(&mut p.store, &me(), turbine, note).unwrap();
}

#[test]
fn a_dismissed_alert_covers_its_turbine_until_it_is_seen_below_high() {
    let mut p = park();
    p.run([Some(High), None, None]);
    let d = Dismissal {
        reason: Some(DismissReason::KnownIssue),
        ..Dismissal::default()
    };
    alerts::dismiss(&mut p.store, &me(), "LYO-01", &d).unwrap();
    p.run([Some(Moderate), None, None]);
    p.run([Some(High), None, None]);
    assert_eq!(
        p.alerts_of("LYO-01"),
        2,
        "re-entered high after being below"
    );
}

#[test]
fn a_mute_raises_no_new_alert_until_its_day_is_over() {
    let mut p = park();
    p.run([Some(High), None, None]); // T0
    let until = crate::schema::format_date(T0 + 2 * DAY);
    let d = Dismissal {
        reason: Some(DismissReason::AlreadyPlanned),
        until: Some(until),
        note: None,
    };
    alerts::dismiss(&mut p.store, &me(), "LYO-01", &d).unwrap();
    p.run([Some(Low), None, None]); // T0+1: below high
    p.run([Some(Critical), None, None]); // T0+2: muted, even higher
    assert_eq!(p.alerts_of("LYO-01"), 1, "muted through the day given");
    p.run([Some(Critical), None, None]); // T0+3: mute over
    assert_eq!(p.alerts_of("LYO-01"), 2);
}

#[test]
fn an_intervention_closed_with_a_confirmed_fault_resolves_the_alert_and_writes_the_logbook() {
    let mut p = park();
    p.run([None, None, Some(Critical)]);
    alerts::acknowledge(&mut p.store, &me(), "LYO-08", Some("on it")).unwrap();
    let plan = Plan {
        turbine: "LYO-08".into(),
        component: "generator winding".into(),
        due: "2026-12-03".into(),
        action: Some("inspect the stator winding".into()),
        team: Some("Team B".into()),
        priority: Some(Priority::Urgent),
        ..Plan::default()
    };
    let planned = interventions::plan(&mut p.store, &me(), &plan).unwrap();
    let id = planned.subject.clone();
    let w = p.workflow();
    let a = w.latest_alert("LYO-08").unwrap();
    assert_eq!(
        a.interventions,
        vec![id.clone()],
        "linked to the open alert"
    );
    interventions::start(&mut p.store, &me(), &id[..8], None).unwrap();
    interventions::close(
        &mut p.store,
        &me(),
        &id,
        Finding::Confirmed,
        Some("generator_winding"),
        Some("insulation breakdown, phase V"),
    )
    .unwrap();
    let w = p.workflow();
    let a = w.latest_alert("LYO-08").unwrap();
    assert_eq!(a.status, AlertStatus::Resolved);
    let o = a.outcome.as_ref().unwrap();
    assert_eq!(
        (o.finding, o.component.as_deref()),
        (Finding::Confirmed, Some("generator_winding"))
    );
    assert_eq!(
        words::outcome(o, Lang::En),
        "fault confirmed: generator winding"
    );
    assert_eq!(
        words::outcome(o, Lang::Fr),
        "panne confirmée : bobinage génératrice"
    );
    let (component, action): (String, String) = p
        .store
        .conn()
        .query_row(
            "SELECT component, action FROM logbook WHERE turbine = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(component, "generator_winding");
    assert!(action.contains("insulation breakdown"), "{action}");
    // Closing twice: refused with who closed it; nothing changes.
    let before = events::all(p.store.conn()).unwrap().len();
    let e =
        interventions::close(&mut p.store, &me(), &id, Finding::Nothing, None, None).unwrap_err();
    assert!(e.to_string().contains("already done"), "{e}");
    assert!(e.to_string().contains("marie on PC-OFFICE"), "{e}");
    assert_eq!(events::all(p.store.conn()).unwrap().len(), before);
    let logbook: i64 = p
        .store
        .conn()
        .query_row("SELECT COUNT(*) FROM logbook", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logbook, 1);
}

#[test]
fn replaying_the_same_events_changes_nothing_and_two_journals_merge_by_union() {
    let mut office = park();
    office.run([Some(High), None, Some(High)]);
    alerts::acknowledge(&mut office.store, &me(), "LYO-01", None).unwrap();
    let plan = Plan {
        turbine: "LYO-08".into(),
        component: "converter".into(),
        due: "2026-12-01".into(),
        ..Plan::default()
    };
    let planned = interventions::plan(&mut office.store, &me(), &plan).unwrap();
    let journal = events::all(office.store.conn()).unwrap();
    let state = office.workflow();
    // The same events again: nothing new, same state.
    assert_eq!(events::record(office.store.conn(), &journal).unwrap(), 0);
    assert_eq!(office.workflow(), state);
    assert_eq!(
        state::derive(&journal),
        state::derive(&[journal.clone(), journal.clone()].concat())
    );

    // A laptop with a copy of the journal closes the intervention offline.
    let mut laptop = park();
    events::record(laptop.store.conn(), &journal).unwrap();
    let field = Actor {
        author: "karim".into(),
        machine: "LAPTOP-07".into(),
    };
    interventions::close(
        &mut laptop.store,
        &field,
        &planned.subject,
        Finding::Nothing,
        None,
        None,
    )
    .unwrap();
    // The office acknowledges LYO-08's alert meanwhile.
    alerts::acknowledge(&mut office.store, &me(), "LYO-08", None).unwrap();
    // Union both ways: both databases derive the same state.
    let from_laptop = events::all(laptop.store.conn()).unwrap();
    let from_office = events::all(office.store.conn()).unwrap();
    assert_eq!(
        events::record(office.store.conn(), &from_laptop).unwrap(),
        1
    );
    assert_eq!(
        events::record(laptop.store.conn(), &from_office).unwrap(),
        1
    );
    let (a, b) = (office.workflow(), laptop.workflow());
    assert_eq!(a.interventions, b.interventions);
    assert_eq!(a.interventions[0].status, InterventionStatus::Done);
    assert_eq!(
        a.interventions[0].ended.as_ref().unwrap().machine,
        "LAPTOP-07"
    );
}

#[test]
fn acting_on_an_alert_another_machine_closed_is_refused_with_who_closed_it() {
    let mut p = park();
    p.run([Some(High), None, None]);
    let laptop = Actor {
        author: "karim".into(),
        machine: "LAPTOP-07".into(),
    };
    let d = Dismissal {
        reason: Some(DismissReason::Other),
        ..Dismissal::default()
    };
    alerts::dismiss(&mut p.store, &laptop, "LYO-01", &d).unwrap();
    let e = alerts::acknowledge(&mut p.store, &me(), "LYO-01", Some("x")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("already dismissed"), "{msg}");
    assert!(msg.contains("karim on LAPTOP-07"), "{msg}");
    // An acknowledgement that arrives later from a merge is kept in the journal, ignored by the
    // state.
    let w = p.workflow();
    let a = w.latest_alert("LYO-01").unwrap();
    let late = Event::new(
        &me(),
        &a.id,
        "LYO-01",
        Action::AlertAcknowledged { note: None },
    );
    events::record(p.store.conn(), &[late]).unwrap();
    assert_eq!(p.status("LYO-01"), Some((AlertStatus::Dismissed, High)));
}

#[test]
fn bad_input_is_refused_with_a_message_naming_the_problem_and_nothing_is_recorded() {
    let mut p = park();
    p.run([Some(High), None, None]);
    let before = events::all(p.store.conn()).unwrap().len();
    let plan = |turbine: &str, component: &str, due: &str| Plan {
        turbine: turbine.into(),
        component: component.into(),
        due: due.into(),
        ..Plan::default()
    };
    let cases: Vec<(Result<Event, WorkflowError>, &str)> = vec![
        (
            interventions::plan(
                &mut p.store,
                &me(),
                &plan("LYO-99", "converter", "2026-12-01"),
            ),
            "unknown turbine LYO-99",
        ),
        (
            interventions::plan(
                &mut p.store,
                &me(),
                &plan("LYO-01", "converter", "next week"),
            ),
            "\"next week\" is not a date",
        ),
        (
            interventions::plan(
                &mut p.store,
                &me(),
                &plan("LYO-01", "converter", "2026-02-30"),
            ),
            "is not a date",
        ),
        (
            interventions::plan(&mut p.store, &me(), &plan("LYO-01", "rotor", "2026-12-01")),
            "\"rotor\" is not a component",
        ),
        (
            alerts::acknowledge(
                &mut p.store,
                &me(),
                "LYO-01",
                Some(&"x".repeat(MAX_NOTE_CHARS + 1)),
            ),
            "2001 characters, more than the 2000 allowed",
        ),
        (
            alerts::acknowledge(&mut p.store, &me(), "LYO-02", None),
            "LYO-02 has no alert",
        ),
        (
            alerts::dismiss(&mut p.store, &me(), "LYO-01", &Dismissal::default()),
            "needs a reason",
        ),
        (
            interventions::start(&mut p.store, &me(), "abcdef12", None),
            "no intervention with id abcdef12",
        ),
    ];
    for (result, expected) in cases {
        let e = result.unwrap_err().to_string();
        assert!(e.contains(expected), "{e:?} should say {expected:?}");
    }
    assert!(DismissReason::parse("because")
        .unwrap_err()
        .to_string()
        .contains("false-alarm-sensor"));
    assert!(Finding::parse("maybe").is_err());
    assert_eq!(
        events::all(p.store.conn()).unwrap().len(),
        before,
        "nothing recorded"
    );
}

#[test]
fn the_fleet_badge_and_the_changes_since_the_last_run_speak_both_languages() {
    let mut p = park();
    p.run([Some(Moderate), Some(Low), Some(High)]);
    p.run([Some(High), Some(High), Some(High)]);
    p.run([Some(High), Some(High), Some(Critical)]);
    let last = p.run([Some(High), Some(Critical), Some(Critical)]);
    let latest = T0 + 3 * DAY;
    let fleet = views::fleet_alerts(&p.workflow(), Some(latest), Lang::En);
    let since = format!("since {} (3 d)", crate::lang::format_day(T0, Lang::En));
    assert_eq!(fleet["LYO-08"].text.badge.as_deref(), Some(since.as_str()));
    assert_eq!(fleet["LYO-02"].text.badge.as_deref(), Some("↑ from high"));
    let c = views::changes(p.store.conn(), &p.workflow(), last, latest, Lang::En).unwrap();
    assert_eq!(c.escalated, vec!["LYO-02".to_string()]);
    assert_eq!(c.rose, vec!["LYO-02".to_string()]);
    assert!(c.text.starts_with("Since the previous run ("), "{}", c.text);
    assert!(c.text.contains("1 alert escalated (LYO-02)"), "{}", c.text);
    assert!(
        c.text.contains("3 open alerts not acknowledged"),
        "{}",
        c.text
    );
    let fr = views::changes(p.store.conn(), &p.workflow(), last, latest, Lang::Fr).unwrap();
    assert!(
        fr.text.contains("1 alerte aggravée (LYO-02)"),
        "{}",
        fr.text
    );

    // A new alert from moderate shows "↑ from moderate"; from low, "new".
    let mut q = park();
    q.run([Some(Moderate), Some(Low), None]);
    q.run([Some(High), Some(High), None]);
    let fleet = views::fleet_alerts(&q.workflow(), Some(T0 + DAY), Lang::En);
    assert_eq!(
        fleet["LYO-01"].text.badge.as_deref(),
        Some("↑ from moderate")
    );
    assert_eq!(fleet["LYO-02"].text.badge.as_deref(), Some("new"));
    let fr = views::fleet_alerts(&q.workflow(), Some(T0 + DAY), Lang::Fr);
    assert_eq!(fr["LYO-02"].text.badge.as_deref(), Some("nouvelle"));
}

#[test]
fn a_replayed_past_time_and_a_late_backfill_do_not_drive_the_alerts() {
    let mut p = park();
    p.run([Some(Low), None, None]);
    p.run([Some(Low), None, None]);
    for trigger in ["replay", "backfill"] {
        commit(
            &mut p.store,
            trigger,
            T0 - DAY,
            &[(1, "LYO-01", Some(Critical))],
        );
    }
    assert!(p.workflow().alerts.is_empty());
}

#[test]
fn interventions_list_open_ones_by_due_date_and_mark_the_overdue() {
    let mut p = park();
    for (t, due) in [
        ("LYO-01", "2026-12-10"),
        ("LYO-02", "2020-01-01"),
        ("LYO-08", "2026-12-05"),
    ] {
        let plan = Plan {
            turbine: t.into(),
            component: "converter".into(),
            due: due.into(),
            ..Plan::default()
        };
        interventions::plan(&mut p.store, &me(), &plan).unwrap();
    }
    let list = views::interventions(p.store.conn(), true, None, T0, Lang::En).unwrap();
    let order: Vec<_> = list.iter().map(|i| i.turbine_id.as_str()).collect();
    assert_eq!(order, ["LYO-02", "LYO-08", "LYO-01"]);
    assert!(list[0].overdue);
    assert_eq!(list[0].text.due, "overdue since Jan 1");
    assert!(!list[1].overdue);
    let id = list[0].id.clone();
    interventions::cancel(&mut p.store, &me(), &id, Some("turbine replaced")).unwrap();
    assert_eq!(
        views::interventions(p.store.conn(), true, None, T0, Lang::En)
            .unwrap()
            .len(),
        2
    );
    let e = interventions::start(&mut p.store, &me(), &id, None).unwrap_err();
    assert!(e.to_string().contains("already cancelled"), "{e}");
}
