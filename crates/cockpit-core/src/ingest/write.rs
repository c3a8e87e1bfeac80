//! The writer: each batch stored in one transaction (readings, registry and logbook upserts,
//! quarantined rows), counting accepted rows, duplicates and quarantine reasons.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use rusqlite::{params, Connection, Statement};

use crate::schema::SIGNALS;

use super::rows::{Batch, Reading, Row};
use super::{FileReport, IngestError, ReasonCount};

/// Writer (calling thread): stores batches, one transaction each; `stored` is called after each.
pub(super) fn write_all(
    conn: &mut Connection,
    rx: Receiver<Result<Batch, IngestError>>,
    file_name: &str,
    ingestion_id: i64,
    report: &mut FileReport,
    stored: &mut dyn FnMut(),
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
        report.standstill_zeroed += batch.standstill_zeroed;
        for (signal, message, raw) in batch.cleared {
            report.cleared += 1;
            report
                .cleared_values
                .entry(signal.to_string())
                .or_insert_with(|| ReasonCount {
                    count: 0,
                    example: message,
                    example_line: raw,
                })
                .count += 1;
        }
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
                        example_line: q.raw.clone(),
                    })
                    .count += 1;
            }
        }
        tx.commit().map_err(db_err)?;
        stored();
    }
    Ok(())
}

/// Inserts one reading (ignored when its turbine and timestamp are already stored).
fn insert_one_reading(stmt: &mut Statement<'_>, r: &Reading) -> rusqlite::Result<usize> {
    stmt.raw_bind_parameter(1, r.turbine)?;
    stmt.raw_bind_parameter(2, r.ts)?;
    for (i, v) in r.values.iter().enumerate() {
        stmt.raw_bind_parameter(i + 3, v)?;
    }
    stmt.raw_bind_parameter(SIGNALS.len() + 3, r.status)?;
    stmt.raw_execute()
}

#[cfg(test)]
mod tests {
    use crate::ingest::ingest_file;
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};
    use crate::mapping::Mapping;

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
}
