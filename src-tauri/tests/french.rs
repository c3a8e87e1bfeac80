//! French is complete: with the UI in French, none of the core's English messages reaches what
//! the user reads (fleet rows, turbine detail, run journal, health checks, diagnostics, category
//! names, the work list, the maintenance workflow's alerts, interventions, history, choices and
//! what changed since the last run).
//! The list of English messages is the core's own catalogue (driver sentences, not-scored
//! reasons, health check messages, the alert level).

mod common;

use std::path::Path;

use cockpit_core::errors::ErrorCode;
use cockpit_core::features::N_FEATURES;
use cockpit_core::lang::Lang;
use cockpit_core::quality::{Fault, FaultKind, Watch};
use cockpit_core::risk::Category;
use cockpit_core::runs::drivers::Basis;
use cockpit_core::runs::drivers::ENGLISH_FRAGMENTS;
use cockpit_core::runs::{DataQuality, Unwatched, NOT_SCORED_ENGLISH, WATCH_ENGLISH};
use cockpit_core::runs::{Driver, TurbineOutcome};
use cockpit_core::telemetry::{health, monitoring};
use cockpit_core::ttf::Distribution;
use common::{call, commit_backfill, simulated_park, Fixture, DAY, START};
use energitech_cockpit::state::AppState;
use serde_json::{json, Value};

fn driver(indicator: &str, value: f64, reference: f64, unit: &str, basis: Basis) -> Driver {
    Driver {
        indicator: indicator.into(),
        feature: format!("{indicator}_resid_24h"),
        value,
        reference,
        unit: unit.into(),
        basis,
        contribution: 0.2,
    }
}

/// A frozen generator-winding sensor, an absent transformer, a spike and a gap.
fn blind_spots(at: i64) -> DataQuality {
    let fault = |signal: Option<&str>, kind| Fault {
        signal: signal.map(str::to_string),
        kind,
        start: at - 5 * DAY,
        end: at - 2 * DAY,
    };
    DataQuality {
        unwatched: vec![
            Unwatched {
                indicator: "generator_winding".into(),
                watch: Watch::Faulty(FaultKind::Frozen),
            },
            Unwatched {
                indicator: "transformer".into(),
                watch: Watch::Absent,
            },
        ],
        power_curve: true,
        pitch: true,
        faults: vec![
            fault(Some("generator_winding_temp_c"), FaultKind::Frozen),
            fault(Some("vibration_mm_s"), FaultKind::Spike),
            fault(Some("wind_speed_ms"), FaultKind::OutOfRange),
            fault(None, FaultKind::Gap),
        ],
        // Its sentence must read in French too.
        held_at_moderate: true,
    }
}

/// Four turbines: one with a driver of every kind, one under repair, one without recent data.
fn build_db(db: &Path) {
    let (mut store, keys) = simulated_park(db);
    let at = START + 8 * DAY;
    let outcomes: Vec<TurbineOutcome> = keys
        .iter()
        .enumerate()
        .map(|(i, (id, key))| {
            let reason = match i {
                1 => Some("under repair since 2026-11-20T08:00:00Z (gearbox, logbook)".to_string()),
                2 => Some(
                    "no SCADA record in the last 24 h (last record 2026-11-25T10:00:00Z)"
                        .to_string(),
                ),
                3 => Some(
                    "only 40 % of the last 24 h of records present (at least 60 % needed)"
                        .to_string(),
                ),
                _ => None,
            };
            let scored = reason.is_none();
            TurbineOutcome {
                turbine_key: *key,
                turbine_id: id.clone(),
                scored,
                reason,
                p_fail_7d: scored.then_some(0.7),
                ttf: scored
                    .then(|| {
                        Distribution::new(
                            &[1.0, 3.0, 7.0, 14.0, 30.0],
                            &[0.1, 0.5, 0.9, 0.95, 0.99],
                        )
                    })
                    .flatten(),
                risk_score: scored.then_some(88.0),
                category: scored.then_some(Category::Critical),
                drivers: if scored {
                    vec![
                        driver("gearbox_oil", 61.2, 51.8, "°C", Basis::Load),
                        driver("converter", 48.0, 45.5, "°C", Basis::Site),
                        driver("generator_bearing", 50.0, 47.0, "°C", Basis::Own),
                        driver("gearbox_bearing", 0.9, 0.0, "°C/d", Basis::Trend),
                        driver("vibration", 4.2, f64::NAN, "mm/s", Basis::Load),
                        driver("power_curve", 8.2, 0.0, "% rated", Basis::Load),
                        driver("pitch", 3.1, 0.4, "°", Basis::Load),
                        driver("vibration", 1.4, 0.5, "mm/s", Basis::Spread),
                    ]
                } else {
                    Vec::new()
                },
                // What the models react to that is not a known failure sign, said apart.
                model_reactions: if scored {
                    vec![
                        driver("converter", 40.0, 45.5, "°C", Basis::Site),
                        driver("hydraulic_oil", -0.4, 0.0, "°C/d", Basis::Trend),
                        driver("power_curve", -3.0, 0.0, "% rated", Basis::Load),
                    ]
                } else {
                    Vec::new()
                },
                last_record: Some(at),
                data_quality: if i == 0 {
                    blind_spots(at)
                } else {
                    DataQuality::default()
                },
                features: vec![0.0; N_FEATURES],
            }
        })
        .collect();
    commit_backfill(&mut store, at, &outcomes);
}

/// The core's English messages (fragments distinctive enough to spot in a French text).
fn english() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = ENGLISH_FRAGMENTS.to_vec();
    all.extend_from_slice(NOT_SCORED_ENGLISH);
    all.extend_from_slice(WATCH_ENGLISH);
    all.extend(health::english_fragments());
    all.extend_from_slice(monitoring::ALERT_ENGLISH);
    all.extend([
        "critical",
        "moderate",
        "not scored",
        "succeeded",
        "history",
        "temperature",
    ]);
    all
}

/// Every string under `v`.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn assert_french(what: &str, texts: &[String]) {
    assert!(!texts.is_empty(), "{what}: nothing to check");
    for t in texts {
        // Search terms hold both languages on purpose (a search in either finds the row).
        for e in english() {
            assert!(
                !t.contains(e),
                "{what}: English \"{e}\" in a French text: {t}"
            );
        }
    }
}

#[test]
fn a_french_screen_shows_no_english_message_of_the_core() {
    let f: Fixture = common::app(build_db, AppState::ready);
    let fr = json!({"lang": "fr"});

    let fleet = call(&f, "fleet", fr.clone()).unwrap();
    let mut shown = Vec::new();
    for item in fleet["items"].as_array().unwrap() {
        let text = &item["text"];
        strings(&text["category"], &mut shown);
        strings(&text["not_scored"], &mut shown);
        strings(&text["drivers"], &mut shown);
        strings(&text["model_reactions"], &mut shown);
    }
    strings(&fleet["labels"], &mut shown);
    strings(&fleet["run_text"], &mut shown);
    assert!(
        shown.iter().any(|t| t.contains("au-dessus de la normale")),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|t| t.starts_with("en réparation depuis")),
        "{shown:?}"
    );
    assert_french("fleet", &shown);

    let first = fleet["items"][0]["turbine_id"]
        .as_str()
        .unwrap()
        .to_string();
    let detail = call(&f, "turbine", json!({"id": first, "lang": "fr"})).unwrap();
    let mut shown = Vec::new();
    strings(&detail["text"], &mut shown);
    assert!(
        shown
            .iter()
            .any(|t| t == "Température huile multiplicateur"),
        "{shown:?}"
    );
    // The model reactions are walked too: said as no known failure sign, in French.
    assert!(
        shown.iter().any(
            |t| t.starts_with("le modèle réagit aussi à : convertisseur")
                && t.ends_with("ce n'est pas un signe de panne connu")
        ),
        "{shown:?}"
    );
    assert_french("detail", &shown);

    let runs = call(&f, "runs", json!({"limit": 10, "lang": "fr"})).unwrap();
    let mut shown = Vec::new();
    for r in runs.as_array().unwrap() {
        strings(&r["text"], &mut shown);
    }
    assert!(shown.iter().any(|t| t == "réussie"), "{shown:?}");
    assert_french("run journal", &shown);

    let report = call(&f, "health", fr.clone()).unwrap();
    let mut shown = Vec::new();
    for c in report["checks"].as_array().unwrap() {
        strings(&c["message"], &mut shown);
    }
    assert_french("health", &shown);

    let d = call(&f, "diagnostics", fr.clone()).unwrap();
    let mut shown = Vec::new();
    strings(&d["labels"], &mut shown);
    strings(&d["alert_level"]["message"], &mut shown);
    assert!(
        shown
            .iter()
            .any(|t| t.starts_with("critiques + élevées = ")),
        "{shown:?}"
    );
    assert_french("diagnostics", &shown);

    let doc = call(&f, "field_document", fr.clone()).unwrap();
    let doc = doc.as_str().unwrap().to_string();
    assert!(doc.contains("Dossier terrain"), "{doc}");
    // What a reader sees: the text between the tags, not the style or the class names.
    let body = &doc[doc.find("</style>").unwrap()..];
    let mut seen = String::new();
    for piece in body.split('<') {
        seen.push_str(piece.split_once('>').map_or(piece, |(_, text)| text));
        seen.push(' ');
    }
    assert!(
        seen.contains("critique") && !seen.contains("cat-"),
        "{seen}"
    );
    assert_french("field document", &[seen]);

    let csv = call(&f, "export_worklist_csv", fr).unwrap();
    let csv = csv.as_str().unwrap().to_string();
    assert!(csv.contains("critique"), "{csv}");
    assert_french("work list", &[csv]);
}

/// The workflow's English words (statuses, reasons, findings, badges, what changed).
const WORKFLOW_ENGLISH: &[&str] = &[
    "acknowledged",
    "dismissed",
    "resolved",
    "overdue",
    "fault confirmed",
    "nothing found",
    "false alarm",
    "known issue",
    "already planned",
    "in progress",
    "cancelled",
    "planned",
    "Since the previous run",
    "First run",
    "new alert",
    "no change",
    "not acknowledged",
    "since ",
    "from ",
    "closed after",
    "in a row",
    "no new alert until",
    "generator winding",
];

fn assert_workflow_french(what: &str, texts: &[String]) {
    assert_french(what, texts);
    for t in texts {
        for e in WORKFLOW_ENGLISH {
            assert!(
                !t.contains(e),
                "{what}: English \"{e}\" in a French text: {t}"
            );
        }
    }
}

/// The words of an alert or intervention: its `text` but the badge's kind (a value for the
/// UI's styling, not words); nothing the user typed.
fn words_of(item: &Value, out: &mut Vec<String>) {
    let mut text = item["text"].clone();
    if let Some(o) = text.as_object_mut() {
        o.remove("badge_kind");
    }
    strings(&text, out);
}

/// The words of a workflow list.
fn texts_of(items: &Value, out: &mut Vec<String>) {
    for item in items.as_array().unwrap() {
        words_of(item, out);
    }
}

#[test]
fn the_workflow_answers_in_french() {
    let f: Fixture = common::app(build_db, AppState::ready);
    let fleet = call(&f, "fleet", json!({"lang": "fr"})).unwrap();
    let turbine = fleet["items"][0]["turbine_id"]
        .as_str()
        .unwrap()
        .to_string();
    // What changed tops the fleet view, and the row's alert badge.
    let changes = fleet["changes"]["text"].as_str().unwrap().to_string();
    assert!(
        changes.starts_with("Première évaluation : 1 nouvelle alerte"),
        "{changes}"
    );
    let mut shown = vec![changes];
    words_of(&fleet["items"][0]["alert"], &mut shown);
    assert!(shown.iter().any(|t| t == "nouvelle"), "{shown:?}");
    assert_workflow_french("fleet alert", &shown);

    // Acknowledged, then an intervention closed with a confirmed fault (its outcome), another
    // left open and overdue, the alert re-opened and dismissed with a mute.
    call(&f, "acknowledge_alert", json!({"turbine": turbine})).unwrap();
    let acknowledged = call(&f, "alerts", json!({"lang": "fr"})).unwrap();
    let plan = |due: &str| {
        call(
            &f,
            "plan_intervention",
            json!({"plan": {"turbine": turbine, "component": "generator_winding", "due": due}}),
        )
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
    };
    let done = plan("2026-01-20");
    let _open = plan("2026-01-12");
    call(&f, "start_intervention", json!({"id": done})).unwrap();
    call(
        &f,
        "close_intervention",
        json!({"id": done, "finding": "confirmed"}),
    )
    .unwrap();
    call(&f, "reopen_alert", json!({"turbine": turbine})).unwrap();
    call(
        &f,
        "dismiss_alert",
        json!({"turbine": turbine, "reason": "false_alarm_sensor", "until": "2026-02-01"}),
    )
    .unwrap();

    let mut shown = Vec::new();
    texts_of(&acknowledged, &mut shown);
    assert!(
        shown.iter().any(|t| t.starts_with("prise en compte par ")),
        "{shown:?}"
    );
    let alerts = call(&f, "alerts", json!({"lang": "fr"})).unwrap();
    texts_of(&alerts, &mut shown);
    assert!(
        shown
            .iter()
            .any(|t| t == "panne confirmée : bobinage génératrice"),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|t| t.starts_with("écartée par ")
            && t.contains("fausse alerte — capteur, aucune nouvelle alerte jusqu'au 2026-02-01")),
        "{shown:?}"
    );
    assert_workflow_french("alerts", &shown);

    let mut shown = Vec::new();
    let interventions = call(&f, "interventions", json!({"lang": "fr"})).unwrap();
    texts_of(&interventions, &mut shown);
    assert!(
        shown
            .iter()
            .any(|t| t.starts_with("en retard depuis le 12 janv.")),
        "{shown:?}"
    );
    assert!(shown.iter().any(|t| t == "terminée"), "{shown:?}");
    assert_workflow_french("interventions", &shown);

    let history = call(&f, "turbine_history", json!({"id": turbine, "lang": "fr"})).unwrap();
    let mut shown = Vec::new();
    texts_of(&history["alerts"], &mut shown);
    texts_of(&history["interventions"], &mut shown);
    for entry in history["logbook"].as_array().unwrap() {
        strings(&entry["component_text"], &mut shown);
    }
    assert!(
        shown.iter().any(|t| t == "bobinage génératrice"),
        "the confirmed fault's logbook entry: {shown:?}"
    );
    assert_workflow_french("turbine history", &shown);

    let choices = call(&f, "workflow_choices", json!({"lang": "fr"})).unwrap();
    let mut shown = Vec::new();
    for list in ["reasons", "findings", "priorities", "components"] {
        for pair in choices[list].as_array().unwrap() {
            strings(&pair[1], &mut shown);
        }
    }
    assert!(shown.iter().any(|t| t == "rien trouvé"), "{shown:?}");
    assert_workflow_french("workflow choices", &shown);

    let e = call(&f, "acknowledge_alert", json!({"turbine": turbine})).unwrap_err();
    assert_eq!(e["code"], "alert_closed");
    assert_workflow_french("error summary", &[e["summary_fr"].as_str().unwrap().into()]);
}

#[test]
fn english_stays_english_and_searches_find_both_languages() {
    let f: Fixture = common::app(build_db, AppState::ready);
    let fleet = call(&f, "fleet", json!({"lang": "en"})).unwrap();
    let drivers = fleet["items"][0]["text"]["drivers"].as_array().unwrap();
    assert_eq!(
        drivers[0].as_str().unwrap(),
        "gearbox oil 9.4 °C above normal for this load"
    );
    for q in [
        "huile multiplicateur",
        "gearbox oil",
        "critique",
        "critical",
    ] {
        let v = call(&f, "fleet", json!({"filter": {"search": q}, "lang": "en"})).unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 1, "{q}");
    }
}

#[test]
fn an_error_reaches_a_french_screen_with_its_code_and_french_words() {
    let f: Fixture = common::app(build_db, AppState::ready);
    let e = call(&f, "turbine", json!({"id": "NOPE-1", "lang": "fr"})).unwrap_err();
    assert_eq!(e["code"], "unknown_turbine");
    assert_eq!(
        e["summary_fr"],
        ErrorCode::UnknownTurbine.summary(Lang::Fr),
        "{e}"
    );
    assert_eq!(e["summary_fr"], "Éolienne inconnue.");
    assert_eq!(e["summary_en"], "Unknown turbine.");
    // The technical detail stays the core's message.
    assert!(e["message"].as_str().unwrap().contains("NOPE-1"), "{e}");
    assert_french("error summary", &[e["summary_fr"].as_str().unwrap().into()]);

    let e = call(
        &f,
        "fleet",
        json!({"filter": {"category": "urgent"}, "lang": "fr"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "unknown_category");
    assert_eq!(e["summary_fr"], "Catégorie de risque inconnue.");
}
