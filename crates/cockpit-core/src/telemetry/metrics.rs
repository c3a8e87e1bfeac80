//! The operations journal and the technical metrics read from SQLite.
//!
//! Four operation types:
//!
//! * `fleet_run` — a scoring run of the whole fleet, from the `runs` table (backfilled runs are
//!   left out: they recompute past days in one batch and their durations are not a run's);
//! * `turbine_request` — one turbine's detail (`cockpit turbine`, the app's `turbine` command);
//! * `ingestion` — one file given to the ingestion (CLI, inbox, demo), failed files included;
//! * `ui_command` — every other command of the desktop app.
//!
//! The last three are rows of the `operations` table, written by [`crate::journal::record`].
//! Metrics cover the last [`METRICS_WINDOW_DAYS`] days; p95 is the nearest-rank 95th percentile.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::params;
use serde::Serialize;

use super::TelemetryError;
use crate::journal::OperationKind;
use crate::store::Store;
use crate::triggers::DailySchedule;

/// Days covered by the metrics and the availability.
pub const METRICS_WINDOW_DAYS: i64 = 30;
/// Days of the errors-per-day series.
pub const ERROR_DAYS: i64 = 14;
/// A daily run that starts more than this after its slot is late (15 minutes).
pub const ON_TIME_TOLERANCE_SECS: i64 = 15 * 60;

const DAY: i64 = 86_400;

/// The operation types of the journal, in display order.
pub const OPERATION_TYPES: [&str; 4] = ["fleet_run", "turbine_request", "ingestion", "ui_command"];

/// Count, outcome and duration of one operation type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OperationMetrics {
    /// `fleet_run`, `turbine_request`, `ingestion` or `ui_command`.
    pub operation: &'static str,
    /// Operations of this type in the window.
    pub count: i64,
    /// Of those, how many succeeded.
    pub succeeded: i64,
    /// Of those, how many failed.
    pub failed: i64,
    /// Mean duration, in milliseconds; `None` when there was no operation.
    pub mean_ms: Option<f64>,
    /// 95th-percentile duration (nearest rank), in milliseconds; `None` when there was no
    /// operation.
    pub p95_ms: Option<f64>,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1] as f64)
}

fn summarize(operation: &'static str, rows: Vec<(i64, bool)>) -> OperationMetrics {
    let mut durations: Vec<i64> = rows.iter().map(|r| r.0).collect();
    durations.sort_unstable();
    let succeeded = rows.iter().filter(|r| r.1).count() as i64;
    let count = rows.len() as i64;
    OperationMetrics {
        operation,
        count,
        succeeded,
        failed: count - succeeded,
        mean_ms: (count > 0).then(|| durations.iter().sum::<i64>() as f64 / count as f64),
        p95_ms: percentile(&durations, 0.95),
    }
}

/// Metrics of the four operation types since `since` (Unix seconds), in [`OPERATION_TYPES`]
/// order.
pub fn operation_metrics(
    store: &Store,
    since: i64,
) -> Result<Vec<OperationMetrics>, TelemetryError> {
    let conn = store.conn();
    let runs: Vec<(i64, bool)> = conn
        .prepare_cached(
            "SELECT duration_ms, status = 'succeeded' FROM runs
             WHERE trigger <> 'backfill' AND started_at >= ?1",
        )?
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = vec![summarize("fleet_run", runs)];
    for kind in [
        OperationKind::TurbineRequest,
        OperationKind::Ingestion,
        OperationKind::UiCommand,
    ] {
        let rows: Vec<(i64, bool)> = conn
            .prepare_cached(
                "SELECT duration_ms, ok FROM operations WHERE kind = ?1 AND started_at >= ?2",
            )?
            .query_map(params![kind.as_str(), since], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        out.push(summarize(kind.as_str(), rows));
    }
    Ok(out)
}

/// Failures (failed runs and failed operations) since `since`.
pub fn errors_since(store: &Store, since: i64) -> Result<i64, TelemetryError> {
    Ok(store.conn().query_row(
        "SELECT (SELECT count(*) FROM runs WHERE status = 'failed' AND started_at >= ?1)
              + (SELECT count(*) FROM operations WHERE ok = 0 AND started_at >= ?1)",
        [since],
        |r| r.get(0),
    )?)
}

/// The most recent failure since `since`: (when, what, message).
pub fn last_error_since(
    store: &Store,
    since: i64,
) -> Result<Option<(i64, String, String)>, TelemetryError> {
    use rusqlite::OptionalExtension;
    Ok(store
        .conn()
        .query_row(
            "SELECT at, what, message FROM (
                 SELECT started_at AS at, trigger || ' run' AS what, coalesce(error, '') AS message
                 FROM runs WHERE status = 'failed' AND started_at >= ?1
                 UNION ALL
                 SELECT started_at, kind || ' ' || name, coalesce(error, '')
                 FROM operations WHERE ok = 0 AND started_at >= ?1)
             ORDER BY at DESC LIMIT 1",
            [since],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Failures of one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayErrors {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Failed runs plus failed operations that started that day.
    pub errors: i64,
}

fn day_text(day: i64) -> String {
    crate::schema::format_date(day * DAY)
}

/// Failed runs and failed operations per UTC day over the `days` days ending today, oldest
/// first, days without failures included.
pub fn errors_by_day(store: &Store, now: i64, days: i64) -> Result<Vec<DayErrors>, TelemetryError> {
    let today = now.div_euclid(DAY);
    let first = today - days + 1;
    let mut counts: BTreeMap<i64, i64> = (first..=today).map(|d| (d, 0)).collect();
    let mut stmt = store.conn().prepare_cached(
        "SELECT started_at FROM runs WHERE status = 'failed' AND started_at >= ?1
         UNION ALL SELECT started_at FROM operations WHERE ok = 0 AND started_at >= ?1",
    )?;
    let times = stmt.query_map([first * DAY], |r| r.get::<_, i64>(0))?;
    for t in times {
        if let Some(c) = counts.get_mut(&t?.div_euclid(DAY)) {
            *c += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(|(d, errors)| DayErrors {
            day: day_text(d),
            errors,
        })
        .collect())
}

/// Share of the daily runs that ran on time and succeeded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Availability {
    /// Daily slots in the window.
    pub scheduled: i64,
    /// Slots served by a timer run that started within the tolerance and succeeded.
    pub on_time_ok: i64,
    /// `on_time_ok / scheduled`, `None` without slots.
    pub ratio: Option<f64>,
}

/// A timer run of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerRun {
    /// Run id (row id in `runs`).
    pub id: i64,
    /// The daily slot it served, Unix seconds (its start time when no slot was recorded).
    pub slot: i64,
    /// When it started, Unix seconds.
    pub started_at: i64,
    /// Whether it succeeded.
    pub succeeded: bool,
}

/// Timer runs serving a slot at or after `since`.
pub fn timer_runs(store: &Store, since: i64) -> Result<Vec<TimerRun>, TelemetryError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, coalesce(scheduled_for, started_at), started_at, status = 'succeeded'
         FROM runs WHERE trigger = 'timer' AND coalesce(scheduled_for, started_at) >= ?1
         ORDER BY id",
    )?;
    let rows = stmt.query_map([since], |r| {
        Ok(TimerRun {
            id: r.get(0)?,
            slot: r.get(1)?,
            started_at: r.get(2)?,
            succeeded: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the cockpit started working on this database: its first run of any kind.
pub fn first_run_time(store: &Store) -> Result<Option<i64>, TelemetryError> {
    Ok(store
        .conn()
        .query_row("SELECT min(started_at) FROM runs", [], |r| r.get(0))?)
}

/// The daily slots of `schedule` in `[from, now]`, newest first, leaving out a slot that is
/// less than the tolerance old (its run may still be starting).
pub fn expected_slots(schedule: &DailySchedule, from: i64, now: i64) -> Vec<i64> {
    let mut slots = Vec::new();
    let mut t = now - ON_TIME_TOLERANCE_SECS;
    while let Some(slot) = schedule.due_slot_local(t, None) {
        if slot < from || slots.len() > 400 {
            break;
        }
        slots.push(slot);
        t = slot - 1;
    }
    slots
}

/// Whether a timer run served `slot` on time and succeeded.
pub fn on_time_ok(runs: &[TimerRun], slot: i64) -> bool {
    runs.iter()
        .any(|r| r.slot == slot && r.succeeded && r.started_at - slot <= ON_TIME_TOLERANCE_SECS)
}

/// Availability of the daily run since `since`: the slots of the current schedule after the
/// cockpit's first run on this database, plus any slot a timer run served (a schedule changed or
/// turned off since), each counted once.
pub fn availability(
    store: &Store,
    schedule: &DailySchedule,
    now: i64,
    since: i64,
) -> Result<Availability, TelemetryError> {
    let runs = timer_runs(store, since)?;
    let mut slots: BTreeSet<i64> = runs.iter().map(|r| r.slot).collect();
    if let Some(first) = first_run_time(store)? {
        slots.extend(expected_slots(schedule, since.max(first), now));
    }
    let scheduled = slots.len() as i64;
    let ok = slots.iter().filter(|&&s| on_time_ok(&runs, s)).count() as i64;
    Ok(Availability {
        scheduled,
        on_time_ok: ok,
        ratio: (scheduled > 0).then(|| ok as f64 / scheduled as f64),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::journal::{record, Operation};
    use crate::runs::{self, RunRequest, Trigger};
    use std::time::Instant;

    pub(crate) fn failed_run(store: &Store, trigger: Trigger, at: i64, slot: Option<i64>) {
        let req = RunRequest {
            trigger,
            at: None,
            scheduled_for: slot,
        };
        runs::record_failure(
            store,
            &req,
            at,
            Instant::now(),
            None,
            "the models are not loaded",
        )
        .unwrap();
    }

    /// A succeeded run row (no predictions: the metrics only read `runs`).
    pub(crate) fn ok_run(
        store: &Store,
        trigger: &str,
        started_at: i64,
        slot: Option<i64>,
        ms: i64,
    ) {
        store
            .conn()
            .execute(
                "INSERT INTO runs (trigger, started_at, ended_at, duration_ms, status, as_of, scheduled_for)
                 VALUES (?1, ?2, ?2, ?3, 'succeeded', ?2, ?4)",
                params![trigger, started_at, ms, slot],
            )
            .unwrap();
    }

    fn op(kind: OperationKind, at: i64, ms: i64, ok: bool) -> Operation {
        Operation {
            kind,
            name: "fleet".into(),
            started_at: at,
            duration_ms: ms,
            ok,
            error: (!ok).then(|| "boom".to_string()),
            detail: None,
        }
    }

    #[test]
    fn metrics_count_outcomes_mean_and_p95_per_type() {
        let store = Store::open_in_memory().unwrap();
        let now = 1_780_000_000;
        for ms in 1..=20 {
            ok_run(&store, "cli", now - 3600, None, ms * 100);
        }
        ok_run(&store, "backfill", now - 3600, None, 99_999);
        failed_run(&store, Trigger::Timer, now - 60, Some(now - 120));
        for ms in [10, 20, 30] {
            record(&store, &op(OperationKind::UiCommand, now - 10, ms, true)).unwrap();
        }
        record(&store, &op(OperationKind::Ingestion, now - 10, 500, false)).unwrap();
        // Outside the window.
        record(
            &store,
            &op(OperationKind::UiCommand, now - 40 * DAY, 9999, true),
        )
        .unwrap();

        let m = operation_metrics(&store, now - METRICS_WINDOW_DAYS * DAY).unwrap();
        let names: Vec<&str> = m.iter().map(|m| m.operation).collect();
        assert_eq!(names, OPERATION_TYPES);
        let fleet = &m[0];
        assert_eq!((fleet.count, fleet.succeeded, fleet.failed), (21, 20, 1));
        assert_eq!(
            fleet.p95_ms,
            Some(1900.0),
            "backfill excluded, nearest rank"
        );
        assert_eq!(m[1].count, 0);
        assert_eq!((m[1].mean_ms, m[1].p95_ms), (None, None));
        assert_eq!((m[2].count, m[2].failed), (1, 1));
        assert_eq!(
            (m[3].count, m[3].mean_ms, m[3].p95_ms),
            (3, Some(20.0), Some(30.0))
        );

        let days = errors_by_day(&store, now, ERROR_DAYS).unwrap();
        assert_eq!(days.len(), 14);
        assert_eq!(days.iter().map(|d| d.errors).sum::<i64>(), 2);
        assert_eq!(days[13].day, day_text(now.div_euclid(DAY)));
        assert_eq!(days[13].errors, 2);
        assert_eq!(errors_since(&store, now - DAY).unwrap(), 2);
        assert_eq!(errors_since(&store, now).unwrap(), 0);
        let (_, what, _) = last_error_since(&store, now - DAY).unwrap().unwrap();
        assert_eq!(what, "ingestion fleet", "the newest failure");
    }

    #[test]
    fn availability_counts_missed_late_and_failed_slots() {
        let store = Store::open_in_memory().unwrap();
        let schedule = DailySchedule::default();
        let now = 1_780_000_000;
        let slots = expected_slots(&schedule, now - 5 * DAY, now);
        assert_eq!(slots.len(), 5);
        assert!(slots.windows(2).all(|w| w[0] > w[1]));
        // The cockpit started before the oldest slot.
        ok_run(&store, "cli", slots[4] - 3600, None, 100);
        ok_run(&store, "timer", slots[4] + 30, Some(slots[4]), 100); // on time
        ok_run(&store, "timer", slots[3] + 3 * 3600, Some(slots[3]), 100); // late
        failed_run(&store, Trigger::Timer, slots[2] + 30, Some(slots[2])); // failed
        ok_run(&store, "timer", slots[1] + 60, Some(slots[1]), 100); // on time; slots[0] missed
        let a = availability(&store, &schedule, now, now - 5 * DAY).unwrap();
        assert_eq!((a.scheduled, a.on_time_ok), (5, 2));
        assert_eq!(a.ratio, Some(0.4));
        let off = DailySchedule {
            enabled: false,
            ..schedule
        };
        let a = availability(&store, &off, now, now - 5 * DAY).unwrap();
        assert_eq!(a.scheduled, 4, "only the slots timer runs served");
        let empty = Store::open_in_memory().unwrap();
        let a = availability(&empty, &schedule, now, now - 5 * DAY).unwrap();
        assert_eq!((a.scheduled, a.ratio), (0, None));
    }
}
