//! Snapshots: the features of every turbine at a time, with the site and own deviations that need
//! the whole site; [`History`] loads the records once for many snapshots.

use crate::quality::{Fault, Watch};
use crate::schema::RECORD_SECONDS;
use crate::store::Store;

use super::catalogue::{BASELINE_DAYS, DAYS, PITCH_ABSDEV, WINDOW_LONG};
use super::fleet::fleet_refs;
use super::series::{
    column_name, load_series, Series, TurbineInfo, C_KEY0, C_PITCH, C_POWER, C_WIND,
};
use super::stats::median64;
use super::turbine::{turbine_features, DailyResiduals};
use super::{stat, FeatureError, KEY_SIGNALS, SIGNAL_STATS};

/// Records loaded before the long window so the load average is settled at its start.
const WARMUP: i64 = 6 * 3600;

/// Features of every turbine of `series` at `t` (row-major, [`N_FEATURES`] per turbine).
///
/// The site deviation removes what the turbines of a site share on a given day (weather the
/// healthy model does not capture, a common sensor drift); the own deviation then removes the
/// turbine's usual offset (its baseline over days 3–6 before the snapshot), leaving what is new.
pub(super) fn snapshot(series: &[Series], t: i64) -> Vec<Vec<f32>> {
    let refs = fleet_refs(series, t);
    let (mut rows, daily): (Vec<Vec<f32>>, Vec<DailyResiduals>) =
        series.iter().map(|s| turbine_features(s, &refs, t)).unzip();
    let stats_n = SIGNAL_STATS.len();
    let mut sites: Vec<&str> = series.iter().map(|s| s.info.site.as_str()).collect();
    sites.sort_unstable();
    sites.dedup();
    for site in sites {
        let members: Vec<usize> = (0..series.len())
            .filter(|&i| series[i].info.site == site)
            .collect();
        for k in 0..KEY_SIGNALS.len() {
            let site_median: Vec<f64> = (0..DAYS)
                .map(|d| median64(members.iter().map(|&i| daily[i][k][d]).collect()))
                .collect();
            for &i in &members {
                let dev: Vec<f64> = (0..DAYS).map(|d| daily[i][k][d] - site_median[d]).collect();
                let baseline: Vec<f64> = dev[BASELINE_DAYS]
                    .iter()
                    .copied()
                    .filter(|v| !v.is_nan())
                    .collect();
                let own = if baseline.len() >= 2 {
                    dev[0] - baseline.iter().sum::<f64>() / baseline.len() as f64
                } else {
                    f64::NAN
                };
                rows[i][k * stats_n + stat::SITE_DEV] = dev[0] as f32;
                rows[i][k * stats_n + stat::OWN_DEV] = own as f32;
            }
        }
        // Pitch: what the turbines of a site share on a day (gusts, icing, low-wind pitching,
        // a curtailment) is not a fault of one of them. Its mean absolute deviation from the
        // fleet's pitch curve becomes its excess over the site's median; alone on its site (or
        // with no other value), a turbine has nothing to be compared with: NaN.
        let values: Vec<f64> = members
            .iter()
            .map(|&i| f64::from(rows[i][PITCH_ABSDEV]))
            .collect();
        let known = values.iter().filter(|v| !v.is_nan()).count();
        let site_median = median64(values.clone());
        for (&i, v) in members.iter().zip(&values) {
            rows[i][PITCH_ABSDEV] = if known >= 2 {
                (v - site_median) as f32
            } else {
                f32::NAN
            };
        }
    }
    rows
}

/// Features of every registered turbine at time `t` (Unix seconds): what scoring uses.
#[derive(Debug, Clone)]
pub struct FeatureMatrix {
    /// The snapshot time (Unix seconds).
    pub at: i64,
    /// The turbines, in row order.
    pub turbines: Vec<TurbineInfo>,
    /// One row per turbine, [`N_FEATURES`] values each.
    pub rows: Vec<Vec<f32>>,
    /// What each turbine could be watched on over the long window, in row order.
    pub watch: Vec<TurbineWatch>,
}

/// What a turbine could be watched on over the 7 days before a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct TurbineWatch {
    /// Each key signal family, in [`KEY_SIGNALS`] order.
    pub families: Vec<Watch>,
    /// Power and wind were both reported: the power curve is watched.
    pub power_curve: bool,
    /// The pitch angle was reported.
    pub pitch: bool,
    /// The sensor faults that overlap the window, oldest first.
    pub faults: Vec<Fault>,
}

impl TurbineWatch {
    /// Whether the turbine can be watched on anything: a key signal family or its power curve.
    pub fn anything(&self) -> bool {
        self.power_curve || self.families.contains(&Watch::Watched)
    }
}

/// What `s` could be watched on over `[t - 7 days, t)`.
fn watch_of(s: &Series, t: i64) -> TurbineWatch {
    let (lo, hi) = (s.index_at(t - WINDOW_LONG), s.index_at(t));
    let present = |c: usize| s.cols[c][lo..hi].iter().any(|v| !v.is_nan());
    let faults: Vec<Fault> = s
        .faults
        .iter()
        .filter(|f| f.overlaps(t - WINDOW_LONG, t))
        .cloned()
        .collect();
    let families = (0..KEY_SIGNALS.len())
        .map(|k| {
            let column = column_name(C_KEY0 + k);
            let blind = faults
                .iter()
                .find(|f| f.kind.blinds() && f.signal.as_deref() == Some(column));
            match blind {
                Some(f) => Watch::Faulty(f.kind),
                None if present(C_KEY0 + k) => Watch::Watched,
                None => Watch::Absent,
            }
        })
        .collect();
    TurbineWatch {
        families,
        power_curve: present(C_POWER) && present(C_WIND),
        pitch: present(C_PITCH),
        faults,
    }
}

/// The records of every turbine over a span, loaded once, from which snapshots at any time
/// inside the span are computed (training export, backtest, backfilled runs).
pub struct History {
    pub(super) series: Vec<Series>,
}

impl History {
    /// Loads what snapshots taken in `[first, last]` need.
    pub fn load(store: &Store, first: i64, last: i64) -> Result<History, FeatureError> {
        Ok(History {
            series: load_series(store, first - WINDOW_LONG - WARMUP, last)?,
        })
    }

    /// The turbines, in row order.
    pub fn turbines(&self) -> Vec<TurbineInfo> {
        self.series.iter().map(|s| s.info.clone()).collect()
    }

    /// Features of every turbine at `t`.
    pub fn at(&self, t: i64) -> FeatureMatrix {
        FeatureMatrix {
            at: t,
            turbines: self.turbines(),
            rows: snapshot(&self.series, t),
            watch: self.series.iter().map(|s| watch_of(s, t)).collect(),
        }
    }

    /// Time of the last record of each turbine before `t` (in row order).
    pub fn last_record_before(&self, t: i64) -> Vec<Option<i64>> {
        self.series
            .iter()
            .map(|s| {
                let i = s.index_at(t);
                (i > 0).then(|| s.ts[i - 1])
            })
            .collect()
    }
}

/// Computes the features of every turbine as of `t`.
pub fn compute_at(store: &Store, t: i64) -> Result<FeatureMatrix, FeatureError> {
    Ok(History::load(store, t, t)?.at(t))
}

/// Time right after the latest stored record (the natural "now" of the data), if any.
pub fn data_watermark(store: &Store) -> Result<Option<i64>, FeatureError> {
    Ok(store.reading_span()?.map(|(_, last)| last + RECORD_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::catalogue::DAY;
    use crate::features::feature_names;
    use crate::features::series::{
        load_average, C_AMBIENT, C_KEY0, C_PITCH, C_POWER, C_WIND, N_COLS,
    };

    /// A small synthetic site: `n` turbines, 8 days of records following a healthy law, plus
    /// `extra` °C on the gearbox oil of turbine 0 during the last day.
    fn site(n: usize, extra: f32) -> Vec<Series> {
        let t0 = 0i64;
        let records = 8 * 144;
        (0..n)
            .map(|k| {
                let mut s = Series {
                    info: TurbineInfo {
                        key: k as i64,
                        turbine_id: format!("T{k}"),
                        site: "S".into(),
                        rated_power_kw: 2000.0,
                    },
                    ts: Vec::new(),
                    cols: std::array::from_fn(|_| Vec::new()),
                    status: Vec::new(),
                    load: Vec::new(),
                    faults: Vec::new(),
                };
                for i in 0..records {
                    let ts = t0 + i as i64 * RECORD_SECONDS;
                    let phase = i as f32 / 30.0;
                    let load = 0.5 + 0.4 * phase.sin();
                    let amb = 10.0 + 5.0 * (phase / 5.0).cos();
                    s.ts.push(ts);
                    s.status.push(0);
                    s.cols[C_WIND].push(8.0 + 4.0 * phase.sin());
                    s.cols[C_POWER].push(2000.0 * load);
                    s.cols[C_PITCH].push(1.0);
                    s.cols[C_AMBIENT].push(amb);
                    for c in C_KEY0..N_COLS {
                        // Each turbine runs with its own constant offset (0.4·k °C).
                        let mut y = 20.0 + 0.8 * amb + 30.0 * load + 0.4 * k as f32;
                        if c == C_KEY0 && k == 0 && ts >= t0 + 7 * DAY {
                            y += extra;
                        }
                        s.cols[c].push(y);
                    }
                }
                s.load = load_average(&s);
                s
            })
            .collect()
    }

    #[test]
    fn a_new_rise_on_one_turbine_stands_out_and_offsets_cancel() {
        let names = feature_names();
        let at = |n: &str| names.iter().position(|x| x == n).unwrap();
        let t = 8 * DAY;
        let rows = snapshot(&site(6, 8.0), t);
        let own = at("gearbox_oil_own_dev");
        assert!(
            (rows[0][own] - 8.0).abs() < 1.5,
            "the risen turbine: {}",
            rows[0][own]
        );
        for r in &rows[1..] {
            assert!(
                r[own].abs() < 1.0,
                "healthy turbines stay near 0: {}",
                r[own]
            );
        }
        // Without the rise, the constant per-turbine offsets do not show in own_dev.
        let rows = snapshot(&site(6, 0.0), t);
        assert!(rows.iter().all(|r| r[own].abs() < 0.5));
        assert!(
            rows[5][at("gearbox_oil_site_dev")] > 0.8,
            "offsets do show against the site"
        );
        assert!((rows[0][at("coverage_24h")] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn pitch_that_a_whole_site_shares_is_no_fault_of_one_turbine() {
        let t = 8 * DAY;
        let last_day = |ts: i64| ts >= t - DAY;
        // Gusty day: every turbine's pitch wanders ±3° around its curve in the last day.
        let mut fleet = site(4, 0.0);
        for (k, s) in fleet.iter_mut().enumerate() {
            for i in 0..s.ts.len() {
                if last_day(s.ts[i]) {
                    let sign = if (i + k) % 2 == 0 { 1.0 } else { -1.0 };
                    s.cols[C_PITCH][i] = 1.0 + 3.0 * sign;
                }
            }
        }
        let rows = snapshot(&fleet, t);
        for r in &rows {
            assert!(
                r[PITCH_ABSDEV].abs() < 0.2,
                "shared by the site: {}",
                r[PITCH_ABSDEV]
            );
        }
        // One turbine hunting alone stands out by how much more it strays than the others.
        let mut fleet = site(4, 0.0);
        let s = &mut fleet[2];
        for i in 0..s.ts.len() {
            if last_day(s.ts[i]) {
                s.cols[C_PITCH][i] = if i % 2 == 0 { 5.0 } else { -3.0 };
            }
        }
        let rows = snapshot(&fleet, t);
        assert!(rows[2][PITCH_ABSDEV] > 3.0, "{}", rows[2][PITCH_ABSDEV]);
        assert!(rows[0][PITCH_ABSDEV].abs() < 1.0);
        // Alone on its site, a turbine has nobody to be compared with.
        let rows = snapshot(&site(1, 0.0), t);
        assert!(rows[0][PITCH_ABSDEV].is_nan());
    }

    #[test]
    fn without_a_status_a_stopped_turbine_is_downtime_not_a_pitch_or_power_fault() {
        let names = feature_names();
        let at = |n: &str| names.iter().position(|x| x == n).unwrap();
        let t = 8 * DAY;
        // No status column (ENGIE, EDP): turbine 1 stands feathered, producing nothing, for the
        // last 12 hours although the wind blows.
        let mut fleet = site(4, 0.0);
        for s in fleet.iter_mut() {
            s.status.iter_mut().for_each(|st| *st = -1);
        }
        let s = &mut fleet[1];
        for i in 0..s.ts.len() {
            if s.ts[i] >= t - DAY / 2 {
                s.cols[C_POWER][i] = 0.0;
                s.cols[C_PITCH][i] = 88.0;
            }
        }
        let rows = snapshot(&fleet, t);
        let r = &rows[1];
        assert!(
            r[at("downtime_share_7d")] > 0.05,
            "{}",
            r[at("downtime_share_7d")]
        );
        assert!(r[PITCH_ABSDEV].abs() < 0.5, "{}", r[PITCH_ABSDEV]);
        assert!(
            r[at("power_deficit_24h")].abs() < 0.05,
            "{}",
            r[at("power_deficit_24h")]
        );
        assert!(rows[0][at("downtime_share_7d")] == 0.0);
    }

    #[test]
    fn no_data_gives_nan_never_a_made_up_value() {
        let mut fleet = site(3, 0.0);
        let empty = &mut fleet[2];
        empty.ts.clear();
        empty.status.clear();
        empty.load.clear();
        for c in empty.cols.iter_mut() {
            c.clear();
        }
        let rows = snapshot(&fleet, 8 * DAY);
        let names = feature_names();
        for (name, v) in names.iter().zip(&rows[2]) {
            if name.starts_with("coverage") {
                assert_eq!(*v, 0.0, "{name}");
            } else {
                assert!(v.is_nan(), "{name} = {v} for a turbine without data");
            }
        }
    }
}
