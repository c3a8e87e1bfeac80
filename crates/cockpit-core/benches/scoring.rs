//! Scoring benchmarks: a full scoring run (features, both models, drivers, persistence) on the
//! 20-turbine demo size and on 1,000 turbines with 30 days of 10-minute history, and a turbine's
//! risk history (365 daily runs) in a database holding 10 years of daily runs for 1,000 turbines.
//!
//! Needs the ONNX Runtime library (`COCKPIT_ORT_LIB`, set by the Makefile) and the shipped models.
//! Run with `cargo bench -p cockpit-core --bench scoring`.

use std::path::Path;

use cockpit_core::config;
use cockpit_core::features;
use cockpit_core::ingest;
use cockpit_core::mapping::Mapping;
use cockpit_core::model::{ModelSet, OrtRuntime};
use cockpit_core::risk::RiskPolicy;
use cockpit_core::runs::{self, queries, RunRequest, Trigger};
use cockpit_core::sim::{self, SimConfig};
use cockpit_core::store::Store;
use criterion::{criterion_group, criterion_main, Criterion};

fn fleet_db(dir: &Path, turbines: usize, days: u32) -> Store {
    let out = dir.join(format!("fleet-{turbines}"));
    let cfg = SimConfig::new(turbines, days, 99, 1_767_225_600); // 2026-01-01
    let summary = sim::simulate(&cfg, &out).expect("simulate");
    let mut store = Store::open(&dir.join(format!("bench-{turbines}.db"))).expect("open");
    let report = ingest::ingest_files(&mut store, &summary.files, &Mapping::canonical());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    store
}

fn models() -> ModelSet {
    let ort = OrtRuntime::init(None).expect("ONNX Runtime (set COCKPIT_ORT_LIB)");
    let names = features::feature_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    ModelSet::load(&config::models_dir(None), &refs, ort).expect("models")
}

fn scoring(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut models = models();
    let policy = RiskPolicy::default();
    let req = RunRequest {
        trigger: Trigger::Cli,
        at: None,
        scheduled_for: None,
    };
    let mut group = c.benchmark_group("scoring_run");
    group.sample_size(10);
    for turbines in [20usize, 1000] {
        let mut store = fleet_db(dir.path(), turbines, 30);
        group.bench_function(format!("{turbines}_turbines_30_days"), |b| {
            b.iter(|| runs::score(&mut store, &mut models, &policy, req).expect("score"))
        });
    }
    group.finish();
}

/// 10 years of daily runs for 1,000 turbines: 3.65 M predictions.
fn history(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("history.db")).expect("open");
    let conn = store.conn();
    conn.execute_batch(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
         INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
         SELECT i, printf('T%04d', i), 'Bench', 'SWT-2.3-93', 2300, 45.7, 4.9, '2015-01-01' FROM n;
         WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 3649)
         INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, as_of, model_version, turbines)
         SELECT i + 1, 'timer', 1451606400 + i * 86400, 1451606400 + i * 86400 + 2, 1500, 'succeeded',
                1451606400 + i * 86400, '1.0.0', 1000 FROM d;
         INSERT INTO predictions (turbine, run, scored, p_fail_7d, ttf_distribution, risk_score, category, drivers)
         SELECT t.id, r.id, 1, ((t.id * 7 + r.id * 13) % 100) / 100.0,
                '{\"days\":[1,3,7,14,30],\"p\":[0.01,0.02,0.05,0.1,0.2]}',
                ((t.id * 7 + r.id * 13) % 100), 'low', '[]'
         FROM runs r, turbines t;
         COMMIT;",
    )
    .expect("fill history");
    let mut group = c.benchmark_group("turbine_history");
    group.bench_function("365_runs_of_one_turbine_in_10y_x_1000", |b| {
        b.iter(|| {
            let h = queries::history_window(&store, 500, 365).expect("history");
            assert_eq!(h.len(), 365);
        })
    });
    group.bench_function("full_10y_history_of_one_turbine", |b| {
        b.iter(|| queries::history(&store, 500).expect("history"))
    });
    group.finish();
}

criterion_group!(benches, scoring, history);
criterion_main!(benches);
