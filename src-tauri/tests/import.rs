//! "Import files…" and the quarantine through Tauri's IPC with the mock runtime and the app's real
//! capabilities: the mappings offered, an import with its progress events and summary, the
//! errors a user can meet, the quarantine page and its CSV export.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cockpit_core::schema;
use common::{call, Fixture};
use energitech_cockpit::import::IMPORT_PROGRESS_EVENT;
use energitech_cockpit::state::AppState;
use serde_json::{json, Value};
use tauri::Listener;

/// An empty database (the import brings the turbines).
fn empty_db(db: &Path) {
    cockpit_core::store::Store::open(db).unwrap();
}

fn ready() -> Fixture {
    common::app(empty_db, AppState::ready)
}

fn scada_row(ts: &str, id: &str) -> String {
    let mut fields = vec![
        ts.to_string(),
        id.to_string(),
        "7.5".into(),
        String::new(),
        "1200".into(),
    ];
    fields.resize(schema::scada_columns().len() - 1, String::new());
    fields.push("running".into());
    fields.join(",")
}

/// A registry of T1, and SCADA records: `good` valid lines of T1, one line of an unknown turbine.
fn export_files(dir: &Path, good: usize) -> (PathBuf, PathBuf) {
    let registry = dir.join("turbines.csv");
    std::fs::write(
        &registry,
        "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
         T1,Lyon,SWT-2.3-93,2300,45.7,4.9,2015-03-01\n",
    )
    .unwrap();
    let mut body = schema::scada_columns().join(",");
    for i in 0..good {
        body.push('\n');
        body.push_str(&scada_row(
            &schema::format_timestamp(1_767_225_600 + 600 * i as i64),
            "T1",
        ));
    }
    body.push('\n');
    body.push_str(&scada_row("2026-01-01T00:00:00Z", "ZZ-404"));
    body.push('\n');
    let scada = dir.join("scada.csv");
    std::fs::write(&scada, body).unwrap();
    (registry, scada)
}

#[test]
fn the_builtin_mappings_are_offered_with_their_descriptions() {
    let f = ready();
    let list = call(&f, "mappings", json!({})).unwrap();
    let list = list.as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"canonical") && names.contains(&"edp"),
        "{names:?}"
    );
    assert!(list
        .iter()
        .all(|m| !m["description"].as_str().unwrap().is_empty()));
}

#[test]
fn an_import_tells_its_progress_summarises_each_file_and_fills_the_quarantine() {
    let f = ready();
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = seen.clone();
    f.app.listen_any(IMPORT_PROGRESS_EVENT, move |e| {
        sink.lock()
            .unwrap()
            .push(serde_json::from_str(e.payload()).unwrap());
    });
    let (registry, scada) = export_files(f.dir.path(), 20_000);
    let missing = f.dir.path().join("missing.csv");
    // The SCADA file first: the registry is still read before it.
    let out = call(
        &f,
        "import_files",
        json!({ "paths": [scada, registry, missing], "mapping": "canonical" }),
    )
    .unwrap();
    let report = &out["report"];
    assert_eq!(report["accepted"], 20_001, "{report}");
    assert_eq!(report["quarantined"], 1);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files[0]["kind"], "registry");
    assert_eq!(files[1]["kind"], "scada");
    let reason = &files[1]["reasons"]["unknown_turbine"];
    assert_eq!(reason["count"], 1);
    assert!(reason["example"].as_str().unwrap().contains("ZZ-404"));
    assert!(reason["example_line"]
        .as_str()
        .unwrap()
        .starts_with("2026-01-01T00:00:00Z,ZZ-404,"));
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["error"]
        .as_str()
        .unwrap()
        .contains("missing.csv: file not found"));
    // No scoring service in this test app: the summary says the fleet was not rescored.
    assert!(out["run"].is_null());
    assert_eq!(out["rescore_error"]["code"], "service");

    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 2, "{seen:?}");
    let read: Vec<u64> = seen
        .iter()
        .map(|p| p["bytes_read"].as_u64().unwrap())
        .collect();
    assert!(read.windows(2).all(|w| w[0] <= w[1]), "{read:?}");
    let last = seen.last().unwrap();
    assert_eq!(last["bytes_read"], last["bytes_total"]);
    assert_eq!(last["files"], 2);

    // The quarantined line is in Diagnostics' table, filterable, and exported as CSV.
    let page = call(&f, "quarantine", json!({ "query": { "limit": 10 } })).unwrap();
    assert_eq!(page["total"], 1);
    let row = &page["rows"][0];
    assert!(row["file"].as_str().unwrap().ends_with("scada.csv"));
    assert_eq!(row["reason"], "unknown_turbine");
    assert!(row["raw"].as_str().unwrap().contains("ZZ-404"));
    let none = call(
        &f,
        "quarantine",
        json!({ "query": { "reason": "out_of_range" } }),
    )
    .unwrap();
    assert_eq!(
        (none["matching"].as_u64(), none["total"].as_u64()),
        (Some(0), Some(1))
    );
    let csv_path = f.dir.path().join("quarantine.csv");
    let out = call(&f, "export_quarantine_csv", json!({ "path": csv_path })).unwrap();
    assert_eq!(out["lines"], 1);
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(text.starts_with("file,line,reason,message,raw\n"));
    assert!(text.contains("ZZ-404"));
}

#[test]
fn import_errors_carry_the_cores_message() {
    let f = ready();
    let (registry, scada) = export_files(f.dir.path(), 3);
    let e = call(
        &f,
        "import_files",
        json!({ "paths": [registry], "mapping": "no-such-mapping" }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "mapping");
    assert!(e["message"].as_str().unwrap().contains("no-such-mapping"));
    assert!(e["message"].as_str().unwrap().contains("edp"));

    // A mapping naming a column the file lacks: the file fails, naming the column.
    let toml = f.dir.path().join("mine.toml");
    std::fs::write(
        &toml,
        "name = \"mine\"\ndescription = \"test\"\n[scada]\nwind_speed_ms = \"WindSpeed_Avg\"\n",
    )
    .unwrap();
    let out = call(
        &f,
        "import_files",
        json!({ "paths": [scada], "mapping": toml }),
    )
    .unwrap();
    let failed = out["report"]["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{out}");
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("WindSpeed_Avg"),
        "{failed:?}"
    );
    assert!(out["run"].is_null() && out["rescore_error"].is_null());

    let e = call(&f, "import_files", json!({ "paths": [] })).unwrap_err();
    assert_eq!(e["code"], "ingest");
    let e = call(
        &f,
        "export_quarantine_csv",
        json!({ "path": f.dir.path().join("no/folder/q.csv") }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "quarantine_export");
    assert!(e["message"].as_str().unwrap().contains("q.csv"));
}
