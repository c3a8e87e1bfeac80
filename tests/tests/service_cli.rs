//! Black-box tests of `cockpit service enable|disable|status` with a stand-in `systemctl` first
//! on the PATH (it records its arguments and answers as a user manager would, or as none does),
//! and of the service files shipped in `deploy/`: the systemd user unit (`systemd-analyze
//! verify`), the launchd agent (a valid property list) and the Windows scheduled task (valid XML).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use cockpit_tests::{cockpit_bin, cockpit_cmd, workspace_root, Run};

/// A `systemctl` stand-in in `dir`: appends its arguments to `calls.log`; `show-environment`
/// fails with `no_bus` when given (no user manager), `enable`/`disable` fail with `refuse` when
/// given; `is-enabled`/`is-active` print the last state set by enable or disable.
fn fake_systemctl(dir: &Path, no_bus: Option<&str>, refuse: Option<&str>) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let state = dir.join("state");
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> '{calls}'
[ "$1" = --user ] || exit 64
shift
case "$1" in
  show-environment) {no_bus} echo PATH=/usr/bin ;;
  enable) {refuse} echo enabled > '{state}' ;;
  disable) {refuse} echo disabled > '{state}' ;;
  is-enabled) s=$(cat '{state}' 2>/dev/null || echo disabled); echo "$s"; [ "$s" = enabled ] ;;
  is-active) if [ "$(cat '{state}' 2>/dev/null)" = enabled ]; then echo active; else echo inactive; exit 3; fi ;;
  *) exit 64 ;;
esac
"#,
        calls = dir.join("calls.log").display(),
        state = state.display(),
        no_bus = no_bus
            .map(|m| format!("echo '{m}' >&2; exit 1;"))
            .unwrap_or_default(),
        refuse = refuse
            .map(|m| format!("echo '{m}' >&2; exit 1;"))
            .unwrap_or_default(),
    );
    let path = bin.join("systemctl");
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn service(db: &Path, bin: &Path, args: &[&str]) -> Run {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cockpit_cmd(db)
        .env("PATH", path)
        .arg("service")
        .args(args)
        .output()
        .expect("the cockpit binary must start")
        .into()
}

fn calls(dir: &Path) -> String {
    fs::read_to_string(dir.join("calls.log")).unwrap_or_default()
}

/// Enable and disable go through `systemctl --user … --now` on the unit, the choice is kept in
/// the database, and status reads the unit's state back (exit 0 only when the service runs
/// and holds the daily timer: here no heartbeat yet, so 1).
#[test]
fn enable_and_disable_drive_the_user_unit_and_keep_the_choice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let bin = fake_systemctl(dir.path(), None, None);

    let on = service(&db, &bin, &["enable"]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    assert!(on.stdout.contains("Background service on"), "{}", on.stdout);
    assert!(calls(dir.path()).contains("--user enable --now energitech-cockpit.service"));
    let status = service(&db, &bin, &["status", "--json"]);
    let j = status.json();
    assert_eq!(
        (&j["enabled"], &j["active"], &j["preference"]),
        (&true.into(), &true.into(), &true.into())
    );
    assert_eq!(j["unavailable"], serde_json::Value::Null);
    // Running, but no heartbeat in this database yet: it does not hold the daily timer.
    assert_eq!(status.code, 1, "{j}");
    assert!(j["owner_line"]
        .as_str()
        .unwrap()
        .starts_with("No process runs the daily timer"));

    let off = service(&db, &bin, &["disable"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert!(calls(dir.path()).contains("--user disable --now energitech-cockpit.service"));
    let text = service(&db, &bin, &["status"]);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.starts_with("The background service is off"),
        "{}",
        text.stdout
    );
    assert_eq!(
        service(&db, &bin, &["status", "--json"]).json()["preference"],
        false
    );
}

/// No systemd user session (a container, plain ssh): one clear `error:` line and exit 3, for
/// enable and status alike; nothing is enabled.
#[test]
fn without_a_user_session_the_service_commands_say_so_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let bin = fake_systemctl(
        dir.path(),
        Some("Failed to connect to bus: No medium found"),
        None,
    );
    let on = service(&db, &bin, &["enable"]);
    assert_eq!(on.code, 3, "{}", on.stderr);
    let lines: Vec<&str> = on.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", on.stderr);
    assert!(
        lines[0].starts_with(
            "error: no systemd user session here (Failed to connect to bus: No medium found)"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("loginctl enable-linger"));
    assert!(!calls(dir.path()).contains("enable --now"));
    let status = service(&db, &bin, &["status", "--json"]);
    assert_eq!(status.code, 3);
    assert_eq!(status.json()["enabled"], false);
    assert!(status.json()["summary"]
        .as_str()
        .unwrap()
        .contains("cannot run here"));
}

/// A unit that is not installed: the message says to reinstall the package (exit 2).
#[test]
fn a_missing_unit_asks_for_the_package_to_be_reinstalled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let bin = fake_systemctl(
        dir.path(),
        None,
        Some("Failed to enable unit: Unit file energitech-cockpit.service does not exist."),
    );
    let on = service(&db, &bin, &["enable"]);
    assert_eq!(on.code, 2);
    assert!(on.stderr.contains("is not installed (expected in /usr/lib/systemd/user/); reinstall the energitech-cockpit package"), "{}", on.stderr);
}

/// `systemd-analyze verify` accepts the shipped unit (with its ExecStart pointed at the built
/// `cockpit`, since /usr/bin/cockpit is not installed here), and the unit runs `cockpit watch
/// --serve` on the default data folder.
#[test]
fn the_systemd_user_unit_verifies() {
    let unit = workspace_root().join("deploy/systemd/energitech-cockpit.service");
    let text = fs::read_to_string(&unit).unwrap();
    assert!(text.contains("\nExecStart=/usr/bin/cockpit watch --serve\n"));
    assert!(text.contains("\nWantedBy=default.target\n"));
    assert!(
        !text.contains("--db"),
        "the unit serves the user's default data folder"
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("energitech-cockpit.service");
    fs::write(
        &copy,
        text.replace("/usr/bin/cockpit", cockpit_bin().to_str().unwrap()),
    )
    .unwrap();
    let runtime = dir.path().join("run");
    fs::create_dir(&runtime).unwrap();
    fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700)).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["--user", "verify"])
        .arg(&copy)
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("systemd-analyze (package systemd) must be installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
}

/// The macOS launchd agent is a valid property list (Python's plistlib, as `plutil -lint`) that
/// runs the app bundle's `cockpit watch --serve` at login and again when it fails; the Windows
/// scheduled task is well-formed XML with the same command, at logon.
#[test]
fn the_launchd_agent_and_the_windows_task_are_valid() {
    let root = workspace_root();
    let check = r#"
import plistlib, sys, xml.etree.ElementTree as ET
p = plistlib.load(open(sys.argv[1], "rb"))
assert p["Label"] == "com.energitech.cockpit", p
assert p["ProgramArguments"] == ["/Applications/EnergiTech Cockpit.app/Contents/MacOS/cockpit", "watch", "--serve"], p
assert p["RunAtLoad"] is True and p["KeepAlive"] == {"SuccessfulExit": False}, p
ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
t = ET.parse(sys.argv[2]).getroot()
assert t.find("t:Triggers/t:LogonTrigger", ns) is not None
exe = t.find("t:Actions/t:Exec", ns)
assert exe.find("t:Command", ns).text.endswith("\\cockpit.exe"), exe.find("t:Command", ns).text
assert exe.find("t:Arguments", ns).text == "watch --serve"
assert t.find("t:Settings/t:RestartOnFailure/t:Count", ns).text == "5"
print("ok")
"#;
    let out = Command::new("python3")
        .args(["-c", check])
        .arg(root.join("deploy/launchd/com.energitech.cockpit.plist"))
        .arg(root.join("deploy/windows/energitech-cockpit-task.xml"))
        .output()
        .expect("python3 must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
