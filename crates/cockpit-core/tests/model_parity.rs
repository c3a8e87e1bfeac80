//! Parity of the shipped models: the Rust runtime must reproduce, to 1e-5, the scores the
//! training pipeline computed in Python for the rows of `models/parity.csv`; and the tiny test
//! fixture (`tests/fixtures/models`, with its `parity.csv`) must reproduce its own, NaN rows
//! included, whatever the batch size or memory layout. The parity files are read by the core's
//! reader (`model::read_parity`), the one the loader uses for its own check.

use std::path::{Path, PathBuf};

use cockpit_core::model::{
    read_parity, Manifest, ModelSet, OrtRuntime, Prediction, ORT_LIBRARY_FILE, ORT_LIB_ENV,
};
use ndarray::Array2;

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
    let parity = read_parity(&parity_path).unwrap_or_else(|e| panic!("{e}"));
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
        let within_ok = g
            .p_within
            .iter()
            .zip(&w.p_within)
            .all(|(g, w)| close(*g, *w));
        if !close(g.p_fail_7d, w.p_fail_7d) || !within_ok {
            bad.push(format!(
                "row {i}: rust p={} within={:?} / python p={} within={:?}",
                g.p_fail_7d, g.p_within, w.p_fail_7d, w.p_within
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

#[test]
fn shipped_models_load_for_scoring() {
    let dir = workspace().join("models");
    let models = ModelSet::load_for_scoring(&dir, ort()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        models.manifest().feature_names,
        cockpit_core::features::feature_names(),
        "the shipped models take the cockpit's own features"
    );
}

// ---------------------------------------------------------------------------------------------
// The test fixture (`tests/fixtures/models`, made by `make_fixture.py`)
// ---------------------------------------------------------------------------------------------

/// The fixture folder made by `tests/fixtures/models/make_fixture.py`.
fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
}

const FIXTURE_FEATURES: [&str; 3] = ["gearbox_oil_temp_c", "vibration_rms_mm_s", "power_kw"];

/// [`ModelSet::load`] of the fixture folder with its feature names.
fn load_fixture() -> ModelSet {
    ModelSet::load(&fixture_dir(), &FIXTURE_FEATURES, ort()).unwrap_or_else(|e| panic!("{e}"))
}

fn close_within(a: f64, b: f64, tol: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol
}

fn assert_matches(got: &[Prediction], want: &[Prediction], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close_within(g.p_fail_7d, w.p_fail_7d, tol),
            "row {i}: p_fail_7d {} vs Python {}",
            g.p_fail_7d,
            w.p_fail_7d
        );
        for (k, (a, b)) in g.p_within.iter().zip(&w.p_within).enumerate() {
            assert!(
                close_within(*a, *b, tol),
                "row {i}: p_within[{k}] {a} vs Python {b}"
            );
        }
    }
}

#[test]
fn fixture_predictions_match_python_including_nan_rows() {
    let mut models = load_fixture();
    let parity = read_parity(&fixture_dir().join("parity.csv")).expect("parity.csv");
    assert_eq!(parity.feature_names, FIXTURE_FEATURES);
    assert!(
        parity.rows.iter().any(|v| v.is_nan()),
        "the fixture must exercise NaN inputs"
    );
    assert!(
        parity
            .rows
            .rows()
            .into_iter()
            .any(|r| r.iter().all(|v| v.is_nan())),
        "the fixture must hold an all-NaN row"
    );
    let got = models.predict(parity.rows.view()).expect("predict");
    assert_matches(&got, &parity.expected, 1e-5);
    // Every output is a probability; the rows reach both outcomes of the distribution (a range,
    // no failure expected) and some row's columns decrease (made monotone by the cockpit).
    let h = models.horizons_days().to_vec();
    assert!(got.iter().all(|p| p.check(&h).is_ok()));
    let outlooks: Vec<_> = got
        .iter()
        .map(|p| p.distribution(&h).expect("valid").range())
        .collect();
    assert!(outlooks.iter().any(Option::is_some) && outlooks.iter().any(Option::is_none));
    assert!(got
        .iter()
        .any(|p| p.p_within.windows(2).any(|w| w[1] < w[0])));
}

#[test]
fn batch_equals_row_by_row_and_layout_does_not_matter() {
    let mut models = load_fixture();
    let parity = read_parity(&fixture_dir().join("parity.csv")).expect("parity.csv");
    let batch = models.predict(parity.rows.view()).expect("batch");
    for (i, row) in parity.rows.rows().into_iter().enumerate() {
        let one = models
            .predict(row.insert_axis(ndarray::Axis(0)))
            .expect("one row");
        assert_matches(&one, &batch[i..=i], 0.0);
    }
    // A column-major copy is a non-contiguous view for ndarray's row-major default.
    let fortran = parity.rows.t().as_standard_layout().into_owned();
    let again = models.predict(fortran.t()).expect("transposed view");
    assert_matches(&again, &batch, 0.0);
    assert!(models
        .predict(Array2::<f32>::zeros((0, 3)).view())
        .expect("empty")
        .is_empty());
}
