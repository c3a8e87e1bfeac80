//! [`ModelSetError`]: a candidate refused (and why), nothing to promote or roll back to, a kept
//! set that cannot be copied or read.

use std::path::PathBuf;

use crate::model::ModelError;
use crate::runs::RunError;
use crate::store::StoreError;

/// Why a candidate was refused, by the check it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Trained on other features than this cockpit computes.
    Features,
    /// A model file's SHA-256 differs from its manifest's.
    Checksum,
    /// The models do not reproduce their reference rows (`parity.csv`), or it is missing.
    Parity,
    /// Anything else: no manifest, an invalid one, a model ONNX Runtime cannot load.
    Invalid,
}

impl Refusal {
    /// The check a model error failed.
    pub fn of(e: &ModelError) -> Refusal {
        match e {
            ModelError::FeatureMismatch { .. } => Refusal::Features,
            ModelError::ChecksumMismatch { .. } => Refusal::Checksum,
            ModelError::ParityMissing { .. }
            | ModelError::ParityInvalid { .. }
            | ModelError::ParityMismatch { .. } => Refusal::Parity,
            _ => Refusal::Invalid,
        }
    }
}

/// Everything that can go wrong with candidate and kept model sets.
#[derive(Debug, thiserror::Error)]
pub enum ModelSetError {
    /// `promote` (or `compare`) with no candidate anywhere.
    #[error("there is no candidate model set to {action}: none was chosen (`cockpit models candidate <DIR>` or the app's Diagnostics) and {} holds no manifest.json; the set in service is unchanged", .models_candidate.display())]
    NoCandidate {
        /// `promote` or `compare`.
        action: &'static str,
        /// The `candidate/` folder of the models folder that was looked in.
        models_candidate: PathBuf,
    },
    /// `rollback` when no set served before the one in service.
    #[error("there is no previous model set to roll back to: the set in service ({current}) was not put in service by a promotion; nothing was changed")]
    NoPrevious {
        /// The set in service, `version (sha8)`, or the models folder.
        current: String,
    },
    /// The candidate failed a check: features, checksums, parity or loading.
    #[error("the candidate model set in {} is refused: {source}; the set in service is unchanged", .dir.display())]
    CandidateRefused {
        /// The candidate folder.
        dir: PathBuf,
        /// Which check failed.
        refusal: Refusal,
        /// The check's error.
        source: Box<ModelError>,
    },
    /// The candidate is the very set already in service.
    #[error("the candidate model set {version} ({sha8}) is already the set in service; nothing was changed")]
    AlreadyInService {
        /// Its version.
        version: String,
        /// The first 8 hex digits of its checksum.
        sha8: String,
    },
    /// The set to roll back to no longer passes its checks (its kept copy was modified).
    #[error("cannot roll back to model set {version} kept in {}: {source}; the set in service is unchanged", .dir.display())]
    PreviousRefused {
        /// Its version.
        version: String,
        /// Its kept folder.
        dir: PathBuf,
        /// The check's error.
        source: Box<ModelError>,
    },
    /// A model set folder could not be copied, created or renamed.
    #[error("cannot write the model set folder {}: {source}; check the free space and the permissions of the cockpit's data folder", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// ONNX Runtime could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The record of the model sets could not be read or written.
    #[error("database error on the model sets' record: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A backtest of the comparison failed.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl ModelSetError {
    /// A candidate in `dir` refused by `source`.
    pub fn refused(dir: &std::path::Path, source: ModelError) -> ModelSetError {
        ModelSetError::CandidateRefused {
            dir: dir.to_path_buf(),
            refusal: Refusal::of(&source),
            source: Box::new(source),
        }
    }
}
