//! The notification setting through Tauri's IPC on the mock runtime: on by default, turned off
//! and on, the UI's language stored for the notifications (which `cockpit watch` reads too), and
//! the app started without `--turbines` opening the whole fleet.

mod common;

use cockpit_core::lang::Lang;
use cockpit_core::notifications;
use cockpit_core::store::Store;
use common::{app, call, simulated_park};
use energitech_cockpit::state::AppState;
use serde_json::json;

fn build_db(db: &std::path::Path) {
    simulated_park(db);
}

#[test]
fn notifications_are_on_by_default_turned_off_and_speak_the_ui_language() {
    let f = app(build_db, AppState::ready);
    let got = call(&f, "get_notifications", json!({})).unwrap();
    assert_eq!(got, json!({ "enabled": true }));

    let set = call(&f, "set_notifications", json!({ "enabled": false })).unwrap();
    assert_eq!(set, json!({ "enabled": false }));
    assert_eq!(
        call(&f, "get_notifications", json!({})).unwrap(),
        json!({ "enabled": false })
    );
    // The same setting `cockpit watch` reads.
    let store = Store::open(&f.db()).unwrap();
    assert!(!notifications::enabled(&store).unwrap());

    // The UI sends its language alone: the switch stays as it was.
    let set = call(&f, "set_notifications", json!({ "lang": "fr" })).unwrap();
    assert_eq!(set, json!({ "enabled": false }));
    assert_eq!(notifications::language(&store).unwrap(), Lang::Fr);
    call(
        &f,
        "set_notifications",
        json!({ "enabled": true, "lang": "en" }),
    )
    .unwrap();
    assert!(notifications::enabled(&store).unwrap());
    assert_eq!(notifications::language(&store).unwrap(), Lang::En);
}

#[test]
fn the_app_started_without_turbines_opens_the_whole_fleet() {
    let f = app(build_db, AppState::ready);
    let info = call(&f, "app_info", json!({})).unwrap();
    assert_eq!(info["openingTurbines"], json!([]));
}

#[test]
fn the_setting_waits_for_the_app_to_be_ready() {
    let f = app(build_db, AppState::new);
    let err = call(&f, "set_notifications", json!({ "enabled": false })).unwrap_err();
    assert_eq!(err["code"], "preparing");
    let store = Store::open(&f.db()).unwrap();
    assert!(notifications::enabled(&store).unwrap(), "nothing changed");
}
