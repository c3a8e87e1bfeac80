//! Tests of the inbox watcher: backlog order, dropped and moved-in files, rejections and their
//! reason files, name clashes, slow writers, vanished files, polling, panicking handlers.

use super::*;
use crate::triggers::test_support::{names_in, wait_until};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::thread;

type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A handler recording (file name, content); files whose content contains "BAD" fail.
fn recording_handler(seen: &Seen) -> impl FnMut(&Path) -> Result<String, String> + Send {
    let seen = Arc::clone(seen);
    move |path: &Path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let content = fs::read_to_string(path).map_err(|e| e.to_string())?;
        seen.lock().unwrap().push((name, content.clone()));
        if content.contains("BAD") {
            Err("column 'wind_speed' is missing".to_string())
        } else {
            Ok(format!("{} bytes", content.len()))
        }
    }
}

fn assert_stamped(filed: &str, original: &str) {
    let b = filed.as_bytes();
    assert!(filed.len() > 17, "{filed}");
    assert!(b[..8].iter().all(u8::is_ascii_digit), "{filed}");
    assert_eq!(b[8], b'T', "{filed}");
    assert!(b[9..15].iter().all(u8::is_ascii_digit), "{filed}");
    assert_eq!(&filed[15..17], "Z-", "{filed}");
    assert_eq!(&filed[17..], original, "{filed}");
}

#[test]
fn inbox_handles_backlog_in_order_and_creates_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
    let base = SystemTime::now() - Duration::from_secs(3600);
    for (name, age) in [("a.csv", 1u64), ("b.CSV", 3), ("c.csv", 2)] {
        let path = inbox.join(name);
        fs::write(&path, format!("{name}\n")).unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(base - Duration::from_secs(age * 60))
            .unwrap();
    }
    assert_eq!(InboxWatcher::backlog(&inbox).unwrap(), 3);
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(200)).unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the backlog", || names_in(&processed).len() == 3);
    watcher.stop();
    let order: Vec<String> = seen.lock().unwrap().iter().map(|s| s.0.clone()).collect();
    assert_eq!(order, ["b.CSV", "c.csv", "a.csv"]);
    assert!(inbox.join(REJECTED_DIR).is_dir());
    assert_eq!(InboxWatcher::backlog(&inbox).unwrap(), 0);
    for name in names_in(&processed) {
        let original = &name[17..];
        assert!(["a.csv", "b.CSV", "c.csv"].contains(&original), "{name}");
        assert_stamped(&name, original);
    }
}

#[test]
fn inbox_handles_dropped_and_moved_in_files() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(200)).unwrap();
    assert!(inbox.join(PROCESSED_DIR).is_dir());
    // Written in place.
    fs::write(inbox.join("scada.csv"), "t,ws\n1,2\n").unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the dropped file", || names_in(&processed).len() == 1);
    // Moved in from elsewhere (a rename into the folder).
    let outside = tmp.path().join("moved.csv");
    fs::write(&outside, "t,ws\n3,4\n").unwrap();
    fs::rename(&outside, inbox.join("moved.csv")).unwrap();
    wait_until("the moved-in file", || names_in(&processed).len() == 2);
    assert!(watcher.take_problems().is_empty());
    watcher.stop();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0],
        ("scada.csv".to_string(), "t,ws\n1,2\n".to_string())
    );
    assert_eq!(
        seen[1],
        ("moved.csv".to_string(), "t,ws\n3,4\n".to_string())
    );
    let names = names_in(&processed);
    assert_stamped(
        &names
            .iter()
            .find(|n| n.ends_with("-scada.csv"))
            .unwrap()
            .clone(),
        "scada.csv",
    );
    assert_eq!(names_in(&inbox), [PROCESSED_DIR, REJECTED_DIR]);
}

#[test]
fn inbox_rejects_handler_errors_and_non_csv_files() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(200)).unwrap();
    fs::write(inbox.join("broken.csv"), "BAD\n").unwrap();
    fs::write(inbox.join("notes.xlsx"), "binary").unwrap();
    // Temporary files of copy tools are left alone.
    fs::write(inbox.join(".partial-copy.csv"), "x").unwrap();
    fs::write(inbox.join("download.csv.crdownload"), "x").unwrap();
    let rejected = inbox.join(REJECTED_DIR);
    wait_until("the rejections", || names_in(&rejected).len() == 4);
    watcher.stop();
    assert_eq!(
        names_in(&rejected),
        [
            "broken.csv",
            "broken.csv.reason.txt",
            "notes.xlsx",
            "notes.xlsx.reason.txt"
        ]
    );
    assert_eq!(
        fs::read_to_string(rejected.join("broken.csv.reason.txt")).unwrap(),
        "column 'wind_speed' is missing\n"
    );
    assert_eq!(
        fs::read_to_string(rejected.join("notes.xlsx.reason.txt")).unwrap(),
        "not a .csv file\n"
    );
    assert_eq!(
        fs::read_to_string(rejected.join("broken.csv")).unwrap(),
        "BAD\n"
    );
    // The handler never saw the non-CSV file.
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(names_in(&inbox.join(PROCESSED_DIR)).is_empty());
    assert!(inbox.join(".partial-copy.csv").exists());
    assert!(inbox.join("download.csv.crdownload").exists());
}

#[test]
fn inbox_rejected_name_clash_gets_a_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    fs::create_dir_all(inbox.join(REJECTED_DIR)).unwrap();
    fs::write(inbox.join(REJECTED_DIR).join("x.csv"), "old").unwrap();
    fs::write(inbox.join("x.csv"), "BAD new").unwrap();
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(100)).unwrap();
    let rejected = inbox.join(REJECTED_DIR);
    wait_until("the rejection", || names_in(&rejected).len() == 3);
    watcher.stop();
    let names = names_in(&rejected);
    let filed = names.iter().find(|n| n.ends_with("-x.csv")).unwrap();
    assert_stamped(filed, "x.csv");
    assert!(names.contains(&format!("{filed}.reason.txt")));
    assert_eq!(fs::read_to_string(rejected.join("x.csv")).unwrap(), "old");
}

#[test]
fn inbox_waits_for_a_file_written_in_two_steps() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_secs(1)).unwrap();
    let first = "time,turbine,wind_speed\n".to_string() + &"2024-01-01,T1,5.0\n".repeat(500);
    let second = "2024-01-02,T1,6.0\n".repeat(500);
    {
        let mut file = fs::File::create(inbox.join("slow.csv")).unwrap();
        file.write_all(first.as_bytes()).unwrap();
        file.flush().unwrap();
        thread::sleep(Duration::from_millis(250));
        file.write_all(second.as_bytes()).unwrap();
    }
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the slow file", || names_in(&processed).len() == 1);
    watcher.stop();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1, first + &second);
}

#[test]
fn inbox_skips_a_file_that_vanishes_and_keeps_going() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(500)).unwrap();
    fs::write(inbox.join("gone.csv"), "x\n").unwrap();
    thread::sleep(Duration::from_millis(50));
    fs::remove_file(inbox.join("gone.csv")).unwrap();
    fs::write(inbox.join("kept.csv"), "y\n").unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the kept file", || names_in(&processed).len() == 1);
    watcher.stop();
    let seen = seen.lock().unwrap();
    assert_eq!(*seen, [("kept.csv".to_string(), "y\n".to_string())]);
}

#[test]
fn inbox_works_with_the_polling_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let watcher = InboxWatcher::start_with(
        &inbox,
        recording_handler(&seen),
        |_: &Path| 0,
        Duration::from_millis(200),
        true,
    )
    .unwrap();
    assert!(watcher.is_polling());
    fs::write(inbox.join("p.csv"), "p\n").unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the polled file", || names_in(&processed).len() == 1);
    watcher.stop();
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn inbox_survives_a_panicking_handler() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let watcher = InboxWatcher::start(
        &inbox,
        |path: &Path| {
            if path.ends_with("boom.csv") {
                panic!("boom");
            }
            Ok(String::new())
        },
        Duration::from_millis(100),
    )
    .unwrap();
    fs::write(inbox.join("boom.csv"), "x").unwrap();
    let rejected = inbox.join(REJECTED_DIR);
    wait_until("the rejection", || names_in(&rejected).len() == 2);
    fs::write(inbox.join("fine.csv"), "x").unwrap();
    wait_until("the next file", || {
        names_in(&inbox.join(PROCESSED_DIR)).len() == 1
    });
    watcher.stop();
    let reason = fs::read_to_string(rejected.join("boom.csv.reason.txt")).unwrap();
    assert!(reason.contains("boom"), "{reason}");
}

#[test]
fn backlog_of_a_missing_inbox_is_zero() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(InboxWatcher::backlog(&tmp.path().join("nope")).unwrap(), 0);
}

/// The safe convention of a writer: write under a temporary name, rename when done. The
/// temporary file is never taken, however long it stays; the renamed one is.
#[test]
fn inbox_ignores_a_file_written_under_a_temporary_name_until_it_is_renamed() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let watcher =
        InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(100)).unwrap();
    for name in [
        "scada.csv.part",
        "scada.csv.filepart",
        ".scada.csv",
        "scada.csv.tmp",
    ] {
        fs::write(inbox.join(name), "half a file\n").unwrap();
    }
    // Dropped after them: once it is handled, the temporary files (older) would have been too.
    fs::write(inbox.join("marker.csv"), "m\n").unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the marker file", || names_in(&processed).len() == 1);
    let names: Vec<String> = seen.lock().unwrap().iter().map(|s| s.0.clone()).collect();
    assert_eq!(names, ["marker.csv"]);
    assert!(inbox.join("scada.csv.part").exists());
    assert!(inbox.join("scada.csv.filepart").exists());
    fs::write(inbox.join("scada.csv.part"), "the whole file\n").unwrap();
    fs::rename(inbox.join("scada.csv.part"), inbox.join("scada.csv")).unwrap();
    wait_until("the renamed file", || names_in(&processed).len() == 2);
    watcher.stop();
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[1],
        ("scada.csv".to_string(), "the whole file\n".to_string())
    );
}

/// A writer that resumes while the file is being handled (it paused longer than the settle
/// time): the file is not moved away with its end unread; it is handled again, whole, once it
/// has settled, and only then filed.
#[test]
fn inbox_does_not_move_a_file_that_grows_while_it_is_handled() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    let seen: Seen = Arc::default();
    let sink = Arc::clone(&seen);
    let first = "time,turbine\n2024-01-01,T1\n";
    let second = "2024-01-02,T1\n";
    let watcher = InboxWatcher::start(
        &inbox,
        move |path: &Path| {
            let content = fs::read_to_string(path).map_err(|e| e.to_string())?;
            let calls = {
                let mut seen = sink.lock().unwrap();
                seen.push(("".into(), content.clone()));
                seen.len()
            };
            if calls == 1 {
                // The writer resumes while the first part is being ingested.
                let mut file = fs::OpenOptions::new().append(true).open(path).unwrap();
                file.write_all(second.as_bytes()).unwrap();
            }
            Ok(format!("{} bytes", content.len()))
        },
        Duration::from_millis(100),
    )
    .unwrap();
    fs::write(inbox.join("slow.csv"), first).unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the slow file filed", || names_in(&processed).len() == 1);
    let problems = watcher.take_problems();
    watcher.stop();
    let contents: Vec<String> = seen.lock().unwrap().iter().map(|s| s.1.clone()).collect();
    assert_eq!(contents, [first.to_string(), format!("{first}{second}")]);
    let filed = processed.join(&names_in(&processed)[0]);
    assert_eq!(
        fs::read_to_string(filed).unwrap(),
        format!("{first}{second}")
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("changed while it was being handled")),
        "{problems:?}"
    );
}

/// Files ready at the same time go by rank first (the cockpit ranks registries before
/// readings), then by arrival.
#[test]
fn inbox_hands_the_lowest_ranked_ready_file_first() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    fs::create_dir(&inbox).unwrap();
    let base = SystemTime::now() - Duration::from_secs(3600);
    for (name, age) in [("scada.csv", 3u64), ("turbines.csv", 1), ("logbook.csv", 2)] {
        let path = inbox.join(name);
        fs::write(&path, format!("{name}\n")).unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(base - Duration::from_secs(age * 60))
            .unwrap();
    }
    let seen: Seen = Arc::default();
    let watcher = InboxWatcher::start_ranked(
        &inbox,
        recording_handler(&seen),
        |path: &Path| u8::from(!path.ends_with("turbines.csv")),
        Duration::from_millis(100),
    )
    .unwrap();
    let processed = inbox.join(PROCESSED_DIR);
    wait_until("the backlog", || names_in(&processed).len() == 3);
    watcher.stop();
    let order: Vec<String> = seen.lock().unwrap().iter().map(|s| s.0.clone()).collect();
    assert_eq!(order, ["turbines.csv", "scada.csv", "logbook.csv"]);
}

#[test]
fn settle_time_is_bounded_and_named_when_wrong() {
    assert_eq!(
        InboxWatcher::settle_time(Some("10")).unwrap(),
        Duration::from_secs(10)
    );
    assert_eq!(
        InboxWatcher::settle_time(Some("1.5")).unwrap(),
        Duration::from_millis(1500)
    );
    for bad in ["0.2", "soon", "-3", "100000", "NaN"] {
        let e = InboxWatcher::settle_time(Some(bad))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("'{bad}'")) && e.contains("1 to 3600"),
            "{e}"
        );
    }
}
