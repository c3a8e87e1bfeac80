//! Tests of the packs: what an export carries, actions recorded in a pack keep its seal, the
//! round trip (import twice changes nothing), the conflict rule, and every refused pack.

use std::path::{Path, PathBuf};

use super::*;
use crate::lang::Lang;
use crate::risk::Category;
use crate::store::Store;
use crate::workflow::alerts::{self, Scored};
use crate::workflow::events::Actor;
use crate::workflow::interventions::{self, Plan};
use crate::workflow::{AlertRules, Finding, Workflow};

const DAY: i64 = 86_400;
const T0: i64 = 1_795_000_000 / DAY * DAY;
const TURBINES: [&str; 3] = ["LYO-01", "LYO-02", "LYO-08"];

fn actor(name: &str, machine: &str) -> Actor {
    Actor {
        author: name.into(),
        machine: machine.into(),
    }
}

/// An office database: three turbines, 20 days of hourly readings, a daily run that ranks
/// LYO-08 critical (an open alert) and an intervention planned on it.
fn office(dir: &Path) -> (Store, String) {
    let mut store = Store::open(&dir.join("office.db")).unwrap();
    for (i, t) in TURBINES.iter().enumerate() {
        store
            .conn()
            .execute(
                "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
                 VALUES (?1, ?2, 'Lyon', 'V90', 2000, 45.7, 4.8, '2015-01-01')",
                rusqlite::params![i as i64 + 1, t],
            )
            .unwrap();
        for h in 0..(20 * 24) {
            store
                .conn()
                .execute(
                    "INSERT INTO readings (turbine, ts, wind_speed_ms) VALUES (?1, ?2, 7.0)",
                    rusqlite::params![i as i64 + 1, T0 - 20 * DAY + h * 3600],
                )
                .unwrap();
        }
    }
    let tx = store.conn_mut().transaction().unwrap();
    tx.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, turbines, critical, low)
         VALUES ('timer', ?1, ?1, 0, 'succeeded', ?2, 3, 1, 2)",
        rusqlite::params![crate::clock::now(), T0],
    )
    .unwrap();
    let run = tx.last_insert_rowid();
    let cats = [Category::Low, Category::Low, Category::Critical];
    for (i, c) in cats.iter().enumerate() {
        tx.execute(
            "INSERT INTO predictions (turbine, run, scored, category, risk_score) VALUES (?1, ?2, 1, ?3, 50)",
            rusqlite::params![i as i64 + 1, run, c.as_str()],
        )
        .unwrap();
    }
    let scored: Vec<_> = TURBINES
        .iter()
        .enumerate()
        .map(|(i, t)| Scored {
            turbine_key: i as i64 + 1,
            turbine_id: t,
            category: Some(cats[i]),
        })
        .collect();
    alerts::apply_run(&tx, run, "timer", T0, &scored, AlertRules::default()).unwrap();
    tx.commit().unwrap();
    let planned = interventions::plan(
        &mut store,
        &actor("marie", "PC-OFFICE"),
        &Plan {
            turbine: "LYO-08".into(),
            component: "generator_winding".into(),
            due: "2026-12-03".into(),
            ..Plan::default()
        },
    )
    .unwrap();
    (store, planned.subject)
}

fn lyo08() -> Selection {
    Selection {
        turbines: vec!["lyo-08".into()],
        ..Selection::default()
    }
}

fn exported(dir: &Path, store: &Store) -> PathBuf {
    let path = dir.join("lyo08.cockpitpack");
    export(store, &lyo08(), &path, &actor("marie", "PC-OFFICE")).unwrap();
    path
}

#[test]
fn a_pack_carries_the_chosen_turbines_window_runs_and_journal() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = office(dir.path());
    let path = dir.path().join("p.cockpitpack");
    let s = export(&store, &lyo08(), &path, &actor("marie", "PC-OFFICE")).unwrap();
    assert_eq!(s.turbines, vec!["LYO-08"]);
    // 14 days of hourly records, not the 20 the office has.
    assert_eq!(s.readings, (WINDOW_DAYS * 24) as u64);
    assert_eq!(s.runs, 1);
    assert_eq!(s.events, 2, "the alert raised and the intervention planned");
    assert!(s.bytes > 0 && path.is_file());
    let pack = Store::open(&path).unwrap();
    assert!(pack.is_pack());
    let (critical, turbines): (i64, i64) = pack
        .conn()
        .query_row("SELECT critical, turbines FROM runs", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (critical, turbines),
        (1, 1),
        "the run's counts are the pack's"
    );
    let info = PackInfo::read(pack.conn(), Lang::En).unwrap().unwrap();
    assert_eq!(info.fleet, fleet::own(&store).unwrap().unwrap());
    assert!(info.banner.contains("LYO-08"), "{}", info.banner);
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(left.is_empty());
}

#[test]
fn a_selection_by_category_and_an_unknown_turbine() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = office(dir.path());
    let sel = Selection {
        filter: crate::runs::queries::FleetFilter {
            categories: vec![Category::High, Category::Critical],
            ..Default::default()
        },
        ..Selection::default()
    };
    let s = export(
        &store,
        &sel,
        &dir.path().join("a.cockpitpack"),
        &actor("m", "PC"),
    )
    .unwrap();
    assert_eq!(s.turbines, vec!["LYO-08"]);
    let err = export(
        &store,
        &Selection {
            turbines: vec!["LYO-99".into()],
            ..Selection::default()
        },
        &dir.path().join("b.cockpitpack"),
        &actor("m", "PC"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("LYO-99"), "{err}");
    assert!(!dir.path().join("b.cockpitpack").exists());
}

#[test]
fn the_round_trip_brings_the_findings_back_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, iv) = office(dir.path());
    let path = exported(dir.path(), &store);
    // The lead, on the laptop, works in the pack itself.
    {
        let mut pack = Store::open(&path).unwrap();
        let lead = actor("karim", "LAPTOP-07");
        alerts::acknowledge(&mut pack, &lead, "LYO-08", Some("on my way")).unwrap();
        interventions::start(&mut pack, &lead, &iv, None).unwrap();
        alerts::note(
            &mut pack,
            &lead,
            "LYO-08",
            Some(&iv),
            "smell of burnt varnish",
        )
        .unwrap();
        interventions::close(
            &mut pack,
            &lead,
            &iv,
            Finding::Confirmed,
            None,
            Some("winding replaced"),
        )
        .unwrap();
    }
    let first = import(&mut store, &path, Lang::En).unwrap();
    assert_eq!(first.new_events, 4);
    assert_eq!(first.already_present, 2);
    assert_eq!(first.logbook_entries, 1);
    assert_eq!(first.conflicts, 0);
    assert!(
        first.summary.contains("1 intervention closed")
            && first
                .summary
                .contains("1 fault confirmed on LYO-08 (generator winding)")
            && first.summary.contains("1 note"),
        "{}",
        first.summary
    );
    let w = Workflow::load(store.conn()).unwrap();
    let alert = w.latest_alert("LYO-08").unwrap();
    assert_eq!(
        alert.outcome.as_ref().map(|o| o.finding),
        Some(Finding::Confirmed)
    );
    // Twice: nothing changes.
    let again = import(&mut store, &path, Lang::En).unwrap();
    assert_eq!((again.new_events, again.already_present), (0, 6));
    assert_eq!(again.logbook_entries, 0);
    let logbook: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM logbook", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logbook, 1);
}

#[test]
fn an_intervention_closed_differently_at_the_office_and_in_the_field_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, iv) = office(dir.path());
    let path = exported(dir.path(), &store);
    // The office closes first: nothing found.
    interventions::close(
        &mut store,
        &actor("marie", "PC-OFFICE"),
        &iv,
        Finding::Nothing,
        None,
        None,
    )
    .unwrap();
    {
        let mut pack = Store::open(&path).unwrap();
        interventions::close(
            &mut pack,
            &actor("karim", "LAPTOP-07"),
            &iv,
            Finding::Confirmed,
            None,
            None,
        )
        .unwrap();
    }
    let s = import(&mut store, &path, Lang::En).unwrap();
    assert_eq!(s.conflicts, 1, "{s:?}");
    assert!(
        s.conflict_details[0].contains("stands as nothing found"),
        "{:?}",
        s.conflict_details
    );
    assert!(
        s.conflict_details[0].contains("karim"),
        "{:?}",
        s.conflict_details
    );
    // Both closings stay in the journal; the first stands; the fault reaches the logbook.
    let w = Workflow::load(store.conn()).unwrap();
    let i = w.interventions.iter().find(|i| i.id == iv).unwrap();
    assert_eq!(i.finding, Some(Finding::Nothing));
    assert_eq!(i.conflicts.len(), 1);
    assert_eq!(s.logbook_entries, 1);
}

#[test]
fn refused_packs_leave_the_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, iv) = office(dir.path());
    let path = exported(dir.path(), &store);
    {
        let mut pack = Store::open(&path).unwrap();
        interventions::start(&mut pack, &actor("karim", "LAPTOP-07"), &iv, None).unwrap();
    }
    let events = |s: &Store| -> i64 {
        s.conn()
            .query_row("SELECT count(*) FROM workflow_events", [], |r| r.get(0))
            .unwrap()
    };
    let before = events(&store);

    // Changed outside the cockpit: the seal names the part.
    let changed = dir.path().join("changed.cockpitpack");
    std::fs::copy(&path, &changed).unwrap();
    rusqlite::Connection::open(&changed)
        .unwrap()
        .execute("UPDATE readings SET wind_speed_ms = 30", [])
        .unwrap();
    let err = import(&mut store, &changed, Lang::En).unwrap_err();
    assert!(matches!(err, PackError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("readings"), "{err}");

    // Truncated.
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.cockpitpack");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = import(&mut store, &cut, Lang::En).unwrap_err();
    assert!(
        matches!(
            err,
            PackError::Damaged { .. } | PackError::Unreadable { .. }
        ),
        "{err}"
    );

    // A future format.
    let future = dir.path().join("future.cockpitpack");
    std::fs::copy(&path, &future).unwrap();
    rusqlite::Connection::open(&future)
        .unwrap()
        .execute(
            "UPDATE settings SET value = '2' WHERE key = 'pack.format'",
            [],
        )
        .unwrap();
    let err = import(&mut store, &future, Lang::En).unwrap_err();
    assert!(matches!(err, PackError::TooNew { found: 2, .. }), "{err}");

    // Another fleet's pack.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, _) = office(other_dir.path());
    let foreign = exported(other_dir.path(), &other);
    let err = import(&mut store, &foreign, Lang::En).unwrap_err();
    assert!(matches!(err, PackError::OtherFleet { .. }), "{err}");

    // A cockpit database is not a pack.
    let err = import(&mut store, &dir.path().join("office.db"), Lang::En).unwrap_err();
    assert!(matches!(err, PackError::NotAPack { .. }), "{err}");

    assert_eq!(events(&store), before, "nothing was recorded");
}

#[test]
fn a_pack_of_turbines_the_office_does_not_know_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = office(dir.path());
    let path = exported(dir.path(), &store);
    // A laptop's own cockpit with another registry has no fleet yet: it would join, but its
    // registry lacks LYO-08.
    let mut laptop = Store::open(&dir.path().join("laptop.db")).unwrap();
    laptop
        .conn()
        .execute(
            "INSERT INTO turbines (turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES ('LYO-01', 'Lyon', 'V90', 2000, 45.7, 4.8, '2015-01-01')",
            [],
        )
        .unwrap();
    let err = import(&mut laptop, &path, Lang::En).unwrap_err();
    assert!(matches!(err, PackError::UnknownTurbines { .. }), "{err}");
    assert!(err.to_string().contains("LYO-08"), "{err}");
    assert_eq!(
        fleet::own(&laptop).unwrap(),
        None,
        "it did not join the fleet"
    );
}

#[test]
fn a_laptop_cockpit_joins_the_fleet_on_its_first_import_and_sends_its_findings_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut office_db, iv) = office(dir.path());
    let path = exported(dir.path(), &office_db);
    let laptop_dir = tempfile::tempdir().unwrap();
    let (mut laptop, _) = office(laptop_dir.path());
    let s = import(&mut laptop, &path, Lang::En).unwrap();
    assert!(s.joined_fleet);
    interventions::close(
        &mut laptop,
        &actor("karim", "LAPTOP-07"),
        &iv,
        Finding::Confirmed,
        None,
        None,
    )
    .unwrap();
    let back = laptop_dir.path().join("back.cockpitpack");
    export(&laptop, &lyo08(), &back, &actor("karim", "LAPTOP-07")).unwrap();
    let s = import(&mut office_db, &back, Lang::Fr).unwrap();
    assert!(
        s.summary.contains("1 panne confirmée sur LYO-08"),
        "{}",
        s.summary
    );
}

#[test]
fn a_pack_is_neither_scored_exported_nor_imported_into() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = office(dir.path());
    let path = exported(dir.path(), &store);
    let mut pack = Store::open(&path).unwrap();
    let err = export(
        &pack,
        &lyo08(),
        &dir.path().join("x.cockpitpack"),
        &actor("k", "L"),
    )
    .unwrap_err();
    assert!(matches!(err, PackError::IsAPack { .. }), "{err}");
    let err = import(&mut pack, &path, Lang::En).unwrap_err();
    assert!(matches!(err, PackError::IsAPack { .. }), "{err}");
}
