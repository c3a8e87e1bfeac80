//! Tests of the fleet search rule, of the not-scored reasons in both languages and of which run
//! is the latest.

use super::*;
use crate::risk::Category;

fn item(id: &str, site: &str, category: Option<Category>, drivers: &[&str]) -> FleetItem {
    FleetItem {
        turbine_id: id.into(),
        site: site.into(),
        model: "V2".into(),
        scored: category.is_some(),
        not_scored_reason: None,
        risk_score: None,
        category,
        p_fail_7d: None,
        ttf_days: None,
        ttf_censored: false,
        drivers: drivers
            .iter()
            .map(|i| Driver {
                indicator: (*i).into(),
                feature: format!("{i}_resid_24h"),
                value: 1.0,
                reference: 0.0,
                unit: "°C".into(),
                basis: Default::default(),
                contribution: 0.1,
            })
            .collect(),
        model_reactions: Vec::new(),
        scored_at: String::new(),
        data_quality: DataQuality::default(),
        last_data: None,
        run_id: 1,
    }
}

#[test]
fn a_search_matches_ids_sites_categories_and_drivers_in_both_languages() {
    let i = item(
        "LYO-02",
        "Lyon",
        Some(Category::High),
        &["generator_bearing"],
    );
    for q in [
        "",
        " lyo-0 ",
        "LYON",
        "high",
        "élevé",
        "generator_bearing",
        "generator bearing",
        "génératrice",
    ] {
        assert!(matches_search(&i, q), "{q}");
    }
    for q in ["gearbox", "critique", "VAL"] {
        assert!(!matches_search(&i, q), "{q}");
    }
    let none = item("VAL-01", "Valence", None, &[]);
    assert!(matches_search(&none, "non évaluée"));
}

#[test]
fn the_latest_run_is_the_regular_run_started_last_whatever_its_data_time() {
    let store = crate::store::Store::open_in_memory().unwrap();
    let add = |trigger: &str, started: i64, as_of: i64, status: &str| {
        store
            .conn()
            .execute(
                "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of)
                 VALUES (?1, ?2, ?2, 0, ?4, ?3)",
                rusqlite::params![trigger, started, as_of, status],
            )
            .unwrap();
        store.conn().last_insert_rowid()
    };
    let day = 86_400;
    let now = 1_790_000_000;
    // Only a backfill so far: it is the latest (the demo's history before its first run).
    let backfill = add("backfill", now - 10 * day, now - 20 * day, "succeeded");
    assert_eq!(latest_run(&store).unwrap().map(|r| r.id), Some(backfill));
    // A run an older version scored at a 2099 watermark (a mistyped record)…
    add("cli", now - 5 * day, 4_070_908_800, "succeeded");
    // …today's run, then a replay of a later time and a backfill, then a failed run.
    let today = add("timer", now - 3600, now - 4000, "succeeded");
    add("replay", now - 600, now + 3600, "succeeded");
    add("backfill", now - 300, now - day, "succeeded");
    add("manual", now - 60, now, "failed");
    let latest = latest_run(&store).unwrap().expect("a run");
    assert_eq!(latest.id, today, "{latest:?}");
}
