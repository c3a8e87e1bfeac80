//! The background service card's commands through Tauri's IPC on the mock runtime, with a
//! stand-in `systemctl` first on the PATH (this test binary's only test, so the PATH it sets
//! touches nothing else): the owner line and the summary in French, the switch turned off then
//! on through `systemctl --user … --now`, and a refusal with its code and summaries.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use cockpit_core::background::{self, Me, OwnerKind};
use cockpit_core::clock::now;
use cockpit_core::store::Store;
use common::call;
use energitech_cockpit::state::AppState;
use serde_json::json;

fn empty_db(db: &Path) {
    drop(Store::open(db).unwrap());
}

#[test]
fn the_card_says_who_runs_the_daily_timer_and_switches_the_unit() {
    let bin = tempfile::tempdir().unwrap();
    let calls = bin.path().join("calls.log");
    let refuse = bin.path().join("refuse");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{calls}'\nif [ -e '{refuse}' ] && [ \"$2\" = enable ]; then echo 'Failed to enable unit: Access denied' >&2; exit 1; fi\ncase \"$2\" in is-enabled) echo enabled ;; is-active) echo active ;; esac\nexit 0\n",
        calls = calls.display(),
        refuse = refuse.display()
    );
    fs::write(bin.path().join("systemctl"), script).unwrap();
    fs::set_permissions(
        bin.path().join("systemctl"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // SAFETY: set before the app starts any thread of this process that reads the environment.
    unsafe { std::env::set_var("PATH", path) };

    let f = common::app(empty_db, AppState::ready);
    let store = Store::open(&f.db()).unwrap();
    let service = Me {
        kind: OwnerKind::Service,
        pid: 1,
        host: "ws-02".into(),
    };
    background::beat(&store, &service, now()).unwrap();

    let s = call(&f, "background_status", json!({ "lang": "fr" })).unwrap();
    let line = s["owner_line"].as_str().unwrap();
    assert!(
        line.starts_with(
            "Évaluation quotidienne assurée par le service d'arrière-plan, dernier signe de vie "
        ),
        "{line}"
    );
    assert_eq!(s["service_owns_timer"], true);
    assert!(s["summary"]
        .as_str()
        .unwrap()
        .starts_with("Le service d'arrière-plan est activé et en marche"));

    let off = call(&f, "set_background", json!({ "on": false, "lang": "en" })).unwrap();
    assert_eq!(off["preference"], false);
    assert!(fs::read_to_string(&calls)
        .unwrap()
        .contains("--user disable --now energitech-cockpit.service"));

    fs::write(&refuse, "").unwrap();
    let e = call(&f, "set_background", json!({ "on": true, "lang": "en" })).unwrap_err();
    assert_eq!(e["code"], "background_service");
    assert!(
        e["message"].as_str().unwrap().contains("Access denied"),
        "{e}"
    );
    assert!(e["summary_fr"]
        .as_str()
        .unwrap()
        .starts_with("Le service d'arrière-plan n'a pas pu être changé"));
    // Refused: the choice stays off.
    assert_eq!(background::preference(&store).unwrap(), Some(false));
}
