//! Helpers shared by the triggers' tests: waiting for a worker, listing a folder.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// Polls `cond` every 20 ms for up to 10 s.
pub(super) fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

/// The names in `dir`, sorted (empty when it cannot be listed).
pub(super) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
