//! One turbine: identity, last measurements, latest prediction, drivers and risk history.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::super::Driver;
use super::latest_run;
use super::{parse_drivers, parse_quality, ts, QueryError, TimeToFailure};
use crate::features::feature_names;
use crate::lang::Lang;
use crate::risk::Category;
use crate::runs::DataQuality;
use crate::schema::{self, SIGNALS};
use crate::store::Store;

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
    /// The median day of the time to failure, whole days; `None` when no failure is expected
    /// within the horizon, unknown, or not scored.
    pub ttf_median_days: Option<u32>,
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
    /// The time to failure: median and 80 % range in whole days, and in words.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub ttf: TimeToFailure,
    /// What it could and could not watch, and the sensor faults in its window.
    pub data_quality: DataQuality,
    /// Feature name → value (`null` for NaN), in model order.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number | null>"))]
    pub features: serde_json::Map<String, serde_json::Value>,
}

impl LatestPrediction {
    /// The time to failure in words, in `lang` ("likely in 3 to 10 days", "aucune panne
    /// attendue dans les 30 jours"); `None` when not scored.
    pub fn ttf_text(&self, lang: Lang) -> Option<String> {
        self.ttf.text(self.scored, lang)
    }
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
    /// The drivers of that prediction (plausible causes), strongest first; empty when there is
    /// none.
    pub drivers: Vec<Driver>,
    /// What else raises that prediction's risk in a direction that is not a known failure sign
    /// (cooler, falling, steadier, producing more), strongest first: never a cause.
    pub model_reactions: Vec<Driver>,
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
    let mut model_reactions = Vec::new();
    if let Some(run) = latest {
        let row = conn
            .query_row(
                "SELECT p.scored, p.reason, p.risk_score, p.category, p.p_fail_7d, p.ttf_distribution, p.drivers, f.features, p.data_quality
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
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<Vec<u8>>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                    ))
                },
            )
            .optional()?;
        if let Some((scored, reason, score, cat, p, ttf, drv, blob, quality)) = row {
            (drivers, model_reactions) = parse_drivers(drv);
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
                ttf: TimeToFailure::stored(scored, ttf.as_deref()),
                data_quality: parse_quality(quality),
                features,
            });
        }
    }
    Ok(TurbineDetail {
        identity,
        last_measurements,
        prediction,
        drivers,
        model_reactions,
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
            SELECT p.run, r.as_of, p.scored, p.risk_score, p.category, p.p_fail_7d, p.ttf_distribution
            FROM predictions p JOIN runs r ON r.id = p.run
            WHERE p.turbine = ?1 AND r.status = 'succeeded'
            ORDER BY r.as_of DESC, p.run DESC LIMIT ?2)
         ORDER BY as_of, run",
    )?;
    let limit = i64::try_from(runs).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![key, limit], |r| {
        let scored: bool = r.get(2)?;
        let ttf = TimeToFailure::stored(scored, r.get::<_, Option<String>>(6)?.as_deref());
        Ok(HistoryPoint {
            run_id: r.get(0)?,
            as_of: ts(r.get(1)?).unwrap_or_default(),
            scored,
            risk_score: r.get(3)?,
            category: r
                .get::<_, Option<String>>(4)?
                .and_then(|c| Category::parse(&c)),
            p_fail_7d: r.get(5)?,
            ttf_median_days: ttf.ttf_median_days,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
