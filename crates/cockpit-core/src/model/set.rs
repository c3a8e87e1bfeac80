//! The model set: the two verified models ([`ModelSet`]) and their ONNX Runtime sessions, loaded
//! with [`LoadOptions`]; the checks a models folder must pass before it is used (or swapped in
//! by the service): manifest, feature list, checksums, tensor names and shapes; and batch
//! inference ([`ModelSet::predict`], one run per model for the whole batch).

use std::path::{Path, PathBuf};

use ndarray::ArrayView2;
use ort::session::Session;
use ort::value::{TensorElementType, TensorRef, ValueType};

use super::manifest::{
    check_features, read_verified, sha256_hex, Manifest, FAILURE_MODEL, MANIFEST_FILE,
    TTF_HORIZONS, TTF_MODEL,
};
use super::{parity, ModelError, OrtRuntime};

/// Scores of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Probability that the turbine fails within 7 days (class `class_index` of `failure_7d`).
    pub p_fail_7d: f64,
    /// Raw probability that a failure starts within each horizon of the time-to-failure model
    /// (`models.time_to_failure.horizons_days`), as the model gave it: not made monotone here
    /// ([`crate::ttf::Distribution`] does that).
    pub p_within: [f64; TTF_HORIZONS],
}

/// A model output outside what it can mean: a probability outside [0, 1] or a value that is not
/// a finite number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InvalidOutput {
    /// `p_fail_7d`, or `p_within_<h>d` for the time-to-failure model's column of horizon `h`.
    pub output: &'static str,
    /// The value the model gave (NaN or infinite included).
    pub value: f64,
    /// The lowest valid value.
    pub low: f64,
    /// The highest valid value.
    pub high: f64,
}

/// Output names of the time-to-failure model's columns, for messages (the contract's horizons;
/// a column beyond them is `p_within`).
fn p_within_name(k: usize, horizons_days: &[f64]) -> &'static str {
    match horizons_days.get(k).copied() {
        Some(1.0) => "p_within_1d",
        Some(3.0) => "p_within_3d",
        Some(7.0) => "p_within_7d",
        Some(14.0) => "p_within_14d",
        Some(30.0) => "p_within_30d",
        _ => "p_within",
    }
}

impl Prediction {
    /// Checks every output: each a finite probability within [0, 1]. The first output out of its
    /// range, if any; `horizons_days` names the time-to-failure columns.
    pub fn check(&self, horizons_days: &[f64]) -> Result<(), InvalidOutput> {
        let outputs = std::iter::once(("p_fail_7d", self.p_fail_7d)).chain(
            self.p_within
                .iter()
                .enumerate()
                .map(|(k, p)| (p_within_name(k, horizons_days), *p)),
        );
        for (output, value) in outputs {
            if !value.is_finite() || !(0.0..=1.0).contains(&value) {
                return Err(InvalidOutput {
                    output,
                    value,
                    low: 0.0,
                    high: 1.0,
                });
            }
        }
        Ok(())
    }

    /// The time-to-failure distribution of this row at `horizons_days` (the manifest's); `None`
    /// when an output is not finite or the horizons are not valid.
    pub fn distribution(&self, horizons_days: &[f64]) -> Option<crate::ttf::Distribution> {
        crate::ttf::Distribution::new(horizons_days, &self.p_within)
    }
}

/// How the ONNX Runtime sessions run.
///
/// Worker threads never busy-wait between runs (ONNX Runtime's default spinning costs a lot
/// when the machine is busy, and the cockpit scores in the background of a desktop app).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Threads used inside one model run; 0 = ONNX Runtime's default (one per physical core).
    pub intra_threads: usize,
}

/// The two verified models and their manifest, ready to score.
#[derive(Debug)]
pub struct ModelSet {
    dir: PathBuf,
    manifest: Manifest,
    checksum: String,
    failure: Session,
    ttf: Session,
}

impl ModelSet {
    /// Loads the models folder `dir`: reads the manifest, checks that `expected_features` (the
    /// cockpit's feature list) equals the manifest's `feature_names`, checks both files'
    /// SHA-256, loads both models (from the verified bytes), checks their input and output
    /// tensors against the manifest, and scores the reference rows of `parity.csv`: a set
    /// whose outputs differ from those recorded, or without that file, is refused.
    pub fn load(
        dir: &Path,
        expected_features: &[&str],
        ort: &OrtRuntime,
    ) -> Result<ModelSet, ModelError> {
        let t0 = std::time::Instant::now();
        let result = Self::load_with(dir, expected_features, ort, &LoadOptions::default());
        match &result {
            Ok(m) => tracing::info!(
                model_version = %m.manifest().model_version,
                features = m.manifest().feature_names.len(),
                duration_ms = t0.elapsed().as_millis() as u64,
                outcome = "loaded",
                "models loaded"
            ),
            Err(e) => tracing::error!(
                duration_ms = t0.elapsed().as_millis() as u64,
                outcome = "refused",
                error = %crate::journal::redact(&e.to_string()),
                "models not loaded"
            ),
        }
        result
    }

    /// Loads the models folder `dir` for scoring by this cockpit: [`ModelSet::load`] with the
    /// cockpit's own feature list, [`crate::features::feature_names`]. Models trained on other
    /// features are refused ([`ModelError::FeatureMismatch`]).
    pub fn load_for_scoring(dir: &Path, ort: &OrtRuntime) -> Result<ModelSet, ModelError> {
        let names = crate::features::feature_names();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        Self::load(dir, &refs, ort)
    }

    /// [`ModelSet::load`] with explicit session options.
    pub fn load_with(
        dir: &Path,
        expected_features: &[&str],
        ort: &OrtRuntime,
        options: &LoadOptions,
    ) -> Result<ModelSet, ModelError> {
        let manifest = Manifest::read(dir)?;
        let checksum = set_checksum(dir)?;
        check_features(expected_features, &manifest.feature_names)?;
        let n_features = manifest.feature_names.len();
        let specs = &manifest.models;
        let failure_bytes = read_verified(
            dir,
            FAILURE_MODEL,
            &specs.failure_7d.file,
            &specs.failure_7d.sha256,
        )?;
        let ttf_bytes = read_verified(
            dir,
            TTF_MODEL,
            &specs.time_to_failure.file,
            &specs.time_to_failure.sha256,
        )?;

        let failure = open_session(
            ort,
            FAILURE_MODEL,
            &dir.join(&specs.failure_7d.file),
            &failure_bytes,
            options,
        )?;
        check_input(&failure, FAILURE_MODEL, &specs.failure_7d.input, n_features)?;
        check_output(&failure, FAILURE_MODEL, &specs.failure_7d.output, 2)?;

        let ttf = open_session(
            ort,
            TTF_MODEL,
            &dir.join(&specs.time_to_failure.file),
            &ttf_bytes,
            options,
        )?;
        check_input(&ttf, TTF_MODEL, &specs.time_to_failure.input, n_features)?;
        check_output(&ttf, TTF_MODEL, &specs.time_to_failure.output, TTF_HORIZONS)?;

        let mut set = ModelSet {
            dir: dir.to_path_buf(),
            manifest,
            checksum,
            failure,
            ttf,
        };
        set.check_parity()?;
        Ok(set)
    }

    /// Scores the set's reference rows (`parity.csv`) and refuses the set when an output differs
    /// from the recorded one by more than [`parity::PARITY_TOLERANCE`], or when the file is
    /// missing: a model swapped for another one with a matching checksum (a re-written manifest)
    /// or an interface-compatible model from another training is caught here, before it serves.
    fn check_parity(&mut self) -> Result<(), ModelError> {
        let path = self.dir.join(parity::PARITY_FILE);
        let table = parity::read(&path)?;
        if table.feature_names != self.manifest.feature_names {
            return Err(ModelError::ParityInvalid {
                path,
                reason: "its columns are not the manifest's feature_names, in order".into(),
            });
        }
        let got = self.predict(table.rows.view())?;
        parity::check(&path, &table, &got)
    }

    /// The manifest the models were loaded with.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The set's checksum: the SHA-256 of its `manifest.json` (which holds every model file's
    /// SHA-256, so it names the whole set), lower-case hex.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// The models folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Scores a batch: one row per snapshot, columns in `manifest().feature_names` order, NaN
    /// for a missing value. One run of each model for the whole batch.
    pub fn predict(&mut self, rows: ArrayView2<f32>) -> Result<Vec<Prediction>, ModelError> {
        let p_fail = self.predict_failure(rows)?;
        let n = p_fail.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        let input = rows.as_standard_layout();
        let dist = &self.manifest.models.time_to_failure;
        let (shape, raw) = run_model(&mut self.ttf, TTF_MODEL, &dist.input, &dist.output, &input)?;
        if shape != [n as i64, TTF_HORIZONS as i64] {
            return Err(ModelError::UnexpectedOutputShape {
                model: TTF_MODEL.into(),
                expected: format!("[{n}, {TTF_HORIZONS}]"),
                found: format!("{shape:?}"),
            });
        }
        Ok(p_fail
            .into_iter()
            .enumerate()
            .map(|(i, p_fail_7d)| Prediction {
                p_fail_7d,
                p_within: std::array::from_fn(|k| f64::from(raw[i * TTF_HORIZONS + k])),
            })
            .collect())
    }

    /// The classifier's probability of failure within 7 days for each row, without the
    /// time-to-failure model: what the drivers need for their perturbed rows (the distribution
    /// costs several times the classifier and is not read there).
    pub fn predict_failure(&mut self, rows: ArrayView2<f32>) -> Result<Vec<f64>, ModelError> {
        let n_features = self.manifest.feature_names.len();
        if rows.ncols() != n_features {
            return Err(ModelError::InputColumns {
                expected: n_features,
                found: rows.ncols(),
            });
        }
        let n = rows.nrows();
        if n == 0 {
            return Ok(Vec::new());
        }
        let input = rows.as_standard_layout();
        let cls = &self.manifest.models.failure_7d;
        let (shape, data) = run_model(
            &mut self.failure,
            FAILURE_MODEL,
            &cls.input,
            &cls.output,
            &input,
        )?;
        if shape != [n as i64, 2] {
            return Err(ModelError::UnexpectedOutputShape {
                model: FAILURE_MODEL.into(),
                expected: format!("[{n}, 2]"),
                found: format!("{shape:?}"),
            });
        }
        Ok((0..n)
            .map(|i| f64::from(data[i * 2 + cls.class_index]))
            .collect())
    }

    /// The time-to-failure model's horizons, in days (`models.time_to_failure.horizons_days`).
    pub fn horizons_days(&self) -> &[f64] {
        &self.manifest.models.time_to_failure.horizons_days
    }
}

/// The checksum of the model set in `dir` without loading it: the SHA-256 of its
/// `manifest.json`, lower-case hex (see [`ModelSet::checksum`]).
pub fn set_checksum(dir: &Path) -> Result<String, ModelError> {
    let path = dir.join(MANIFEST_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(sha256_hex(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(ModelError::ManifestMissing { path })
        }
        Err(source) => Err(ModelError::Io { path, source }),
    }
}

fn open_session(
    ort: &OrtRuntime,
    model: &str,
    path: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Session, ModelError> {
    let invalid = |reason: String| ModelError::ModelInvalid {
        model: model.into(),
        path: path.to_path_buf(),
        reason,
    };
    let mut builder = Session::builder(ort.environment())
        .map_err(|e| invalid(e.to_string()))?
        .with_intra_op_spinning(false)
        .map_err(|e| invalid(e.to_string()))?;
    if options.intra_threads > 0 {
        builder = builder
            .with_intra_threads(options.intra_threads)
            .map_err(|e| invalid(e.to_string()))?;
    }
    builder
        .commit_from_memory(bytes)
        .map_err(|e| invalid(e.to_string()))
}

fn describe_type(t: &ValueType) -> String {
    match t {
        ValueType::Tensor { ty, shape, .. } => format!("{ty:?} tensor {shape:?}"),
        other => format!("{other:?}"),
    }
}

fn check_input(
    session: &Session,
    model: &str,
    name: &str,
    n_features: usize,
) -> Result<(), ModelError> {
    let mismatch = |reason: String| ModelError::ModelInterface {
        model: model.into(),
        reason,
    };
    let inputs = session.inputs();
    if inputs.len() != 1 || inputs[0].name() != name {
        let names: Vec<&str> = inputs.iter().map(|i| i.name()).collect();
        return Err(mismatch(format!(
            "the manifest names input '{name}', the model takes {names:?}"
        )));
    }
    let dtype = inputs[0].dtype();
    let ok = match dtype {
        ValueType::Tensor {
            ty: TensorElementType::Float32,
            shape,
            ..
        } => shape.len() == 2 && (shape[1] == -1 || shape[1] == n_features as i64) && shape[0] <= 0,
        _ => false,
    };
    if !ok {
        return Err(mismatch(format!(
            "input '{name}' should be a Float32 tensor [N, {n_features}], the model has {}",
            describe_type(dtype)
        )));
    }
    Ok(())
}

/// Checks that output `name` is a float32 `[N, columns]` tensor (the classifier's two classes,
/// the time-to-failure model's horizons).
fn check_output(
    session: &Session,
    model: &str,
    name: &str,
    columns: usize,
) -> Result<(), ModelError> {
    let mismatch = |reason: String| ModelError::ModelInterface {
        model: model.into(),
        reason,
    };
    let Some(output) = session.outputs().iter().find(|o| o.name() == name) else {
        let names: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
        return Err(mismatch(format!(
            "the manifest names output '{name}', the model has {names:?}"
        )));
    };
    let dtype = output.dtype();
    let ok = match dtype {
        ValueType::Tensor {
            ty: TensorElementType::Float32,
            shape,
            ..
        } => shape.len() == 2 && (shape[1] == columns as i64 || shape[1] == -1),
        _ => false,
    };
    if !ok {
        return Err(mismatch(format!(
            "output '{name}' should be a Float32 tensor [N, {columns}], the model has {}",
            describe_type(dtype)
        )));
    }
    Ok(())
}

/// One run of `session` on `input`; returns the shape and the values of output `output`.
fn run_model(
    session: &mut Session,
    model: &str,
    input_name: &str,
    output: &str,
    input: &ndarray::CowArray<'_, f32, ndarray::Ix2>,
) -> Result<(Vec<i64>, Vec<f32>), ModelError> {
    let failed = |message: String| ModelError::Inference {
        model: model.into(),
        message,
    };
    let tensor = TensorRef::from_array_view(input).map_err(|e| failed(e.to_string()))?;
    let outputs = session
        .run(ort::inputs![input_name => tensor])
        .map_err(|e| failed(e.to_string()))?;
    let value = outputs
        .get(output)
        .ok_or_else(|| failed(format!("the model returned no output '{output}'")))?;
    let (shape, data) = value
        .try_extract_tensor::<f32>()
        .map_err(|e| failed(format!("output '{output}': {e}")))?;
    Ok((shape.to_vec(), data.to_vec()))
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;
    use crate::model::manifest::sha256_hex;
    use crate::model::test_support::*;

    #[test]
    fn manifest_is_exposed() {
        let models = load_fixture(&fixture_dir()).expect("load");
        let m = models.manifest();
        assert_eq!(m.model_version, "fixture-2");
        assert_eq!(m.feature_names, FIXTURE_FEATURES);
        assert_eq!(m.horizon_days, 30.0);
        assert_eq!(m.created_at, "2024-06-07T00:00:00Z");
        assert_eq!(
            m.models.time_to_failure.horizons_days,
            [1.0, 3.0, 7.0, 14.0, 30.0]
        );
        assert_eq!(models.horizons_days(), [1.0, 3.0, 7.0, 14.0, 30.0]);
        assert_eq!(m.raw["suggested_thresholds"]["p_fail_7d"], 0.5);
        assert!(m.raw.get("training_data").is_some());
        assert_eq!(models.dir(), fixture_dir());
    }
    #[test]
    fn manifest_that_names_other_tensors_is_refused() {
        let tmp = fixture_copy();
        edit_manifest(tmp.path(), |v| {
            v["models"]["failure_7d"]["output"] = "probs".into()
        });
        match load_fixture(tmp.path()) {
            Err(e @ ModelError::ModelInterface { .. }) => {
                assert!(e.to_string().contains("probabilities"), "{e}")
            }
            other => panic!("expected ModelInterface, got {other:?}"),
        }
        let tmp = fixture_copy();
        edit_manifest(tmp.path(), |v| {
            v["models"]["time_to_failure"]["input"] = "X".into()
        });
        assert!(matches!(
            load_fixture(tmp.path()),
            Err(ModelError::ModelInterface { .. })
        ));
    }
    #[test]
    fn file_that_is_not_onnx_is_model_invalid() {
        let tmp = fixture_copy();
        let junk = b"this is not an ONNX model";
        std::fs::write(tmp.path().join("failure_7d.onnx"), junk).expect("write");
        edit_manifest(tmp.path(), |v| {
            v["models"]["failure_7d"]["sha256"] = sha256_hex(junk).into()
        });
        assert!(matches!(
            load_fixture(tmp.path()),
            Err(ModelError::ModelInvalid { .. })
        ));
    }
    #[test]
    fn output_of_the_wrong_shape_is_detected_at_load() {
        let tmp = fixture_copy();
        let odd = std::fs::read(tmp.path().join("odd_shape.onnx")).expect("read");
        std::fs::write(tmp.path().join("failure_7d.onnx"), &odd).expect("write");
        edit_manifest(tmp.path(), |v| {
            v["models"]["failure_7d"]["sha256"] = sha256_hex(&odd).into()
        });
        // The declared shape [N, ?] passes the interface checks; scoring the reference rows at
        // load shows the real one.
        match load_fixture(tmp.path()) {
            Err(ModelError::UnexpectedOutputShape {
                model,
                expected,
                found,
            }) => {
                assert_eq!(model, FAILURE_MODEL);
                assert_eq!(expected, "[24, 2]");
                assert_eq!(found, "[24, 3]");
            }
            other => panic!("expected UnexpectedOutputShape, got {other:?}"),
        }
    }
    #[test]
    fn a_set_without_reference_rows_is_refused_saying_so() {
        let tmp = fixture_copy();
        std::fs::remove_file(tmp.path().join("parity.csv")).expect("rm");
        let err = load_fixture(tmp.path()).expect_err("no parity.csv");
        assert!(matches!(err, ModelError::ParityMissing { .. }), "{err:?}");
        assert!(err.to_string().contains("parity.csv not found"), "{err}");
    }

    #[test]
    fn reference_outputs_that_differ_from_the_models_refuse_the_set() {
        let tmp = fixture_copy();
        let path = tmp.path().join("parity.csv");
        let text = std::fs::read_to_string(&path).expect("read");
        // The recorded probability 0.816283643245697 (row 1 and others) becomes 0.716…: the
        // models no longer reproduce what the set records.
        assert!(text.contains(",0.816283643245697,"));
        std::fs::write(
            &path,
            text.replace(",0.816283643245697,", ",0.716283643245697,"),
        )
        .expect("write");
        let err = load_fixture(tmp.path()).expect_err("parity differs");
        match &err {
            ModelError::ParityMismatch {
                differing, rows, ..
            } => assert!(*differing >= 1 && *rows == 24, "{differing} of {rows}"),
            other => panic!("expected ParityMismatch, got {other:?}"),
        }
        assert!(err.to_string().contains("row 1: p_fail_7d"), "{err}");
    }

    /// A full-size 2.x model set: the shipped one (`models/`).
    fn full_size_models() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")
    }

    #[test]
    fn a_time_to_failure_output_of_the_wrong_width_is_refused_at_load() {
        // The classifier ([N, 2]) named as the time-to-failure model.
        let tmp = fixture_copy();
        let clf = std::fs::read(tmp.path().join("failure_7d.onnx")).expect("read");
        std::fs::write(tmp.path().join("time_to_failure.onnx"), &clf).expect("write");
        edit_manifest(tmp.path(), |v| {
            v["models"]["time_to_failure"]["sha256"] = sha256_hex(&clf).into()
        });
        let err = load_fixture(tmp.path()).expect_err("[N, 2]");
        assert!(matches!(err, ModelError::ModelInterface { .. }), "{err:?}");
        assert!(err.to_string().contains("[N, 5]"), "{err}");
    }

    #[test]
    fn outputs_outside_zero_one_are_invalid_and_named() {
        let h = [1.0, 3.0, 7.0, 14.0, 30.0];
        let ok = Prediction {
            p_fail_7d: 0.2,
            p_within: [0.0, 0.1, 0.3, 0.2, 1.0],
        };
        assert_eq!(ok.check(&h), Ok(()), "a decreasing column is not invalid");
        let bad = Prediction {
            p_within: [0.0, 0.1, 1.2, 0.2, 1.0],
            ..ok
        };
        assert_eq!(bad.check(&h).unwrap_err().output, "p_within_7d");
        let nan = Prediction {
            p_within: [0.0, 0.1, 0.2, 0.2, f64::NAN],
            ..ok
        };
        assert_eq!(nan.check(&h).unwrap_err().output, "p_within_30d");
        let p = Prediction {
            p_fail_7d: -0.1,
            ..nan
        };
        assert_eq!(p.check(&h).unwrap_err().output, "p_fail_7d");
    }

    #[test]
    fn a_model_swapped_under_a_rewritten_checksum_is_refused_at_load() {
        // A full-size set, whose classifier is replaced by another model with the same interface
        // (the passthrough fixture) and the manifest's checksum re-written to match it: every
        // check but the reference rows passes.
        let tmp = tempfile::tempdir().expect("tmp");
        for f in [
            "manifest.json",
            "failure_7d.onnx",
            "time_to_failure.onnx",
            "parity.csv",
        ] {
            std::fs::copy(full_size_models().join(f), tmp.path().join(f)).expect("copy");
        }
        let t0 = std::time::Instant::now();
        ModelSet::load_for_scoring(tmp.path(), test_ort()).expect("the full-size set loads");
        eprintln!(
            "full-size set loaded, parity rows included, in {:?}",
            t0.elapsed()
        );
        let other = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/passthrough_models/failure_7d.onnx");
        let bytes = std::fs::read(other).expect("read");
        std::fs::write(tmp.path().join("failure_7d.onnx"), &bytes).expect("write");
        edit_manifest(tmp.path(), |v| {
            v["models"]["failure_7d"]["sha256"] = sha256_hex(&bytes).into()
        });
        let err = ModelSet::load_for_scoring(tmp.path(), test_ort()).expect_err("swapped");
        assert!(matches!(err, ModelError::ParityMismatch { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("do not reproduce their reference outputs") && msg.contains("of 200 rows"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_column_count_is_refused_before_inference() {
        let mut models = load_fixture(&fixture_dir()).expect("load");
        let err = models
            .predict(Array2::<f32>::zeros((2, 4)).view())
            .expect_err("4 columns");
        assert!(
            matches!(
                err,
                ModelError::InputColumns {
                    expected: 3,
                    found: 4
                }
            ),
            "{err:?}"
        );
    }
    #[test]
    fn model_set_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<ModelSet>();
        fn assert_sync<T: Sync>() {}
        assert_sync::<OrtRuntime>();
    }

    #[test]
    fn load_for_scoring_checks_the_cockpits_own_features() {
        let err = ModelSet::load_for_scoring(&fixture_dir(), test_ort())
            .expect_err("the fixture has 3 features, not the cockpit's");
        match err {
            ModelError::FeatureMismatch {
                expected_count,
                found_count,
                ..
            } => {
                assert_eq!(expected_count, crate::features::feature_names().len());
                assert_eq!(found_count, FIXTURE_FEATURES.len());
            }
            other => panic!("expected FeatureMismatch, got {other:?}"),
        }
    }
}
