//! The fleet ranking of the latest run, what a fleet row says in words, and the one search rule.

use serde::Serialize;

use super::super::{CategoryCounts, Driver, RunRecord};
use super::latest_run;
use super::{parse_drivers, parse_quality, ts, QueryError, TimeToFailure};
use crate::lang::{category_text, Lang};
use crate::risk::Category;
use crate::runs::{reasons_in_words, DataQuality, DataQualityText, NotScoredReason};
use crate::store::Store;

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
    /// Only the turbines in one of these categories (several at once: "critical or high");
    /// empty: every category, not-scored turbines included.
    pub categories: Vec<Category>,
    /// Only the turbines of this site (case-insensitive, surrounding blanks ignored); `None`: all.
    pub site: Option<String>,
    /// Only the rows a free-text search matches ([`matches_search`]); `None`: all.
    pub search: Option<String>,
    /// Order of the rows; `None`: [`SortKey::Score`]. Rows without the key come last, then by
    /// turbine id.
    pub sort: Option<SortKey>,
    /// At most this many rows (after filtering and sorting); `None`: all.
    pub limit: Option<usize>,
    /// Only the turbines whose latest alert is open and nobody has acknowledged it (the
    /// maintenance workflow's "unacknowledged only").
    pub unacknowledged: bool,
    /// Only these turbines (ids, case-insensitive: the turbines a notification named); empty:
    /// all.
    pub turbines: Vec<String>,
}

impl FleetFilter {
    /// Whether `item` passes the category, site and search filters (the order and the limit
    /// apply to the whole list, not here).
    pub fn keeps(&self, item: &FleetItem) -> bool {
        (self.categories.is_empty() || item.category.is_some_and(|c| self.categories.contains(&c)))
            && self
                .site
                .as_ref()
                .is_none_or(|s| item.site.eq_ignore_ascii_case(s.trim()))
            && self.search.as_ref().is_none_or(|s| matches_search(item, s))
            && (self.turbines.is_empty()
                || self
                    .turbines
                    .iter()
                    .any(|t| t.trim().eq_ignore_ascii_case(&item.turbine_id)))
    }
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
    /// The time to failure: median and 80 % range in whole days, and in words.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub ttf: TimeToFailure,
    /// The indicators that push its risk up as a plausible cause, strongest first; empty when
    /// not scored.
    pub drivers: Vec<Driver>,
    /// What else raises its risk in a direction that is not a known failure sign, strongest
    /// first: never a cause.
    pub model_reactions: Vec<Driver>,
    /// Data watermark of the run (when the prediction holds).
    pub scored_at: String,
    /// Its latest SCADA record before the run's watermark (`YYYY-MM-DDTHH:MM:SSZ`, UTC);
    /// `None` if it has none.
    pub last_data: Option<String>,
    /// The run the row comes from (row id in `runs`).
    pub run_id: i64,
    /// What the prediction could and could not watch, and the sensor faults in its window.
    pub data_quality: DataQuality,
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

/// The fleet ranking of the latest run.
pub fn fleet(store: &Store, filter: &FleetFilter) -> Result<FleetView, QueryError> {
    let run = latest_run(store)?.ok_or(QueryError::NoRun)?;
    fleet_of(store, run, filter)
}

/// The fleet ranking of one run (a notification tells about the run that raised its alerts,
/// even when a later run is already in).
pub fn fleet_of(
    store: &Store,
    run: RunRecord,
    filter: &FleetFilter,
) -> Result<FleetView, QueryError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT t.turbine_id, t.site, t.model, p.scored, p.reason, p.risk_score, p.category,
                p.p_fail_7d, p.ttf_distribution, p.drivers, p.last_record, p.data_quality
         FROM predictions p JOIN turbines t ON t.id = p.turbine
         WHERE p.run = ?1",
    )?;
    let scored_at = run.as_of.clone().unwrap_or_default();
    let rows = stmt.query_map([run.id], |r| {
        let scored: bool = r.get(3)?;
        let ttf = TimeToFailure::stored(scored, r.get::<_, Option<String>>(8)?.as_deref());
        let (drivers, model_reactions) = parse_drivers(r.get(9)?);
        Ok(FleetItem {
            turbine_id: r.get(0)?,
            site: r.get(1)?,
            model: r.get(2)?,
            scored,
            not_scored_reason: r.get(4)?,
            risk_score: r.get(5)?,
            category: r
                .get::<_, Option<String>>(6)?
                .and_then(|c| Category::parse(&c)),
            p_fail_7d: r.get(7)?,
            ttf,
            drivers,
            model_reactions,
            scored_at: scored_at.clone(),
            last_data: ts(r.get(10)?),
            run_id: run.id,
            data_quality: parse_quality(r.get(11)?),
        })
    })?;
    let mut items: Vec<FleetItem> = rows.collect::<Result<_, _>>()?;
    items.retain(|i| filter.keeps(i));
    if filter.unacknowledged {
        let alerts = crate::workflow::Workflow::load(store.conn())
            .map_err(|e| QueryError::Workflow(Box::new(e)))?;
        let open = alerts.latest_by_turbine();
        items.retain(|i| {
            open.get(i.turbine_id.as_str())
                .is_some_and(|a| a.status == crate::workflow::AlertStatus::Open)
        });
    }
    let key = |i: &FleetItem| -> (bool, f64) {
        let v = match filter.sort.unwrap_or(SortKey::Score) {
            SortKey::Score => i.risk_score.map(|s| -s),
            SortKey::PFail => i.p_fail_7d.map(|p| -p),
            SortKey::Ttf => i.ttf.sort_key(),
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
    /// The drivers as sentences, main driver first; a high or critical row always has one
    /// ([`reasons_in_words`]).
    pub drivers: Vec<String>,
    /// The model reactions as sentences, each saying it is not a known failure sign.
    pub model_reactions: Vec<String>,
    /// The data-quality badge and the lines behind it.
    pub data_quality: DataQualityText,
    /// The time to failure in words, whole days ("likely in 3 to 10 days", "aucune panne
    /// attendue dans les 30 jours"); `None` when not scored.
    pub time_to_failure: Option<String>,
    /// The same for a table cell, whole days ("3–10 d", "5+ j", "none ≤ 30 d"); `None` when
    /// not scored.
    pub time_to_failure_short: Option<String>,
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
                .map(|r| NotScoredReason::phrase_stored(r, lang)),
            drivers: reasons_in_words(
                self.category,
                &self.drivers,
                &self.model_reactions,
                &self.data_quality,
                lang,
            ),
            model_reactions: self
                .model_reactions
                .iter()
                .map(|d| d.reaction_phrase(lang))
                .collect(),
            data_quality: self.data_quality.text(lang),
            time_to_failure: self.ttf.text(self.scored, lang),
            time_to_failure_short: self.ttf.short_text(self.scored, lang),
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
            terms.push(crate::runs::drivers::indicator_label(&d.indicator, lang).to_lowercase());
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
