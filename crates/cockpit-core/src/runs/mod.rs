//! Scoring runs: features for every turbine, both models, the risk policy and the drivers,
//! committed as one transaction — a run record and one prediction per turbine — so a run appears
//! whole or not at all. Also the queries over runs (fleet ranking, turbine detail, run journal)
//! and the backtest.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the run itself: evaluate, commit, the single-flight lock, the run record |
//! | `drivers` | the indicators that push a turbine's risk up, and their sentences |
//! | `reasons` | why a turbine was not scored, stored in English and phrased in either language |
//! | `watch` | what a prediction could and could not watch ([`DataQuality`]), and no high without a reason ([`reasons_in_words`]) |
//! | `queries` | the read side: journal, fleet ranking and search, turbine detail |
//! | `backtest` | replaying past days to measure the models (nothing written) |
//! | `episodes` | alert episodes and the detectable ceiling per alert level, and their words |
//! | `replay` | replaying past days as committed daily runs, with what they said (episodes, shares) |
//! | `shadow` | a candidate model set scored in shadow on the run's rows, kept apart ([`ShadowSet`]) |
//!
//! A failed run leaves earlier results untouched and is itself recorded with its error. Runs are
//! single-flight across processes: a lock file beside the database refuses a second run while one
//! is in progress.

pub mod backtest;
pub mod drivers;
pub mod episodes;
pub mod queries;
mod reasons;
pub mod replay;
mod shadow;
pub mod track_record;
mod watch;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::Array2;
use rusqlite::params;
use serde::Serialize;

use crate::clock::now;
use crate::features::{self, FeatureError, FeatureMatrix, History, N_FEATURES};
use crate::lang::Lang;
use crate::model::{ModelError, ModelSet, MIN_USEFUL_ROC_AUC};
use crate::risk::{AlertRules, Category, RiskPolicy};
use crate::schema;
use crate::store::{Store, StoreError};
use crate::ttf::Distribution;
use crate::workflow;

pub use drivers::Driver;
pub use reasons::{NotScoredReason, MODEL_OUTPUT_INVALID_EN, NOT_SCORED_ENGLISH};
pub use shadow::ShadowSet;
pub use watch::{reasons_in_words, DataQuality, DataQualityText, Unwatched, WATCH_ENGLISH};

/// Share of the last 24 hours' records a turbine needs to be scored.
pub const MIN_COVERAGE_24H: f32 = 0.5;

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// "Score now" in the app.
    Manual,
    /// The daily schedule.
    Timer,
    /// The `cockpit score` command.
    Cli,
    /// A file dropped in the inbox, or a new model set.
    Watch,
    /// Past daily runs recomputed to give the history a start (`cockpit demo`, `cockpit replay`).
    Backfill,
    /// One past time scored on request (`cockpit score --at`). Like a backfill, never "the
    /// latest run": it does not hide today's.
    Replay,
}

impl Trigger {
    /// The value stored in the `trigger` column of `runs` (`manual`, `timer`, `cli`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Timer => "timer",
            Trigger::Cli => "cli",
            Trigger::Watch => "watch",
            Trigger::Backfill => "backfill",
            Trigger::Replay => "replay",
        }
    }
}

/// Errors of a scoring run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Another process (or thread) holds the scoring lock of this database.
    #[error("a scoring run is already in progress on this database ({lock}); wait for it to finish and try again")]
    InProgress {
        /// The lock file (`<db>.scoring.lock`).
        lock: PathBuf,
    },
    /// The lock file beside the database could not be created or locked.
    #[error("cannot take the scoring lock {lock}: {source}")]
    Lock {
        /// The lock file (`<db>.scoring.lock`).
        lock: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The requested scoring time is later than the wall clock allows (a typing error such as
    /// 2099): its data cannot exist yet, and its run would read as the newest for ever.
    #[error("cannot score as of {at}: that is in the future (latest allowed: {latest}, now plus one day); give a past date or time")]
    FutureAt {
        /// The requested time (`YYYY-MM-DDTHH:MM:SSZ`).
        at: String,
        /// The latest time allowed now.
        latest: String,
    },
    /// The requested scoring time is before 1990, where no turbine data can be.
    #[error("cannot score as of {at}: that is before 1990, where no turbine data can be; check the year")]
    TooEarlyAt {
        /// The requested time (`YYYY-MM-DDTHH:MM:SSZ`).
        at: String,
    },
    /// No turbine has SCADA readings, so there is nothing to score.
    #[error("nothing to score: the database holds no turbine with SCADA readings; ingest data first (cockpit ingest or cockpit demo)")]
    NoData,
    /// The feature history could not be loaded or computed.
    #[error("features could not be computed: {0}")]
    Features(#[from] FeatureError),
    /// The models failed to load or to run.
    #[error("the models could not score the fleet: {0}")]
    Model(#[from] ModelError),
    /// The database could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the run or its predictions failed.
    #[error("database error while saving the run: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The database is a field pack: it carries the office's scores, it is not scored.
    #[error("this database is a field pack: it shows the office's scores and is not scored (score in the office's cockpit, or in a laptop's own cockpit)")]
    FieldPack,
    /// The alerts the run raises or closes could not be recorded (the run is not saved either).
    #[error("the run's alerts could not be recorded: {0}")]
    Workflow(Box<crate::workflow::WorkflowError>),
}

impl From<crate::workflow::WorkflowError> for RunError {
    fn from(e: crate::workflow::WorkflowError) -> Self {
        RunError::Workflow(Box::new(e))
    }
}

/// Counts of a run by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryCounts {
    /// Turbines in the critical tier.
    pub critical: i64,
    /// Turbines in the high tier.
    pub high: i64,
    /// Turbines in the moderate tier.
    pub moderate: i64,
    /// Turbines in the low tier.
    pub low: i64,
    /// Turbines that were not scored (not enough recent data, or under repair).
    pub not_scored: i64,
}

impl CategoryCounts {
    fn add(&mut self, c: Option<Category>) {
        match c {
            Some(Category::Critical) => self.critical += 1,
            Some(Category::High) => self.high += 1,
            Some(Category::Moderate) => self.moderate += 1,
            Some(Category::Low) => self.low += 1,
            None => self.not_scored += 1,
        }
    }
}

/// A run as recorded in the journal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunRecord {
    /// Run id (row id in `runs`).
    pub id: i64,
    /// What started it: `manual`, `timer`, `cli`, `watch` or `backfill`.
    pub trigger: String,
    /// When it started (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub started_at: String,
    /// When it ended (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub ended_at: String,
    /// Wall-clock duration, in milliseconds.
    pub duration_ms: i64,
    /// `succeeded` or `failed`.
    pub status: String,
    /// Data watermark: the features were computed from records before this time.
    pub as_of: Option<String>,
    /// The timer slot it served (`YYYY-MM-DDTHH:MM:SSZ`); `None` for runs not started by the timer.
    pub scheduled_for: Option<String>,
    /// Version of the model set used; `None` when the models could not be loaded.
    pub model_version: Option<String>,
    /// Turbines evaluated (scored or not); 0 for a failed run.
    pub turbines: i64,
    /// Turbines per risk tier, plus those not scored.
    pub counts: CategoryCounts,
    /// Errors met by the run: 0 when it succeeded, 1 when it failed.
    pub error_count: i64,
    /// Why the run failed; `None` when it succeeded.
    pub error: Option<String>,
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest {
    /// What started the run.
    pub trigger: Trigger,
    /// Score as of this time (default: the latest data).
    pub at: Option<i64>,
    /// The timer slot this run serves, for timer runs.
    pub scheduled_for: Option<i64>,
}

/// One turbine's outcome in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurbineOutcome {
    /// The turbine's row id in the `turbines` table.
    pub turbine_key: i64,
    /// The turbine's id as in the data, e.g. `LYO-01`.
    pub turbine_id: String,
    /// Whether the models scored it; when `false`, `reason` says why.
    pub scored: bool,
    /// Why it was not scored (under repair, missing or too few recent records); `None` when scored.
    pub reason: Option<String>,
    /// Probability of failure within 7 days, 0–1; `None` when not scored.
    pub p_fail_7d: Option<f64>,
    /// The time-to-failure distribution (the model's probabilities of a failure within each
    /// horizon); `None` when not scored.
    pub ttf: Option<Distribution>,
    /// Risk score, 0–100 (one decimal); `None` when not scored.
    pub risk_score: Option<f64>,
    /// Risk tier given by the policy; `None` when not scored.
    pub category: Option<Category>,
    /// The indicators that push its risk up as a plausible cause, strongest first; empty when
    /// not scored.
    pub drivers: Vec<Driver>,
    /// The indicators whose deviation raises its risk in a direction that is not a known failure
    /// sign (cooler, falling, steadier, producing more), strongest first: never shown as a cause
    /// ([`Driver::reaction_phrase`]).
    pub model_reactions: Vec<Driver>,
    /// Time of its latest SCADA record before the scoring time (Unix seconds); `None` if it
    /// has none.
    pub last_record: Option<i64>,
    /// What it could and could not watch over the 7 days before the scoring time.
    pub data_quality: DataQuality,
    /// The feature row it was evaluated on (NaN where a feature could not be computed); not
    /// serialised.
    #[serde(skip)]
    pub features: Vec<f32>,
}

/// The scoring runs' lock file of the database `db`: `<db>.scoring.lock`, beside it.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut lock = db.as_os_str().to_owned();
    lock.push(".scoring.lock");
    PathBuf::from(lock)
}

/// The single-flight guard: an exclusive lock on [`lock_path`], released on drop.
pub struct RunLock {
    _file: Option<File>,
}

impl RunLock {
    /// Takes the scoring lock of `store`, or says a run is in progress.
    pub fn acquire(store: &Store) -> Result<RunLock, RunError> {
        if store.path().as_os_str() == ":memory:" {
            return Ok(RunLock { _file: None });
        }
        let lock = lock_path(store.path());
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock)
            .map_err(|source| RunError::Lock {
                lock: lock.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { _file: Some(file) }),
            Err(std::fs::TryLockError::WouldBlock) => Err(RunError::InProgress { lock }),
            Err(std::fs::TryLockError::Error(source)) => Err(RunError::Lock { lock, source }),
        }
    }
}

/// Repairs in progress at `t`: turbine key → (failure time, component).
///
/// An entry without a back-in-service time (EDP's real logbook has no such column) does not
/// keep the turbine under repair forever: that repair ends at the turbine's first producing
/// SCADA record (power > 0) after the failure.
fn repairs_at(store: &Store, t: i64) -> Result<HashMap<i64, (i64, String)>, RunError> {
    let mut stmt = store.conn().prepare(
        "SELECT l.turbine, l.failure_time, l.component FROM logbook l
         WHERE l.failure_time <= ?1
           AND (l.back_in_service_time > ?1
                OR (l.back_in_service_time IS NULL AND NOT EXISTS (
                    SELECT 1 FROM readings r
                    WHERE r.turbine = l.turbine AND r.ts > l.failure_time AND r.ts <= ?1
                      AND r.power_kw > 0)))",
    )?;
    let rows = stmt.query_map([t], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Why a turbine is not scored, in this order: under repair (`repair`: failure time and
/// component), too few records in the last 24 hours (`coverage`, with its `last` record before
/// `at`), nothing to watch (no key signal family and no power curve in `watch`); `None`: score it.
fn why_not_scored(
    repair: Option<&(i64, String)>,
    coverage: f32,
    last: Option<i64>,
    at: i64,
    watch: Option<&features::TurbineWatch>,
) -> Option<NotScoredReason> {
    if let Some((since, component)) = repair {
        return Some(NotScoredReason::UnderRepair {
            since: schema::format_timestamp(*since),
            component: component.clone(),
        });
    }
    if coverage.is_nan() || coverage < MIN_COVERAGE_24H {
        return Some(match last {
            None => NotScoredReason::NoRecord,
            Some(l) if at - l > 86_400 => NotScoredReason::NoRecentRecord {
                last: schema::format_timestamp(l),
            },
            Some(_) => NotScoredReason::LowCoverage {
                present: format!("{:.0}", coverage * 100.0),
                needed: format!("{:.0}", MIN_COVERAGE_24H * 100.0),
            },
        });
    }
    if watch.is_some_and(|w| !w.anything()) {
        return Some(NotScoredReason::NothingToWatch);
    }
    None
}

/// The not-scored reason of an invalid model output.
fn invalid_output_reason(bad: &crate::model::InvalidOutput) -> NotScoredReason {
    // The models' outputs are f32: shown as such (1.7, not 1.7000000476837158; NaN, inf).
    let num = |v: f64| format!("{}", v as f32);
    NotScoredReason::ModelOutputInvalid {
        output: bad.output.into(),
        value: num(bad.value),
        low: num(bad.low),
        high: num(bad.high),
    }
}

/// Scores a feature matrix: models, policy, drivers. Turbines without enough recent data, under
/// repair, or with nothing to watch (no key signal family and no power curve) get a "not
/// scored" outcome with the reason. A family the turbine could not watch (absent, or blinded by
/// a sensor fault) gives no driver.
pub fn evaluate(
    store: &Store,
    models: &mut ModelSet,
    policy: &RiskPolicy,
    matrix: &FeatureMatrix,
    last_records: &[Option<i64>],
) -> Result<Vec<TurbineOutcome>, RunError> {
    let names = features::feature_names();
    let coverage = names.iter().position(|n| n == "coverage_24h").unwrap_or(0);
    let repairs = repairs_at(store, matrix.at)?;
    let mut outcomes: Vec<TurbineOutcome> = Vec::with_capacity(matrix.turbines.len());
    let mut to_score: Vec<usize> = Vec::new();
    for (i, (t, row)) in matrix.turbines.iter().zip(&matrix.rows).enumerate() {
        let last = last_records.get(i).copied().flatten();
        let reason = why_not_scored(
            repairs.get(&t.key),
            row[coverage],
            last,
            matrix.at,
            matrix.watch.get(i),
        )
        .map(|r| r.phrase(Lang::En));
        if reason.is_none() {
            to_score.push(i);
        }
        outcomes.push(TurbineOutcome {
            turbine_key: t.key,
            turbine_id: t.turbine_id.clone(),
            scored: reason.is_none(),
            reason,
            p_fail_7d: None,
            ttf: None,
            risk_score: None,
            category: None,
            drivers: Vec::new(),
            model_reactions: Vec::new(),
            last_record: last,
            data_quality: matrix.watch.get(i).map(DataQuality::of).unwrap_or_default(),
            features: row.clone(),
        });
    }
    if to_score.is_empty() {
        return Ok(outcomes);
    }
    let rows: Vec<Vec<f32>> = to_score.iter().map(|&i| matrix.rows[i].clone()).collect();
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    let input = Array2::from_shape_vec((rows.len(), N_FEATURES), flat).map_err(|e| {
        RunError::Model(ModelError::Inference {
            model: "failure_7d".into(),
            message: e.to_string(),
        })
    })?;
    let predictions = models.predict(input.view())?;
    let (perturbed, n_groups) = drivers::perturbed_rows(&rows);
    let perturbed = Array2::from_shape_vec((rows.len() * n_groups, N_FEATURES), perturbed)
        .map_err(|e| {
            RunError::Model(ModelError::Inference {
                model: "failure_7d".into(),
                message: e.to_string(),
            })
        })?;
    let perturbed_p: Vec<f64> = models.predict_failure(perturbed.view())?;
    let fleet_ref = drivers::FleetReference::of(&rows);
    // Watched on power curve and pitch only: when the model card measured no useful skill there
    // (ROC-AUC below MIN_USEFUL_ROC_AUC with every temperature family absent), a high or critical
    // category would be an alarm little better than chance — it is held at moderate, and says so.
    let no_skill_on_power_and_pitch = models
        .manifest()
        .roc_auc_without("no_temperatures")
        .is_some_and(|auc| auc < MIN_USEFUL_ROC_AUC);
    let horizons = models.horizons_days().to_vec();
    for (j, &i) in to_score.iter().enumerate() {
        let pred = predictions[j];
        let o = &mut outcomes[i];
        // A NaN, infinite or out-of-range output is no score: the turbine is not scored, with
        // the value in its reason, instead of a silent 0 ("low") or a clamp.
        if let Err(bad) = pred.check(&horizons) {
            tracing::warn!(
                turbine = %o.turbine_id,
                output = bad.output,
                value = %bad.value,
                "model output invalid"
            );
            o.scored = false;
            o.reason = Some(invalid_output_reason(&bad).phrase(Lang::En));
            continue;
        }
        let ttf = pred.distribution(&horizons);
        let mut a = policy.assess(pred.p_fail_7d, ttf.as_ref());
        if no_skill_on_power_and_pitch && o.data_quality.no_family() {
            let held = a.capped(Category::Moderate);
            o.data_quality.held_at_moderate = held.category != a.category;
            a = held;
        }
        o.p_fail_7d = Some(pred.p_fail_7d);
        o.ttf = ttf;
        o.risk_score = Some(a.score);
        o.category = Some(a.category);
        let mut explained = drivers::drivers_of(
            &rows[j],
            pred.p_fail_7d,
            &perturbed_p[j * n_groups..(j + 1) * n_groups],
            &fleet_ref,
        );
        // A frozen, recovering or absent sensor never drives the risk.
        let quality = &o.data_quality;
        explained.retain(|d| quality.watches(&d.indicator));
        o.drivers = explained.drivers;
        o.model_reactions = explained.reactions;
    }
    Ok(outcomes)
}

/// Runs one scoring run and commits it; on failure records the failed run and returns the error.
pub fn score(
    store: &mut Store,
    models: &mut ModelSet,
    policy: &RiskPolicy,
    req: RunRequest,
) -> Result<RunRecord, RunError> {
    score_with_shadow(store, models, None, policy, req)
}

/// [`score`], with a candidate model set scored in shadow on the same feature rows when one is
/// given: its scores and categories are committed apart in the run's transaction, the served
/// results are the same as without it, and a candidate that cannot score never fails the run
/// (the run records why the shadow was skipped).
pub fn score_with_shadow(
    store: &mut Store,
    models: &mut ModelSet,
    shadow: Option<&mut ShadowSet>,
    policy: &RiskPolicy,
    req: RunRequest,
) -> Result<RunRecord, RunError> {
    score_run(store, models, shadow, policy, req).map(|(run, _)| run)
}

/// [`score_with_shadow`], with the alert events the run recorded in its transaction (alerts
/// raised, escalated, cleared: [`workflow::alerts::apply_run`]): what a notification of the
/// run tells.
pub fn score_run(
    store: &mut Store,
    models: &mut ModelSet,
    mut shadow: Option<&mut ShadowSet>,
    policy: &RiskPolicy,
    req: RunRequest,
) -> Result<(RunRecord, Vec<workflow::Event>), RunError> {
    let _span = tracing::info_span!("fleet_run", trigger = req.trigger.as_str()).entered();
    ensure_scorable(store)?;
    if let Some(at) = req.at {
        check_at(at)?;
    }
    let _lock = RunLock::acquire(store).inspect_err(|e| {
        tracing::warn!(error = %crate::journal::redact(&e.to_string()), "fleet run refused");
    })?;
    let started = Instant::now();
    let started_at = now();
    let result = (|| {
        let at = match req.at {
            Some(t) => t,
            None => features::data_watermark(store)?.ok_or(RunError::NoData)?,
        };
        let history = History::load(store, at, at)?;
        let matrix = history.at(at);
        if matrix.turbines.is_empty() {
            return Err(RunError::NoData);
        }
        let last = history.last_record_before(at);
        let outcomes = evaluate(store, models, policy, &matrix, &last)?;
        // After the served outcomes, never mixed with them.
        let shadowed = shadow
            .as_deref_mut()
            .map(|s| shadow::score_shadow(store, s, policy, &matrix, &last));
        Ok((at, outcomes, shadowed))
    })();
    let version = models.manifest().model_version.clone();
    match result {
        Ok((at, outcomes, shadowed)) => {
            let set = ServedSet {
                version: &version,
                sha256: Some(models.checksum()),
            };
            let (id, events) = commit_run_with(
                store,
                &req,
                started_at,
                started,
                at,
                set,
                &outcomes,
                shadowed.as_ref(),
                policy.alerts,
            )?;
            let run = queries::run(store, id)?;
            tracing::info!(
                run_id = run.id,
                duration_ms = run.duration_ms,
                turbines = run.turbines,
                critical = run.counts.critical,
                high = run.counts.high,
                not_scored = run.counts.not_scored,
                model_version = %version,
                outcome = "succeeded",
                "fleet run succeeded"
            );
            Ok((run, events))
        }
        Err(e) => {
            record_failure(
                store,
                &req,
                started_at,
                started,
                Some(&version),
                &e.to_string(),
            )?;
            Err(e)
        }
    }
}

/// Refuses a scoring time outside the plausible window: after now plus
/// [`crate::schema::FUTURE_TOLERANCE_SECS`], or before [`crate::schema::EARLIEST_PLAUSIBLE_TIME`].
pub fn check_at(at: i64) -> Result<(), RunError> {
    let latest = crate::clock::latest_plausible();
    if at > latest {
        return Err(RunError::FutureAt {
            at: schema::format_timestamp(at),
            latest: schema::format_timestamp(latest),
        });
    }
    if at < crate::schema::EARLIEST_PLAUSIBLE_TIME {
        return Err(RunError::TooEarlyAt {
            at: schema::format_timestamp(at),
        });
    }
    Ok(())
}

/// Refuses a field pack (`RunError::FieldPack`): call it before loading the models, so that a
/// pack opened on a laptop without them says what it is rather than what is missing.
pub fn ensure_scorable(store: &Store) -> Result<(), RunError> {
    if store.is_pack() {
        return Err(RunError::FieldPack);
    }
    Ok(())
}

/// Records a run that failed before producing predictions (also used when the models could not
/// even be loaded). A field pack records none: its runs are the office's.
pub fn record_failure(
    store: &Store,
    req: &RunRequest,
    started_at: i64,
    started: Instant,
    model_version: Option<&str>,
    error: &str,
) -> Result<i64, RunError> {
    ensure_scorable(store)?;
    tracing::error!(
        trigger = req.trigger.as_str(),
        duration_ms = started.elapsed().as_millis() as u64,
        outcome = "failed",
        error = %crate::journal::redact(error),
        "fleet run failed"
    );
    store.conn().execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, scheduled_for, model_version, error_count, error, uuid)
         VALUES (?1, ?2, ?3, ?4, 'failed', ?5, ?6, ?7, 1, ?8, ?9)",
        params![
            req.trigger.as_str(),
            started_at,
            now(),
            started.elapsed().as_millis() as i64,
            req.at,
            req.scheduled_for,
            model_version,
            error,
            run_uuid()
        ],
    )?;
    Ok(store.conn().last_insert_rowid())
}

/// A new run's UUID: its name on every machine once shared through the hub (`hub::sync`).
fn run_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Writes a run and its predictions in one transaction; returns the run id.
pub fn commit_run(
    store: &mut Store,
    req: &RunRequest,
    started_at: i64,
    started: Instant,
    at: i64,
    model_version: &str,
    outcomes: &[TurbineOutcome],
) -> Result<i64, RunError> {
    let set = ServedSet {
        version: model_version,
        sha256: None,
    };
    commit_run_with(
        store,
        req,
        started_at,
        started,
        at,
        set,
        outcomes,
        None,
        AlertRules::default(),
    )
    .map(|(run, _)| run)
}

/// The model set that scored a run: its version and checksum ([`ModelSet::checksum`]).
#[derive(Debug, Clone, Copy)]
struct ServedSet<'a> {
    version: &'a str,
    sha256: Option<&'a str>,
}

/// [`commit_run`] with the served set's checksum and the shadow outcome, all in one transaction;
/// returns the run id and the alert events it recorded.
#[allow(clippy::too_many_arguments)]
fn commit_run_with(
    store: &mut Store,
    req: &RunRequest,
    started_at: i64,
    started: Instant,
    at: i64,
    set: ServedSet<'_>,
    outcomes: &[TurbineOutcome],
    shadowed: Option<&shadow::ShadowOutcome>,
    alert_rules: AlertRules,
) -> Result<(i64, Vec<workflow::Event>), RunError> {
    let model_version = set.version;
    let mut counts = CategoryCounts::default();
    for o in outcomes {
        counts.add(o.category);
    }
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, scheduled_for, model_version,
                           turbines, critical, high, moderate, low, not_scored, error_count, model_sha, uuid)
         VALUES (?1, ?2, ?3, ?4, 'succeeded', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?14, ?15)",
        params![
            req.trigger.as_str(),
            started_at,
            now(),
            started.elapsed().as_millis() as i64,
            at,
            req.scheduled_for,
            model_version,
            outcomes.len() as i64,
            counts.critical,
            counts.high,
            counts.moderate,
            counts.low,
            counts.not_scored,
            set.sha256,
            run_uuid()
        ],
    )?;
    let run = tx.last_insert_rowid();
    if let Some(s) = shadowed {
        shadow::write(&tx, run, s)?;
    }
    {
        let mut pred = tx.prepare_cached(
            "INSERT INTO predictions (turbine, run, scored, reason, p_fail_7d, ttf_distribution, risk_score, category, drivers, last_record, data_quality)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        let mut feats = tx.prepare_cached(
            "INSERT INTO prediction_features (run, turbine, features) VALUES (?1, ?2, ?3)",
        )?;
        for o in outcomes {
            let drivers = drivers::stored_json(&o.drivers, &o.model_reactions);
            let quality = serde_json::to_string(&o.data_quality).ok();
            pred.execute(params![
                o.turbine_key,
                run,
                o.scored,
                o.reason,
                o.p_fail_7d,
                o.ttf.as_ref().and_then(|d| serde_json::to_string(d).ok()),
                o.risk_score,
                o.category.map(Category::as_str),
                drivers,
                o.last_record,
                quality
            ])?;
            let blob: Vec<u8> = o.features.iter().flat_map(|v| v.to_le_bytes()).collect();
            feats.execute(params![run, o.turbine_key, blob])?;
        }
    }
    // The alerts follow the run in its transaction: a run and the alerts it raised or closed
    // are committed together or not at all.
    let scored: Vec<workflow::alerts::Scored<'_>> = outcomes
        .iter()
        .map(|o| workflow::alerts::Scored {
            turbine_key: o.turbine_key,
            turbine_id: &o.turbine_id,
            category: o.category,
        })
        .collect();
    let events =
        workflow::alerts::apply_run(&tx, run, req.trigger.as_str(), at, &scored, alert_rules)?;
    tx.commit()?;
    Ok((run, events))
}

/// Backfills one daily run per day for the `days` days before the data watermark (the demo
/// park's history), skipping days that already have a run. Returns the number of runs added.
pub fn backfill_daily(
    store: &mut Store,
    models: &mut ModelSet,
    policy: &RiskPolicy,
    days: i64,
) -> Result<usize, RunError> {
    let _span = tracing::info_span!("backfill", days).entered();
    let t0 = Instant::now();
    let _lock = RunLock::acquire(store)?;
    let end = features::data_watermark(store)?.ok_or(RunError::NoData)?;
    let last_midnight = end.div_euclid(86_400) * 86_400;
    let first = last_midnight - (days - 1) * 86_400;
    let history = History::load(store, first, last_midnight)?;
    let version = models.manifest().model_version.clone();
    let sha = models.checksum().to_string();
    let mut added = 0;
    let mut t = first;
    while t <= last_midnight {
        let exists: bool = store.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM runs WHERE status = 'succeeded' AND as_of = ?1)",
            [t],
            |r| r.get(0),
        )?;
        if !exists {
            let started = Instant::now();
            let started_at = now();
            let req = RunRequest {
                trigger: Trigger::Backfill,
                at: Some(t),
                scheduled_for: None,
            };
            let matrix = history.at(t);
            let last = history.last_record_before(t);
            let outcomes = evaluate(store, models, policy, &matrix, &last)?;
            let set = ServedSet {
                version: &version,
                sha256: Some(&sha),
            };
            commit_run_with(
                store,
                &req,
                started_at,
                started,
                t,
                set,
                &outcomes,
                None,
                policy.alerts,
            )?;
            added += 1;
        }
        t += 86_400;
    }
    tracing::info!(
        added,
        duration_ms = t0.elapsed().as_millis() as u64,
        "daily runs backfilled"
    );
    Ok(added)
}

#[cfg(test)]
mod repair_tests {
    use super::*;

    #[test]
    fn a_repair_without_back_in_service_ends_at_the_first_producing_record() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute_batch(
            "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (1, 'T01', 's', 'm', 2000, 41.7, -8.8, ''), (2, 'T06', 's', 'm', 2000, 41.7, -8.8, '');
             -- EDP's real logbook: no back-in-service time.
             INSERT INTO logbook (turbine, component, failure_time, back_in_service_time, action)
             VALUES (1, 'gearbox_bearing', 1000, NULL, 'Gearbox pump damaged'),
                    (2, 'generator_winding', 1000, 5000, 'Generator replaced');
             -- T01 stopped (power 0, then consuming), then producing again at 4000.
             INSERT INTO readings (turbine, ts, power_kw) VALUES
                (1, 400, 900), (1, 2000, 0), (1, 3000, -5), (1, 4000, 350), (1, 4600, 800);",
        )
        .unwrap();
        let at = |t: i64| {
            let mut v: Vec<(i64, i64)> = repairs_at(&store, t)
                .unwrap()
                .into_iter()
                .map(|(k, (since, _))| (k, since))
                .collect();
            v.sort_unstable();
            v
        };
        assert_eq!(at(900), vec![], "before the failure");
        assert_eq!(
            at(3500),
            vec![(1, 1000), (2, 1000)],
            "stopped since the failure"
        );
        assert_eq!(
            at(4000),
            vec![(2, 1000)],
            "T01 produces again at 4000: its repair is over"
        );
        assert_eq!(at(6000), vec![], "T06 is back in service at 5000");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::TurbineWatch;
    use crate::quality::Watch;

    fn watch(families: Watch, power_curve: bool, pitch: bool) -> TurbineWatch {
        TurbineWatch {
            families: vec![families; features::KEY_SIGNALS.len()],
            power_curve,
            pitch,
            faults: Vec::new(),
        }
    }

    #[test]
    fn a_scoring_time_in_the_future_or_before_1990_is_refused() {
        let now = crate::clock::now();
        assert!(check_at(now).is_ok());
        assert!(check_at(now + 3600).is_ok(), "an hour ahead: clock skew");
        let err = check_at(4_070_908_800).expect_err("2099");
        assert!(matches!(err, RunError::FutureAt { .. }));
        assert!(err.to_string().contains("2099-01-01T00:00:00Z"), "{err}");
        let err = check_at(-61_000_000_000).expect_err("year 0026");
        assert!(matches!(err, RunError::TooEarlyAt { .. }), "{err:?}");
        // Refused by the run itself too, before the lock and without a run recorded.
        let mut store = Store::open_in_memory().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/passthrough_models");
        let ort = crate::model::OrtRuntime::init(None).unwrap_or_else(|e| panic!("{e}"));
        let mut models = ModelSet::load_for_scoring(&dir, ort).unwrap_or_else(|e| panic!("{e}"));
        let req = RunRequest {
            trigger: Trigger::Replay,
            at: Some(now + 2 * 86_400),
            scheduled_for: None,
        };
        let err = score(&mut store, &mut models, &RiskPolicy::default(), req).expect_err("future");
        assert!(matches!(err, RunError::FutureAt { .. }), "{err:?}");
        assert_eq!(queries::journal(&store, 10).unwrap().len(), 0);
    }

    #[test]
    fn too_little_to_watch_is_not_scored_but_power_and_pitch_is_enough() {
        let at = 1_790_000_000;
        let last = Some(at - 600);
        // No temperature, no vibration, no power curve: not scored, with that reason.
        let blind = watch(Watch::Absent, false, true);
        let reason = why_not_scored(None, 1.0, last, at, Some(&blind));
        assert_eq!(reason, Some(NotScoredReason::NothingToWatch));
        let stored = reason.map(|r| r.phrase(Lang::En)).unwrap_or_default();
        assert!(stored.starts_with("nothing to watch"), "{stored}");
        assert_eq!(
            NotScoredReason::parse(&stored),
            NotScoredReason::NothingToWatch
        );
        // Every family frozen is as blind as every family absent.
        let frozen = watch(
            Watch::Faulty(crate::quality::FaultKind::Frozen),
            false,
            false,
        );
        assert_eq!(
            why_not_scored(None, 1.0, last, at, Some(&frozen)),
            Some(NotScoredReason::NothingToWatch)
        );
        // ENGIE's 7-signal export: power and pitch only — scored.
        let power_and_pitch = watch(Watch::Absent, true, true);
        assert_eq!(
            why_not_scored(None, 1.0, last, at, Some(&power_and_pitch)),
            None
        );
        // Under repair and low coverage come first, as before.
        let repair = (at - 86_400, "gearbox".to_string());
        assert!(matches!(
            why_not_scored(Some(&repair), 1.0, last, at, Some(&blind)),
            Some(NotScoredReason::UnderRepair { .. })
        ));
        assert!(matches!(
            why_not_scored(None, 0.2, last, at, Some(&blind)),
            Some(NotScoredReason::LowCoverage { .. })
        ));
    }
}

#[cfg(test)]
mod model_output_tests {
    use super::*;
    use crate::features::{TurbineInfo, TurbineWatch};
    use crate::model::OrtRuntime;
    use crate::quality::Watch;

    /// The passthrough model set (`tests/fixtures/passthrough_models`): p_fail_7d is the
    /// `gearbox_oil_mean_24h` feature, the five time-to-failure columns the five `vibration_*`
    /// features of [`TTF_COLUMNS`].
    fn passthrough() -> ModelSet {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/passthrough_models");
        let ort = OrtRuntime::init(None).unwrap_or_else(|e| panic!("{e}"));
        ModelSet::load_for_scoring(&dir, ort).unwrap_or_else(|e| panic!("{e}"))
    }

    const TTF_COLUMNS: [&str; 5] = [
        "vibration_mean_24h",
        "vibration_max_24h",
        "vibration_std_24h",
        "vibration_resid_24h",
        "vibration_resid_7d",
    ];

    /// One turbine per (p_fail_7d, p_within) the models will output, all with full coverage.
    fn matrix(outputs: &[(f32, [f32; 5])]) -> FeatureMatrix {
        let names = features::feature_names();
        let col = |n: &str| names.iter().position(|x| x == n).expect(n);
        let (p, cov) = (col("gearbox_oil_mean_24h"), col("coverage_24h"));
        let t = TTF_COLUMNS.map(col);
        let mut m = FeatureMatrix {
            at: 1_790_000_000,
            turbines: Vec::new(),
            rows: Vec::new(),
            watch: Vec::new(),
        };
        for (i, &(pv, tv)) in outputs.iter().enumerate() {
            let mut row = vec![0.0_f32; N_FEATURES];
            row[p] = pv;
            for (k, v) in tv.iter().enumerate() {
                row[t[k]] = *v;
            }
            row[cov] = 1.0;
            m.rows.push(row);
            m.turbines.push(TurbineInfo {
                key: i as i64 + 1,
                turbine_id: format!("T{i}"),
                site: "S".into(),
                rated_power_kw: 2000.0,
            });
            m.watch.push(TurbineWatch {
                families: vec![Watch::Watched; features::KEY_SIGNALS.len()],
                power_curve: true,
                pitch: true,
                faults: Vec::new(),
            });
        }
        m
    }

    #[test]
    fn an_invalid_model_output_leaves_that_turbine_not_scored_never_low() {
        let store = Store::open_in_memory().unwrap();
        let mut models = passthrough();
        let ok = [0.01, 0.02, 0.05, 0.1, 0.2];
        let outputs = [
            (0.02, ok),                               // valid: scored
            (f32::NAN, ok),                           // NaN probability: was 0, "low"
            (0.02, [0.01, 0.02, f32::NAN, 0.1, 0.2]), // NaN within 7 days
            (0.02, [0.01, 0.02, 0.05, -3.0, 0.2]),    // negative probability within 14 days
            (1.7, ok),                                // probability above 1: was clamped
            (-0.2, ok),                               // negative probability
            (0.02, [0.01, 0.02, 0.05, 0.1, 1.5]),     // above 1 within 30 days
            (f32::INFINITY, ok),                      // infinite
        ];
        let m = matrix(&outputs);
        let last = vec![Some(m.at - 600); outputs.len()];
        let out = evaluate(&store, &mut models, &RiskPolicy::default(), &m, &last).unwrap();
        assert!(out[0].scored, "{:?}", out[0].reason);
        assert!(out[0].category.is_some() && out[0].risk_score.is_some());
        assert_eq!(
            out[0].ttf.as_ref().map(|d| d.days.clone()),
            Some(vec![1.0, 3.0, 7.0, 14.0, 30.0])
        );
        for o in &out[1..] {
            assert!(!o.scored, "{} was scored: {:?}", o.turbine_id, o.category);
            assert_eq!(o.category, None);
            assert_eq!(o.risk_score, None);
            assert_eq!(o.ttf, None);
            assert!(o.drivers.is_empty());
            let reason = o.reason.as_deref().unwrap_or_default();
            let parsed = NotScoredReason::parse(reason);
            assert_eq!(parsed.kind(), "model_output_invalid", "{reason}");
            assert!(
                NotScoredReason::phrase_stored(reason, Lang::Fr)
                    .starts_with("sortie du modèle invalide"),
                "{reason}"
            );
        }
        assert_eq!(
            out[1].reason.as_deref(),
            Some("model output invalid: p_fail_7d = NaN, valid from 0 to 1; check the model set")
        );
        let reason = |i: usize| out[i].reason.clone().unwrap_or_default();
        assert!(reason(2).contains("p_within_7d = NaN"), "{}", reason(2));
        assert!(reason(3).contains("p_within_14d = -3"), "{}", reason(3));
        assert!(reason(4).contains("p_fail_7d = 1.7"), "{}", reason(4));
        assert!(reason(6).contains("p_within_30d = 1.5"), "{}", reason(6));
    }

    #[test]
    fn the_category_follows_the_median_day_of_the_distribution() {
        let store = Store::open_in_memory().unwrap();
        let mut models = passthrough();
        // Default policy: critical at 7 days, high at 14, moderate at 21 (Q(0.5)).
        let outputs = [
            (0.01, [0.1, 0.3, 0.6, 0.9, 0.95]),  // median 5.7 days: critical
            (0.01, [0.0, 0.05, 0.2, 0.5, 0.8]),  // median 14 days: high
            (0.01, [0.0, 0.0, 0.1, 0.3, 0.45]),  // no failure expected: low
            (0.01, [0.9, 0.2, 0.1, 0.05, 0.95]), // decreasing columns: F(1) = 0.9, critical
        ];
        let m = matrix(&outputs);
        let last = vec![Some(m.at - 600); outputs.len()];
        let out = evaluate(&store, &mut models, &RiskPolicy::default(), &m, &last).unwrap();
        let cats: Vec<_> = out.iter().map(|o| o.category).collect();
        assert_eq!(
            cats,
            [
                Some(Category::Critical),
                Some(Category::High),
                Some(Category::Low),
                Some(Category::Critical)
            ]
        );
    }
}
