//! Read side of the runs: the fleet ranking of the latest run, a turbine's detail and risk
//! history, the run journal; and what a fleet row says in words ([`FleetItem::text`]) and which
//! search texts it matches ([`matches_search`]) — the one rule the CLI, the shell, the work list
//! and the UI use.
//!
//! | file | owns |
//! |---|---|
//! | `journal.rs` | one run, the latest successful run, the run journal |
//! | `fleet.rs` | the fleet view and its filters and sort, a row's words ([`FleetItem::text`]), [`search_text`] and [`matches_search`] |
//! | `turbine.rs` | a turbine's detail and risk history |

mod fleet;
mod journal;
mod turbine;

pub use fleet::*;
pub use journal::*;
pub use turbine::*;

use rusqlite::Row;

use super::{CategoryCounts, DataQuality, Driver, RunError, RunRecord};
use crate::schema;

/// Horizon of the regressor, for "> N days": estimates within half a day of it are censored.
const TTF_HORIZON: f64 = crate::features::HORIZON_DAYS;

/// Errors of the queries.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// No successful scoring run is in the journal yet.
    #[error("no scoring run yet: run `cockpit score` (or `cockpit demo`) first")]
    NoRun,
    /// No turbine of the registry has this id.
    #[error("unknown turbine '{id}'; known turbines: {known}")]
    UnknownTurbine {
        /// The id asked for.
        id: String,
        /// The first known ids, comma-separated: at most five, then `…` when there are more.
        known: String,
    },
    /// The category filter names no category (English or French).
    #[error("unknown category '{0}': use critical, high, moderate or low (critique, élevé, modéré, faible)")]
    UnknownCategory(String),
    /// The sort key is not `score`, `p_fail` or `ttf` (or one of their aliases).
    #[error("unknown sort key '{0}': use score, p_fail or ttf")]
    UnknownSort(String),
    /// A run could not be read.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The database query failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

fn ts(v: Option<i64>) -> Option<String> {
    v.map(schema::format_timestamp)
}

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<RunRecord> {
    Ok(RunRecord {
        id: r.get("id")?,
        trigger: r.get("trigger")?,
        started_at: schema::format_timestamp(r.get("started_at")?),
        ended_at: schema::format_timestamp(r.get("ended_at")?),
        duration_ms: r.get("duration_ms")?,
        status: r.get("status")?,
        as_of: ts(r.get("as_of")?),
        scheduled_for: ts(r.get("scheduled_for")?),
        model_version: r.get("model_version")?,
        turbines: r.get("turbines")?,
        counts: CategoryCounts {
            critical: r.get("critical")?,
            high: r.get("high")?,
            moderate: r.get("moderate")?,
            low: r.get("low")?,
            not_scored: r.get("not_scored")?,
        },
        error_count: r.get("error_count")?,
        error: r.get("error")?,
    })
}

/// A prediction's stored drivers: `(drivers, model reactions)` (see `runs::drivers`).
fn parse_drivers(text: Option<String>) -> (Vec<Driver>, Vec<Driver>) {
    super::drivers::from_stored(text.as_deref())
}

/// A stored data-quality summary; everything watched for predictions made before it was stored.
fn parse_quality(text: Option<String>) -> DataQuality {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
