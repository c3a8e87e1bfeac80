//! The fault test: the real `cockpit` process killed with SIGKILL at random points during ingest,
//! scoring, hot-swap and migration, 20 times each. After every kill `PRAGMA integrity_check` is
//! ok, every successful run is whole (as many predictions as turbines: no partial run is visible),
//! and a re-run completes. The kill times come from a seeded generator: the seed is printed, and
//! `COCKPIT_FAULT_SEED=<seed>` replays the same kills (`--nocapture` shows where they landed).
//!
//! Each kill time is drawn over the measured length of an uninterrupted run, so the kills spread
//! over the work on a slow machine as on a fast one.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cockpit_tests::{
    assert_no_panic, cockpit, cockpit_cmd, count, integrity_check, simulate, test_models,
};

/// Kills per operation.
const KILLS: usize = 20;

/// The seed of this test run: `COCKPIT_FAULT_SEED`, else a fixed one; printed.
fn seed(salt: u64) -> Rng {
    let seed = std::env::var("COCKPIT_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(14);
    println!("fault seed {seed} (replay with COCKPIT_FAULT_SEED={seed})");
    Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt | 1)
}

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A duration drawn uniformly in [lo, hi).
    fn between(&mut self, lo: Duration, hi: Duration) -> Duration {
        let span = hi.saturating_sub(lo).as_micros().max(1) as u64;
        lo + Duration::from_micros(self.next() % span)
    }
}

/// Starts `cmd` and SIGKILLs it after `delay`. Returns whether the kill landed while it was
/// still running (false: it had finished, and must have succeeded).
fn kill_after(mut cmd: Command, delay: Duration) -> bool {
    let mut child: Child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cockpit binary starts");
    std::thread::sleep(delay);
    match child.try_wait().expect("wait") {
        Some(status) => {
            let mut err = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            assert!(
                status.success(),
                "finished before the kill, but failed: {err}"
            );
            false
        }
        None => {
            child.kill().expect("SIGKILL");
            let status = child.wait().expect("wait");
            // The process may have ended on its own between the check above and the kill.
            match status.code() {
                None => true,
                Some(code) => {
                    assert_eq!(code, 0, "ended on its own just before the kill, but failed");
                    false
                }
            }
        }
    }
}

/// Length of an uninterrupted `cmd`, which must succeed.
fn timed(mut cmd: Command) -> Duration {
    let t = Instant::now();
    let out = cmd.output().expect("the cockpit binary starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed()
}

/// The checks after every kill: the database is sound and every successful run is whole.
fn assert_sound(db: &Path, what: &str) {
    assert_eq!(integrity_check(db), "ok", "{what}");
    let conn = rusqlite::Connection::open(db).unwrap();
    let partial: Vec<(i64, i64, i64)> = conn
        .prepare(
            "SELECT r.id, r.turbines, (SELECT count(*) FROM predictions p WHERE p.run = r.id)
             FROM runs r WHERE r.status = 'succeeded'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
        .into_iter()
        .filter(|(_, turbines, predictions)| turbines != predictions)
        .collect();
    assert!(
        partial.is_empty(),
        "{what}: runs (id, turbines, predictions) not whole: {partial:?}"
    );
}

/// The latest successful run as the user sees it: `cockpit fleet --json` lists every turbine.
fn assert_fleet_whole(db: &Path, turbines: usize, what: &str) {
    let run = cockpit(db, &["fleet", "--json"]);
    assert_no_panic(&run, what);
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
    let items = run
        .json()
        .as_array()
        .map(Vec::len)
        .unwrap_or_else(|| panic!("{what}: no items in {}", run.stdout));
    assert_eq!(items, turbines, "{what}");
}

fn args_cmd(db: &Path, args: &[&str]) -> Command {
    let mut cmd = cockpit_cmd(db);
    cmd.args(args);
    cmd
}

/// A simulated fleet with its registry and logbook ingested into `template.db`; its SCADA file
/// not yet.
struct Fleet {
    dir: tempfile::TempDir,
    template: PathBuf,
    scada: PathBuf,
}

impl Fleet {
    fn new(turbines: u32, days: u32) -> Fleet {
        let dir = tempfile::tempdir().unwrap();
        let template = dir.path().join("template.db");
        let sim = dir.path().join("sim");
        simulate(&template, &sim, turbines, days, 7);
        let reg = sim.join("turbines.csv").display().to_string();
        let log = sim.join("logbook.csv").display().to_string();
        let run = cockpit(&template, &["ingest", &reg, &log]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        Fleet {
            scada: sim.join("scada.csv"),
            dir,
            template,
        }
    }

    /// A copy of the template database (closed, so its WAL is checkpointed).
    fn copy(&self, name: &str) -> PathBuf {
        let db = self.dir.path().join(name);
        fs::copy(&self.template, &db).unwrap();
        db
    }

    fn scada(&self) -> String {
        self.scada.display().to_string()
    }
}

/// Readings the journal says were accepted, and readings stored.
fn journal_vs_stored(db: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let journal: i64 = conn
        .query_row(
            "SELECT ifnull(sum(accepted), 0) FROM ingestions WHERE kind = 'scada'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (journal, count(db, "readings"))
}

#[test]
fn ingest_killed_at_random_points_leaves_a_sound_database_and_completes_on_rerun() {
    let mut rng = seed(1);
    let fleet = Fleet::new(80, 10);
    let reference = fleet.copy("reference.db");
    let length = timed(args_cmd(&reference, &["ingest", &fleet.scada()]));
    let all = count(&reference, "readings");
    println!("uninterrupted ingest: {all} rows in {length:?}");
    let mut landed = 0;
    for i in 0..KILLS {
        let db = fleet.copy(&format!("ingest{i}.db"));
        let delay = rng.between(Duration::ZERO, length.mul_f64(1.1));
        let killed = kill_after(args_cmd(&db, &["ingest", &fleet.scada()]), delay);
        landed += usize::from(killed);
        let what = format!("ingest kill {i} at {delay:?}");
        assert_sound(&db, &what);
        let stored = count(&db, "readings");
        println!("{what}: killed {killed}, {stored} of {all} rows stored");
        assert!(stored <= all, "{what}");
        let run = cockpit(&db, &["ingest", &fleet.scada()]);
        assert_no_panic(&run, &what);
        assert_eq!(run.code, 0, "{what}: re-run: {}", run.stderr);
        assert_eq!(
            count(&db, "readings"),
            all,
            "{what}: re-run stores the rest"
        );
        assert_sound(&db, &what);
        fs::remove_file(&db).unwrap();
    }
    println!("ingest: {landed} of {KILLS} kills landed while it ran");
    assert!(
        landed >= KILLS / 4,
        "too few kills landed inside the ingest"
    );
}

/// Issue 14 item 13: after a kill, the journal's accepted counts equal the readings stored (the
/// journal row commits with the rows it counts).
#[test]
fn ingest_kill_leaves_journal_counts_equal_to_stored_rows() {
    let mut rng = seed(2);
    let fleet = Fleet::new(80, 10);
    let reference = fleet.copy("reference.db");
    let length = timed(args_cmd(&reference, &["ingest", &fleet.scada()]));
    let mut disagree = Vec::new();
    for i in 0..KILLS {
        let db = fleet.copy(&format!("journal{i}.db"));
        let delay = rng.between(Duration::ZERO, length);
        kill_after(args_cmd(&db, &["ingest", &fleet.scada()]), delay);
        assert_eq!(integrity_check(&db), "ok");
        let (journal, stored) = journal_vs_stored(&db);
        if journal != stored {
            disagree.push(format!(
                "kill {i} at {delay:?}: journal {journal}, stored {stored}"
            ));
        }
        fs::remove_file(&db).unwrap();
    }
    assert!(
        disagree.is_empty(),
        "the ingestion journal disagrees with the rows stored:\n{}",
        disagree.join("\n")
    );
}

#[test]
fn scoring_killed_at_random_points_keeps_the_previous_run_whole() {
    let mut rng = seed(3);
    let turbines = 80;
    let fleet = Fleet::new(turbines, 10);
    let db = fleet.copy("score.db");
    let run = cockpit(&db, &["ingest", &fleet.scada()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let length = timed(args_cmd(&db, &["score"]));
    println!("uninterrupted score: {length:?}");
    let mut landed = 0;
    for i in 0..KILLS {
        let runs_before = count(&db, "runs");
        let delay = rng.between(Duration::ZERO, length.mul_f64(1.1));
        let killed = kill_after(args_cmd(&db, &["score"]), delay);
        landed += usize::from(killed);
        let what = format!("score kill {i} at {delay:?}");
        println!("{what}: killed {killed}");
        assert_sound(&db, &what);
        assert!(count(&db, "runs") <= runs_before + 1, "{what}");
        assert_fleet_whole(&db, turbines as usize, &what);
        // The lock of the killed run is not left behind: a re-run completes.
        let run = cockpit(&db, &["score", "--json"]);
        assert_no_panic(&run, &what);
        assert_eq!(run.code, 0, "{what}: re-run: {}", run.stderr);
        assert_eq!(run.json()["turbines"], turbines, "{what}");
        assert_sound(&db, &what);
    }
    println!("score: {landed} of {KILLS} kills landed while it ran");
    assert!(landed >= KILLS / 4, "too few kills landed inside the run");
}

/// The test model set's files ([`test_models`]), copied into `dir`.
fn copy_models(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    for entry in fs::read_dir(test_models()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// Writes the models folder's manifest with another `model_version`, as a deployer replacing the
/// set would (temporary file, then rename).
fn publish_models(dir: &Path, version: &str) {
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    manifest["model_version"] = version.into();
    let tmp = dir.join("manifest.json.tmp");
    fs::write(&tmp, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    fs::rename(&tmp, &path).unwrap();
}

/// One hot-swap kill: `cockpit watch` running, a new model set published and a SCADA file
/// dropped in the inbox (so an ingestion and a rescore run beside the swap), then SIGKILL.
/// Returns the events `watch` printed before it was killed.
fn hot_swap_kill(
    db: &Path,
    models: &Path,
    inbox: &Path,
    day: &Path,
    version: &str,
    delay: Duration,
) -> String {
    let mut child = cockpit_cmd(db)
        .arg("--models")
        .arg(models)
        .args(["watch", "--no-timer", "--inbox"])
        .arg(inbox)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cockpit watch starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("Watching") {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cockpit watch ended before watching: {seen}");
        }
        seen.push_str(&line);
    }
    publish_models(models, version);
    fs::copy(day, inbox.join(day.file_name().unwrap())).unwrap();
    std::thread::sleep(delay);
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    seen + &rest
}

#[test]
fn hot_swap_killed_at_random_points_keeps_the_database_and_the_new_models_usable() {
    let mut rng = seed(4);
    let turbines = 6;
    let fleet = Fleet::new(turbines, 9);
    // The first 8 days are stored and scored; the 9th arrives through the inbox.
    let text = fs::read_to_string(&fleet.scada).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    let split = rows
        .iter()
        .position(|r| r.starts_with("2026-03-09"))
        .unwrap();
    let first = fleet.dir.path().join("first.csv");
    fs::write(&first, format!("{header}\n{}\n", rows[..split].join("\n"))).unwrap();
    let day = fleet.dir.path().join("day9.csv");
    fs::write(&day, format!("{header}\n{}\n", rows[split..].join("\n"))).unwrap();
    let run = cockpit(&fleet.template, &["ingest", first.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = cockpit(&fleet.template, &["score"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Four watchers at a time: most of each kill's time is the models folder's 2 s debounce.
    let plans: Vec<(usize, Duration)> = (0..KILLS)
        .map(|i| {
            (
                i,
                rng.between(Duration::from_millis(1000), Duration::from_millis(3200)),
            )
        })
        .collect();
    let mut swapped = 0;
    for chunk in plans.chunks(4) {
        let results: Vec<(usize, Duration, String)> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|&(i, delay)| {
                    let fleet = &fleet;
                    let day = &day;
                    s.spawn(move || {
                        let db = fleet.copy(&format!("swap{i}.db"));
                        let models = fleet.dir.path().join(format!("models{i}"));
                        let inbox = fleet.dir.path().join(format!("inbox{i}"));
                        copy_models(&models);
                        let version = format!("1.1.0-swap{i}");
                        let printed = hot_swap_kill(&db, &models, &inbox, day, &version, delay);
                        (i, delay, printed)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (i, delay, printed) in results {
            let what = format!("hot-swap kill {i} at {delay:?}");
            let db = fleet.dir.path().join(format!("swap{i}.db"));
            let models = fleet.dir.path().join(format!("models{i}"));
            let version = format!("1.1.0-swap{i}");
            let was_swapped = printed.contains(&format!("new models {version} swapped in"));
            swapped += usize::from(was_swapped);
            println!(
                "{what}: swapped {was_swapped}, events: {:?}",
                printed.lines().skip(2).collect::<Vec<_>>()
            );
            assert_sound(&db, &what);
            assert_fleet_whole(&db, turbines as usize, &what);
            // The new set is whole on disk and scores.
            let run = cockpit_cmd(&db)
                .arg("--models")
                .arg(&models)
                .args(["score", "--json"])
                .output()
                .expect("cockpit starts");
            let run: cockpit_tests::Run = run.into();
            assert_no_panic(&run, &what);
            assert_eq!(run.code, 0, "{what}: re-run: {}", run.stderr);
            assert_eq!(run.json()["model_version"], version.as_str(), "{what}");
            assert_sound(&db, &what);
            fs::remove_file(&db).unwrap();
        }
    }
    println!("hot-swap: {swapped} of {KILLS} kills landed after the swap");
}

/// The schema of a version-3 database (migrations 1 to 3 of `store.rs`, before predictions had
/// `data_quality`), written here so the test keeps an old database whatever migrations come next.
const SCHEMA_V3: &str = "
CREATE TABLE turbines (id INTEGER PRIMARY KEY, turbine_id TEXT NOT NULL UNIQUE, site TEXT NOT NULL,
  model TEXT NOT NULL, rated_power_kw REAL NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL,
  commissioning_date TEXT NOT NULL);
CREATE TABLE logbook (id INTEGER PRIMARY KEY, turbine INTEGER NOT NULL REFERENCES turbines(id),
  component TEXT NOT NULL, failure_time INTEGER NOT NULL, back_in_service_time INTEGER,
  action TEXT NOT NULL DEFAULT '', UNIQUE (turbine, component, failure_time));
CREATE TABLE ingestions (id INTEGER PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL, mapping TEXT,
  started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, rows INTEGER NOT NULL,
  accepted INTEGER NOT NULL, quarantined INTEGER NOT NULL, duplicates INTEGER NOT NULL,
  out_of_order INTEGER NOT NULL);
CREATE TABLE quarantine (id INTEGER PRIMARY KEY, file TEXT NOT NULL, line INTEGER NOT NULL,
  reason TEXT NOT NULL, message TEXT NOT NULL, raw TEXT NOT NULL,
  ingestion INTEGER REFERENCES ingestions(id), UNIQUE (file, line));
CREATE TABLE readings (turbine INTEGER NOT NULL REFERENCES turbines(id), ts INTEGER NOT NULL,
  wind_speed_ms REAL, wind_dir_deg REAL, power_kw REAL, rotor_rpm REAL, generator_rpm REAL,
  pitch_deg REAL, ambient_temp_c REAL, nacelle_temp_c REAL, gearbox_oil_temp_c REAL,
  gearbox_bearing_temp_c REAL, generator_bearing_temp_c REAL, generator_winding_temp_c REAL,
  hydraulic_oil_temp_c REAL, converter_temp_c REAL, transformer_temp_c REAL, vibration_mm_s REAL,
  status INTEGER, PRIMARY KEY (turbine, ts)) WITHOUT ROWID;
CREATE TABLE runs (id INTEGER PRIMARY KEY, trigger TEXT NOT NULL, started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')), as_of INTEGER,
  scheduled_for INTEGER, model_version TEXT, turbines INTEGER NOT NULL DEFAULT 0,
  critical INTEGER NOT NULL DEFAULT 0, high INTEGER NOT NULL DEFAULT 0,
  moderate INTEGER NOT NULL DEFAULT 0, low INTEGER NOT NULL DEFAULT 0,
  not_scored INTEGER NOT NULL DEFAULT 0, error_count INTEGER NOT NULL DEFAULT 0, error TEXT);
CREATE INDEX runs_by_status_as_of ON runs (status, as_of);
CREATE TABLE predictions (turbine INTEGER NOT NULL REFERENCES turbines(id),
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, scored INTEGER NOT NULL, reason TEXT,
  p_fail_7d REAL, ttf_days REAL, risk_score REAL, category TEXT, drivers TEXT NOT NULL DEFAULT '[]',
  last_record INTEGER, PRIMARY KEY (turbine, run)) WITHOUT ROWID;
CREATE INDEX predictions_by_run ON predictions (run);
CREATE TABLE prediction_features (run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  turbine INTEGER NOT NULL, features BLOB NOT NULL, PRIMARY KEY (run, turbine)) WITHOUT ROWID;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE operations (id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('turbine_request', 'ingestion', 'ui_command')),
  name TEXT NOT NULL, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL,
  error TEXT, detail TEXT);
CREATE INDEX operations_by_kind_time ON operations (kind, started_at);
CREATE INDEX operations_by_time ON operations (started_at);
PRAGMA user_version = 3;
";

/// A version-3 database holding a fleet of `turbines` with one successful run, built by SQL.
fn old_database(path: &Path, turbines: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    conn.execute_batch(SCHEMA_V3).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    let as_of = 1_772_928_000; // 2026-03-08T00:00:00Z
    tx.execute(
        "INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, as_of,
         model_version, turbines, low) VALUES (1, 'cli', ?1, ?1, 5, 'succeeded', ?1, '1.0.0', ?2, ?2)",
        [as_of, turbines],
    )
    .unwrap();
    for t in 1..=turbines {
        tx.execute(
            "INSERT INTO turbines VALUES (?1, printf('OLD-%02d', ?1), 'Lyon', 'SWT-2.3-93', 2300, 45.7, 4.8, '2015-06-01')",
            [t],
        )
        .unwrap();
        for k in 0..144 * 8 {
            tx.execute(
                "INSERT INTO readings (turbine, ts, wind_speed_ms, power_kw, gearbox_oil_temp_c, status)
                 VALUES (?1, ?2, 7.5, 1200, 55, 0)",
                [t, as_of - 8 * 86_400 + 600 * k],
            )
            .unwrap();
        }
        tx.execute(
            "INSERT INTO predictions (turbine, run, scored, p_fail_7d, ttf_days, risk_score, category, last_record)
             VALUES (?1, 1, 1, 0.01, 60, 3, 'low', ?2)",
            [t, as_of - 600],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

fn user_version(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn migration_killed_at_random_points_completes_on_reopen() {
    let mut rng = seed(5);
    let dir = tempfile::tempdir().unwrap();
    // The current schema version, from a database the cockpit created.
    let probe = dir.path().join("probe.db");
    let length_fresh = timed(args_cmd(&probe, &["runs"]));
    let current = user_version(&probe);
    let template = dir.path().join("old.db");
    old_database(&template, 12);
    let measured = dir.path().join("measured.db");
    fs::copy(&template, &measured).unwrap();
    let length_old = timed(args_cmd(&measured, &["runs"]));
    assert_eq!(user_version(&measured), current);
    println!("uninterrupted migration: fresh {length_fresh:?}, from version 3 {length_old:?}");
    let mut landed = 0;
    for i in 0..KILLS {
        // A fresh database.
        let db = dir.path().join(format!("fresh{i}.db"));
        let delay = rng.between(Duration::ZERO, length_fresh.mul_f64(1.2));
        let killed = kill_after(args_cmd(&db, &["runs"]), delay);
        let what = format!("fresh migration kill {i} at {delay:?}");
        if db.exists() {
            assert_eq!(integrity_check(&db), "ok", "{what}");
            assert!((0..=current).contains(&user_version(&db)), "{what}");
        }
        let run = cockpit(&db, &["runs"]);
        assert_no_panic(&run, &what);
        assert_eq!(run.code, 0, "{what}: re-run: {}", run.stderr);
        assert_eq!(user_version(&db), current, "{what}");
        assert_sound(&db, &what);
        landed += usize::from(killed);

        // A version-3 database with a fleet and a run.
        let db = dir.path().join(format!("old{i}.db"));
        fs::copy(&template, &db).unwrap();
        let delay = rng.between(Duration::ZERO, length_old.mul_f64(1.2));
        let killed = kill_after(args_cmd(&db, &["runs"]), delay);
        let what = format!("version-3 migration kill {i} at {delay:?}");
        println!("{what}: killed {killed}");
        assert_eq!(integrity_check(&db), "ok", "{what}");
        let version = user_version(&db);
        assert!(
            (3..=current).contains(&version),
            "{what}: version {version}"
        );
        assert_sound(&db, &what);
        let run = cockpit(&db, &["runs"]);
        assert_no_panic(&run, &what);
        assert_eq!(run.code, 0, "{what}: re-run: {}", run.stderr);
        assert_eq!(user_version(&db), current, "{what}");
        assert_sound(&db, &what);
        assert_fleet_whole(&db, 12, &what);
        landed += usize::from(killed);
    }
    println!(
        "migration: {landed} of {} kills landed while it ran",
        2 * KILLS
    );
}
