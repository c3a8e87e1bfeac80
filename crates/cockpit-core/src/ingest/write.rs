//! The writer: each batch stored in one transaction (readings, registry and logbook upserts,
//! quarantined rows, and the ingestion's running counts, so the journal always counts what is
//! stored), counting accepted rows, duplicates and quarantine reasons.
//!
//! A reading whose turbine and timestamp are already stored is a duplicate when its values are
//! the same; with other values it is a `conflict`: quarantined with both values in its message,
//! the stored record kept.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use rusqlite::{params, Connection, Statement};

use crate::schema::{self, Status, SIGNALS};

use super::quarantine::INSERT_QUARANTINED;
use super::rows::{Batch, Reading, Rejected, Row};
use super::{FileReport, IngestError, ReasonCount};

/// Writer (calling thread): stores batches, one transaction each; `stored` is called after each.
/// How the rows being written are journalled.
pub(super) enum Journal<'a> {
    /// A file's own rows: after each batch, the ingestion's counts are set to the report's, in
    /// the batch's transaction.
    Ingestion,
    /// Quarantined rows read again (`leave`: their quarantine ids): in the batch's transaction
    /// they leave the quarantine before being written (so one found in conflict can take its
    /// place there), and the ingestion's counts move from quarantined to accepted / duplicates.
    Retry { leave: &'a [i64] },
}

pub(super) fn write_all(
    conn: &mut Connection,
    rx: Receiver<Result<Batch, IngestError>>,
    file_name: &str,
    ingestion_id: i64,
    journal: Journal<'_>,
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
    let stored_reading = format!(
        "SELECT t.turbine_id, {}, r.status FROM readings r JOIN turbines t ON t.id = r.turbine
         WHERE r.turbine = ?1 AND r.ts = ?2",
        signal_cols
            .iter()
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for received in rx.iter() {
        let mut batch = received?;
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
        let before = (report.accepted, report.duplicates, report.quarantined);
        if let Journal::Retry { leave } = &journal {
            super::quarantine::leave(&tx, leave).map_err(db_err)?;
        }
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
                    // A file without precursor information keeps what an earlier one stored.
                    "INSERT INTO logbook (turbine, component, failure_time, back_in_service_time, action,
                                          precursor_start, precursor_known)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (turbine, component, failure_time) DO UPDATE
                        SET back_in_service_time = excluded.back_in_service_time, action = excluded.action,
                            precursor_start = CASE WHEN excluded.precursor_known
                                THEN excluded.precursor_start ELSE precursor_start END,
                            precursor_known = max(precursor_known, excluded.precursor_known)
                     WHERE (back_in_service_time, action) IS NOT (excluded.back_in_service_time, excluded.action)
                        OR (excluded.precursor_known
                            AND (precursor_known, precursor_start)
                                IS NOT (excluded.precursor_known, excluded.precursor_start))",
                )
                .map_err(db_err)?;
            let mut quarantine_stmt = tx.prepare_cached(INSERT_QUARANTINED).map_err(db_err)?;
            let mut stored_stmt = tx.prepare_cached(&stored_reading).map_err(db_err)?;
            for row in &batch.rows {
                let changed = match row {
                    Row::Reading(r) => {
                        let changed = insert_one_reading(&mut reading_stmt, r).map_err(db_err)?;
                        if changed == 0 {
                            if let Some(message) = conflict(&mut stored_stmt, r).map_err(db_err)? {
                                let raw = batch.raw.get(r.raw.clone()).unwrap_or_default();
                                batch.rejected.push(Rejected {
                                    line: r.line,
                                    reason: "conflict",
                                    message: format!("line {}: {message}", r.line),
                                    raw: String::from_utf8_lossy(raw).into_owned(),
                                });
                                continue;
                            }
                        }
                        changed
                    }
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
                            r.action,
                            r.precursor_start,
                            r.precursor_known
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
            // The journal counts what this transaction stores, whatever happens next.
            match &journal {
                Journal::Ingestion => tx.execute(
                    "UPDATE ingestions SET rows = ?2, accepted = ?3, quarantined = ?4, duplicates = ?5, out_of_order = ?6 WHERE id = ?1",
                    params![
                        ingestion_id,
                        report.rows as i64,
                        report.accepted as i64,
                        report.quarantined as i64,
                        report.duplicates as i64,
                        report.out_of_order as i64
                    ],
                ),
                Journal::Retry { leave } => tx.execute(
                    "UPDATE ingestions SET accepted = accepted + ?2, duplicates = duplicates + ?3,
                        quarantined = quarantined + ?4 - ?5 WHERE id = ?1",
                    params![
                        ingestion_id,
                        (report.accepted - before.0) as i64,
                        (report.duplicates - before.1) as i64,
                        (report.quarantined - before.2) as i64,
                        leave.len() as i64
                    ],
                ),
            }
            .map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        stored();
    }
    Ok(())
}

/// When the stored reading with `r`'s turbine and timestamp has other values than `r`: the
/// message naming both (each signal that differs, stored then new); `None` when they are the same.
fn conflict(stmt: &mut Statement<'_>, r: &Reading) -> rusqlite::Result<Option<String>> {
    let mut rows = stmt.query(params![r.turbine, r.ts])?;
    let Some(stored) = rows.next()? else {
        return Ok(None);
    };
    let turbine: String = stored.get(0)?;
    let mut differ = Vec::new();
    for (i, sig) in SIGNALS.iter().enumerate() {
        let old: Option<f64> = stored.get(i + 1)?;
        if old != r.values[i] {
            differ.push(format!(
                "{} stored {}, here {}",
                sig.name,
                shown_value(old),
                shown_value(r.values[i])
            ));
        }
    }
    let old_status: Option<i64> = stored.get(SIGNALS.len() + 1)?;
    if old_status != r.status {
        differ.push(format!(
            "status stored {}, here {}",
            shown_status(old_status),
            shown_status(r.status)
        ));
    }
    if differ.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "turbine '{turbine}' at {} is already stored with other values ({}); the stored record is kept",
        schema::format_timestamp(r.ts),
        differ.join("; ")
    )))
}

/// A signal value as shown in a conflict message.
fn shown_value(v: Option<f64>) -> String {
    v.map_or_else(|| "empty".to_string(), |v| v.to_string())
}

/// A status code as shown in a conflict message.
fn shown_status(code: Option<i64>) -> String {
    code.and_then(|c| Status::ALL.into_iter().find(|s| s.code() == c))
        .map_or_else(|| "empty".to_string(), |s| s.as_str().to_string())
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
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};
    use crate::ingest::{ingest_file, quarantined};
    use crate::mapping::Mapping;
    use crate::schema;
    use crate::store::Store;

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
        // The third row has the second's key with other values: a conflict, not a duplicate.
        assert_eq!(
            (r.accepted, r.duplicates, r.quarantined, r.out_of_order),
            (2, 0, 1, 2)
        );
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates, r.quarantined), (0, 2, 1));
        assert_eq!(store.counts().unwrap().readings, 2);
        let reg = dir.path().join("turbines.csv");
        let r = ingest_file(&mut store, &reg, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates), (0, 2));
    }

    /// `(precursor_start, precursor_known)` of every stored logbook row, by failure time.
    fn precursors(store: &Store) -> Vec<(Option<i64>, bool)> {
        let mut stmt = store
            .conn()
            .prepare("SELECT precursor_start, precursor_known FROM logbook ORDER BY failure_time")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn the_precursor_start_is_stored_when_the_logbook_has_it_and_kept_when_a_later_one_has_not() {
        let (dir, mut store) = setup();
        let ts = |t: &str| Some(schema::parse_timestamp(t).unwrap());
        let sim = "turbine_id,component,failure_time,back_in_service_time,action,precursor_start\n\
            T1,converter,2026-05-10T06:00:00Z,2026-05-12T00:00:00Z,replaced,2026-04-25T00:00:00Z\n\
            T2,transformer,2026-05-11T06:00:00Z,,,\n\
            T2,gearbox_bearing,2026-05-20T00:00:00Z,,,2026-05-21T00:00:00Z\n";
        let p = write(dir.path(), "logbook.csv", sim.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (2, 1));
        let q = quarantined(&store, None).unwrap();
        assert_eq!(q[0].reason, "invalid_interval");
        assert!(q[0].message.contains("precursor_start"), "{}", q[0].message);
        // The failure without precursor is known to have none: known, no start.
        assert_eq!(
            precursors(&store),
            vec![(ts("2026-04-25T00:00:00Z"), true), (None, true)]
        );
        // A real logbook has no such column: its rows say nothing about precursors, and
        // re-delivering the same failures keeps what the simulator's file said.
        let real = "turbine_id,component,failure_time,back_in_service_time,action\n\
            T1,converter,2026-05-10T06:00:00Z,2026-05-12T00:00:00Z,replaced\n\
            T1,generator_winding,2026-06-01T00:00:00Z,,\n";
        let p = write(dir.path(), "real.csv", real.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates, r.quarantined), (1, 1, 0));
        // Nothing of a real logbook is "left empty": the column is not reported absent.
        assert!(r.absent_columns.is_empty(), "{:?}", r.absent_columns);
        assert_eq!(
            precursors(&store),
            vec![
                (ts("2026-04-25T00:00:00Z"), true),
                (None, true),
                (None, false)
            ]
        );
    }

    /// Stored wind speed and power of T1 at `ts`.
    fn stored(store: &Store, ts: &str) -> (Option<f64>, Option<f64>) {
        store
            .conn()
            .query_row(
                "SELECT wind_speed_ms, power_kw FROM readings r JOIN turbines t ON t.id = r.turbine
                 WHERE t.turbine_id = 'T1' AND ts = ?1",
                [schema::parse_timestamp(ts).unwrap()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    #[test]
    fn a_corrected_redelivery_is_a_conflict_showing_both_values_and_the_first_is_kept() {
        let (dir, mut store) = setup();
        let first = format!(
            "{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"),
            scada_row("2026-05-01T00:10:00Z", "T1", "7.5", "1200"),
        );
        let p = write(dir.path(), "day.csv", first.as_bytes());
        ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        // The supplier re-delivers the day, one value corrected.
        let second = format!(
            "{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"),
            scada_row("2026-05-01T00:10:00Z", "T1", "8.25", "1200"),
        );
        let p2 = write(dir.path(), "day-corrected.csv", second.as_bytes());
        let r = ingest_file(&mut store, &p2, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates, r.quarantined), (0, 1, 1));
        let example = &r.reasons["conflict"].example;
        assert_eq!(
            example,
            "line 3: turbine 'T1' at 2026-05-01T00:10:00Z is already stored with other values (wind_speed_ms stored 7.5, here 8.25); the stored record is kept"
        );
        let q = quarantined(&store, None).unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].reason, "conflict");
        assert!(
            q[0].raw.starts_with("2026-05-01T00:10:00Z,T1,8.25,"),
            "{}",
            q[0].raw
        );
        assert_eq!(
            stored(&store, "2026-05-01T00:10:00Z"),
            (Some(7.5), Some(1200.0))
        );
    }

    #[test]
    fn a_repeated_hour_without_offset_and_a_leap_second_conflict_only_when_values_differ() {
        let (dir, mut store) = setup();
        // An export in UTC wall-clock time writes the same hour twice; a leap second is read as
        // the first second of the next minute.
        let body = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2016-10-30 02:00", "T1", "5", "600"),
            scada_row("2016-10-30 02:00", "T1", "6", "700"),
            scada_row("2016-12-31T23:59:60Z", "T1", "5", "600"),
            scada_row("2017-01-01T00:00:00Z", "T1", "5", "600"),
            scada_row("2017-01-01T00:00:00Z", "T1", "5", "650"),
        );
        let p = write(dir.path(), "utc.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates, r.quarantined), (2, 1, 2));
        let q = quarantined(&store, None).unwrap();
        assert_eq!(
            q.iter()
                .map(|q| (q.line, q.reason.as_str()))
                .collect::<Vec<_>>(),
            [(3, "conflict"), (6, "conflict")]
        );
        assert!(
            q[0].message
                .contains("wind_speed_ms stored 5, here 6; power_kw stored 600, here 700"),
            "{}",
            q[0].message
        );
        assert!(
            q[1].message.contains("at 2017-01-01T00:00:00Z"),
            "{}",
            q[1].message
        );
        // With the export's time zone the repeated autumn hour is summer then winter time: both
        // stored; a third one is a conflict.
        let paris = Mapping::parse("name = 'p'\ntimezone = 'Europe/Paris'", "test").unwrap();
        let body = format!(
            "{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2016-10-30 02:00", "T2", "5", "600"),
            scada_row("2016-10-30 02:00", "T2", "6", "700"),
            scada_row("2016-10-30 02:00", "T2", "7", "800"),
        );
        let p = write(dir.path(), "paris.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &paris).unwrap();
        assert_eq!((r.accepted, r.duplicates, r.quarantined), (2, 0, 1));
        assert_eq!(r.reasons["conflict"].count, 1);
    }
}
