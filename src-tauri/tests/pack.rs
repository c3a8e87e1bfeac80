//! Field packs through Tauri's IPC on the mock runtime: the office exports the turbines its
//! fleet view shows, an app over the pack says it is one and records the lead's note and
//! closing in it, the office imports the findings once (twice changes nothing), a damaged pack
//! is refused with its code and summaries; and the packages associate the pack's extension
//! with the app.

mod common;

use std::path::Path;

use cockpit_core::risk::Category;
use cockpit_core::workspace::Workspace;
use common::{call, simulated_park, Fixture, DAY, START};
use energitech_cockpit::state::AppState;
use serde_json::{json, Value};
use tauri::test::mock_builder;
use tauri::{Manager, WebviewWindowBuilder};

/// Four turbines; one run ranks the first critical (an open alert), the others low.
fn build_db(db: &Path) {
    let (mut store, keys) = simulated_park(db);
    let at = START + 9 * DAY;
    common::score_first(&mut store, &keys, at, (Category::Critical, 90.0));
}

/// An app over the database at `db` (a pack), ready.
fn app_over(
    db: &Path,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = energitech_cockpit::builder(mock_builder())
        .build(tauri::generate_context!())
        .unwrap();
    app.manage(AppState::ready(Workspace::for_db(db)));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, window)
}

/// A command invoked on `window`, as `common::call` does on a fixture's.
fn call_on(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn the_office_exports_the_field_records_and_the_office_imports_once() {
    let office: Fixture = common::app(build_db, AppState::ready);
    let page = call(&office, "fleet", json!({})).unwrap();
    let critical = page["items"][0]["turbine_id"].as_str().unwrap().to_string();
    let iv = call(
        &office,
        "plan_intervention",
        json!({"plan": {"turbine": critical, "component": "converter", "due": "2030-01-01"}}),
    )
    .unwrap();
    let iv = iv.as_str().unwrap().to_string();

    let path = office.dir.path().join("field.cockpitpack");
    let out = call(
        &office,
        "export_pack",
        json!({"filter": {"categories": ["critical"]}, "path": path}),
    )
    .unwrap();
    assert_eq!(out["turbines"], json!([critical]), "{out}");

    // The laptop's app over the pack.
    let (_laptop, window) = app_over(&path);
    let info = call_on(&window, "pack_info", json!({"lang": "fr"})).unwrap();
    let banner = info["banner"].as_str().unwrap();
    assert!(banner.starts_with("Paquet terrain de "), "{banner}");
    assert!(banner.contains(&critical), "{banner}");
    let fleet = call_on(&window, "fleet", json!({})).unwrap();
    assert_eq!(fleet["items"].as_array().unwrap().len(), 1, "{fleet}");
    call_on(
        &window,
        "add_note",
        json!({"turbine": critical, "intervention": iv, "text": "cable lug burnt"}),
    )
    .unwrap();
    call_on(
        &window,
        "close_intervention",
        json!({"id": iv, "finding": "confirmed", "component": null, "note": null}),
    )
    .unwrap();
    // A pack is not scored, exported or imported into.
    let refused = call_on(&window, "import_pack", json!({"path": path})).unwrap_err();
    assert_eq!(refused["code"], "field_pack", "{refused}");

    let first = call(&office, "import_pack", json!({"path": path, "lang": "en"})).unwrap();
    assert_eq!(first["new_events"], 2, "{first}");
    assert_eq!(first["logbook_entries"], 1, "{first}");
    assert!(
        first["summary"]
            .as_str()
            .unwrap()
            .contains("1 fault confirmed on"),
        "{first}"
    );
    let again = call(&office, "import_pack", json!({"path": path, "lang": "en"})).unwrap();
    assert_eq!(again["new_events"], 0, "{again}");
    let hist = call(
        &office,
        "turbine_history",
        json!({"id": critical, "lang": "en"}),
    )
    .unwrap();
    let notes = &hist["interventions"][0]["text"]["notes"];
    assert!(
        notes[0].as_str().unwrap().contains("cable lug burnt"),
        "{hist}"
    );
    assert_eq!(call(&office, "pack_info", json!({})).unwrap(), Value::Null);
}

#[test]
fn a_damaged_pack_is_refused_with_its_code_and_both_summaries() {
    let office: Fixture = common::app(build_db, AppState::ready);
    let path = office.dir.path().join("field.cockpitpack");
    call(&office, "export_pack", json!({"path": path})).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = call(&office, "import_pack", json!({"path": path})).unwrap_err();
    assert_eq!(err["code"], "pack_damaged", "{err}");
    assert!(
        err["summary_fr"]
            .as_str()
            .unwrap()
            .contains("paquet terrain"),
        "{err}"
    );
    assert!(
        err["summary_en"].as_str().unwrap().contains("field pack"),
        "{err}"
    );
}

#[test]
fn the_packages_open_pack_files_with_the_app() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conf: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
            .unwrap();
    let assoc = &conf["bundle"]["fileAssociations"][0];
    assert_eq!(assoc["ext"], json!([cockpit_core::pack::EXTENSION]));
    let mime = assoc["mimeType"].as_str().unwrap();
    let xml = std::fs::read_to_string(root.join("../deploy/mime/energitech-cockpit.xml")).unwrap();
    assert!(xml.contains(&format!("type=\"{mime}\"")), "{xml}");
    assert!(
        xml.contains(&format!("pattern=\"*.{}\"", cockpit_core::pack::EXTENSION)),
        "{xml}"
    );
    for kind in ["deb", "rpm"] {
        let files = &conf["bundle"]["linux"][kind]["files"];
        assert_eq!(
            files["/usr/share/mime/packages/energitech-cockpit.xml"],
            "../deploy/mime/energitech-cockpit.xml",
            "{kind}"
        );
    }
    // The menu entry passes the file double-clicked to the app, which opens the pack named on
    // its command line.
    let desktop = std::fs::read_to_string(root.join("linux/energitech-cockpit.desktop")).unwrap();
    assert!(desktop.contains("Exec={{exec}} %F"), "{desktop}");
    assert!(desktop.contains("MimeType={{mime_type}}"), "{desktop}");
    let args = [
        "energitech-cockpit",
        "/home/lead/Downloads/lyon.cockpitpack",
    ]
    .map(Into::into);
    assert_eq!(
        energitech_cockpit::state::pack_argument(args),
        Some("/home/lead/Downloads/lyon.cockpitpack".into())
    );
    let none = ["energitech-cockpit", "--turbines", "LYO-08"].map(Into::into);
    assert_eq!(energitech_cockpit::state::pack_argument(none), None);
}
