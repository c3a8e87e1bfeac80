//! The models' manifest (`manifest.json`, written by the training pipeline): its fields and their
//! checks, the feature list check, and the model files' SHA-256 checks. Keys the cockpit does not
//! interpret here (the reference statistics `reference_stats`, metrics, suggested thresholds)
//! stay readable in [`Manifest::raw`]; input drift monitoring reads `reference_stats` there.

use std::fmt::Write as _;
use std::io;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::ModelError;

/// File name of the manifest inside the models folder.
pub use crate::config::MANIFEST_FILE;
/// Name of the failure classifier in the manifest and in error messages.
pub const FAILURE_MODEL: &str = "failure_7d";
/// Name of the time-to-failure model in the manifest and in error messages.
pub const TTF_MODEL: &str = "time_to_failure";
/// Number of horizons of the time-to-failure model (its output columns).
pub const TTF_HORIZONS: usize = 5;

/// Manifest entry of the failure classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierSpec {
    /// File name inside the models folder.
    pub file: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Input tensor name (float32 `[N, features]`).
    pub input: String,
    /// Output tensor holding the class probabilities `[N, 2]`.
    pub output: String,
    /// Column of the "fails" class in the probabilities.
    #[serde(default = "default_class_index")]
    pub class_index: usize,
}

fn default_class_index() -> usize {
    1
}

/// Manifest entry of the time-to-failure model: cumulative probabilities of a failure within
/// each horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionSpec {
    /// File name inside the models folder.
    pub file: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Input tensor name (float32 `[N, features]`).
    pub input: String,
    /// Output tensor, float32 `[N, horizons]`: column k = probability that a failure starts
    /// within `horizons_days[k]` days.
    pub output: String,
    /// The horizons in days: [`TTF_HORIZONS`] of them, positive, strictly increasing, the last
    /// one the manifest's `horizon_days`.
    pub horizons_days: Vec<f64>,
}

/// The `models` object of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestModels {
    /// The failure classifier ([`FAILURE_MODEL`]).
    pub failure_7d: ClassifierSpec,
    /// The time-to-failure model ([`TTF_MODEL`]).
    pub time_to_failure: DistributionSpec,
}

/// `models/manifest.json`. Keys the cockpit does not use (`metrics`, `reference_stats`,
/// `suggested_thresholds`, `training_data`, and any newer ones) stay readable in [`Manifest::raw`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of the trained models, shown to users and recorded with every run.
    pub model_version: String,
    /// When the models were trained, as written by the pipeline (ISO 8601 text).
    #[serde(deserialize_with = "string_or_json")]
    pub created_at: String,
    /// Ordered names of the model inputs' columns.
    pub feature_names: Vec<String>,
    /// Horizon in days of the time-to-failure model (its last horizon).
    pub horizon_days: f64,
    /// The two models' entries.
    pub models: ManifestModels,
    /// The whole manifest as read.
    #[serde(skip)]
    pub raw: Value,
}

fn string_or_json<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

/// A scenario of the model card's "Missing signal families" whose ROC-AUC is below this has no
/// useful skill: its alerts would be little better than chance.
pub const MIN_USEFUL_ROC_AUC: f64 = 0.6;

impl Manifest {
    /// The ROC-AUC measured on the evaluation fleet with the named families absent
    /// (`metrics.missing_families.scenarios[name]`, e.g. `no_temperatures`); `None` when the
    /// manifest does not say (models trained before it was measured).
    pub fn roc_auc_without(&self, scenario: &str) -> Option<f64> {
        self.raw
            .pointer("/metrics/missing_families/scenarios")?
            .as_array()?
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some(scenario))?
            .get("roc_auc")?
            .as_f64()
    }

    /// Reads and checks `dir/manifest.json` (fields and their values; not the model files).
    pub fn read(dir: &Path) -> Result<Manifest, ModelError> {
        let path = dir.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ModelError::ManifestMissing { path })
            }
            Err(e) => {
                return Err(ModelError::ManifestInvalid {
                    path,
                    reason: format!("cannot read it: {e}"),
                })
            }
        };
        Self::parse(&text).map_err(|reason| ModelError::ManifestInvalid { path, reason })
    }

    /// Parses manifest text; the error is a reason for [`ModelError::ManifestInvalid`].
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let raw: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let models = raw.get("models");
        if models.is_some_and(|m| m.get(TTF_MODEL).is_none() && m.get("days_to_failure").is_some())
        {
            let version = raw
                .get("model_version")
                .and_then(Value::as_str)
                .unwrap_or("1.x");
            return Err(format!(
                "it is a {version} model set, whose days_to_failure model gives a single estimate; \
                 this cockpit needs model set 2.x, with models.{TTF_MODEL} (probabilities of a failure within each horizon): \
                 retrain with `make models`"
            ));
        }
        let mut manifest: Manifest = Manifest::deserialize(&raw).map_err(|e| e.to_string())?;
        manifest.raw = raw;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), String> {
        if self.feature_names.is_empty() {
            return Err("feature_names is empty".into());
        }
        let mut seen = std::collections::HashSet::new();
        for name in &self.feature_names {
            if !seen.insert(name.as_str()) {
                return Err(format!("feature_names lists '{name}' twice"));
            }
        }
        if let Some(n) = self.raw.get("n_features").and_then(Value::as_u64) {
            if n != self.feature_names.len() as u64 {
                return Err(format!(
                    "n_features is {n} but feature_names lists {} names",
                    self.feature_names.len()
                ));
            }
        }
        if !(self.horizon_days.is_finite() && self.horizon_days > 0.0) {
            return Err(format!(
                "horizon_days must be a positive number, found {}",
                self.horizon_days
            ));
        }
        let m = &self.models;
        for (model, file, sha) in [
            (FAILURE_MODEL, &m.failure_7d.file, &m.failure_7d.sha256),
            (
                TTF_MODEL,
                &m.time_to_failure.file,
                &m.time_to_failure.sha256,
            ),
        ] {
            let p = Path::new(file);
            if file.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
                return Err(format!(
                    "models.{model}.file must be a file name inside the models folder, found '{file}'"
                ));
            }
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "models.{model}.sha256 must be 64 hex digits, found '{sha}'"
                ));
            }
        }
        if m.failure_7d.class_index > 1 {
            return Err(format!(
                "models.{FAILURE_MODEL}.class_index must be 0 or 1 for a two-class model, found {}",
                m.failure_7d.class_index
            ));
        }
        let h = &m.time_to_failure.horizons_days;
        if h.len() != TTF_HORIZONS {
            return Err(format!(
                "models.{TTF_MODEL}.horizons_days must list {TTF_HORIZONS} horizons, found {}",
                h.len()
            ));
        }
        if let Some(bad) = h.iter().find(|d| !(d.is_finite() && **d > 0.0)) {
            return Err(format!(
                "models.{TTF_MODEL}.horizons_days must be positive numbers of days, found {bad}"
            ));
        }
        if let Some(w) = h.windows(2).find(|w| w[0] >= w[1]) {
            return Err(format!(
                "models.{TTF_MODEL}.horizons_days must be strictly increasing, found {} then {}",
                w[0], w[1]
            ));
        }
        if h.last() != Some(&self.horizon_days) {
            return Err(format!(
                "models.{TTF_MODEL}.horizons_days must end at horizon_days ({}), found {h:?}",
                self.horizon_days
            ));
        }
        Ok(())
    }
}

/// Checks that the cockpit's feature list equals the manifest's, name by name and in order.
pub fn check_features(expected: &[&str], found: &[String]) -> Result<(), ModelError> {
    let n = expected.len().max(found.len());
    for position in 0..n {
        let e = expected.get(position).copied();
        let f = found.get(position).map(String::as_str);
        if e != f {
            return Err(ModelError::FeatureMismatch {
                position,
                expected: e.map(str::to_string),
                found: f.map(str::to_string),
                expected_count: expected.len(),
                found_count: found.len(),
            });
        }
    }
    Ok(())
}

/// Lower-case hex SHA-256 of `bytes`.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Reads a model file and checks its SHA-256 against the manifest.
pub(super) fn read_verified(
    dir: &Path,
    model: &str,
    file: &str,
    sha256: &str,
) -> Result<Vec<u8>, ModelError> {
    let path = dir.join(file);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ModelError::ModelFileMissing {
                model: model.into(),
                path,
            })
        }
        Err(source) => return Err(ModelError::Io { path, source }),
    };
    let found = sha256_hex(&bytes);
    if !found.eq_ignore_ascii_case(sha256) {
        return Err(ModelError::ChecksumMismatch {
            file: path,
            expected: sha256.to_ascii_lowercase(),
            found,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support::*;
    use crate::model::ModelSet;

    #[test]
    fn unknown_manifest_keys_are_kept_not_rejected() {
        let tmp = fixture_copy();
        edit_manifest(tmp.path(), |v| {
            v["a_future_key"] = serde_json::json!({"x": 1});
            v["models"]["failure_7d"]["calibration"] = serde_json::json!("isotonic");
            v["created_at"] = serde_json::json!(1717718400);
        });
        let models = load_fixture(tmp.path()).expect("newer manifest still loads");
        assert_eq!(models.manifest().raw["a_future_key"]["x"], 1);
        assert_eq!(models.manifest().created_at, "1717718400");
    }
    #[test]
    fn the_skill_measured_without_families_is_read_when_the_manifest_has_it() {
        let tmp = fixture_copy();
        let models = load_fixture(tmp.path()).expect("fixture loads");
        assert_eq!(models.manifest().roc_auc_without("no_temperatures"), None);
        edit_manifest(tmp.path(), |v| {
            v["metrics"] = serde_json::json!({"missing_families": {"scenarios": [
                {"name": "engie_full", "roc_auc": 0.71},
                {"name": "no_temperatures", "roc_auc": 0.52}
            ]}});
        });
        let models = load_fixture(tmp.path()).expect("fixture loads");
        assert_eq!(
            models.manifest().roc_auc_without("no_temperatures"),
            Some(0.52)
        );
        assert_eq!(models.manifest().roc_auc_without("edp"), None);
        // A full-size set says it too (the black-box tests' set, which keeps the shipped
        // set's metrics).
        let shipped =
            Manifest::read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
                .expect("full-size manifest");
        assert!(shipped.roc_auc_without("no_temperatures").is_some());
    }

    #[test]
    fn flipped_byte_is_a_checksum_mismatch() {
        let tmp = fixture_copy();
        let file = tmp.path().join("time_to_failure.onnx");
        let mut bytes = std::fs::read(&file).expect("read");
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        std::fs::write(&file, &bytes).expect("write");
        match load_fixture(tmp.path()) {
            Err(ModelError::ChecksumMismatch {
                file: f,
                expected,
                found,
            }) => {
                assert_eq!(f, file);
                assert_eq!(
                    expected,
                    "cafabea89aa23985857806b4be6475498f68ff7077b93cea47c0abc75b43e449"
                );
                assert_ne!(found, expected);
                let msg = ModelError::ChecksumMismatch {
                    file: f,
                    expected,
                    found,
                }
                .to_string();
                assert!(msg.contains("modified or corrupted"), "{msg}");
            }
            other => panic!("expected ChecksumMismatch, got {other:?}"),
        }
    }
    #[test]
    fn a_1x_model_set_is_refused_saying_the_cockpit_needs_2x() {
        let tmp = fixture_copy();
        edit_manifest(tmp.path(), |v| {
            v["model_version"] = "1.1.0".into();
            if let Some(models) = v["models"].as_object_mut() {
                let entry = models.remove("time_to_failure").expect("entry");
                models.insert("days_to_failure".into(), entry);
            }
        });
        let err = load_fixture(tmp.path()).expect_err("a 1.x set");
        assert!(matches!(err, ModelError::ManifestInvalid { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("1.1.0 model set")
                && msg.contains("needs model set 2.x")
                && msg.contains("retrain with `make models`"),
            "{msg}"
        );
    }

    #[test]
    fn features_in_another_order_are_a_feature_mismatch_naming_the_position() {
        let swapped = ["gearbox_oil_temp_c", "power_kw", "vibration_rms_mm_s"];
        let err = ModelSet::load(&fixture_dir(), &swapped, test_ort()).expect_err("must refuse");
        match &err {
            ModelError::FeatureMismatch {
                position,
                expected,
                found,
                expected_count,
                found_count,
            } => {
                assert_eq!(*position, 1);
                assert_eq!(expected.as_deref(), Some("power_kw"));
                assert_eq!(found.as_deref(), Some("vibration_rms_mm_s"));
                assert_eq!((*expected_count, *found_count), (3, 3));
            }
            other => panic!("expected FeatureMismatch, got {other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains("position 1")
                && msg.contains("'power_kw'")
                && msg.contains("'vibration_rms_mm_s'"),
            "{msg}"
        );
    }
    #[test]
    fn feature_count_mismatch_names_the_missing_end() {
        let longer = [
            FIXTURE_FEATURES[0],
            FIXTURE_FEATURES[1],
            FIXTURE_FEATURES[2],
            "yaw_error_deg",
        ];
        let err = ModelSet::load(&fixture_dir(), &longer, test_ort()).expect_err("must refuse");
        assert!(
            matches!(
                &err,
                ModelError::FeatureMismatch { position: 3, expected: Some(e), found: None, expected_count: 4, found_count: 3 }
                    if e == "yaw_error_deg"
            ),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("4 features in the cockpit, 3 in the manifest"),
            "{err}"
        );
        let shorter = &FIXTURE_FEATURES[..2];
        let err = ModelSet::load(&fixture_dir(), shorter, test_ort()).expect_err("must refuse");
        assert!(
            matches!(
                err,
                ModelError::FeatureMismatch {
                    position: 2,
                    expected: None,
                    found: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
    }
    #[test]
    fn missing_model_file_is_reported_with_its_path() {
        let tmp = fixture_copy();
        std::fs::remove_file(tmp.path().join("failure_7d.onnx")).expect("rm");
        match load_fixture(tmp.path()) {
            Err(ModelError::ModelFileMissing { model, path }) => {
                assert_eq!(model, FAILURE_MODEL);
                assert_eq!(path, tmp.path().join("failure_7d.onnx"));
            }
            other => panic!("expected ModelFileMissing, got {other:?}"),
        }
    }
    #[test]
    fn missing_or_broken_manifest() {
        let tmp = tempfile::tempdir().expect("tmp");
        assert!(matches!(
            load_fixture(tmp.path()),
            Err(ModelError::ManifestMissing { .. })
        ));

        let tmp = fixture_copy();
        std::fs::write(tmp.path().join(MANIFEST_FILE), "{not json").expect("write");
        assert!(matches!(
            load_fixture(tmp.path()),
            Err(ModelError::ManifestInvalid { .. })
        ));

        type Edit = fn(&mut Value);
        let cases: [(&str, Edit); 12] = [
            ("must list 5 horizons", |v| {
                v["models"]["time_to_failure"]["horizons_days"] = serde_json::json!([1, 7, 30])
            }),
            ("strictly increasing, found 7 then 7", |v| {
                v["models"]["time_to_failure"]["horizons_days"] =
                    serde_json::json!([1, 7, 7, 14, 30])
            }),
            ("positive numbers of days, found 0", |v| {
                v["models"]["time_to_failure"]["horizons_days"] =
                    serde_json::json!([0, 3, 7, 14, 30])
            }),
            ("must end at horizon_days (30)", |v| {
                v["models"]["time_to_failure"]["horizons_days"] =
                    serde_json::json!([1, 3, 7, 14, 28])
            }),
            ("horizons_days", |v| {
                if let Some(o) = v["models"]["time_to_failure"].as_object_mut() {
                    o.remove("horizons_days");
                }
            }),
            ("feature_names", |v| {
                if let Some(o) = v.as_object_mut() {
                    o.remove("feature_names");
                }
            }),
            ("horizon_days", |v| v["horizon_days"] = (-1.0).into()),
            ("n_features", |v| v["n_features"] = 4.into()),
            ("sha256", |v| {
                v["models"]["failure_7d"]["sha256"] = "abc".into()
            }),
            ("file", |v| {
                v["models"]["failure_7d"]["file"] = "../failure_7d.onnx".into()
            }),
            ("time_to_failure", |v| {
                if let Some(o) = v["models"].as_object_mut() {
                    o.remove("time_to_failure");
                }
            }),
            ("twice", |v| {
                v["feature_names"][1] = "gearbox_oil_temp_c".into()
            }),
        ];
        for (needle, edit) in cases {
            let tmp = fixture_copy();
            edit_manifest(tmp.path(), edit);
            match load_fixture(tmp.path()) {
                Err(e @ ModelError::ManifestInvalid { .. }) => {
                    assert!(e.to_string().contains(needle), "{needle}: {e}")
                }
                other => panic!("{needle}: expected ManifestInvalid, got {other:?}"),
            }
        }
    }
}
