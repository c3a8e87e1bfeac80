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

/// A prediction a 1.x model set stored before migration 8 (a point estimate in `ttf_days`, no
/// `ttf_distribution`) reads as an unknown time to failure, never as "no failure expected".
#[test]
fn a_prediction_of_a_1x_model_set_reads_as_an_unknown_time_to_failure() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    assert_eq!(cockpit(&db, &["runs"]).code, 0, "creates the database");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (1, 'OLD-01', 'Lyon', 'SWT-2.3-93', 2300, 45.7, 4.8, '2015-06-01'),
                    (2, 'NEW-01', 'Lyon', 'SWT-2.3-93', 2300, 45.7, 4.8, '2015-06-01');
             INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, as_of, model_version, turbines, low)
             VALUES (1, 'cli', 1772928000, 1772928000, 5, 'succeeded', 1772928000, '1.1.0', 2, 2);
             INSERT INTO predictions (turbine, run, scored, p_fail_7d, ttf_days, risk_score, category)
             VALUES (1, 1, 1, 0.01, 4.2, 3, 'low');
             INSERT INTO predictions (turbine, run, scored, p_fail_7d, ttf_distribution, risk_score, category)
             VALUES (2, 1, 1, 0.01, '{\"days\":[1,3,7,14,30],\"p\":[0.0,0.01,0.02,0.05,0.1]}', 3, 'low');",
        )
        .unwrap();
    }
    let run = cockpit(&db, &["fleet", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let items = run.json();
    let by_id = |id: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["turbine_id"] == id)
            .cloned()
            .unwrap()
    };
    let old = by_id("OLD-01");
    assert_eq!(old["ttf_known"], false, "{old}");
    assert!(old["ttf_median_days"].is_null() && old["ttf_range_days"].is_null());
    assert_eq!(
        old["ttf_text"],
        "time to failure unknown (scored by an older model set)"
    );
    assert!(old.get("ttf_days").is_none(), "the point estimate is gone");
    let new = by_id("NEW-01");
    assert_eq!(new["ttf_known"], true);
    assert_eq!(new["ttf_text"], "no failure expected within 30 days");
    let run = cockpit(&db, &["fleet"]);
    assert!(
        run.stdout.contains("unknown") && run.stdout.contains("none ≤ 30 d"),
        "{}",
        run.stdout
    );
    let run = cockpit(&db, &["turbine", "OLD-01", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["prediction"]["ttf_known"], false);
}
