//! Tests of the sensor-fault detector: synthetic stretches, the simulator's artefacts, and a real
//! stretch of ENGIE's La Haute Borne data (`testdata/`, Licence Ouverte v2.0).

use std::collections::HashMap;

use super::*;
use crate::schema::{self, RECORD_SECONDS};
use crate::sim::{simulate_with, Options, SimConfig, SiteSpec};

const T0: i64 = 1_790_000_000 - 1_790_000_000 % 86_400;

fn times(n: usize) -> Vec<i64> {
    (0..n as i64).map(|i| T0 + i * RECORD_SECONDS).collect()
}

/// A gearbox oil trace that moves a little every record.
fn moving(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| 50.0 + (i as f32 / 7.0).sin() * 3.0)
        .collect()
}

#[test]
fn a_value_held_while_running_is_frozen_and_not_while_stopped() {
    let n = 144;
    let ts = times(n);
    let mut v = moving(n);
    for x in &mut v[40..90] {
        *x = 51.25; // 50 records = 8 h 20 min held
    }
    v[60] = f32::NAN; // a missing value inside does not break the stretch
    let running = vec![true; n];
    let faults = signal_faults("gearbox_oil_temp_c", &ts, &v, &running, &Rules::default());
    assert_eq!(
        faults,
        vec![Fault {
            signal: Some("gearbox_oil_temp_c".into()),
            kind: FaultKind::Frozen,
            start: ts[40],
            end: ts[89],
        }]
    );
    // The same value held while the turbine stands still is not a fault (a cold, idle turbine
    // can read one value for hours).
    let stopped = vec![false; n];
    assert!(signal_faults("gearbox_oil_temp_c", &ts, &v, &stopped, &Rules::default()).is_empty());
    // Shorter than the rule: not frozen; a shorter rule catches it.
    let rules = Rules {
        frozen_seconds: 9 * 3600,
        ..Rules::default()
    };
    assert!(signal_faults("gearbox_oil_temp_c", &ts, &v, &running, &rules).is_empty());
    // The pitch rests at its fine angle for days below rated wind: never frozen.
    let pitch = vec![-1.0f32; n];
    assert!(signal_faults("pitch_deg", &ts, &pitch, &running, &Rules::default()).is_empty());
}

#[test]
fn spikes_out_of_physics_and_gaps() {
    let n = 60;
    let ts = times(n);
    let mut v = moving(n);
    v[10] += 30.0; // up and back in one record: impossible for 300 t of oil
    v[30] -= 25.0;
    v[45] = 140.0; // above what a gearbox oil can reach
    v[46] = 141.0;
    // A steep but real rise that stays (a start-up) is not a spike.
    for x in &mut v[50..] {
        *x += 12.0;
    }
    let running = vec![true; n];
    let faults = signal_faults("gearbox_oil_temp_c", &ts, &v, &running, &Rules::default());
    let kinds: Vec<(FaultKind, i64, i64)> =
        faults.iter().map(|f| (f.kind, f.start, f.end)).collect();
    assert_eq!(
        kinds,
        vec![
            (FaultKind::Spike, ts[10], ts[10]),
            (FaultKind::Spike, ts[30], ts[30]),
            (FaultKind::OutOfRange, ts[45], ts[46]),
        ]
    );
    let mut masked = v.clone();
    assert_eq!(mask(&ts, &mut masked, &faults), 4);
    assert!(masked[10].is_nan() && masked[45].is_nan() && masked[46].is_nan());
    assert_eq!(masked[11], v[11], "one bad value costs one value");

    let mut with_gap = ts.clone();
    for t in &mut with_gap[20..] {
        *t += 7 * 3600;
    }
    let g = gaps(&with_gap, &Rules::default());
    assert_eq!(g.len(), 1);
    assert_eq!((g[0].start, g[0].end), (with_gap[19], with_gap[20]));
    assert!(g[0].signal.is_none());
}

#[test]
fn faults_in_words_in_both_languages() {
    // 2026-11-21T00:00Z to 2026-11-26T12:00Z.
    let f = Fault {
        signal: Some("generator_winding_temp_c".into()),
        kind: FaultKind::Frozen,
        start: 1_795_219_200,
        end: 1_795_219_200 + 5 * 86_400 + 43_200,
    };
    assert_eq!(
        f.phrase(Lang::En),
        "generator winding temperature sensor frozen Nov 21–26"
    );
    assert_eq!(
        f.phrase(Lang::Fr),
        "capteur température bobinage génératrice figé du 21 au 26 nov."
    );
    let spike = Fault {
        kind: FaultKind::Spike,
        end: f.start,
        ..f.clone()
    };
    assert_eq!(
        spike.phrase(Lang::En),
        "generator winding temperature sensor spike on Nov 21"
    );
    let gap = Fault {
        signal: None,
        kind: FaultKind::Gap,
        start: f.start + 9 * 86_400,
        end: f.start + 12 * 86_400,
    };
    assert_eq!(gap.phrase(Lang::En), "no record Nov 30 – Dec 3");
    assert_eq!(
        gap.phrase(Lang::Fr),
        "aucun enregistrement du 30 nov. au 3 déc."
    );
}

#[test]
fn the_frozen_time_is_read_from_its_one_configuration_key() {
    // The only test touching this variable, so no other test races with it.
    std::env::set_var(FROZEN_HOURS_ENV, "2.5");
    let rules = Rules::from_env();
    std::env::set_var(FROZEN_HOURS_ENV, "soon");
    let fallback = Rules::from_env();
    std::env::remove_var(FROZEN_HOURS_ENV);
    assert_eq!(rules.frozen_seconds, 9000);
    assert_eq!(fallback, Rules::default());
    assert_eq!(
        Rules::default().frozen_seconds,
        (FROZEN_HOURS_DEFAULT * 3600.0) as i64
    );
}

/// One turbine's canonical records read back from a simulated `scada.csv`.
struct Sim {
    ts: Vec<i64>,
    cols: HashMap<String, Vec<f32>>,
}

fn read_sim(dir: &std::path::Path) -> HashMap<String, Sim> {
    let mut rdr = csv::Reader::from_path(dir.join("scada.csv")).expect("scada.csv");
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let mut out: HashMap<String, Sim> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        let t = schema::parse_timestamp(&rec[0]).expect("timestamp");
        let s = out.entry(rec[1].to_string()).or_insert_with(|| Sim {
            ts: Vec::new(),
            cols: HashMap::new(),
        });
        s.ts.push(t);
        for (name, v) in header.iter().zip(rec.iter()).skip(2) {
            s.cols
                .entry(name.clone())
                .or_default()
                .push(v.parse::<f32>().unwrap_or(f32::NAN));
        }
    }
    out
}

/// Every fault the detector finds in a simulated fleet, per turbine.
fn detect_all(fleet: &HashMap<String, Sim>) -> Vec<(String, Fault)> {
    let rules = Rules::default();
    let mut out = Vec::new();
    for (id, s) in fleet {
        let running: Vec<bool> = s.cols["power_kw"].iter().map(|p| *p > 0.0).collect();
        for (col, v) in &s.cols {
            for f in signal_faults(col, &s.ts, v, &running, &rules) {
                out.push((id.clone(), f));
            }
        }
    }
    out
}

#[test]
fn the_simulators_frozen_sensors_are_found_and_its_clean_physics_is_not_flagged() {
    let mut cfg = SimConfig::new(6, 90, 11, 1_767_225_600);
    cfg.site = Some(SiteSpec::lyon());
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    simulate_with(&cfg, dirs.0.path(), &Options::default()).unwrap();
    simulate_with(
        &cfg,
        dirs.1.path(),
        &Options {
            threads: None,
            artefacts: false,
        },
    )
    .unwrap();
    let (dirty, clean) = (read_sim(dirs.0.path()), read_sim(dirs.1.path()));
    // The physics alone raises no fault at all: no false alarm.
    let false_alarms = detect_all(&clean);
    assert!(false_alarms.is_empty(), "{:?}", &false_alarms[..1]);
    let found = detect_all(&dirty);
    let frozen: Vec<&(String, Fault)> = found
        .iter()
        .filter(|(_, f)| f.kind == FaultKind::Frozen)
        .collect();
    let spikes = found
        .iter()
        .filter(|(_, f)| f.kind == FaultKind::Spike)
        .count();
    assert!(!frozen.is_empty(), "6 turbines × 90 days freeze a sensor");
    assert!(spikes > 20, "spikes found: {spikes}");
    // Each frozen stretch found is an artefact: the clean signal moves over the same records.
    for (id, f) in frozen {
        let col = f.signal.as_deref().unwrap_or_default();
        let c = &clean[id];
        let from = c.ts.partition_point(|&t| t < f.start);
        let to = c.ts.partition_point(|&t| t <= f.end);
        let values: Vec<f32> = c.cols[col][from..to]
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .collect();
        assert!(
            values.windows(2).any(|w| w[0] != w[1]),
            "{id} {col}: the clean signal moves where the sensor froze"
        );
    }
}

/// One real turbine's records: times, outdoor temperature `Ot_avg`, power `P_avg`, pitch `Ba_avg`.
type Real = (Vec<i64>, Vec<f32>, Vec<f32>, Vec<f32>);

/// The real excerpt (ENGIE La Haute Borne, 8–9 May 2014, 4 turbines), per turbine.
fn la_haute_borne() -> HashMap<String, Real> {
    let text = include_str!("testdata/la-haute-borne-2014-05-08.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().expect("header").clone();
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let (id, time, ot, p, ba) = (
        col("Wind_turbine_name"),
        col("Date_time"),
        col("Ot_avg"),
        col("P_avg"),
        col("Ba_avg"),
    );
    let mut out: HashMap<String, Real> = HashMap::new();
    let num = |s: &str| s.parse::<f32>().unwrap_or(f32::NAN);
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    rows.sort_by(|a, b| (&a[id], &a[time]).cmp(&(&b[id], &b[time])));
    for r in rows {
        let t = chrono::DateTime::parse_from_rfc3339(&r[time])
            .expect("ISO 8601 time with offset")
            .timestamp();
        let e = out.entry(r[id].to_string()).or_default();
        e.0.push(t);
        e.1.push(num(&r[ot]));
        e.2.push(num(&r[p]));
        e.3.push(num(&r[ba]));
    }
    out
}

#[test]
fn a_real_outdoor_sensor_held_for_two_hours_at_la_haute_borne() {
    let farm = la_haute_borne();
    assert_eq!(farm.len(), 4);
    // R80721's outdoor temperature reads 12.8 °C from 23:10 to 01:00 (+02:00) while it produces
    // ~800 kW and its neighbours R80711 and R80790 move by a tenth of a degree.
    let two_hours = Rules {
        frozen_seconds: 90 * 60,
        ..Rules::default()
    };
    let mut found = Vec::new();
    for (id, (ts, ot, p, ba)) in &farm {
        let running: Vec<bool> = p.iter().map(|p| *p > 0.0).collect();
        for f in signal_faults("ambient_temp_c", ts, ot, &running, &two_hours) {
            found.push((id.clone(), f));
        }
        // The default rule (6 h) leaves a calm night alone, and the pitch at its fine angle
        // is never a frozen sensor.
        assert!(signal_faults("ambient_temp_c", ts, ot, &running, &Rules::default()).is_empty());
        assert!(signal_faults("pitch_deg", ts, ba, &running, &Rules::default()).is_empty());
    }
    let start = chrono::DateTime::parse_from_rfc3339("2014-05-08T23:10:00+02:00")
        .unwrap()
        .timestamp();
    let end = chrono::DateTime::parse_from_rfc3339("2014-05-09T01:00:00+02:00")
        .unwrap()
        .timestamp();
    assert_eq!(
        found,
        vec![(
            "R80721".to_string(),
            Fault {
                signal: Some("ambient_temp_c".into()),
                kind: FaultKind::Frozen,
                start,
                end,
            }
        )]
    );
    assert_eq!(
        found[0].1.phrase(Lang::En),
        "ambient temperature sensor frozen on May 8"
    );
}
