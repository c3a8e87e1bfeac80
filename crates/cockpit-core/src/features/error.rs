//! The errors of feature computation and export.

use crate::store::StoreError;

/// Errors of feature computation and export.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    /// No readings at all.
    #[error("the database holds no SCADA readings yet; ingest data first (cockpit ingest or cockpit demo)")]
    NoData,
    /// An interval that is not a number followed by m, h or d, or is outside 10 minutes–365 days.
    #[error("invalid snapshot interval '{0}': use a whole number followed by m, h or d, from 10m to 365d, e.g. 12h or 1d")]
    BadInterval(String),
    /// Writing the table failed.
    #[error("cannot write the feature table: {0}")]
    Write(#[from] std::io::Error),
    /// Writing a CSV record failed.
    #[error("cannot write the feature table: {0}")]
    Csv(#[from] csv::Error),
    /// The store could not be queried.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading records failed.
    #[error("database error while reading readings: {0}")]
    Sql(#[from] rusqlite::Error),
}
