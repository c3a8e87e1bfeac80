//! The file-level errors of ingestion: a file that could not be processed at all.

use std::path::PathBuf;

use crate::store::StoreError;

/// File-level problems: the file could not be processed at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The database is a field pack: its data come from the office's export.
    #[error("this database is a field pack: SCADA and logbook files are imported in the office's cockpit, and reach the field in the next pack")]
    FieldPack,
    /// The file does not exist.
    #[error("{path}: file not found")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file (or folder) cannot be read.
    #[error("{path}: cannot read the file: {source}")]
    Unreadable {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No header line.
    #[error("{path}: the file is empty (no header line)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Binary data or text that is not UTF-8.
    #[error("{path}: this is not a CSV text file ({why})")]
    NotText {
        /// The file.
        path: PathBuf,
        /// What gave it away: a zero byte or invalid UTF-8, with its byte offset.
        why: String,
    },
    /// The header matches no kind of file.
    #[error("{path}: the header does not look like a SCADA, turbine registry or logbook export ({why}); if the file comes from another system, pass a column mapping with --mapping")]
    UnknownKind {
        /// The file.
        path: PathBuf,
        /// Why no kind fits: a single column, or the header names found and those each kind needs.
        why: String,
    },
    /// The header lacks required columns of its kind.
    #[error("{path}: missing required column{plural} {columns} for a {kind} file{hint}", plural = if columns.contains(',') { "s" } else { "" })]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The kind the header was recognised as: `scada`, `registry` or `logbook`.
        kind: &'static str,
        /// The missing columns, comma-separated.
        columns: String,
        /// Extra advice appended to the message (empty when there is none).
        hint: String,
    },
    /// The header line is longer than a record may be: not a CSV export the cockpit can read.
    #[error("{path}: the header line is {bytes} bytes long, over the limit of {limit} bytes for one line; this is not a SCADA, registry or logbook export (check the file, or its delimiter)")]
    HeaderTooLong {
        /// The file.
        path: PathBuf,
        /// Length of the header line in bytes.
        bytes: u64,
        /// The limit, [`MAX_RECORD_BYTES`](super::limit::MAX_RECORD_BYTES).
        limit: usize,
    },
    /// The header names a column twice.
    #[error("{path}: the header names column '{column}' twice")]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The repeated column name.
        column: String,
    },
    /// A line cannot be read (I/O or CSV error).
    #[error("{path}: cannot read line {line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file.
        line: u64,
        /// The reader's description of the problem.
        message: String,
    },
    /// Storing rows failed.
    #[error("{path}: database error while storing rows: {source}")]
    Database {
        /// The file whose rows were being stored.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The quarantined lines could not be written to the CSV file chosen.
    #[error("{path}: cannot write the quarantined lines as CSV: {message}; choose a file in a folder you can write to")]
    Export {
        /// The CSV file asked for.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The database could not be queried.
    #[error(transparent)]
    Store(#[from] StoreError),
}
