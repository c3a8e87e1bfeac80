//! Tests of the health report: each check going degraded or error and back.

use super::*;
use crate::ingest;
use crate::mapping::Mapping;
use crate::runs::{self, RunRequest, Trigger};
use crate::service;
use crate::sim::{self, SimConfig};
use crate::store::Store;
use crate::telemetry::metrics;
use crate::telemetry::metrics::tests::{failed_run, ok_run};
use crate::triggers::DailySchedule;
use std::time::Instant;
use std::time::{Duration, SystemTime};

const DAY: i64 = 86_400;

fn status_of(report: &HealthReport, name: &str) -> (Status, String) {
    let c = report.checks.iter().find(|c| c.name == name).unwrap();
    (c.status, c.message.clone())
}

struct Park {
    dir: tempfile::TempDir,
    db: PathBuf,
    /// End of the simulated data.
    end: i64,
}

/// 3 turbines × 3 days of simulated data ending at `end` (a UTC midnight).
fn park(end: i64) -> Park {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let files = sim::simulate(
        &SimConfig::new(3, 3, 5, end - 3 * DAY),
        &dir.path().join("sim"),
    )
    .unwrap()
    .files;
    let mut store = Store::open(&db).unwrap();
    let report = ingest::ingest_files(&mut store, &files, &Mapping::canonical());
    assert!(report.failed.is_empty());
    Park { dir, db, end }
}

fn config(p: &Park, now: i64) -> HealthConfig {
    HealthConfig {
        db: p.db.clone(),
        // The models are not what these tests are about: the service's view is given.
        models_dir: p.dir.path().join("models"),
        inbox: p.dir.path().join("inbox"),
        app_version: "9.9.9".into(),
        models_in_service: Some(Ok("test-1".into())),
        now,
        freshness_hours: FRESHNESS_THRESHOLD_HOURS,
        lang: Lang::En,
        read_only: false,
        intact_within_minutes: None,
    }
}

#[test]
fn the_schedule_goes_degraded_when_a_slot_is_missed_and_back_when_served() {
    let end = 1_780_000_000 / DAY * DAY;
    let p = park(end);
    let store = Store::open(&p.db).unwrap();
    let now = end + 3600;
    // A fresh database: nothing was due before its first run.
    ok_run(&store, "cli", now - 60, None, 100);
    let r = run(&config(&p, now));
    assert_eq!(
        status_of(&r, "schedule").0,
        Status::Ok,
        "{:?}",
        status_of(&r, "schedule")
    );
    // Three days later no timer ran: the latest slot was missed.
    let later = now + 3 * DAY;
    let (s, m) = status_of(&run(&config(&p, later)), "schedule");
    assert_eq!(s, Status::Degraded, "{m}");
    assert!(m.contains("has not run"), "{m}");
    let slot = metrics::expected_slots(&DailySchedule::default(), now, later)[0];
    // Served late…
    ok_run(&store, "timer", slot + 2 * 3600, Some(slot), 100);
    let (s, m) = status_of(&run(&config(&p, later)), "schedule");
    assert_eq!(s, Status::Degraded);
    assert!(m.contains("120 min late"), "{m}");
    // …then on time.
    ok_run(&store, "timer", slot + 20, Some(slot), 100);
    let (s, m) = status_of(&run(&config(&p, later)), "schedule");
    assert_eq!(s, Status::Ok, "{m}");
    // Turned off: nothing is expected.
    service::set_schedule(
        &store,
        &DailySchedule {
            enabled: false,
            ..Default::default()
        },
    )
    .unwrap();
    let (s, m) = status_of(&run(&config(&p, later + 5 * DAY)), "schedule");
    assert_eq!(s, Status::Ok, "{m}");
    assert!(m.contains("off"));
}

#[test]
fn a_failed_run_makes_last_run_error_and_errors_24h_degraded_until_a_run_succeeds() {
    let end = 1_780_000_000 / DAY * DAY;
    let p = park(end);
    let mut store = Store::open(&p.db).unwrap();
    let now = end + 3600;
    let r = run(&config(&p, now));
    assert_eq!(status_of(&r, "last_run").0, Status::Degraded, "no run yet");
    failed_run(&store, Trigger::Cli, now - 60, None);
    let r = run(&config(&p, now));
    let (s, m) = status_of(&r, "last_run");
    assert_eq!(s, Status::Error);
    assert!(m.contains("failed: the models are not loaded"), "{m}");
    assert_eq!(status_of(&r, "errors_24h").0, Status::Degraded);
    assert_eq!(r.status, Status::Error);
    // A successful run: last_run back to ok; the failure still counts for 24 h.
    let outcomes = vec![];
    let req = RunRequest {
        trigger: Trigger::Cli,
        at: Some(end),
        scheduled_for: None,
    };
    runs::commit_run(
        &mut store,
        &req,
        now - 30,
        Instant::now(),
        end,
        "test-1",
        &outcomes,
    )
    .unwrap();
    let r = run(&config(&p, now));
    assert_eq!(
        status_of(&r, "last_run").0,
        Status::Ok,
        "{:?}",
        status_of(&r, "last_run")
    );
    assert_eq!(status_of(&r, "errors_24h").0, Status::Degraded);
    let (s, m) = status_of(&run(&config(&p, now + DAY)), "errors_24h");
    assert_eq!(s, Status::Ok, "{m}");
    for i in 0..ERRORS_24H_ERROR {
        failed_run(&store, Trigger::Watch, now - 100 - i, None);
    }
    assert_eq!(
        status_of(&run(&config(&p, now)), "errors_24h").0,
        Status::Error
    );
}

#[test]
fn stale_data_is_degraded_and_fresh_data_is_ok() {
    let end = 1_780_000_000 / DAY * DAY;
    let p = park(end);
    let (s, m) = status_of(&run(&config(&p, p.end + 3600)), "freshness");
    assert_eq!(s, Status::Ok, "{m}");
    let (s, m) = status_of(&run(&config(&p, p.end + 3 * DAY)), "freshness");
    assert_eq!(s, Status::Degraded);
    assert!(
        m.starts_with("3 of 3 turbines have no data for more than 24 h"),
        "{m}"
    );
}

#[test]
fn a_waiting_inbox_file_is_degraded_once_old() {
    let p = park(1_780_000_000 / DAY * DAY);
    let inbox_dir = p.dir.path().join("inbox");
    assert_eq!(inbox::inbox(&inbox_dir, Lang::En).status, Status::Ok);
    std::fs::create_dir_all(&inbox_dir).unwrap();
    let file = inbox_dir.join("scada.csv");
    std::fs::write(&file, "turbine_id\n").unwrap();
    let c = inbox::inbox(&inbox_dir, Lang::En);
    assert_eq!(c.status, Status::Ok, "just arrived: {}", c.message);
    let old = SystemTime::now() - Duration::from_secs(INBOX_BACKLOG_SECS + 60);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let c = inbox::inbox(&inbox_dir, Lang::En);
    assert_eq!(c.status, Status::Degraded, "{}", c.message);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(inbox::inbox(&inbox_dir, Lang::En).status, Status::Ok);
}

#[test]
fn missing_models_are_an_error_and_the_service_view_is_trusted() {
    let p = park(1_780_000_000 / DAY * DAY);
    let mut cfg = config(&p, p.end + 3600);
    cfg.models_in_service = Some(Err("model manifest missing".into()));
    let r = run(&cfg);
    assert_eq!(status_of(&r, "models").0, Status::Error);
    assert_eq!(r.model_version, None);
    cfg.models_in_service = Some(Ok("1.2.3".into()));
    let r = run(&cfg);
    assert_eq!(status_of(&r, "models").0, Status::Ok);
    assert_eq!(r.model_version.as_deref(), Some("1.2.3"));
}

/// Makes a file read-only for this process for real, undone on drop: mode 0444 for a normal
/// user; the immutable attribute (`chattr +i`) for root, whom permission bits do not stop.
pub(crate) struct ReadOnly {
    path: PathBuf,
    immutable: bool,
}

impl ReadOnly {
    pub(crate) fn set(path: &Path) -> ReadOnly {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let writable = std::fs::File::options().write(true).open(path).is_ok();
        let immutable = writable
            && std::process::Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
        let guard = ReadOnly {
            path: path.to_path_buf(),
            immutable,
        };
        assert!(
            std::fs::File::options().write(true).open(path).is_err(),
            "cannot make {} read-only here (root without chattr +i support)",
            path.display()
        );
        guard
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.path)
                .status();
        }
        let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o644));
    }
}

#[test]
fn a_read_only_database_is_an_error_and_writable_again_is_ok() {
    let p = park(1_780_000_000 / DAY * DAY);
    let store = Store::open(&p.db).unwrap();
    store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(store);
    let cfg = config(&p, p.end + 3600);
    assert_eq!(status_of(&run(&cfg), "database").0, Status::Ok);
    {
        let _ro = ReadOnly::set(&p.db);
        let r = run(&cfg);
        let (s, m) = status_of(&r, "database");
        assert_eq!(s, Status::Error, "{m}");
        assert!(
            m.contains("is read-only") && m.contains("readonly database"),
            "{m}"
        );
        // The checks that only read still work.
        assert_eq!(status_of(&r, "freshness").0, Status::Ok);
    }
    let (s, m) = status_of(&run(&cfg), "database");
    assert_eq!(s, Status::Ok, "{m}");
}

#[test]
fn the_read_only_report_writes_nothing_and_still_sees_permissions() {
    let p = park(1_780_000_000 / DAY * DAY);
    let cfg = HealthConfig {
        read_only: true,
        ..config(&p, p.end + 3600)
    };
    let r = run(&cfg);
    assert_eq!(status_of(&r, "database").0, Status::Ok);
    assert_eq!(status_of(&r, "freshness").0, Status::Ok);
    let probe = Store::open(&p.db).unwrap().setting(PROBE_KEY).unwrap();
    assert_eq!(probe, None, "the read-only report wrote its probe");
    {
        let _ro = ReadOnly::set(&p.db);
        let (s, m) = status_of(&run(&cfg), "database");
        assert_eq!(s, Status::Error, "{m}");
        assert!(
            m.contains("is read-only") && m.contains("no write permission"),
            "{m}"
        );
    }
    // The integrity found recently by the caller is not read again.
    let recent = HealthConfig {
        intact_within_minutes: Some(10),
        ..cfg.clone()
    };
    let (s, m) = status_of(&run(&recent), "database");
    assert_eq!(s, Status::Ok, "{m}");
    assert!(m.contains("less than 10 min ago"), "{m}");
    // Written by the full report.
    run(&config(&p, p.end + 3600));
    assert!(Store::open(&p.db)
        .unwrap()
        .setting(PROBE_KEY)
        .unwrap()
        .is_some());
}

#[test]
fn a_missing_or_damaged_database_is_an_error_and_the_dependent_checks_say_why() {
    let p = park(1_780_000_000 / DAY * DAY);
    let mut cfg = config(&p, p.end + 3600);
    cfg.db = p.dir.path().join("nope.db");
    let r = run(&cfg);
    assert_eq!(r.status, Status::Error);
    let (s, m) = status_of(&r, "database");
    assert_eq!(s, Status::Error);
    assert!(m.contains("no database at"), "{m}");
    assert!(!cfg.db.exists(), "the check does not create a database");
    assert!(status_of(&r, "last_run").1.starts_with("not checked"));

    // Damage: overwrite pages in the middle of the file (the header stays valid).
    let store = Store::open(&p.db).unwrap();
    store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(store);
    let len = std::fs::metadata(&p.db).unwrap().len();
    assert!(len > 16 * 4096);
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::File::options().write(true).open(&p.db).unwrap();
    f.seek(SeekFrom::Start(len / 2)).unwrap();
    f.write_all(&vec![0x5a; 8 * 4096]).unwrap();
    drop(f);
    let r = run(&config(&p, p.end + 3600));
    let (s, m) = status_of(&r, "database");
    assert_eq!(s, Status::Error, "{m}");
    assert!(m.contains("damaged") || m.contains("malformed"), "{m}");
}

#[test]
fn sensor_faults_of_the_latest_run_are_counted_by_kind_and_turbine() {
    use crate::quality::{Fault, FaultKind, Watch};
    use crate::runs::{DataQuality, Unwatched};
    let store = crate::store::Store::open_in_memory().unwrap();
    let lang = Lang::En;
    let none = super::sensors::sensor_faults(&store, lang).unwrap();
    assert_eq!(none.status, Status::Ok);
    assert!(
        none.message.starts_with("no scoring run yet"),
        "{}",
        none.message
    );
    let conn = store.conn();
    for (i, id) in ["A", "B", "C"].iter().enumerate() {
        conn.execute(
            "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (?1, ?2, 'S', 'M', 2000, 45, 4, '2020-01-01')",
            rusqlite::params![i as i64 + 1, id],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, turbines, error_count)
         VALUES ('cli', 0, 1, 1, 'succeeded', 0, 3, 0)",
        [],
    )
    .unwrap();
    let fault = |kind, signal: &str| Fault {
        signal: Some(signal.into()),
        kind,
        start: 0,
        end: 600,
    };
    let frozen = DataQuality {
        unwatched: vec![Unwatched {
            indicator: "generator_winding".into(),
            watch: Watch::Faulty(FaultKind::Frozen),
        }],
        faults: vec![
            fault(FaultKind::Frozen, "generator_winding_temp_c"),
            fault(FaultKind::Spike, "vibration_mm_s"),
        ],
        ..DataQuality::default()
    };
    let spiky = DataQuality {
        faults: vec![fault(FaultKind::Spike, "gearbox_oil_temp_c")],
        ..DataQuality::default()
    };
    for (turbine, q) in [(1, Some(&frozen)), (2, Some(&spiky)), (3, None)] {
        conn.execute(
            "INSERT INTO predictions (turbine, run, scored, data_quality) VALUES (?1, 1, 1, ?2)",
            rusqlite::params![turbine, q.map(|q| serde_json::to_string(q).unwrap())],
        )
        .unwrap();
    }
    let c = super::sensors::fault_counts(&store, 1).unwrap();
    assert_eq!(c.by_kind.get(&FaultKind::Frozen), Some(&1));
    assert_eq!(c.by_kind.get(&FaultKind::Spike), Some(&2));
    assert_eq!((c.turbines, c.unwatched, c.of), (2, 1, 3));
    let check = super::sensors::sensor_faults(&store, lang).unwrap();
    assert!(
        check.message.contains("1 frozen sensor(s), 2 spike(s), 0 out of physics, 0 gap(s), on 2 of 3 turbines; 1 turbine(s)"),
        "{}",
        check.message
    );
    let fr = super::sensors::sensor_faults(&store, Lang::Fr).unwrap();
    assert!(
        english_fragments().iter().all(|e| !fr.message.contains(e)),
        "{}",
        fr.message
    );
}
