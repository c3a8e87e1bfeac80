//! Black-box tests of the field packs (issue 17): `cockpit pack export|import|info`, and the
//! workflow commands on a pack with `--db PACK` as the lead's laptop runs them — with no
//! models and no ONNX Runtime. The round trip on the Lyon demo park (export, work in the pack,
//! import twice: state and logbook as expected), a conflict, and every bad pack refused with
//! exit code 2, a message naming the problem and the office database untouched.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cockpit_tests::{cockpit, cockpit_bin, cockpit_cmd, count, Run};
use serde_json::Value;

/// The Lyon demo built once per test run; each test works on its own copy.
fn demo_template() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pack_cli");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("cockpit.db");
        let run = cockpit(&db, &["demo"]);
        assert_eq!(run.code, 0, "demo failed: {}", run.stderr);
        // Fold the WAL into the file so a copy of the file alone is the whole database.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        db
    })
}

/// A private copy of the demo database (the office).
fn office() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    std::fs::copy(demo_template(), &db).unwrap();
    (dir, db)
}

/// `cockpit --db DB ARGS` as marie on PC-OFFICE; must succeed.
fn office_ok(db: &Path, args: &[&str]) -> Run {
    let run: Run = cockpit_cmd(db)
        .env("COCKPIT_AUTHOR", "marie")
        .env("COCKPIT_MACHINE", "PC-OFFICE")
        .args(args)
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "cockpit {args:?} failed: {}", run.stderr);
    run
}

/// `cockpit --db PACK ARGS` as the lead on the laptop: karim on LAPTOP-07, with no models and
/// no ONNX Runtime anywhere.
fn laptop(pack: &Path, args: &[&str]) -> Run {
    std::process::Command::new(cockpit_bin())
        .arg("--db")
        .arg(pack)
        .args(args)
        .env_remove("COCKPIT_DB")
        .env_remove("COCKPIT_ORT_LIB")
        .env("COCKPIT_MODELS", pack.with_extension("no-models"))
        .env_remove("RUST_LOG")
        .env("COCKPIT_AUTHOR", "karim")
        .env("COCKPIT_MACHINE", "LAPTOP-07")
        .env("XDG_CONFIG_HOME", pack.with_extension("config"))
        .output()
        .unwrap()
        .into()
}

fn laptop_ok(pack: &Path, args: &[&str]) -> Run {
    let run = laptop(pack, args);
    assert_eq!(
        run.code, 0,
        "laptop cockpit {args:?} failed: {}",
        run.stderr
    );
    run
}

/// The first turbine with an open alert in the demo park.
fn alerted(db: &Path) -> String {
    let alerts = office_ok(db, &["alerts", "--open", "--json"]).json();
    alerts.as_array().unwrap()[0]["turbine_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An intervention planned at the office on `turbine`; its id.
fn plan(db: &Path, turbine: &str) -> String {
    let run = office_ok(
        db,
        &[
            "intervention",
            "plan",
            turbine,
            "--component",
            "generator_winding",
            "--due",
            "2030-01-01",
        ],
    );
    run.stdout.trim().to_string()
}

fn import_json(db: &Path, pack: &Path) -> Value {
    office_ok(db, &["pack", "import", pack.to_str().unwrap(), "--json"]).json()
}

fn alert_of(db: &Path, turbine: &str) -> Value {
    office_ok(db, &["alerts", "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["turbine_id"] == turbine)
        .cloned()
        .unwrap()
}

#[test]
fn the_round_trip_brings_the_field_s_findings_back_once() {
    let (dir, db) = office();
    let turbine = alerted(&db);
    let iv = plan(&db, &turbine);
    let pack = dir.path().join("field.cockpitpack");
    let out = office_ok(
        &db,
        &[
            "pack",
            "export",
            "--out",
            pack.to_str().unwrap(),
            "--turbines",
            &turbine,
            "--json",
        ],
    )
    .json();
    assert_eq!(out["turbines"], serde_json::json!([turbine]));
    assert!(out["readings"].as_u64().unwrap() > 1000, "{out}");

    // On the laptop: the views and the workflow work on the pack, without models.
    let fleet = laptop_ok(&pack, &["fleet", "--json"]).json();
    assert_eq!(fleet.as_array().unwrap().len(), 1, "{fleet}");
    laptop_ok(&pack, &["turbine", &turbine]);
    laptop_ok(&pack, &["ack", &turbine, "--note", "on site at 9"]);
    laptop_ok(&pack, &["intervention", "start", &iv]);
    laptop_ok(
        &pack,
        &[
            "note",
            &turbine,
            "burnt varnish smell",
            "--intervention",
            &iv,
        ],
    );
    laptop_ok(
        &pack,
        &[
            "intervention",
            "close",
            &iv,
            "--finding",
            "confirmed",
            "--note",
            "rewound",
        ],
    );
    let refused = laptop(&pack, &["score"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("field pack"), "{}", refused.stderr);
    laptop_ok(&pack, &["pack", "info", pack.to_str().unwrap()]);

    let logbook_before = count(&db, "logbook");
    let first = import_json(&db, &pack);
    assert_eq!(first["new_events"], 4, "{first}");
    assert_eq!(first["logbook_entries"], 1, "{first}");
    assert_eq!(first["conflicts"], 0, "{first}");
    let summary = first["summary"].as_str().unwrap();
    assert!(
        summary.contains(&format!(
            "1 fault confirmed on {turbine} (generator winding)"
        )),
        "{summary}"
    );
    assert_eq!(count(&db, "logbook"), logbook_before + 1);
    let alert = alert_of(&db, &turbine);
    assert_eq!(alert["status"], "resolved", "{alert}");
    assert_eq!(alert["outcome"]["finding"], "confirmed", "{alert}");

    // Twice: nothing changes.
    let events = count(&db, "workflow_events");
    let again = import_json(&db, &pack);
    assert_eq!(again["new_events"], 0, "{again}");
    assert_eq!(
        again["already_present"],
        first["new_events"].as_u64().unwrap() + first["already_present"].as_u64().unwrap()
    );
    assert_eq!(again["logbook_entries"], 0);
    assert_eq!(count(&db, "workflow_events"), events);
    assert_eq!(count(&db, "logbook"), logbook_before + 1);
}

#[test]
fn a_closing_recorded_differently_at_the_office_is_shown_as_a_conflict() {
    let (dir, db) = office();
    let turbine = alerted(&db);
    let iv = plan(&db, &turbine);
    let pack = dir.path().join("field.cockpitpack");
    office_ok(
        &db,
        &[
            "pack",
            "export",
            "--out",
            pack.to_str().unwrap(),
            "--unacknowledged",
        ],
    );
    office_ok(&db, &["intervention", "close", &iv, "--finding", "nothing"]);
    laptop_ok(
        &pack,
        &["intervention", "close", &iv, "--finding", "confirmed"],
    );
    let s = import_json(&db, &pack);
    assert_eq!(s["conflicts"], 1, "{s}");
    let detail = s["conflict_details"][0].as_str().unwrap();
    assert!(
        detail.contains("stands as nothing found") && detail.contains("karim"),
        "{detail}"
    );
    // The office's closing stands; the field's is listed with it; the fault reached the logbook.
    let list = office_ok(&db, &["intervention", "list"]).stdout;
    assert!(
        list.contains("conflict: also closed by karim on LAPTOP-07"),
        "{list}"
    );
    assert_eq!(s["logbook_entries"], 1, "{s}");
}

#[test]
fn bad_packs_are_refused_and_the_office_database_is_untouched() {
    let (dir, db) = office();
    let turbine = alerted(&db);
    let pack = dir.path().join("good.cockpitpack");
    office_ok(
        &db,
        &[
            "pack",
            "export",
            "--out",
            pack.to_str().unwrap(),
            "--turbines",
            &turbine,
        ],
    );
    laptop_ok(&pack, &["ack", &turbine]);
    let events = count(&db, "workflow_events");
    let refused = |file: &Path, needle: &str| {
        let run = cockpit(&db, &["pack", "import", file.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(
            run.stderr.contains(needle),
            "expected {needle:?} in: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "one message: {}", run.stderr);
    };

    // Truncated, and a byte changed in the data (checksum).
    let bytes = std::fs::read(&pack).unwrap();
    let cut = dir.path().join("cut.cockpitpack");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let run = cockpit(&db, &["pack", "import", cut.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("truncated") || run.stderr.contains("damaged"),
        "{}",
        run.stderr
    );
    let changed = dir.path().join("changed.cockpitpack");
    std::fs::copy(&pack, &changed).unwrap();
    rusqlite::Connection::open(&changed)
        .unwrap()
        .execute("UPDATE workflow_events SET author = 'mallory'", [])
        .unwrap();
    refused(&changed, "journal of actions do not match its checksum");

    // A future format.
    let future = dir.path().join("future.cockpitpack");
    std::fs::copy(&pack, &future).unwrap();
    rusqlite::Connection::open(&future)
        .unwrap()
        .execute(
            "UPDATE settings SET value = '9' WHERE key = 'pack.format'",
            [],
        )
        .unwrap();
    refused(&future, "format 9");

    // Another fleet's pack (another office that exported first).
    let (other_dir, other) = office();
    let foreign = other_dir.path().join("foreign.cockpitpack");
    office_ok(
        &other,
        &[
            "pack",
            "export",
            "--out",
            foreign.to_str().unwrap(),
            "--turbines",
            &turbine,
        ],
    );
    refused(&foreign, "comes from fleet");

    // Turbines the office does not know: a pack from a fleet of other turbines, imported by
    // a database that has not joined any fleet yet.
    let fresh = dir.path().join("fresh.db");
    let reg = dir.path().join("turbines.csv");
    std::fs::write(
        &reg,
        "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\nXYZ-01,Elsewhere,V90,2000,45.0,4.0,2015-01-01\n",
    )
    .unwrap();
    assert_eq!(cockpit(&fresh, &["ingest", reg.to_str().unwrap()]).code, 0);
    let run = cockpit(&fresh, &["pack", "import", pack.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&turbine) && run.stderr.contains("registry"),
        "{}",
        run.stderr
    );
    assert_eq!(count(&fresh, "workflow_events"), 0);

    // A cockpit database is not a pack; a missing file is named.
    refused(&db, "is not a field pack");
    refused(&dir.path().join("missing.cockpitpack"), "no such file");

    assert_eq!(
        count(&db, "workflow_events"),
        events,
        "nothing was imported"
    );
    // The good pack still imports afterwards.
    assert_eq!(import_json(&db, &pack)["new_events"], 1);
}

#[test]
fn an_export_names_unknown_turbines_and_writes_nothing() {
    let (dir, db) = office();
    let out = dir.path().join("p.cockpitpack");
    let run = cockpit(
        &db,
        &[
            "pack",
            "export",
            "--out",
            out.to_str().unwrap(),
            "--turbines",
            "LYO-99",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("LYO-99"), "{}", run.stderr);
    assert!(!out.exists());
    let all = office_ok(
        &db,
        &["pack", "export", "--out", out.to_str().unwrap(), "--json"],
    )
    .json();
    assert_eq!(all["turbines"].as_array().unwrap().len(), 20, "{all}");
}
