//! The streaming pipeline of one file: a parser thread reads and validates batches of rows while
//! the calling thread writes them, so memory does not grow with the file size.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::time::Instant;

use rusqlite::params;

use crate::mapping::Mapping;
use crate::schema::{FileKind, SIGNALS};
use crate::store::Store;

use super::limit::{Cut, MAX_RECORD_BYTES};
use super::local_time::LocalTime;
use super::rows::{check_logbook, check_reading, check_registry, Batch, Rejected, Row};
use super::sniff::Source;
use super::write::{write_all, Journal};
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
    if store.is_pack() {
        return Err(IngestError::FieldPack);
    }
    let started = Instant::now();
    // The ingestion time: what the records' timestamps are checked against.
    let started_at = crate::clock::now();
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
        "INSERT INTO ingestions (file, kind, mapping, started_at, duration_ms, rows, accepted, quarantined, duplicates, out_of_order, complete, header)
         VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0, 0, ?5)",
        params![file_name, kind.as_str(), mapping.name, started_at, header],
    )
    .map_err(db_err)?;
    let ingestion_id = conn.last_insert_rowid();

    let (tx, rx) = sync_channel::<Result<Batch, IngestError>>(BATCHES_IN_FLIGHT);
    let mut report = FileReport {
        file: path.display().to_string(),
        kind: kind.as_str(),
        mapping: mapping.name.clone(),
        absent_columns: src.absent.clone(),
        ..FileReport::default()
    };
    // Bytes read by the parser when it sent its latest batch.
    let bytes_read = AtomicU64::new(0);
    let outcome = std::thread::scope(|scope| {
        let parser_mapping = mapping.clone();
        let parser_bytes = &bytes_read;
        scope.spawn(move || {
            parse_all(
                src,
                &parser_mapping,
                &turbines,
                started_at,
                &tx,
                parser_bytes,
            )
        });
        // `write_all` owns the receiver: on a write error it is dropped, which stops the parser.
        write_all(
            conn,
            rx,
            &file_name,
            ingestion_id,
            Journal::Ingestion,
            &mut report,
            &mut || progress(bytes_read.load(Ordering::Acquire)),
        )
    });
    report.duration_ms = started.elapsed().as_millis() as u64;
    // The counts were written with each batch; an ingestion that stopped early stays incomplete
    // (and its own error, not this update's, is the one reported).
    let finished = conn.execute(
        "UPDATE ingestions SET duration_ms = ?2, complete = ?3 WHERE id = ?1",
        params![ingestion_id, report.duration_ms as i64, outcome.is_ok()],
    );
    outcome?;
    finished.map_err(db_err)?;
    Ok(report)
}

/// Parser thread: reads records, validates them and sends batches to the writer.
fn parse_all(
    mut src: Source,
    mapping: &Mapping,
    turbines: &HashMap<String, i64>,
    now: i64,
    tx: &SyncSender<Result<Batch, IngestError>>,
    bytes_read: &AtomicU64,
) {
    let mut record = csv::ByteRecord::new();
    let mut batch = Batch::default();
    let mut last_ts: HashMap<i64, i64> = HashMap::new();
    let signal_scale: Vec<f64> = SIGNALS.iter().map(|s| mapping.scale(s.name)).collect();
    let mut clock = LocalTime::new(mapping.timezone.as_deref()).bounded(now);
    // Line breaks the reader did not see (dropped with the rest of a cut record).
    let mut line_shift: i64 = 0;
    // Lines swallowed by a quote that was never closed, read again as records of their own
    // (line number, record), first line first.
    let mut reread: VecDeque<(u64, csv::ByteRecord)> = VecDeque::new();
    loop {
        let (line, cut) = if let Some((line, again)) = reread.pop_front() {
            record = again;
            (line, None)
        } else {
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
            let position = record.position();
            let line = position.map(|p| p.line()).unwrap_or(line_hint);
            let line = u64::try_from(line as i64 + line_shift).unwrap_or(line);
            (line, position.and_then(|p| src.cuts.take_at(p.byte())))
        };
        batch.read += 1;
        if let Some((raw, rest, lines)) = cut
            .is_none()
            .then(|| open_quote(&record, src.kind, src.header_len, src.delimiter))
            .flatten()
        {
            batch.rejected.push(Rejected {
                line,
                reason: "unclosed_quote",
                message: format!(
                    "line {line}: a quote opened on this line is not closed on it (it ran over {lines} more line{}, read again as rows of their own)",
                    if lines == 1 { "" } else { "s" }
                ),
                raw,
            });
            let mut again = csv::ReaderBuilder::new()
                .delimiter(src.delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(rest.as_slice());
            let mut next = csv::ByteRecord::new();
            let mut records = Vec::new();
            while let Ok(true) = again.read_byte_record(&mut next) {
                let at = next.position().map(|p| p.line()).unwrap_or(1);
                records.push((line + at, next.clone()));
            }
            for r in records.into_iter().rev() {
                reread.push_front(r);
            }
            if batch.rows.len() + batch.rejected.len() >= BATCH_ROWS {
                bytes_read.store(src.reader.position().byte(), Ordering::Release);
                if tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                    return;
                }
            }
            continue;
        }
        let checked = if let Some(cut) = cut {
            line_shift += cut.line_shift;
            Err(("record_too_large", too_large(&cut)))
        } else if record.len() != src.header_len {
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
                    r.line = line;
                    let start = batch.raw.len();
                    push_raw(&mut batch.raw, &record, src.delimiter);
                    r.raw = start..batch.raw.len();
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

/// The message of a record cut at [`MAX_RECORD_BYTES`].
fn too_large(cut: &Cut) -> String {
    format!(
        "the record is {} bytes long, over the limit of {MAX_RECORD_BYTES} bytes (1 MiB) for one record{}; only its start is kept here",
        cut.bytes,
        if cut.to_end {
            ", and a quote opened in it never closes, so it runs to the end of the file"
        } else {
            ""
        }
    )
}

/// Longest raw text kept of a quarantined line.
const MAX_RAW: usize = 4096;

/// A record that runs over a line break because a quote opened in it was never closed, where no
/// value may hold a line break (any SCADA record; a registry or logbook record only when it also
/// has the wrong number of fields, since their free text may be quoted over several lines):
/// the record's first line as text (for the quarantine), the text of the lines it swallowed, and
/// how many lines that is. `None` for any other record.
fn open_quote(
    record: &csv::ByteRecord,
    kind: FileKind,
    header_len: usize,
    delimiter: u8,
) -> Option<(String, Vec<u8>, usize)> {
    let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
    let open = record.iter().position(|f| f.iter().any(is_break))?;
    if kind != FileKind::Scada && record.len() == header_len {
        return None;
    }
    let mut first = Vec::new();
    for f in record.iter().take(open) {
        first.extend_from_slice(f);
        first.push(delimiter);
    }
    let field = &record[open];
    let cut = field.iter().position(is_break).unwrap_or(field.len());
    first.push(b'"');
    first.extend_from_slice(&field[..cut]);
    first.truncate(4096);
    let skip = if field[cut..].starts_with(b"\r\n") {
        2
    } else {
        1
    };
    let mut rest = field[(cut + skip).min(field.len())..].to_vec();
    for f in record.iter().skip(open + 1) {
        rest.push(delimiter);
        rest.extend_from_slice(f);
    }
    let lines = rest
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    Some((String::from_utf8_lossy(&first).into_owned(), rest, lines))
}

/// The record as a line of text, for the quarantine table.
fn raw_line(record: &csv::ByteRecord, delimiter: u8) -> String {
    let mut out = Vec::new();
    push_raw(&mut out, record, delimiter);
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends the record as a line of text (cut at [`MAX_RAW`] bytes) to `out`.
fn push_raw(out: &mut Vec<u8>, record: &csv::ByteRecord, delimiter: u8) {
    let start = out.len();
    for (i, f) in record.iter().enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        out.extend_from_slice(f);
        if out.len() - start >= MAX_RAW {
            break;
        }
    }
    out.truncate(start + MAX_RAW);
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;
    use crate::ingest::sniff::open_csv;
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};
    use crate::ingest::{ingest_file, quarantined};

    /// A canonical SCADA file of `rows` 10-minute records of T1 (no header).
    fn rows(rows: i64) -> String {
        let mut body = String::new();
        for i in 0..rows {
            let ts = crate::schema::format_timestamp(1_700_000_000 + 600 * i);
            body.push_str(&scada_row(&ts, "T1", "7.5", "1200"));
            body.push('\n');
        }
        body
    }

    /// A reader that fails (a network share gone, a disk error) once its text is read.
    struct FailsAtEnd(Cursor<Vec<u8>>);

    impl Read for FailsAtEnd {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("the share went away")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn an_interrupted_ingestion_counts_exactly_the_rows_it_stored_and_stays_incomplete() {
        let (dir, mut store) = setup();
        let p = write(
            dir.path(),
            "scada.csv",
            format!("{}\n", scada_header()).as_bytes(),
        );
        let mut src = open_csv(&p, &Mapping::canonical()).unwrap();
        // Three batches and a half are read, then the file cannot be read any more.
        let body = rows(BATCH_ROWS as i64 * 3 + BATCH_ROWS as i64 / 2);
        let failing: Box<dyn std::io::Read + Send> =
            Box::new(FailsAtEnd(Cursor::new(body.into_bytes())));
        src.reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(failing);
        let err = ingest_source(&mut store, src, &Mapping::canonical(), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("the share went away"), "{err}");
        let (rows, accepted, complete): (i64, i64, bool) = store
            .conn()
            .query_row(
                "SELECT rows, accepted, complete FROM ingestions WHERE kind = 'scada'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let stored = store.counts().unwrap().readings;
        assert!(stored >= 3 * BATCH_ROWS as i64, "{stored}");
        assert_eq!((rows, accepted, complete), (stored, stored, false));
        // A whole file is complete.
        let p = write(
            dir.path(),
            "ok.csv",
            format!("{}\n{}", scada_header(), rows_after()).as_bytes(),
        );
        ingest_file_for_test(&mut store, &p);
        let complete: bool = store
            .conn()
            .query_row(
                "SELECT complete FROM ingestions ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(complete);
    }

    fn rows_after() -> String {
        scada_row("2026-05-01T00:00:00Z", "T2", "7.5", "1200") + "\n"
    }

    fn ingest_file_for_test(store: &mut Store, p: &std::path::Path) -> FileReport {
        crate::ingest::ingest_file(store, p, &Mapping::canonical()).unwrap()
    }

    #[test]
    fn a_record_over_one_mebibyte_is_quarantined_and_the_lines_after_it_are_stored() {
        let (dir, mut store) = setup();
        // A 20 MB line (a field that never ends, as a broken export writes it), then good lines.
        let huge = format!("2026-05-01T00:10:00Z,T1,{}", "9".repeat(20_000_000));
        let body = format!(
            "{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"),
            huge,
            scada_row("2026-05-01T00:20:00Z", "T1", "7.5", "1200"),
        );
        let p = write(dir.path(), "huge.csv", body.as_bytes());
        let r = ingest_file_for_test(&mut store, &p);
        assert_eq!((r.rows, r.accepted, r.quarantined), (3, 2, 1));
        let q = quarantined(&store, None).unwrap();
        assert_eq!((q[0].line, q[0].reason.as_str()), (3, "record_too_large"));
        assert_eq!(
            q[0].message,
            "line 3: the record is 20000024 bytes long, over the limit of 1048576 bytes (1 MiB) for one record; only its start is kept here"
        );
        assert!(q[0].raw.len() <= MAX_RAW && q[0].raw.starts_with("2026-05-01T00:10:00Z,T1,999"));
        assert_eq!(store.counts().unwrap().readings, 2);
        // A quote that opens a 100 MB field and never closes: the rest of the file is that record.
        let mut body = format!(
            "{}\n{}\n",
            scada_header(),
            scada_row("2026-05-02T00:00:00Z", "T1", "7.5", "1200")
        );
        body.push_str("2026-05-02T00:10:00Z,T1,\"");
        body.push_str(&"1".repeat(2_000_000));
        let p = write(dir.path(), "unclosed.csv", body.as_bytes());
        let r = ingest_file_for_test(&mut store, &p);
        assert_eq!((r.accepted, r.quarantined), (1, 1));
        assert!(
            r.reasons["record_too_large"]
                .example
                .contains("a quote opened in it never closes, so it runs to the end of the file"),
            "{}",
            r.reasons["record_too_large"].example
        );
    }

    #[test]
    fn a_header_over_one_mebibyte_refuses_the_file_and_ten_thousand_columns_are_read() {
        let (dir, mut store) = setup();
        let header = format!("{},{}", scada_header(), "x".repeat(2 << 20));
        let p = write(dir.path(), "wide.csv", format!("{header}\n").as_bytes());
        let err = crate::ingest::ingest_file(&mut store, &p, &Mapping::canonical()).unwrap_err();
        let expected = format!(
            "the header line is {} bytes long, over the limit of 1048576 bytes for one line",
            header.len()
        );
        assert!(err.to_string().contains(&expected), "{err}");
        // 10,000 columns: the canonical ones and extra ones the cockpit does not read.
        let extra: Vec<String> = (0..10_000 - crate::schema::scada_columns().len())
            .map(|i| format!("extra_{i}"))
            .collect();
        let line = |row: String| format!("{row},{}", vec!["1"; extra.len()].join(","));
        let body = format!(
            "{},{}\n{}\n",
            scada_header(),
            extra.join(","),
            line(scada_row("2026-05-03T00:00:00Z", "T1", "7.5", "1200"))
        );
        let p = write(dir.path(), "10k.csv", body.as_bytes());
        let r = ingest_file_for_test(&mut store, &p);
        assert_eq!((r.rows, r.accepted), (1, 1));
    }

    #[test]
    fn a_quote_never_closed_costs_its_line_and_the_lines_after_it_are_read() {
        let (dir, mut store) = setup();
        let rows: Vec<String> = (0..6)
            .map(|i| scada_row(&format!("2026-05-01T00:{i}0:00Z"), "T1", "7.5", "1200"))
            .collect();
        let open = rows[3].replace(",running", ",\"running");
        let body = format!(
            "{}\n{}\n{}\n{}\n{open}\n{}\n{}\n",
            scada_header(),
            rows[0],
            rows[1],
            rows[2],
            rows[4],
            rows[5]
        );
        let p = write(dir.path(), "open.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.rows, r.accepted, r.quarantined), (6, 5, 1));
        let reason = &r.reasons["unclosed_quote"];
        assert_eq!(reason.count, 1);
        assert_eq!(
            reason.example,
            "line 5: a quote opened on this line is not closed on it (it ran over 2 more lines, read again as rows of their own)"
        );
        let raw: String = store
            .conn()
            .query_row("SELECT raw FROM quarantine", [], |r| r.get(0))
            .unwrap();
        assert_eq!(raw, open);
        // The lines after it keep their own line numbers: a bad one is named at its line.
        let body = format!(
            "{}\n{open}\n{}\n{}\n",
            scada_header(),
            rows[4].replace("2026-05-01T00:40:00Z", "soon"),
            rows[5]
        );
        let p = write(dir.path(), "open2.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.rows, r.quarantined), (3, 2));
        assert!(r.reasons["bad_timestamp"].example.starts_with("line 3: "));
    }

    #[test]
    fn a_logbook_action_quoted_over_two_lines_is_kept() {
        let (dir, mut store) = setup();
        let body = "turbine_id,component,failure_time,back_in_service_time,action\n\
                    T1,converter,2026-05-01T00:00:00Z,2026-05-02T00:00:00Z,\"Replaced IGBT\nchecked cooling\"\n\
                    T2,converter,2026-05-03T00:00:00Z,,\n";
        let p = write(dir.path(), "logbook.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.rows, r.accepted, r.quarantined), (2, 2, 0));
    }
}
