//! The model sets' commands through Tauri's IPC: the page with the set in service, and promote,
//! rollback or a chosen folder that is not a model set answered with their codes and summaries.

mod common;

use std::path::Path;

use cockpit_core::store::Store;
use common::call;
use energitech_cockpit::state::AppState;
use serde_json::json;

fn build_db(db: &Path) {
    drop(Store::open(db).unwrap());
}

#[test]
fn the_page_shows_the_set_in_service_and_nothing_to_promote_or_roll_back_says_so() {
    let f = common::app(build_db, AppState::ready);
    let page = call(&f, "model_sets", json!({"lang": "fr"})).unwrap();
    assert!(
        page["status"]["in_service"]["version"].is_string(),
        "{page}"
    );
    assert_eq!(
        page["status"]["in_service"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    assert!(page["status"]["candidate"].is_null(), "{page}");
    assert!(page["confirm_promote"].is_null() && page["confirm_rollback"].is_null());
    assert_eq!(page["history"]["periods"], json!([]));

    let e = call(&f, "promote_model_set", json!({})).unwrap_err();
    assert_eq!(e["code"], "no_candidate", "{e}");
    assert!(
        e["summary_fr"].as_str().unwrap().contains("candidat"),
        "{e}"
    );
    let e = call(&f, "rollback_model_set", json!({})).unwrap_err();
    assert_eq!(e["code"], "no_previous_model_set", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no previous model set"),
        "{e}"
    );
    let e = call(&f, "compare_model_sets", json!({"lang": "en"})).unwrap_err();
    assert_eq!(e["code"], "no_candidate", "{e}");

    let not_a_set = f.dir.path().join("holiday-photos");
    std::fs::create_dir_all(&not_a_set).unwrap();
    let e = call(&f, "choose_candidate", json!({"dir": not_a_set})).unwrap_err();
    assert_eq!(e["code"], "candidate_invalid", "{e}");
    assert!(!f.dir.path().join("model-sets").exists(), "nothing kept");
}
