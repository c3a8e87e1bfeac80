//! Functional monitoring: is what the models see, and what they say, still normal?
//!
//! * [`categories`]: the counts per category of the recent runs (one per data watermark);
//! * [`alert_level`]: critical + high of the latest run against the normal band of the previous
//!   runs (mean ± 3 standard deviations of the last [`BAND_RUNS`], at least ± 1 turbine);
//! * [`drift`]: the population stability index (PSI) of every model input, the features of the
//!   runs of the last [`DRIFT_WINDOW_DAYS`] days against the training distribution recorded in the
//!   model manifest (`reference_stats`: decile bin edges and shares);
//! * [`freshness`]: the age of every turbine's latest SCADA record; turbines older than the
//!   threshold are stale.

use serde::Serialize;
use serde_json::Value;

use super::TelemetryError;
use crate::features::feature_names;
use crate::lang::{format_number, Lang};
use crate::schema;
use crate::store::Store;

/// Runs the normal band is computed from.
pub const BAND_RUNS: usize = 30;
/// Fewer previous runs than this: no band.
pub const MIN_BAND_RUNS: usize = 7;
/// Runs whose features feed the drift (days before the latest run's data watermark).
pub const DRIFT_WINDOW_DAYS: i64 = 30;
/// Fewer values of a feature than this: its PSI is not computed.
pub const MIN_DRIFT_SAMPLES: usize = 50;
/// PSI below this: stable.
pub const PSI_MODERATE: f64 = 0.1;
/// PSI at or above this: significant drift.
pub const PSI_SIGNIFICANT: f64 = 0.25;
/// A turbine whose latest record is older than this is stale (hours).
pub const FRESHNESS_THRESHOLD_HOURS: f64 = 24.0;
/// Recent runs returned by [`categories`].
pub const CATEGORY_RUNS: usize = 60;

const DAY: i64 = 86_400;

/// Counts per category of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryPoint {
    /// Run id (row id in `runs`).
    pub run: i64,
    /// Data watermark of the run (RFC 3339, UTC).
    pub as_of: String,
    /// Turbines rated critical.
    pub critical: i64,
    /// Turbines rated high.
    pub high: i64,
    /// Turbines rated moderate.
    pub moderate: i64,
    /// Turbines rated low.
    pub low: i64,
    /// `as_of` as Unix seconds; not serialised.
    #[serde(skip)]
    pub as_of_unix: i64,
}

/// The `limit` most recent successful runs, one per data watermark (the latest run among those
/// sharing one), oldest first. A run whose data watermark is later than now plus a day (pushed to
/// 2099 by a mistyped record an older version stored) is left out: it would stay "the latest"
/// for ever.
pub fn categories(store: &Store, limit: usize) -> Result<Vec<CategoryPoint>, TelemetryError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, as_of, critical, high, moderate, low FROM runs
         WHERE status = 'succeeded' AND as_of IS NOT NULL AND as_of <= ?2
           AND id IN (SELECT max(id) FROM runs WHERE status = 'succeeded' GROUP BY as_of)
         ORDER BY as_of DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64, crate::clock::latest_plausible()], |r| {
        let as_of: i64 = r.get(1)?;
        Ok(CategoryPoint {
            run: r.get(0)?,
            as_of: schema::format_timestamp(as_of),
            critical: r.get(2)?,
            high: r.get(3)?,
            moderate: r.get(4)?,
            low: r.get(5)?,
            as_of_unix: as_of,
        })
    })?;
    let mut points: Vec<CategoryPoint> = rows.collect::<Result<_, _>>()?;
    points.reverse();
    Ok(points)
}

/// The "unusual alert level" signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AlertLevel {
    /// critical + high of the latest run.
    pub latest: Option<i64>,
    /// Lower edge of the normal band of critical + high (mean − max(3σ, 1) of up to
    /// [`BAND_RUNS`] earlier runs, at least 0); `None` with fewer than [`MIN_BAND_RUNS`] earlier
    /// runs.
    pub band_low: Option<f64>,
    /// Upper edge of the normal band (mean + max(3σ, 1)); `None` when `band_low` is.
    pub band_high: Option<f64>,
    /// Whether the latest run's critical + high falls outside the band.
    pub unusual: bool,
    /// One readable sentence: the value, the band and what to check when it is unusual.
    pub message: String,
}

/// critical + high of the latest point against the band of the points before it, the message
/// in `lang`.
pub fn alert_level(points: &[CategoryPoint], lang: Lang) -> AlertLevel {
    let Some((last, before)) = points.split_last() else {
        return AlertLevel {
            latest: None,
            band_low: None,
            band_high: None,
            unusual: false,
            message: lang
                .pick("no scoring run yet", "aucune évaluation pour l'instant")
                .into(),
        };
    };
    let latest = last.critical + last.high;
    let history: Vec<f64> = before
        .iter()
        .rev()
        .take(BAND_RUNS)
        .map(|p| (p.critical + p.high) as f64)
        .collect();
    let runs = history.len();
    if runs < MIN_BAND_RUNS {
        return AlertLevel {
            latest: Some(latest),
            band_low: None,
            band_high: None,
            unusual: false,
            message: lang.pick(format!(
                    "critical + high = {latest}; not enough history for a normal band ({runs} earlier runs, {MIN_BAND_RUNS} needed)"
                ),
                format!(
                    "critiques + élevées = {latest} ; pas assez d'historique pour une bande normale ({runs} évaluations antérieures, {MIN_BAND_RUNS} nécessaires)"
                ),
            ),
        };
    }
    let n = runs as f64;
    let mean = history.iter().sum::<f64>() / n;
    let std = (history.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let half = (3.0 * std).max(1.0);
    let (low, high) = ((mean - half).max(0.0), mean + half);
    let (lo, hi) = (format_number(low, 1, lang), format_number(high, 1, lang));
    let v = latest as f64;
    let (unusual, message) = if v > high {
        (true, lang.pick(format!("critical + high = {latest}, above the normal band {lo}–{hi} of the previous {runs} runs: check the fleet view and whether new data or new models explain it"),
            format!("critiques + élevées = {latest}, au-dessus de la bande normale {lo}–{hi} des {runs} évaluations précédentes : vérifiez la vue du parc et si de nouvelles données ou de nouveaux modèles l'expliquent"),
        ))
    } else if v < low {
        (true, lang.pick(format!("critical + high = {latest}, below the normal band {lo}–{hi} of the previous {runs} runs: check that data still arrive for every turbine and that the models did not change"),
            format!("critiques + élevées = {latest}, en dessous de la bande normale {lo}–{hi} des {runs} évaluations précédentes : vérifiez que des données arrivent encore pour chaque éolienne et que les modèles n'ont pas changé"),
        ))
    } else {
        (false, lang.pick(format!("critical + high = {latest}, within the normal band {lo}–{hi} of the previous {runs} runs"),
            format!("critiques + élevées = {latest}, dans la bande normale {lo}–{hi} des {runs} évaluations précédentes"),
        ))
    };
    AlertLevel {
        latest: Some(latest),
        band_low: Some(low),
        band_high: Some(high),
        unusual,
        message,
    }
}

/// Fragments of [`alert_level`]'s English messages: none may show in a French screen.
pub const ALERT_ENGLISH: &[&str] = &[
    "no scoring run yet",
    "critical + high",
    "not enough history",
    "earlier runs",
    "the normal band",
    "previous",
    "check the fleet view",
    "check that data still arrive",
];

/// Drift of one model input.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeatureDrift {
    /// Name of the model input, as in the model manifest.
    pub feature: String,
    /// Population stability index of recent values against the manifest's reference bins;
    /// `None` when `status` is `unknown`.
    pub psi: Option<f64>,
    /// `stable` (< 0.1), `moderate` (0.1–0.25), `significant` (≥ 0.25) or `unknown` (no
    /// reference, or fewer than [`MIN_DRIFT_SAMPLES`] values).
    #[cfg_attr(
        feature = "ts",
        ts(type = "\"stable\" | \"moderate\" | \"significant\" | \"unknown\"")
    )]
    pub status: &'static str,
}

/// PSI of `values` against reference bins (`edges` ascending, `shares` per bin). Values below
/// the first edge count in the first bin, above the last edge in the last one; NaN values are
/// left out. `None` with fewer than [`MIN_DRIFT_SAMPLES`] values or unusable bins.
pub fn psi(values: &[f32], edges: &[f64], shares: &[f64]) -> Option<f64> {
    let bins = edges.len().checked_sub(1)?;
    if bins < 2 || shares.len() != bins {
        return None;
    }
    let mut counts = vec![0usize; bins];
    let mut n = 0usize;
    for &v in values.iter().filter(|v| !v.is_nan()) {
        let v = f64::from(v);
        // numpy: searchsorted(edges, v, side="right") - 1, clipped to the bins.
        let i = edges
            .partition_point(|&e| e <= v)
            .saturating_sub(1)
            .min(bins - 1);
        counts[i] += 1;
        n += 1;
    }
    if n < MIN_DRIFT_SAMPLES {
        return None;
    }
    const EPS: f64 = 1e-4;
    Some(
        counts
            .iter()
            .zip(shares)
            .map(|(&c, &e)| {
                let a = (c as f64 / n as f64).max(EPS);
                let e = e.max(EPS);
                (a - e) * (a / e).ln()
            })
            .sum(),
    )
}

fn psi_status(psi: Option<f64>) -> &'static str {
    match psi {
        None => "unknown",
        Some(p) if p < PSI_MODERATE => "stable",
        Some(p) if p < PSI_SIGNIFICANT => "moderate",
        Some(_) => "significant",
    }
}

/// Feature values of the scored turbines of the successful runs of the last
/// [`DRIFT_WINDOW_DAYS`] days before the latest run (one run per data watermark), per feature.
pub fn recent_feature_values(store: &Store) -> Result<Vec<Vec<f32>>, TelemetryError> {
    let n = feature_names().len();
    let mut columns: Vec<Vec<f32>> = vec![Vec::new(); n];
    let latest: Option<i64> = store.conn().query_row(
        "SELECT max(as_of) FROM runs WHERE status = 'succeeded' AND as_of <= ?1",
        [crate::clock::latest_plausible()],
        |r| r.get(0),
    )?;
    let Some(latest) = latest else {
        return Ok(columns);
    };
    let mut stmt = store.conn().prepare_cached(
        "SELECT f.features FROM prediction_features f
         JOIN predictions p ON p.run = f.run AND p.turbine = f.turbine
         WHERE p.scored = 1 AND f.run IN (
             SELECT max(id) FROM runs WHERE status = 'succeeded' AND as_of > ?1 AND as_of <= ?2
             GROUP BY as_of)",
    )?;
    let blobs = stmt.query_map([latest - DRIFT_WINDOW_DAYS * DAY, latest], |r| {
        r.get::<_, Vec<u8>>(0)
    })?;
    for blob in blobs {
        for (col, chunk) in columns.iter_mut().zip(blob?.chunks_exact(4)) {
            col.push(f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
        }
    }
    Ok(columns)
}

fn reference_bins(reference: &Value, feature: &str) -> Option<(Vec<f64>, Vec<f64>)> {
    let entry = reference.get(feature)?;
    let nums = |key: &str| -> Option<Vec<f64>> {
        entry
            .get(key)?
            .as_array()?
            .iter()
            .map(Value::as_f64)
            .collect()
    };
    Some((nums("bin_edges")?, nums("bin_shares")?))
}

/// Drift of every model input against the manifest's `reference_stats` (the whole manifest
/// as read: `Manifest::raw`), most drifted first.
pub fn drift(store: &Store, manifest: &Value) -> Result<Vec<FeatureDrift>, TelemetryError> {
    let columns = recent_feature_values(store)?;
    let reference = manifest
        .get("reference_stats")
        .cloned()
        .unwrap_or(Value::Null);
    let mut out: Vec<FeatureDrift> = feature_names()
        .into_iter()
        .zip(&columns)
        .map(|(feature, values)| {
            let psi = reference_bins(&reference, &feature)
                .and_then(|(edges, shares)| psi(values, &edges, &shares));
            FeatureDrift {
                status: psi_status(psi),
                feature,
                psi,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |d: &FeatureDrift| d.psi.unwrap_or(f64::NEG_INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then_with(|| a.feature.cmp(&b.feature))
    });
    Ok(out)
}

/// A turbine whose data are late.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaleTurbine {
    /// The turbine's id, e.g. `LYO-07`.
    pub turbine_id: String,
    /// Latest SCADA record (RFC 3339), `None` if it never sent one.
    pub last_data: Option<String>,
    /// Hours since then.
    pub hours: Option<f64>,
}

/// Data freshness of the fleet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Freshness {
    /// Age, in hours, above which a turbine's data count as stale.
    pub threshold_hours: f64,
    /// Stale turbines, the oldest data first (never-seen turbines first of all).
    pub stale: Vec<StaleTurbine>,
    /// Turbines with data newer than the threshold.
    pub fresh: i64,
}

/// Age of every registered turbine's latest record at `now`.
pub fn freshness(
    store: &Store,
    now: i64,
    threshold_hours: f64,
) -> Result<Freshness, TelemetryError> {
    // Freshness is relative to `now`: a record dated after now plus the clock's tolerance (a
    // mistyped 2099) does not make a turbine fresh; its latest plausible record is what counts.
    let mut stmt = store.conn().prepare_cached(
        "SELECT t.turbine_id, (SELECT max(ts) FROM readings WHERE turbine = t.id AND ts <= ?1)
         FROM turbines t ORDER BY t.turbine_id",
    )?;
    let rows = stmt.query_map([now + crate::schema::FUTURE_TOLERANCE_SECS], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
    })?;
    let mut stale = Vec::new();
    let mut fresh = 0;
    for row in rows {
        let (turbine_id, last) = row?;
        let hours = last.map(|l| (now - l) as f64 / 3600.0);
        match hours {
            Some(h) if h <= threshold_hours => fresh += 1,
            _ => stale.push(StaleTurbine {
                turbine_id,
                last_data: last.map(schema::format_timestamp),
                hours: hours.map(|h| (h * 10.0).round() / 10.0),
            }),
        }
    }
    stale.sort_by(|a, b| {
        let key = |s: &StaleTurbine| s.hours.unwrap_or(f64::INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then_with(|| a.turbine_id.cmp(&b.turbine_id))
    });
    Ok(Freshness {
        threshold_hours,
        stale,
        fresh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(run: i64, level: i64) -> CategoryPoint {
        CategoryPoint {
            run,
            as_of: String::new(),
            critical: level / 2,
            high: level - level / 2,
            moderate: 1,
            low: 10,
            as_of_unix: run * DAY,
        }
    }

    #[test]
    fn the_alert_level_leaves_its_band_only_when_unusual() {
        assert!(alert_level(&[], Lang::En).latest.is_none());
        let few: Vec<CategoryPoint> = (0..5).map(|i| point(i, 3)).collect();
        let a = alert_level(&few, Lang::En);
        assert_eq!((a.latest, a.band_low, a.unusual), (Some(3), None, false));
        assert!(a.message.contains("not enough history"), "{}", a.message);

        let mut history: Vec<CategoryPoint> = (0..20).map(|i| point(i, 3 + (i % 3) - 1)).collect();
        history.push(point(20, 3));
        let a = alert_level(&history, Lang::En);
        assert!(!a.unusual, "{}", a.message);
        let (lo, hi) = (a.band_low.unwrap(), a.band_high.unwrap());
        assert!(lo < 3.0 && hi > 3.0 && hi < 6.0, "{lo} {hi}");
        history.pop();
        history.push(point(20, 9));
        let a = alert_level(&history, Lang::En);
        assert!(
            a.unusual && a.message.contains("above the normal band"),
            "{}",
            a.message
        );
        history.pop();
        history.push(point(20, 0));
        let a = alert_level(&history, Lang::En);
        assert!(a.unusual && a.message.contains("below"), "{}", a.message);
    }

    #[test]
    fn the_alert_level_speaks_french_without_english() {
        let mut history: Vec<CategoryPoint> = (0..20).map(|i| point(i, 3 + (i % 3) - 1)).collect();
        let mut cases = vec![Vec::new(), history[..4].to_vec()];
        for last in [3, 9, 0] {
            history.push(point(20, last));
            cases.push(history.clone());
            history.pop();
        }
        for points in cases {
            let fr = alert_level(&points, Lang::Fr);
            let en = alert_level(&points, Lang::En);
            assert_eq!((fr.latest, fr.unusual), (en.latest, en.unusual));
            for e in ALERT_ENGLISH {
                assert!(!fr.message.contains(e), "{e} in {}", fr.message);
            }
            assert!(
                ALERT_ENGLISH.iter().any(|e| en.message.contains(e)),
                "{}",
                en.message
            );
        }
        history.push(point(20, 9));
        let fr = alert_level(&history, Lang::Fr).message;
        assert!(
            fr.contains("au-dessus de la bande normale") && fr.contains(','),
            "{fr}"
        );
    }

    #[test]
    fn psi_is_zero_for_the_reference_and_large_for_a_shift() {
        let edges: Vec<f64> = (0..=10).map(f64::from).collect();
        let shares = vec![0.1; 10];
        let same: Vec<f32> = (0..1000).map(|i| (i % 100) as f32 / 10.0).collect();
        let p = psi(&same, &edges, &shares).unwrap();
        assert!(p < 0.01, "{p}");
        // Everything above the top edge lands in the last bin.
        let shifted: Vec<f32> = (0..1000).map(|i| 8.0 + (i % 100) as f32 / 10.0).collect();
        let p = psi(&shifted, &edges, &shares).unwrap();
        assert!(p > PSI_SIGNIFICANT, "{p}");
        assert_eq!(psi_status(Some(p)), "significant");
        assert_eq!(psi_status(Some(0.15)), "moderate");
        let few = vec![1.0f32; MIN_DRIFT_SAMPLES - 1];
        assert_eq!(psi(&few, &edges, &shares), None);
        let nan = vec![f32::NAN; 500];
        assert_eq!(psi(&nan, &edges, &shares), None);
        assert_eq!(psi(&same, &[1.0], &[1.0]), None, "one value only: no bins");
    }

    #[test]
    fn stale_turbines_are_listed_oldest_first() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        for (key, id) in [(1, "A-1"), (2, "A-2"), (3, "A-3")] {
            conn.execute(
                "INSERT INTO turbines VALUES (?1, ?2, 'S', 'M', 2300, 45, 4, '2020-01-01')",
                rusqlite::params![key, id],
            )
            .unwrap();
        }
        let now = 1_780_000_000;
        conn.execute(
            "INSERT INTO readings (turbine, ts) VALUES (1, ?1)",
            [now - 3600],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO readings (turbine, ts) VALUES (2, ?1)",
            [now - 50 * 3600],
        )
        .unwrap();
        let f = freshness(&store, now, FRESHNESS_THRESHOLD_HOURS).unwrap();
        assert_eq!(f.fresh, 1);
        let ids: Vec<&str> = f.stale.iter().map(|s| s.turbine_id.as_str()).collect();
        assert_eq!(ids, ["A-3", "A-2"]);
        assert_eq!(f.stale[1].hours, Some(50.0));
        assert_eq!(f.stale[0].last_data, None);
    }
}
