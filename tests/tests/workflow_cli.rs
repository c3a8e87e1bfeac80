//! Black-box tests of the maintenance workflow from the terminal (issue 16): `cockpit alerts`,
//! `ack`, `dismiss`, `reopen` and `cockpit intervention plan|start|close|cancel|list`, on the
//! Lyon demo park (its 30 backfilled daily runs leave alerts open). The whole story of an alert
//! (acknowledged, an intervention planned, started, closed with a confirmed fault that reaches
//! the logbook and the backtest), dismissal with a mute and re-opening, the interventions list
//! by due date, and every bad input refused with exit code 2, a message naming the problem and
//! nothing recorded.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cockpit_tests::{cockpit, cockpit_cmd, count, Run};
use serde_json::Value;

const DAY: i64 = 86_400;

/// The Lyon demo built once per test run (in Cargo's scratch folder for integration tests);
/// each test works on its own copy.
fn demo_template() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workflow_cli");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("cockpit.db");
        let run = cockpit(&db, &["demo"]);
        assert_eq!(run.code, 0, "demo failed: {}", run.stderr);
        db
    })
}

/// A private copy of the demo database.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let template = demo_template();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    std::fs::copy(template, &db).unwrap();
    for ext in ["db-wal", "db-shm"] {
        let side = template.with_extension(ext);
        if side.exists() {
            std::fs::copy(&side, db.with_extension(ext)).unwrap();
        }
    }
    (dir, db)
}

/// `cockpit ARGS` as `author` on `machine`.
fn as_who(db: &Path, author: &str, machine: &str, args: &[&str]) -> Run {
    cockpit_cmd(db)
        .env("COCKPIT_AUTHOR", author)
        .env("COCKPIT_MACHINE", machine)
        .args(args)
        .output()
        .expect("the cockpit binary must start")
        .into()
}

/// `cockpit ARGS` as marie on OFFICE-PC; must succeed.
fn ok(db: &Path, args: &[&str]) -> Run {
    let run = as_who(db, "marie", "OFFICE-PC", args);
    assert_eq!(run.code, 0, "cockpit {args:?} failed: {}", run.stderr);
    run
}

fn alerts(db: &Path) -> Vec<Value> {
    ok(db, &["alerts", "--json"])
        .json()
        .as_array()
        .unwrap()
        .clone()
}

/// The turbine's latest alert as `cockpit alerts --json` lists it (latest first).
fn alert_of(db: &Path, turbine: &str) -> Value {
    alerts(db)
        .into_iter()
        .find(|a| a["turbine_id"] == turbine)
        .unwrap_or_else(|| panic!("no alert on {turbine}"))
}

/// A turbine with an open alert: the first of `cockpit alerts --open`, else the latest alert
/// re-opened.
fn turbine_with_open_alert(db: &Path) -> String {
    let open = ok(db, &["alerts", "--open", "--json"]).json();
    if let Some(a) = open.as_array().unwrap().first() {
        if a["status"] == "open" {
            return a["turbine_id"].as_str().unwrap().to_string();
        }
    }
    let all = alerts(db);
    let latest = all.first().expect("the demo's 30 daily runs raise alerts");
    let turbine = latest["turbine_id"].as_str().unwrap().to_string();
    ok(db, &["reopen", &turbine]);
    turbine
}

/// What the workflow shows and stores, to check a refused action changed nothing.
fn snapshot(db: &Path) -> (Value, Value, i64, i64) {
    (
        ok(db, &["alerts", "--json"]).json(),
        ok(db, &["intervention", "list", "--json"]).json(),
        count(db, "workflow_events"),
        count(db, "logbook"),
    )
}

/// Runs a command that must be refused: exit code 2, every word of `says` in the message,
/// nothing recorded.
fn refused(db: &Path, args: &[&str], says: &[&str]) -> String {
    let before = snapshot(db);
    let run = ok_or_err(db, args);
    assert_eq!(
        run.code, 2,
        "cockpit {args:?} should be refused: {}{}",
        run.stdout, run.stderr
    );
    for s in says {
        assert!(
            run.stderr.contains(s),
            "cockpit {args:?}: the message should name {s:?}: {}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(snapshot(db), before, "cockpit {args:?} changed something");
    run.stderr
}

fn ok_or_err(db: &Path, args: &[&str]) -> Run {
    as_who(db, "marie", "OFFICE-PC", args)
}

/// Unix seconds to `YYYY-MM-DD` (UTC).
fn date(secs: i64) -> String {
    let z = secs.div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The data time of the latest run (Unix seconds).
fn latest_as_of(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT max(as_of) FROM runs", [], |r| r.get(0))
        .unwrap()
}

/// The backtest's failures of `turbine` over the last days of the demo.
fn backtest_failures(db: &Path, from: &str, turbine: &str) -> Vec<Value> {
    let run = ok(db, &["backtest", "--from", from, "--json"]);
    run.json()["failures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["turbine_id"] == turbine)
        .cloned()
        .collect()
}

#[test]
fn alerts_lists_every_alert_with_its_status_category_and_first_raise() {
    let (_dir, db) = demo();
    let all = alerts(&db);
    assert!(!all.is_empty(), "the demo's 30 daily runs raise alerts");
    for a in &all {
        for field in ["id", "turbine_id", "status", "category", "first_raised"] {
            assert!(a[field].is_string(), "{field} in {a}");
        }
        assert!(
            a.get("outcome").is_some(),
            "outcome (null until a visit): {a}"
        );
        assert!(
            ["open", "acknowledged", "dismissed", "resolved"]
                .contains(&a["status"].as_str().unwrap()),
            "{a}"
        );
        assert!(
            ["high", "critical"].contains(&a["category"].as_str().unwrap()),
            "an alert is raised at high or above: {a}"
        );
        assert!(a["first_raised"].as_str().unwrap().ends_with('Z'), "{a}");
    }
    // No two alerts share an id; `--open` keeps exactly the open and acknowledged ones.
    let mut ids: Vec<&str> = all.iter().map(|a| a["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    let open = ok(&db, &["alerts", "--open", "--json"]).json();
    let open = open.as_array().unwrap();
    let active = all
        .iter()
        .filter(|a| a["status"] == "open" || a["status"] == "acknowledged")
        .count();
    assert_eq!(open.len(), active);
    // The text listing shows the same alerts.
    let text = ok(&db, &["alerts"]).stdout;
    for a in &all {
        assert!(
            text.contains(&a["id"].as_str().unwrap()[..8]),
            "{text} lacks {a}"
        );
    }
}

#[test]
fn an_alert_acknowledged_then_answered_by_a_confirmed_fault_reaches_the_logbook_and_the_backtest() {
    let (_dir, db) = demo();
    let turbine = turbine_with_open_alert(&db);
    let from = date(latest_as_of(&db) - 3 * DAY);
    let failures_before = backtest_failures(&db, &from, &turbine);
    let logbook_before = count(&db, "logbook");

    // Acknowledge with a note: who, where and the note are kept.
    let ack = ok(
        &db,
        &[
            "ack",
            &turbine,
            "--note",
            "seen at the morning meeting",
            "--json",
        ],
    )
    .json();
    assert_eq!(ack["action"]["kind"], "alert_acknowledged");
    let a = alert_of(&db, &turbine);
    assert_eq!(a["status"], "acknowledged", "{a}");
    assert_eq!(a["acknowledged"]["author"], "marie");
    assert_eq!(a["acknowledged"]["machine"], "OFFICE-PC");
    assert_eq!(a["acknowledged"]["note"], "seen at the morning meeting");
    // Acknowledging twice says so.
    refused(&db, &["ack", &turbine], &["already acknowledged"]);

    // Plan: the id alone on standard output, linked to the alert.
    let plan = ok(
        &db,
        &[
            "intervention",
            "plan",
            &turbine,
            "--component",
            "generator_winding",
            "--due",
            "2026-12-03",
            "--action",
            "inspect the winding insulation",
            "--team",
            "crew B",
            "--priority",
            "high",
        ],
    );
    let id = plan.stdout.trim().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id:?}");
    assert!(plan.stderr.contains("due 2026-12-03"), "{}", plan.stderr);
    let a = alert_of(&db, &turbine);
    assert_eq!(a["interventions"][0], id.as_str(), "{a}");
    let list = ok(&db, &["intervention", "list", "--json"]).json();
    let iv = &list[0];
    assert_eq!(iv["id"], id.as_str());
    assert_eq!(iv["turbine_id"], turbine.as_str());
    assert_eq!(iv["alert"], a["id"]);
    assert_eq!(iv["status"], "planned");
    assert_eq!(iv["component"], "generator_winding");
    assert_eq!(iv["due"], "2026-12-03");
    assert_eq!(iv["team"], "crew B");
    assert_eq!(iv["priority"], "high");
    assert_eq!(iv["planned"]["author"], "marie");

    // Start it by its first 8 characters, as the text list shows them.
    let start = ok(&db, &["intervention", "start", &id[..8]]);
    assert!(start.stdout.contains("started"), "{}", start.stdout);
    let list = ok(&db, &["intervention", "list", "--json"]).json();
    assert_eq!(list[0]["status"], "in_progress");

    // Close with a confirmed fault, from another author.
    let close = as_who(
        &db,
        "karim",
        "LAPTOP-07",
        &[
            "intervention",
            "close",
            &id,
            "--finding",
            "confirmed",
            "--component",
            "generator_winding",
            "--note",
            "winding replaced",
        ],
    );
    assert_eq!(close.code, 0, "{}", close.stderr);
    assert!(
        close.stdout.contains("fault confirmed: generator winding")
            && close.stdout.contains("Written in the logbook"),
        "{}",
        close.stdout
    );
    let a = alert_of(&db, &turbine);
    assert_eq!(a["status"], "resolved", "{a}");
    assert_eq!(a["outcome"]["finding"], "confirmed", "{a}");
    assert_eq!(a["outcome"]["component"], "generator_winding", "{a}");
    assert_eq!(a["outcome"]["intervention"], id.as_str(), "{a}");
    assert_eq!(a["closure"]["by"], "intervention", "{a}");
    assert_eq!(a["closure"]["stamp"]["author"], "karim", "{a}");
    assert_eq!(a["closure"]["stamp"]["machine"], "LAPTOP-07", "{a}");
    let text = ok(&db, &["alerts"]).stdout;
    assert!(
        text.lines().any(|l| l.contains(&turbine)
            && l.contains("resolved")
            && l.contains("fault confirmed: generator winding")),
        "{text}"
    );
    let list = ok(&db, &["intervention", "list", "--json"]).json();
    assert_eq!(list[0]["status"], "done");
    assert_eq!(list[0]["finding"], "confirmed");
    assert_eq!(list[0]["ended"]["author"], "karim");
    assert_eq!(
        list[0]["overdue"], false,
        "a done intervention is not overdue"
    );
    // Not an open intervention any more.
    let open = ok(&db, &["intervention", "list", "--open", "--json"]).json();
    assert!(open
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["id"] != id.as_str()));

    // The logbook has the failure, once, and the backtest counts it.
    assert_eq!(count(&db, "logbook"), logbook_before + 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (component, action): (String, String) = conn
        .query_row(
            "SELECT l.component, l.action FROM logbook l JOIN turbines t ON t.id = l.turbine
             WHERE t.turbine_id = ?1 ORDER BY l.failure_time DESC LIMIT 1",
            [&turbine],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(component, "generator_winding");
    assert!(
        action.contains(&id[..8]) && action.contains("winding replaced"),
        "{action}"
    );
    let failures_after = backtest_failures(&db, &from, &turbine);
    assert_eq!(
        failures_after.len(),
        failures_before.len() + 1,
        "{failures_after:?}"
    );
    assert!(
        failures_after
            .iter()
            .any(|f| f["component"] == "generator_winding"),
        "{failures_after:?}"
    );

    // Closing twice is refused and names what happened, by whom.
    refused(
        &db,
        &["intervention", "close", &id, "--finding", "nothing"],
        &["already done", "karim on LAPTOP-07", "cannot be closed"],
    );
}

#[test]
fn a_dismissal_keeps_its_reason_and_mute_date_and_reopen_brings_the_alert_back() {
    let (_dir, db) = demo();
    let turbine = turbine_with_open_alert(&db);
    let d = ok(
        &db,
        &[
            "dismiss",
            &turbine,
            "--reason",
            "sensor",
            "--until",
            "2026-12-15",
            "--note",
            "winding sensor frozen",
        ],
    );
    assert!(
        d.stdout.contains("until the end of 2026-12-15"),
        "{}",
        d.stdout
    );
    let a = alert_of(&db, &turbine);
    assert_eq!(a["status"], "dismissed", "{a}");
    assert_eq!(a["closure"]["by"], "dismissed");
    assert_eq!(a["closure"]["reason"], "false_alarm_sensor");
    assert_eq!(a["closure"]["until"], "2026-12-15");
    assert_eq!(a["closure"]["stamp"]["note"], "winding sensor frozen");
    // Not open any more.
    let open = ok(&db, &["alerts", "--open", "--json"]).json();
    assert!(open
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["turbine_id"] != turbine.as_str()));
    let text = ok(&db, &["alerts"]).stdout;
    assert!(
        text.lines()
            .any(|l| l.contains(&turbine) && l.contains("false alarm — sensor")),
        "{text}"
    );

    // Re-open: the same alert, open again, with nothing of the dismissal left.
    let r = ok(&db, &["reopen", &turbine, "--json"]).json();
    assert_eq!(r["action"]["kind"], "alert_reopened");
    assert_eq!(r["subject"], a["id"]);
    let b = alert_of(&db, &turbine);
    assert_eq!(b["id"], a["id"]);
    assert_eq!(b["status"], "open", "{b}");
    assert!(b["closure"].is_null(), "{b}");
    refused(&db, &["reopen", &turbine], &["already open"]);
    // And it can be acknowledged again.
    ok(&db, &["ack", &turbine]);
    assert_eq!(alert_of(&db, &turbine)["status"], "acknowledged");
}

#[test]
fn open_interventions_are_listed_by_due_date_with_the_overdue_ones_marked() {
    let (_dir, db) = demo();
    // Any turbine: a plan needs no alert.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let turbines: Vec<String> = conn
        .prepare("SELECT turbine_id FROM turbines ORDER BY turbine_id LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = |turbine: &str, due: &str| {
        ok(
            &db,
            &[
                "intervention",
                "plan",
                turbine,
                "--component",
                "gearbox_bearing",
                "--due",
                due,
            ],
        )
        .stdout
        .trim()
        .to_string()
    };
    let later = plan(&turbines[0], "2099-06-01");
    let overdue = plan(&turbines[1], "2020-01-15");
    let soon = plan(&turbines[2], "2098-01-01");
    let cancelled = plan(&turbines[0], "2097-01-01");
    ok(
        &db,
        &["intervention", "cancel", &cancelled, "--note", "duplicate"],
    );

    let open = ok(&db, &["intervention", "list", "--open", "--json"]).json();
    let ids: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [overdue.as_str(), soon.as_str(), later.as_str()]);
    let overdue_flags: Vec<bool> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["overdue"].as_bool().unwrap())
        .collect();
    assert_eq!(overdue_flags, [true, false, false]);
    assert_eq!(
        open[0]["text"]["due"], "overdue since Jan 15",
        "{}",
        open[0]
    );
    // The full list has the cancelled one after the open ones.
    let all = ok(&db, &["intervention", "list", "--json"]).json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[3]["id"], cancelled.as_str());
    assert_eq!(all[3]["status"], "cancelled");
    assert_eq!(all[3]["ended"]["note"], "duplicate");
    // One turbine's only.
    let one = ok(
        &db,
        &["intervention", "list", "--turbine", &turbines[0], "--json"],
    )
    .json();
    assert_eq!(one.as_array().unwrap().len(), 2);
    let text = ok(&db, &["intervention", "list", "--open"]).stdout;
    assert!(text.contains("overdue since"), "{text}");
    assert!(!text.contains(&cancelled[..8]), "{text}");
}

#[test]
fn bad_input_is_refused_with_a_message_naming_it_and_nothing_recorded() {
    let (_dir, db) = demo();
    let turbine = turbine_with_open_alert(&db);
    let t = turbine.as_str();
    let plan = |extra: &[&str]| {
        let mut args = vec![
            "intervention",
            "plan",
            t,
            "--component",
            "generator_winding",
            "--due",
            "2026-12-03",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let refused_plan = |extra: &[&str], says: &[&str]| {
        let args = plan(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&db, &args, says);
    };

    // Unknown turbine, for every action that names one.
    refused(&db, &["ack", "NOPE-99"], &["unknown turbine NOPE-99"]);
    refused(
        &db,
        &["dismiss", "NOPE-99", "--reason", "other"],
        &["unknown turbine NOPE-99"],
    );
    refused(&db, &["reopen", "NOPE-99"], &["unknown turbine NOPE-99"]);
    refused(
        &db,
        &[
            "intervention",
            "plan",
            "NOPE-99",
            "--component",
            "generator_winding",
            "--due",
            "2026-12-03",
        ],
        &["unknown turbine NOPE-99"],
    );
    // A due date or a mute-until date that is not a date.
    refused(
        &db,
        &[
            "intervention",
            "plan",
            t,
            "--component",
            "generator_winding",
            "--due",
            "next tuesday",
        ],
        &["due", "\"next tuesday\" is not a date", "YYYY-MM-DD"],
    );
    refused(
        &db,
        &[
            "intervention",
            "plan",
            t,
            "--component",
            "generator_winding",
            "--due",
            "2026-02-30",
        ],
        &["due", "\"2026-02-30\" is not a date"],
    );
    refused(
        &db,
        &["dismiss", t, "--reason", "sensor", "--until", "15/12/2026"],
        &["until", "\"15/12/2026\" is not a date"],
    );
    // A note over 2,000 characters, wherever a note goes.
    let long = "x".repeat(2001);
    refused(
        &db,
        &["ack", t, "--note", &long],
        &["note", "2001 characters, more than the 2000 allowed"],
    );
    refused_plan(
        &["--note", &long],
        &["note", "2001 characters, more than the 2000 allowed"],
    );
    // Unknown reason, priority, component, finding.
    refused(
        &db,
        &["dismiss", t, "--reason", "bored"],
        &["reason", "\"bored\" is not a reason", "false-alarm-sensor"],
    );
    refused_plan(
        &["--priority", "asap"],
        &["priority", "\"asap\" is not a priority", "urgent"],
    );
    refused(
        &db,
        &[
            "intervention",
            "plan",
            t,
            "--component",
            "flux_capacitor",
            "--due",
            "2026-12-03",
        ],
        &[
            "component",
            "\"flux_capacitor\" is not a component",
            "generator_winding",
        ],
    );
    let id = ok(
        &db,
        &plan(&[]).iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .stdout
    .trim()
    .to_string();
    refused(
        &db,
        &["intervention", "close", &id, "--finding", "maybe"],
        &[
            "finding",
            "\"maybe\" is not a finding",
            "confirmed, nothing or other",
        ],
    );
    // An intervention id nobody planned.
    refused(
        &db,
        &["intervention", "start", "0000dead"],
        &["no intervention with id 0000dead"],
    );
    // A missing required option is clap's refusal, exit code 2 too.
    refused(&db, &["dismiss", t], &["--reason"]);
    // A note of exactly 2,000 characters is accepted.
    let max = "y".repeat(2000);
    ok(&db, &["ack", t, "--note", &max]);
    assert_eq!(
        alert_of(&db, t)["acknowledged"]["note"]
            .as_str()
            .map(str::len),
        Some(2000)
    );
}

#[test]
fn acting_on_an_alert_another_machine_closed_names_that_machine_and_changes_nothing() {
    let (_dir, db) = demo();
    let turbine = turbine_with_open_alert(&db);
    // Karim dismisses it from his laptop.
    let d = as_who(
        &db,
        "karim",
        "LAPTOP-07",
        &["dismiss", &turbine, "--reason", "known-issue", "--json"],
    );
    assert_eq!(d.code, 0, "{}", d.stderr);
    let event = d.json();
    assert_eq!(event["author"], "karim");
    assert_eq!(event["machine"], "LAPTOP-07");
    assert_eq!(event["action"]["kind"], "alert_dismissed");
    assert_eq!(event["action"]["reason"], "known_issue");
    // Marie, on the office PC, acknowledges or dismisses the same alert: refused, naming who
    // closed it and where.
    let says = [
        turbine.as_str(),
        "already dismissed",
        "karim on LAPTOP-07",
        "re-open it first",
    ];
    refused(&db, &["ack", &turbine, "--note", "on it"], &says);
    refused(&db, &["dismiss", &turbine, "--reason", "other"], &says);
    let a = alert_of(&db, &turbine);
    assert_eq!(a["status"], "dismissed");
    assert_eq!(a["closure"]["stamp"]["machine"], "LAPTOP-07");
    // The author of an action is COCKPIT_AUTHOR, the machine COCKPIT_MACHINE.
    let r = as_who(&db, "marie", "OFFICE-PC", &["reopen", &turbine, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["author"], "marie");
    assert_eq!(r.json()["machine"], "OFFICE-PC");
    // --author wins over the environment.
    let a = as_who(
        &db,
        "marie",
        "OFFICE-PC",
        &["ack", &turbine, "--author", "lea", "--json"],
    );
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.json()["author"], "lea");
    assert_eq!(alert_of(&db, &turbine)["acknowledged"]["author"], "lea");
}
