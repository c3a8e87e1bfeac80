//! The app binary started where no data folder can be found (a user with no home folder and no
//! `COCKPIT_DB`): it says why, in French and English, and exits with code 1; never a panic.
//!
//! A user with no home folder is made with `setpriv` (an unknown user id and no `HOME`), which
//! needs root: elsewhere the test says so and does not run.

use std::process::Command;

#[cfg(target_os = "linux")]
#[test]
fn no_data_folder_is_said_in_words_not_a_panic() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if !root || !setpriv.is_file() {
        eprintln!("skipped: needs root and /usr/bin/setpriv to run as a user with no home folder");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_energitech-cockpit");
    // An unused user id: no passwd entry, so no home folder either way.
    let out = Command::new(setpriv)
        .args(["--reuid=54321", "--regid=54321", "--clear-groups", bin])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("setpriv runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Aucun dossier de données n'a pu être déterminé")
            && stderr.contains("No data folder could be found")
            && stderr.contains("COCKPIT_DB"),
        "{stderr}"
    );
}
