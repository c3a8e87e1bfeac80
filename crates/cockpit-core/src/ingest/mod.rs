//! Ingestion: streams CSV files (SCADA records, turbine registry, maintenance logbook — told apart
//! by their header) into the database, validating every row against the data contract.
//!
//! A row that breaks the contract is quarantined with its file, line and reason; the valid rows of
//! the same file are stored. Re-ingesting a file adds nothing: readings are keyed on
//! (turbine, timestamp), logbook entries on (turbine, component, failure time), registry entries
//! on the turbine id. Files are read in a streaming fashion — a parser thread validates batches of
//! rows while the calling thread writes them — so memory does not grow with the file size.
//!
//! | file | owns |
//! |---|---|
//! | `files` | the entry points [`ingest_files`] (dependency order, operations journal; [`ingest_files_with_progress`] tells the bytes read) and [`ingest_file`] |
//! | `sniff` | opening a file: text or binary, delimiter, header → kind of file and column positions |
//! | `limit` | the record-size limit ([`MAX_RECORD_BYTES`]): a longer record is cut before the CSV reader, never held whole, and quarantined as `record_too_large` |
//! | `rows` | the row rules: each record checked against the data contract (one bad value costs one value); the batches of checked and rejected rows |
//! | `field` | one field as read: the "no value" spellings, the text a message shows of it |
//! | `local_time` | timestamps to UTC: offsets as written, the mapping's time zone otherwise, daylight-saving time's repeated and missing hours; implausible times (before 1990, over a day after the ingestion) |
//! | `pipeline` | the parser thread → writer pipeline of one file and its `ingestions` record |
//! | `write` | the SQL writes: one transaction per batch with the ingestion's running counts, upserts, conflicting readings quarantined |
//! | `report` | the per-file and overall reports returned to the caller, the progress of an ingestion |
//! | `retry` | [`retry_unknown_turbines`]: quarantined `unknown_turbine` rows read again once the registry may know them (after every registry ingestion, and by hand) |
//! | `quarantine` | every query of the quarantine table: its lines written (per ingestion), read back as a filtered page, as CSV, by file |
//! | `error` | [`IngestError`], the file-level failures |

mod error;
mod field;
mod files;
mod limit;
mod local_time;
mod pipeline;
mod quarantine;
mod report;
mod retry;
mod rows;
mod sniff;
#[cfg(test)]
mod test_support;
mod write;

pub use error::IngestError;
pub use files::{file_kind, ingest_file, ingest_files, ingest_files_with_progress};
pub use limit::MAX_RECORD_BYTES;
pub use quarantine::{
    export_quarantine_csv, quarantine_page, quarantined, write_quarantine_csv, QuarantineCount,
    QuarantineCsvError, QuarantinePage, QuarantineQuery, MAX_PAGE, QUARANTINE_CSV_HEADER,
};
pub use report::{FileFailure, FileReport, IngestProgress, IngestReport, ReasonCount};
pub use retry::{retry_unknown_turbines, RetryReport};
