//! The training-table export: snapshots at a regular interval, one row per turbine with its
//! features and the labels the logbook gives (failure within 7 days, days to failure).

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use crate::sanitize::spreadsheet_cell;
use crate::schema::{self, RECORD_SECONDS};
use crate::store::Store;

use super::catalogue::{DAY, WINDOW_LONG};
use super::snapshot::{snapshot, History};
use super::{feature_names, FeatureError, N_FEATURES};

/// Horizon of the `days_to_failure` label, in days.
pub const HORIZON_DAYS: f64 = 30.0;
/// Horizon of the classification label, in days.
pub const CLASSIFICATION_DAYS: f64 = 7.0;

/// Parses an interval such as `1d`, `12h`, `30m` into seconds.
pub fn parse_interval(text: &str) -> Result<i64, FeatureError> {
    let t = text.trim();
    let bad = || FeatureError::BadInterval(text.to_string());
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: i64 = num.parse().map_err(|_| bad())?;
    let unit_secs = match unit {
        "d" => DAY,
        "h" => 3600,
        "m" | "min" => 60,
        _ => return Err(bad()),
    };
    match n.checked_mul(unit_secs) {
        Some(secs) if (MIN_INTERVAL..=MAX_INTERVAL).contains(&secs) => Ok(secs),
        _ => Err(bad()),
    }
}

/// The shortest snapshot interval: one SCADA record (10 minutes).
pub const MIN_INTERVAL: i64 = RECORD_SECONDS;
/// The longest snapshot interval: 365 days.
pub const MAX_INTERVAL: i64 = 365 * DAY;

/// Options of the training-table export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Seconds between snapshots.
    pub every: i64,
    /// First snapshot (default: first midnight with 7 days of data before it).
    pub from: Option<i64>,
    /// Last snapshot (default: the data watermark).
    pub to: Option<i64>,
}

/// Counts of an export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// Rows written.
    pub rows: u64,
    /// Snapshot times.
    pub snapshots: u64,
    /// Turbines.
    pub turbines: usize,
    /// Rows whose turbine failed within 7 days.
    pub positives_7d: u64,
    /// Rows whose 7-day label is unknown (too little follow-up).
    pub unknown_7d: u64,
    /// Turbine snapshots left out because the turbine was under repair.
    pub excluded_in_repair: u64,
    /// Features per row.
    pub features: usize,
    /// First snapshot time (canonical text).
    pub first_snapshot: String,
    /// Last snapshot time (canonical text).
    pub last_snapshot: String,
}

/// A logbook failure of a turbine.
struct Failure {
    time: i64,
    back: Option<i64>,
    component: String,
}

/// The logbook failures of every turbine, by database key, in time order.
fn load_failures(store: &Store) -> Result<HashMap<i64, Vec<Failure>>, FeatureError> {
    let mut stmt = store.conn().prepare(
        "SELECT turbine, failure_time, back_in_service_time, component FROM logbook ORDER BY turbine, failure_time",
    )?;
    let mut map: HashMap<i64, Vec<Failure>> = HashMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Failure {
                time: r.get(1)?,
                back: r.get(2)?,
                component: r.get(3)?,
            },
        ))
    })?;
    for row in rows {
        let (k, f) = row?;
        map.entry(k).or_default().push(f);
    }
    Ok(map)
}

/// Labels of a snapshot: `None` when the turbine is under repair at `t` (excluded).
struct Labels {
    fail_7d: Option<bool>,
    days_to_failure: f64,
    censored: bool,
    component: String,
}

/// The labels of a snapshot at `t` given the turbine's failures and the end of the data.
fn labels(failures: &[Failure], t: i64, data_end: i64) -> Option<Labels> {
    if failures
        .iter()
        .any(|f| f.time <= t && f.back.is_none_or(|b| t < b))
    {
        return None;
    }
    let follow = (data_end - t) as f64 / DAY as f64;
    let next = failures.iter().find(|f| f.time > t && f.time <= data_end);
    let ttf = next.map(|f| (f.time - t) as f64 / DAY as f64);
    let fail_7d = match ttf {
        Some(d) if d <= CLASSIFICATION_DAYS => Some(true),
        _ if follow >= CLASSIFICATION_DAYS => Some(false),
        _ => None,
    };
    Some(match (ttf, next) {
        (Some(d), Some(f)) if d <= HORIZON_DAYS => Labels {
            fail_7d,
            days_to_failure: d,
            censored: false,
            component: f.component.clone(),
        },
        _ => Labels {
            fail_7d,
            days_to_failure: follow.min(HORIZON_DAYS),
            censored: true,
            component: String::new(),
        },
    })
}

/// Writes the training table: one row per turbine per snapshot, features then labels.
pub fn export_training_table<W: Write>(
    store: &Store,
    out: W,
    opts: &ExportOptions,
) -> Result<ExportSummary, FeatureError> {
    let (first, last) = store.reading_span()?.ok_or(FeatureError::NoData)?;
    let data_end = last + RECORD_SECONDS;
    // An explicit --from before the first (plausible) record is clamped to that record's day:
    // a year 0026 does not walk two millennia of empty days.
    let from = opts.from.map_or_else(
        || (first + WINDOW_LONG + DAY - 1).div_euclid(DAY) * DAY,
        |f| f.max(first.div_euclid(DAY) * DAY),
    );
    let to = opts.to.unwrap_or(data_end).min(data_end);
    let history = History::load(store, from, to)?;
    let series = &history.series;
    let failures = load_failures(store)?;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let mut header = vec![
        "turbine_id".to_string(),
        "site".into(),
        "snapshot_time".into(),
    ];
    header.extend(feature_names());
    header.extend(
        [
            "fail_within_7d",
            "days_to_failure",
            "censored",
            "failure_component",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    let mut summary = ExportSummary {
        rows: 0,
        snapshots: 0,
        turbines: series.len(),
        positives_7d: 0,
        unknown_7d: 0,
        excluded_in_repair: 0,
        features: N_FEATURES,
        first_snapshot: schema::format_timestamp(from),
        last_snapshot: String::new(),
    };
    let no_failures = Vec::new();
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    let mut t = from;
    while t <= to {
        let rows = snapshot(series, t);
        let stamp = schema::format_timestamp(t);
        for (s, feats) in series.iter().zip(rows) {
            let f = failures.get(&s.info.key).unwrap_or(&no_failures);
            let Some(l) = labels(f, t, data_end) else {
                summary.excluded_in_repair += 1;
                continue;
            };
            record.clear();
            record.push(spreadsheet_cell(&s.info.turbine_id).into_owned());
            record.push(spreadsheet_cell(&s.info.site).into_owned());
            record.push(stamp.clone());
            record.extend(feats.iter().map(|v| {
                if v.is_nan() {
                    String::new()
                } else {
                    v.to_string()
                }
            }));
            record.push(match l.fail_7d {
                Some(true) => {
                    summary.positives_7d += 1;
                    "1".into()
                }
                Some(false) => "0".into(),
                None => {
                    summary.unknown_7d += 1;
                    String::new()
                }
            });
            record.push(format!("{:.4}", l.days_to_failure));
            record.push(if l.censored { "1" } else { "0" }.into());
            record.push(spreadsheet_cell(&l.component).into_owned());
            w.write_record(&record)?;
            summary.rows += 1;
        }
        summary.snapshots += 1;
        summary.last_snapshot = stamp;
        t += opts.every;
    }
    w.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("1d").unwrap(), DAY);
        assert_eq!(parse_interval("12h").unwrap(), 12 * 3600);
        assert_eq!(parse_interval("10m").unwrap(), MIN_INTERVAL);
        assert_eq!(parse_interval("365d").unwrap(), MAX_INTERVAL);
        // Absurd intervals are refused, never overflowed.
        for bad in [
            "",
            "d",
            "1w",
            "5m",
            "-1d",
            "1.5d",
            "366d",
            "0d",
            "106751991167301d",
            "9223372036854775807h",
            "99999999999999999999d",
        ] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    fn f(time: i64, back: Option<i64>) -> Failure {
        Failure {
            time,
            back,
            component: "converter".into(),
        }
    }

    #[test]
    fn labels_follow_the_logbook() {
        let end = 100 * DAY;
        let log = vec![f(50 * DAY, Some(53 * DAY)), f(90 * DAY, None)];
        // 5 days before the first failure.
        let l = labels(&log, 45 * DAY, end).unwrap();
        assert_eq!(
            (l.fail_7d, l.days_to_failure, l.censored),
            (Some(true), 5.0, false)
        );
        assert_eq!(l.component, "converter");
        // During the repair: excluded.
        assert!(labels(&log, 51 * DAY, end).is_none());
        // After the repair, 37 days before the next failure: censored at the horizon.
        let l = labels(&log, 53 * DAY, end).unwrap();
        assert_eq!(
            (l.fail_7d, l.days_to_failure, l.censored),
            (Some(false), 30.0, true)
        );
        // Repair never ended: excluded until the end.
        assert!(labels(&log, 95 * DAY, end).is_none());
        // No failure, 3 days of follow-up left: the 7-day label is unknown.
        let l = labels(&[], 97 * DAY, end).unwrap();
        assert_eq!(
            (l.fail_7d, l.days_to_failure, l.censored),
            (None, 3.0, true)
        );
    }
}
