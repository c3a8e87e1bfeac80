//! The quarantine table, in one place: every SQL statement that writes, reads or deletes its rows
//! is here. Rows are keyed by the ingestion that produced them (a path ingested again keeps every
//! ingestion's lines) and listed by file, then ingestion, then line. Read back as a page of lines
//! filtered by file and reason (for the app's Diagnostics), every line as a CSV file (for the app
//! and the command line), or all the lines of one file.

use std::io::Write;
use std::path::Path;

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::sanitize::spreadsheet_cell;
use crate::store::{QuarantinedRow, Store, StoreError};

use super::IngestError;

/// Stores one quarantined line of an ingestion (`file, line, reason, message, raw, ingestion`).
/// A plain insert: two lines of one ingestion never share a line number, so every line counted
/// is a line stored.
pub(super) const INSERT_QUARANTINED: &str =
    "INSERT INTO quarantine (file, line, reason, message, raw, ingestion) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// The order lines are listed in: by file, then ingestion (oldest first), then line.
const ORDER: &str = "ORDER BY file, ingestion, line";

/// Quarantined lines of one file as stored (or of every file), by file, ingestion, then line.
pub fn quarantined(store: &Store, file: Option<&str>) -> Result<Vec<QuarantinedRow>, StoreError> {
    let mut stmt = store.conn().prepare(&format!(
        "SELECT file, line, reason, message, raw FROM quarantine WHERE ?1 IS NULL OR file = ?1 {ORDER}"
    ))?;
    let rows = stmt.query_map(params![file], QuarantinedRow::from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Most lines one page may hold.
pub const MAX_PAGE: usize = 1000;

/// Which quarantined lines to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuarantineQuery {
    /// Only the lines of this file (as stored); `None`: every file.
    pub file: Option<String>,
    /// Only the lines quarantined for this reason code; `None`: every reason.
    pub reason: Option<String>,
    /// Lines to skip (in file, ingestion, then line order).
    pub offset: usize,
    /// Lines to return, at most [`MAX_PAGE`] (0 reads as [`MAX_PAGE`]).
    pub limit: usize,
}

/// How many lines a file or a reason holds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantineCount {
    /// The file (as stored) or the reason code.
    pub name: String,
    /// Quarantined lines.
    pub count: u64,
}

/// A page of quarantined lines, with what the filters can choose from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantinePage {
    /// The lines of this page, by file then line.
    pub rows: Vec<QuarantinedRow>,
    /// Lines matching the filters, over all pages.
    pub matching: u64,
    /// Lines in quarantine, whatever the filters.
    pub total: u64,
    /// Every file with quarantined lines, by name.
    pub files: Vec<QuarantineCount>,
    /// Every reason code met, by name.
    pub reasons: Vec<QuarantineCount>,
    /// The first line of this page among the matching ones (0-based).
    pub offset: usize,
}

/// A page of the quarantine: the lines matching `q` (by file, then line), their number, and every
/// file and reason with its count.
pub fn quarantine_page(store: &Store, q: &QuarantineQuery) -> Result<QuarantinePage, StoreError> {
    let conn = store.conn();
    let limit = if q.limit == 0 {
        MAX_PAGE
    } else {
        q.limit.min(MAX_PAGE)
    };
    let file = q.file.as_deref().filter(|s| !s.is_empty());
    let reason = q.reason.as_deref().filter(|s| !s.is_empty());
    const FILTER: &str = "(?1 IS NULL OR file = ?1) AND (?2 IS NULL OR reason = ?2)";
    let matching: i64 = conn.query_row(
        &format!("SELECT count(*) FROM quarantine WHERE {FILTER}"),
        params![file, reason],
        |r| r.get(0),
    )?;
    let total: i64 = conn.query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!(
        "SELECT file, line, reason, message, raw FROM quarantine WHERE {FILTER}
         {ORDER} LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt
        .query_map(
            params![file, reason, limit as i64, q.offset as i64],
            QuarantinedRow::from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let counts = |column: &str| -> Result<Vec<QuarantineCount>, StoreError> {
        let mut stmt = conn.prepare(&format!(
            "SELECT {column}, count(*) FROM quarantine GROUP BY {column} ORDER BY {column}"
        ))?;
        let out = stmt
            .query_map([], |r| {
                Ok(QuarantineCount {
                    name: r.get(0)?,
                    count: r.get::<_, i64>(1)? as u64,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(out)
    };
    Ok(QuarantinePage {
        rows,
        matching: matching as u64,
        total: total as u64,
        files: counts("file")?,
        reasons: counts("reason")?,
        offset: q.offset,
    })
}

/// The header of the quarantine CSV.
pub const QUARANTINE_CSV_HEADER: [&str; 5] = ["file", "line", "reason", "message", "raw"];

/// Writes every quarantined line to `out` as CSV (`file,line,reason,message,raw`, by file then
/// line; fields holding a comma, a quote or a line break are quoted, quotes doubled; a field
/// beginning with `= + - @`, tab or CR gets a leading `'`, [`spreadsheet_cell`]); returns the
/// number of lines written. Streams from the database: memory does not grow with the quarantine.
pub fn write_quarantine_csv<W: Write>(store: &Store, out: W) -> Result<u64, QuarantineCsvError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(QUARANTINE_CSV_HEADER)?;
    let mut stmt = store
        .conn()
        .prepare(&format!(
            "SELECT file, line, reason, message, raw FROM quarantine {ORDER}"
        ))
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([]).map_err(StoreError::from)?;
    let mut n = 0;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let q = QuarantinedRow::from_row(r).map_err(StoreError::from)?;
        w.write_record([
            &*spreadsheet_cell(&q.file),
            &q.line.to_string(),
            &spreadsheet_cell(&q.reason),
            &spreadsheet_cell(&q.message),
            &spreadsheet_cell(&q.raw),
        ])?;
        n += 1;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(n)
}

/// Why the quarantine CSV could not be written: reading the database or writing the output.
#[derive(Debug, thiserror::Error)]
pub enum QuarantineCsvError {
    /// The quarantine could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output could not be written.
    #[error("{0}")]
    Write(#[from] csv::Error),
}

/// Writes every quarantined line to the CSV file `path` (created or replaced; see
/// [`write_quarantine_csv`]); returns the number of lines written.
pub fn export_quarantine_csv(store: &Store, path: &Path) -> Result<u64, IngestError> {
    let export = |message: String| IngestError::Export {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::create(path).map_err(|e| export(e.to_string()))?;
    match write_quarantine_csv(store, std::io::BufWriter::new(file)) {
        Ok(n) => Ok(n),
        Err(QuarantineCsvError::Store(e)) => Err(IngestError::Store(e)),
        Err(QuarantineCsvError::Write(e)) => Err(export(e.to_string())),
    }
}

// ---- Rows read again (`retry.rs`) ----

/// A quarantined row to read again.
pub(super) struct Quarantined {
    pub(super) id: i64,
    pub(super) line: i64,
    pub(super) raw: String,
    pub(super) ingestion: Option<i64>,
}

/// Up to `limit` rows quarantined for `reason`, with an id above `after`, by id.
pub(super) fn rows_with_reason(
    conn: &Connection,
    reason: &str,
    after: i64,
    limit: usize,
) -> rusqlite::Result<Vec<Quarantined>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, line, raw, ingestion FROM quarantine
         WHERE reason = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![reason, after, limit as i64], |r| {
        Ok(Quarantined {
            id: r.get(0)?,
            line: r.get(1)?,
            raw: r.get(2)?,
            ingestion: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// Takes rows out of the quarantine, inside the caller's transaction (the one storing them).
pub(super) fn leave(tx: &Connection, ids: &[i64]) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached("DELETE FROM quarantine WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

/// A quarantined row's new reason, when it now breaks another rule.
pub(super) fn requalify(
    conn: &Connection,
    id: i64,
    reason: &str,
    message: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE quarantine SET reason = ?2, message = ?3 WHERE id = ?1",
        params![id, reason, message],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_file;
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};
    use crate::mapping::Mapping;

    /// A store with quarantined lines in two files: one whose raw text holds quotes and a
    /// delimiter inside a quoted field, one with an unknown turbine.
    fn quarantined_store() -> (tempfile::TempDir, Store) {
        let (dir, mut store) = setup();
        let body = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"),
            scada_row("2026-05-01T00:10:00Z", "T9", "7.5", "1200"),
            scada_row("not a time", "T1", "7.5", "1200"),
            scada_row("2026-05-01T00:20:00Z", "\"T\"\"1, west\"", "7.5", "1200"),
        );
        let a = write(dir.path(), "a.csv", body.as_bytes());
        let r = ingest_file(&mut store, &a, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (1, 3));
        let body = format!(
            "{}\n{}\n",
            scada_header(),
            scada_row("2026-05-02T00:00:00Z", "T7", "7.5", "1200"),
        );
        let b = write(dir.path(), "b.csv", body.as_bytes());
        ingest_file(&mut store, &b, &Mapping::canonical()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_page_filters_by_file_and_reason_and_counts_what_matches() {
        let (_dir, store) = quarantined_store();
        let all = quarantine_page(&store, &QuarantineQuery::default()).unwrap();
        assert_eq!((all.total, all.matching, all.rows.len()), (4, 4, 4));
        assert_eq!(all.files.len(), 2);
        assert_eq!(all.files.iter().map(|f| f.count).sum::<u64>(), 4);
        let stored = quarantined(&store, None).unwrap();
        for r in &all.reasons {
            let n = stored.iter().filter(|s| s.reason == r.name).count() as u64;
            assert_eq!(r.count, n, "{}", r.name);
        }
        assert!(all.reasons.iter().any(|r| r.name == "unknown_turbine"));

        let b = all
            .files
            .iter()
            .find(|f| f.name.ends_with("b.csv"))
            .unwrap();
        let only_b = quarantine_page(
            &store,
            &QuarantineQuery {
                file: Some(b.name.clone()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((only_b.matching, only_b.total), (1, 4));
        assert!(only_b.rows[0].raw.contains("T7"));

        let unknown_in_a = quarantine_page(
            &store,
            &QuarantineQuery {
                file: Some(
                    all.files
                        .iter()
                        .find(|f| f.name.ends_with("a.csv"))
                        .unwrap()
                        .name
                        .clone(),
                ),
                reason: Some("unknown_turbine".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let expected = stored
            .iter()
            .filter(|s| s.file.ends_with("a.csv") && s.reason == "unknown_turbine")
            .count();
        assert!(expected >= 1);
        assert_eq!(unknown_in_a.matching, expected as u64);
        assert_eq!(unknown_in_a.rows.len(), expected);
        assert!(unknown_in_a
            .rows
            .iter()
            .all(|r| r.reason == "unknown_turbine"));

        let second = quarantine_page(
            &store,
            &QuarantineQuery {
                offset: 1,
                limit: 2,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(second.rows, all.rows[1..3].to_vec());
        assert_eq!(second.matching, 4);
    }

    #[test]
    fn the_csv_keeps_every_line_and_quotes_raw_text_so_it_reads_back_the_same() {
        let (dir, store) = quarantined_store();
        let path = dir.path().join("quarantine.csv");
        let n = export_quarantine_csv(&store, &path).unwrap();
        assert_eq!(n, 4);
        let mut reader = csv::Reader::from_path(&path).unwrap();
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            QUARANTINE_CSV_HEADER
        );
        let back: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let stored = quarantined(&store, None).unwrap();
        assert_eq!(back.len(), stored.len());
        for (b, s) in back.iter().zip(&stored) {
            assert_eq!(
                b,
                &vec![
                    s.file.clone(),
                    s.line.to_string(),
                    s.reason.clone(),
                    s.message.clone(),
                    s.raw.clone()
                ]
            );
        }
        // The raw line with a comma and a quote inside a field is quoted in the file.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(back.iter().any(|r| r[4].contains("T\"1, west")));
        assert!(text.contains("\"\""), "quotes are doubled: {text}");
    }

    #[test]
    fn a_quarantined_line_that_looks_like_a_formula_is_written_as_text() {
        let (dir, mut store) = setup();
        let body = format!(
            "{}\n{}\n",
            scada_header(),
            scada_row("=HYPERLINK(\"http://evil\")", "T1", "7.5", "1200"),
        );
        let p = write(dir.path(), "evil.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!(r.quarantined, 1);
        let stored = quarantined(&store, None).unwrap();
        assert!(stored[0].raw.starts_with('='), "{}", stored[0].raw);
        let mut out = Vec::new();
        write_quarantine_csv(&store, &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[4], format!("'{}", stored[0].raw));
        for field in row.iter() {
            assert!(
                !field.starts_with(crate::sanitize::FORMULA_STARTS),
                "a cell a spreadsheet would run: {field}"
            );
        }
    }

    #[test]
    fn an_empty_quarantine_gives_the_header_only_and_an_unwritable_path_names_the_file() {
        let (dir, store) = setup();
        let mut out = Vec::new();
        assert_eq!(write_quarantine_csv(&store, &mut out).unwrap(), 0);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "file,line,reason,message,raw\n"
        );
        let bad = dir.path().join("no/such/folder/q.csv");
        let e = export_quarantine_csv(&store, &bad).unwrap_err();
        assert!(matches!(e, IngestError::Export { .. }));
        assert!(e.to_string().contains("q.csv"), "{e}");
    }

    #[test]
    fn a_path_ingested_again_keeps_every_ingestions_rejected_lines() {
        let (dir, mut store) = setup();
        // Monday's scada.csv: line 3 names an unknown turbine.
        let monday = format!(
            "{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-04T00:00:00Z", "T1", "7.5", "1200"),
            scada_row("2026-05-04T00:10:00Z", "T9", "7.5", "1200"),
        );
        let p = write(dir.path(), "scada.csv", monday.as_bytes());
        let a = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        // Tuesday's file has the same name; its lines 2 and 3 are bad for other reasons.
        let tuesday = format!(
            "{}\n{}\n{}\n",
            scada_header(),
            scada_row("not a time", "T1", "7.5", "1200"),
            scada_row("2026-05-05T00:10:00Z", "T 1", "7.5", "1200"),
        );
        write(dir.path(), "scada.csv", tuesday.as_bytes());
        let b = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((a.quarantined, b.quarantined), (1, 2));
        let stored = quarantined(&store, None).unwrap();
        assert_eq!(stored.len() as u64, a.quarantined + b.quarantined);
        assert_eq!(
            stored
                .iter()
                .map(|q| (q.line, q.reason.as_str()))
                .collect::<Vec<_>>(),
            [
                (3, "unknown_turbine"),
                (2, "bad_timestamp"),
                (3, "invalid_turbine_id")
            ]
        );
        let page = quarantine_page(&store, &QuarantineQuery::default()).unwrap();
        assert_eq!(page.total, 3);
        assert_eq!(page.files.len(), 1);
        assert_eq!(page.files[0].count, 3);
        let mut csv = Vec::new();
        assert_eq!(write_quarantine_csv(&store, &mut csv).unwrap(), 3);
    }
}
