//! What an ingestion tells its caller: per-file counts, quarantine reasons and failed files.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lang::Lang;

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
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
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
    /// Optional columns the file lacks, as `canonical` or `canonical (expected as 'Foreign')`
    /// when the mapping renames them: those values stay empty (e.g. every temperature but the
    /// outdoor one in ENGIE's 7-signal export).
    pub absent_columns: Vec<String>,
    /// Values cleared (stored empty) in stored records because they were out of range; the
    /// records' other values were kept.
    pub cleared: u64,
    /// Cleared values by signal, with the message of the first one (line, value, valid range).
    pub cleared_values: BTreeMap<String, ReasonCount>,
    /// Speeds slightly below zero at standstill, within the schema's standstill tolerance, read
    /// as 0.
    pub standstill_zeroed: u64,
}

impl FileReport {
    /// One line when every row of the file was quarantined (nothing stored), with the top three
    /// reasons; `None` otherwise.
    pub fn all_quarantined(&self, lang: Lang) -> Option<String> {
        if self.rows == 0 || self.quarantined < self.rows {
            return None;
        }
        let mut reasons: Vec<(&String, u64)> =
            self.reasons.iter().map(|(k, r)| (k, r.count)).collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let top = reasons
            .iter()
            .take(3)
            .map(|(k, n)| format!("{k} × {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let example = reasons
            .first()
            .and_then(|(k, _)| self.reasons.get(*k))
            .map(|r| r.example.as_str())
            .unwrap_or_default();
        Some(lang.pick(
            format!(
                "{}: all {} rows were quarantined, nothing was stored; top reasons: {top} (e.g. {example})",
                self.file, self.rows
            ),
            format!(
                "{} : les {} lignes ont toutes été mises en quarantaine, rien n'a été enregistré ; principales raisons : {top} (p. ex. {example})",
                self.file, self.rows
            ),
        ))
    }
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
    /// Out-of-range values cleared in stored records, by signal, over all files (the per-file
    /// reports carry the total and an example of each).
    pub cleared_values: BTreeMap<String, u64>,
    /// One report per file processed.
    pub files: Vec<FileReport>,
    /// Files that could not be processed at all.
    pub failed: Vec<FileFailure>,
    /// After a registry ingestion that stored turbines, when rows were quarantined as
    /// `unknown_turbine`: those rows read again, with what became of them.
    #[cfg_attr(feature = "ts", ts(skip))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<super::RetryReport>,
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
        for (signal, r) in &f.cleared_values {
            *self.cleared_values.entry(signal.clone()).or_default() += r.count;
        }
        self.files.push(f);
    }
}
