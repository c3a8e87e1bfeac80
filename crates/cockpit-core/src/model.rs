//! Loading and verifying the ONNX models and their manifest; batch inference.
//!
//! The models folder holds three files written by the Python training pipeline:
//!
//! - `manifest.json`: model version, the ordered feature names, the horizon, and for each model
//!   its file, SHA-256, input and output tensor names and post-processing;
//! - `failure_7d.onnx`: classifier, probabilities `[N, 2]`, class 1 = "fails within the horizon";
//! - `days_to_failure.onnx`: regressor, `[N, 1]` or `[N]`, then `output_transform` and `clip`.
//!
//! Inference runs on the official ONNX Runtime shared library, loaded at run time (never
//! downloaded, never linked): [`resolve_ort_library`] finds it, [`OrtRuntime::init`] loads it once
//! per process. Every ONNX Runtime call of the cockpit must go through an [`OrtRuntime`]: an `ort`
//! API used before it would make `ort` look for a system library on its own and panic if absent.
//!
//! [`ModelSet::load`] refuses models that do not match what the cockpit computes: a modified file
//! (checksum), a different feature list (name by name, in order), or tensors whose names or shapes
//! differ from the manifest. [`ModelSet::predict`] scores a whole batch with one run per model.
//!
//! ```no_run
//! use cockpit_core::model::{ModelSet, OrtRuntime};
//! # fn main() -> Result<(), cockpit_core::model::ModelError> {
//! let ort = OrtRuntime::init(None)?;
//! let mut models = ModelSet::load("models".as_ref(), &["f1", "f2", "f3"], ort)?;
//! let rows = ndarray::array![[1.0_f32, f32::NAN, 3.0]];
//! let predictions = models.predict(rows.view())?;
//! println!("{:.3} / {:.1} days", predictions[0].p_fail_7d, predictions[0].ttf_days);
//! # Ok(())
//! # }
//! ```

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ndarray::{Array2, ArrayView2};
use ort::environment::Environment;
use ort::session::Session;
use ort::value::{TensorElementType, TensorRef, ValueType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// ONNX Runtime version the cockpit is built and tested against.
pub const ORT_VERSION: &str = "1.31.1";
/// File name of the ONNX Runtime shared library shipped with the cockpit (Linux; the release
/// packages for Windows and macOS ship the same version under the platform's own name).
#[cfg(not(any(target_os = "windows", target_os = "macos")))]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.so.1.31.1";
/// File name of the ONNX Runtime shared library shipped with the cockpit (Windows).
#[cfg(target_os = "windows")]
pub const ORT_LIBRARY_FILE: &str = "onnxruntime.dll";
/// File name of the ONNX Runtime shared library shipped with the cockpit (macOS).
#[cfg(target_os = "macos")]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.1.31.1.dylib";
/// Environment variable that points at the ONNX Runtime shared library.
pub const ORT_LIB_ENV: &str = "COCKPIT_ORT_LIB";
/// File name of the manifest inside the models folder.
pub use crate::config::MANIFEST_FILE;
/// Name of the failure classifier in the manifest and in error messages.
pub const FAILURE_MODEL: &str = "failure_7d";
/// Name of the days-to-failure regressor in the manifest and in error messages.
pub const TTF_MODEL: &str = "days_to_failure";

/// Everything that can go wrong while loading the runtime or the models, or while scoring.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("ONNX Runtime library not found; looked in: {}; set {ORT_LIB_ENV} to the full path of {ORT_LIBRARY_FILE} or reinstall the cockpit", list_paths(.tried))]
    OrtLibraryMissing { tried: Vec<PathBuf> },
    #[error("{} is not a usable ONNX Runtime library ({reason}); the cockpit needs ONNX Runtime {ORT_VERSION} ({ORT_LIBRARY_FILE}); set {ORT_LIB_ENV} to the right file or reinstall the cockpit", .path.display())]
    OrtLibraryInvalid { path: PathBuf, reason: String },
    #[error("ONNX Runtime was loaded from {} but could not be started: {message}", .path.display())]
    OrtInit { path: PathBuf, message: String },
    #[error("model manifest {} not found; the models folder must hold {MANIFEST_FILE}, failure_7d.onnx and days_to_failure.onnx (reinstall the models)", .path.display())]
    ManifestMissing { path: PathBuf },
    #[error("model manifest {} is invalid: {reason}; reinstall the models or retrain them with the current pipeline", .path.display())]
    ManifestInvalid { path: PathBuf, reason: String },
    #[error("model file {} ({model}) is listed in the manifest but missing; reinstall the models", .path.display())]
    ModelFileMissing { model: String, path: PathBuf },
    #[error("cannot read {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("checksum mismatch for {}: the manifest says sha256 {expected}, the file has {found}; the model file was modified or corrupted, reinstall the models", .file.display())]
    ChecksumMismatch {
        file: PathBuf,
        expected: String,
        found: String,
    },
    #[error("the models were trained on other features than this cockpit computes: at position {position} (counting from 0) the cockpit has {} and the model manifest has {} ({expected_count} features in the cockpit, {found_count} in the manifest); install models trained for this cockpit version", show_name(.expected), show_name(.found))]
    FeatureMismatch {
        /// Zero-based position of the first difference.
        position: usize,
        /// The cockpit's feature at that position (`None`: the cockpit's list is shorter).
        expected: Option<String>,
        /// The manifest's feature at that position (`None`: the manifest's list is shorter).
        found: Option<String>,
        expected_count: usize,
        found_count: usize,
    },
    #[error("model {model} ({}) cannot be loaded by ONNX Runtime: {reason}; reinstall the models", .path.display())]
    ModelInvalid {
        model: String,
        path: PathBuf,
        reason: String,
    },
    #[error("model {model} does not match its manifest entry: {reason}; the model and manifest come from different trainings, reinstall the models")]
    ModelInterface { model: String, reason: String },
    #[error("the feature table has {found} columns but the models take {expected}")]
    InputColumns { expected: usize, found: usize },
    #[error("model {model} returned a tensor of shape {found}, expected {expected}; the model does not match its manifest, reinstall the models")]
    UnexpectedOutputShape {
        model: String,
        expected: String,
        found: String,
    },
    #[error("inference with model {model} failed: {message}")]
    Inference { model: String, message: String },
    #[error("parity file {} is invalid: {reason}", .path.display())]
    ParityFileInvalid { path: PathBuf, reason: String },
}

fn list_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(nowhere: no configured path, no environment variable, no executable path)".into();
    }
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

fn show_name(name: &Option<String>) -> String {
    match name {
        Some(n) => format!("'{n}'"),
        None => "nothing".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// ONNX Runtime library
// ---------------------------------------------------------------------------------------------

/// Where the ONNX Runtime library path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrtLibrarySource {
    /// The explicit configuration value passed by the caller.
    Config,
    /// The `COCKPIT_ORT_LIB` environment variable.
    Env,
    /// The app bundle, next to the running executable.
    Bundle,
}

impl std::fmt::Display for OrtLibrarySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Config => "configuration",
            Self::Env => ORT_LIB_ENV,
            Self::Bundle => "app bundle",
        })
    }
}

/// The chosen ONNX Runtime library file and where its path came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrtLibraryLocation {
    /// Absolute path of the library file.
    pub path: PathBuf,
    pub source: OrtLibrarySource,
}

/// Finds the ONNX Runtime shared library, in this order:
///
/// 1. `configured` (the cockpit's configuration value), when given;
/// 2. the `COCKPIT_ORT_LIB` environment variable, when set and not empty;
/// 3. the app bundle: `<exe dir>/libonnxruntime.so.1.31.1`,
///    `<exe dir>/../lib/energitech-cockpit/libonnxruntime.so.1.31.1`,
///    `<exe dir>/../lib/libonnxruntime.so.1.31.1`.
///
/// An explicit path (1 or 2) is authoritative: if it names no file, this fails rather than
/// silently loading another library. Relative paths are taken from the current directory.
/// Only checks that the file exists; [`OrtRuntime::init`] checks that it is ONNX Runtime.
pub fn resolve_ort_library(configured: Option<&Path>) -> Result<OrtLibraryLocation, ModelError> {
    let exe = std::env::current_exe().ok();
    resolve_from(configured, std::env::var_os(ORT_LIB_ENV), exe.as_deref())
}

fn resolve_from(
    configured: Option<&Path>,
    env_value: Option<OsString>,
    exe: Option<&Path>,
) -> Result<OrtLibraryLocation, ModelError> {
    let explicit = match (configured, env_value) {
        (Some(p), _) if !p.as_os_str().is_empty() => {
            Some((p.to_path_buf(), OrtLibrarySource::Config))
        }
        (_, Some(v)) if !v.is_empty() => Some((PathBuf::from(v), OrtLibrarySource::Env)),
        _ => None,
    };
    if let Some((path, source)) = explicit {
        let path = std::path::absolute(&path).unwrap_or(path);
        return if path.is_file() {
            Ok(OrtLibraryLocation { path, source })
        } else {
            Err(ModelError::OrtLibraryMissing { tried: vec![path] })
        };
    }
    let mut tried = Vec::new();
    if let Some(dir) = exe.and_then(Path::parent) {
        // `<exe dir>/../lib` written without the `..` (the executable path is canonical).
        let up = dir.parent().unwrap_or(dir);
        for candidate in [
            dir.join(ORT_LIBRARY_FILE),
            up.join("lib/energitech-cockpit").join(ORT_LIBRARY_FILE),
            up.join("lib").join(ORT_LIBRARY_FILE),
        ] {
            if candidate.is_file() {
                return Ok(OrtLibraryLocation {
                    path: candidate,
                    source: OrtLibrarySource::Bundle,
                });
            }
            tried.push(candidate);
        }
    }
    Err(ModelError::OrtLibraryMissing { tried })
}

/// The loaded ONNX Runtime: one per process, shared by every [`ModelSet`].
#[derive(Debug)]
pub struct OrtRuntime {
    env: Environment,
    location: OrtLibraryLocation,
    build_info: String,
}

static ORT_RUNTIME: OnceLock<OrtRuntime> = OnceLock::new();
/// Set once `ort` has accepted a library: it stays loaded even if starting it then failed.
static ORT_LOADED_FROM: OnceLock<OrtLibraryLocation> = OnceLock::new();
static ORT_INIT_LOCK: Mutex<()> = Mutex::new(());

impl OrtRuntime {
    /// Loads ONNX Runtime from the library chosen by [`resolve_ort_library`] and starts it.
    ///
    /// The first success is kept for the life of the process: later calls return it whatever
    /// path they pass (ONNX Runtime cannot be unloaded or loaded twice); compare
    /// [`OrtRuntime::library`] if that matters. A failure is not kept (nothing was loaded), so a
    /// caller may retry after the configuration was fixed. Never panics on a missing or wrong
    /// library: that is [`ModelError::OrtLibraryMissing`] or [`ModelError::OrtLibraryInvalid`].
    pub fn init(configured: Option<&Path>) -> Result<&'static OrtRuntime, ModelError> {
        if let Some(rt) = ORT_RUNTIME.get() {
            return Ok(rt);
        }
        // A poisoned lock only means another thread panicked in here; the state it guards is
        // the OnceLock, which is still consistent.
        let _guard = ORT_INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rt) = ORT_RUNTIME.get() {
            return Ok(rt);
        }
        let location = match ORT_LOADED_FROM.get() {
            // A library is already loaded (a previous start failed after loading it): `ort`
            // would ignore any other path, so say honestly which one is in use.
            Some(loaded) => loaded.clone(),
            None => resolve_ort_library(configured)?,
        };
        let t0 = std::time::Instant::now();
        let runtime = Self::load(location).inspect_err(|e| {
            tracing::error!(error = %crate::journal::redact(&e.to_string()), "ONNX Runtime not loaded");
        })?;
        tracing::info!(
            library = %crate::journal::redact(&runtime.location.path.display().to_string()),
            source = %runtime.location.source,
            duration_ms = t0.elapsed().as_millis() as u64,
            "ONNX Runtime loaded"
        );
        Ok(ORT_RUNTIME.get_or_init(|| runtime))
    }

    /// The runtime if [`OrtRuntime::init`] already succeeded in this process.
    pub fn get() -> Option<&'static OrtRuntime> {
        ORT_RUNTIME.get()
    }

    fn load(location: OrtLibraryLocation) -> Result<OrtRuntime, ModelError> {
        let path = location.path.clone();
        let invalid = |reason: String| ModelError::OrtLibraryInvalid {
            path: path.clone(),
            reason,
        };
        // `ort` checks the file exports `OrtGetApiBase` and reports a version >= 1.31 before it
        // keeps it; it asserts (panics) on a few "cannot happen" paths, hence the catch_unwind.
        let loaded = std::panic::catch_unwind(|| {
            ort::init_from(&location.path).map(|builder| {
                let _ = ORT_LOADED_FROM.set(location.clone());
                builder
                    .with_name("energitech-cockpit")
                    .with_telemetry(false)
                    .build()
            })
        });
        let env = match loaded {
            Err(panic) => {
                return Err(invalid(format!(
                    "ONNX Runtime panicked while loading: {}",
                    panic_message(&panic)
                )))
            }
            Ok(Err(load_error)) => return Err(invalid(describe_load_error(&load_error))),
            Ok(Ok(Err(e))) => {
                return Err(ModelError::OrtInit {
                    path: location.path,
                    message: e.to_string(),
                })
            }
            Ok(Ok(Ok(env))) => env,
        };
        let build_info = std::panic::catch_unwind(ort::info)
            .map(str::to_string)
            .unwrap_or_default();
        Ok(OrtRuntime {
            env,
            location,
            build_info,
        })
    }

    /// The library file in use and where its path came from.
    pub fn library(&self) -> &OrtLibraryLocation {
        &self.location
    }

    /// ONNX Runtime's build information (`ORT Build Info: git-branch=..., git-commit-id=...`).
    pub fn build_info(&self) -> &str {
        &self.build_info
    }
}

fn describe_load_error(e: &ort::LoadDynamicError) -> String {
    match e {
        ort::LoadDynamicError::Dlopen { error, .. } => {
            format!("cannot load it as a shared library: {error}")
        }
        ort::LoadDynamicError::MissingApi { .. } => {
            "it does not export OrtGetApiBase, so it is not ONNX Runtime".into()
        }
        ort::LoadDynamicError::InvalidVersionString => {
            "it reports a malformed version string".into()
        }
        ort::LoadDynamicError::BadVersion { version_str, .. } => format!(
            "it is ONNX Runtime {version_str}, older than the 1.{}.x this build requires",
            ort::MINOR_VERSION
        ),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

// ---------------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------------

/// How the regressor's raw output becomes days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum OutputTransform {
    /// The model predicts `log1p(days)`: days = `exp(x) - 1`.
    Expm1,
    /// The model predicts days.
    #[default]
    Identity,
}

impl TryFrom<String> for OutputTransform {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "expm1" => Ok(Self::Expm1),
            "identity" => Ok(Self::Identity),
            _ => Err(format!(
                "output_transform must be \"expm1\" or \"identity\", found \"{s}\" (a newer pipeline? update the cockpit)"
            )),
        }
    }
}

impl OutputTransform {
    fn apply(self, x: f64) -> f64 {
        match self {
            Self::Expm1 => x.exp_m1(),
            Self::Identity => x,
        }
    }
}

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

/// Manifest entry of the days-to-failure regressor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressorSpec {
    pub file: String,
    pub sha256: String,
    pub input: String,
    /// Output tensor, `[N, 1]` or `[N]`.
    pub output: String,
    #[serde(default)]
    pub output_transform: OutputTransform,
    /// `[min, max]` applied after the transform.
    #[serde(default)]
    pub clip: Option<[f64; 2]>,
}

/// The `models` object of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestModels {
    pub failure_7d: ClassifierSpec,
    pub days_to_failure: RegressorSpec,
}

/// `models/manifest.json`. Keys the cockpit does not use (`metrics`, `reference_stats`,
/// `suggested_thresholds`, `training_data`, and any newer ones) stay readable in [`Manifest::raw`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub model_version: String,
    /// When the models were trained, as written by the pipeline (ISO 8601 text).
    #[serde(deserialize_with = "string_or_json")]
    pub created_at: String,
    /// Ordered names of the model inputs' columns.
    pub feature_names: Vec<String>,
    /// Label horizon in days, as written by the pipeline (days to failure are capped at it).
    pub horizon_days: f64,
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

impl Manifest {
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
                &m.days_to_failure.file,
                &m.days_to_failure.sha256,
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
        if let Some([lo, hi]) = m.days_to_failure.clip {
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(format!("models.{TTF_MODEL}.clip must be [min, max] with min <= max, found [{lo}, {hi}]"));
            }
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

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Reads a model file and checks its SHA-256 against the manifest.
fn read_verified(dir: &Path, model: &str, file: &str, sha256: &str) -> Result<Vec<u8>, ModelError> {
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

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/// Scores of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Probability that the turbine fails within 7 days (class `class_index` of `failure_7d`).
    pub p_fail_7d: f64,
    /// Estimated days to failure, after `output_transform` and `clip`.
    pub ttf_days: f64,
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
    failure: Session,
    ttf: Session,
}

impl ModelSet {
    /// Loads the models folder `dir`: reads the manifest, checks that `expected_features` (the
    /// cockpit's feature list) equals the manifest's `feature_names`, checks both files'
    /// SHA-256, loads both models (from the verified bytes) and checks their input and output
    /// tensors against the manifest.
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

    /// [`ModelSet::load`] with explicit session options.
    pub fn load_with(
        dir: &Path,
        expected_features: &[&str],
        ort: &OrtRuntime,
        options: &LoadOptions,
    ) -> Result<ModelSet, ModelError> {
        let manifest = Manifest::read(dir)?;
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
            &specs.days_to_failure.file,
            &specs.days_to_failure.sha256,
        )?;

        let failure = open_session(
            ort,
            FAILURE_MODEL,
            &dir.join(&specs.failure_7d.file),
            &failure_bytes,
            options,
        )?;
        check_input(&failure, FAILURE_MODEL, &specs.failure_7d.input, n_features)?;
        check_output(
            &failure,
            FAILURE_MODEL,
            &specs.failure_7d.output,
            OutputKind::Probabilities,
        )?;

        let ttf = open_session(
            ort,
            TTF_MODEL,
            &dir.join(&specs.days_to_failure.file),
            &ttf_bytes,
            options,
        )?;
        check_input(&ttf, TTF_MODEL, &specs.days_to_failure.input, n_features)?;
        check_output(
            &ttf,
            TTF_MODEL,
            &specs.days_to_failure.output,
            OutputKind::Regression,
        )?;

        Ok(ModelSet {
            dir: dir.to_path_buf(),
            manifest,
            failure,
            ttf,
        })
    }

    /// The manifest the models were loaded with.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The models folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Scores a batch: one row per snapshot, columns in `manifest().feature_names` order, NaN
    /// for a missing value. One run of each model for the whole batch.
    pub fn predict(&mut self, rows: ArrayView2<f32>) -> Result<Vec<Prediction>, ModelError> {
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
        let specs = &self.manifest.models;

        let cls = &specs.failure_7d;
        let probabilities = run_model(
            &mut self.failure,
            FAILURE_MODEL,
            &cls.input,
            &cls.output,
            &input,
        )?;
        let (shape, data) = probabilities;
        if shape != [n as i64, 2] {
            return Err(ModelError::UnexpectedOutputShape {
                model: FAILURE_MODEL.into(),
                expected: format!("[{n}, 2]"),
                found: format!("{shape:?}"),
            });
        }
        let reg = &specs.days_to_failure;
        let (shape, raw) = run_model(&mut self.ttf, TTF_MODEL, &reg.input, &reg.output, &input)?;
        if shape != [n as i64, 1] && shape != [n as i64] {
            return Err(ModelError::UnexpectedOutputShape {
                model: TTF_MODEL.into(),
                expected: format!("[{n}, 1] or [{n}]"),
                found: format!("{shape:?}"),
            });
        }
        Ok((0..n)
            .map(|i| {
                let mut ttf = reg.output_transform.apply(f64::from(raw[i]));
                if let Some([lo, hi]) = reg.clip {
                    ttf = ttf.clamp(lo, hi);
                }
                Prediction {
                    p_fail_7d: f64::from(data[i * 2 + cls.class_index]),
                    ttf_days: ttf,
                }
            })
            .collect())
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
    let mut builder = Session::builder(&ort.env)
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

#[derive(Clone, Copy)]
enum OutputKind {
    Probabilities,
    Regression,
}

fn check_output(
    session: &Session,
    model: &str,
    name: &str,
    kind: OutputKind,
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
    let (ok, wanted) = match (dtype, kind) {
        (
            ValueType::Tensor {
                ty: TensorElementType::Float32,
                shape,
                ..
            },
            OutputKind::Probabilities,
        ) => (
            shape.len() == 2 && (shape[1] == 2 || shape[1] == -1),
            "[N, 2]",
        ),
        (
            ValueType::Tensor {
                ty: TensorElementType::Float32,
                shape,
                ..
            },
            OutputKind::Regression,
        ) => (
            shape.len() == 1 || (shape.len() == 2 && (shape[1] == 1 || shape[1] == -1)),
            "[N, 1] or [N]",
        ),
        (_, OutputKind::Probabilities) => (false, "[N, 2]"),
        (_, OutputKind::Regression) => (false, "[N, 1] or [N]"),
    };
    if !ok {
        return Err(mismatch(format!(
            "output '{name}' should be a Float32 tensor {wanted}, the model has {}",
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

// ---------------------------------------------------------------------------------------------
// Parity files
// ---------------------------------------------------------------------------------------------

/// A parity file written by the training pipeline (`models/parity.csv`): feature columns, then
/// `expected_p_fail_7d` and `expected_ttf_days`, as computed by Python; empty field = NaN.
#[derive(Debug, Clone)]
pub struct ParityTable {
    pub feature_names: Vec<String>,
    pub rows: Array2<f32>,
    pub expected: Vec<Prediction>,
}

/// Reads a parity file (see [`ParityTable`]).
pub fn read_parity_csv(path: &Path) -> Result<ParityTable, ModelError> {
    let invalid = |reason: String| ModelError::ParityFileInvalid {
        path: path.to_path_buf(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| invalid(e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let n = header.len();
    if n < 3 || header[n - 2] != "expected_p_fail_7d" || header[n - 1] != "expected_ttf_days" {
        return Err(invalid(
            "the header must be the feature names then expected_p_fail_7d, expected_ttf_days"
                .into(),
        ));
    }
    let n_features = n - 2;
    let parse = |field: &str, line: u64| -> Result<f64, ModelError> {
        let field = field.trim();
        if field.is_empty() || field.eq_ignore_ascii_case("nan") {
            return Ok(f64::NAN);
        }
        field
            .parse::<f64>()
            .map_err(|_| invalid(format!("line {line}: '{field}' is not a number")))
    };
    let mut values = Vec::new();
    let mut expected = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != n {
            return Err(invalid(format!(
                "line {line}: {} fields, the header has {n}",
                record.len()
            )));
        }
        for field in record.iter().take(n_features) {
            // Parse as f32 directly: the pipeline writes f32 inputs in their shortest form.
            let field = field.trim();
            let v = if field.is_empty() || field.eq_ignore_ascii_case("nan") {
                f32::NAN
            } else {
                field
                    .parse::<f32>()
                    .map_err(|_| invalid(format!("line {line}: '{field}' is not a number")))?
            };
            values.push(v);
        }
        expected.push(Prediction {
            p_fail_7d: parse(&record[n_features], line)?,
            ttf_days: parse(&record[n_features + 1], line)?,
        });
    }
    let rows = Array2::from_shape_vec((expected.len(), n_features), values)
        .map_err(|e| invalid(e.to_string()))?;
    Ok(ParityTable {
        feature_names: header[..n_features].to_vec(),
        rows,
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture folder made by `tests/fixtures/models/make_fixture.py`.
    fn fixture_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
    }

    const FIXTURE_FEATURES: [&str; 3] = ["gearbox_oil_temp_c", "vibration_rms_mm_s", "power_kw"];

    /// The ONNX Runtime library for tests: `COCKPIT_ORT_LIB` (the Makefile exports it), else the
    /// copy `scripts/setup.sh` puts under `.tools/`. Fails the test when neither exists.
    fn test_ort() -> &'static OrtRuntime {
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
    fn fixture_copy() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().expect("temp dir");
        for f in [
            "manifest.json",
            "failure_7d.onnx",
            "days_to_failure.onnx",
            "odd_shape.onnx",
        ] {
            std::fs::copy(fixture_dir().join(f), tmp.path().join(f)).expect("copy fixture");
        }
        tmp
    }

    fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut Value)) {
        let path = dir.join(MANIFEST_FILE);
        let mut v: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        edit(&mut v);
        std::fs::write(&path, serde_json::to_string_pretty(&v).expect("json")).expect("write");
    }

    fn load_fixture(dir: &Path) -> Result<ModelSet, ModelError> {
        ModelSet::load(dir, &FIXTURE_FEATURES, test_ort())
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol
    }

    fn assert_matches(got: &[Prediction], want: &[Prediction], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                close(g.p_fail_7d, w.p_fail_7d, tol),
                "row {i}: p_fail_7d {} vs Python {}",
                g.p_fail_7d,
                w.p_fail_7d
            );
            assert!(
                close(g.ttf_days, w.ttf_days, tol),
                "row {i}: ttf_days {} vs Python {}",
                g.ttf_days,
                w.ttf_days
            );
        }
    }

    #[test]
    fn fixture_predictions_match_python_including_nan_rows() {
        let mut models = load_fixture(&fixture_dir()).expect("load fixture models");
        let parity = read_parity_csv(&fixture_dir().join("expected.csv")).expect("expected.csv");
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
        // Both ends of the clip are exercised and respected.
        assert!(got.iter().any(|p| p.ttf_days == 2.5) && got.iter().any(|p| p.ttf_days == 30.0));
        assert!(got.iter().all(|p| (0.0..=1.0).contains(&p.p_fail_7d)));
    }

    #[test]
    fn batch_equals_row_by_row_and_layout_does_not_matter() {
        let mut models = load_fixture(&fixture_dir()).expect("load");
        let parity = read_parity_csv(&fixture_dir().join("expected.csv")).expect("expected.csv");
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

    #[test]
    fn manifest_is_exposed() {
        let models = load_fixture(&fixture_dir()).expect("load");
        let m = models.manifest();
        assert_eq!(m.model_version, "fixture-1");
        assert_eq!(m.feature_names, FIXTURE_FEATURES);
        assert_eq!(m.horizon_days, 7.0);
        assert_eq!(m.created_at, "2024-06-07T00:00:00Z");
        assert_eq!(
            m.models.days_to_failure.output_transform,
            OutputTransform::Expm1
        );
        assert_eq!(m.models.days_to_failure.clip, Some([2.5, 30.0]));
        assert_eq!(m.raw["suggested_thresholds"]["p_fail_7d"], 0.5);
        assert!(m.raw.get("training_data").is_some());
        assert_eq!(models.dir(), fixture_dir());
    }

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
    fn flipped_byte_is_a_checksum_mismatch() {
        let tmp = fixture_copy();
        let file = tmp.path().join("days_to_failure.onnx");
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
                    "20e3acaa0ac35e775ef637668437b5666b30f903571ce189858251d6d674153c"
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
        let cases: [(&str, Edit); 8] = [
            ("output_transform", |v| {
                v["models"]["days_to_failure"]["output_transform"] = "log".into()
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
            ("clip", |v| {
                v["models"]["days_to_failure"]["clip"] = serde_json::json!([30.0, 1.0])
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
            v["models"]["days_to_failure"]["input"] = "X".into()
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
    fn output_of_the_wrong_shape_is_detected_at_inference() {
        let tmp = fixture_copy();
        let odd = std::fs::read(tmp.path().join("odd_shape.onnx")).expect("read");
        std::fs::write(tmp.path().join("failure_7d.onnx"), &odd).expect("write");
        edit_manifest(tmp.path(), |v| {
            v["models"]["failure_7d"]["sha256"] = sha256_hex(&odd).into()
        });
        let mut models =
            load_fixture(tmp.path()).expect("declared shape [N, ?] passes the load checks");
        match models.predict(Array2::<f32>::zeros((4, 3)).view()) {
            Err(ModelError::UnexpectedOutputShape {
                model,
                expected,
                found,
            }) => {
                assert_eq!(model, FAILURE_MODEL);
                assert_eq!(expected, "[4, 2]");
                assert_eq!(found, "[4, 3]");
            }
            other => panic!("expected UnexpectedOutputShape, got {other:?}"),
        }
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
    fn missing_ort_library_is_an_error_listing_where_it_looked() {
        let tmp = tempfile::tempdir().expect("tmp");
        let nowhere = tmp.path().join("nope/libonnxruntime.so.1.31.1");
        // Explicit configuration wins and is authoritative, even over the environment.
        match resolve_from(Some(&nowhere), Some("/also/missing".into()), None) {
            Err(e @ ModelError::OrtLibraryMissing { .. }) => {
                let ModelError::OrtLibraryMissing { tried } = &e else {
                    unreachable!()
                };
                assert_eq!(tried, &vec![nowhere.clone()]);
                let msg = e.to_string();
                assert!(
                    msg.contains(ORT_LIB_ENV) && msg.contains("reinstall"),
                    "{msg}"
                );
            }
            other => panic!("expected OrtLibraryMissing, got {other:?}"),
        }
        // Nothing configured: the three bundle places, in order.
        let exe = tmp.path().join("bin/cockpit");
        match resolve_from(None, None, Some(&exe)) {
            Err(ModelError::OrtLibraryMissing { tried }) => {
                assert_eq!(
                    tried,
                    vec![
                        tmp.path().join("bin").join(ORT_LIBRARY_FILE),
                        tmp.path()
                            .join("lib/energitech-cockpit")
                            .join(ORT_LIBRARY_FILE),
                        tmp.path().join("lib").join(ORT_LIBRARY_FILE),
                    ]
                );
            }
            other => panic!("expected OrtLibraryMissing, got {other:?}"),
        }
        // An empty variable counts as unset.
        assert!(matches!(
            resolve_from(None, Some(OsString::new()), None),
            Err(ModelError::OrtLibraryMissing { tried }) if tried.is_empty()
        ));
    }

    #[test]
    fn ort_library_resolution_order() {
        let tmp = tempfile::tempdir().expect("tmp");
        let touch = |p: &Path| {
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, b"").expect("touch");
        };
        let exe = tmp.path().join("usr/bin/cockpit");
        let bundled = tmp
            .path()
            .join("usr/lib/energitech-cockpit")
            .join(ORT_LIBRARY_FILE);
        let lib_dir = tmp.path().join("usr/lib").join(ORT_LIBRARY_FILE);
        touch(&bundled);
        touch(&lib_dir);
        let from_env = tmp.path().join("env.so");
        let from_config = tmp.path().join("config.so");
        touch(&from_env);
        touch(&from_config);

        let r = resolve_from(
            Some(&from_config),
            Some(from_env.clone().into()),
            Some(&exe),
        )
        .expect("config");
        assert_eq!(
            (r.path, r.source),
            (from_config.clone(), OrtLibrarySource::Config)
        );
        let r = resolve_from(None, Some(from_env.clone().into()), Some(&exe)).expect("env");
        assert_eq!((r.path, r.source), (from_env, OrtLibrarySource::Env));
        let r = resolve_from(None, None, Some(&exe)).expect("bundle");
        assert_eq!(r.source, OrtLibrarySource::Bundle);
        assert_eq!(r.path, bundled);
        std::fs::remove_file(&bundled).expect("rm");
        let r = resolve_from(None, None, Some(&exe)).expect("bundle lib/");
        assert_eq!(r.path, lib_dir);
        touch(&exe.with_file_name(ORT_LIBRARY_FILE));
        let r = resolve_from(None, None, Some(&exe)).expect("next to the executable");
        assert_eq!(r.path, exe.with_file_name(ORT_LIBRARY_FILE));
        // A directory is not a library file.
        assert!(resolve_from(Some(tmp.path()), None, None).is_err());
    }

    #[test]
    fn ort_runtime_is_initialised_once() {
        let first = test_ort();
        let again =
            OrtRuntime::init(Some(Path::new("/some/other/libonnxruntime.so"))).expect("cached");
        assert!(std::ptr::eq(first, again));
        assert!(std::ptr::eq(first, OrtRuntime::get().expect("initialised")));
        assert!(
            first.build_info().starts_with("ORT Build Info"),
            "{}",
            first.build_info()
        );
    }

    #[test]
    fn model_set_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<ModelSet>();
        fn assert_sync<T: Sync>() {}
        assert_sync::<OrtRuntime>();
    }
}
