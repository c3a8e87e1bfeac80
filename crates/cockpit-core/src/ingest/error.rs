//! The file-level errors of ingestion: a file that could not be processed at all.

use std::path::PathBuf;

use crate::store::StoreError;

/// File-level problems: the file could not be processed at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file does not exist.
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    /// The file (or folder) cannot be read.
    #[error("{path}: cannot read the file: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// No header line.
    #[error("{path}: the file is empty (no header line)")]
    Empty { path: PathBuf },
    /// Binary data or text that is not UTF-8.
    #[error("{path}: this is not a CSV text file ({why})")]
    NotText { path: PathBuf, why: String },
    /// The header matches no kind of file.
    #[error("{path}: the header does not look like a SCADA, turbine registry or logbook export ({why}); if the file comes from another system, pass a column mapping with --mapping")]
    UnknownKind { path: PathBuf, why: String },
    /// The header lacks required columns of its kind.
    #[error("{path}: missing required column{plural} {columns} for a {kind} file{hint}", plural = if columns.contains(',') { "s" } else { "" })]
    MissingColumns {
        path: PathBuf,
        kind: &'static str,
        columns: String,
        hint: String,
    },
    /// The header names a column twice.
    #[error("{path}: the header names column '{column}' twice")]
    DuplicateColumn { path: PathBuf, column: String },
    /// A line cannot be read (I/O or CSV error).
    #[error("{path}: cannot read line {line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// Storing rows failed.
    #[error("{path}: database error while storing rows: {source}")]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The database could not be queried.
    #[error(transparent)]
    Store(#[from] StoreError),
}
