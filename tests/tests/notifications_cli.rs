//! Black-box tests of the notifications through the CLI: the setting (`cockpit
//! notifications`), and `cockpit watch` where no notification service answers (a workstation
//! without a desktop session): the failure is said once, the watcher keeps working.

use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cockpit_tests::{cockpit, cockpit_cmd, simulate};

#[test]
fn notifications_are_on_by_default_and_turned_off_and_on_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let run = cockpit(&db, &["notifications", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["enabled"], true);

    let run = cockpit(&db, &["notifications", "--off"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "Notifications are off");
    assert_eq!(
        cockpit(&db, &["notifications", "--json"]).json()["enabled"],
        false
    );

    let run = cockpit(&db, &["notifications", "--on", "--lang", "fr", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["enabled"], true);
    assert_eq!(run.json()["lang"], "fr");

    // A language the notifications do not speak: a usage error naming it, nothing changed.
    let run = cockpit(&db, &["notifications", "--lang", "de"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("\"de\""), "{}", run.stderr);
    assert_eq!(
        cockpit(&db, &["notifications", "--json"]).json()["lang"],
        "fr"
    );
    let run = cockpit(&db, &["notifications", "--on", "--off"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
}

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

fn said(log: &Path) -> String {
    fs::read_to_string(log).unwrap_or_default()
}

/// An inbox run that raises alerts, on a session with no notification service: the watcher
/// says once that the notification could not be shown, and the run stands.
#[test]
fn a_watch_run_that_cannot_reach_a_notification_service_says_so_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let fleet = dir.path().join("fleet");
    simulate(&db, &fleet, 3, 9, 5);
    // Registry and logbook first; the readings arrive through the inbox.
    let run = cockpit(
        &db,
        &[
            "ingest",
            &fleet.join("turbines.csv").display().to_string(),
            &fleet.join("logbook.csv").display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Any failure probability is critical under this policy: the run raises every turbine.
    let policy = dir.path().join("policy.toml");
    fs::write(
        &policy,
        "[probability]\nmoderate = 0.000000001\nhigh = 0.000000002\ncritical = 0.000000003\n\n\
         [time_to_failure]\nmoderate = 21\nhigh = 14\ncritical = 7\nhorizon = 30\n",
    )
    .unwrap();
    let inbox = dir.path().join("inbox");
    fs::create_dir_all(&inbox).unwrap();
    let log = dir.path().join("watch.log");
    let mut w = Watcher(
        cockpit_cmd(&db)
            .args(["--policy", policy.to_str().unwrap()])
            .args(["watch", "--no-timer", "--settle", "1", "--inbox"])
            .arg(&inbox)
            // No session bus: the desktop's notification service cannot be reached.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", dir.path().join("no-bus").display()),
            )
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("the watcher", Duration::from_secs(30), || {
        said(&log).contains("Watching inbox")
    });
    fs::copy(fleet.join("scada.csv"), inbox.join("scada.csv")).unwrap();
    wait_for(
        "the notification's failure",
        Duration::from_secs(120),
        || said(&log).contains("notification"),
    );
    let text = said(&log);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" notification "))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].contains("ERR"), "{text}");
    assert!(
        lines[0].contains("the run's notification could not be shown"),
        "{text}"
    );
    // The run stands and the watcher is still there.
    let runs = cockpit(&db, &["runs", "--json"]).json();
    let watch_runs: Vec<_> = runs
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["trigger"] == "watch" && r["status"] == "succeeded")
        .collect();
    assert_eq!(watch_runs.len(), 1, "{runs}");
    assert!(watch_runs[0]["counts"]["critical"].as_i64().unwrap() > 0);
    assert!(w.0.try_wait().unwrap().is_none(), "the watcher stopped");
}
