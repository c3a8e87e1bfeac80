//! The shared fleet store in the app, through Tauri's IPC on the mock runtime: the all-sites
//! view over a database whose hub copy is filled as the sync fills it (a site of another
//! cockpit beside this cockpit's own scored site), in English and French; and the Sync
//! setting refusing a malformed address with `hub_address` without saving anything; and the
//! Sync card against a real, throwaway PostgreSQL (`cockpit_tests::pg`): the address saved
//! without its password, "Sync now" sending this cockpit's run, nothing left pending, then the
//! hub gone and the failure shown on the card.

mod common;

use std::path::Path;

use cockpit_core::risk::Category;
use cockpit_core::store::Store;
use common::{call, simulated_park, DAY, START};
use energitech_cockpit::state::AppState;
use serde_json::{json, Value};

const OTHER: &str = "22222222-2222-4222-8222-222222222222";
/// 2026-01-10 06:01 and 06:02 UTC.
const RUN_END: i64 = START + 9 * DAY + 6 * 3600 + 60;
const SYNCED: i64 = RUN_END + 60;

/// Four simulated turbines scored here (the first high, the others low), and a hub copy that
/// says NIM-WS1 scores Nîmes, whose NIM-01 is critical.
fn build_db(db: &Path) {
    let (mut store, keys) = simulated_park(db);
    let at = START + 9 * DAY;
    common::score_first(&mut store, &keys, at, (Category::High, 70.0));
    store
        .conn()
        .execute_batch(&format!(
            "UPDATE runs SET ended_at = {RUN_END};
             INSERT INTO settings (key, value) VALUES ('hub.last_sync', '{SYNCED}');
             INSERT INTO hub_cockpits (id, name, last_sync, clock_offset_s)
                 VALUES ('{OTHER}', 'NIM-WS1', {SYNCED}, 0);
             INSERT INTO hub_sites (site, scored_by, since) VALUES ('Nîmes', '{OTHER}', {START});
             INSERT INTO hub_turbines VALUES
                 ('NIM-01', 'Nîmes', 'E82', 2300, 43.8, 4.4, '2012-05-01', '{OTHER}');
             INSERT INTO hub_latest (turbine_id, run, site, cockpit, trigger, ended_at, as_of,
                                     scored, risk_score, category, p_fail_7d)
                 VALUES ('NIM-01', 'run-uuid', 'Nîmes', '{OTHER}', 'daily', {RUN_END}, {at},
                         1, 93.0, 'critical', 0.85);"
        ))
        .unwrap();
}

fn own_site(db: &Path) -> String {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row("SELECT DISTINCT site FROM turbines", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_all_sites_view_names_who_scores_each_site_and_how_fresh_in_both_languages() {
    let f = common::app(build_db, AppState::ready);
    let site = own_site(&f.db());
    let en = call(&f, "hub_fleet", json!({ "lang": "en" })).unwrap();
    let sites = en["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 2, "{en}");
    // Nîmes has the riskiest turbine (critical, 93): first, as the fleet view ranks.
    assert_eq!(sites[0]["site"], "Nîmes");
    assert_eq!(
        sites[0]["freshness"],
        "Nîmes scored by NIM-WS1 on Jan 10 at 06:01, synced on Jan 10 at 06:02"
    );
    assert_eq!(sites[0]["here"], false);
    assert_eq!(sites[0]["turbines"][0]["turbine_id"], "NIM-01");
    assert_eq!(sites[0]["turbines"][0]["text"]["category"], "critical");
    assert_eq!(sites[1]["site"], Value::String(site.clone()));
    assert_eq!(sites[1]["here"], true);
    assert_eq!(
        sites[1]["freshness"],
        Value::String(format!(
            "{site} scored here on Jan 10 at 06:01, synced on Jan 10 at 06:02"
        ))
    );
    assert_eq!(sites[1]["turbines"].as_array().unwrap().len(), 4);
    assert_eq!(sites[1]["turbines"][0]["text"]["category"], "high");
    assert_eq!(en["summary"], "2 sites, 1 scored here");

    let fr = call(&f, "hub_fleet", json!({ "lang": "fr" })).unwrap();
    assert_eq!(
        fr["sites"][0]["freshness"],
        "Nîmes noté par NIM-WS1 le 10 janv. à 06:01, synchronisé le 10 janv. à 06:02"
    );
    assert_eq!(
        fr["sites"][1]["freshness"],
        Value::String(format!(
            "{site} noté ici le 10 janv. à 06:01, synchronisé le 10 janv. à 06:02"
        ))
    );
    assert_eq!(
        fr["sites"][0]["turbines"][0]["text"]["category"],
        "critique"
    );
}

#[test]
fn a_malformed_hub_address_is_refused_with_its_code_and_nothing_is_saved() {
    let f = common::app(build_db, AppState::ready);
    let err = call(
        &f,
        "save_sync_settings",
        json!({ "server": "postgresql://cockpit:s3cret@hub.example.org:notaport/cockpit", "enabled": true }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "hub_address", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("hub.example.org"), "{message}");
    assert!(
        !message.contains("s3cret"),
        "the password is never shown: {message}"
    );
    assert!(!err["summary_fr"].as_str().unwrap().is_empty());
    let saved: i64 = Store::open(&f.db())
        .unwrap()
        .conn()
        .query_row(
            "SELECT count(*) FROM settings WHERE key LIKE 'hub.%' AND key != 'hub.last_sync'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(saved, 0, "nothing saved");
}

#[test]
fn sync_now_sends_this_cockpits_run_to_a_real_hub_and_the_card_says_so() {
    use cockpit_core::hub::{schema, HubTarget};
    use cockpit_tests::pg::{PgServer, ADMIN, ADMIN_PASSWORD};

    let pg = PgServer::start();
    schema::init(&HubTarget::parse(&pg.admin_url()).unwrap()).unwrap();
    // The password is never saved: the app reads it from PGPASSWORD (or ~/.pgpass) each time.
    std::env::set_var("PGPASSWORD", ADMIN_PASSWORD);
    let f = common::app(build_db, AppState::ready);
    let saved = call(
        &f,
        "save_sync_settings",
        json!({ "server": pg.admin_url(), "enabled": true }),
    )
    .unwrap();
    let shown = saved["server"].as_str().unwrap().to_string();
    assert!(!shown.contains(ADMIN_PASSWORD), "{saved}");
    assert!(
        shown.starts_with(&format!("postgresql://{ADMIN}@127.0.0.1:")),
        "{saved}"
    );
    let before = call(&f, "sync_status", json!({ "lang": "en" })).unwrap();
    assert_eq!(before["status"]["pending_runs"], 1, "{before}");

    let report = call(&f, "sync_now", json!({})).unwrap();
    assert_eq!(report["pushed_runs"], 1, "{report}");
    assert_eq!(
        pg.psql(
            cockpit_tests::pg::HUB_DB,
            "SELECT count(DISTINCT id) FROM hub.runs"
        ),
        "1"
    );
    let after = call(&f, "sync_status", json!({ "lang": "en" })).unwrap();
    assert_eq!(after["status"]["pending_runs"], 0, "{after}");
    assert_eq!(after["status"]["pending_events"], 0, "{after}");
    assert!(after["status"]["last_sync"].is_i64(), "{after}");
    assert!(after["status"]["last_error"].is_null(), "{after}");

    // The hub gone: a coded error, the card shows it, nothing local lost.
    pg.kill();
    let err = call(&f, "sync_now", json!({})).unwrap_err();
    assert_eq!(err["code"], "hub_unreachable", "{err}");
    let failed = call(&f, "sync_status", json!({ "lang": "en" })).unwrap();
    let last_error = failed["status"]["last_error"].as_str().unwrap_or_default();
    assert!(last_error.contains("cannot connect to the hub"), "{failed}");
    assert!(!last_error.contains(ADMIN_PASSWORD), "{failed}");
}
