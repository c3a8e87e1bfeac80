//! Black-box tests of the triggers through the CLI: the schedule setting, the inbox folder of
//! `cockpit watch` (ingest then rescore, processed/ and rejected/ with a reason; by default the
//! inbox beside the database), and a models folder swapped while the cockpit runs.

use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cockpit_tests::{cockpit, cockpit_cmd, count, simulate, test_models, workspace_root};

/// Kills the watcher when the test ends, pass or fail.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("timed out waiting for {what}");
}

fn files_in(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn schedule_is_persisted_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let j = cockpit(&db, &["schedule", "--json"]).json();
    assert_eq!(j["schedule"]["enabled"], true);
    assert_eq!(
        (
            j["schedule"]["hour"].as_i64(),
            j["schedule"]["minute"].as_i64()
        ),
        (Some(6), Some(0))
    );
    assert_eq!(
        cockpit(&db, &["schedule", "--at", "05:45", "--off"]).code,
        0
    );
    let j = cockpit(&db, &["schedule", "--json"]).json();
    assert_eq!(j["schedule"]["enabled"], false);
    assert_eq!(j["schedule"]["minute"], 45);
    assert!(j["next_run"].is_null(), "no next run while off");
    let run = cockpit(&db, &["schedule", "--at", "25:00"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("25:00"), "{}", run.stderr);
}

/// `cockpit --db X watch` watches the inbox beside X (as the app does): files dropped there are
/// ingested, the fleet is rescored, and each file is filed under processed/ or rejected/.
#[test]
fn inbox_files_beside_the_database_are_ingested_rescored_and_filed() {
    let dir = tempfile::tempdir().unwrap();
    let park = dir.path().join("park");
    let db = park.join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 3, 10, 4);
    assert_eq!(
        cockpit(&db, &["ingest", sim.join("turbines.csv").to_str().unwrap()]).code,
        0
    );
    let log = dir.path().join("watch.log");
    let _w = Watcher(
        cockpit_cmd(&db)
            .args(["watch", "--no-timer"])
            // Were the default data folder watched instead, it would be this one, not ours.
            .env("XDG_DATA_HOME", dir.path().join("xdg"))
            .stdout(fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let inbox = park.join("inbox");
    wait_for(
        "the inbox beside the database",
        Duration::from_secs(30),
        || inbox.join("processed").is_dir(),
    );
    let said = fs::read_to_string(&log).unwrap();
    assert!(
        said.contains(&format!("Watching inbox {}", inbox.display())),
        "{said}"
    );
    // Copy under a temporary name, then rename: the way a careful export lands.
    fs::copy(sim.join("scada.csv"), inbox.join("scada.csv.part")).unwrap();
    fs::rename(inbox.join("scada.csv.part"), inbox.join("scada.csv")).unwrap();
    fs::write(inbox.join("notes.csv"), "hello\n").unwrap();
    wait_for(
        "the SCADA file to be processed",
        Duration::from_secs(60),
        || {
            files_in(&inbox.join("processed"))
                .iter()
                .any(|f| f.ends_with("scada.csv"))
        },
    );
    wait_for(
        "the bad file to be rejected",
        Duration::from_secs(30),
        || {
            files_in(&inbox.join("rejected"))
                .iter()
                .any(|f| f == "notes.csv.reason.txt")
        },
    );
    let reason = fs::read_to_string(inbox.join("rejected/notes.csv.reason.txt")).unwrap();
    assert!(reason.contains("does not look like a SCADA"), "{reason}");
    assert!(count(&db, "readings") > 3 * 10 * 140);
    wait_for("a rescoring run", Duration::from_secs(30), || {
        let j = cockpit(&db, &["runs", "--json"]).json();
        j.as_array().is_some_and(|a| {
            a.iter()
                .any(|r| r["trigger"] == "watch" && r["status"] == "succeeded")
        })
    });
    assert!(
        !dir.path().join("xdg").exists(),
        "the default data folder is left alone"
    );
}

#[test]
fn an_invalid_model_set_is_refused_and_the_current_models_keep_serving() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 3, 10, 6);
    let models = dir.path().join("models");
    fs::create_dir_all(&models).unwrap();
    for f in [
        "manifest.json",
        "failure_7d.onnx",
        "time_to_failure.onnx",
        "parity.csv",
    ] {
        fs::copy(test_models().join(f), models.join(f)).unwrap();
    }
    let inbox = dir.path().join("inbox");
    let log = dir.path().join("watch.log");
    let _w = Watcher(
        cockpit_cmd(&db)
            .args([
                "--models",
                models.to_str().unwrap(),
                "watch",
                "--no-timer",
                "--inbox",
                inbox.to_str().unwrap(),
            ])
            .stdout(fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("the models to load", Duration::from_secs(30), || {
        fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("loaded from")
    });
    // A corrupted model lands in the folder: refused, with the reason.
    let mut bytes = fs::read(models.join("time_to_failure.onnx")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    fs::write(models.join("time_to_failure.onnx"), bytes).unwrap();
    wait_for("the refusal", Duration::from_secs(30), || {
        fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("keep serving")
    });
    assert!(fs::read_to_string(&log)
        .unwrap()
        .contains("checksum mismatch"));
    // A model swapped for another one of the same interface, its checksum re-written in the
    // manifest: the reference rows (parity.csv) no longer match, refused too.
    fs::copy(
        test_models().join("time_to_failure.onnx"),
        models.join("time_to_failure.onnx"),
    )
    .unwrap();
    let other = fs::read(
        workspace_root()
            .join("crates/cockpit-core/tests/fixtures/passthrough_models/failure_7d.onnx"),
    )
    .unwrap();
    fs::write(models.join("failure_7d.onnx"), &other).unwrap();
    let manifest = fs::read_to_string(models.join("manifest.json")).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    manifest["models"]["failure_7d"]["sha256"] = sha256_hex(&other).into();
    fs::write(models.join("manifest.json"), manifest.to_string()).unwrap();
    wait_for("the second refusal", Duration::from_secs(30), || {
        fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("do not reproduce their reference outputs")
    });
    assert_eq!(
        fs::read_to_string(&log)
            .unwrap()
            .matches("keep serving")
            .count(),
        2,
        "the models in service keep serving"
    );
    // Scoring still works with the models in service.
    for f in ["turbines.csv", "scada.csv"] {
        fs::copy(sim.join(f), inbox.join(f)).unwrap();
        wait_for("the file to be processed", Duration::from_secs(60), || {
            files_in(&inbox.join("processed"))
                .iter()
                .any(|p| p.ends_with(f))
        });
    }
    wait_for("a rescoring run", Duration::from_secs(60), || {
        let j = cockpit(&db, &["runs", "--json"]).json();
        j.as_array().is_some_and(|a| {
            a.iter()
                .any(|r| r["trigger"] == "watch" && r["status"] == "succeeded")
        })
    });
}

/// The SHA-256 of `bytes` in hex, by the system's `sha256sum`.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Starts `cockpit watch` with its output in `log`.
fn start_watch(db: &Path, log: &Path, args: &[&str]) -> Watcher {
    Watcher(
        cockpit_cmd(db)
            .arg("watch")
            .args(args)
            .stdout(fs::File::create(log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// The arguments of a watcher on `inbox` alone (no daily timer), taking files after 1 s.
fn inbox_args(inbox: &Path) -> [&str; 5] {
    [
        "--no-timer",
        "--settle",
        "1",
        "--inbox",
        inbox.to_str().expect("a UTF-8 temporary path"),
    ]
}

/// Starts `cockpit watch` on `inbox` alone (see [`inbox_args`]) and waits until it watches.
fn watch_inbox(db: &Path, log: &Path, inbox: &Path) -> Watcher {
    let w = start_watch(db, log, &inbox_args(inbox));
    wait_for("the watcher", Duration::from_secs(30), || {
        said(log).contains("Watching inbox")
    });
    w
}

fn said(log: &Path) -> String {
    fs::read_to_string(log).unwrap_or_default()
}

/// Holds the run lock of `db` (as a scoring run of another process does) until dropped.
fn hold_run_lock(db: &Path) -> fs::File {
    let mut lock_path = db.as_os_str().to_owned();
    lock_path.push(".scoring.lock");
    let lock = fs::File::create(&lock_path).unwrap();
    lock.try_lock().unwrap();
    lock
}

fn data_rows(file: &Path) -> i64 {
    fs::read_to_string(file).unwrap().lines().count() as i64 - 1
}

/// A SCADA export that lands before its registry is 100 % unknown turbines at first; once the
/// registry lands, its rows are read again and every one is stored.
#[test]
fn a_scada_file_dropped_before_its_registry_ends_with_every_row_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 2, 2, 8);
    let inbox = dir.path().join("inbox");
    let log = dir.path().join("watch.log");
    let _w = watch_inbox(&db, &log, &inbox);
    let rows = data_rows(&sim.join("scada.csv"));
    for f in ["scada.csv", "turbines.csv"] {
        fs::copy(sim.join(f), inbox.join(f)).unwrap();
        wait_for(f, Duration::from_secs(60), || {
            files_in(&inbox.join("processed"))
                .iter()
                .any(|p| p.ends_with(f))
        });
        if f == "scada.csv" {
            assert_eq!(count(&db, "readings"), 0, "no turbine is known yet");
        }
    }
    assert_eq!(count(&db, "readings"), rows);
    assert_eq!(count(&db, "quarantine"), 0);
    assert!(
        said(&log).contains(&format!("now accepted {rows}")),
        "{}",
        said(&log)
    );
}

/// A registry and a SCADA file waiting in the inbox together: the registry is ingested first,
/// whatever their order of arrival, so no reading is quarantined for an unknown turbine.
#[test]
fn a_registry_waiting_with_readings_is_ingested_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 2, 2, 9);
    let inbox = dir.path().join("inbox");
    fs::create_dir_all(&inbox).unwrap();
    // Backlog: the SCADA file is the older one.
    let old = std::time::SystemTime::now() - Duration::from_secs(600);
    for (f, age) in [("scada.csv", 120u64), ("turbines.csv", 60)] {
        fs::copy(sim.join(f), inbox.join(f)).unwrap();
        fs::File::options()
            .write(true)
            .open(inbox.join(f))
            .unwrap()
            .set_modified(old - Duration::from_secs(age))
            .unwrap();
    }
    let log = dir.path().join("watch.log");
    let _w = start_watch(&db, &log, &inbox_args(&inbox));
    wait_for("both files", Duration::from_secs(60), || {
        files_in(&inbox.join("processed")).len() == 2
    });
    let conn = rusqlite::Connection::open(&db).unwrap();
    let kinds: Vec<(String, i64)> = conn
        .prepare("SELECT kind, quarantined FROM ingestions ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        kinds,
        [("registry".to_string(), 0), ("scada".to_string(), 0)]
    );
}

/// The app and `cockpit watch` (here two watchers) on one database: one owns the daily timer
/// and the inbox, the other stands by and names it; the slot due at start is run once, a file
/// dropped in the inbox of the one standing by waits there, and `cockpit service status` reports
/// the owner and its heartbeat.
#[test]
fn two_timers_on_one_database_have_one_owner_and_run_a_daily_slot_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 2, 3, 10);
    for f in ["turbines.csv", "scada.csv"] {
        assert_eq!(
            cockpit(&db, &["ingest", sim.join(f).to_str().unwrap()]).code,
            0
        );
    }
    let (log_a, log_b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let inbox_a = dir.path().join("inbox-a");
    let inbox_b = dir.path().join("inbox-b");
    // Started together: both look for the timer at the same moment.
    let a = start_watch(
        &db,
        &log_a,
        &["--settle", "1", "--inbox", inbox_a.to_str().unwrap()],
    );
    let b = start_watch(
        &db,
        &log_b,
        &["--settle", "1", "--inbox", inbox_b.to_str().unwrap()],
    );
    wait_for("both watchers to decide", Duration::from_secs(60), || {
        [&log_a, &log_b]
            .iter()
            .all(|l| said(l).contains("Watching inbox"))
    });
    let owns = |log: &Path| said(log).contains("runs the daily timer and the inbox");
    let stands_by = |log: &Path| said(log).contains("this cockpit stands by");
    assert!(
        owns(&log_a) != owns(&log_b) && stands_by(&log_a) != stands_by(&log_b),
        "exactly one owner:\n{}\n{}",
        said(&log_a),
        said(&log_b)
    );
    let (mut a, mut b) = (a, b);
    let (owner, owner_log, idle_log, idle_inbox, owner_child) = if owns(&log_a) {
        (a.0.id(), &log_a, &log_b, &inbox_b, &mut a)
    } else {
        (b.0.id(), &log_b, &log_a, &inbox_a, &mut b)
    };
    assert!(
        said(idle_log).contains(&format!("handled by the background service (pid {owner} ")),
        "{}",
        said(idle_log)
    );
    let timer_runs = || {
        let j = cockpit(&db, &["runs", "--json"]).json();
        j.as_array()
            .map(|a| a.iter().filter(|r| r["trigger"] == "timer").count())
            .unwrap_or(0)
    };
    wait_for("the daily run", Duration::from_secs(90), || {
        timer_runs() >= 1
    });
    // The one standing by watches no inbox: a file dropped there stays.
    fs::create_dir_all(idle_inbox).unwrap();
    fs::copy(sim.join("turbines.csv"), idle_inbox.join("turbines.csv")).unwrap();
    // Time for a second run to show, were the slot run twice, and for the file to be taken.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(timer_runs(), 1, "{}\n{}", said(&log_a), said(&log_b));
    assert!(idle_inbox.join("turbines.csv").exists());
    assert!(!said(owner_log).contains("is made by another cockpit"));

    let status = cockpit(&db, &["service", "status", "--json"]);
    let j = status.json();
    assert_eq!(j["owner"]["pid"], owner, "{j}");
    assert_eq!(j["owner"]["kind"], "service");
    assert_eq!(j["owner_live"], true);
    assert_eq!(j["service_owns_timer"], true);
    assert!(
        j["owner_line"]
            .as_str()
            .unwrap()
            .starts_with("Daily run handled by the background service, last heartbeat "),
        "{j}"
    );

    // The owner dies (killed, no goodbye): a watcher started on this machine takes the timer at
    // once, its predecessor's process being gone, rather than after three silent minutes.
    owner_child.0.kill().unwrap();
    owner_child.0.wait().unwrap();
    let log_c = dir.path().join("c.log");
    let inbox_c = dir.path().join("inbox-c");
    let c = start_watch(&db, &log_c, &["--inbox", inbox_c.to_str().unwrap()]);
    wait_for(
        "the new watcher to take the timer",
        Duration::from_secs(60),
        || owns(&log_c),
    );
    assert_eq!(
        cockpit(&db, &["service", "status", "--json"]).json()["owner"]["pid"],
        c.0.id()
    );
    assert_eq!(timer_runs(), 1, "the slot already run is not run again");
}

/// A rescore that meets the run lock of another process is not dropped: it waits, says so, and
/// runs once the lock is free.
#[test]
fn an_inbox_rescore_blocked_by_another_run_runs_once_the_lock_is_free() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 2, 3, 12);
    assert_eq!(
        cockpit(&db, &["ingest", sim.join("turbines.csv").to_str().unwrap()]).code,
        0
    );
    let inbox = dir.path().join("inbox");
    let log = dir.path().join("watch.log");
    let _w = watch_inbox(&db, &log, &inbox);
    // Another process scoring this database: its run lock is held.
    let lock = hold_run_lock(&db);
    fs::copy(sim.join("scada.csv"), inbox.join("scada.csv")).unwrap();
    wait_for("the rescore to wait", Duration::from_secs(60), || {
        said(&log).contains("holds the run lock")
    });
    let watch_runs = || {
        let j = cockpit(&db, &["runs", "--json"]).json();
        j.as_array()
            .map(|a| {
                a.iter()
                    .filter(|r| r["trigger"] == "watch" && r["status"] == "succeeded")
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(watch_runs(), 0);
    drop(lock);
    wait_for("the rescore", Duration::from_secs(60), || watch_runs() == 1);
}
