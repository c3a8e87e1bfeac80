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
        ttf: TimeToFailure::default(),
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
fn several_categories_keep_the_turbines_of_any_of_them_and_none_keeps_all() {
    let fleet = [
        item("LYO-01", "Lyon", Some(Category::Critical), &[]),
        item(
            "LYO-02",
            "Lyon",
            Some(Category::High),
            &["generator_bearing"],
        ),
        item("LYO-03", "Lyon", Some(Category::Low), &[]),
        item("VAL-01", "Valence", None, &[]),
    ];
    let kept = |f: &FleetFilter| -> Vec<&str> {
        fleet
            .iter()
            .filter(|i| f.keeps(i))
            .map(|i| i.turbine_id.as_str())
            .collect()
    };
    let mut f = FleetFilter {
        categories: vec![Category::Critical, Category::High],
        ..FleetFilter::default()
    };
    assert_eq!(kept(&f), ["LYO-01", "LYO-02"]);
    // With the other filters: every one must hold.
    f.search = Some("génératrice".into());
    assert_eq!(kept(&f), ["LYO-02"]);
    // No category chosen: every turbine, the not-scored one included.
    assert_eq!(kept(&FleetFilter::default()).len(), 4);
    let low = FleetFilter {
        categories: vec![Category::Low],
        site: Some(" valence ".into()),
        ..FleetFilter::default()
    };
    assert!(kept(&low).is_empty());
    // The turbines a notification named, whatever their case, and nothing else.
    let named = FleetFilter {
        turbines: vec!["lyo-02".into(), " VAL-01 ".into()],
        ..FleetFilter::default()
    };
    assert_eq!(kept(&named), ["LYO-02", "VAL-01"]);
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

#[test]
fn a_stored_distribution_reads_back_as_whole_days_and_a_1x_row_as_unknown() {
    let json = r#"{"days":[1,3,7,14,30],"p":[0.05,0.2,0.6,0.95,0.99]}"#;
    let t = TimeToFailure::stored(true, Some(json));
    // Q(0.1) = 1.67, Q(0.5) = 6, Q(0.9) = 13 (see `ttf`'s tests).
    assert_eq!(
        (
            t.ttf_median_days,
            t.ttf_range_days,
            t.ttf_range_open,
            t.ttf_known
        ),
        (Some(6), Some([1, 13]), false, true)
    );
    assert_eq!(t.ttf_text.as_deref(), Some("likely in 1 to 13 days"));
    assert_eq!(
        t.text(true, Lang::Fr).as_deref(),
        Some("probablement dans 1 à 13 jours")
    );
    // No failure expected: known, no median, no range.
    let none = TimeToFailure::stored(
        true,
        Some(r#"{"days":[1,3,7,14,30],"p":[0.0,0.0,0.1,0.2,0.3]}"#),
    );
    assert_eq!(
        (none.ttf_median_days, none.ttf_range_days, none.ttf_known),
        (None, None, true)
    );
    assert_eq!(
        none.ttf_text.as_deref(),
        Some("no failure expected within 30 days")
    );
    // A row scored by a 1.x set (no distribution stored): unknown, never "no failure expected".
    let old = TimeToFailure::stored(true, None);
    assert!(!old.ttf_known);
    assert_eq!(
        old.ttf_text.as_deref(),
        Some("time to failure unknown (scored by an older model set)")
    );
    assert_eq!(old.sort_key(), None);
    assert!(none.sort_key() > t.sort_key());
    // Not scored: nothing to say.
    let unscored = TimeToFailure::stored(false, Some(json));
    assert_eq!(unscored.ttf_text, None);
    assert_eq!(
        (unscored.ttf_median_days, unscored.ttf_known),
        (None, false)
    );
    // An unreadable value is unknown too.
    assert!(!TimeToFailure::stored(true, Some("{\"days\":[1],\"p\":[2, 3]}")).ttf_known);
}
