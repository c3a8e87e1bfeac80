//! Read side of the runs: the fleet ranking of the latest run, a turbine's detail and risk
//! history, the run journal; and what a fleet row says in words ([`FleetItem::text`]) and which
//! search texts it matches ([`matches_search`]) — the one rule the CLI, the shell, the work list
//! and the UI use.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::{CategoryCounts, Driver, RunError, RunRecord};
use crate::features::feature_names;
use crate::lang::{category_text, Lang};
use crate::risk::Category;
use crate::schema::{self, SIGNALS};
use crate::store::Store;

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

/// Sort order of the fleet view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Highest risk score first.
    Score,
    /// Highest probability first.
    PFail,
    /// Shortest time to failure first.
    Ttf,
}

impl SortKey {
    /// Reads a sort key, case-insensitive, surrounding blanks ignored: `score` (or `risk`),
    /// `p_fail` (or `p`, `probability`), `ttf` (or `days`).
    pub fn parse(text: &str) -> Result<SortKey, QueryError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "score" | "risk" => Ok(SortKey::Score),
            "p_fail" | "p" | "probability" => Ok(SortKey::PFail),
            "ttf" | "days" => Ok(SortKey::Ttf),
            _ => Err(QueryError::UnknownSort(text.to_string())),
        }
    }
}

/// Filters of the fleet view.
#[derive(Debug, Clone, Default)]
pub struct FleetFilter {
    /// Only the turbines in this category; `None`: every category, not-scored turbines included.
    pub category: Option<Category>,
    /// Only the turbines of this site (case-insensitive, surrounding blanks ignored); `None`: all.
    pub site: Option<String>,
    /// Only the rows a free-text search matches ([`matches_search`]); `None`: all.
    pub search: Option<String>,
    /// Order of the rows; `None`: [`SortKey::Score`]. Rows without the key come last, then by
    /// turbine id.
    pub sort: Option<SortKey>,
    /// At most this many rows (after filtering and sorting); `None`: all.
    pub limit: Option<usize>,
}

/// One turbine in the fleet view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetItem {
    /// The turbine's id as in the data, e.g. `LYO-01`.
    pub turbine_id: String,
    /// Its site.
    pub site: String,
    /// Its turbine model (from the registry).
    pub model: String,
    /// Whether the run scored it; when `false`, `not_scored_reason` says why.
    pub scored: bool,
    /// Why it was not scored, as the English sentence the run stored ([`NotScoredReason`]);
    /// `None` when scored.
    pub not_scored_reason: Option<String>,
    /// Risk score, 0–100; `None` when not scored.
    pub risk_score: Option<f64>,
    /// Risk tier; `None` when not scored.
    pub category: Option<Category>,
    /// Probability of failure within 7 days, 0–1; `None` when not scored.
    pub p_fail_7d: Option<f64>,
    /// Estimated days to failure; `None` when not scored.
    pub ttf_days: Option<f64>,
    /// The days-to-failure estimate is at the model's horizon: show "> N days".
    pub ttf_censored: bool,
    /// The indicators that push its risk up, strongest first; empty when not scored.
    pub drivers: Vec<Driver>,
    /// Data watermark of the run (when the prediction holds).
    pub scored_at: String,
    /// Its latest SCADA record before the run's watermark (`YYYY-MM-DDTHH:MM:SSZ`, UTC);
    /// `None` if it has none.
    pub last_data: Option<String>,
    /// The run the row comes from (row id in `runs`).
    pub run_id: i64,
}

/// The fleet view: the latest run's predictions with its filters applied.
#[derive(Debug, Clone, Serialize)]
pub struct FleetView {
    /// The latest successful run.
    pub run: RunRecord,
    /// That run's counts per category, over the whole fleet (before the filters).
    pub counts: CategoryCounts,
    /// The rows that pass the filters, in the filter's order.
    pub items: Vec<FleetItem>,
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

/// One run of the journal.
pub fn run(store: &Store, id: i64) -> Result<RunRecord, RunError> {
    Ok(store
        .conn()
        .query_row("SELECT * FROM runs WHERE id = ?1", [id], run_from_row)?)
}

/// The latest successful run (the one with the most recent data; the newest among equals).
pub fn latest_run(store: &Store) -> Result<Option<RunRecord>, QueryError> {
    Ok(store
        .conn()
        .query_row(
            "SELECT * FROM runs WHERE status = 'succeeded' ORDER BY as_of DESC, id DESC LIMIT 1",
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

fn parse_drivers(text: Option<String>) -> Vec<Driver> {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Horizon of the regressor, for "> N days": estimates within half a day of it are censored.
const TTF_HORIZON: f64 = crate::features::HORIZON_DAYS;

/// The fleet ranking of the latest run.
pub fn fleet(store: &Store, filter: &FleetFilter) -> Result<FleetView, QueryError> {
    let run = latest_run(store)?.ok_or(QueryError::NoRun)?;
    let mut stmt = store.conn().prepare_cached(
        "SELECT t.turbine_id, t.site, t.model, p.scored, p.reason, p.risk_score, p.category,
                p.p_fail_7d, p.ttf_days, p.drivers, p.last_record
         FROM predictions p JOIN turbines t ON t.id = p.turbine
         WHERE p.run = ?1",
    )?;
    let scored_at = run.as_of.clone().unwrap_or_default();
    let rows = stmt.query_map([run.id], |r| {
        let ttf: Option<f64> = r.get(8)?;
        Ok(FleetItem {
            turbine_id: r.get(0)?,
            site: r.get(1)?,
            model: r.get(2)?,
            scored: r.get(3)?,
            not_scored_reason: r.get(4)?,
            risk_score: r.get(5)?,
            category: r
                .get::<_, Option<String>>(6)?
                .and_then(|c| Category::parse(&c)),
            p_fail_7d: r.get(7)?,
            ttf_days: ttf,
            ttf_censored: ttf.is_some_and(|d| d >= TTF_HORIZON - 0.5),
            drivers: parse_drivers(r.get(9)?),
            scored_at: scored_at.clone(),
            last_data: ts(r.get(10)?),
            run_id: run.id,
        })
    })?;
    let mut items: Vec<FleetItem> = rows.collect::<Result<_, _>>()?;
    items.retain(|i| {
        filter.category.is_none_or(|c| i.category == Some(c))
            && filter
                .site
                .as_ref()
                .is_none_or(|s| i.site.eq_ignore_ascii_case(s.trim()))
            && filter.search.as_ref().is_none_or(|s| matches_search(i, s))
    });
    let key = |i: &FleetItem| -> (bool, f64) {
        let v = match filter.sort.unwrap_or(SortKey::Score) {
            SortKey::Score => i.risk_score.map(|s| -s),
            SortKey::PFail => i.p_fail_7d.map(|p| -p),
            SortKey::Ttf => i.ttf_days,
        };
        (v.is_none(), v.unwrap_or(0.0))
    };
    items.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then_with(|| a.turbine_id.cmp(&b.turbine_id))
    });
    if let Some(n) = filter.limit {
        items.truncate(n);
    }
    Ok(FleetView {
        counts: run.counts,
        run,
        items,
    })
}

/// What a fleet row says, in one language: the text the UI shows and the work list writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetItemText {
    /// The category's name, or "not scored".
    pub category: String,
    /// Why the turbine was not scored, when it was not.
    pub not_scored: Option<String>,
    /// The drivers as sentences, main driver first.
    pub drivers: Vec<String>,
    /// Everything a search matches in this row, lower case, one term a line (see
    /// [`search_text`]): the UI filters on it without knowing the rule.
    pub search: String,
}

impl FleetItem {
    /// The row in words, in `lang`.
    pub fn text(&self, lang: Lang) -> FleetItemText {
        FleetItemText {
            category: category_text(self.category, lang).to_string(),
            not_scored: self
                .not_scored_reason
                .as_deref()
                .map(|r| NotScoredReason::parse(r).phrase(lang)),
            drivers: self.drivers.iter().map(|d| d.phrase(lang)).collect(),
            search: search_text(self),
        }
    }
}

/// What a search matches in a fleet row, lower case, one term a line: the turbine id, the site,
/// the category's name in both languages, and each driver's indicator id and its words in both
/// languages.
pub fn search_text(item: &FleetItem) -> String {
    let mut terms = vec![item.turbine_id.to_lowercase(), item.site.to_lowercase()];
    for lang in [Lang::En, Lang::Fr] {
        terms.push(category_text(item.category, lang).to_lowercase());
    }
    for d in &item.drivers {
        terms.push(d.indicator.to_lowercase());
        for lang in [Lang::En, Lang::Fr] {
            terms.push(super::drivers::indicator_label(&d.indicator, lang).to_lowercase());
        }
    }
    terms.join("\n")
}

/// Whether a fleet row matches a free-text search (case-insensitive, surrounding spaces ignored;
/// an empty search matches everything): the one search rule of the cockpit.
pub fn matches_search(item: &FleetItem, search: &str) -> bool {
    let q = search.trim().to_lowercase();
    q.is_empty() || search_text(item).contains(&q)
}

/// Why a turbine was not scored. Runs store the English sentence; this reads it back so that
/// it can be phrased in either language.
#[derive(Debug, Clone, PartialEq)]
pub enum NotScoredReason {
    /// Under repair since a time (`YYYY-MM-DDTHH:MM:SSZ`), for a component, per the logbook.
    UnderRepair {
        /// Start of the repair.
        since: String,
        /// The component under repair.
        component: String,
    },
    /// No SCADA record at all before the scoring time.
    NoRecord,
    /// No record in the last 24 hours.
    NoRecentRecord {
        /// Time of the last record.
        last: String,
    },
    /// Too few records in the last 24 hours.
    LowCoverage {
        /// Percent of records present.
        present: String,
        /// Percent needed.
        needed: String,
    },
    /// A sentence this version does not know, shown as it is.
    Other(String),
}

/// Fragments of the English not-scored sentences (see [`NotScoredReason`]).
pub const NOT_SCORED_ENGLISH: &[&str] = &[
    "under repair since",
    "no SCADA record",
    "of the last 24 h of records present",
    "not scored",
];

impl NotScoredReason {
    /// Reads a stored reason (the English sentence written by the run).
    pub fn parse(text: &str) -> NotScoredReason {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("under repair since ") {
            if let Some((since, tail)) = rest.split_once(" (") {
                if let Some(component) = tail.strip_suffix(", logbook)") {
                    return NotScoredReason::UnderRepair {
                        since: since.into(),
                        component: component.into(),
                    };
                }
            }
        }
        if t == "no SCADA record before this time" {
            return NotScoredReason::NoRecord;
        }
        if let Some(last) = t
            .strip_prefix("no SCADA record in the last 24 h (last record ")
            .and_then(|r| r.strip_suffix(')'))
        {
            return NotScoredReason::NoRecentRecord { last: last.into() };
        }
        if let Some((present, needed)) = t
            .strip_prefix("only ")
            .and_then(|r| r.split_once(" % of the last 24 h of records present (at least "))
            .and_then(|(p, n)| Some((p, n.strip_suffix(" % needed)")?)))
        {
            return NotScoredReason::LowCoverage {
                present: present.into(),
                needed: needed.into(),
            };
        }
        NotScoredReason::Other(t.into())
    }

    /// The reason in words.
    pub fn phrase(&self, lang: Lang) -> String {
        use NotScoredReason::*;
        match (self, lang) {
            (UnderRepair { since, component }, Lang::En) => {
                format!("under repair since {since} ({component}, logbook)")
            }
            (UnderRepair { since, component }, Lang::Fr) => {
                format!("en réparation depuis {since} ({component}, registre de maintenance)")
            }
            (NoRecord, _) => lang
                .pick(
                    "no SCADA record before this time",
                    "aucun enregistrement SCADA avant cette date",
                )
                .into(),
            (NoRecentRecord { last }, Lang::En) => {
                format!("no SCADA record in the last 24 h (last record {last})")
            }
            (NoRecentRecord { last }, Lang::Fr) => format!(
                "aucun enregistrement SCADA dans les dernières 24 h (dernier enregistrement {last})"
            ),
            (LowCoverage { present, needed }, Lang::En) => format!(
                "only {present} % of the last 24 h of records present (at least {needed} % needed)"
            ),
            (LowCoverage { present, needed }, Lang::Fr) => format!(
                "seulement {present} % des enregistrements des dernières 24 h présents (au moins {needed} % nécessaires)"
            ),
            (Other(t), _) => t.clone(),
        }
    }
}

/// Identity of a turbine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identity {
    /// The turbine's id as in the data, e.g. `LYO-01`.
    pub turbine_id: String,
    /// Its site.
    pub site: String,
    /// Its turbine model.
    pub model: String,
    /// Rated power, in kW.
    pub rated_power_kw: f64,
    /// Latitude, in degrees (−90 to 90).
    pub latitude: f64,
    /// Longitude, in degrees (−180 to 180).
    pub longitude: f64,
    /// Commissioning date, `YYYY-MM-DD`.
    pub commissioning_date: String,
}

/// One point of a turbine's risk history (one per run).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryPoint {
    /// The run (row id in `runs`).
    pub run_id: i64,
    /// The run's data watermark (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub as_of: String,
    /// Whether the run scored the turbine.
    pub scored: bool,
    /// Risk score, 0–100; `None` when not scored.
    pub risk_score: Option<f64>,
    /// Risk tier; `None` when not scored.
    pub category: Option<Category>,
    /// Probability of failure within 7 days, 0–1; `None` when not scored.
    pub p_fail_7d: Option<f64>,
    /// Estimated days to failure; `None` when not scored.
    pub ttf_days: Option<f64>,
}

/// The latest prediction of a turbine, with the feature values it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LatestPrediction {
    /// The latest successful run (row id in `runs`).
    pub run_id: i64,
    /// That run's data watermark (`YYYY-MM-DDTHH:MM:SSZ`, UTC; empty if it has none).
    pub scored_at: String,
    /// Whether the run scored the turbine; when `false`, `not_scored_reason` says why.
    pub scored: bool,
    /// Why it was not scored, as the English sentence the run stored ([`NotScoredReason`]);
    /// `None` when scored.
    pub not_scored_reason: Option<String>,
    /// Risk score, 0–100; `None` when not scored.
    pub risk_score: Option<f64>,
    /// Risk tier; `None` when not scored.
    pub category: Option<Category>,
    /// Probability of failure within 7 days, 0–1; `None` when not scored.
    pub p_fail_7d: Option<f64>,
    /// Estimated days to failure; `None` when not scored.
    pub ttf_days: Option<f64>,
    /// The days-to-failure estimate is at the model's horizon: show "> N days".
    pub ttf_censored: bool,
    /// Feature name → value (`null` for NaN), in model order.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number | null>"))]
    pub features: serde_json::Map<String, serde_json::Value>,
}

/// Everything about one turbine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TurbineDetail {
    /// Who the turbine is.
    pub identity: Identity,
    /// The latest stored record: timestamp and each signal (absent values omitted).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number | string | null>"))]
    pub last_measurements: serde_json::Map<String, serde_json::Value>,
    /// Its prediction in the latest successful run; `None` without a run or when that run did
    /// not include it.
    pub prediction: Option<LatestPrediction>,
    /// The drivers of that prediction, strongest first; empty when there is none.
    pub drivers: Vec<Driver>,
    /// Its risk history: one point per successful run, oldest first.
    pub history: Vec<HistoryPoint>,
}

/// Identity, last measurements, latest prediction, drivers and risk history of a turbine.
pub fn turbine(store: &Store, id: &str) -> Result<TurbineDetail, QueryError> {
    let conn = store.conn();
    let found = conn
        .query_row(
            "SELECT id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date
             FROM turbines WHERE turbine_id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Identity {
                        turbine_id: r.get(1)?,
                        site: r.get(2)?,
                        model: r.get(3)?,
                        rated_power_kw: r.get(4)?,
                        latitude: r.get(5)?,
                        longitude: r.get(6)?,
                        commissioning_date: r.get(7)?,
                    },
                ))
            },
        )
        .optional()?;
    let Some((key, identity)) = found else {
        let mut stmt =
            conn.prepare("SELECT turbine_id FROM turbines ORDER BY turbine_id LIMIT 6")?;
        let mut known: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if known.is_empty() {
            known.push("none (the registry is empty)".into());
        } else if known.len() == 6 {
            known[5] = "…".into();
        }
        return Err(QueryError::UnknownTurbine {
            id: id.to_string(),
            known: known.join(", "),
        });
    };
    let last_measurements = last_measurements(store, key)?;
    let history = history(store, key)?;
    let latest = latest_run(store)?;
    let mut prediction = None;
    let mut drivers = Vec::new();
    if let Some(run) = latest {
        let row = conn
            .query_row(
                "SELECT p.scored, p.reason, p.risk_score, p.category, p.p_fail_7d, p.ttf_days, p.drivers, f.features
                 FROM predictions p LEFT JOIN prediction_features f ON f.run = p.run AND f.turbine = p.turbine
                 WHERE p.turbine = ?1 AND p.run = ?2",
                params![key, run.id],
                |r| {
                    Ok((
                        r.get::<_, bool>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<f64>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<f64>>(4)?,
                        r.get::<_, Option<f64>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<Vec<u8>>>(7)?,
                    ))
                },
            )
            .optional()?;
        if let Some((scored, reason, score, cat, p, ttf, drv, blob)) = row {
            drivers = parse_drivers(drv);
            let mut features = serde_json::Map::new();
            if let Some(blob) = blob {
                for (name, chunk) in feature_names().into_iter().zip(blob.chunks_exact(4)) {
                    let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                    features.insert(name, json_number(f64::from(v)));
                }
            }
            prediction = Some(LatestPrediction {
                run_id: run.id,
                scored_at: run.as_of.clone().unwrap_or_default(),
                scored,
                not_scored_reason: reason,
                risk_score: score,
                category: cat.and_then(|c| Category::parse(&c)),
                p_fail_7d: p,
                ttf_days: ttf,
                ttf_censored: ttf.is_some_and(|d| d >= TTF_HORIZON - 0.5),
                features,
            });
        }
    }
    Ok(TurbineDetail {
        identity,
        last_measurements,
        prediction,
        drivers,
        history,
    })
}

fn json_number(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

fn last_measurements(
    store: &Store,
    key: i64,
) -> Result<serde_json::Map<String, serde_json::Value>, QueryError> {
    let cols: Vec<&str> = SIGNALS.iter().map(|s| s.name).collect();
    let sql = format!(
        "SELECT ts, {}, status FROM readings WHERE turbine = ?1 ORDER BY ts DESC LIMIT 1",
        cols.join(", ")
    );
    let mut out = serde_json::Map::new();
    store
        .conn()
        .query_row(&sql, [key], |r| {
            out.insert(
                "timestamp".into(),
                serde_json::Value::String(schema::format_timestamp(r.get(0)?)),
            );
            for (i, c) in cols.iter().enumerate() {
                if let Some(v) = r.get::<_, Option<f64>>(i + 1)? {
                    out.insert(c.to_string(), json_number(v));
                }
            }
            if let Some(code) = r.get::<_, Option<i64>>(cols.len() + 1)? {
                if let Some(s) = schema::Status::ALL.into_iter().find(|s| s.code() == code) {
                    out.insert(
                        "status".into(),
                        serde_json::Value::String(s.as_str().into()),
                    );
                }
            }
            Ok(())
        })
        .optional()?;
    Ok(out)
}

/// Risk history of a turbine: one point per successful run, oldest first.
pub fn history(store: &Store, key: i64) -> Result<Vec<HistoryPoint>, QueryError> {
    history_window(store, key, usize::MAX)
}

/// The last `runs` points of a turbine's risk history, oldest first.
pub fn history_window(
    store: &Store,
    key: i64,
    runs: usize,
) -> Result<Vec<HistoryPoint>, QueryError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT * FROM (
            SELECT p.run, r.as_of, p.scored, p.risk_score, p.category, p.p_fail_7d, p.ttf_days
            FROM predictions p JOIN runs r ON r.id = p.run
            WHERE p.turbine = ?1 AND r.status = 'succeeded'
            ORDER BY r.as_of DESC, p.run DESC LIMIT ?2)
         ORDER BY as_of, run",
    )?;
    let limit = i64::try_from(runs).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![key, limit], |r| {
        Ok(HistoryPoint {
            run_id: r.get(0)?,
            as_of: ts(r.get(1)?).unwrap_or_default(),
            scored: r.get(2)?,
            risk_score: r.get(3)?,
            category: r
                .get::<_, Option<String>>(4)?
                .and_then(|c| Category::parse(&c)),
            p_fail_7d: r.get(5)?,
            ttf_days: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests;
