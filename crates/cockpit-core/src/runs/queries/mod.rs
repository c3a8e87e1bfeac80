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
use serde::Serialize;

use super::{CategoryCounts, DataQuality, Driver, RunError, RunRecord};
use crate::lang::{self, Lang};
use crate::schema;
use crate::ttf::{Distribution, Outlook};

/// The time to failure of a stored prediction as every front shows it: whole days only, derived
/// once ([`crate::ttf`]) from the distribution the run stored.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeToFailure {
    /// The median day of the time to failure, whole days (at least 1); `None` when no failure is
    /// expected within the horizon, when unknown, or when not scored.
    pub ttf_median_days: Option<u32>,
    /// The 80 % range `[low, high]` in whole days (low rounded down, high rounded up, both at
    /// least 1); `None` when no failure is expected within the horizon, when unknown, or when
    /// not scored.
    pub ttf_range_days: Option<[u32; 2]>,
    /// The range is open: the failure may also come after its high end (the horizon).
    pub ttf_range_open: bool,
    /// Whether the prediction has a time-to-failure distribution: `false` when not scored, or
    /// scored by a model set before the distribution (1.x): unknown, not "no failure expected".
    pub ttf_known: bool,
    /// The time to failure in English words ("likely in 3 to 10 days", "no failure expected
    /// within 30 days", "time to failure unknown …"); `None` when not scored.
    pub ttf_text: Option<String>,
    /// What the distribution says, not rounded (for the words in another language and the sort).
    #[serde(skip)]
    pub outlook: Option<Outlook>,
}

impl TimeToFailure {
    /// The time to failure of a prediction: `scored`, with its distribution (`None` for a row
    /// scored by a 1.x model set: unknown).
    pub fn of(scored: bool, distribution: Option<&Distribution>) -> TimeToFailure {
        let outlook = distribution.map(Distribution::outlook);
        let range = match outlook {
            Some(Outlook::Expected(r)) => Some(r),
            _ => None,
        };
        let mut t = TimeToFailure {
            ttf_median_days: range.map(|r| r.median_whole_days()),
            ttf_range_days: range.map(|r| {
                let (low, high) = r.whole_days();
                [low, high]
            }),
            ttf_range_open: range.is_some_and(|r| r.open),
            ttf_known: scored && outlook.is_some(),
            ttf_text: None,
            outlook: if scored { outlook } else { None },
        };
        if !scored {
            t.ttf_median_days = None;
            t.ttf_range_days = None;
            t.ttf_range_open = false;
        }
        t.ttf_text = t.text(scored, Lang::En);
        t
    }

    /// The stored distribution's JSON (`predictions.ttf_distribution`) read back; a row
    /// without one (or one that cannot be read) is unknown.
    pub fn stored(scored: bool, json: Option<&str>) -> TimeToFailure {
        let d = json
            .and_then(|j| serde_json::from_str::<Distribution>(j).ok())
            .and_then(|d| Distribution::new(&d.days, &d.p));
        TimeToFailure::of(scored, d.as_ref())
    }

    /// The words in `lang`; `None` when not scored.
    pub fn text(&self, scored: bool, lang: Lang) -> Option<String> {
        scored.then(|| lang::time_to_failure(self.outlook.as_ref(), lang))
    }

    /// The words for a table cell in `lang` ("3–10 d", "none ≤ 30 d"); `None` when not scored.
    pub fn short_text(&self, scored: bool, lang: Lang) -> Option<String> {
        scored.then(|| lang::time_to_failure_short(self.outlook.as_ref(), lang))
    }

    /// The sort key of "shortest time to failure first": the median day; no failure expected
    /// after every median; unknown and not scored last (`None`).
    pub fn sort_key(&self) -> Option<f64> {
        match self.outlook? {
            Outlook::Expected(r) => Some(r.median),
            Outlook::NoneExpected { .. } => Some(f64::INFINITY),
        }
    }
}

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
    /// The maintenance workflow's alerts could not be read.
    #[error("the workflow journal could not be read: {0}")]
    Workflow(Box<crate::workflow::WorkflowError>),
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
