//! The run journal: one run, the latest successful run, the newest runs.

use rusqlite::OptionalExtension;

use super::super::{RunError, RunRecord};
use super::{run_from_row, QueryError};
use crate::store::Store;

/// One run of the journal.
pub fn run(store: &Store, id: i64) -> Result<RunRecord, RunError> {
    Ok(store
        .conn()
        .query_row("SELECT * FROM runs WHERE id = ?1", [id], run_from_row)?)
}

/// The latest successful run: the one started last among the regular runs (not a backfill,
/// `cockpit replay` or `cockpit score --at` run), so a replay of the past — or a run whose data
/// watermark was pushed to 2099 by a mistyped record — never hides today's run. Only when no
/// regular run succeeded yet is it the latest started run of any kind.
pub fn latest_run(store: &Store) -> Result<Option<RunRecord>, QueryError> {
    Ok(store
        .conn()
        .query_row(
            "SELECT * FROM runs WHERE status = 'succeeded'
             ORDER BY trigger NOT IN ('backfill', 'replay') DESC, started_at DESC, id DESC LIMIT 1",
            [],
            run_from_row,
        )
        .optional()?)
}

/// The run journal, newest first.
pub fn journal(store: &Store, limit: usize) -> Result<Vec<RunRecord>, QueryError> {
    let mut stmt = store
        .conn()
        .prepare("SELECT * FROM runs ORDER BY id DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit as i64], run_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
