//! Tests of the all-sites view over a database whose hub copy is filled as the sync fills it,
//! beside a run scored here.

use super::*;
use crate::risk::Category::{Critical, High, Low};
use crate::runs::drivers::{stored_json, Basis};
use crate::runs::Driver;
use crate::workflow::events::{self, Action, Event};

const DAY: i64 = 86_400;
/// A UTC midnight.
const MIDNIGHT: i64 = 1_796_083_200;
/// 06:05 UTC that day: "now" in these tests.
const NOW: i64 = MIDNIGHT + 6 * 3600 + 5 * 60;
const ME: &str = "11111111-1111-4111-8111-111111111111";
const LYON_WS1: &str = "22222222-2222-4222-8222-222222222222";

fn winding(per_day: f64) -> Driver {
    Driver {
        indicator: "generator_winding".into(),
        feature: "generator_winding_slope_7d".into(),
        value: per_day,
        reference: 0.0,
        unit: "°C/d".into(),
        basis: Basis::Trend,
        contribution: 0.2,
    }
}

/// This cockpit scores Valence (VAL-01 high, VAL-02 low) in a run ended at 05:40; the hub copy
/// says LYON-WS1 scores Lyon (LYO-01 critical, LYO-02 not scored yet), its run ended at 06:01
/// and it synced at 06:02.
fn two_sites() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let conn = store.conn_mut();
    for (i, t) in ["VAL-01", "VAL-02"].iter().enumerate() {
        conn.execute(
            "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (?1, ?2, 'Valence', 'V90', 2000, 44.9, 4.9, '2015-01-01')",
            params![i as i64 + 1, t],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, turbines)
         VALUES ('daily', ?1, ?2, 60000, 'succeeded', ?3, 2)",
        params![NOW - 30 * 60, NOW - 25 * 60, MIDNIGHT],
    )
    .unwrap();
    let run = conn.last_insert_rowid();
    for (key, cat, score) in [(1, High, 72.0), (2, Low, 8.0)] {
        conn.execute(
            "INSERT INTO predictions (turbine, run, scored, risk_score, category, p_fail_7d, drivers)
             VALUES (?1, ?2, 1, ?3, ?4, 0.4, ?5)",
            params![key, run, score, cat.as_str(), stored_json(&[winding(1.5)], &[])],
        )
        .unwrap();
    }
    for (k, v) in [
        (COCKPIT_ID_KEY, ME.to_string()),
        (LAST_SYNC_KEY, (NOW - 20 * 60).to_string()),
    ] {
        crate::store::put_setting(conn, k, &v).unwrap();
    }
    conn.execute_batch(&format!(
        "INSERT INTO hub_cockpits (id, name, last_sync, clock_offset_s) VALUES
             ('{LYON_WS1}', 'LYON-WS1', {sync}, 0), ('{ME}', 'VAL-WS', NULL, 0);
         INSERT INTO hub_sites (site, scored_by, since) VALUES
             ('Lyon', '{LYON_WS1}', {since}), ('Valence', '{ME}', {since});
         INSERT INTO hub_turbines VALUES
             ('LYO-01', 'Lyon', 'E82', 2300, 45.7, 4.8, '2012-05-01', '{LYON_WS1}'),
             ('LYO-02', 'Lyon', 'E82', 2300, 45.7, 4.8, '2012-05-01', '{LYON_WS1}');",
        sync = NOW - 3 * 60,
        since = MIDNIGHT - 30 * DAY,
    ))
    .unwrap();
    conn.execute(
        "INSERT INTO hub_latest (turbine_id, run, site, cockpit, trigger, ended_at, as_of,
                                 scored, risk_score, category, p_fail_7d, drivers)
         VALUES ('LYO-01', 'a-run-uuid', 'Lyon', ?1, 'daily', ?2, ?3, 1, 91.0, 'critical', 0.8, ?4)",
        params![
            LYON_WS1,
            NOW - 4 * 60,
            MIDNIGHT,
            stored_json(&[winding(2.5)], &[])
        ],
    )
    .unwrap();
    store
}

#[test]
fn every_site_shows_who_scores_it_and_how_fresh_in_both_languages() {
    let store = two_sites();
    let en = all_sites(&store, Lang::En, NOW).unwrap();
    let names: Vec<&str> = en.sites.iter().map(|s| s.site.as_str()).collect();
    // Lyon has the riskiest turbine (critical, 91) and comes first, as the fleet view ranks.
    assert_eq!(names, ["Lyon", "Valence"]);
    assert_eq!(
        en.sites[0].freshness,
        "Lyon scored by LYON-WS1 at 06:01, synced 06:02"
    );
    assert_eq!(
        en.sites[1].freshness,
        "Valence scored here at 05:40, synced 05:45"
    );
    assert!(!en.sites[0].here && en.sites[1].here);
    assert_eq!(en.sites[0].scored_by.as_deref(), Some("LYON-WS1"));
    assert_eq!(en.summary, "2 sites, 1 scored here");

    let fr = all_sites(&store, Lang::Fr, NOW).unwrap();
    assert_eq!(
        fr.sites[0].freshness,
        "Lyon noté par LYON-WS1 à 06:01, synchronisé à 06:02"
    );
    assert_eq!(
        fr.sites[1].freshness,
        "Valence noté ici à 05:40, synchronisé à 05:45"
    );
    assert_eq!(fr.summary, "2 sites, dont 1 noté ici");
}

#[test]
fn each_turbine_carries_its_latest_prediction_in_the_fleet_views_words() {
    let store = two_sites();
    let view = all_sites(&store, Lang::En, NOW).unwrap();
    let lyon = &view.sites[0];
    let ids: Vec<&str> = lyon
        .turbines
        .iter()
        .map(|t| t.turbine_id.as_str())
        .collect();
    assert_eq!(ids, ["LYO-01", "LYO-02"], "scored first, not-scored last");
    let t = &lyon.turbines[0];
    assert_eq!(t.category, Some(Critical));
    assert_eq!(t.risk_score, Some(91.0));
    assert_eq!(t.p_fail_7d, Some(0.8));
    assert_eq!(t.text.category, "critical");
    assert_eq!(t.text.drivers, [winding(2.5).phrase(Lang::En)]);
    assert!(!lyon.turbines[1].scored);
    assert_eq!(lyon.counts.critical, 1);
    assert_eq!(lyon.counts.not_scored, 1);

    let valence = &view.sites[1];
    assert_eq!(valence.turbines[0].turbine_id, "VAL-01");
    assert_eq!(valence.turbines[0].category, Some(High));
    assert_eq!(valence.counts.high + valence.counts.low, 2);
    let fr = all_sites(&store, Lang::Fr, NOW).unwrap();
    assert_eq!(fr.sites[0].turbines[0].text.category, "critique");
    assert_eq!(
        fr.sites[0].turbines[0].text.drivers,
        [winding(2.5).phrase(Lang::Fr)]
    );
}

#[test]
fn a_pulled_alert_shows_on_the_other_sites_turbine() {
    let store = two_sites();
    let alert = events::new_id();
    let raised = Event {
        id: events::new_id(),
        at: NOW - 5 * 60,
        author: "cockpit".into(),
        machine: "LYON-WS1".into(),
        subject: alert.clone(),
        turbine_id: "LYO-01".into(),
        action: Action::AlertRaised {
            category: Critical,
            from: None,
            as_of: MIDNIGHT,
        },
    };
    let acknowledged = Event {
        id: events::new_id(),
        at: NOW - 60,
        author: "karim".into(),
        machine: "LYON-WS1".into(),
        subject: alert,
        turbine_id: "LYO-01".into(),
        action: Action::AlertAcknowledged { note: None },
    };
    events::record(store.conn(), &[raised, acknowledged]).unwrap();
    let view = all_sites(&store, Lang::En, NOW).unwrap();
    let t = &view.sites[0].turbines[0];
    let a = t.alert.as_ref().expect("the pulled alert shows");
    assert_eq!(a.status, crate::workflow::AlertStatus::Acknowledged);
    assert_eq!(a.text.status, "acknowledged");
    assert!(view.sites[0].turbines[1].alert.is_none());
    assert!(view.sites[1].turbines.iter().all(|t| t.alert.is_none()));
}

#[test]
fn before_any_sync_the_view_is_this_cockpits_own_sites() {
    let store = two_sites();
    store
        .conn()
        .execute_batch(
            "DELETE FROM hub_latest; DELETE FROM hub_turbines; DELETE FROM hub_sites;
             DELETE FROM hub_cockpits; DELETE FROM settings WHERE key = 'hub.last_sync';",
        )
        .unwrap();
    let view = all_sites(&store, Lang::En, NOW).unwrap();
    assert_eq!(view.sites.len(), 1);
    assert_eq!(
        view.sites[0].freshness,
        "Valence scored here at 05:40, not synced yet"
    );
    assert!(!has_hub_sites(&store).unwrap());
}

#[test]
fn a_site_another_cockpit_holds_shows_the_hubs_picture_and_says_local_runs_stay_local() {
    let store = two_sites();
    store
        .conn()
        .execute(
            "UPDATE hub_sites SET scored_by = ?1 WHERE site = 'Valence'",
            [LYON_WS1],
        )
        .unwrap();
    let view = all_sites(&store, Lang::En, NOW).unwrap();
    let valence = view.sites.iter().find(|s| s.site == "Valence").unwrap();
    assert!(!valence.here);
    assert_eq!(
        valence.freshness,
        "Valence scored by LYON-WS1, no run shared yet, synced 06:02; \
         this cockpit's runs for it stay local"
    );
    // Nothing of Valence pulled yet: its turbines are this cockpit's own rows meanwhile.
    assert_eq!(valence.turbines.len(), 2);
}

#[test]
fn an_open_intervention_shows_on_its_turbine_until_it_is_done() {
    let mut store = two_sites();
    let actor = crate::workflow::Actor {
        author: "karim".into(),
        machine: "VAL-WS".into(),
    };
    let plan = crate::workflow::Plan {
        turbine: "VAL-01".into(),
        alert: None,
        component: "generator_winding".into(),
        due: "2026-12-03".into(),
        action: None,
        team: None,
        priority: None,
        note: None,
    };
    crate::workflow::interventions::plan(&mut store, &actor, &plan).unwrap();
    let view = all_sites(&store, Lang::En, NOW).unwrap();
    let valence = &view.sites[1];
    assert_eq!(valence.turbines[0].turbine_id, "VAL-01");
    let open = &valence.turbines[0].interventions;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].text.status, "planned");
    assert!(valence.turbines[1].interventions.is_empty());
    let fr = all_sites(&store, Lang::Fr, NOW).unwrap();
    assert_eq!(
        fr.sites[1].turbines[0].interventions[0].text.status,
        "planifiée"
    );
}
