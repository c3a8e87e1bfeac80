//! Black-box tests of `cockpit simulate` and `cockpit demo`.

use std::fs;

use cockpit_tests::{cockpit, count};

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let run_sim = |seed: &str, out: &str| {
        let out = dir.path().join(out);
        let run = cockpit(
            &db,
            &[
                "simulate",
                "--turbines",
                "3",
                "--days",
                "3",
                "--seed",
                seed,
                "--start",
                "2026-03-01",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        out
    };
    let a = run_sim("7", "a");
    let b = run_sim("7", "b");
    let c = run_sim("8", "c");
    for f in ["scada.csv", "turbines.csv", "logbook.csv"] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f} differs for the same seed"
        );
    }
    assert_ne!(
        fs::read(a.join("scada.csv")).unwrap(),
        fs::read(c.join("scada.csv")).unwrap()
    );
    let scada = fs::read_to_string(a.join("scada.csv")).unwrap();
    assert!(
        scada
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("2026-03-01T00:00:00Z,"),
        "starts at --start"
    );
    assert!(!db.exists(), "simulate does not touch the database");
}

#[test]
fn invalid_simulation_requests_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let out = dir.path().join("o");
    let run = cockpit(
        &db,
        &[
            "simulate",
            "--turbines",
            "0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("turbines"), "{}", run.stderr);
    let run = cockpit(
        &db,
        &[
            "simulate",
            "--start",
            "next tuesday",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--start 'next tuesday' is not a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn simulated_fleet_ingests_without_a_single_quarantined_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let out = dir.path().join("fleet");
    let run = cockpit(
        &db,
        &[
            "simulate",
            "--turbines",
            "4",
            "--days",
            "20",
            "--seed",
            "3",
            "--start",
            "2026-01-01",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files: Vec<String> = ["scada.csv", "logbook.csv", "turbines.csv"]
        .iter()
        .map(|f| out.join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest", "--json"];
    args.extend(files.iter().map(String::as_str));
    let run = cockpit(&db, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["quarantined"], 0, "{j}");
    let scada_rows = fs::read_to_string(out.join("scada.csv"))
        .unwrap()
        .lines()
        .count() as i64
        - 1;
    assert_eq!(count(&db, "readings"), scada_rows);
    assert_eq!(count(&db, "turbines"), 4);
}

#[test]
fn demo_builds_the_lyon_park_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let out = dir.path().join("demo");
    let run = cockpit(&db, &["demo", "--json", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["demo"]["park"]["name"], "Lyon");
    assert_eq!(
        j["backfilled_runs"], 30,
        "30 days of daily runs so trends start filled"
    );
    assert_eq!(j["run"]["status"], "succeeded");
    assert_eq!(j["run"]["turbines"], 20);
    assert_eq!(count(&db, "turbines"), 20);
    let readings = count(&db, "readings");
    assert!(
        readings > 20 * 180 * 144 * 9 / 10,
        "180 days of 10-minute rows, minus gaps: {readings}"
    );
    assert!(count(&db, "logbook") >= 5);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ids: Vec<String> = conn
        .prepare("SELECT turbine_id FROM turbines ORDER BY turbine_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids.first().map(String::as_str), Some("LYO-01"));
    assert_eq!(ids.last().map(String::as_str), Some("LYO-20"));

    let run = cockpit(&db, &["demo", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        count(&db, "readings"),
        readings,
        "a second demo adds nothing"
    );
}
