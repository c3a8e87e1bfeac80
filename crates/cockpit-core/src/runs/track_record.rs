//! How often each category has been right: beside a category (fleet legend, turbine page), the
//! precision and median lead of its alert level on the evaluation fleet (the model set's
//! manifest, `metrics.eval_fleet.alert_episodes`, written by the training pipeline from
//! `cockpit backtest`) and on this park's own history (the stored daily runs against the failure
//! logbook: the confirmed faults). Counting is [`super::episodes`]'s; the sentences, in French
//! and English, are here.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::backtest::{logged_failures, LoggedFailure};
use super::episodes::{
    level_figures, level_name, KnownFailure, LevelFigures, RatedDay, LEAD_WINDOW_DAYS,
};
use super::RunError;
use crate::lang::{self, Lang};
use crate::risk::Category;
use crate::store::Store;

const DAY: i64 = 86_400;

/// The categories that are alerts, most urgent first: each stands for its level ("high" counts
/// the days rated high or critical, as a manager acting on "high and above" lives them).
pub const ALERT_CATEGORIES: [Category; 3] =
    [Category::Critical, Category::High, Category::Moderate];

/// Episode figures of one alert level, from one source.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordFigures {
    /// Alert episodes judged (followed or not by a failure within 7 days).
    pub judged: u64,
    /// Of them, followed by a failure within 7 days.
    pub true_episodes: u64,
    /// `true_episodes / judged`; `None` when nothing was judged.
    pub precision: Option<f64>,
    /// Median days from an episode's start to the failure it warned of (2+ days ahead).
    pub median_lead_days: Option<f64>,
}

impl RecordFigures {
    fn of(f: &LevelFigures) -> RecordFigures {
        RecordFigures {
            judged: f.true_episodes + f.false_episodes,
            true_episodes: f.true_episodes,
            precision: f.episode_precision,
            median_lead_days: f.median_lead_days,
        }
    }

    /// The figures of `level` in the manifest's `metrics.eval_fleet.alert_episodes`; `None` when
    /// the model set was trained before they were measured, or they are malformed.
    fn from_manifest(manifest: &Value, level: Category) -> Option<RecordFigures> {
        let f = manifest
            .pointer("/metrics/eval_fleet/alert_episodes")?
            .get(level.as_str())?;
        let count = |k: &str| f.get(k).and_then(Value::as_u64);
        let (t, n) = (count("true_episodes")?, count("false_episodes")?);
        Some(RecordFigures {
            judged: t + n,
            true_episodes: t,
            precision: (t + n > 0).then(|| t as f64 / (t + n) as f64),
            median_lead_days: f
                .get("median_lead_days")
                .and_then(Value::as_f64)
                .filter(|d| d.is_finite() && *d >= 0.0),
        })
    }
}

/// How often one category has been right.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryRecord {
    /// The category (its level: this category or above).
    pub category: Category,
    /// On the evaluation fleet of the model set in service; `None` when its manifest does not
    /// say.
    pub evaluation: Option<RecordFigures>,
    /// On this park's stored daily runs against its failure logbook.
    pub park: RecordFigures,
    /// The model version the evaluation figures belong to.
    pub model_version: Option<String>,
}

/// Each alert category's record, most urgent first. `manifest` is the model set in service's
/// manifest (its raw JSON); `None` when no model set could be read.
pub fn track_record(
    store: &Store,
    manifest: Option<&Value>,
) -> Result<Vec<CategoryRecord>, RunError> {
    let (days, data_end) = park_days(store)?;
    let failures: Vec<KnownFailure> = logged_failures(store)?
        .iter()
        .map(LoggedFailure::known)
        .collect();
    let model_version = manifest
        .and_then(|m| m.get("model_version"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(ALERT_CATEGORIES
        .into_iter()
        .map(|category| CategoryRecord {
            category,
            evaluation: manifest.and_then(|m| RecordFigures::from_manifest(m, category)),
            // The turbine-days scored only weigh the false episodes per quarter, not shown here.
            park: RecordFigures::of(&level_figures(category, &days, &failures, 0, data_end)),
            model_version: model_version.clone(),
        })
        .collect())
}

/// The park's alert days: for each day (of the data time), the latest successful run of that
/// day has the last word; its predictions rated moderate or above are the alert days, by turbine
/// then day. Also how far the failure logbook can be trusted to be complete (the latest data
/// time, plus a day). Only alert rows leave the database: a day below every alert level ends an
/// episode exactly as a day without a row does, so the far more numerous low days are never
/// read (the fleet and turbine pages compute this on every load).
fn park_days(store: &Store) -> Result<(Vec<RatedDay>, i64), RunError> {
    // The day's last word: one run per day (a handful of rows per day, read whole).
    let mut stmt = store.conn().prepare(
        "SELECT id, coalesce(as_of, started_at) FROM runs WHERE status = 'succeeded'
         ORDER BY coalesce(as_of, started_at), started_at, id",
    )?;
    let mut day_run: HashMap<i64, (i64, i64)> = HashMap::new(); // day -> (run, data time)
    let mut data_end = i64::MIN;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (run, at) = row?;
        day_run.insert(at.div_euclid(DAY), (run, at));
        data_end = data_end.max(at);
    }
    let last_word: HashMap<i64, i64> = day_run.into_values().collect(); // run -> data time
                                                                        // The alert rows in one pass over the table in its own order (an index lookup per run
                                                                        // costs several times more on a long history).
    let mut stmt = store.conn().prepare(
        "SELECT turbine, run, category FROM predictions
         WHERE scored = 1 AND category IN ('moderate', 'high', 'critical')",
    )?;
    let mut days: Vec<RatedDay> = Vec::new();
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (turbine, run, category) = row?;
        if let (Some(at), Some(category)) = (last_word.get(&run), Category::parse(&category)) {
            days.push(RatedDay {
                turbine,
                t: at.div_euclid(DAY) * DAY,
                category,
            });
        }
    }
    Ok((days, data_end.saturating_add(DAY)))
}

impl CategoryRecord {
    /// The record in one sentence, e.g. "High or above — evaluation fleet (simulated): 31 % of
    /// alert episodes followed by a failure within 7 days, median lead 5 days; this park: 5 of 8
    /// alert episodes followed by a confirmed fault (failure logbook), median lead 6 days."
    pub fn text(&self, lang: Lang) -> String {
        let level = level_name(self.category, lang);
        let lead = |d: Option<f64>| match d {
            Some(d) => lang.pick(
                format!(
                    ", median lead {} days",
                    lang::format_number(d.round(), 0, lang)
                ),
                format!(
                    ", avance médiane {} jours",
                    lang::format_number(d.round(), 0, lang)
                ),
            ),
            None => String::new(),
        };
        let evaluation = match (&self.evaluation, &self.model_version) {
            (Some(e), _) if e.judged > 0 => lang.pick(
                format!(
                    "evaluation fleet (simulated): {} % of alert episodes followed by a failure within {LEAD_WINDOW_DAYS} days{}",
                    lang::format_number(e.precision.unwrap_or(0.0) * 100.0, 0, lang),
                    lead(e.median_lead_days)
                ),
                format!(
                    "flotte d'évaluation (simulée) : {} % des épisodes d'alerte suivis d'une panne sous {LEAD_WINDOW_DAYS} jours{}",
                    lang::format_number(e.precision.unwrap_or(0.0) * 100.0, 0, lang),
                    lead(e.median_lead_days)
                ),
            ),
            (Some(_), _) => lang
                .pick(
                    "evaluation fleet: no alert episode at this level",
                    "flotte d'évaluation : aucun épisode d'alerte à ce niveau",
                )
                .to_string(),
            (None, Some(v)) => lang.pick(
                format!("evaluation fleet: not measured for models {v}"),
                format!("flotte d'évaluation : non mesuré pour les modèles {v}"),
            ),
            (None, None) => lang
                .pick(
                    "evaluation fleet: no model set to read it from",
                    "flotte d'évaluation : aucun jeu de modèles où le lire",
                )
                .to_string(),
        };
        let p = &self.park;
        let park = if p.judged == 0 {
            lang.pick(
                format!("this park: no alert episode judged yet (an episode is judged {LEAD_WINDOW_DAYS} days after it ends)"),
                format!("ce parc : aucun épisode d'alerte encore jugé (un épisode est jugé {LEAD_WINDOW_DAYS} jours après sa fin)"),
            )
        } else {
            lang.pick(
                format!(
                    "this park: {} of {} alert {} followed by a confirmed fault (failure logbook) within {LEAD_WINDOW_DAYS} days{}",
                    p.true_episodes,
                    p.judged,
                    if p.judged == 1 { "episode" } else { "episodes" },
                    lead(p.median_lead_days)
                ),
                format!(
                    "ce parc : {} {} sur {} suivi{} d'une panne confirmée (journal des pannes) sous {LEAD_WINDOW_DAYS} jours{}",
                    p.true_episodes,
                    if p.true_episodes == 1 { "épisode d'alerte" } else { "épisodes d'alerte" },
                    p.judged,
                    if p.true_episodes == 1 { "" } else { "s" },
                    lead(p.median_lead_days)
                ),
            )
        };
        let semi = lang.pick(";", " ;");
        format!("{level} — {evaluation}{semi} {park}.")
    }
}

#[cfg(test)]
mod tests;
