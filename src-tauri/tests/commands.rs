//! The commands through Tauri's IPC with the mock runtime (no display needed), over a small
//! simulated park stored by the core, with the app's real capabilities (ACL).

mod common;

use std::path::Path;

use cockpit_core::features::N_FEATURES;
use cockpit_core::risk::Category;
use cockpit_core::runs::{Driver, TurbineOutcome};
use cockpit_core::ttf::Distribution;
use common::{call, commit_backfill, simulated_park, Fixture, DAY, START};
use energitech_cockpit::state::AppState;
use serde_json::json;

fn driver(indicator: &str, value: f64, reference: f64, contribution: f64) -> Driver {
    Driver {
        indicator: indicator.into(),
        feature: format!("{indicator}_resid_24h"),
        value,
        reference,
        unit: "°C".into(),
        basis: Default::default(),
        contribution,
    }
}

/// A park of 4 simulated turbines with two fabricated runs (the real models are not needed to
/// test the shell).
fn build_db(db: &Path) {
    let (mut store, keys) = simulated_park(db);
    let scores = [
        (0.72, [0.0, 0.1, 0.5, 0.9, 0.99], 88.0, Category::Critical),
        (0.05, [0.0, 0.0, 0.02, 0.05, 0.1], 12.0, Category::Low),
        (0.35, [0.0, 0.02, 0.1, 0.3, 0.6], 55.0, Category::High),
    ];
    for (run, at) in [(0, START + 8 * DAY), (1, START + 9 * DAY)] {
        let outcomes: Vec<TurbineOutcome> = keys
            .iter()
            .enumerate()
            .map(|(i, (id, key))| {
                let s = scores.get(i).copied();
                TurbineOutcome {
                    turbine_key: *key,
                    turbine_id: id.clone(),
                    scored: s.is_some(),
                    reason: s
                        .is_none()
                        .then(|| "no SCADA record in the last 24 h".to_string()),
                    p_fail_7d: s.map(|s| s.0),
                    ttf: s.and_then(|s| Distribution::new(&[1.0, 3.0, 7.0, 14.0, 30.0], &s.1)),
                    risk_score: s.map(|s| s.2 - 5.0 * f64::from(1 - run)),
                    category: s.map(|s| s.3),
                    drivers: if i == 0 {
                        vec![
                            driver("gearbox_oil", 61.2, 51.8, 0.42),
                            driver("vibration", 4.0, 3.0, 0.05),
                        ]
                    } else {
                        Vec::new()
                    },
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

fn app(state: impl FnOnce(cockpit_core::workspace::Workspace) -> AppState) -> Fixture {
    common::app(build_db, state)
}

fn ready() -> Fixture {
    app(AppState::ready)
}

#[test]
fn fleet_is_ranked_with_counts_and_filters() {
    let f = ready();
    let v = call(&f, "fleet", json!({})).unwrap();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let scores: Vec<Option<f64>> = items.iter().map(|i| i["risk_score"].as_f64()).collect();
    assert_eq!(
        scores,
        [Some(88.0), Some(55.0), Some(12.0), None],
        "highest risk first"
    );
    assert_eq!(items[0]["category"], "critical");
    assert_eq!(items[0]["drivers"][0]["indicator"], "gearbox_oil");
    assert_eq!(v["counts"]["critical"], 1);
    assert_eq!(v["counts"]["not_scored"], 1);
    assert_eq!(v["run"]["id"], 2, "the latest run");

    let v = call(&f, "fleet", json!({"filter": {"category": "critique"}})).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    // Several categories at once (the view's toggles), in either language; the work list
    // export takes the same filter and lists the same turbines.
    let v = call(
        &f,
        "fleet",
        json!({"filter": {"categories": ["critical", "faible"]}}),
    )
    .unwrap();
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["category"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["critical", "low"]);
    let csv = call(
        &f,
        "export_worklist_csv",
        json!({"filter": {"categories": ["critical", "low"]}}),
    )
    .unwrap();
    assert_eq!(csv.as_str().unwrap().lines().count(), 1 + 2, "{csv}");
    let e = call(
        &f,
        "fleet",
        json!({"filter": {"categories": ["high", "urgent"]}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "unknown_category");
    // Search on the driver's words, in either language (the core's rule).
    let v = call(
        &f,
        "fleet",
        json!({"filter": {"search": "huile multi"}, "lang": "fr"}),
    )
    .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let v = call(
        &f,
        "fleet",
        json!({"filter": {"search": "huile multi"}, "lang": "en"}),
    )
    .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let v = call(
        &f,
        "fleet",
        json!({"filter": {"search": "transformateur"}, "lang": "fr"}),
    )
    .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 0);

    let e = call(&f, "fleet", json!({"filter": {"category": "urgent"}})).unwrap_err();
    assert_eq!(e["code"], "unknown_category");
    assert!(e["message"].as_str().unwrap().contains("urgent"));
}

#[test]
fn turbine_detail_and_unknown_turbine() {
    let f = ready();
    let fleet = call(&f, "fleet", json!({})).unwrap();
    let top = fleet["items"][0]["turbine_id"]
        .as_str()
        .unwrap()
        .to_string();
    let d = call(&f, "turbine", json!({"id": top})).unwrap();
    assert_eq!(d["identity"]["turbine_id"], top.as_str());
    assert_eq!(d["history"].as_array().unwrap().len(), 2);
    assert_eq!(d["drivers"].as_array().unwrap().len(), 2);
    assert!(d["last_measurements"]["gearbox_oil_temp_c"].is_number());
    let oil = d["text"]["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["column"] == "gearbox_oil_temp_c")
        .unwrap();
    assert_eq!(oil["label"], "Gearbox oil temperature");
    assert!(oil["value"].as_str().unwrap().ends_with(" °C"), "{oil}");
    // The time to failure in whole days and words, never a decimal day.
    assert_eq!(d["text"]["time_to_failure"], "likely in 3 to 14 days");
    assert_eq!(d["prediction"]["ttf_median_days"], 7);
    assert_eq!(d["prediction"]["ttf_range_days"], json!([3, 14]));
    assert_eq!(d["prediction"]["ttf_range_open"], false);
    let low = fleet["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["category"] == "low")
        .unwrap();
    assert_eq!(
        low["text"]["time_to_failure"],
        "no failure expected within 30 days"
    );
    assert_eq!(low["ttf_range_days"], serde_json::Value::Null);
    assert_eq!(low["text"]["time_to_failure_short"], "none ≤ 30 d");
    let fr = call(&f, "turbine", json!({"id": top, "lang": "fr"})).unwrap();
    assert_eq!(
        fr["text"]["time_to_failure"],
        "probablement dans 3 à 14 jours"
    );
    let wind = &fr["text"]["measurements"][0];
    assert_eq!(wind["label"], "Vitesse du vent");
    assert!(wind["value"].as_str().unwrap().ends_with(" m/s"), "{wind}");

    let e = call(&f, "turbine", json!({"id": "NOPE-1"})).unwrap_err();
    assert_eq!(e["code"], "unknown_turbine");
    assert!(e["message"].as_str().unwrap().contains("NOPE-1"));
}

#[test]
fn charts_are_svg_in_the_language_asked() {
    let f = ready();
    let fleet = call(&f, "fleet", json!({})).unwrap();
    let top = fleet["items"][0]["turbine_id"]
        .as_str()
        .unwrap()
        .to_string();
    let svg = call(&f, "risk_chart", json!({"id": top, "lang": "fr"})).unwrap();
    let svg = svg.as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("critique (75–100)"));
    let svg = call(&f, "signals_chart", json!({"id": top, "lang": "en"})).unwrap();
    let svg = svg.as_str().unwrap();
    assert!(svg.contains("Gearbox oil temperature (°C)") && svg.contains("normal for this load"));
    let svg = call(&f, "fleet_trend_chart", json!({"lang": "en"})).unwrap();
    assert!(svg.as_str().unwrap().contains("critical (1)"));
    let e = call(&f, "risk_chart", json!({"id": "NOPE-1", "lang": "en"})).unwrap_err();
    assert_eq!(e["code"], "unknown_turbine");
}

#[test]
fn runs_worklist_and_app_info() {
    let f = ready();
    let runs = call(&f, "runs", json!({"limit": 1})).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    assert_eq!(runs[0]["id"], 2);
    assert_eq!(runs[0]["text"]["status"], "succeeded");
    let runs = call(&f, "runs", json!({"limit": 1, "lang": "fr"})).unwrap();
    assert_eq!(runs[0]["text"]["status"], "réussie");
    assert_eq!(runs[0]["text"]["trigger"], "historique");
    let fleet = call(&f, "fleet", json!({"lang": "fr"})).unwrap();
    assert_eq!(fleet["run_text"]["trigger"], "historique");

    let csv = call(
        &f,
        "export_worklist_csv",
        json!({"filter": {"category": "critical"}, "lang": "fr"}),
    )
    .unwrap();
    let csv = csv.as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains(
            ";critique;88,0;72,0;probablement dans 3 à 14 jours;\"huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge; vibrations"
        ),
        "{csv}"
    );

    let info = call(&f, "app_info", json!({})).unwrap();
    assert_eq!(info["appVersion"], env!("CARGO_PKG_VERSION"));
    assert!(info["database"].as_str().unwrap().ends_with("cockpit.db"));
    assert_eq!(call(&f, "app_status", json!({})).unwrap()["phase"], "ready");
}

#[test]
fn the_field_document_of_the_filtered_fleet_is_printed_or_saved() {
    let f = ready();
    let filter = json!({"category": "critical"});
    let html = call(
        &f,
        "field_document",
        json!({"filter": filter, "lang": "en"}),
    )
    .unwrap();
    let html = html.as_str().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Field document"));
    // The filter's turbines only: one critical turbine, one sheet.
    assert_eq!(
        html.matches("<section class=\"sheet\"").count(),
        1,
        "{html}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("visite.html");
    let saved = call(
        &f,
        "export_field_document",
        json!({"filter": filter, "lang": "fr", "path": path}),
    )
    .unwrap();
    assert_eq!(saved["turbines"], 1);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("Dossier terrain") && written.contains("<figure><svg"));
    let e = call(
        &f,
        "export_field_document",
        json!({"filter": filter, "lang": "en", "path": dir.path().join("no/such/x.html")}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "document_export");
}

#[test]
fn schedule_is_persisted_and_validated() {
    let f = ready();
    let s = call(&f, "get_schedule", json!({})).unwrap();
    assert_eq!(
        (s["enabled"].as_bool(), s["time"].as_str()),
        (Some(true), Some("06:00"))
    );
    let s = call(
        &f,
        "set_schedule",
        json!({"enabled": false, "time": "7:30"}),
    )
    .unwrap();
    assert_eq!(s["time"], "07:30");
    assert!(s["nextRun"].is_null(), "no next run when off");
    let s = call(&f, "get_schedule", json!({})).unwrap();
    assert_eq!(
        (s["enabled"].as_bool(), s["time"].as_str()),
        (Some(false), Some("07:30"))
    );
    let e = call(
        &f,
        "set_schedule",
        json!({"enabled": true, "time": "25:00"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_time");
}

#[test]
fn commands_wait_for_the_demo_park_and_score_now_needs_the_service() {
    let f = app(AppState::new);
    let e = call(&f, "fleet", json!({})).unwrap_err();
    assert_eq!(e["code"], "preparing");
    assert_eq!(
        call(&f, "app_status", json!({})).unwrap()["phase"],
        "starting"
    );

    let f = ready();
    let e = call(&f, "score_now", json!({})).unwrap_err();
    assert_eq!(e["code"], "service");
}

#[test]
fn unknown_commands_are_refused() {
    let f = ready();
    let e = call(&f, "plugin:fs|read_file", json!({"path": "/etc/passwd"})).unwrap_err();
    assert!(e.to_string().to_lowercase().contains("not"), "{e}");
}
