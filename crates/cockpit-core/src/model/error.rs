//! [`ModelError`]: everything that can go wrong while loading ONNX Runtime, reading the manifest,
//! loading the models or scoring, with messages an engineer can act on.

use std::io;
use std::path::PathBuf;

use super::manifest::MANIFEST_FILE;
use super::runtime::{ORT_LIBRARY_FILE, ORT_LIB_ENV, ORT_VERSION};

/// Everything that can go wrong while loading the runtime or the models, or while scoring.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// No ONNX Runtime library file where the cockpit looked.
    #[error("ONNX Runtime library not found; looked in: {}; set {ORT_LIB_ENV} to the full path of {ORT_LIBRARY_FILE} or reinstall the cockpit", list_paths(.tried))]
    OrtLibraryMissing {
        /// Every path tried, in order (empty: nothing configured and no executable path).
        tried: Vec<PathBuf>,
    },
    /// The library file exists but is not a usable ONNX Runtime of the required version.
    #[error("{} is not a usable ONNX Runtime library ({reason}); the cockpit needs ONNX Runtime {ORT_VERSION} ({ORT_LIBRARY_FILE}); set {ORT_LIB_ENV} to the right file or reinstall the cockpit", .path.display())]
    OrtLibraryInvalid {
        /// The library file.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// ONNX Runtime was loaded but its environment could not be created.
    #[error("ONNX Runtime was loaded from {} but could not be started: {message}", .path.display())]
    OrtInit {
        /// The library file in use.
        path: PathBuf,
        /// ONNX Runtime's error.
        message: String,
    },
    /// The models folder holds no manifest.
    #[error("model manifest {} not found; the models folder must hold {MANIFEST_FILE}, failure_7d.onnx, time_to_failure.onnx and parity.csv (reinstall the models)", .path.display())]
    ManifestMissing {
        /// Where the manifest was expected.
        path: PathBuf,
    },
    /// The manifest cannot be read, is not JSON, or has a missing or wrong field.
    #[error("model manifest {} is invalid: {reason}; reinstall the models or retrain them with the current pipeline", .path.display())]
    ManifestInvalid {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong with it (names the field).
        reason: String,
    },
    /// A model file named by the manifest is not in the models folder.
    #[error("model file {} ({model}) is listed in the manifest but missing; reinstall the models", .path.display())]
    ModelFileMissing {
        /// Which model ([`super::FAILURE_MODEL`] or [`super::TTF_MODEL`]).
        model: String,
        /// The missing file.
        path: PathBuf,
    },
    /// A model file exists but cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// A model file's SHA-256 differs from the manifest's.
    #[error("checksum mismatch for {}: the manifest says sha256 {expected}, the file has {found}; the model file was modified or corrupted, reinstall the models", .file.display())]
    ChecksumMismatch {
        /// The model file.
        file: PathBuf,
        /// SHA-256 written in the manifest (lower-case hex).
        expected: String,
        /// SHA-256 of the file (lower-case hex).
        found: String,
    },
    /// The manifest's feature list differs from the cockpit's (names or order).
    #[error("the models were trained on other features than this cockpit computes: at position {position} (counting from 0) the cockpit has {} and the model manifest has {} ({expected_count} features in the cockpit, {found_count} in the manifest); install models trained for this cockpit version", show_name(.expected), show_name(.found))]
    FeatureMismatch {
        /// Zero-based position of the first difference.
        position: usize,
        /// The cockpit's feature at that position (`None`: the cockpit's list is shorter).
        expected: Option<String>,
        /// The manifest's feature at that position (`None`: the manifest's list is shorter).
        found: Option<String>,
        /// Length of the cockpit's feature list.
        expected_count: usize,
        /// Length of the manifest's feature list.
        found_count: usize,
    },
    /// ONNX Runtime cannot load a model file (not ONNX, unsupported operator, ...).
    #[error("model {model} ({}) cannot be loaded by ONNX Runtime: {reason}; reinstall the models", .path.display())]
    ModelInvalid {
        /// Which model.
        model: String,
        /// The model file.
        path: PathBuf,
        /// ONNX Runtime's error.
        reason: String,
    },
    /// A model's input or output tensors differ from its manifest entry.
    #[error("model {model} does not match its manifest entry: {reason}; the model and manifest come from different trainings, reinstall the models")]
    ModelInterface {
        /// Which model.
        model: String,
        /// Which tensor differs, and how.
        reason: String,
    },
    /// The rows to score do not have one column per model input.
    #[error("the feature table has {found} columns but the models take {expected}")]
    InputColumns {
        /// Number of model inputs.
        expected: usize,
        /// Number of columns given.
        found: usize,
    },
    /// A model returned an output of another shape than its manifest entry promises.
    #[error("model {model} returned a tensor of shape {found}, expected {expected}; the model does not match its manifest, reinstall the models")]
    UnexpectedOutputShape {
        /// Which model.
        model: String,
        /// The shape expected, e.g. `[4, 2]`.
        expected: String,
        /// The shape returned.
        found: String,
    },
    /// ONNX Runtime failed while running a model.
    #[error("inference with model {model} failed: {message}")]
    Inference {
        /// Which model.
        model: String,
        /// ONNX Runtime's error.
        message: String,
    },
    /// The models folder has no reference rows (`parity.csv`) to check its models against.
    #[error("{} not found: a model set must ship the reference rows its training pipeline scored (parity.csv, written by `make models` next to manifest.json), so the cockpit can check the models reproduce them; reinstall the complete model set", .path.display())]
    ParityMissing {
        /// The missing file.
        path: PathBuf,
    },
    /// The reference rows cannot be read.
    #[error("{} is invalid: {reason}; reinstall the complete model set", .path.display())]
    ParityInvalid {
        /// The parity file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The models do not reproduce, on their own reference rows, the outputs the training
    /// pipeline recorded: a model file was swapped or tampered with, or belongs to another set.
    #[error("the models do not reproduce their reference outputs: {differing} of {rows} rows of {} differ by more than {tolerance} (first: {first}); a model file was replaced or does not belong to this set, reinstall the models", .path.display())]
    ParityMismatch {
        /// The parity file.
        path: PathBuf,
        /// Rows whose outputs differ.
        differing: usize,
        /// Rows checked.
        rows: usize,
        /// The tolerance used.
        tolerance: f64,
        /// The first differing row, with both values.
        first: String,
    },
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
