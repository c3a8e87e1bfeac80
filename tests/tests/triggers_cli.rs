//! Black-box tests of the triggers through the CLI: the schedule setting, the inbox folder of
//! `cockpit watch` (ingest then rescore, processed/ and rejected/ with a reason; by default the
//! inbox beside the database), and a models folder swapped while the cockpit runs.

use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cockpit_tests::{cockpit, cockpit_cmd, count, simulate, workspace_root};

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
        "days_to_failure.onnx",
        "parity.csv",
    ] {
        fs::copy(workspace_root().join("models").join(f), models.join(f)).unwrap();
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
    let mut bytes = fs::read(models.join("days_to_failure.onnx")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    fs::write(models.join("days_to_failure.onnx"), bytes).unwrap();
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
        workspace_root().join("models/days_to_failure.onnx"),
        models.join("days_to_failure.onnx"),
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
