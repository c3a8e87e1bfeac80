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
    let (perturbed, slots) = perturbed_rows(&rows);
    assert_eq!(slots, 2 * GROUPS, "a cause part and another part per group");
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
    let power = &perturbed[cause(GROUPS - 2) * N_FEATURES..(cause(GROUPS - 2) + 1) * N_FEATURES];
    assert_eq!(power[at("power_deficit_24h")], 0.0);
}

#[test]
fn drivers_are_ranked_and_described() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("gearbox_oil_mean_24h")] = 60.0;
    row[at("gearbox_oil_resid_24h")] = 9.4;
    row[at("power_deficit_24h")] = 0.05;
    let mut pert = vec![0.62; 2 * GROUPS];
    pert[cause(0)] = 0.20; // gearbox oil set to normal: p drops from 0.62 to 0.20
    pert[cause(GROUPS - 2)] = 0.55; // power curve
    pert[cause(3)] = 0.619; // too small to report
    let d = drivers_of(&row, 0.62, &pert, &flat_fleet()).drivers;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].indicator, "gearbox_oil");
    assert!((d[0].contribution - 0.42).abs() < 1e-9);
    assert_eq!(
        d[0].describe(),
        "gearbox oil 9.4 °C above normal for this load; risk +42 pts"
    );
    assert_eq!(d[1].indicator, "power_curve");
}

/// Indicator groups: the key signals, the power curve, the pitch.
const GROUPS: usize = KEY_SIGNALS.len() + 2;

/// The perturbed slot of group `g` with its plausible-cause deviations set to normal.
fn cause(g: usize) -> usize {
    2 * g
}

/// The perturbed slot of group `g` with its other deviations set to normal.
fn other(g: usize) -> usize {
    2 * g + 1
}

/// A fleet where every feature usually varies by 1 unit, around 0.
fn flat_fleet() -> FleetReference {
    FleetReference {
        spread: vec![1.0; N_FEATURES],
        median: vec![0.0; N_FEATURES],
    }
}

fn oil_driver(row: &[f32]) -> Driver {
    let mut pert = vec![0.5; 2 * GROUPS];
    pert[cause(0)] = 0.1;
    drivers_of(row, 0.5, &pert, &flat_fleet()).drivers.remove(0)
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
    let mut pert = vec![0.5; 2 * GROUPS];
    pert[cause(0)] = 0.1;
    let d = drivers_of(&row, 0.5, &pert, &fleet).drivers.remove(0);
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
    let conv = KEY_SIGNALS
        .iter()
        .position(|(s, _)| *s == "converter")
        .unwrap();
    let mut pert = vec![0.5; 2 * GROUPS];
    pert[cause(conv)] = 0.2;
    let d = drivers_of(&row, 0.5, &pert, &flat_fleet())
        .drivers
        .remove(0);
    assert_eq!(d.basis, Basis::Site);
    assert!((d.reference - 42.5).abs() < 1e-9);
    assert_eq!(
        d.phrase(Lang::En),
        "converter 5.5 °C above the other turbines of the site at the same load"
    );
    // Cooler than the site is not what pushes risk up: the sentence stays on the load.
    row[at("converter_site_dev")] = -5.5;
    let d = drivers_of(&row, 0.5, &pert, &flat_fleet())
        .drivers
        .remove(0);
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
    let pitch_driver = |resid: f32, absdev: f32| {
        let mut row = vec![0.0f32; N_FEATURES];
        row[at("pitch_resid_24h")] = resid;
        row[at("pitch_absdev_24h")] = absdev;
        // Only the pitch group (the last one) lowers the risk when set to normal.
        let mut perturbed = vec![0.6; 2 * GROUPS];
        perturbed[cause(GROUPS - 1)] = 0.1;
        let d = drivers_of(&row, 0.6, &perturbed, &flat_fleet()).drivers;
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

/// A row where the gearbox oil runs 2.1 °C cooler than normal for its load (LYO-08's case).
fn cooler_oil_row() -> Vec<f32> {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("gearbox_oil_mean_24h")] = 48.2;
    row[at("gearbox_oil_max_24h")] = 52.0;
    row[at("gearbox_oil_resid_24h")] = -2.1;
    row[at("gearbox_oil_resid_7d")] = -1.8;
    row[at("gearbox_oil_slope_7d")] = 0.02; // barely rising: noise, not a cause
    row
}

#[test]
fn the_parts_of_a_group_follow_the_plausible_cause_direction() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let rows = vec![cooler_oil_row(), vec![0.0; N_FEATURES]];
    let (perturbed, _) = perturbed_rows(&rows);
    let slot = |k: usize| &perturbed[k * N_FEATURES..(k + 1) * N_FEATURES];
    // The cause part resets only the rising trend; the cooler level stays as measured.
    let c = slot(cause(0));
    assert_eq!(c[at("gearbox_oil_slope_7d")], 0.0);
    assert_eq!(c[at("gearbox_oil_resid_24h")], -2.1);
    assert_eq!(c[at("gearbox_oil_mean_24h")], 48.2);
    // The other part resets the cooler level to normal (50.3 °C) and leaves the trend.
    let o = slot(other(0));
    assert_eq!(o[at("gearbox_oil_resid_24h")], 0.0);
    assert_eq!(o[at("gearbox_oil_resid_7d")], 0.0);
    assert!((o[at("gearbox_oil_mean_24h")] - 50.3).abs() < 1e-4);
    assert!((o[at("gearbox_oil_max_24h")] - 54.1).abs() < 1e-4);
    assert_eq!(o[at("gearbox_oil_slope_7d")], 0.02);
}

#[test]
fn a_contribution_in_the_implausible_direction_is_said_plainly_never_a_driver() {
    // The model's risk drops by 4 points when the cooler oil is set to normal; the tiny rise
    // explains nothing.
    let mut pert = vec![0.30; 2 * GROUPS];
    pert[other(0)] = 0.26;
    let e = drivers_of(&cooler_oil_row(), 0.30, &pert, &flat_fleet());
    assert!(e.drivers.is_empty(), "{:?}", e.drivers);
    assert_eq!(e.reactions.len(), 1);
    let r = &e.reactions[0];
    assert_eq!(r.indicator, "gearbox_oil");
    assert!(!r.reads_as_cause());
    assert_eq!(
        r.reaction_phrase(Lang::En),
        "the model also reacts to gearbox oil 2.1 °C below normal for this load (+4 pts); this is not a known failure sign"
    );
    assert_eq!(
        r.reaction_phrase(Lang::Fr),
        "le modèle réagit aussi à : huile multiplicateur 2,1 °C en dessous de la normale pour cette charge (+4 pts) ; ce n'est pas un signe de panne connu"
    );
    for e in ENGLISH_FRAGMENTS {
        assert!(!r.reaction_phrase(Lang::Fr).contains(e), "{e}");
    }
}

#[test]
fn a_plausible_contribution_stays_a_driver_beside_a_reaction() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = cooler_oil_row();
    row[at("converter_mean_24h")] = 51.0;
    row[at("converter_resid_24h")] = 6.0;
    row[at("power_deficit_24h")] = -0.03; // producing 3 % more than the others
    let conv = KEY_SIGNALS
        .iter()
        .position(|(s, _)| *s == "converter")
        .unwrap();
    let mut pert = vec![0.60; 2 * GROUPS];
    pert[cause(conv)] = 0.20;
    pert[other(0)] = 0.56;
    pert[other(GROUPS - 2)] = 0.58;
    let e = drivers_of(&row, 0.60, &pert, &flat_fleet());
    assert_eq!(e.drivers.len(), 1);
    assert_eq!(
        e.drivers[0].describe(),
        "converter 6.0 °C above normal for this load; risk +40 pts"
    );
    let said: Vec<String> = e.reactions.iter().map(|r| r.phrase(Lang::En)).collect();
    assert_eq!(
        said,
        [
            "gearbox oil 2.1 °C below normal for this load",
            "power output 3.0 % of rated power above the other turbines at the same wind",
        ]
    );
}

#[test]
fn erratic_is_a_cause_and_steadier_is_not() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut fleet = flat_fleet();
    fleet.median[at("vibration_std_24h")] = 0.5;
    fleet.spread[at("vibration_std_24h")] = 0.2;
    let vib = KEY_SIGNALS.len() - 1;
    // Only the part the deviation lies in changes the row when set to normal.
    let explain = |std: f32, slot: usize| {
        let mut row = vec![0.0f32; N_FEATURES];
        row[at("vibration_mean_24h")] = 2.0;
        row[at("vibration_std_24h")] = std;
        let mut pert = vec![0.5; 2 * GROUPS];
        pert[slot] = 0.3;
        drivers_of(&row, 0.5, &pert, &fleet)
    };
    let erratic = explain(1.4, cause(vib));
    assert_eq!(erratic.drivers[0].basis, Basis::Spread);
    assert_eq!(
        erratic.drivers[0].phrase(Lang::En),
        "drivetrain vibration fluctuating 1.4 mm/s over 24 h, against 0.5 mm/s usual in the fleet"
    );
    assert_eq!(
        erratic.drivers[0].phrase(Lang::Fr),
        "vibrations chaîne cinématique : fluctuations de 1,4 mm/s sur 24 h, contre 0,5 mm/s d'habitude dans le parc"
    );
    let steadier = explain(0.1, other(vib));
    assert!(steadier.drivers.is_empty());
    assert_eq!(steadier.reactions[0].basis, Basis::Spread);
    assert!(!steadier.reactions[0].reads_as_cause());
}

#[test]
fn a_pitch_straying_less_than_its_site_is_not_a_cause() {
    let names = feature_names();
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut row = vec![0.0f32; N_FEATURES];
    row[at("pitch_absdev_24h")] = -0.6;
    let mut pert = vec![0.5; 2 * GROUPS];
    pert[other(GROUPS - 1)] = 0.4;
    let e = drivers_of(&row, 0.5, &pert, &flat_fleet());
    assert!(e.drivers.is_empty());
    assert_eq!(
        e.reactions[0].phrase(Lang::En),
        "blade pitch 0.6° closer to the pitch expected at this wind than the other turbines of its site"
    );
    assert_eq!(
        e.reactions[0].phrase(Lang::Fr),
        "pas des pales 0,6° plus près du pas attendu à ce vent que les autres éoliennes de son site"
    );
}

#[test]
fn stored_drivers_read_back_apart_and_old_rows_are_placed_by_how_they_read() {
    let hotter = Driver {
        indicator: "converter".into(),
        feature: "converter_resid_24h".into(),
        value: 51.0,
        reference: 45.0,
        unit: "°C".into(),
        basis: Basis::Load,
        contribution: 0.4,
    };
    let cooler = Driver {
        indicator: "gearbox_oil".into(),
        feature: "gearbox_oil_resid_24h".into(),
        value: 48.2,
        reference: 50.3,
        unit: "°C".into(),
        basis: Basis::Load,
        contribution: 0.04,
    };
    let json = stored_json(std::slice::from_ref(&hotter), std::slice::from_ref(&cooler));
    assert_eq!(
        from_stored(Some(&json)),
        (vec![hotter.clone()], vec![cooler.clone()])
    );
    // A row stored before model reactions existed: one list, no mark. The cooler oil it once
    // presented as a cause now reads as a model reaction; no migration.
    let old = r#"[{"indicator":"converter","feature":"converter_resid_24h","value":51.0,"reference":45.0,"unit":"°C","basis":"load","contribution":0.4},{"indicator":"gearbox_oil","feature":"gearbox_oil_resid_24h","value":48.2,"reference":50.3,"unit":"°C","basis":"load","contribution":0.04}]"#;
    assert_eq!(from_stored(Some(old)), (vec![hotter], vec![cooler]));
    // No driver, or a text that is not a list of drivers: nothing, never an error.
    assert_eq!(from_stored(None), (vec![], vec![]));
    assert_eq!(from_stored(Some("not json")), (vec![], vec![]));
}
