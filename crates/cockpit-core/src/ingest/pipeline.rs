//! The streaming pipeline of one file: a parser thread reads and validates batches of rows while
//! the calling thread writes them, so memory does not grow with the file size.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::time::Instant;

use rusqlite::params;

use crate::mapping::Mapping;
use crate::schema::{FileKind, SIGNALS};
use crate::store::Store;

use super::local_time::LocalTime;
use super::rows::{check_logbook, check_reading, check_registry, Batch, Rejected, Row};
use super::sniff::Source;
use super::write::write_all;
use super::{FileReport, IngestError};

/// Rows per batch handed from the parser thread to the writer.
const BATCH_ROWS: usize = 8192;
/// Batches in flight between parser and writer (bounds memory).
const BATCHES_IN_FLIGHT: usize = 4;

/// Ingests an opened file: records the ingestion, runs the parser and the writer, returns the counts.
/// `progress` is called on the calling thread after each stored batch with the bytes of the file
/// read so far (never decreasing).
pub(super) fn ingest_source(
    store: &mut Store,
    src: Source,
    mapping: &Mapping,
    progress: &mut dyn FnMut(u64),
) -> Result<FileReport, IngestError> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let path = src.path.clone();
    let file_name = std::fs::canonicalize(&path)
        .unwrap_or_else(|_| path.clone())
        .display()
        .to_string();
    let kind = src.kind;
    let db_err = |source| IngestError::Database {
        path: path.clone(),
        source,
    };
    let turbines = store.turbine_keys()?;
    let header = super::retry::StoredHeader::of(&src).to_json();
    let conn = store.conn_mut();
    conn.execute(
        "INSERT INTO ingestions (file, kind, mapping, started_at, duration_ms, rows, accepted, quarantined, duplicates, out_of_order, header)
         VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0, ?5)",
        params![file_name, kind.as_str(), mapping.name, started_at, header],
    )
    .map_err(db_err)?;
    let ingestion_id = conn.last_insert_rowid();

    let (tx, rx) = sync_channel::<Result<Batch, IngestError>>(BATCHES_IN_FLIGHT);
    let mut report = FileReport {
        file: path.display().to_string(),
        kind: kind.as_str(),
        mapping: mapping.name.clone(),
        rows: 0,
        accepted: 0,
        quarantined: 0,
        duplicates: 0,
        out_of_order: 0,
        reasons: BTreeMap::new(),
        duration_ms: 0,
        absent_columns: src.absent.clone(),
        cleared: 0,
        cleared_values: BTreeMap::new(),
        standstill_zeroed: 0,
    };
    // Bytes read by the parser when it sent its latest batch.
    let bytes_read = AtomicU64::new(0);
    let outcome = std::thread::scope(|scope| {
        let parser_mapping = mapping.clone();
        let parser_bytes = &bytes_read;
        scope.spawn(move || parse_all(src, &parser_mapping, &turbines, &tx, parser_bytes));
        // `write_all` owns the receiver: on a write error it is dropped, which stops the parser.
        write_all(conn, rx, &file_name, ingestion_id, &mut report, &mut || {
            progress(bytes_read.load(Ordering::Acquire))
        })
    });
    outcome?;
    report.duration_ms = started.elapsed().as_millis() as u64;
    conn.execute(
        "UPDATE ingestions SET duration_ms = ?2, rows = ?3, accepted = ?4, quarantined = ?5, duplicates = ?6, out_of_order = ?7 WHERE id = ?1",
        params![
            ingestion_id,
            report.duration_ms as i64,
            report.rows as i64,
            report.accepted as i64,
            report.quarantined as i64,
            report.duplicates as i64,
            report.out_of_order as i64
        ],
    )
    .map_err(db_err)?;
    Ok(report)
}

/// Parser thread: reads records, validates them and sends batches to the writer.
fn parse_all(
    mut src: Source,
    mapping: &Mapping,
    turbines: &HashMap<String, i64>,
    tx: &SyncSender<Result<Batch, IngestError>>,
    bytes_read: &AtomicU64,
) {
    let mut record = csv::ByteRecord::new();
    let mut batch = Batch::default();
    let mut last_ts: HashMap<i64, i64> = HashMap::new();
    let signal_scale: Vec<f64> = SIGNALS.iter().map(|s| mapping.scale(s.name)).collect();
    let mut clock = LocalTime::new(mapping.timezone.as_deref());
    loop {
        let line_hint = src.reader.position().line();
        match src.reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // The csv reader reports only I/O and UTF-8 problems here; I/O ends the file.
                let message = e.to_string();
                let _ = tx.send(Err(IngestError::Csv {
                    path: src.path.clone(),
                    line: line_hint,
                    message,
                }));
                return;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line_hint);
        batch.read += 1;
        let checked = if record.len() != src.header_len {
            Err((
                "wrong_field_count",
                format!(
                    "has {} field{}, the header has {} (truncated or malformed line)",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    src.header_len
                ),
            ))
        } else {
            match src.kind {
                FileKind::Scada => check_reading(
                    &record,
                    &src.columns,
                    mapping,
                    &signal_scale,
                    turbines,
                    &mut clock,
                ),
                FileKind::Registry => check_registry(&record, &src.columns, mapping),
                FileKind::Logbook => {
                    check_logbook(&record, &src.columns, mapping, turbines, &mut clock)
                }
            }
        };
        match checked {
            Ok(mut row) => {
                if let Row::Reading(r) = &mut row {
                    batch.standstill_zeroed += r.standstill_zeroed;
                    if !r.cleared.is_empty() {
                        let raw = raw_line(&record, src.delimiter);
                        batch
                            .cleared
                            .extend(r.cleared.drain(..).map(|(signal, message)| {
                                (signal, format!("line {line}: {message}"), raw.clone())
                            }));
                    }
                    let last = last_ts.entry(r.turbine).or_insert(i64::MIN);
                    if r.ts < *last {
                        batch.out_of_order += 1;
                    } else {
                        *last = r.ts;
                    }
                }
                batch.rows.push(row);
            }
            Err((reason, message)) => batch.rejected.push(Rejected {
                line,
                reason,
                message: format!("line {line}: {message}"),
                raw: raw_line(&record, src.delimiter),
            }),
        }
        if batch.rows.len() + batch.rejected.len() >= BATCH_ROWS {
            bytes_read.store(src.reader.position().byte(), Ordering::Release);
            if tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                return;
            }
        }
    }
    bytes_read.store(src.reader.position().byte(), Ordering::Release);
    let _ = tx.send(Ok(batch));
}

/// The record as a line of text, for the quarantine table.
fn raw_line(record: &csv::ByteRecord, delimiter: u8) -> String {
    let mut out = Vec::new();
    for (i, f) in record.iter().enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        out.extend_from_slice(f);
    }
    out.truncate(4096);
    String::from_utf8_lossy(&out).into_owned()
}
