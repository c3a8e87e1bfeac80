//! Tests of each category's record: the park's stored runs against its logbook, the evaluation
//! fleet's figures from the manifest, and the sentences in both languages.

use super::*;

const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// A park of two turbines with one daily run per day (data time 23:50) for `days` days, each
/// turbine's category on day `d` given by `cat(turbine, d)`.
fn park(days: i64, cat: impl Fn(i64, i64) -> Option<Category>) -> Store {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    c.execute_batch(
        "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
         VALUES (1, 'T01', 's', 'm', 2000, 45.0, 4.0, ''), (2, 'T02', 's', 'm', 2000, 45.0, 4.0, '');",
    )
    .unwrap();
    for d in 0..days {
        let as_of = T0 + d * DAY + 23 * 3600 + 50 * 60;
        c.execute(
            "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of)
             VALUES ('timer', ?1, ?1, 0, 'succeeded', ?2)",
            rusqlite::params![as_of + 600, as_of],
        )
        .unwrap();
        let run = c.last_insert_rowid();
        for turbine in [1, 2] {
            let category = cat(turbine, d);
            c.execute(
                "INSERT INTO predictions (turbine, run, scored, category) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    turbine,
                    run,
                    category.is_some(),
                    category.map(|c| c.as_str())
                ],
            )
            .unwrap();
        }
    }
    store
}

fn fail(store: &Store, turbine: i64, day: f64) {
    store
        .conn()
        .execute(
            "INSERT INTO logbook (turbine, component, failure_time, back_in_service_time)
             VALUES (?1, 'gearbox_bearing', ?2, ?3)",
            rusqlite::params![
                turbine,
                T0 + (day * DAY as f64) as i64,
                T0 + ((day + 3.0) * DAY as f64) as i64
            ],
        )
        .unwrap();
}

fn of(records: &[CategoryRecord], c: Category) -> &CategoryRecord {
    records.iter().find(|r| r.category == c).unwrap()
}

#[test]
fn the_park_record_counts_alert_episodes_followed_by_a_logged_fault() {
    use Category::*;
    // T01: high on days 10-14 then a failure on day 16 (true, lead 6 days); critical on days
    // 12-14 (true). T02: high on days 5-6 and nothing follows (false); high on day 55, too close
    // to the end of the 60 days to judge.
    let store = park(60, |t, d| {
        Some(match (t, d) {
            (1, 12..=14) => Critical,
            (1, 10..=11) => High,
            (2, 5..=6) | (2, 55) => High,
            (_, 20..=22) => Moderate,
            _ => Low,
        })
    });
    fail(&store, 1, 16.5);
    let records = track_record(&store, None).unwrap();
    let high = of(&records, High);
    assert_eq!((high.park.true_episodes, high.park.judged), (1, 2));
    assert_eq!(high.park.precision, Some(0.5));
    assert_eq!(high.park.median_lead_days, Some(6.5));
    let critical = of(&records, Critical);
    assert_eq!((critical.park.true_episodes, critical.park.judged), (1, 1));
    // Moderate or above: the high stretches count too; days 20-22 on both turbines are false.
    let moderate = of(&records, Moderate);
    assert_eq!((moderate.park.true_episodes, moderate.park.judged), (1, 4));
    assert_eq!(
        high.text(Lang::En),
        "High or above — evaluation fleet: no model set to read it from; this park: 1 of 2 alert \
         episodes followed by a confirmed fault (failure logbook) within 7 days, median lead 7 days."
    );
    assert_eq!(
        high.text(Lang::Fr),
        "Élevé ou plus — flotte d'évaluation : aucun jeu de modèles où le lire ; ce parc : 1 \
         épisode d'alerte sur 2 suivi d'une panne confirmée (journal des pannes) sous 7 jours, \
         avance médiane 7 jours."
    );
}

#[test]
fn a_rescored_day_counts_once_with_its_latest_category_and_failed_runs_not_at_all() {
    let store = park(30, |_, _| Some(Category::Low));
    let c = store.conn();
    // Day 3 rescored an hour after the daily run on the same data: T01 high. A failed run on
    // day 4 rating T02 critical (a failed run's rows must never count).
    let as_of = T0 + 3 * DAY + 23 * 3600 + 50 * 60;
    c.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of)
         VALUES ('manual', ?1, ?1, 0, 'succeeded', ?2)",
        rusqlite::params![as_of + 3600, as_of],
    )
    .unwrap();
    let run = c.last_insert_rowid();
    c.execute(
        "INSERT INTO predictions (turbine, run, scored, category) VALUES (1, ?1, 1, 'high')",
        [run],
    )
    .unwrap();
    c.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of)
         VALUES ('manual', ?1, ?1, 0, 'failed', ?1)",
        [T0 + 4 * DAY + 3600],
    )
    .unwrap();
    let failed = c.last_insert_rowid();
    c.execute(
        "INSERT INTO predictions (turbine, run, scored, category) VALUES (2, ?1, 1, 'critical')",
        [failed],
    )
    .unwrap();
    let records = track_record(&store, None).unwrap();
    // Day 3 of T01 holds the rescore's "high": one false episode (no failure follows).
    let high = of(&records, Category::High);
    assert_eq!((high.park.true_episodes, high.park.judged), (0, 1));
    assert_eq!(high.park.precision, Some(0.0));
    let critical = of(&records, Category::Critical);
    assert_eq!(critical.park.judged, 0);
    assert!(critical
        .text(Lang::En)
        .contains("this park: no alert episode judged yet"));
}

#[test]
fn the_evaluation_figures_come_from_the_manifest_and_say_when_they_were_not_measured() {
    let store = park(10, |_, _| Some(Category::Low));
    let manifest = serde_json::json!({
        "model_version": "2.0.0",
        "metrics": {"eval_fleet": {"alert_episodes": {
            "high": {"true_episodes": 92, "false_episodes": 214, "median_lead_days": 5.3},
            "critical": {"true_episodes": 83, "false_episodes": 14, "median_lead_days": 4.8}
        }}}
    });
    let records = track_record(&store, Some(&manifest)).unwrap();
    let critical = of(&records, Category::Critical);
    let e = critical.evaluation.expect("measured");
    assert_eq!((e.true_episodes, e.judged), (83, 97));
    assert!(critical.text(Lang::En).starts_with(
        "Critical — evaluation fleet (simulated): 86 % of alert episodes followed by a failure \
         within 7 days, median lead 5 days;"
    ));
    assert!(critical.text(Lang::Fr).starts_with(
        "Critique — flotte d'évaluation (simulée) : 86 % des épisodes d'alerte suivis d'une \
         panne sous 7 jours, avance médiane 5 jours ;"
    ));
    // The moderate level was not measured by that pipeline: said so, with the version.
    let moderate = of(&records, Category::Moderate);
    assert_eq!(moderate.evaluation, None);
    assert!(moderate
        .text(Lang::En)
        .contains("evaluation fleet: not measured for models 2.0.0"));
    let old = serde_json::json!({"model_version": "1.1.0", "metrics": {}});
    let records = track_record(&store, Some(&old)).unwrap();
    assert!(of(&records, Category::High)
        .text(Lang::Fr)
        .contains("flotte d'évaluation : non mesuré pour les modèles 1.1.0"));
}
