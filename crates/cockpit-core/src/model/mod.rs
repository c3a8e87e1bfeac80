//! Loading and verifying the ONNX models and their manifest; batch inference.
//!
//! | file | owns |
//! |---|---|
//! | `runtime.rs` | finding and loading the ONNX Runtime shared library: [`OrtRuntime`], [`resolve_ort_library`], `COCKPIT_ORT_LIB`, the bundle's candidate paths |
//! | `manifest.rs` | [`Manifest`]: its fields and checks, the feature list check ([`check_features`]), the model files' checksums |
//! | `set.rs` | [`ModelSet`]: loading with [`LoadOptions`] (every check a models folder must pass before use), the sessions, batch inference ([`Prediction`]) |
//! | `parity.rs` | the reference rows (`parity.csv`): reading them, and the check that the loaded models reproduce them ([`PARITY_TOLERANCE`]) |
//! | `error.rs` | [`ModelError`] |
//!
//! The models folder holds four files written by the Python training pipeline:
//!
//! - `manifest.json`: model version, the ordered feature names, the horizon, and for each model
//!   its file, SHA-256, input and output tensor names and post-processing;
//! - `failure_7d.onnx`: classifier, probabilities `[N, 2]`, class 1 = "fails within the horizon";
//! - `time_to_failure.onnx`: probabilities `[N, 5]`, column k = "a failure starts within
//!   `horizons_days[k]` days" (1, 3, 7, 14, 30), cumulative; made monotone by [`crate::ttf`]
//!   (a 1.x set, with the `days_to_failure` regressor instead, is refused: retrain with
//!   `make models`);
//! - `parity.csv`: reference rows and the outputs Python computed for them, which the loaded
//!   models must reproduce.
//!
//! Inference runs on the official ONNX Runtime shared library, loaded at run time (never
//! downloaded, never linked): [`resolve_ort_library`] finds it, [`OrtRuntime::init`] loads it once
//! per process. Every ONNX Runtime call of the cockpit must go through an [`OrtRuntime`]: an `ort`
//! API used before it would make `ort` look for a system library on its own and panic if absent.
//!
//! [`ModelSet::load`] refuses models that do not match what the cockpit computes: a modified file
//! (checksum), a different feature list (name by name, in order), or tensors whose names or shapes
//! differ from the manifest, or outputs on the reference rows that differ from those recorded
//! (a model file swapped and its checksum re-written). [`ModelSet::predict`] scores a whole batch with one run per model.
//! The cockpit itself loads with [`ModelSet::load_for_scoring`], which passes its own feature
//! list (`crate::features::feature_names`).
//!
//! ```no_run
//! use cockpit_core::model::{ModelSet, OrtRuntime};
//! # fn main() -> Result<(), cockpit_core::model::ModelError> {
//! let ort = OrtRuntime::init(None)?;
//! let mut models = ModelSet::load("models".as_ref(), &["f1", "f2", "f3"], ort)?;
//! let rows = ndarray::array![[1.0_f32, f32::NAN, 3.0]];
//! let predictions = models.predict(rows.view())?;
//! println!("{:.3} / {:?}", predictions[0].p_fail_7d, predictions[0].p_within);
//! # Ok(())
//! # }
//! ```

mod error;
mod manifest;
mod parity;
mod runtime;
mod set;
#[cfg(test)]
mod test_support;

pub use error::ModelError;
pub use manifest::{
    check_features, ClassifierSpec, DistributionSpec, Manifest, ManifestModels, FAILURE_MODEL,
    MANIFEST_FILE, MIN_USEFUL_ROC_AUC, TTF_HORIZONS, TTF_MODEL,
};
pub use parity::{read as read_parity, ParityTable, PARITY_FILE, PARITY_TOLERANCE};
pub use runtime::{
    resolve_ort_library, OrtLibraryLocation, OrtLibrarySource, OrtRuntime, ORT_LIBRARY_FILE,
    ORT_LIB_ENV, ORT_VERSION,
};
pub use set::{set_checksum, InvalidOutput, LoadOptions, ModelSet, Prediction};
