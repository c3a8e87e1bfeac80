//! Simulator throughput: 100 turbines × 30 days (432 000 SCADA records, ~50 MB of CSV) written
//! into a temporary directory.
//!
//! `cargo bench -p cockpit-core --bench simulate`

use std::hint::black_box;
use std::time::Duration;

use cockpit_core::sim::{simulate, SimConfig};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// 2026-01-01T00:00:00Z
const START: i64 = 1_767_225_600;

fn bench_simulate(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory for the benchmark output");
    let cfg = SimConfig::new(100, 30, 2026, START);
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(100 * 30 * 144));
    group.bench_function("100_turbines_x_30_days", |b| {
        b.iter(|| simulate(black_box(&cfg), dir.path()).expect("simulation succeeds"))
    });
    group.finish();
}

criterion_group!(benches, bench_simulate);
criterion_main!(benches);
