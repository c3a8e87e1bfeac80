//! The entry points: one file, or several files in dependency order (registries, then logbooks,
//! then SCADA), each recorded in the operations journal and the log; after a registry that stored
//! turbines, the `unknown_turbine` quarantine is read again.

use std::path::{Path, PathBuf};

use crate::mapping::Mapping;
use crate::schema::FileKind;
use crate::store::Store;

use super::pipeline::ingest_source;
use super::sniff::open_csv;
use super::{FileFailure, FileReport, IngestError, IngestProgress, IngestReport};

/// Ingests several files: registries first, then logbooks, then SCADA, whatever the order given,
/// so turbines are known before their readings arrive. A file that cannot be processed is listed
/// in [`IngestReport::failed`] and does not stop the others.
pub fn ingest_files(store: &mut Store, paths: &[PathBuf], mapping: &Mapping) -> IngestReport {
    ingest_files_with_progress(store, paths, mapping, &mut |_| {})
}

/// [`ingest_files`], telling `progress` (on the calling thread) how many bytes are read after
/// every stored batch and at the end of every file: `bytes_read` never decreases and the last
/// call has `bytes_read == bytes_total` (the sizes of the files that could be opened).
pub fn ingest_files_with_progress(
    store: &mut Store,
    paths: &[PathBuf],
    mapping: &Mapping,
    progress: &mut dyn FnMut(&IngestProgress),
) -> IngestReport {
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
    let sizes: Vec<u64> = opened
        .iter()
        .map(|s| std::fs::metadata(&s.path).map(|m| m.len()).unwrap_or(0))
        .collect();
    let bytes_total: u64 = sizes.iter().sum();
    let files = opened.len();
    let mut done: u64 = 0;
    for (file_index, (src, size)) in opened.into_iter().zip(sizes).enumerate() {
        let name = src.path.display().to_string();
        let path = src.path.clone();
        let kind = src.kind.as_str();
        let started = std::time::Instant::now();
        let mut tell = |bytes_read: u64| {
            progress(&IngestProgress {
                file: name.clone(),
                file_index,
                files,
                bytes_read,
                bytes_total,
            })
        };
        let mut last = done;
        let outcome = ingest_source(store, src, mapping, &mut |read| {
            let now = done + read.min(size);
            if now > last {
                last = now;
                tell(now);
            }
        });
        done += size;
        tell(done);
        match outcome {
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
    let new_turbines = report
        .files
        .iter()
        .any(|f| f.kind == FileKind::Registry.as_str() && f.accepted > 0);
    if new_turbines {
        match super::retry::retry_after_registry(store, std::slice::from_ref(mapping)) {
            Ok(retry) => report.retry = (retry.retried > 0).then_some(retry),
            Err(e) => tracing::warn!(
                error = %crate::journal::redact(&e.to_string()),
                "the quarantined unknown-turbine rows could not be retried"
            ),
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

/// What `path` is (registry, logbook or SCADA), from its header, without reading further; the
/// same file-level errors as [`ingest_file`].
pub fn file_kind(path: &Path, mapping: &Mapping) -> Result<FileKind, IngestError> {
    Ok(open_csv(path, mapping)?.kind)
}

/// Ingests one file.
pub fn ingest_file(
    store: &mut Store,
    path: &Path,
    mapping: &Mapping,
) -> Result<FileReport, IngestError> {
    let src = open_csv(path, mapping)?;
    ingest_source(store, src, mapping, &mut |_| {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};

    #[test]
    fn progress_never_goes_back_and_ends_at_the_bytes_of_every_file() {
        let (dir, mut store) = setup();
        // Several batches in the big file, so progress is told while it is read.
        let mut body = scada_header();
        for i in 0..20_000 {
            let ts = crate::schema::format_timestamp(1_700_000_000 + 600 * i);
            body.push('\n');
            body.push_str(&scada_row(&ts, "T1", "7.5", "1200"));
        }
        body.push('\n');
        let big = write(dir.path(), "big.csv", body.as_bytes());
        let small = write(
            dir.path(),
            "small.csv",
            format!(
                "{}\n{}\n",
                scada_header(),
                scada_row("2026-05-01T00:00:00Z", "T9", "1", "2")
            )
            .as_bytes(),
        );
        let missing = dir.path().join("missing.csv");
        let mut seen: Vec<IngestProgress> = Vec::new();
        let report = ingest_files_with_progress(
            &mut store,
            &[missing, big.clone(), small.clone()],
            &Mapping::canonical(),
            &mut |p| seen.push(p.clone()),
        );
        assert_eq!(report.failed.len(), 1);
        let total =
            std::fs::metadata(&big).unwrap().len() + std::fs::metadata(&small).unwrap().len();
        assert!(
            seen.len() > 3,
            "told more than once per file: {}",
            seen.len()
        );
        assert!(seen.iter().all(|p| p.bytes_total == total && p.files == 2));
        assert!(seen.windows(2).all(|w| w[0].bytes_read <= w[1].bytes_read));
        assert!(seen
            .iter()
            .any(|p| p.bytes_read > 0 && p.bytes_read < total - 200));
        assert_eq!(seen.last().unwrap().bytes_read, total);
        assert_eq!(seen.last().unwrap().file_index, 1);
        // The report of the small file shows its rejected line as read.
        let r = &report.files[1].reasons["unknown_turbine"];
        assert_eq!(r.count, 1);
        assert!(
            r.example_line.starts_with("2026-05-01T00:00:00Z,T9,1,"),
            "{}",
            r.example_line
        );
    }
}
