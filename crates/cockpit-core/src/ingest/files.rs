//! The entry points: one file, or several files in dependency order (registries, then logbooks,
//! then SCADA), each recorded in the operations journal and the log.

use std::path::{Path, PathBuf};

use crate::mapping::Mapping;
use crate::schema::FileKind;
use crate::store::Store;

use super::pipeline::ingest_source;
use super::sniff::open_csv;
use super::{FileFailure, FileReport, IngestError, IngestReport};

/// Ingests several files: registries first, then logbooks, then SCADA, whatever the order given,
/// so turbines are known before their readings arrive. A file that cannot be processed is listed
/// in [`IngestReport::failed`] and does not stop the others.
pub fn ingest_files(store: &mut Store, paths: &[PathBuf], mapping: &Mapping) -> IngestReport {
    let _span = tracing::info_span!("ingestion", files = paths.len()).entered();
    let t0 = std::time::Instant::now();
    let mut report = IngestReport::default();
    let mut opened = Vec::new();
    for path in paths {
        let started = std::time::Instant::now();
        match open_csv(path, mapping) {
            Ok(src) => opened.push(src),
            Err(e) => {
                record_file(store, path, "unknown", started, Err(e.to_string()));
                report.failed.push(FileFailure {
                    file: path.display().to_string(),
                    error: e.to_string(),
                })
            }
        }
    }
    opened.sort_by_key(|s| match s.kind {
        FileKind::Registry => 0,
        FileKind::Logbook => 1,
        FileKind::Scada => 2,
    });
    for src in opened {
        let name = src.path.display().to_string();
        let path = src.path.clone();
        let kind = src.kind.as_str();
        let started = std::time::Instant::now();
        match ingest_source(store, src, mapping) {
            Ok(f) => {
                tracing::info!(
                    file = %crate::journal::file_name(&path),
                    kind,
                    rows = f.rows,
                    accepted = f.accepted,
                    quarantined = f.quarantined,
                    duplicates = f.duplicates,
                    duration_ms = f.duration_ms,
                    "file ingested"
                );
                record_file(store, &path, kind, started, Ok(()));
                report.add(f)
            }
            Err(e) => {
                record_file(store, &path, kind, started, Err(e.to_string()));
                report.failed.push(FileFailure {
                    file: name,
                    error: e.to_string(),
                })
            }
        }
    }
    tracing::info!(
        files = paths.len(),
        failed = report.failed.len(),
        accepted = report.accepted,
        quarantined = report.quarantined,
        duration_ms = t0.elapsed().as_millis() as u64,
        "ingestion finished"
    );
    report
}

/// Writes one file's ingestion to the operations journal (and the log).
fn record_file(
    store: &Store,
    path: &Path,
    kind: &str,
    started: std::time::Instant,
    result: Result<(), String>,
) {
    let file = crate::journal::file_name(path);
    if let Err(e) = &result {
        tracing::error!(file = %file, kind, error = %crate::journal::redact(e), "file not ingested");
    }
    let op = crate::journal::Operation::finished(
        crate::journal::OperationKind::Ingestion,
        kind,
        started,
        result,
        Some(file),
    );
    crate::journal::record_quietly(store, &op);
}

/// Ingests one file.
pub fn ingest_file(
    store: &mut Store,
    path: &Path,
    mapping: &Mapping,
) -> Result<FileReport, IngestError> {
    let src = open_csv(path, mapping)?;
    ingest_source(store, src, mapping)
}
