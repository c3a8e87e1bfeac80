//! What an ingestion tells its caller: per-file counts, quarantine reasons and failed files.

use std::collections::BTreeMap;

use serde::Serialize;

/// How one reason for rejecting rows was met in a file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReasonCount {
    /// Rows rejected for this reason.
    pub count: u64,
    /// The message of the first such row (with its line number).
    pub example: String,
    /// The raw text of that first row, as read from the file.
    pub example_line: String,
}

/// Outcome of ingesting one file.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    /// The file, as given.
    pub file: String,
    /// `scada`, `registry` or `logbook`.
    pub kind: &'static str,
    /// Name of the column mapping used.
    pub mapping: String,
    /// Data rows read (header excluded).
    pub rows: u64,
    /// Rows stored (new or updated).
    pub accepted: u64,
    /// Rows rejected and kept in the quarantine table.
    pub quarantined: u64,
    /// Rows already stored with the same key (kept as they were).
    pub duplicates: u64,
    /// Rows whose timestamp is earlier than the previous row of the same turbine (stored anyway).
    pub out_of_order: u64,
    /// Quarantine reasons, by reason code.
    pub reasons: BTreeMap<String, ReasonCount>,
    /// Time taken, in milliseconds.
    pub duration_ms: u64,
}

/// A file that could not be processed, with the message naming the problem.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileFailure {
    /// The file, as given.
    pub file: String,
    /// Why it could not be processed.
    pub error: String,
}

/// How far an ingestion of several files is, for a progress bar: bytes read over the bytes of
/// every file that could be opened. `bytes_read` never decreases and ends at `bytes_total`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IngestProgress {
    /// The file being read, as given.
    pub file: String,
    /// Its rank among the files being read (0-based, in processing order).
    pub file_index: usize,
    /// How many files are being read (those that could be opened).
    pub files: usize,
    /// Bytes read so far, over all files.
    pub bytes_read: u64,
    /// Bytes of all files together.
    pub bytes_total: u64,
}

/// Outcome of one `ingest` call over several files.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IngestReport {
    /// Rows stored, over all files.
    pub accepted: u64,
    /// Rows quarantined, over all files.
    pub quarantined: u64,
    /// Rows already stored, over all files.
    pub duplicates: u64,
    /// Readings out of time order, over all files.
    pub out_of_order: u64,
    /// Quarantined rows by reason code, over all files.
    pub reasons: BTreeMap<String, u64>,
    /// One report per file processed.
    pub files: Vec<FileReport>,
    /// Files that could not be processed at all.
    pub failed: Vec<FileFailure>,
}

impl IngestReport {
    /// Adds one file's report to the totals.
    pub(super) fn add(&mut self, f: FileReport) {
        self.accepted += f.accepted;
        self.quarantined += f.quarantined;
        self.duplicates += f.duplicates;
        self.out_of_order += f.out_of_order;
        for (code, r) in &f.reasons {
            *self.reasons.entry(code.clone()).or_default() += r.count;
        }
        self.files.push(f);
    }
}
