//! Tests of the fleet search rule and of the not-scored reasons in both languages.

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
