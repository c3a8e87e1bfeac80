//! Ingestion: streams CSV files (SCADA records, turbine registry, maintenance logbook — told apart
//! by their header) into the database, validating every row against the data contract.
//!
//! A row that breaks the contract is quarantined with its file, line and reason; the valid rows of
//! the same file are stored. Re-ingesting a file adds nothing: readings are keyed on
//! (turbine, timestamp), logbook entries on (turbine, component, failure time), registry entries
//! on the turbine id. Files are read in a streaming fashion — a parser thread validates batches of
//! rows while the calling thread writes them — so memory does not grow with the file size.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Instant;

use rusqlite::{params, Connection, Statement};
use serde::Serialize;

use crate::mapping::Mapping;
use crate::schema::{self, FileKind, Status, LOGBOOK_COLUMNS, REGISTRY_COLUMNS, SIGNALS};
use crate::store::{Store, StoreError};

/// Rows per batch handed from the parser thread to the writer.
const BATCH_ROWS: usize = 8192;
/// Batches in flight between parser and writer (bounds memory).
const BATCHES_IN_FLIGHT: usize = 4;
/// Bytes looked at to tell a text file from a binary one.
const SNIFF_BYTES: usize = 8192;
/// Longest turbine id accepted.
const MAX_ID_LEN: usize = 64;

/// File-level problems: the file could not be processed at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read the file: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (no header line)")]
    Empty { path: PathBuf },
    #[error("{path}: this is not a CSV text file ({why})")]
    NotText { path: PathBuf, why: String },
    #[error("{path}: the header does not look like a SCADA, turbine registry or logbook export ({why}); if the file comes from another system, pass a column mapping with --mapping")]
    UnknownKind { path: PathBuf, why: String },
    #[error("{path}: missing required column{plural} {columns} for a {kind} file{hint}", plural = if columns.contains(',') { "s" } else { "" })]
    MissingColumns {
        path: PathBuf,
        kind: &'static str,
        columns: String,
        hint: String,
    },
    #[error("{path}: the header names column '{column}' twice")]
    DuplicateColumn { path: PathBuf, column: String },
    #[error("{path}: cannot read line {line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{path}: database error while storing rows: {source}")]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How one reason for rejecting rows was met in a file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonCount {
    /// Rows rejected for this reason.
    pub count: u64,
    /// The message of the first such row (with its line number).
    pub example: String,
}

/// Outcome of ingesting one file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileReport {
    pub file: String,
    pub kind: &'static str,
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
    pub duration_ms: u64,
}

/// A file that could not be processed, with the message naming the problem.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileFailure {
    pub file: String,
    pub error: String,
}

/// Outcome of one `ingest` call over several files.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct IngestReport {
    pub accepted: u64,
    pub quarantined: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    /// Quarantined rows by reason code, over all files.
    pub reasons: BTreeMap<String, u64>,
    pub files: Vec<FileReport>,
    /// Files that could not be processed at all.
    pub failed: Vec<FileFailure>,
}

impl IngestReport {
    fn add(&mut self, f: FileReport) {
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

/// An opened CSV file whose header has been read and resolved.
struct Source {
    path: PathBuf,
    kind: FileKind,
    reader: csv::Reader<Box<dyn Read + Send>>,
    delimiter: u8,
    /// For each canonical column of the kind, the index of the file column carrying it.
    columns: Vec<Option<usize>>,
    header_len: usize,
}

fn open_csv(path: &Path, mapping: &Mapping) -> Result<Source, IngestError> {
    let pathbuf = path.to_path_buf();
    let mut file = File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => IngestError::NotFound {
            path: pathbuf.clone(),
        },
        _ => IngestError::Unreadable {
            path: pathbuf.clone(),
            source,
        },
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(IngestError::Unreadable {
            path: pathbuf,
            source: std::io::Error::other("it is a folder"),
        });
    }
    let mut head = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        let n = file
            .read(&mut head[filled..])
            .map_err(|source| IngestError::Unreadable {
                path: pathbuf.clone(),
                source,
            })?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let mut body: &[u8] = &head;
    if body.starts_with(b"\xEF\xBB\xBF") {
        body = &body[3..];
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty { path: pathbuf });
    }
    if let Some(pos) = body.iter().position(|&b| b == 0) {
        return Err(IngestError::NotText {
            path: pathbuf,
            why: format!("it contains binary data (a zero byte at offset {pos})"),
        });
    }
    if let Err(e) = std::str::from_utf8(body) {
        // A multi-byte character cut by the sniff window is fine; anything else is not text.
        if e.error_len().is_some() {
            return Err(IngestError::NotText {
                path: pathbuf,
                why: format!(
                    "it is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            });
        }
    }
    let header_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = mapping
        .delimiter
        .unwrap_or_else(|| detect_delimiter(header_line));

    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let skip = if bom { 3 } else { 0 };
    let replay: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(file));
    let mut replay: Box<dyn Read + Send> = replay;
    if skip > 0 {
        let mut bom_buf = [0u8; 3];
        replay
            .read_exact(&mut bom_buf)
            .map_err(|source| IngestError::Unreadable {
                path: pathbuf.clone(),
                source,
            })?;
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 18)
        .from_reader(replay);
    let mut header = csv::ByteRecord::new();
    let got = reader
        .read_byte_record(&mut header)
        .map_err(|e| IngestError::Csv {
            path: pathbuf.clone(),
            line: 1,
            message: e.to_string(),
        })?;
    if !got {
        return Err(IngestError::Empty { path: pathbuf });
    }
    let names: Vec<String> = header
        .iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .collect();
    let (kind, columns) = resolve_header(&pathbuf, &names, mapping, delimiter)?;
    Ok(Source {
        path: pathbuf,
        kind,
        reader,
        delimiter,
        columns,
        header_len: names.len(),
    })
}

fn detect_delimiter(header: &[u8]) -> u8 {
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b','))
        .unwrap_or(b',')
}

/// Canonical columns of a kind, with whether each is required.
fn kind_columns(kind: FileKind) -> Vec<(&'static str, bool)> {
    match kind {
        FileKind::Scada => {
            let mut v = vec![("timestamp", true), ("turbine_id", true)];
            v.extend(SIGNALS.iter().map(|s| (s.name, s.required)));
            v.push(("status", false));
            v
        }
        FileKind::Registry => REGISTRY_COLUMNS.iter().map(|c| (*c, true)).collect(),
        FileKind::Logbook => LOGBOOK_COLUMNS
            .iter()
            .map(|c| (*c, !matches!(*c, "back_in_service_time" | "action")))
            .collect(),
    }
}

/// Decides the kind of file from its header and locates each canonical column.
fn resolve_header(
    path: &Path,
    names: &[String],
    mapping: &Mapping,
    delimiter: u8,
) -> Result<(FileKind, Vec<Option<usize>>), IngestError> {
    for (i, n) in names.iter().enumerate() {
        if !n.is_empty() && names[..i].iter().any(|m| m.eq_ignore_ascii_case(n)) {
            return Err(IngestError::DuplicateColumn {
                path: path.to_path_buf(),
                column: n.clone(),
            });
        }
    }
    let find = |col: &str| names.iter().position(|n| n.eq_ignore_ascii_case(col));
    // The kind is the one whose required columns are all present (the most columns found wins
    // a tie); failing that, the one with the largest share of its required columns, if at least
    // two are present, so the error can name what is missing.
    let score = |kind: FileKind| {
        let cols = kind_columns(kind);
        let found = |c: &str| find(mapping.source_column(kind, c)).is_some();
        let required = cols.iter().filter(|(_, r)| *r).count();
        let present = cols.iter().filter(|(c, r)| *r && found(c)).count();
        let all = cols.iter().filter(|(c, _)| found(c)).count();
        (kind, present, required, all)
    };
    let scores = [
        score(FileKind::Scada),
        score(FileKind::Registry),
        score(FileKind::Logbook),
    ];
    let complete = scores
        .iter()
        .filter(|(_, present, required, _)| present == required)
        .max_by_key(|(_, _, _, all)| *all);
    let partial = || {
        scores
            .iter()
            .filter(|(_, present, _, _)| *present >= 2)
            .max_by(|a, b| (a.1 * b.2).cmp(&(b.1 * a.2)))
    };
    let kind = complete.or_else(partial).map(|(kind, ..)| *kind);
    let Some(kind) = kind else {
        let why = if names.len() < 2 {
            format!(
                "its first line has a single column{}",
                if delimiter == b',' {
                    " and no ',' ';' or tab separator"
                } else {
                    ""
                }
            )
        } else {
            format!(
                "found {}; a SCADA file needs timestamp, turbine_id, wind_speed_ms and power_kw, a registry needs rated_power_kw, a logbook needs failure_time (mapping '{}')",
                preview(names),
                mapping.name
            )
        };
        return Err(IngestError::UnknownKind {
            path: path.to_path_buf(),
            why,
        });
    };
    let cols = kind_columns(kind);
    let columns: Vec<Option<usize>> = cols
        .iter()
        .map(|(c, _)| find(mapping.source_column(kind, c)))
        .collect();
    let missing: Vec<String> = cols
        .iter()
        .zip(&columns)
        .filter(|((_, required), idx)| *required && idx.is_none())
        .map(|((c, _), _)| {
            let src = mapping.source_column(kind, c);
            if src == *c {
                c.to_string()
            } else {
                format!("{c} (expected as '{src}')")
            }
        })
        .collect();
    if !missing.is_empty() {
        return Err(IngestError::MissingColumns {
            path: path.to_path_buf(),
            kind: kind.as_str(),
            columns: missing.join(", "),
            hint: if mapping.name == "canonical" {
                "; if the file uses another naming, pass --mapping".to_string()
            } else {
                format!(" (mapping '{}')", mapping.name)
            },
        });
    }
    Ok((kind, columns))
}

fn preview(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(6).map(String::as_str).collect();
    let more = if names.len() > 6 {
        format!(" and {} more", names.len() - 6)
    } else {
        String::new()
    };
    format!("columns {}{more}", shown.join(", "))
}

/// A row rejected by validation.
struct Rejected {
    line: u64,
    reason: &'static str,
    message: String,
    raw: String,
}

/// A validated SCADA record.
struct Reading {
    turbine: i64,
    ts: i64,
    values: [Option<f64>; SIGNALS.len()],
    status: Option<i64>,
}

struct RegistryRow {
    turbine_id: String,
    site: String,
    model: String,
    rated_power_kw: f64,
    latitude: f64,
    longitude: f64,
    commissioning_date: String,
}

struct LogbookRow {
    turbine: i64,
    component: &'static str,
    failure_time: i64,
    back_in_service_time: Option<i64>,
    action: String,
}

enum Row {
    Reading(Reading),
    Registry(RegistryRow),
    Logbook(LogbookRow),
}

#[derive(Default)]
struct Batch {
    rows: Vec<Row>,
    rejected: Vec<Rejected>,
    read: u64,
    out_of_order: u64,
}

/// Result of validating one row: the row, or a reason code and a message.
type Checked = Result<Row, (&'static str, String)>;

fn ingest_source(
    store: &mut Store,
    src: Source,
    mapping: &Mapping,
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
    let conn = store.conn_mut();
    conn.execute(
        "INSERT INTO ingestions (file, kind, mapping, started_at, duration_ms, rows, accepted, quarantined, duplicates, out_of_order)
         VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0)",
        params![file_name, kind.as_str(), mapping.name, started_at],
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
    };
    let outcome = std::thread::scope(|scope| {
        let parser_mapping = mapping.clone();
        scope.spawn(move || parse_all(src, &parser_mapping, &turbines, &tx));
        // `write_all` owns the receiver: on a write error it is dropped, which stops the parser.
        write_all(conn, rx, &file_name, ingestion_id, &mut report)
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
) {
    let mut record = csv::ByteRecord::new();
    let mut batch = Batch::default();
    let mut last_ts: HashMap<i64, i64> = HashMap::new();
    let signal_scale: Vec<f64> = SIGNALS.iter().map(|s| mapping.scale(s.name)).collect();
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
                FileKind::Scada => {
                    check_reading(&record, &src.columns, mapping, &signal_scale, turbines)
                }
                FileKind::Registry => check_registry(&record, &src.columns, mapping),
                FileKind::Logbook => check_logbook(&record, &src.columns, mapping, turbines),
            }
        };
        match checked {
            Ok(row) => {
                if let Row::Reading(r) = &row {
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
        if batch.rows.len() + batch.rejected.len() >= BATCH_ROWS
            && tx.send(Ok(std::mem::take(&mut batch))).is_err()
        {
            return;
        }
    }
    let _ = tx.send(Ok(batch));
}

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

/// Writer (calling thread): stores batches, one transaction each.
fn write_all(
    conn: &mut Connection,
    rx: Receiver<Result<Batch, IngestError>>,
    file_name: &str,
    ingestion_id: i64,
    report: &mut FileReport,
) -> Result<(), IngestError> {
    let path = PathBuf::from(&report.file);
    let db_err = |source| IngestError::Database {
        path: path.clone(),
        source,
    };
    let signal_cols: Vec<&str> = SIGNALS.iter().map(|s| s.name).collect();
    let placeholders: Vec<String> = (1..=SIGNALS.len() + 3).map(|i| format!("?{i}")).collect();
    let insert_reading = format!(
        "INSERT OR IGNORE INTO readings (turbine, ts, {}, status) VALUES ({})",
        signal_cols.join(", "),
        placeholders.join(", ")
    );
    for received in rx.iter() {
        let batch = received?;
        report.rows += batch.read;
        report.out_of_order += batch.out_of_order;
        let tx = conn.transaction().map_err(db_err)?;
        {
            let mut reading_stmt = tx.prepare_cached(&insert_reading).map_err(db_err)?;
            let mut registry_stmt = tx
                .prepare_cached(
                    "INSERT INTO turbines (turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (turbine_id) DO UPDATE SET site = excluded.site, model = excluded.model,
                        rated_power_kw = excluded.rated_power_kw, latitude = excluded.latitude,
                        longitude = excluded.longitude, commissioning_date = excluded.commissioning_date
                     WHERE (site, model, rated_power_kw, latitude, longitude, commissioning_date)
                        IS NOT (excluded.site, excluded.model, excluded.rated_power_kw, excluded.latitude,
                                excluded.longitude, excluded.commissioning_date)",
                )
                .map_err(db_err)?;
            let mut logbook_stmt = tx
                .prepare_cached(
                    "INSERT INTO logbook (turbine, component, failure_time, back_in_service_time, action)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (turbine, component, failure_time) DO UPDATE
                        SET back_in_service_time = excluded.back_in_service_time, action = excluded.action
                     WHERE (back_in_service_time, action) IS NOT (excluded.back_in_service_time, excluded.action)",
                )
                .map_err(db_err)?;
            let mut quarantine_stmt = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO quarantine (file, line, reason, message, raw, ingestion)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(db_err)?;
            for row in &batch.rows {
                let changed = match row {
                    Row::Reading(r) => insert_one_reading(&mut reading_stmt, r).map_err(db_err)?,
                    Row::Registry(r) => registry_stmt
                        .execute(params![
                            r.turbine_id,
                            r.site,
                            r.model,
                            r.rated_power_kw,
                            r.latitude,
                            r.longitude,
                            r.commissioning_date
                        ])
                        .map_err(db_err)?,
                    Row::Logbook(r) => logbook_stmt
                        .execute(params![
                            r.turbine,
                            r.component,
                            r.failure_time,
                            r.back_in_service_time,
                            r.action
                        ])
                        .map_err(db_err)?,
                };
                if changed > 0 {
                    report.accepted += 1;
                } else {
                    report.duplicates += 1;
                }
            }
            for q in &batch.rejected {
                quarantine_stmt
                    .execute(params![
                        file_name,
                        q.line as i64,
                        q.reason,
                        q.message,
                        q.raw,
                        ingestion_id
                    ])
                    .map_err(db_err)?;
                report.quarantined += 1;
                report
                    .reasons
                    .entry(q.reason.to_string())
                    .or_insert_with(|| ReasonCount {
                        count: 0,
                        example: q.message.clone(),
                    })
                    .count += 1;
            }
        }
        tx.commit().map_err(db_err)?;
    }
    Ok(())
}

fn insert_one_reading(stmt: &mut Statement<'_>, r: &Reading) -> rusqlite::Result<usize> {
    stmt.raw_bind_parameter(1, r.turbine)?;
    stmt.raw_bind_parameter(2, r.ts)?;
    for (i, v) in r.values.iter().enumerate() {
        stmt.raw_bind_parameter(i + 3, v)?;
    }
    stmt.raw_bind_parameter(SIGNALS.len() + 3, r.status)?;
    stmt.raw_execute()
}

/// Field `col` (index into the kind's canonical columns) of a record, trimmed; `None` when the
/// column is absent from the file.
fn field<'r>(
    record: &'r csv::ByteRecord,
    columns: &[Option<usize>],
    col: usize,
) -> Option<&'r [u8]> {
    columns[col]
        .and_then(|i| record.get(i))
        .map(|f| f.trim_ascii())
}

fn is_missing(f: &[u8]) -> bool {
    f.is_empty()
        || f.eq_ignore_ascii_case(b"nan")
        || f.eq_ignore_ascii_case(b"na")
        || f.eq_ignore_ascii_case(b"n/a")
        || f.eq_ignore_ascii_case(b"null")
}

fn text<'r>(f: &'r [u8], what: &str) -> Result<&'r str, (&'static str, String)> {
    std::str::from_utf8(f).map_err(|_| {
        (
            "unparsable_value",
            format!("{what} is not valid UTF-8 text"),
        )
    })
}

fn shown(f: &[u8]) -> String {
    let s = String::from_utf8_lossy(f);
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.into_owned()
    }
}

fn parse_number(f: &[u8], decimal_comma: bool) -> Option<f64> {
    let s = std::str::from_utf8(f).ok()?;
    let v = if decimal_comma && s.contains(',') {
        s.replace(',', ".").parse::<f64>().ok()?
    } else {
        s.parse::<f64>().ok()?
    };
    v.is_finite().then_some(v)
}

fn check_turbine_id(f: Option<&[u8]>) -> Result<&str, (&'static str, String)> {
    let f = f.unwrap_or_default();
    if is_missing(f) {
        return Err(("missing_value", "turbine_id is empty".to_string()));
    }
    let id = text(f, "turbine_id")?;
    if id.len() > MAX_ID_LEN
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err((
            "invalid_turbine_id",
            format!(
                "turbine_id '{}' must be 1–{MAX_ID_LEN} letters, digits, '-', '_' or '.'",
                shown(f)
            ),
        ));
    }
    Ok(id)
}

fn known_turbine(id: &str, turbines: &HashMap<String, i64>) -> Result<i64, (&'static str, String)> {
    turbines.get(id).copied().ok_or_else(|| {
        (
            "unknown_turbine",
            format!("turbine '{id}' is not in the registry (ingest its turbines.csv entry first)"),
        )
    })
}

fn check_time(
    f: Option<&[u8]>,
    what: &str,
    required: bool,
) -> Result<Option<i64>, (&'static str, String)> {
    let f = f.unwrap_or_default();
    if is_missing(f) {
        return if required {
            Err(("missing_value", format!("{what} is empty")))
        } else {
            Ok(None)
        };
    }
    let parsed = std::str::from_utf8(f)
        .ok()
        .and_then(schema::parse_timestamp);
    match parsed {
        Some(t) => Ok(Some(t)),
        None => Err((
            "bad_timestamp",
            format!(
                "{what} '{}' is not a valid date and time (expected e.g. 2026-05-01T00:10:00Z)",
                shown(f)
            ),
        )),
    }
}

fn check_reading(
    record: &csv::ByteRecord,
    columns: &[Option<usize>],
    mapping: &Mapping,
    scale: &[f64],
    turbines: &HashMap<String, i64>,
) -> Checked {
    // Canonical SCADA column order: timestamp, turbine_id, SIGNALS..., status.
    let ts = check_time(field(record, columns, 0), "timestamp", true)?.unwrap_or_default();
    let id = check_turbine_id(field(record, columns, 1))?;
    let turbine = known_turbine(id, turbines)?;
    let mut values = [None; SIGNALS.len()];
    for (i, sig) in SIGNALS.iter().enumerate() {
        let Some(f) = field(record, columns, i + 2) else {
            continue;
        };
        if is_missing(f) {
            if sig.required {
                return Err((
                    "missing_value",
                    format!("{} is empty (it is required)", sig.name),
                ));
            }
            continue;
        }
        let v = parse_number(f, mapping.decimal_comma).ok_or_else(|| {
            (
                "unparsable_value",
                format!("{} = '{}' is not a number", sig.name, shown(f)),
            )
        })? * scale[i];
        if v < sig.min || v > sig.max {
            return Err((
                "out_of_range",
                format!(
                    "{} = {} {} is outside the valid range {} to {} {}",
                    sig.name, v, sig.unit, sig.min, sig.max, sig.unit
                ),
            ));
        }
        values[i] = Some(v);
    }
    let status = match field(record, columns, SIGNALS.len() + 2) {
        None => None,
        Some(f) if is_missing(f) => None,
        Some(f) => {
            let s = std::str::from_utf8(f).unwrap_or_default();
            let parsed = Status::parse(s).or_else(|| {
                s.parse::<i64>()
                    .ok()
                    .and_then(|c| Status::ALL.into_iter().find(|st| st.code() == c))
            });
            Some(
                parsed
                    .ok_or_else(|| {
                        (
                            "unparsable_value",
                            format!(
                                "status '{}' is not one of running, fault, maintenance, stopped",
                                shown(f)
                            ),
                        )
                    })?
                    .code(),
            )
        }
    };
    Ok(Row::Reading(Reading {
        turbine,
        ts,
        values,
        status,
    }))
}

fn check_registry(
    record: &csv::ByteRecord,
    columns: &[Option<usize>],
    mapping: &Mapping,
) -> Checked {
    // Canonical registry order: turbine_id, site, model, rated_power_kw, latitude, longitude,
    // commissioning_date.
    let turbine_id = check_turbine_id(field(record, columns, 0))?.to_string();
    let required_text = |col: usize, what: &str| -> Result<String, (&'static str, String)> {
        let f = field(record, columns, col).unwrap_or_default();
        if is_missing(f) {
            return Err(("missing_value", format!("{what} is empty")));
        }
        Ok(text(f, what)?.to_string())
    };
    let number = |col: usize,
                  what: &str,
                  min: f64,
                  max: f64,
                  unit: &str|
     -> Result<f64, (&'static str, String)> {
        let f = field(record, columns, col).unwrap_or_default();
        if is_missing(f) {
            return Err(("missing_value", format!("{what} is empty")));
        }
        let v = parse_number(f, mapping.decimal_comma).ok_or_else(|| {
            (
                "unparsable_value",
                format!("{what} = '{}' is not a number", shown(f)),
            )
        })?;
        if v < min || v > max {
            return Err((
                "out_of_range",
                format!("{what} = {v}{unit} is outside the valid range {min} to {max}{unit}"),
            ));
        }
        Ok(v)
    };
    let site = required_text(1, "site")?;
    let model = required_text(2, "model")?;
    let rated_power_kw = number(3, "rated_power_kw", 1.0, 20_000.0, " kW")?;
    let latitude = number(4, "latitude", -90.0, 90.0, "°")?;
    let longitude = number(5, "longitude", -180.0, 180.0, "°")?;
    let day =
        check_time(field(record, columns, 6), "commissioning_date", true)?.unwrap_or_default();
    let (y, m, d) = schema::civil_from_days(day.div_euclid(86_400));
    Ok(Row::Registry(RegistryRow {
        turbine_id,
        site,
        model,
        rated_power_kw,
        latitude,
        longitude,
        commissioning_date: format!("{y:04}-{m:02}-{d:02}"),
    }))
}

fn check_logbook(
    record: &csv::ByteRecord,
    columns: &[Option<usize>],
    mapping: &Mapping,
    turbines: &HashMap<String, i64>,
) -> Checked {
    // Canonical logbook order: turbine_id, component, failure_time, back_in_service_time, action.
    let id = check_turbine_id(field(record, columns, 0))?;
    let turbine = known_turbine(id, turbines)?;
    let cf = field(record, columns, 1).unwrap_or_default();
    if is_missing(cf) {
        return Err(("missing_value", "component is empty".to_string()));
    }
    let component = std::str::from_utf8(cf)
        .ok()
        .and_then(|c| mapping.component(c))
        .ok_or_else(|| {
            (
                "unknown_component",
                format!(
                    "component '{}' is not one of {}",
                    shown(cf),
                    schema::Component::ALL.map(|c| c.as_str()).join(", ")
                ),
            )
        })?;
    let failure_time =
        check_time(field(record, columns, 2), "failure_time", true)?.unwrap_or_default();
    let back = check_time(field(record, columns, 3), "back_in_service_time", false)?;
    if let Some(b) = back {
        if b < failure_time {
            return Err((
                "invalid_interval",
                format!(
                    "back_in_service_time {} is before failure_time {}",
                    schema::format_timestamp(b),
                    schema::format_timestamp(failure_time)
                ),
            ));
        }
    }
    let action = match field(record, columns, 4) {
        Some(f) => text(f, "action")?.to_string(),
        None => String::new(),
    };
    Ok(Row::Logbook(LogbookRow {
        turbine,
        component: component.as_str(),
        failure_time,
        back_in_service_time: back,
        action,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const REGISTRY: &str =
        "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
        T1,Lyon,SWT-2.3-93,2300,45.7,4.9,2015-03-01\n\
        T2,Lyon,SWT-2.3-93,2300,45.71,4.91,2015-03-01\n";

    fn write(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
        let p = dir.join(name);
        let mut f = File::create(&p).unwrap();
        f.write_all(body).unwrap();
        p
    }

    fn setup() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let reg = write(dir.path(), "turbines.csv", REGISTRY.as_bytes());
        let r = ingest_file(&mut store, &reg, &Mapping::canonical()).unwrap();
        assert_eq!(r.accepted, 2);
        (dir, store)
    }

    fn scada_header() -> String {
        schema::scada_columns().join(",")
    }

    fn scada_row(ts: &str, id: &str, wind: &str, power: &str) -> String {
        let mut fields = vec![
            ts.to_string(),
            id.to_string(),
            wind.to_string(),
            String::new(),
            power.to_string(),
        ];
        fields.resize(schema::scada_columns().len() - 1, String::new());
        fields.push("running".into());
        fields.join(",")
    }

    #[test]
    fn each_validation_rule_quarantines_with_its_reason_and_keeps_valid_rows() {
        let (dir, mut store) = setup();
        let rows = [
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"), // ok
            scada_row("2026-05-01T00:10:00Z", "T1", "", "1200"),    // missing required
            scada_row("2026-05-01T00:20:00Z", "T1", "abc", "1200"), // unparsable
            scada_row("2026-05-01T00:30:00Z", "T1", "75", "1200"),  // out of range
            scada_row("2026-02-30T00:40:00Z", "T1", "7", "1200"),   // bad timestamp
            scada_row("2026-05-01T00:50:00Z", "T9", "7", "1200"),   // unknown turbine
            scada_row("2026-05-01T00:50:00Z", "T 1", "7", "1200"),  // invalid id
            "2026-05-01T01:00:00Z,T1,7".to_string(),                // wrong field count
            scada_row("2026-05-01T01:10:00Z", "T2", "NaN", "1200"), // NaN in required
            scada_row("2026-05-01T01:20:00Z", "T2", "inf", "1200"), // infinite
            scada_row("2026-05-01T01:30:00Z", "T2", "8.25", "-20"), // ok
        ];
        let body = format!("{}\n{}\n", scada_header(), rows.join("\n"));
        let p = write(dir.path(), "scada.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!(r.kind, "scada");
        assert_eq!((r.rows, r.accepted, r.quarantined), (11, 2, 9));
        let reasons: Vec<(&str, u64)> = r
            .reasons
            .iter()
            .map(|(k, v)| (k.as_str(), v.count))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("bad_timestamp", 1),
                ("invalid_turbine_id", 1),
                ("missing_value", 2),
                ("out_of_range", 1),
                ("unknown_turbine", 1),
                ("unparsable_value", 2),
                ("wrong_field_count", 1),
            ]
        );
        assert!(r.reasons["out_of_range"]
            .example
            .contains("line 5: wind_speed_ms = 75 m/s is outside the valid range 0 to 60 m/s"));
        assert!(r.reasons["unknown_turbine"]
            .example
            .contains("turbine 'T9' is not in the registry"));
        let q = store.quarantined(None).unwrap();
        assert_eq!(q.len(), 9);
        assert_eq!(q[0].line, 3);
        assert!(q[0].raw.starts_with("2026-05-01T00:10:00Z,T1,,"));
        assert_eq!(store.counts().unwrap().readings, 2);
    }

    #[test]
    fn reingesting_adds_nothing_and_counts_duplicates() {
        let (dir, mut store) = setup();
        let body = format!(
            "{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:10:00Z", "T1", "7.5", "1200"),
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"),
            scada_row("2026-05-01T00:00:00Z", "T1", "9.5", "1900"),
        );
        let p = write(dir.path(), "scada.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates, r.out_of_order), (2, 1, 2));
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates), (0, 3));
        assert_eq!(store.counts().unwrap().readings, 2);
        let reg = dir.path().join("turbines.csv");
        let r = ingest_file(&mut store, &reg, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates), (0, 2));
    }

    #[test]
    fn logbook_rules() {
        let (dir, mut store) = setup();
        let body = "turbine_id,component,failure_time,back_in_service_time,action\n\
            T1,gearbox_bearing,2026-05-03T10:00:00Z,2026-05-06T12:00:00Z,replaced HSS bearing\n\
            T1,blade,2026-05-03T10:00:00Z,,\n\
            T2,converter,2026-05-03T10:00:00Z,2026-05-01T00:00:00Z,reset\n\
            T2,\"Generator Winding\",2026-05-09T10:00:00Z,,\"rewound, stator\"\n";
        let p = write(dir.path(), "logbook.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!(r.kind, "logbook");
        assert_eq!((r.accepted, r.quarantined), (2, 2));
        assert!(r.reasons.contains_key("unknown_component"));
        assert!(r.reasons["invalid_interval"]
            .example
            .contains("is before failure_time"));
        let action: String = store
            .conn()
            .query_row(
                "SELECT action FROM logbook WHERE component = 'generator_winding'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(action, "rewound, stator");
        // The repair is completed later: the same entry is updated, not duplicated.
        let body2 = "turbine_id,component,failure_time,back_in_service_time,action\n\
            T2,generator_winding,2026-05-09T10:00:00Z,2026-05-15T08:00:00Z,rewound stator\n";
        let p2 = write(dir.path(), "logbook2.csv", body2.as_bytes());
        let r = ingest_file(&mut store, &p2, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates), (1, 0));
        assert_eq!(store.counts().unwrap().logbook, 2);
    }

    #[test]
    fn registry_rules() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let body = "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
            A1,Lyon,M,2300,45.7,4.9,2015-03-01\n\
            A2,Lyon,M,2300,145.7,4.9,2015-03-01\n\
            A3,,M,2300,45.7,4.9,2015-03-01\n\
            A4,Lyon,M,lots,45.7,4.9,2015-03-01\n\
            A5,Lyon,M,2300,45.7,4.9,someday\n";
        let p = write(dir.path(), "reg.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.kind, r.accepted, r.quarantined), ("registry", 1, 4));
        assert!(r.reasons["out_of_range"]
            .example
            .contains("latitude = 145.7°"));
    }

    #[test]
    fn file_level_problems_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let m = Mapping::canonical();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty.csv", b"".to_vec(), "the file is empty"),
            (
                "blank.csv",
                b"\xEF\xBB\xBF\n\n".to_vec(),
                "the file is empty",
            ),
            (
                "bin.csv",
                vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 3],
                "binary data",
            ),
            (
                "latin1.csv",
                b"turbine_id,site\nT\xe9\xff\xfe,x\n".to_vec(),
                "not UTF-8 text",
            ),
            (
                "notes.txt",
                b"hello world\nthis is a note\n".to_vec(),
                "single column",
            ),
            (
                "other.csv",
                b"a,b,c\n1,2,3\n".to_vec(),
                "does not look like a SCADA",
            ),
            (
                "nopower.csv",
                b"timestamp,turbine_id,wind_speed_ms\n2026-05-01T00:00:00Z,T1,5\n".to_vec(),
                "missing required column power_kw for a scada file",
            ),
            (
                "dup.csv",
                b"timestamp,turbine_id,timestamp\n".to_vec(),
                "names column 'timestamp' twice",
            ),
        ];
        for (name, body, expected) in cases {
            let p = write(dir.path(), name, &body);
            let err = ingest_file(&mut store, &p, &m).unwrap_err().to_string();
            assert!(err.contains(expected), "{name}: {err}");
            assert!(err.contains(name), "{name}: {err}");
        }
        let err = ingest_file(&mut store, &dir.path().join("absent.csv"), &m).unwrap_err();
        assert!(
            err.to_string().ends_with("absent.csv: file not found"),
            "{err}"
        );
    }

    #[test]
    fn bom_crlf_and_semicolons_are_read() {
        let (dir, mut store) = setup();
        let header = schema::scada_columns().join(";");
        let row = scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200").replace(',', ";");
        let body = format!("\u{feff}{header}\r\n{row}\r\n");
        let p = write(dir.path(), "bom.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (1, 0));
    }

    #[test]
    fn detects_the_delimiter() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"abc"), b',');
    }
}
