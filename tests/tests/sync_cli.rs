//! `cockpit sync` against a real, throwaway PostgreSQL (`cockpit_tests::pg`), as the hub's
//! owner (the roles are tested with `cockpit hub grant`): three cockpits — two site
//! workstations and a laptop without models — act offline and sync in every order and end with
//! one picture; a server killed during a large push loses and doubles nothing; a second cockpit
//! claiming a scored site keeps its runs local with a warning; an unreachable hub leaves
//! everything queued and the cockpit working.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use cockpit_tests::pg::{PgServer, HUB_DB};
use cockpit_tests::{cockpit, cockpit_cmd, count, integrity_check, Run};

/// A fresh `cockpit demo` database (Lyon, 20 turbines, 31 runs) in `dir`, its own UUIDs.
fn demo(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(format!("{name}.db"));
    let run = cockpit(&db, &["demo"]);
    assert_eq!(run.code, 0, "demo failed: {}", run.stderr);
    db
}

/// `cockpit ARGS` on `machine`.
fn on(db: &Path, machine: &str, args: &[&str]) -> Run {
    cockpit_cmd(db)
        .env("COCKPIT_MACHINE", machine)
        .env("COCKPIT_AUTHOR", machine.to_lowercase())
        .args(args)
        .output()
        .expect("the cockpit binary must start")
        .into()
}

fn ok(db: &Path, machine: &str, args: &[&str]) -> Run {
    let run = on(db, machine, args);
    assert_eq!(
        run.code, 0,
        "cockpit {args:?} on {machine} failed: {}",
        run.stderr
    );
    run
}

fn sync(db: &Path, machine: &str, url: &str) -> serde_json::Value {
    ok(db, machine, &["sync", "--server", url, "--json"]).json()
}

fn sql(db: &Path, q: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(q).unwrap();
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows
}

fn event_ids(db: &Path) -> BTreeSet<String> {
    sql(db, "SELECT id FROM workflow_events")
        .into_iter()
        .collect()
}

fn hub_lines(pg: &PgServer, q: &str) -> BTreeSet<String> {
    pg.psql(HUB_DB, q)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Each turbine's latest successful prediction on the cockpit that scored it: run UUID.
fn own_latest(db: &Path) -> BTreeMap<String, String> {
    sql(
        db,
        "SELECT t.turbine_id || ' ' || (SELECT r.uuid FROM predictions p JOIN runs r ON r.id = p.run
             WHERE p.turbine = t.id AND r.status = 'succeeded'
             ORDER BY coalesce(r.as_of, -1) DESC, r.ended_at DESC, r.id DESC LIMIT 1)
         FROM turbines t",
    )
    .into_iter()
    .map(|l| {
        let (t, r) = l.split_once(' ').unwrap();
        (t.to_string(), r.to_string())
    })
    .collect()
}

fn hub_latest(db: &Path) -> BTreeMap<String, String> {
    sql(db, "SELECT turbine_id || ' ' || run FROM hub_latest")
        .into_iter()
        .map(|l| {
            let (t, r) = l.split_once(' ').unwrap();
            (t.to_string(), r.to_string())
        })
        .collect()
}

/// A turbine with an open alert on the cockpit.
fn open_alert(db: &Path, machine: &str) -> String {
    let open = ok(db, machine, &["alerts", "--open", "--json"]).json();
    open.as_array()
        .unwrap()
        .iter()
        .find(|a| a["status"] == "open")
        .expect("the demo raises alerts")["turbine_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn hub_counts(pg: &PgServer) -> String {
    pg.psql(
        HUB_DB,
        "SELECT (SELECT count(*) FROM hub.cockpits) || ' ' || (SELECT count(*) FROM hub.sites)
             || ' ' || (SELECT count(*) FROM hub.turbines) || ' ' || (SELECT count(*) FROM hub.runs)
             || ' ' || (SELECT count(*) FROM hub.predictions) || ' ' || (SELECT count(*) FROM hub.events)
             || ' ' || (SELECT count(*) FROM hub.logbook) || ' ' || (SELECT count(*) FROM hub.model_sets)",
    )
}

#[test]
fn two_sites_and_a_laptop_act_offline_sync_in_every_order_and_end_with_one_picture() {
    let pg = PgServer::start();
    let url = pg.admin_url();
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "lyon");
    let b = demo(dir.path(), "nantes");
    // The second workstation scores another park: same simulation, its own site and ids.
    let conn = rusqlite::Connection::open(&b).unwrap();
    conn.execute_batch(
        "UPDATE turbines SET site = 'Nantes', turbine_id = 'NAN-' || substr(turbine_id, 5);
         UPDATE workflow_events SET turbine = 'NAN-' || substr(turbine, 5);",
    )
    .unwrap();
    drop(conn);
    let l = dir.path().join("laptop.db");
    assert_eq!(cockpit(&l, &["hub", "init", "--server", &url]).code, 0);

    // Offline: Lyon acknowledges an alert and closes an intervention with a confirmed fault.
    let lyo = open_alert(&a, "LYON-WS1");
    ok(&a, "LYON-WS1", &["ack", &lyo, "--note", "seen"]);
    let id = ok(
        &a,
        "LYON-WS1",
        &[
            "intervention",
            "plan",
            &lyo,
            "--component",
            "converter",
            "--due",
            "2026-12-20",
        ],
    )
    .stdout
    .trim()
    .to_string();
    ok(&a, "LYON-WS1", &["intervention", "start", &id[..8]]);
    ok(
        &a,
        "LYON-WS1",
        &[
            "intervention",
            "close",
            &id,
            "--finding",
            "confirmed",
            "--component",
            "converter",
        ],
    );
    let nan = open_alert(&b, "NANTES-WS1");
    ok(&b, "NANTES-WS1", &["note", &nan, "bearing noise reported"]);

    let all = [(&a, "LYON-WS1"), (&b, "NANTES-WS1"), (&l, "LAPTOP-7")];
    for (db, m) in all {
        sync(db, m, &url);
    }
    // The laptop, without models, acts on both sites from what it pulled.
    ok(
        &l,
        "LAPTOP-7",
        &["note", &lyo, "photos of the converter attached"],
    );
    ok(&l, "LAPTOP-7", &["ack", &nan]);
    // Every other order, and again.
    for order in [[2, 1, 0], [1, 2, 0], [0, 1, 2]] {
        for i in order {
            sync(all[i].0, all[i].1, &url);
        }
    }

    let on_hub = hub_lines(&pg, "SELECT id FROM hub.events");
    assert!(on_hub.len() > 10, "{on_hub:?}");
    for (db, m) in all {
        assert_eq!(event_ids(db), on_hub, "the actions on {m} and on the hub");
    }
    // Each cockpit sees the other site's latest runs as their scorer has them.
    let (la, lb) = (own_latest(&a), own_latest(&b));
    assert_eq!(la.len(), 20);
    let mut both = la.clone();
    both.extend(lb.clone());
    assert_eq!(hub_latest(&a), lb, "Nantes as Lyon sees it");
    assert_eq!(hub_latest(&b), la, "Lyon as Nantes sees it");
    assert_eq!(hub_latest(&l), both, "both parks as the laptop sees them");
    // The confirmed fault reached the logbook of the workstation that scores its turbine, and
    // the hub's; the laptop's note and acknowledgement are in the scorers' journals.
    let entry = format!("intervention {}", &id[..8]);
    assert_eq!(
        sql(
            &a,
            &format!("SELECT l.component FROM logbook l WHERE l.action = '{entry}'")
        ),
        ["converter"]
    );
    assert_eq!(
        pg.psql(
            HUB_DB,
            &format!("SELECT turbine_id FROM hub.logbook WHERE action = '{entry}'")
        ),
        lyo
    );
    let nan_ack = ok(&b, "NANTES-WS1", &["alerts", "--json"]).json();
    let acked = nan_ack
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["turbine_id"] == nan.as_str())
        .unwrap();
    assert_eq!(acked["status"], "acknowledged", "{acked}");
    assert_eq!(acked["acknowledged"]["machine"], "LAPTOP-7");
    // Who scores what.
    assert_eq!(
        hub_lines(&pg, "SELECT s.site || ' ' || c.name FROM hub.sites s JOIN hub.cockpits c ON c.id = s.scored_by"),
        BTreeSet::from(["Lyon LYON-WS1".to_string(), "Nantes NANTES-WS1".to_string()])
    );
    // Syncing again changes nothing.
    let before = (hub_counts(&pg), event_ids(&a).len(), event_ids(&l).len());
    for (db, m) in all {
        let r = sync(db, m, &url);
        assert_eq!(r["pushed_events"], 0, "{r}");
        assert_eq!(r["pushed_runs"], 0, "{r}");
        assert_eq!(r["pulled_events"], 0, "{r}");
    }
    assert_eq!(
        (hub_counts(&pg), event_ids(&a).len(), event_ids(&l).len()),
        before
    );
    // The hub holds one run row per run and one prediction per scored turbine and run.
    let hub_runs: i64 = pg
        .psql(HUB_DB, "SELECT count(*) FROM hub.runs")
        .parse()
        .unwrap();
    assert_eq!(hub_runs, count(&a, "runs") + count(&b, "runs"));
    let hub_preds: i64 = pg
        .psql(HUB_DB, "SELECT count(*) FROM hub.predictions")
        .parse()
        .unwrap();
    assert_eq!(
        hub_preds,
        count(&a, "predictions") + count(&b, "predictions")
    );
}

/// Adds `n` copies of the latest run (earlier days, their own UUIDs) with its predictions: a
/// large first push.
fn add_history(db: &Path, n: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    let latest: i64 = conn
        .query_row(
            "SELECT max(id) FROM runs WHERE status = 'succeeded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for i in 1..=n {
        conn.execute(
            "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, model_version,
                               turbines, critical, high, moderate, low, not_scored, model_sha, uuid)
             SELECT 'replay', started_at, ended_at, duration_ms, status, as_of - 86400 * (?1 + 40),
                    model_version, turbines, critical, high, moderate, low, not_scored, model_sha,
                    lower(hex(randomblob(16)))
             FROM runs WHERE id = ?2",
            [i, latest],
        )
        .unwrap();
        let run = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO predictions (turbine, run, scored, reason, p_fail_7d, ttf_days, risk_score,
                                      category, drivers, last_record, data_quality, ttf_distribution)
             SELECT turbine, ?1, scored, reason, p_fail_7d, ttf_days, risk_score, category, drivers,
                    last_record, data_quality, ttf_distribution FROM predictions WHERE run = ?2",
            [run, latest],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
}

fn setting(db: &Path, key: &str) -> Option<String> {
    sql(
        db,
        &format!("SELECT value FROM settings WHERE key = '{key}'"),
    )
    .pop()
}

#[test]
fn a_hub_killed_during_a_large_push_loses_and_doubles_nothing() {
    let pg = PgServer::start();
    let url = pg.admin_url();
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "lyon");
    assert_eq!(cockpit(&db, &["hub", "init", "--server", &url]).code, 0);
    add_history(&db, 4000);

    let mut child = cockpit_cmd(&db)
        .args(["-v", "sync", "--server", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 {
        seen.push_str(&line);
        if line.contains("push started") {
            break;
        }
        line.clear();
    }
    assert!(seen.contains("push started"), "{seen}");
    pg.kill();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "the sync must fail: {seen}{rest}");
    let error_lines: Vec<&str> = rest.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error_lines.len(), 1, "{rest}");
    assert!(
        error_lines[0].contains("the hub postgresql://hubadmin@"),
        "{rest}"
    );
    assert!(!rest.contains(cockpit_tests::pg::ADMIN_PASSWORD));
    assert_eq!(integrity_check(&db), "ok");
    assert_eq!(setting(&db, "hub.pushed.runs"), None, "markers not moved");
    assert_eq!(setting(&db, "hub.cursor"), None);
    let status = ok(&db, "LYON-WS1", &["sync", "status", "--json"]).json();
    assert!(status["pending_runs"].as_i64().unwrap() > 4000, "{status}");
    assert!(!status["last_error"].as_str().unwrap().is_empty());

    pg.start_again();
    // The saved address has no password: PGPASSWORD gives it.
    cockpit_cmd(&db)
        .env("PGPASSWORD", cockpit_tests::pg::ADMIN_PASSWORD)
        .args(["sync"])
        .status()
        .unwrap()
        .success()
        .then_some(())
        .expect("the sync after the restart succeeds");
    let local = (
        count(&db, "runs"),
        count(&db, "predictions"),
        count(&db, "workflow_events"),
    );
    let on_hub = || -> (i64, i64, i64) {
        let n = |t: &str| {
            pg.psql(HUB_DB, &format!("SELECT count(*) FROM hub.{t}"))
                .parse()
                .unwrap()
        };
        (n("runs"), n("predictions"), n("events"))
    };
    assert_eq!(
        on_hub(),
        local,
        "the hub holds exactly what the cockpit has"
    );
    let status = ok(&db, "LYON-WS1", &["sync", "status", "--json"]).json();
    assert_eq!(status["pending_runs"], 0);
    assert_eq!(status["last_error"], serde_json::Value::Null);

    // Cut between the hub's commit and the local markers: everything is sent again, and the
    // hub keeps one copy.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "DELETE FROM settings WHERE key LIKE 'hub.pushed.%' OR key = 'hub.cursor'",
            [],
        )
        .unwrap();
    let again = ok(&db, "LYON-WS1", &["sync", "--server", &url, "--json"]).json();
    assert_eq!(again["pushed_runs"], 0, "{again}");
    assert_eq!(again["pushed_events"], 0, "{again}");
    assert_eq!(on_hub(), local);
}

#[test]
fn a_second_cockpit_claiming_a_scored_site_keeps_its_runs_local_with_a_warning() {
    let pg = PgServer::start();
    let url = pg.admin_url();
    let dir = tempfile::tempdir().unwrap();
    let first = demo(dir.path(), "lyon-1");
    let second = demo(dir.path(), "lyon-2");
    assert_eq!(cockpit(&first, &["hub", "init", "--server", &url]).code, 0);
    sync(&first, "LYON-WS1", &url);
    let picture = (
        hub_lines(&pg, "SELECT id || site || cockpit FROM hub.runs"),
        hub_lines(&pg, "SELECT turbine_id || cockpit FROM hub.turbines"),
        hub_lines(&pg, "SELECT site || cockpit || version FROM hub.model_sets"),
    );
    let run = ok(&second, "LYON-WS2", &["sync", "--server", &url]);
    assert!(
        run.stdout
            .contains("warning: Lyon is scored by LYON-WS1 since")
            && run.stdout.contains("this cockpit's runs for it stay local"),
        "{}",
        run.stdout
    );
    let report = sync(&second, "LYON-WS2", &url);
    assert_eq!(report["pushed_runs"], 0);
    assert_eq!(report["notices"][0]["holder"], "LYON-WS1", "{report}");
    let after = (
        hub_lines(&pg, "SELECT id || site || cockpit FROM hub.runs"),
        hub_lines(&pg, "SELECT turbine_id || cockpit FROM hub.turbines"),
        hub_lines(&pg, "SELECT site || cockpit || version FROM hub.model_sets"),
    );
    assert_eq!(after, picture, "the first cockpit's picture is unchanged");
    // Its actions are shared all the same; its runs stay in its own database.
    let second_events = event_ids(&second);
    assert!(second_events.is_subset(&hub_lines(&pg, "SELECT id FROM hub.events")));
    assert_eq!(count(&second, "runs"), 31);
}

#[test]
fn an_unreachable_hub_fails_in_one_line_and_leaves_everything_queued() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "lyon");
    let url = "postgresql://cockpit:pw-9e1@127.0.0.1:1/none?sslmode=disable&connect_timeout=3";
    let run = on(&db, "LYON-WS1", &["sync", "--server", url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains("cannot connect to the hub"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("is not saved"), "{}", run.stderr);
    assert!(!run.stderr.contains("pw-9e1"), "{}", run.stderr);

    let status = ok(&db, "LYON-WS1", &["sync", "status", "--json"]).json();
    assert_eq!(
        status["settings"]["server"],
        "postgresql://cockpit@127.0.0.1:1/none?sslmode=disable"
    );
    assert_eq!(status["pending_runs"], 31);
    assert!(status["pending_events"].as_i64().unwrap() > 0, "{status}");
    assert!(status["last_error"]
        .as_str()
        .unwrap()
        .contains("cannot connect"));
    let text = ok(&db, "LYON-WS1", &["sync", "status"]).stdout;
    assert!(text.contains("Pending: "), "{text}");
    assert!(text.contains("Last error: cannot connect"), "{text}");
    assert!(!std::fs::read(&db)
        .unwrap()
        .windows(6)
        .any(|w| w == b"pw-9e1"));

    // The cockpit works as before; the background setting is saved.
    assert_eq!(ok(&db, "LYON-WS1", &["fleet", "--json"]).code, 0);
    ok(&db, "LYON-WS1", &["sync", "--on"]);
    assert_eq!(
        ok(&db, "LYON-WS1", &["sync", "status", "--json"]).json()["settings"]["enabled"],
        true
    );
    let no_server = on(&dir.path().join("empty.db"), "X", &["sync"]);
    assert_eq!(no_server.code, 2);
    assert!(
        no_server.stderr.contains("no hub address"),
        "{}",
        no_server.stderr
    );
}

/// Each machine syncs as its own PostgreSQL user (`cockpit hub grant`), under the hub's
/// row-level security: every sync succeeds, each pushes only what its grant lets it write, and
/// the field laptop sees only its site.
#[test]
fn each_machine_syncs_as_its_own_user_and_pushes_only_what_its_grant_allows() {
    let pg = PgServer::start();
    let owner = pg.admin_url();
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "lyon");
    let b = demo(dir.path(), "nantes");
    let conn = rusqlite::Connection::open(&b).unwrap();
    conn.execute_batch(
        "UPDATE turbines SET site = 'Nantes', turbine_id = 'NAN-' || substr(turbine_id, 5);
         UPDATE workflow_events SET turbine = 'NAN-' || substr(turbine, 5);",
    )
    .unwrap();
    drop(conn);
    // A third workstation that also scores Nantes, whose user is granted Lyon only.
    let stray = dir.path().join("stray.db");
    std::fs::copy(&b, &stray).unwrap();
    let hq = dir.path().join("hq.db");
    let l = dir.path().join("laptop.db");
    assert_eq!(cockpit(&l, &["hub", "init", "--server", &owner]).code, 0);
    for (user, kind, sites) in [
        ("lyon_ws1", "site", "Lyon"),
        ("nantes_ws1", "site", "Nantes"),
        ("stray_ws", "site", "Lyon"),
        ("hq1", "office", ""),
        ("laptop07", "field", "Lyon"),
    ] {
        let g = cockpit_tests::hub_grant(&l, &owner, user, kind, sites, &format!("pw-{user}"));
        assert_eq!(g.code, 0, "grant {user}: {}", g.stderr);
    }
    let url = |user: &str| pg.url(user, Some(&format!("pw-{user}")));

    sync(&a, "LYON-WS1", &url("lyon_ws1"));
    sync(&b, "NANTES-WS1", &url("nantes_ws1"));
    // Nantes scored here but this user may share Lyon only: a warning, nothing of it on the hub.
    let s = sync(&stray, "STRAY-WS", &url("stray_ws"));
    assert_eq!(s["pushed_runs"], 0, "{s}");
    let warned = s["warnings"].to_string();
    assert!(
        warned.contains("Nantes is scored here but the hub user stray_ws may not share its runs"),
        "{warned}"
    );
    assert_eq!(
        hub_lines(
            &pg,
            "SELECT DISTINCT c.name FROM hub.runs r JOIN hub.cockpits c ON c.id = r.cockpit"
        ),
        BTreeSet::from(["LYON-WS1".to_string(), "NANTES-WS1".to_string()])
    );

    // The office sees both parks and acts on Nantes; the laptop sees Lyon only and acts on it.
    sync(&hq, "HQ-1", &url("hq1"));
    assert_eq!(hub_latest(&hq).len(), 40);
    let nan = open_alert(&b, "NANTES-WS1");
    ok(&hq, "HQ-1", &["ack", &nan, "--note", "crew booked"]);
    let h = sync(&hq, "HQ-1", &url("hq1"));
    assert_eq!(h["pushed_events"], 1, "{h}");
    assert_eq!(h["pushed_runs"], 0, "{h}");

    sync(&l, "LAPTOP-7", &url("laptop07"));
    let seen = hub_latest(&l);
    assert_eq!(seen.len(), 20, "{seen:?}");
    assert!(seen.keys().all(|t| t.starts_with("LYO-")), "{seen:?}");
    assert!(
        sql(&l, "SELECT DISTINCT turbine FROM workflow_events")
            .iter()
            .all(|t| t.starts_with("LYO-")),
        "the laptop pulled only Lyon's actions"
    );
    let lyo = open_alert(&a, "LYON-WS1");
    ok(&l, "LAPTOP-7", &["ack", &lyo]);
    let f = sync(&l, "LAPTOP-7", &url("laptop07"));
    assert_eq!(f["pushed_events"], 1, "{f}");

    // Back at the scoring workstations: the office's and the laptop's acknowledgements.
    sync(&a, "LYON-WS1", &url("lyon_ws1"));
    sync(&b, "NANTES-WS1", &url("nantes_ws1"));
    for (db, machine, turbine, by) in [
        (&a, "LYON-WS1", &lyo, "LAPTOP-7"),
        (&b, "NANTES-WS1", &nan, "HQ-1"),
    ] {
        let alerts = ok(db, machine, &["alerts", "--json"]).json();
        let alert = alerts
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["turbine_id"] == turbine.as_str())
            .unwrap()
            .clone();
        assert_eq!(alert["status"], "acknowledged", "{alert}");
        assert_eq!(alert["acknowledged"]["machine"], by);
    }
}
