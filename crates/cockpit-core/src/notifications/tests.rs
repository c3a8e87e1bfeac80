//! Tests of the notifications: what a run's notification says (counts, order, French and
//! English, the long list cut), which runs notify, mutes and dismissals respected, the setting.

use std::sync::Mutex;

use super::*;
use crate::risk::{AlertRules, Category::*};
use crate::runs::drivers::{stored_json, Basis};
use crate::runs::Driver;
use crate::workflow::{alerts, Actor, DismissReason, Dismissal};

const DAY: i64 = 86_400;
const T0: i64 = 1_795_000_000 / DAY * DAY;
const IDS: [&str; 8] = [
    "LYO-01", "LYO-02", "LYO-03", "LYO-04", "LYO-05", "LYO-06", "LYO-07", "LYO-08",
];

fn park() -> Store {
    let store = Store::open_in_memory().unwrap();
    for (i, t) in IDS.iter().enumerate() {
        store
            .conn()
            .execute(
                "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
                 VALUES (?1, ?2, 'Lyon', 'V90', 2000, 45.7, 4.8, '2015-01-01')",
                rusqlite::params![i as i64 + 1, t],
            )
            .unwrap();
    }
    store
}

/// A generator-winding driver rising `per_day` °C a day.
fn winding(per_day: f64) -> Driver {
    Driver {
        indicator: "generator_winding".into(),
        feature: "generator_winding_slope_7d".into(),
        value: per_day,
        reference: 0.0,
        unit: "°C/d".into(),
        basis: Basis::Trend,
        contribution: 0.2,
    }
}

/// Commits a run (trigger, day) with (turbine index, category, risk score) and a winding
/// driver for each, applying the alert rules in its transaction as `runs` does; returns the
/// run and the alert events it recorded.
fn run(
    store: &mut Store,
    trigger: &str,
    day: i64,
    rows: &[(usize, Category, f64)],
) -> (RunRecord, Vec<Event>) {
    let at = T0 + day * DAY;
    let tx = store.conn_mut().transaction().unwrap();
    tx.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, turbines)
         VALUES (?1, ?2, ?2, 0, 'succeeded', ?3, ?4)",
        rusqlite::params![trigger, crate::clock::now(), at, rows.len() as i64],
    )
    .unwrap();
    let id = tx.last_insert_rowid();
    for (i, c, score) in rows {
        tx.execute(
            "INSERT INTO predictions (turbine, run, scored, risk_score, category, drivers)
             VALUES (?1, ?2, 1, ?3, ?4, ?5)",
            rusqlite::params![
                *i as i64 + 1,
                id,
                score,
                c.as_str(),
                stored_json(&[winding(1.0 + *i as f64)], &[])
            ],
        )
        .unwrap();
    }
    let scored: Vec<_> = rows
        .iter()
        .map(|(i, c, _)| alerts::Scored {
            turbine_key: *i as i64 + 1,
            turbine_id: IDS[*i],
            category: Some(*c),
        })
        .collect();
    let events = alerts::apply_run(&tx, id, trigger, at, &scored, AlertRules::default()).unwrap();
    tx.commit().unwrap();
    (queries::run(store, id).unwrap(), events)
}

fn summary_of(store: &Store, r: &(RunRecord, Vec<Event>), lang: Lang) -> Option<Notification> {
    summary(store, &r.0, &r.1, lang).unwrap()
}

/// Keeps what it was asked to show.
#[derive(Default)]
struct Recorder {
    shown: Mutex<Vec<Notification>>,
    fail: Option<String>,
}

impl Notifier for Recorder {
    fn notify(&self, n: &Notification) -> Result<(), String> {
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        self.shown.lock().unwrap().push(n.clone());
        Ok(())
    }
}

#[test]
fn a_timer_run_raising_two_critical_turbines_names_them_with_their_main_driver() {
    let mut store = park();
    let r = run(
        &mut store,
        "timer",
        0,
        &[(7, Critical, 91.0), (1, Critical, 95.0), (2, Low, 10.0)],
    );
    let en = summary_of(&store, &r, Lang::En).unwrap();
    assert_eq!(en.title, "2 turbines now critical");
    assert_eq!(en.turbines, ["LYO-02", "LYO-08"], "highest risk first");
    assert_eq!(en.run, r.0.id);
    let lines: Vec<&str> = en.body.lines().collect();
    assert_eq!(
        lines,
        [
            format!("LYO-02: {}", winding(2.0).phrase(Lang::En)),
            format!("LYO-08: {}", winding(8.0).phrase(Lang::En)),
        ]
    );
    assert!(lines[0].contains("generator winding"), "{}", lines[0]);

    let fr = summary_of(&store, &r, Lang::Fr).unwrap();
    assert_eq!(fr.title, "2 éoliennes passées en critique");
    assert_eq!(
        fr.body.lines().next().unwrap(),
        format!("LYO-02 : {}", winding(2.0).phrase(Lang::Fr))
    );
    for english in crate::runs::drivers::ENGLISH_FRAGMENTS {
        assert!(!fr.body.contains(english), "{english} in {}", fr.body);
    }
    assert_eq!(fr.turbines, en.turbines);
    assert_eq!(en.action, "Show these turbines");
    assert_eq!(fr.action, "Voir ces éoliennes");
}

#[test]
fn critical_turbines_come_first_and_a_mixed_run_says_how_many_are_critical() {
    let mut store = park();
    let r = run(
        &mut store,
        "watch",
        0,
        &[(0, High, 99.0), (3, Critical, 80.0), (4, High, 70.0)],
    );
    let en = summary_of(&store, &r, Lang::En).unwrap();
    assert_eq!(
        en.title,
        "3 turbines now high or critical, 1 of them critical"
    );
    // Critical before a high one whatever its score; each line says its category.
    assert_eq!(en.turbines, ["LYO-04", "LYO-01", "LYO-05"]);
    assert!(en.body.starts_with("LYO-04 (critical): "), "{}", en.body);
    assert!(en.body.contains("\nLYO-01 (high): "), "{}", en.body);
    let fr = summary_of(&store, &r, Lang::Fr).unwrap();
    assert_eq!(
        fr.title,
        "3 éoliennes passées en risque élevé ou critique, dont 1 en critique"
    );
    assert!(fr.body.starts_with("LYO-04 (critique) : "), "{}", fr.body);

    let mut store = park();
    let one = run(&mut store, "timer", 0, &[(5, High, 60.0)]);
    let en = summary_of(&store, &one, Lang::En).unwrap();
    assert_eq!(en.title, "1 turbine now high risk");
    assert!(en.body.starts_with("LYO-06: "), "{}", en.body);
    assert_eq!(
        summary_of(&store, &one, Lang::Fr).unwrap().title,
        "1 éolienne passée en risque élevé"
    );
}

#[test]
fn a_long_list_names_three_turbines_and_counts_the_others() {
    let mut store = park();
    let rows: Vec<_> = (0..8).map(|i| (i, Critical, 50.0 + i as f64)).collect();
    let r = run(&mut store, "timer", 0, &rows);
    let en = summary_of(&store, &r, Lang::En).unwrap();
    assert_eq!(en.title, "8 turbines now critical");
    let lines: Vec<&str> = en.body.lines().collect();
    assert_eq!(lines.len(), NAMED_IN_BODY + 1);
    assert!(lines[0].starts_with("LYO-08: "), "{}", lines[0]);
    assert_eq!(lines[3], "… and 5 more");
    // The click opens all eight, not only the three named.
    assert_eq!(en.turbines.len(), 8);
    let fr = summary_of(&store, &r, Lang::Fr).unwrap();
    assert_eq!(fr.body.lines().last(), Some("… et 5 autres"));
}

#[test]
fn runs_somebody_started_and_past_runs_notify_nobody() {
    for trigger in ["manual", "cli", "backfill", "replay"] {
        let mut store = park();
        let r = run(&mut store, trigger, 0, &[(0, Critical, 90.0)]);
        if trigger != "replay" {
            assert!(!r.1.is_empty(), "{trigger}: the run raised an alert");
        }
        assert_eq!(summary_of(&store, &r, Lang::En), None, "{trigger}");
        let recorder = Recorder::default();
        assert_eq!(
            deliver(&store, &r.0, &r.1, &recorder).unwrap(),
            Delivery::Nothing
        );
        assert!(recorder.shown.lock().unwrap().is_empty());
    }
}

#[test]
fn a_run_that_raises_nothing_new_notifies_nothing() {
    let mut store = park();
    let quiet = run(&mut store, "timer", 0, &[(0, Moderate, 40.0)]);
    assert_eq!(summary_of(&store, &quiet, Lang::En), None);
    let first = run(&mut store, "timer", 1, &[(0, High, 70.0)]);
    assert!(summary_of(&store, &first, Lang::En).is_some());
    // Still high the next day: the alert is open already, nothing new to tell.
    let again = run(&mut store, "timer", 2, &[(0, High, 72.0)]);
    assert!(again.1.is_empty());
    assert_eq!(summary_of(&store, &again, Lang::En), None);
    // It goes critical: the escalation is news.
    let worse = run(&mut store, "timer", 3, &[(0, Critical, 90.0)]);
    let n = summary_of(&store, &worse, Lang::En).unwrap();
    assert_eq!(n.title, "1 turbine now critical");
    assert_eq!(n.turbines, ["LYO-01"]);
}

#[test]
fn a_dismissed_or_muted_turbine_is_not_announced_but_the_others_are() {
    let mut store = park();
    run(&mut store, "timer", 0, &[(0, High, 70.0), (1, High, 70.0)]);
    let me = Actor {
        author: "marie".into(),
        machine: "PC-OFFICE".into(),
    };
    // LYO-01 muted for a week; LYO-02 dismissed without a mute.
    let until = crate::schema::format_date(T0 + 7 * DAY);
    crate::workflow::alerts::dismiss(
        &mut store,
        &me,
        "LYO-01",
        &Dismissal {
            reason: Some(DismissReason::FalseAlarmSensor),
            until: Some(until),
            note: None,
        },
    )
    .unwrap();
    crate::workflow::alerts::dismiss(
        &mut store,
        &me,
        "LYO-02",
        &Dismissal {
            reason: Some(DismissReason::KnownIssue),
            until: None,
            note: None,
        },
    )
    .unwrap();
    // Both still high, LYO-03 new: only LYO-03 is told.
    let r = run(
        &mut store,
        "timer",
        1,
        &[(0, High, 75.0), (1, High, 75.0), (2, High, 60.0)],
    );
    let n = summary_of(&store, &r, Lang::En).unwrap();
    assert_eq!(n.turbines, ["LYO-03"]);
    assert_eq!(n.title, "1 turbine now high risk");
    // The muted turbine goes critical during its mute: still nothing about it.
    let r = run(&mut store, "timer", 2, &[(0, Critical, 95.0)]);
    assert_eq!(summary_of(&store, &r, Lang::En), None);
    let recorder = Recorder::default();
    assert_eq!(
        deliver(&store, &r.0, &r.1, &recorder).unwrap(),
        Delivery::Nothing
    );
}

#[test]
fn notifications_are_on_by_default_off_when_set_and_speak_the_stored_language() {
    let mut store = park();
    assert!(enabled(&store).unwrap());
    assert_eq!(
        settings(&store).unwrap(),
        NotificationSettings { enabled: true }
    );
    let r = run(&mut store, "timer", 0, &[(0, Critical, 90.0)]);

    set_enabled(&store, false).unwrap();
    assert!(!settings(&store).unwrap().enabled);
    let recorder = Recorder::default();
    assert_eq!(
        deliver(&store, &r.0, &r.1, &recorder).unwrap(),
        Delivery::Off
    );
    assert!(recorder.shown.lock().unwrap().is_empty());

    set_enabled(&store, true).unwrap();
    set_language(&store, Lang::Fr).unwrap();
    let Delivery::Shown(n) = deliver(&store, &r.0, &r.1, &recorder).unwrap() else {
        panic!("not shown");
    };
    assert_eq!(n.title, "1 éolienne passée en critique");
    assert_eq!(recorder.shown.lock().unwrap().as_slice(), [n]);

    set_language(&store, Lang::En).unwrap();
    let failing = Recorder {
        fail: Some("no notification service".into()),
        ..Recorder::default()
    };
    match deliver(&store, &r.0, &r.1, &failing).unwrap() {
        Delivery::Failed(n, why) => {
            assert_eq!(n.title, "1 turbine now critical");
            assert_eq!(why, "no notification service");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn only_timer_and_inbox_runs_may_notify() {
    assert!(notifies("timer"));
    assert!(notifies("watch"));
    for t in ["manual", "cli", "backfill", "replay", ""] {
        assert!(!notifies(t), "{t}");
    }
}
