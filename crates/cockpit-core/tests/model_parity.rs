//! Parity of the shipped models: the Rust runtime must reproduce, to 1e-5, the scores the
//! training pipeline computed in Python for the rows of `models/parity.csv`.

use std::path::{Path, PathBuf};

use cockpit_core::model::{
    read_parity_csv, Manifest, ModelSet, OrtRuntime, ORT_LIBRARY_FILE, ORT_LIB_ENV,
};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ort() -> &'static OrtRuntime {
    let path = match std::env::var_os(ORT_LIB_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace()
            .join(".tools/onnxruntime/lib")
            .join(ORT_LIBRARY_FILE),
    };
    assert!(
        path.is_file(),
        "ONNX Runtime library not found at {}: run `make setup` (or scripts/setup.sh), or set {ORT_LIB_ENV}",
        path.display()
    );
    OrtRuntime::init(Some(&path)).unwrap_or_else(|e| panic!("{e}"))
}

/// Absolute 1e-5, relative 1e-5 above 1 (days-to-failure can be tens of days in f32).
fn close(got: f64, want: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= 1e-5 * want.abs().max(1.0)
}

#[test]

fn shipped_models_reproduce_python_scores() {
    let dir = workspace().join("models");
    let parity_path = dir.join("parity.csv");
    assert!(
        parity_path.is_file(),
        "{} not found: the training pipeline writes it next to manifest.json and the .onnx files",
        parity_path.display()
    );
    let manifest = Manifest::read(&dir).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = manifest.feature_names.iter().map(String::as_str).collect();
    let mut models = ModelSet::load(&dir, &names, ort()).unwrap_or_else(|e| panic!("{e}"));
    let parity = read_parity_csv(&parity_path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        parity.feature_names, manifest.feature_names,
        "parity.csv columns differ from the manifest's feature_names"
    );
    assert!(!parity.expected.is_empty(), "parity.csv has no rows");

    let got = models
        .predict(parity.rows.view())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut bad = Vec::new();
    for (i, (g, w)) in got.iter().zip(&parity.expected).enumerate() {
        if !close(g.p_fail_7d, w.p_fail_7d) || !close(g.ttf_days, w.ttf_days) {
            bad.push(format!(
                "row {i}: rust p={} ttf={} / python p={} ttf={}",
                g.p_fail_7d, g.ttf_days, w.p_fail_7d, w.ttf_days
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} rows differ from Python (model_version {}):\n{}",
        bad.len(),
        got.len(),
        manifest.model_version,
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
