//! Batch inference time: one `ModelSet::predict` call on 1,000 rows (10 % NaN).
//!
//! Models, first found: `COCKPIT_BENCH_MODELS` (e.g. the worst-case set written by
//! `tests/fixtures/models/make_fixture.py --bench DIR`), the shipped `models/`, then the tiny
//! test fixture. ONNX Runtime: `COCKPIT_ORT_LIB` (the Makefile exports it), else the copy under
//! `.tools/`.

use std::path::{Path, PathBuf};

use cockpit_core::model::{
    LoadOptions, Manifest, ModelSet, OrtRuntime, MANIFEST_FILE, ORT_LIBRARY_FILE, ORT_LIB_ENV,
};
use criterion::{criterion_group, criterion_main, Criterion};
use ndarray::Array2;
use rand::{Rng, SeedableRng};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("COCKPIT_BENCH_MODELS").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    let shipped = workspace().join("models");
    if shipped.join(MANIFEST_FILE).is_file() {
        return shipped;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
}

fn load(intra_threads: usize) -> ModelSet {
    let lib = match std::env::var_os(ORT_LIB_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace()
            .join(".tools/onnxruntime/lib")
            .join(ORT_LIBRARY_FILE),
    };
    let ort = OrtRuntime::init(Some(&lib)).unwrap_or_else(|e| panic!("{e}"));
    let dir = models_dir();
    let manifest = Manifest::read(&dir).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = manifest.feature_names.iter().map(String::as_str).collect();
    let options = LoadOptions { intra_threads };
    ModelSet::load_with(&dir, &names, ort, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn rows(n: usize, features: usize) -> Array2<f32> {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(42);
    Array2::from_shape_fn((n, features), |_| {
        if rng.random::<f32>() < 0.1 {
            f32::NAN
        } else {
            rng.random_range(-3.0..3.0)
        }
    })
}

fn inference(c: &mut Criterion) {
    for threads in [0, 1] {
        let mut models = load(threads);
        let n_features = models.manifest().feature_names.len();
        if threads == 0 {
            eprintln!(
                "models: {} ({} features, version {})",
                models.dir().display(),
                n_features,
                models.manifest().model_version
            );
        }
        let threads_label = if threads == 0 {
            "default threads".to_string()
        } else {
            format!("{threads} thread")
        };
        let batch = rows(1000, n_features);
        c.bench_function(
            &format!("predict 1000 rows x {n_features} features, {threads_label}"),
            |b| {
                b.iter(|| {
                    models
                        .predict(batch.view())
                        .unwrap_or_else(|e| panic!("{e}"))
                })
            },
        );
        let one = rows(1, n_features);
        c.bench_function(
            &format!("predict 1 row x {n_features} features, {threads_label}"),
            |b| b.iter(|| models.predict(one.view()).unwrap_or_else(|e| panic!("{e}"))),
        );
    }
    c.bench_function("load model set (checksums + sessions)", |b| {
        b.iter(|| load(0))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = inference
}
criterion_main!(benches);
