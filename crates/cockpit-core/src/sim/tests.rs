//! Tests of the simulator: contract, determinism, physics, failures and precursors.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::channels;
use super::fleet::{downtime_range, Failure, FleetPlan, Precursor, STEPS_PER_DAY};
use super::turbine::{power_curve, StormControl};
use super::*;
use crate::schema::{self, Component, Status, SIGNALS};

/// 2026-01-01T00:00:00Z
const JAN_2026: i64 = 1_767_225_600;
/// 2026-06-01T00:00:00Z
const JUN_2026: i64 = 1_780_272_000;

fn quiet() -> Options {
    Options {
        threads: None,
        artefacts: false,
    }
}

fn lyon(turbines: usize, days: u32, seed: u64, start: i64) -> SimConfig {
    let mut cfg = SimConfig::new(turbines, days, seed, start);
    cfg.site = Some(SiteSpec::lyon());
    cfg
}

#[derive(Debug)]
struct Row {
    ts: i64,
    id: String,
    vals: [Option<f64>; 16],
    status: Status,
}

impl Row {
    fn v(&self, name: &str) -> Option<f64> {
        self.vals[schema::signal_index(name).unwrap()]
    }
}

/// Parses and checks `scada.csv` against the contract; returns its rows.
fn read_scada(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.split('\n');
    assert_eq!(lines.next().unwrap(), schema::scada_columns().join(","));
    assert!(text.ends_with('\n') && !text.contains('\r'));
    let mut rows = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), SIGNALS.len() + 3, "{line}");
        let ts = schema::parse_timestamp(f[0]).unwrap();
        assert_eq!(schema::format_timestamp(ts), f[0], "canonical timestamp");
        assert_eq!(ts % schema::RECORD_SECONDS, 0);
        let mut vals = [None; 16];
        for (i, sig) in SIGNALS.iter().enumerate() {
            let field = f[i + 2];
            if field.is_empty() {
                assert!(!sig.required, "{} missing in {line}", sig.name);
                continue;
            }
            let v: f64 = field.parse().unwrap();
            assert!(
                v >= sig.min && v <= sig.max,
                "{} = {v} out of range in {line}",
                sig.name
            );
            let decimals = field.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 2, "{field}");
            vals[i] = Some(v);
        }
        rows.push(Row {
            ts,
            id: f[1].to_string(),
            vals,
            status: Status::parse(f[SIGNALS.len() + 2]).unwrap(),
        });
    }
    rows
}

struct LogRow {
    id: String,
    component: Component,
    failure: i64,
    back: Option<i64>,
    action: String,
    precursor: Option<i64>,
}

fn read_logbook(path: &Path) -> Vec<LogRow> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, schema::LOGBOOK_COLUMNS);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            LogRow {
                id: rec[0].to_string(),
                component: Component::parse(&rec[1]).unwrap(),
                failure: schema::parse_timestamp(&rec[2]).unwrap(),
                back: (!rec[3].is_empty()).then(|| schema::parse_timestamp(&rec[3]).unwrap()),
                action: rec[4].to_string(),
                precursor: (!rec[5].is_empty()).then(|| schema::parse_timestamp(&rec[5]).unwrap()),
            }
        })
        .collect()
}

/// `(id, site, model, rated, lat, lon, commissioning)` rows of `turbines.csv`.
type RegRow = (String, String, String, f64, f64, f64, i64);

fn read_registry(path: &Path) -> Vec<RegRow> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, schema::REGISTRY_COLUMNS);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec[6].len(), 10, "date YYYY-MM-DD");
            (
                rec[0].to_string(),
                rec[1].to_string(),
                rec[2].to_string(),
                rec[3].parse().unwrap(),
                rec[4].parse().unwrap(),
                rec[5].parse().unwrap(),
                schema::parse_timestamp(&rec[6]).unwrap(),
            )
        })
        .collect()
}

fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (s, n) = xs
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    assert!(n > 0, "mean of nothing");
    s / n as f64
}

#[test]
fn signal_indices_match_the_schema() {
    let expected = [
        (channels::WIND, "wind_speed_ms"),
        (channels::DIR, "wind_dir_deg"),
        (channels::POWER, "power_kw"),
        (channels::ROTOR, "rotor_rpm"),
        (channels::GEN, "generator_rpm"),
        (channels::PITCH, "pitch_deg"),
        (channels::AMB, "ambient_temp_c"),
        (channels::NAC, "nacelle_temp_c"),
        (channels::OIL, "gearbox_oil_temp_c"),
        (channels::GBB, "gearbox_bearing_temp_c"),
        (channels::GENB, "generator_bearing_temp_c"),
        (channels::WDG, "generator_winding_temp_c"),
        (channels::HYD, "hydraulic_oil_temp_c"),
        (channels::CONV, "converter_temp_c"),
        (channels::TRAFO, "transformer_temp_c"),
        (channels::VIB, "vibration_mm_s"),
    ];
    assert_eq!(SIGNALS.len(), channels::N_SIGNALS);
    for (i, name) in expected {
        assert_eq!(schema::signal_index(name), Some(i), "{name}");
    }
    // Only wind speed and power are required: the simulator never leaves them empty.
    let required: Vec<_> = SIGNALS
        .iter()
        .filter(|s| s.required)
        .map(|s| s.name)
        .collect();
    assert_eq!(required, ["wind_speed_ms", "power_kw"]);
}

#[test]
fn same_config_gives_identical_bytes_whatever_the_thread_count() {
    let mut cfg = SimConfig::new(7, 3, 42, JAN_2026);
    cfg.failure_rate_per_year = 30.0;
    let read = |dir: &Path| -> Vec<Vec<u8>> {
        [SCADA_FILE, REGISTRY_FILE, LOGBOOK_FILE]
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap())
            .collect()
    };
    let mut outputs = Vec::new();
    for threads in [Some(1), Some(3), None] {
        let dir = tempfile::tempdir().unwrap();
        let opts = Options {
            threads,
            artefacts: true,
        };
        simulate_with(&cfg, dir.path(), &opts).unwrap();
        outputs.push(read(dir.path()));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);

    let dir = tempfile::tempdir().unwrap();
    let mut other = cfg.clone();
    other.seed = 43;
    simulate(&other, dir.path()).unwrap();
    let different = read(dir.path());
    assert_ne!(outputs[0][0], different[0], "another seed, other SCADA");
    assert_ne!(outputs[0][1], different[1], "another seed, other registry");
}

#[test]
fn files_follow_the_data_contract_with_gaps_and_sensor_faults() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = SimConfig::new(30, 10, 7, JAN_2026);
    cfg.failure_rate_per_year = 20.0;
    let out = dir.path().join("nested/out");
    let summary = simulate(&cfg, &out).unwrap();
    assert_eq!(
        summary.files,
        [
            out.join("scada.csv"),
            out.join("turbines.csv"),
            out.join("logbook.csv")
        ]
    );
    assert!(!out.join("scada.csv.partial").exists());
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["turbines"], 30);
    assert_eq!(json["files"].as_array().unwrap().len(), 3);

    let registry = read_registry(&summary.files[1]);
    assert_eq!(registry.len(), 30);
    let ids: Vec<&str> = registry.iter().map(|r| r.0.as_str()).collect();
    let rows = read_scada(&summary.files[0]);
    assert_eq!(rows.len() as u64, summary.scada_rows);
    let full = 30 * 10 * 144;
    assert!(rows.len() < full, "communication gaps remove rows");
    assert!(
        rows.len() > full * 97 / 100,
        "but only a few: {}",
        rows.len()
    );

    // Turbine-major, time-ascending, within the period, registry ids only.
    let end = cfg.start + 10 * 86_400;
    let mut order = Vec::new();
    for w in rows.windows(2) {
        if w[0].id == w[1].id {
            assert!(w[1].ts > w[0].ts);
        } else {
            order.push(w[1].id.clone());
        }
    }
    order.insert(0, rows[0].id.clone());
    assert_eq!(order, ids, "one block per turbine, in registry order");
    assert!(rows.iter().all(|r| r.ts >= cfg.start && r.ts < end));

    // Individually missing values, stuck sensors and spikes are present.
    let missing = rows
        .iter()
        .filter(|r| r.vals.iter().any(Option::is_none))
        .count();
    assert!(missing > 100 && missing < rows.len() / 50, "{missing}");
    let mut longest_frozen = 0;
    for s in [
        channels::GBB,
        channels::WDG,
        channels::NAC,
        channels::OIL,
        channels::CONV,
    ] {
        let mut run = 0;
        for w in rows.windows(2) {
            let same = w[0].id == w[1].id && w[0].vals[s].is_some() && w[0].vals[s] == w[1].vals[s];
            run = if same { run + 1 } else { 0 };
            longest_frozen = longest_frozen.max(run);
        }
    }
    assert!(
        longest_frozen >= 12,
        "a sensor frozen for 2 h or more: {longest_frozen}"
    );

    // Registry and logbook.
    for (id, site, model, rated, lat, lon, comm) in &registry {
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(!site.is_empty() && !model.is_empty());
        assert!((1000.0..=3000.0).contains(rated));
        assert!(
            (41.0..52.0).contains(lat) && (-6.0..10.0).contains(lon),
            "France"
        );
        assert!(*comm < cfg.start);
    }
    let log = read_logbook(&summary.files[2]);
    assert_eq!(log.len(), summary.failures);
    assert!(log.len() >= 5);
    for l in &log {
        assert!(ids.contains(&l.id.as_str()));
        assert!(l.failure >= cfg.start && l.failure < end);
        assert!(!l.action.is_empty());
        if let Some(b) = l.back {
            assert!(b > l.failure && b < end);
        }
    }
}

#[test]
fn generated_fleet_is_split_into_sites_with_unique_ids() {
    let cfg = SimConfig::new(230, 1, 5, JAN_2026);
    let plan = FleetPlan::build(&cfg);
    assert_eq!(plan.turbines.len(), 230);
    assert!(plan.sites.len() >= 10);
    let mut next = 0;
    for s in &plan.sites {
        assert!(s.count <= 25 && s.count >= 1);
        assert_eq!(s.first, next);
        next += s.count;
        assert!(s.code.len() == 3 && s.code.starts_with('S'), "{}", s.code);
    }
    let ids: HashSet<&str> = plan.turbines.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), 230);
    assert_eq!(plan.turbines[0].id, "S01-01");
    let names: HashSet<&str> = plan.sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), plan.sites.len(), "site names are unique");
}

#[test]
fn the_lyon_site_has_its_ids_model_and_coordinates() {
    let cfg = lyon(20, 1, 2026, JAN_2026);
    let plan = FleetPlan::build(&cfg);
    let ids: Vec<&str> = plan.turbines.iter().map(|t| t.id.as_str()).collect();
    let expected: Vec<String> = (1..=20).map(|i| format!("LYO-{i:02}")).collect();
    assert_eq!(ids, expected);
    let site = SiteSpec::lyon();
    for t in &plan.turbines {
        let dy = (t.latitude - site.latitude) * 111.3;
        let dx = (t.longitude - site.longitude) * 111.3 * site.latitude.to_radians().cos();
        let km = (dx * dx + dy * dy).sqrt();
        assert!(km < 5.0, "{} is {km:.1} km away", t.id);
    }
    let min_spacing = plan
        .turbines
        .iter()
        .flat_map(|a| {
            plan.turbines
                .iter()
                .filter(move |b| b.id != a.id)
                .map(move |b| (a, b))
        })
        .map(|(a, b)| ((a.x_m - b.x_m).powi(2) + (a.y_m - b.y_m).powi(2)).sqrt())
        .fold(f64::MAX, f64::min);
    assert!(
        min_spacing > 200.0,
        "turbines at least 2 rotor diameters apart: {min_spacing}"
    );
    let m = &plan.sites[0].model;
    assert_eq!(
        (m.name.as_str(), m.rated_kw, m.gearbox_ratio),
        ("SWT-2.3-93", 2300.0, 91.0)
    );
}

#[test]
fn power_curve_and_storm_control() {
    let (ci, rated) = (3.0, 12.5);
    assert_eq!(power_curve(2.99, ci, rated, 1.0), 0.0);
    assert_eq!(power_curve(0.0, ci, rated, 1.0), 0.0);
    let mut last = 0.0;
    for i in 300..3000 {
        let p = power_curve(f64::from(i) / 100.0, ci, rated, 1.0);
        assert!(p >= last && p <= 1.0);
        last = p;
    }
    assert!(power_curve(7.0, ci, rated, 1.0) > 0.15 && power_curve(7.0, ci, rated, 1.0) < 0.3);
    assert!(power_curve(rated, ci, rated, 1.0) > 0.9);
    assert!(power_curve(rated + 1.5, ci, rated, 1.0) > 0.98);

    let mut c = StormControl::default();
    let winds = [24.0, 25.2, 24.0, 21.0, 19.9, 24.0];
    let stopped: Vec<bool> = winds.iter().map(|&w| c.update(w, 25.0, 20.0)).collect();
    assert_eq!(stopped, [false, true, true, true, false, false]);
}

#[test]
fn output_follows_the_power_curve_and_the_drivetrain_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = lyon(6, 40, 11, JAN_2026);
    cfg.failure_rate_per_year = 0.0;
    let summary = simulate_with(&cfg, dir.path(), &quiet()).unwrap();
    assert_eq!(summary.failures, 0);
    let rows = read_scada(&summary.files[0]);
    assert_eq!(rows.len(), 6 * 40 * 144, "no gaps without artefacts");
    let rated = 2300.0;
    let running = |r: &&Row| r.status == Status::Running;
    let wind = |r: &Row| r.v("wind_speed_ms").unwrap();
    let power = |r: &Row| r.v("power_kw").unwrap();

    assert!(rows
        .iter()
        .all(|r| r.status != Status::Fault && r.status != Status::Maintenance));
    for r in &rows {
        if wind(r) < 3.0 || r.status != Status::Running {
            assert!(power(r) <= 0.0, "no production: {r:?}");
        }
        if wind(r) > 25.01 {
            assert_eq!(r.status, Status::Stopped, "cut-out: {r:?}");
        }
        if power(r) <= 0.0 {
            assert!(power(r) > -0.02 * rated, "auxiliary consumption only");
        }
    }
    let high: Vec<&Row> = rows
        .iter()
        .filter(running)
        .filter(|r| (14.5..24.0).contains(&wind(r)))
        .collect();
    assert!(high.len() > 50, "{}", high.len());
    assert!(high
        .iter()
        .all(|r| power(r) > 0.9 * rated && power(r) <= 1.02 * rated));
    let mid = mean(
        rows.iter()
            .filter(running)
            .filter(|r| (7.0..7.5).contains(&wind(r)))
            .map(power),
    );
    assert!(mid > 0.12 * rated && mid < 0.3 * rated, "{mid}");

    // Generator speed = rotor speed × gearbox ratio (91 for the SWT-2.3-93).
    let mut n = 0;
    for r in rows.iter().filter(|r| r.v("rotor_rpm").unwrap() > 2.0) {
        let ratio = r.v("generator_rpm").unwrap() / r.v("rotor_rpm").unwrap();
        assert!((ratio - 91.0).abs() < 91.0 * 0.015, "{ratio}");
        n += 1;
    }
    assert!(n > 1000);
    assert!(rows
        .iter()
        .all(|r| r.v("rotor_rpm").unwrap() <= 16.0 * 1.05));

    // Pitch: fine below rated, rising above rated; vibration grows with speed.
    let pitch_low = mean(
        rows.iter()
            .filter(running)
            .filter(|r| (5.0..9.0).contains(&wind(r)))
            .map(|r| r.v("pitch_deg").unwrap()),
    );
    assert!((0.0..2.0).contains(&pitch_low), "{pitch_low}");
    let pitch_high = mean(high.iter().map(|r| r.v("pitch_deg").unwrap()));
    assert!(pitch_high > 5.0, "{pitch_high}");
    let vib = |lo: f64, hi: f64| {
        mean(
            rows.iter()
                .filter(running)
                .filter(|r| (lo..hi).contains(&wind(r)))
                .map(|r| r.v("vibration_mm_s").unwrap()),
        )
    };
    assert!(vib(10.0, 20.0) > 2.0 * vib(3.5, 5.0));

    // Winter in Lyon: plausible ambient temperatures, components warmer under load.
    let amb = mean(rows.iter().map(|r| r.v("ambient_temp_c").unwrap()));
    assert!((-3.0..10.0).contains(&amb), "{amb}");
    let wdg = |lo: f64, hi: f64| {
        mean(
            rows.iter()
                .filter(running)
                .filter(|r| (lo..hi).contains(&power(r)))
                .map(|r| r.v("generator_winding_temp_c").unwrap() - r.v("ambient_temp_c").unwrap()),
        )
    };
    assert!(wdg(0.8 * rated, 2.0 * rated) > wdg(-100.0, 0.1 * rated) + 30.0);
    let mean_wind = mean(rows.iter().map(wind));
    assert!((4.5..11.5).contains(&mean_wind), "{mean_wind}");
}

#[test]
fn failure_plan_has_all_modes_and_at_least_a_quarter_without_precursor() {
    let cfg = SimConfig::new(400, 365, 3, JAN_2026);
    let plan = FleetPlan::build(&cfg);
    let all: Vec<&Failure> = plan.turbines.iter().flat_map(|t| &t.failures).collect();
    assert!(all.len() > 800 && all.len() < 1100, "{}", all.len());
    let modes: HashSet<Component> = all.iter().map(|f| f.component).collect();
    assert!(modes.len() >= 5, "{modes:?}");
    let without = plan.failures_without_precursor();
    let share = without as f64 / all.len() as f64;
    assert!((0.25..0.33).contains(&share), "{share}");

    let mut leads = Vec::new();
    for t in &plan.turbines {
        for w in t.failures.windows(2) {
            assert!(w[1].start >= w[0].end, "no failure during a repair");
        }
        for f in &t.failures {
            assert!(f.start < f.repair_start && f.repair_start < f.end);
            let (lo, hi) = downtime_range(f.component);
            let days = (f.end - f.start) as f64 / 144.0;
            assert!(days >= lo - 0.01 && days <= hi + 0.01, "{days}");
            if let Some(p) = f.precursor {
                let lead = (f.start - p.onset) as f64 / 144.0;
                assert!((0.08..=45.0).contains(&lead), "{lead}");
                leads.push(lead);
            }
        }
    }
    leads.sort_by(f64::total_cmp);
    let median = leads[leads.len() / 2];
    assert!((8.0..20.0).contains(&median), "{median}");
    let short = leads.iter().filter(|&&l| l < 5.0).count() as f64 / leads.len() as f64;
    assert!(
        short < 0.15,
        "most precursors start at least 5 days ahead: {short}"
    );

    // Small fleets too: at least a quarter without precursor whenever there are failures.
    for seed in 0..40 {
        let plan = FleetPlan::build(&SimConfig::new(3, 90, seed, JAN_2026));
        let n = plan.failure_count();
        if n > 0 {
            assert!(plan.failures_without_precursor() * 4 >= n, "seed {seed}");
        }
    }
}

/// Mean of `signal(turbine) − signal(reference)` over the steps `[from, to)` of the period.
fn excess(
    rows: &[Row],
    start: i64,
    id: &str,
    reference: &str,
    signal: &str,
    from: i64,
    to: i64,
) -> f64 {
    let series = |who: &str| -> HashMap<i64, f64> {
        rows.iter()
            .filter(|r| r.id == who)
            .filter_map(|r| Some(((r.ts - start) / 600, r.v(signal)?)))
            .filter(|(k, _)| (from..to).contains(k))
            .collect()
    };
    let (a, b) = (series(id), series(reference));
    mean(a.iter().filter_map(|(k, v)| Some(v - b.get(k)?)))
}

#[test]
fn precursors_announce_failures_and_repairs_stop_production() {
    let mut cfg = lyon(7, 40, 9, JUN_2026);
    cfg.failure_rate_per_year = 0.0;
    let mut plan = FleetPlan::build(&cfg);
    let day = STEPS_PER_DAY;
    let cases = [
        (Component::GearboxBearing, "gearbox_bearing_temp_c"),
        (Component::GeneratorBearing, "generator_bearing_temp_c"),
        (Component::GeneratorWinding, "generator_winding_temp_c"),
        (Component::PitchHydraulic, "hydraulic_oil_temp_c"),
        (Component::Converter, "converter_temp_c"),
        (Component::Transformer, "transformer_temp_c"),
    ];
    let (fail, onset) = (30 * day, 18 * day);
    for (i, (component, _)) in cases.iter().enumerate() {
        plan.turbines[i + 1].failures = vec![Failure {
            component: *component,
            start: fail,
            repair_start: fail + day / 2,
            end: fail + 4 * day,
            action: "test repair",
            precursor: Some(Precursor {
                onset,
                amplitude_c: 20.0,
                shape: 3.0,
                vibration_mm_s: 4.0,
                power_deficit: 0.06,
                pitch_offset_deg: 3.0,
            }),
        }];
    }
    let dir = tempfile::tempdir().unwrap();
    let summary = run_plan(&cfg, &plan, dir.path(), &quiet()).unwrap();
    assert_eq!(
        (summary.failures, summary.failures_without_precursor),
        (6, 0)
    );
    let rows = read_scada(&summary.files[0]);
    let start = cfg.start;

    for (i, (component, signal)) in cases.iter().enumerate() {
        let id = format!("LYO-{:02}", i + 2);
        let baseline = excess(&rows, start, &id, "LYO-01", signal, 5 * day, onset);
        let early = excess(&rows, start, &id, "LYO-01", signal, onset, onset + 2 * day) - baseline;
        let late = excess(&rows, start, &id, "LYO-01", signal, fail - day, fail) - baseline;
        assert!(
            early.abs() < 3.0,
            "{component}: subtle at first ({early:.1} °C)"
        );
        assert!(
            late > 5.0,
            "{component}: clearly abnormal before the failure ({late:.1} °C)"
        );
    }
    // Bearing damage also shows in the vibration.
    let vib_base = excess(
        &rows,
        start,
        "LYO-02",
        "LYO-01",
        "vibration_mm_s",
        5 * day,
        onset,
    );
    let vib_late = excess(
        &rows,
        start,
        "LYO-02",
        "LYO-01",
        "vibration_mm_s",
        fail - day,
        fail,
    );
    assert!(vib_late - vib_base > 1.0, "{vib_base} {vib_late}");

    // Downtime: fault, then maintenance, no production, rotor stopped; then back to work.
    for i in 2..=7 {
        let id = format!("LYO-{i:02}");
        let mine: Vec<&Row> = rows.iter().filter(|r| r.id == id).collect();
        for r in &mine {
            let k = (r.ts - start) / 600;
            if (fail..fail + 4 * day).contains(&k) {
                let expected = if k < fail + day / 2 {
                    Status::Fault
                } else {
                    Status::Maintenance
                };
                assert_eq!(r.status, expected);
                assert!(r.v("power_kw").unwrap() <= 0.0);
                assert_eq!(r.v("rotor_rpm"), Some(0.0));
                assert!(r.v("pitch_deg").unwrap() > 80.0);
            }
        }
        let after: Vec<&&Row> = mine
            .iter()
            .filter(|r| r.ts >= start + (fail + 4 * day) * 600)
            .collect();
        assert!(after
            .iter()
            .all(|r| matches!(r.status, Status::Running | Status::Stopped)));
        assert!(
            after.iter().any(|r| r.v("power_kw").unwrap() > 100.0),
            "{id} produces again"
        );
        // Cooling down during the repair.
        let cool = excess(
            &rows,
            start,
            &id,
            "LYO-01",
            "generator_winding_temp_c",
            fail + 2 * day,
            fail + 4 * day,
        );
        assert!(
            cool < 0.0,
            "{id}: a stopped generator is cooler than a running one ({cool:.1})"
        );
    }

    let log = read_logbook(&summary.files[2]);
    assert_eq!(log.len(), 6);
    for l in &log {
        assert_eq!(l.failure, start + fail * 600);
        assert_eq!(l.back, Some(start + (fail + 4 * day) * 600));
        assert_eq!(l.action, "test repair");
    }
    let logged: HashSet<Component> = log.iter().map(|l| l.component).collect();
    assert_eq!(logged.len(), 6);
}

#[test]
fn the_logbook_says_when_each_precursor_began_and_which_failures_had_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = lyon(8, 60, 4, JUN_2026);
    cfg.failure_rate_per_year = 15.0;
    let summary = simulate(&cfg, dir.path()).unwrap();
    let log = read_logbook(&summary.files[2]);
    let plan = FleetPlan::build(&cfg);
    let planned: Vec<(String, i64, Option<i64>)> = plan
        .turbines
        .iter()
        .flat_map(|t| {
            t.failures.iter().map(|f| {
                (
                    t.id.clone(),
                    cfg.start + f.start * 600,
                    f.precursor.map(|p| cfg.start + p.onset * 600),
                )
            })
        })
        .collect();
    assert_eq!(log.len(), planned.len());
    for l in &log {
        let want = planned
            .iter()
            .find(|(id, at, _)| *id == l.id && *at == l.failure)
            .unwrap();
        assert_eq!(l.precursor, want.2, "{} {}", l.id, l.failure);
        if let Some(p) = l.precursor {
            assert!(p < l.failure);
        }
    }
    let without = log.iter().filter(|l| l.precursor.is_none()).count();
    assert_eq!(without, summary.failures_without_precursor);
    assert!(
        without > 0 && without < log.len(),
        "{without} of {}",
        log.len()
    );
}

#[test]
fn random_failures_match_the_logbook_and_open_repairs_have_no_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = lyon(8, 45, 4, JUN_2026);
    cfg.failure_rate_per_year = 15.0;
    let summary = simulate(&cfg, dir.path()).unwrap();
    let rows = read_scada(&summary.files[0]);
    let log = read_logbook(&summary.files[2]);
    assert!(log.len() >= 6, "{}", log.len());
    let end = cfg.start + 45 * 86_400;
    for l in &log {
        let back = l.back.unwrap_or(end);
        assert!(back > l.failure);
        let (lo, hi) = downtime_range(l.component);
        if l.back.is_some() {
            let days = (back - l.failure) as f64 / 86_400.0;
            assert!(days >= lo - 0.01 && days <= hi + 0.01);
        } else {
            assert!(
                l.failure + (lo * 86_400.0) as i64 >= end - 600,
                "open only if it ends later"
            );
        }
        for r in rows
            .iter()
            .filter(|r| r.id == l.id && r.ts >= l.failure && r.ts < back)
        {
            assert!(
                matches!(r.status, Status::Fault | Status::Maintenance),
                "{r:?}"
            );
            assert!(r.v("power_kw").unwrap() <= 0.0);
        }
    }
    // Random precursors: the relevant temperature of the failing turbine rises against the
    // median of the park between the days before the onset and the last day before failure.
    let plan = FleetPlan::build(&cfg);
    let median_excess = |id: &str, signal: &str, from: i64, to: i64| -> Option<f64> {
        let mut by_step: HashMap<i64, (Option<f64>, Vec<f64>)> = HashMap::new();
        for r in &rows {
            let k = (r.ts - cfg.start) / 600;
            if (from..to).contains(&k) && r.status == Status::Running {
                if let Some(v) = r.v(signal) {
                    let e = by_step.entry(k).or_default();
                    if r.id == id {
                        e.0 = Some(v);
                    } else {
                        e.1.push(v);
                    }
                }
            }
        }
        let diffs: Vec<f64> = by_step
            .into_values()
            .filter_map(|(mine, mut others)| {
                others.sort_by(f64::total_cmp);
                Some(mine? - others.get(others.len() / 2)?)
            })
            .collect();
        (diffs.len() > 36).then(|| mean(diffs))
    };
    let mut checked = 0;
    for t in &plan.turbines {
        for f in &t.failures {
            let Some(p) = f.precursor else { continue };
            if p.onset < 3 * STEPS_PER_DAY || f.start - p.onset < 5 * STEPS_PER_DAY {
                continue;
            }
            let signal = match f.component {
                Component::GearboxBearing => "gearbox_bearing_temp_c",
                Component::GeneratorBearing => "generator_bearing_temp_c",
                Component::GeneratorWinding => "generator_winding_temp_c",
                Component::PitchHydraulic => "hydraulic_oil_temp_c",
                Component::Converter => "converter_temp_c",
                Component::Transformer => "transformer_temp_c",
            };
            // Skip cases where the turbine was down (earlier repair) in one of the windows.
            let before = median_excess(&t.id, signal, p.onset - 3 * STEPS_PER_DAY, p.onset);
            let last = median_excess(&t.id, signal, f.start - STEPS_PER_DAY, f.start);
            let (Some(before), Some(last)) = (before, last) else {
                continue;
            };
            assert!(
                last - before > 3.0,
                "{} {}: {before:.1} → {last:.1}",
                t.id,
                f.component
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked}");

    let downtime = |r: &Row| {
        log.iter()
            .any(|l| l.id == r.id && r.ts >= l.failure && r.ts < l.back.unwrap_or(end))
    };
    assert!(rows
        .iter()
        .filter(|r| matches!(r.status, Status::Fault | Status::Maintenance))
        .all(downtime));
}

#[test]
fn invalid_settings_are_rejected_with_actionable_messages() {
    let ok = SimConfig::new(2, 1, 1, JAN_2026);
    assert!(ok.validate().is_ok());
    let check = |cfg: SimConfig, needle: &str| {
        let dir = tempfile::tempdir().unwrap();
        let err = simulate(&cfg, dir.path()).unwrap_err();
        assert!(matches!(err, SimError::InvalidConfig(_)));
        assert!(err.to_string().contains(needle), "{err}");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "nothing written"
        );
    };
    check(
        SimConfig {
            turbines: 0,
            ..ok.clone()
        },
        "--turbines must be between 1 and 100000",
    );
    check(
        SimConfig {
            turbines: 100_001,
            ..ok.clone()
        },
        "--turbines",
    );
    check(
        SimConfig {
            days: 0,
            ..ok.clone()
        },
        "--days must be between 1 and 3660",
    );
    check(
        SimConfig {
            turbines: 10_000,
            days: 3_000,
            ..ok.clone()
        },
        "turbine-days",
    );
    check(
        SimConfig {
            start: JAN_2026 + 3_600,
            ..ok.clone()
        },
        "--start must be a date",
    );
    check(
        SimConfig {
            failure_rate_per_year: f64::NAN,
            ..ok.clone()
        },
        "--failure-rate",
    );
    check(
        SimConfig {
            failure_rate_per_year: -1.0,
            ..ok.clone()
        },
        "--failure-rate",
    );
    let with_site = |f: fn(&mut SiteSpec)| {
        let mut s = SiteSpec::lyon();
        f(&mut s);
        SimConfig {
            site: Some(s),
            ..ok.clone()
        }
    };
    check(with_site(|s| s.code = "LY O".into()), "site code");
    check(with_site(|s| s.code = String::new()), "site code");
    check(with_site(|s| s.name = " ".into()), "site name");
    check(with_site(|s| s.latitude = 95.0), "latitude");
    check(with_site(|s| s.rated_power_kw = 0.0), "rated power");
}

#[test]
fn unwritable_output_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let err = simulate(&SimConfig::new(1, 1, 1, JAN_2026), &blocker.join("out")).unwrap_err();
    assert!(matches!(err, SimError::CreateDir { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn site_spec_with_unknown_model_and_quoted_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = SimConfig::new(3, 1, 1, JAN_2026);
    cfg.site = Some(SiteSpec {
        name: "Saint-Etienne, Loire".into(),
        code: "STE".into(),
        latitude: 45.43,
        longitude: 4.39,
        model: "XYZ-3.6".into(),
        rated_power_kw: 3600.0,
    });
    let summary = simulate_with(&cfg, dir.path(), &quiet()).unwrap();
    let registry = read_registry(&summary.files[1]);
    assert_eq!(registry[0].0, "STE-01");
    assert_eq!(registry[0].1, "Saint-Etienne, Loire");
    assert_eq!((registry[0].2.as_str(), registry[0].3), ("XYZ-3.6", 3600.0));
    let rows = read_scada(&summary.files[0]);
    let max_power = rows
        .iter()
        .map(|r| r.v("power_kw").unwrap())
        .fold(f64::MIN, f64::max);
    assert!(max_power <= 3600.0 * 1.02);
    let plan = FleetPlan::build(&cfg);
    let ratio = plan.sites[0].model.gearbox_ratio;
    assert!((90.0..=110.0).contains(&ratio));
}
