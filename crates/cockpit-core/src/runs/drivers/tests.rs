//! Tests of the drivers: references, ranking and the sentences in both languages.

use super::*;

#[test]
fn a_driver_without_reference_survives_storage() {
    let d = Driver {
        indicator: "converter".into(),
        feature: "converter_resid_24h".into(),
        value: 61.0,
        reference: f64::NAN,
        unit: "°C".into(),
        basis: Basis::Load,
        contribution: 0.2,
    };
    let json = serde_json::to_string(&vec![d]).unwrap();
    assert!(json.contains("\"reference\":null"), "{json}");
    let back: Vec<Driver> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.len(), 1);
    assert!(back[0].reference.is_nan());
    assert!(back[0]
        .describe()
        .starts_with("converter at 61.0 °C (no normal value known)"));
}

#[test]
fn references_are_healthy_values() {
    let names = feature_names();
    let mut row = vec![0.0f32; N_FEATURES];
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    row[at("gearbox_oil_mean_24h")] = 60.0;
    row[at("gearbox_oil_max_24h")] = 70.0;
    row[at("gearbox_oil_resid_24h")] = 9.4;
    row[at("gearbox_oil_slope_7d")] = 1.5;
    row[at("power_deficit_24h")] = 0.08;
    let rows = vec![row.clone(), vec![0.0; N_FEATURES]];
    let (perturbed, n_groups) = perturbed_rows(&rows);
    assert_eq!(n_groups, KEY_SIGNALS.len() + 2);
    let first = &perturbed[..N_FEATURES];
    assert!((first[at("gearbox_oil_mean_24h")] - 50.6).abs() < 1e-4);
    assert!((first[at("gearbox_oil_max_24h")] - 60.6).abs() < 1e-4);
    assert_eq!(first[at("gearbox_oil_resid_24h")], 0.0);
    assert_eq!(first[at("gearbox_oil_slope_7d")], 0.0);
    assert_eq!(
        first[at("power_deficit_24h")],
        0.08,
        "other groups untouched"
    );
    let power = &perturbed[(n_groups - 2) * N_FEATURES..(n_groups - 1) * N_FEATURES];
    assert_eq!(power[at("power_deficit_24h")], 0.0);
}

#[test]
fn drivers_are_ranked_and_described() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("gearbox_oil_mean_24h")] = 60.0;
    row[at("gearbox_oil_resid_24h")] = 9.4;
    let n_groups = KEY_SIGNALS.len() + 2;
    let mut pert = vec![0.62; n_groups];
    pert[0] = 0.20; // gearbox oil set to normal: p drops from 0.62 to 0.20
    pert[n_groups - 2] = 0.55; // power curve
    pert[3] = 0.619; // too small to report
    let d = drivers_of(&row, 0.62, &pert, &flat_fleet());
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].indicator, "gearbox_oil");
    assert!((d[0].contribution - 0.42).abs() < 1e-9);
    assert_eq!(
        d[0].describe(),
        "gearbox oil 9.4 °C above normal for this load; risk +42 pts"
    );
    assert_eq!(d[1].indicator, "power_curve");
}

/// A fleet where every feature usually varies by 1 unit.
fn flat_fleet() -> FleetReference {
    FleetReference {
        spread: vec![1.0; N_FEATURES],
    }
}

fn oil_driver(row: &[f32]) -> Driver {
    let n_groups = KEY_SIGNALS.len() + 2;
    let mut pert = vec![0.5; n_groups];
    pert[0] = 0.1;
    drivers_of(row, 0.5, &pert, &flat_fleet()).remove(0)
}

#[test]
fn a_new_deviation_is_named_when_it_stands_out_most() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("gearbox_oil_mean_24h")] = 55.0;
    row[at("gearbox_oil_resid_24h")] = 0.8; // close to the healthy law…
    row[at("gearbox_oil_site_dev")] = 1.1;
    row[at("gearbox_oil_own_dev")] = 4.3; // …but 4.3 °C above its own usual level
    let d = oil_driver(&row);
    assert_eq!(d.basis, Basis::Own);
    assert_eq!(d.feature, "gearbox_oil_own_dev");
    assert_eq!(
        d.phrase(Lang::En),
        "gearbox oil 4.3 °C above its own usual level (compared with its site, days 3–6 before)"
    );
    assert_eq!(
        d.phrase(Lang::Fr),
        "huile multiplicateur 4,3 °C au-dessus de son niveau habituel (par rapport au site, 3 à 6 jours avant)"
    );
}

#[test]
fn deviations_are_compared_in_units_of_their_usual_spread() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("gearbox_oil_mean_24h")] = 50.0;
    row[at("gearbox_oil_resid_24h")] = 3.0;
    row[at("gearbox_oil_slope_7d")] = 0.9;
    let mut fleet = flat_fleet();
    // Residuals usually spread by 2 °C, trends by 0.1 °C/day: the trend stands out.
    fleet.spread[at("gearbox_oil_resid_24h")] = 2.0;
    fleet.spread[at("gearbox_oil_slope_7d")] = 0.1;
    let n_groups = KEY_SIGNALS.len() + 2;
    let mut pert = vec![0.5; n_groups];
    pert[0] = 0.1;
    let d = drivers_of(&row, 0.5, &pert, &fleet).remove(0);
    assert_eq!(d.basis, Basis::Trend);
    assert_eq!(d.unit, "°C/d");
    assert_eq!(
        d.phrase(Lang::En),
        "gearbox oil rising 0.9 °C per day over the last 7 days, at the same load"
    );
}

#[test]
fn site_deviation_reads_against_the_other_turbines() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("converter_mean_24h")] = 48.0;
    row[at("converter_resid_24h")] = 2.0;
    row[at("converter_site_dev")] = 5.5;
    let n_groups = KEY_SIGNALS.len() + 2;
    let conv = KEY_SIGNALS
        .iter()
        .position(|(s, _)| *s == "converter")
        .unwrap();
    let mut pert = vec![0.5; n_groups];
    pert[conv] = 0.2;
    let d = drivers_of(&row, 0.5, &pert, &flat_fleet()).remove(0);
    assert_eq!(d.basis, Basis::Site);
    assert!((d.reference - 42.5).abs() < 1e-9);
    assert_eq!(
        d.phrase(Lang::En),
        "converter 5.5 °C above the other turbines of the site at the same load"
    );
    // Cooler than the site is not what pushes risk up: the sentence stays on the load.
    row[at("converter_site_dev")] = -5.5;
    let d = drivers_of(&row, 0.5, &pert, &flat_fleet()).remove(0);
    assert_eq!(d.basis, Basis::Load);
}

#[test]
fn drivers_stored_before_the_basis_existed_read_as_load() {
    let json = r#"[{"indicator":"gearbox_oil","feature":"gearbox_oil_resid_24h","value":60.0,"reference":50.6,"unit":"°C","contribution":0.42}]"#;
    let d: Vec<Driver> = serde_json::from_str(json).unwrap();
    assert_eq!(d[0].basis, Basis::Load);
    assert_eq!(
        d[0].phrase(Lang::Fr),
        "huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge"
    );
}

#[test]
fn values_read_with_their_units_in_both_languages() {
    let d = |unit: &str| Driver {
        indicator: "gearbox_oil".into(),
        feature: "f".into(),
        value: 61.25,
        reference: f64::NAN,
        unit: unit.into(),
        basis: Basis::Load,
        contribution: 0.42,
    };
    assert_eq!(d("°C").value_text(61.26, Lang::Fr), "61,3 °C");
    assert_eq!(d("% rated").value_text(8.2, Lang::En), "8.2 %");
    assert_eq!(d("°C").value_text(f64::NAN, Lang::En), "–");
    assert_eq!(d("°C/d").value_text(0.9, Lang::Fr), "0,9 °C/j");
    assert_eq!(d("°").value_text(3.1, Lang::En), "3.1°");
    assert_eq!(d("°C").points(), 42);
}

#[test]
fn the_pitch_driver_says_what_stands_out_offset_or_hunting_against_its_site() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let groups = KEY_SIGNALS.len() + 2;
    let pitch_driver = |resid: f32, absdev: f32| {
        let mut row = vec![0.0f32; N_FEATURES];
        row[at("pitch_resid_24h")] = resid;
        row[at("pitch_absdev_24h")] = absdev;
        // Only the pitch group (the last one) lowers the risk when set to normal.
        let mut perturbed = vec![0.6; groups];
        perturbed[groups - 1] = 0.1;
        let d = drivers_of(&row, 0.6, &perturbed, &flat_fleet());
        assert_eq!(d.len(), 1);
        d[0].clone()
    };
    // A turbine pitching 2.4° below the others at the same wind: its offset stands out.
    let d = pitch_driver(-2.4, 0.3);
    assert_eq!(
        d.phrase(Lang::En),
        "blade pitch 2.4° below the other turbines' at the same wind"
    );
    assert_eq!(
        d.phrase(Lang::Fr),
        "pas des pales 2,4° en dessous de celui des autres éoliennes au même vent"
    );
    // A turbine hunting around the right mean: how much more it strays than its site.
    let d = pitch_driver(0.1, 1.8);
    assert_eq!(
        d.phrase(Lang::En),
        "blade pitch 1.8° further from the pitch expected at this wind than the other turbines of its site"
    );
    for e in ENGLISH_FRAGMENTS {
        assert!(!d.phrase(Lang::Fr).contains(e), "{e}");
    }
}
