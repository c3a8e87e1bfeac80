//! Quarantined rows read again: a SCADA or logbook row rejected because its turbine was not in
//! the registry (`unknown_turbine`) is checked again, with the header and the mapping of the
//! ingestion that quarantined it, once the registry may know it. A row that now passes is stored
//! (or found already stored) and leaves the quarantine; one whose turbine is still unknown stays
//! as it was; one that now fails for another reason stays, with that reason.
//!
//! The SQL on the quarantine table is in `quarantine.rs`, with every other query of that table.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::mapping::Mapping;
use crate::schema::{FileKind, SIGNALS};
use crate::store::Store;

use super::local_time::LocalTime;
use super::quarantine::{requalify, rows_with_reason};
use super::rows::{check_logbook, check_reading, Batch, Checked};
use super::sniff::{resolve_header, Source};
use super::write::{write_all, Journal};
use super::{FileReport, IngestError};

/// Reason code of the rows this module reads again.
pub const UNKNOWN_TURBINE: &str = "unknown_turbine";
/// Quarantined rows read per step (bounds memory).
const PAGE: usize = 8192;

/// What a retry of the `unknown_turbine` quarantine did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct RetryReport {
    /// Rows read again (every row quarantined as `unknown_turbine`).
    pub retried: u64,
    /// Rows now accepted: stored (or already stored) and out of the quarantine.
    pub accepted: u64,
    /// Rows whose turbine is still not in the registry (left in quarantine).
    pub still_unknown: u64,
    /// Rows left in quarantine for another reason: they now break another rule (their reason is
    /// updated), or they cannot be read again (their ingestion predates the recorded header, or
    /// its mapping is no longer available).
    pub still_quarantined: u64,
}

impl RetryReport {
    /// One line for the journal and the fronts.
    pub fn summary(&self, lang: Lang) -> String {
        lang.pick(
            format!(
                "unknown-turbine rows retried {}: now accepted {}, turbine still unknown {}, still quarantined for another reason {}",
                self.retried, self.accepted, self.still_unknown, self.still_quarantined
            ),
            format!(
                "lignes à éolienne inconnue réessayées {} : acceptées maintenant {}, éolienne toujours inconnue {}, toujours en quarantaine pour une autre raison {}",
                self.retried, self.accepted, self.still_unknown, self.still_quarantined
            ),
        )
    }
}

/// The header an ingestion read its file with (stored as JSON in `ingestions.header`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct StoredHeader {
    /// The field delimiter, as a byte.
    delimiter: u8,
    /// The column names.
    names: Vec<String>,
}

impl StoredHeader {
    /// The header of an opened file.
    pub(super) fn of(src: &Source) -> StoredHeader {
        StoredHeader {
            delimiter: src.delimiter,
            names: src.names.clone(),
        }
    }

    /// As stored.
    pub(super) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// How the rows of one ingestion are read again; `None` when they cannot be.
struct Context {
    file: String,
    kind: FileKind,
    mapping: Mapping,
    delimiter: u8,
    columns: Vec<Option<usize>>,
    header_len: usize,
    clock: LocalTime,
}

/// Reads every `unknown_turbine` row of the quarantine again (see the module). `mappings` are
/// the mappings the caller knows (the built-in ones are always found by name); rows whose
/// ingestion's mapping is not among them stay in quarantine. The counts go to the operations
/// journal and the log.
pub fn retry_unknown_turbines(
    store: &mut Store,
    mappings: &[Mapping],
) -> Result<RetryReport, IngestError> {
    retry_journalled(store, mappings, true)
}

/// [`retry_unknown_turbines`] after a registry ingestion: journalled only when there was a row
/// to read again (every registry ingestion would otherwise add an empty retry to the journal).
pub(super) fn retry_after_registry(
    store: &mut Store,
    mappings: &[Mapping],
) -> Result<RetryReport, IngestError> {
    retry_journalled(store, mappings, false)
}

fn retry_journalled(
    store: &mut Store,
    mappings: &[Mapping],
    always: bool,
) -> Result<RetryReport, IngestError> {
    let started = std::time::Instant::now();
    let result = retry(store, mappings);
    if !always && matches!(&result, Ok(r) if r.retried == 0) {
        return result;
    }
    let op = crate::journal::Operation::finished(
        crate::journal::OperationKind::Ingestion,
        "quarantine_retry",
        started,
        result.as_ref().map(|_| ()).map_err(|e| e.to_string()),
        result.as_ref().ok().map(|r| r.summary(Lang::En)),
    );
    crate::journal::record_quietly(store, &op);
    if let Ok(r) = &result {
        tracing::info!(
            retried = r.retried,
            accepted = r.accepted,
            still_unknown = r.still_unknown,
            still_quarantined = r.still_quarantined,
            "quarantined unknown-turbine rows retried"
        );
    }
    result
}

fn retry(store: &mut Store, mappings: &[Mapping]) -> Result<RetryReport, IngestError> {
    let db_err = |source| IngestError::Database {
        path: PathBuf::from("quarantine"),
        source,
    };
    let turbines = store.turbine_keys()?;
    let mut scales: HashMap<String, Vec<f64>> = HashMap::new();
    let mut contexts: HashMap<Option<i64>, Option<Context>> = HashMap::new();
    let mut report = RetryReport::default();
    let mut after = 0i64;
    loop {
        let conn = store.conn_mut();
        let page = rows_with_reason(conn, UNKNOWN_TURBINE, after, PAGE).map_err(db_err)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        // Accepted rows by ingestion, with the quarantine ids they leave.
        let mut accepted: BTreeMap<Option<i64>, (Batch, Vec<i64>)> = BTreeMap::new();
        for q in &page {
            report.retried += 1;
            let ctx = match contexts.entry(q.ingestion) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(context(conn, q.ingestion, mappings).map_err(db_err)?)
                }
            };
            let Some(ctx) = ctx else {
                report.still_quarantined += 1;
                continue;
            };
            let scale = scales
                .entry(ctx.mapping.name.clone())
                .or_insert_with(|| SIGNALS.iter().map(|s| ctx.mapping.scale(s.name)).collect());
            match check_again(ctx, scale, &turbines, &q.raw) {
                Some(Ok(row)) => {
                    let (batch, ids) = accepted.entry(q.ingestion).or_default();
                    batch.read += 1;
                    batch.rows.push(row);
                    ids.push(q.id);
                }
                Some(Err((reason, _))) if reason == UNKNOWN_TURBINE => report.still_unknown += 1,
                Some(Err((reason, message))) => {
                    requalify(conn, q.id, reason, &format!("line {}: {message}", q.line))
                        .map_err(db_err)?;
                    report.still_quarantined += 1;
                }
                None => report.still_quarantined += 1,
            }
        }
        for (ingestion, (batch, ids)) in accepted {
            let file = contexts
                .get(&ingestion)
                .and_then(|c| c.as_ref())
                .map(|c| c.file.clone())
                .unwrap_or_default();
            let n = ids.len() as u64;
            // One transaction: the rows leave the quarantine, are stored (or quarantined again as
            // conflicts) and the ingestion's counts follow.
            store_rows(conn, &file, ingestion.unwrap_or(0), &ids, batch)?;
            report.accepted += n;
        }
    }
    Ok(report)
}

/// The row `raw` checked again; `None` when it cannot be read as a record of the header.
fn check_again(
    ctx: &mut Context,
    scale: &[f64],
    turbines: &HashMap<String, i64>,
    raw: &str,
) -> Option<Checked> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(ctx.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(raw.as_bytes());
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).ok()? || record.len() != ctx.header_len {
        return None;
    }
    Some(match ctx.kind {
        FileKind::Scada => check_reading(
            &record,
            &ctx.columns,
            &ctx.mapping,
            scale,
            turbines,
            &mut ctx.clock,
        ),
        FileKind::Logbook => check_logbook(
            &record,
            &ctx.columns,
            &ctx.mapping,
            turbines,
            &mut ctx.clock,
        ),
        FileKind::Registry => return None,
    })
}

/// The rows through the ingestion's writer (same upserts, same duplicate rule).
fn store_rows(
    conn: &mut Connection,
    file: &str,
    ingestion: i64,
    leave: &[i64],
    batch: Batch,
) -> Result<(), IngestError> {
    let mut report = FileReport {
        file: file.to_string(),
        ..FileReport::default()
    };
    let (tx, rx) = sync_channel(1);
    let _ = tx.send(Ok(batch));
    drop(tx);
    write_all(
        conn,
        rx,
        file,
        ingestion,
        Journal::Retry { leave },
        &mut report,
        &mut || {},
    )
}

/// How to read the rows of `ingestion` again, if they can be.
fn context(
    conn: &Connection,
    ingestion: Option<i64>,
    mappings: &[Mapping],
) -> rusqlite::Result<Option<Context>> {
    let Some(id) = ingestion else { return Ok(None) };
    let Some((file, kind, mapping_name, header)) = ingestion_header(conn, id)? else {
        return Ok(None);
    };
    let Some(header) = header.and_then(|h| serde_json::from_str::<StoredHeader>(&h).ok()) else {
        return Ok(None);
    };
    let kind = match kind.as_str() {
        "scada" => FileKind::Scada,
        "logbook" => FileKind::Logbook,
        _ => return Ok(None),
    };
    let name = mapping_name.unwrap_or_else(|| "canonical".to_string());
    let Some(mapping) = mappings
        .iter()
        .find(|m| m.name == name)
        .cloned()
        .or_else(|| Mapping::load(&name).ok())
    else {
        return Ok(None);
    };
    let Ok((found, columns)) = resolve_header(
        std::path::Path::new(&file),
        &header.names,
        &mapping,
        header.delimiter,
    ) else {
        return Ok(None);
    };
    if found != kind {
        return Ok(None);
    }
    let clock = LocalTime::new(mapping.timezone.as_deref());
    Ok(Some(Context {
        file,
        kind,
        mapping,
        delimiter: header.delimiter,
        columns,
        header_len: header.names.len(),
        clock,
    }))
}

// ---- The SQL on the ingestions table (the quarantine's is in `quarantine.rs`) ----

/// File, kind, mapping and stored header of an ingestion.
#[allow(clippy::type_complexity)]
fn ingestion_header(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Option<(String, String, Option<String>, Option<String>)>> {
    conn.query_row(
        "SELECT file, kind, mapping, header FROM ingestions WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};
    use crate::ingest::{ingest_file, ingest_files};

    fn unknown_rows(store: &Store) -> i64 {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM quarantine WHERE reason = 'unknown_turbine'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// SCADA rows of a turbine the registry did not know yet are stored once a registry naming
    /// it is ingested; the rows of a turbine still unknown stay in quarantine.
    #[test]
    fn a_registry_ingestion_stores_the_rows_its_turbines_had_in_quarantine() {
        let (dir, mut store) = setup();
        let body = format!(
            "{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T3", "7.5", "1200"),
            scada_row("2026-05-01T00:10:00Z", "T3", "8.0", "1300"),
            scada_row("2026-05-01T00:00:00Z", "T4", "7.5", "1200"),
        );
        let scada = write(dir.path(), "scada.csv", body.as_bytes());
        let r = ingest_file(&mut store, &scada, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (0, 3));
        let registry = write(
            dir.path(),
            "more-turbines.csv",
            b"turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
              T3,Lyon,SWT-2.3-93,2300,45.72,4.92,2016-03-01\n",
        );
        let report = ingest_files(&mut store, &[registry], &Mapping::canonical());
        assert_eq!(report.accepted, 1);
        let retry = report
            .retry
            .expect("a registry ingestion retries the quarantine");
        assert_eq!(
            retry,
            RetryReport {
                retried: 3,
                accepted: 2,
                still_unknown: 1,
                still_quarantined: 0
            }
        );
        assert_eq!(store.counts().unwrap().readings, 2);
        assert_eq!(unknown_rows(&store), 1);
        // The SCADA file's journal row follows its rows: 2 now stored, 1 still in quarantine.
        let counts: (i64, i64) = store
            .conn()
            .query_row(
                "SELECT accepted, quarantined FROM ingestions WHERE kind = 'scada'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(counts, (2, 1));
        // Journalled with its counts.
        let detail: String = store
            .conn()
            .query_row(
                "SELECT detail FROM operations WHERE name = 'quarantine_retry'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(detail.contains("now accepted 2"), "{detail}");
        // A second retry finds nothing new.
        let again = retry_unknown_turbines(&mut store, &[]).unwrap();
        assert_eq!(
            (again.retried, again.accepted, again.still_unknown),
            (1, 0, 1)
        );
        // A second delivery of the same file before the turbine T4 is known, with another
        // value: once T4 is registered, one row is stored and the other is a conflict, kept.
        let again = format!(
            "{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T4", "9.5", "1200"),
        );
        let again = write(dir.path(), "scada-again.csv", again.as_bytes());
        ingest_file(&mut store, &again, &Mapping::canonical()).unwrap();
        let t4 = write(
            dir.path(),
            "t4.csv",
            b"turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
              T4,Lyon,SWT-2.3-93,2300,45.72,4.92,2016-03-01\n",
        );
        let report = ingest_files(&mut store, &[t4], &Mapping::canonical());
        let retry = report.retry.expect("retried");
        assert_eq!((retry.retried, retry.accepted), (2, 2));
        assert_eq!(store.counts().unwrap().readings, 3);
        let left: Vec<String> = crate::ingest::quarantined(&store, None)
            .unwrap()
            .into_iter()
            .map(|q| q.reason)
            .collect();
        assert_eq!(left, ["conflict"]);
    }
}
