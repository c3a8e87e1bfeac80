//! Black-box test of opening a fresh database from several `cockpit` processes at once: one
//! migrates, the others wait for it, and every process succeeds on the complete schema.

use std::process::Stdio;

use std::path::Path;

use cockpit_tests::{cockpit, cockpit_cmd, count, Run};

/// Processes started at once on each fresh database.
const PROCESSES: usize = 8;
/// Fresh databases tried.
const DATABASES: usize = 4;

#[test]
fn eight_processes_opening_one_fresh_database_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("turbines.csv");
    std::fs::write(
        &registry,
        "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
         T1,Lyon,SWT-2.3-93,2300,45.7,4.9,2015-03-01\n\
         T2,Lyon,SWT-2.3-93,2300,45.71,4.91,2015-03-01\n",
    )
    .unwrap();
    // The schema a database opened by one process alone gets.
    let reference = dir.path().join("reference.db");
    let run = cockpit(&reference, &["ingest", registry.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = schema(&reference);
    for attempt in 0..DATABASES {
        let db = dir.path().join(format!("fresh-{attempt}/cockpit.db"));
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                cockpit_cmd(&db)
                    .arg("ingest")
                    .arg(&registry)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("the cockpit binary must start")
            })
            .collect();
        for child in children {
            let run: Run = child.wait_with_output().unwrap().into();
            assert_eq!(
                run.code, 0,
                "database {attempt}: a process failed:\n{}\n{}",
                run.stdout, run.stderr
            );
        }
        assert_eq!(schema(&db), expected, "database {attempt}");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        assert_eq!(count(&db, "turbines"), 2);
        assert_eq!(count(&db, "quarantine"), 0);
    }
}

/// The schema version and every table and index of a database, with its SQL.
fn schema(db: &Path) -> (i64, Vec<(String, String)>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let objects = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (version, objects)
}
