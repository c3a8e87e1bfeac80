//! The features of one turbine at a snapshot time: levels, spread, maxima and trends of the key
//! signals, their residuals against the fleet's healthy law, power deficit, pitch, coverage.

use crate::schema::RECORD_SECONDS;

use super::catalogue::{DAY, DAYS, MIN_DAY_RECORDS, PITCH_ABSDEV, WINDOW_LONG, WINDOW_SHORT};
use super::fleet::{wind_bin, FleetRefs};
use super::series::{
    is_down, is_running, Series, C_AMBIENT, C_KEY0, C_PITCH, C_POWER, C_WIND, MAINTENANCE,
};
use super::stats::Acc;
use super::{KEY_SIGNALS, N_FEATURES, SIGNAL_STATS};

/// Records a full window holds.
const RECORDS_24H: f64 = (WINDOW_SHORT / RECORD_SECONDS) as f64;
const RECORDS_7D: f64 = (WINDOW_LONG / RECORD_SECONDS) as f64;

/// Mean residual of each key signal on each of the 7 days before the snapshot (day 0 = the last
/// 24 hours), NaN for a day with too few records.
pub(super) type DailyResiduals = [[f64; DAYS]; KEY_SIGNALS.len()];

/// Features of one turbine at `t`, with the site and own deviations left NaN (filled by the
/// caller once every turbine is known), and its daily mean residuals.
pub(super) fn turbine_features(s: &Series, refs: &FleetRefs, t: i64) -> (Vec<f32>, DailyResiduals) {
    let mut daily = [[f64::NAN; DAYS]; KEY_SIGNALS.len()];
    let mut out = vec![f64::NAN; N_FEATURES];
    let (lo7, lo24, hi) = (
        s.index_at(t - WINDOW_LONG),
        s.index_at(t - WINDOW_SHORT),
        s.index_at(t),
    );
    let rated = s.info.rated_power_kw.max(1.0);
    let stats_n = SIGNAL_STATS.len();
    for (k, daily_k) in daily.iter_mut().enumerate() {
        let mut level24 = Acc::default();
        let mut res24 = Acc::default();
        let mut res7 = Acc::default();
        let mut per_day = [Acc::default(); DAYS];
        let col = &s.cols[C_KEY0 + k];
        for (i, &value) in col.iter().enumerate().take(hi).skip(lo7) {
            let y = f64::from(value);
            if y.is_nan() || s.status[i] == MAINTENANCE {
                continue;
            }
            let td = (s.ts[i] - t) as f64 / DAY as f64;
            if i >= lo24 {
                level24.push(td, y);
            }
            if let Some(h) = refs.healthy[k] {
                let (amb, load) = (f64::from(s.cols[C_AMBIENT][i]), f64::from(s.load[i]));
                if !amb.is_nan() && !load.is_nan() {
                    let r = y - h.predict(amb, load);
                    res7.push(td, r);
                    let day = ((t - 1 - s.ts[i]) / DAY) as usize;
                    if let Some(acc) = per_day.get_mut(day) {
                        acc.push(td, r);
                    }
                    if i >= lo24 {
                        res24.push(td, r);
                    }
                }
            }
        }
        let base = k * stats_n;
        out[base] = level24.mean();
        out[base + 1] = level24.max();
        out[base + 2] = level24.std();
        out[base + 3] = res24.mean();
        out[base + 4] = res7.mean();
        out[base + 5] = res24.slope(RECORDS_24H / 4.0);
        out[base + 6] = res7.slope(RECORDS_7D / 4.0);
        // SITE_DEV and OWN_DEV are filled once every turbine is known.
        for (d, acc) in per_day.iter().enumerate() {
            if acc.n >= MIN_DAY_RECORDS {
                daily_k[d] = acc.mean();
            }
        }
    }
    let mut deficit24 = Acc::default();
    let mut deficit7 = Acc::default();
    let mut pitch24 = Acc::default();
    let mut pitch_abs24 = Acc::default();
    let mut load24 = Acc::default();
    let mut wind24 = Acc::default();
    let mut amb24 = Acc::default();
    let mut down7 = 0usize;
    for i in lo7..hi {
        let recent = i >= lo24;
        let w = f64::from(s.cols[C_WIND][i]);
        let p = f64::from(s.cols[C_POWER][i]);
        if is_down(s.status[i], s.cols[C_POWER][i], s.cols[C_WIND][i]) {
            down7 += 1;
        }
        if recent {
            if !p.is_nan() {
                load24.push(0.0, (p / rated).clamp(-0.2, 1.2));
            }
            if !w.is_nan() {
                wind24.push(0.0, w);
            }
            let a = f64::from(s.cols[C_AMBIENT][i]);
            if !a.is_nan() {
                amb24.push(0.0, a);
            }
        }
        if !is_running(s.status[i], s.cols[C_POWER][i]) || !(4.0..=20.0).contains(&w) {
            continue;
        }
        if let Some(b) = wind_bin(w) {
            let expected = refs.power_curve[b];
            if !p.is_nan() && !expected.is_nan() {
                let d = expected - p / rated;
                deficit7.push(0.0, d);
                if recent {
                    deficit24.push(0.0, d);
                }
            }
            let pitch = f64::from(s.cols[C_PITCH][i]);
            let expected_pitch = refs.pitch_curve[b];
            if recent && !pitch.is_nan() && !expected_pitch.is_nan() {
                pitch24.push(0.0, pitch - expected_pitch);
                pitch_abs24.push(0.0, (pitch - expected_pitch).abs());
            }
        }
    }
    let base = KEY_SIGNALS.len() * stats_n;
    let present7 = (hi - lo7) as f64;
    out[base] = deficit24.mean();
    out[base + 1] = deficit7.mean();
    out[base + 2] = pitch24.mean();
    // Made relative to the turbine's site by `snapshot`.
    out[PITCH_ABSDEV] = pitch_abs24.mean();
    out[base + 4] = load24.mean();
    out[base + 5] = wind24.mean();
    out[base + 6] = amb24.mean();
    out[base + 7] = ((hi - lo24) as f64 / RECORDS_24H).min(1.0);
    out[base + 8] = (present7 / RECORDS_7D).min(1.0);
    out[base + 9] = if present7 > 0.0 {
        down7 as f64 / present7
    } else {
        f64::NAN
    };
    (out.into_iter().map(|v| v as f32).collect(), daily)
}
