//! Backtest: replays a daily scoring run over the stored history and compares the categories
//! with the failure logbook — would the cockpit have flagged each past failure, how many days
//! ahead, and with how many false alarms; and, per alert level, the alert episodes and the
//! detectable ceiling ([`super::episodes`]). Nothing is written to the database.

use serde::Serialize;

use super::episodes::{level_figures, KnownFailure, Levels, RatedDay};
use super::{evaluate, RunError};
use crate::features::{self, History};
use crate::model::ModelSet;
use crate::risk::{Category, RiskPolicy};
use crate::schema;
use crate::store::Store;
use crate::ttf::Coverage;

const DAY: i64 = 86_400;
/// A flag counts as a warning of a failure within this many days.
const WARNING_DAYS: i64 = 7;
/// How far before a failure its first flag is looked for.
const LOOKBACK_DAYS: i64 = 30;

/// One failure of the logbook and how the replayed runs saw it coming.
#[derive(Debug, Clone, Serialize)]
pub struct FailureReplay {
    /// The turbine's id, e.g. `LYO-07`.
    pub turbine_id: String,
    /// Failed component, as written in the logbook.
    pub component: String,
    /// When it failed (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub failure_time: String,
    /// First daily run, within the 30 days before the failure (and after the previous repair),
    /// that rated the turbine high or critical.
    pub first_flagged: Option<String>,
    /// Days from `first_flagged` to the failure, one decimal; `None` when never flagged.
    pub lead_days: Option<f64>,
    /// Flagged high or critical at least once in the 7 days before the failure.
    pub caught: bool,
}

/// Figures of a backtest.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestReport {
    /// Scoring time of the first replayed run (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub first_day: String,
    /// Scoring time of the last replayed run; empty when no run was replayed.
    pub last_day: String,
    /// Number of daily runs replayed.
    pub days: i64,
    /// Turbines in the fleet (as of the last replayed day).
    pub turbines: usize,
    /// Turbine-days scored.
    pub scored_snapshots: u64,
    /// Turbine-days rated high or critical.
    pub flagged_snapshots: u64,
    /// Flagged turbine-days followed by a failure within 7 days.
    pub true_alarms: u64,
    /// Flagged turbine-days not followed by a failure within 7 days.
    pub false_alarms: u64,
    /// Share of failures flagged in the 7 days before them.
    pub recall: Option<f64>,
    /// Share of flagged turbine-days followed by a failure within 7 days.
    pub precision: Option<f64>,
    /// False alarms per turbine and 30 scored days; `None` when nothing was scored.
    pub false_alarms_per_turbine_month: Option<f64>,
    /// Median lead time, in days, of the caught failures; `None` when none was caught.
    pub median_lead_days: Option<f64>,
    /// Every logbook failure in the replayed period, oldest first.
    pub failures: Vec<FailureReplay>,
    /// Per alert level (high or above, critical, moderate or above): failures, the detectable ceiling, warnings at
    /// least 2 days ahead, alert episodes true and false, median lead.
    pub levels: Levels,
    /// The time-to-failure ranges over the scored turbine-days: how many, how often they hold
    /// the true time (days to the start of the turbine's next logged failure; none within the
    /// horizon counts as after it), their median width, and how many turbine-days had no
    /// failure expected ([`crate::ttf::Coverage`]).
    pub ttf: Coverage,
}

pub(super) struct LoggedFailure {
    turbine: i64,
    turbine_id: String,
    component: String,
    time: i64,
    previous_back: Option<i64>,
    /// `None`: the logbook says nothing about the precursor; `Some(None)`: there was none.
    precursor: Option<Option<i64>>,
}

impl LoggedFailure {
    /// What the episode counting needs of it.
    pub(super) fn known(&self) -> KnownFailure {
        KnownFailure {
            turbine: self.turbine,
            time: self.time,
            previous_back: self.previous_back,
            precursor: self.precursor,
        }
    }
}

/// Every failure of the logbook, oldest first, with the previous repair's end and what is known
/// of its precursor.
pub(super) fn logged_failures(store: &Store) -> Result<Vec<LoggedFailure>, RunError> {
    let mut stmt = store.conn().prepare(
        "SELECT l.turbine, t.turbine_id, l.component, l.failure_time,
                (SELECT max(back_in_service_time) FROM logbook p
                  WHERE p.turbine = l.turbine AND p.failure_time < l.failure_time),
                l.precursor_known, l.precursor_start
         FROM logbook l JOIN turbines t ON t.id = l.turbine ORDER BY l.failure_time",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LoggedFailure {
            turbine: r.get(0)?,
            turbine_id: r.get(1)?,
            component: r.get(2)?,
            time: r.get(3)?,
            previous_back: r.get(4)?,
            precursor: r.get::<_, bool>(5)?.then_some(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replays one run per day at midnight UTC between `from` and `to` (defaults: the first
/// midnight with 7 days of data, and the last record).
pub fn backtest(
    store: &Store,
    models: &mut ModelSet,
    policy: &RiskPolicy,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<BacktestReport, RunError> {
    let (first, last) = store.reading_span()?.ok_or(RunError::NoData)?;
    // Clamped to the (plausible) data present: --from 0026 starts at the first record's day.
    let from = from.map_or((first + 8 * DAY - 1).div_euclid(DAY) * DAY, |f| {
        f.max(first.div_euclid(DAY) * DAY)
    });
    let end = features::data_watermark(store)?.unwrap_or(last);
    let to = to.unwrap_or(end).min(end);
    let history = History::load(store, from, to)?;
    let failures = logged_failures(store)?;
    // flags[(turbine key)] = days flagged; every scored day with its category.
    let mut flagged: Vec<(i64, i64)> = Vec::new();
    let mut rated: Vec<RatedDay> = Vec::new();
    let mut report = BacktestReport {
        first_day: schema::format_timestamp(from),
        last_day: String::new(),
        days: 0,
        turbines: 0,
        scored_snapshots: 0,
        flagged_snapshots: 0,
        true_alarms: 0,
        false_alarms: 0,
        recall: None,
        precision: None,
        false_alarms_per_turbine_month: None,
        median_lead_days: None,
        failures: Vec::new(),
        levels: Levels::default(),
        ttf: Coverage::default(),
    };
    // The failures of the period are known up to a day after the last replayed run.
    let known_until = to + DAY;
    let mut t = from;
    while t <= to {
        let matrix = history.at(t);
        report.turbines = matrix.turbines.len();
        let last_records = history.last_record_before(t);
        let outcomes = evaluate(store, models, policy, &matrix, &last_records)?;
        for o in outcomes.iter().filter(|o| o.scored) {
            report.scored_snapshots += 1;
            if let Some(d) = &o.ttf {
                let horizon = d.horizon();
                let next = failures
                    .iter()
                    .filter(|f| f.turbine == o.turbine_key && f.time > t)
                    .map(|f| f.time)
                    .min();
                let days = next
                    .map(|n| (n - t) as f64 / DAY as f64)
                    .filter(|d| *d <= horizon);
                let observed =
                    days.is_some() || t as f64 + horizon * DAY as f64 <= known_until as f64;
                report.ttf.add(d, days, observed);
            }
            if let Some(category) = o.category {
                rated.push(RatedDay {
                    turbine: o.turbine_key,
                    t,
                    category,
                });
            }
            if o.category >= Some(Category::High) {
                report.flagged_snapshots += 1;
                flagged.push((o.turbine_key, t));
                let warned = failures.iter().any(|f| {
                    f.turbine == o.turbine_key && f.time > t && f.time <= t + WARNING_DAYS * DAY
                });
                if warned {
                    report.true_alarms += 1;
                } else {
                    report.false_alarms += 1;
                }
            }
        }
        report.days += 1;
        report.last_day = schema::format_timestamp(t);
        t += DAY;
    }
    let mut leads = Vec::new();
    let in_period: Vec<&LoggedFailure> = failures
        .iter()
        .filter(|f| f.time > from && f.time <= to + DAY)
        .collect();
    let known: Vec<KnownFailure> = in_period.iter().map(|f| f.known()).collect();
    // An episode without a failure is false only when the known history reaches 7 days past
    // its last day.
    report.levels = Levels {
        high: level_figures(
            Category::High,
            &rated,
            &known,
            report.scored_snapshots,
            known_until,
        ),
        critical: level_figures(
            Category::Critical,
            &rated,
            &known,
            report.scored_snapshots,
            known_until,
        ),
        moderate: level_figures(
            Category::Moderate,
            &rated,
            &known,
            report.scored_snapshots,
            known_until,
        ),
    };
    for f in in_period {
        let window_start = (f.time - LOOKBACK_DAYS * DAY).max(f.previous_back.unwrap_or(i64::MIN));
        let first_flag = flagged
            .iter()
            .filter(|(k, day)| *k == f.turbine && *day >= window_start && *day < f.time)
            .map(|(_, day)| *day)
            .min();
        let caught = flagged.iter().any(|(k, day)| {
            *k == f.turbine && *day < f.time && *day >= f.time - WARNING_DAYS * DAY
        });
        let lead = first_flag.map(|d| (f.time - d) as f64 / DAY as f64);
        if caught {
            if let Some(l) = lead {
                leads.push(l);
            }
        }
        report.failures.push(FailureReplay {
            turbine_id: f.turbine_id.clone(),
            component: f.component.clone(),
            failure_time: schema::format_timestamp(f.time),
            first_flagged: first_flag.map(schema::format_timestamp),
            lead_days: lead.map(|l| (l * 10.0).round() / 10.0),
            caught,
        });
    }
    let n_fail = report.failures.len();
    if n_fail > 0 {
        report.recall =
            Some(report.failures.iter().filter(|f| f.caught).count() as f64 / n_fail as f64);
    }
    if report.flagged_snapshots > 0 {
        report.precision = Some(report.true_alarms as f64 / report.flagged_snapshots as f64);
    }
    if report.scored_snapshots > 0 {
        report.false_alarms_per_turbine_month =
            Some(report.false_alarms as f64 / (report.scored_snapshots as f64 / 30.0));
    }
    if !leads.is_empty() {
        leads.sort_by(f64::total_cmp);
        report.median_lead_days = Some(leads[leads.len() / 2]);
    }
    Ok(report)
}
