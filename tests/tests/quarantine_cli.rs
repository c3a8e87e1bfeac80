//! Black-box tests of `cockpit quarantine`: rows quarantined because their turbine was not in the
//! registry yet are read again once it is (by hand, and after every registry ingestion).

use std::fs;

use cockpit_tests::{cockpit, count, simulate};

/// Rows still in quarantine for an unknown turbine.
fn unknown_rows(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM quarantine WHERE reason = 'unknown_turbine'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// A SCADA export with one more line for a turbine no registry knows; returns its path and its
/// number of data rows.
fn scada_with_a_ghost(sim: &std::path::Path) -> (std::path::PathBuf, i64) {
    let text = fs::read_to_string(sim.join("scada.csv")).unwrap();
    let second = text.lines().nth(1).unwrap();
    let mut fields: Vec<&str> = second.split(',').collect();
    fields[1] = "GHOST-01";
    let body = format!("{}{}\n", text, fields.join(","));
    let path = sim.join("scada-with-ghost.csv");
    fs::write(&path, &body).unwrap();
    (path, body.lines().count() as i64 - 1)
}

/// The registry reaches the database after the readings (here written by another tool, so no
/// ingestion retries the quarantine): `cockpit quarantine retry` stores every row whose turbine
/// is now known, says how many, leaves the unknown one, and journals the counts.
#[test]
fn quarantine_retry_stores_the_rows_of_turbines_registered_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 2, 1, 3);
    let (scada, rows) = scada_with_a_ghost(&sim);
    let run = cockpit(&db, &["ingest", "--json", scada.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["quarantined"].as_i64(), Some(rows));
    assert_eq!(count(&db, "readings"), 0);
    // The registry written straight into the database.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let registry = fs::read_to_string(sim.join("turbines.csv")).unwrap();
    for line in registry.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        conn.execute(
            "INSERT INTO turbines (turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![f[0], f[1], f[2], f[3].parse::<f64>().unwrap(), f[4].parse::<f64>().unwrap(), f[5].parse::<f64>().unwrap(), f[6]],
        )
        .unwrap();
    }
    drop(conn);

    let run = cockpit(&db, &["quarantine", "retry", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["retried"].as_i64(), Some(rows));
    assert_eq!(j["accepted"].as_i64(), Some(rows - 1));
    assert_eq!(j["still_unknown"].as_i64(), Some(1));
    assert_eq!(j["still_quarantined"].as_i64(), Some(0));
    assert_eq!(count(&db, "readings"), rows - 1);
    assert_eq!(unknown_rows(&db), 1);

    // In words, and nothing more to accept the second time.
    let run = cockpit(&db, &["quarantine", "retry"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("unknown-turbine rows retried 1: now accepted 0, turbine still unknown 1"),
        "{}",
        run.stdout
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let journalled: i64 = conn
        .query_row(
            "SELECT count(*) FROM operations WHERE name = 'quarantine_retry' AND ok = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(journalled, 2);
}

/// `cockpit ingest` of a registry retries the quarantine by itself, and says so.
#[test]
fn ingesting_the_registry_after_the_readings_stores_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 2, 1, 5);
    let scada = sim.join("scada.csv");
    let rows = fs::read_to_string(&scada).unwrap().lines().count() as i64 - 1;
    assert_eq!(cockpit(&db, &["ingest", scada.to_str().unwrap()]).code, 0);
    assert_eq!(unknown_rows(&db), rows);
    let run = cockpit(&db, &["ingest", sim.join("turbines.csv").to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "unknown-turbine rows retried {rows}: now accepted {rows}, turbine still unknown 0"
        )),
        "{}",
        run.stdout
    );
    assert_eq!(count(&db, "readings"), rows);
    assert_eq!(unknown_rows(&db), 0);
}
