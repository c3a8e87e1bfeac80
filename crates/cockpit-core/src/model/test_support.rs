//! Test helpers shared by the model's unit tests: the fixture models folder, a damageable copy of
//! it, and the ONNX Runtime library for tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{ModelError, ModelSet, OrtRuntime, MANIFEST_FILE, ORT_LIBRARY_FILE, ORT_LIB_ENV};

/// The fixture folder made by `tests/fixtures/models/make_fixture.py`.
pub(super) fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
}

/// The fixture models' feature names, in order.
pub(super) const FIXTURE_FEATURES: [&str; 3] =
    ["gearbox_oil_temp_c", "vibration_rms_mm_s", "power_kw"];

/// The ONNX Runtime library for tests: `COCKPIT_ORT_LIB` (the Makefile exports it), else the
/// copy `scripts/setup.sh` puts under `.tools/`. Fails the test when neither exists.
pub(super) fn test_ort() -> &'static OrtRuntime {
    let workspace_lib = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.tools/onnxruntime/lib")
        .join(ORT_LIBRARY_FILE);
    let path = match std::env::var_os(ORT_LIB_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_lib,
    };
    assert!(
        path.is_file(),
        "ONNX Runtime library not found at {}: run `make setup` (or scripts/setup.sh), or set {ORT_LIB_ENV}",
        path.display()
    );
    match OrtRuntime::init(Some(&path)) {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start ONNX Runtime from {}: {e}", path.display()),
    }
}

/// A copy of the fixture folder that a test may damage.
pub(super) fn fixture_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    for f in [
        "manifest.json",
        "failure_7d.onnx",
        "time_to_failure.onnx",
        "odd_shape.onnx",
        "parity.csv",
    ] {
        std::fs::copy(fixture_dir().join(f), tmp.path().join(f)).expect("copy fixture");
    }
    tmp
}

/// Rewrites `dir/manifest.json` through `edit`.
pub(super) fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let path = dir.join(MANIFEST_FILE);
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    edit(&mut v);
    std::fs::write(&path, serde_json::to_string_pretty(&v).expect("json")).expect("write");
}

/// [`ModelSet::load`] with the fixture's feature names.
pub(super) fn load_fixture(dir: &Path) -> Result<ModelSet, ModelError> {
    ModelSet::load(dir, &FIXTURE_FEATURES, test_ort())
}
