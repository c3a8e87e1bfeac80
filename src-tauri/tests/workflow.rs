//! The maintenance workflow's commands through Tauri's IPC on the mock runtime: triage shows on
//! the fleet page, an intervention planned, started and closed with a confirmed fault reaches
//! the turbine's history and logbook, an alert another machine closed is refused with its code
//! and summaries in both languages, and the author preference round-trips.

mod common;

use std::path::Path;

use cockpit_core::errors::ErrorCode;
use cockpit_core::features::N_FEATURES;
use cockpit_core::lang::Lang;
use cockpit_core::risk::Category;
use cockpit_core::runs::TurbineOutcome;
use cockpit_core::store::Store;
use cockpit_core::ttf::Distribution;
use cockpit_core::workflow::{events, Action, DismissReason, Event};
use common::{call, commit_backfill, simulated_park, Fixture, DAY, START};
use energitech_cockpit::state::AppState;
use serde_json::{json, Value};

/// Four turbines, two runs: the first goes high → critical (its alert escalates), the second
/// stays low, the third goes moderate → high (a new alert), the fourth is not scored.
fn build_db(db: &Path) {
    let (mut store, keys) = simulated_park(db);
    let runs = [
        [
            Some(Category::High),
            Some(Category::Low),
            Some(Category::Moderate),
            None,
        ],
        [
            Some(Category::Critical),
            Some(Category::Low),
            Some(Category::High),
            None,
        ],
    ];
    for (run, at) in [(0, START + 8 * DAY), (1, START + 9 * DAY)] {
        let outcomes: Vec<TurbineOutcome> = keys
            .iter()
            .enumerate()
            .map(|(i, (id, key))| {
                let c = runs[run][i];
                let score = c.map(|c| match c {
                    Category::Critical => 90.0,
                    Category::High => 60.0,
                    Category::Moderate => 35.0,
                    Category::Low => 10.0,
                });
                TurbineOutcome {
                    turbine_key: *key,
                    turbine_id: id.clone(),
                    scored: c.is_some(),
                    reason: c
                        .is_none()
                        .then(|| "no SCADA record in the last 24 h".to_string()),
                    p_fail_7d: score.map(|s| s / 100.0),
                    ttf: c.and_then(|_| {
                        Distribution::new(&[1.0, 3.0, 7.0, 14.0, 30.0], &[0.0, 0.1, 0.3, 0.5, 0.8])
                    }),
                    risk_score: score,
                    category: c,
                    drivers: Vec::new(),
                    model_reactions: Vec::new(),
                    last_record: Some(at),
                    data_quality: Default::default(),
                    features: vec![0.0; N_FEATURES],
                }
            })
            .collect();
        commit_backfill(&mut store, at, &outcomes);
    }
}

fn ready() -> Fixture {
    common::app(build_db, AppState::ready)
}

/// The turbine ids in the order of the fixture (sorted).
fn turbines(f: &Fixture) -> Vec<String> {
    let store = Store::open(&f.db()).unwrap();
    let mut ids: Vec<String> = store.turbine_keys().unwrap().into_keys().collect();
    ids.sort();
    ids
}

/// The fleet page's row of `turbine`.
fn row(f: &Fixture, turbine: &str, lang: &str) -> Value {
    let page = call(f, "fleet", json!({"lang": lang})).unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["turbine_id"] == turbine)
        .cloned()
        .unwrap_or_else(|| panic!("no row {turbine}"))
}

#[test]
fn acknowledging_shows_on_the_fleet_row_and_in_what_changed() {
    let f = ready();
    let t = turbines(&f);
    let page = call(&f, "fleet", json!({})).unwrap();
    let changes = &page["changes"];
    assert_eq!(changes["escalated"], json!([t[0]]), "{changes}");
    assert_eq!(changes["new_alerts"], json!([t[2]]), "{changes}");
    assert_eq!(changes["unacknowledged"], 2, "{changes}");
    let text = changes["text"].as_str().unwrap();
    assert!(text.starts_with("Since the previous run ("), "{text}");
    assert!(text.contains(&format!("1 new alert ({})", t[2])), "{text}");
    assert!(
        text.contains(&format!("1 alert escalated ({})", t[0])),
        "{text}"
    );
    assert!(text.ends_with("2 open alerts not acknowledged."), "{text}");

    let a = row(&f, &t[0], "en")["alert"].clone();
    assert_eq!(a["status"], "open");
    assert_eq!(a["text"]["badge"], "↑ from high", "{a}");
    assert_eq!(a["text"]["path"], "high → critical", "{a}");
    let b = row(&f, &t[2], "en")["alert"].clone();
    assert_eq!(b["text"]["badge"], "↑ from moderate", "{b}");
    assert!(
        row(&f, &t[1], "en")["alert"].is_null(),
        "no alert on a low turbine"
    );

    call(
        &f,
        "acknowledge_alert",
        json!({"turbine": t[0], "note": "crew informed"}),
    )
    .unwrap();
    let a = row(&f, &t[0], "en")["alert"].clone();
    assert_eq!(a["status"], "acknowledged", "{a}");
    assert_eq!(a["acknowledged"]["note"], "crew informed");
    assert!(
        a["text"]["acknowledged"]
            .as_str()
            .unwrap()
            .starts_with("acknowledged by "),
        "{a}"
    );
    let page = call(&f, "fleet", json!({})).unwrap();
    assert_eq!(page["changes"]["unacknowledged"], 1);
    // The alerts list says the same; the open-only one keeps it.
    let open = call(&f, "alerts", json!({"openOnly": true})).unwrap();
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert!(open
        .iter()
        .any(|x| x["turbine_id"] == t[0].as_str() && x["status"] == "acknowledged"));
    // Acknowledging twice is refused with its code.
    let e = call(&f, "acknowledge_alert", json!({"turbine": t[0]})).unwrap_err();
    assert_eq!(e["code"], "alert_already", "{e}");

    // Dismiss with a mute, then re-open.
    call(
        &f,
        "dismiss_alert",
        json!({"turbine": t[2], "reason": "known_issue", "until": "2026-01-31"}),
    )
    .unwrap();
    let b = row(&f, &t[2], "en")["alert"].clone();
    assert_eq!(b["status"], "dismissed", "{b}");
    assert_eq!(b["closure"]["until"], "2026-01-31");
    assert!(
        b["text"]["badge"].is_null(),
        "a closed alert has no badge: {b}"
    );
    assert!(
        b["text"]["closure"]
            .as_str()
            .unwrap()
            .contains("known issue, no new alert until 2026-01-31"),
        "{b}"
    );
    call(&f, "reopen_alert", json!({"turbine": t[2]})).unwrap();
    assert_eq!(row(&f, &t[2], "en")["alert"]["status"], "open");
}

#[test]
fn an_intervention_planned_started_and_closed_reaches_the_history_and_the_logbook() {
    let f = ready();
    let t = turbines(&f);
    let id = call(
        &f,
        "plan_intervention",
        json!({"plan": {
            "turbine": t[0],
            "component": "generator_winding",
            "due": "2026-01-12",
            "action": "check the winding",
            "team": "crew A",
            "priority": "urgent",
        }}),
    )
    .unwrap();
    let id = id.as_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "{id}");
    let list = call(&f, "interventions", json!({"openOnly": true})).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "planned");
    assert_eq!(list[0]["priority"], "urgent");
    assert_eq!(list[0]["overdue"], true, "due in January 2026: {}", list[0]);
    assert!(
        list[0]["text"]["due"]
            .as_str()
            .unwrap()
            .starts_with("overdue since Jan 12"),
        "{}",
        list[0]
    );
    let alert_id = row(&f, &t[0], "en")["alert"]["id"].clone();
    assert_eq!(
        list[0]["alert"], alert_id,
        "linked to the turbine's open alert"
    );

    call(&f, "start_intervention", json!({"id": id})).unwrap();
    let list = call(&f, "interventions", json!({})).unwrap();
    assert_eq!(list[0]["status"], "in_progress");
    call(
        &f,
        "close_intervention",
        json!({"id": id, "finding": "confirmed", "component": "generator_winding", "note": "rewound"}),
    )
    .unwrap();

    let a = row(&f, &t[0], "en")["alert"].clone();
    assert_eq!(a["status"], "resolved", "{a}");
    assert_eq!(a["outcome"]["finding"], "confirmed", "{a}");
    assert_eq!(
        a["text"]["outcome"], "fault confirmed: generator winding",
        "{a}"
    );
    let h = call(&f, "turbine_history", json!({"id": t[0]})).unwrap();
    let iv = &h["interventions"][0];
    assert_eq!(iv["id"], id.as_str(), "{h}");
    assert_eq!(iv["status"], "done");
    assert_eq!(iv["overdue"], false);
    assert_eq!(iv["text"]["finding"], "fault confirmed: generator winding");
    let entry = h["logbook"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["action"].as_str().unwrap().contains(&id[..8]))
        .unwrap_or_else(|| panic!("the logbook has the confirmed fault: {h}"));
    assert_eq!(entry["component"], "generator_winding");
    assert!(
        entry["action"].as_str().unwrap().ends_with("rewound"),
        "{entry}"
    );
    assert_eq!(h["alerts"][0]["id"], alert_id);
    assert_eq!(h["alerts"][0]["status"], "resolved");

    // Closing twice: refused, nothing changes.
    let before = call(&f, "turbine_history", json!({"id": t[0]})).unwrap();
    let e = call(
        &f,
        "close_intervention",
        json!({"id": id, "finding": "nothing"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "intervention_state", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("already done"),
        "{e}"
    );
    assert_eq!(
        call(&f, "turbine_history", json!({"id": t[0]})).unwrap(),
        before
    );

    // Bad input: an unknown turbine, a due date that is not a date.
    let e = call(
        &f,
        "plan_intervention",
        json!({"plan": {"turbine": "NOPE-1", "component": "converter", "due": "2026-02-01"}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "unknown_turbine", "{e}");
    let e = call(
        &f,
        "plan_intervention",
        json!({"plan": {"turbine": t[1], "component": "converter", "due": "soon"}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
    assert!(e["message"].as_str().unwrap().starts_with("due: "), "{e}");
    let e = call(&f, "turbine_history", json!({"id": "NOPE-1"})).unwrap_err();
    assert_eq!(e["code"], "unknown_turbine", "{e}");
    assert_eq!(
        call(&f, "interventions", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn an_alert_another_machine_closed_is_refused_in_both_languages_and_nothing_changes() {
    let f = ready();
    let t = turbines(&f);
    let alert = row(&f, &t[0], "en")["alert"].clone();
    // What LAPTOP-07 recorded (after the run raised the alert), merged into this database's
    // journal, twice: a union.
    let event = Event {
        id: events::new_id(),
        at: cockpit_core::clock::now() + 60,
        author: "karim".into(),
        machine: "LAPTOP-07".into(),
        subject: alert["id"].as_str().unwrap().into(),
        turbine_id: t[0].clone(),
        action: Action::AlertDismissed {
            reason: DismissReason::FalseAlarmSensor,
            until: None,
            note: Some("checked on site".into()),
        },
    };
    let store = Store::open(&f.db()).unwrap();
    assert_eq!(
        events::record(store.conn(), std::slice::from_ref(&event)).unwrap(),
        1
    );
    let merged = call(&f, "alerts", json!({})).unwrap();
    assert_eq!(events::record(store.conn(), &[event]).unwrap(), 0);
    assert_eq!(
        call(&f, "alerts", json!({})).unwrap(),
        merged,
        "the same state"
    );
    let a = row(&f, &t[0], "en")["alert"].clone();
    assert_eq!(a["status"], "dismissed", "{a}");
    assert_eq!(a["closure"]["stamp"]["machine"], "LAPTOP-07");

    for (cmd, args) in [
        (
            "acknowledge_alert",
            json!({"turbine": t[0], "note": "on it"}),
        ),
        ("dismiss_alert", json!({"turbine": t[0], "reason": "other"})),
    ] {
        let e = call(&f, cmd, args).unwrap_err();
        assert_eq!(e["code"], "alert_closed", "{cmd}: {e}");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("already dismissed") && message.contains("karim on LAPTOP-07"),
            "{cmd}: {e}"
        );
        assert_eq!(e["summary_en"], ErrorCode::AlertClosed.summary(Lang::En));
        assert_eq!(e["summary_fr"], ErrorCode::AlertClosed.summary(Lang::Fr));
        assert!(
            e["summary_fr"].as_str().unwrap().contains("autre poste"),
            "{e}"
        );
        assert_eq!(call(&f, "alerts", json!({})).unwrap(), merged, "{cmd}");
    }
}

#[test]
fn the_author_preference_round_trips_and_signs_the_actions() {
    let f = ready();
    let t = turbines(&f);
    let info = call(&f, "get_author", json!({})).unwrap();
    assert!(!info["machine"].as_str().unwrap().is_empty(), "{info}");
    assert_eq!(
        info["author"], info["os_user"],
        "no preference: the OS user"
    );
    call(&f, "set_author", json!({"author": "  Marie Dupont "})).unwrap();
    let set = call(&f, "get_author", json!({})).unwrap();
    assert_eq!(set["author"], "Marie Dupont");
    assert_eq!(set["os_user"], info["os_user"]);
    call(&f, "acknowledge_alert", json!({"turbine": t[0]})).unwrap();
    let a = row(&f, &t[0], "en")["alert"].clone();
    assert_eq!(a["acknowledged"]["author"], "Marie Dupont", "{a}");
    assert_eq!(a["acknowledged"]["machine"], set["machine"]);
    // A name too long is refused and the preference kept.
    let e = call(&f, "set_author", json!({"author": "n".repeat(101)})).unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
    assert_eq!(
        call(&f, "get_author", json!({})).unwrap()["author"],
        "Marie Dupont"
    );
    // Empty: back to the OS user name.
    call(&f, "set_author", json!({"author": ""})).unwrap();
    assert_eq!(
        call(&f, "get_author", json!({})).unwrap()["author"],
        info["os_user"]
    );
}

#[test]
fn the_choices_come_in_the_language_asked() {
    let f = ready();
    let en = call(&f, "workflow_choices", json!({"lang": "en"})).unwrap();
    let fr = call(&f, "workflow_choices", json!({"lang": "fr"})).unwrap();
    assert_eq!(
        en["reasons"][0],
        json!(["false_alarm_sensor", "false alarm — sensor"])
    );
    assert_eq!(
        fr["reasons"][0],
        json!(["false_alarm_sensor", "fausse alerte — capteur"])
    );
    assert_eq!(en["findings"][0][1], "fault confirmed");
    assert_eq!(fr["findings"][0][1], "panne confirmée");
    assert_eq!(en["max_note"], 2000);
    assert_eq!(
        en["components"].as_array().unwrap().len(),
        fr["components"].as_array().unwrap().len()
    );
}
