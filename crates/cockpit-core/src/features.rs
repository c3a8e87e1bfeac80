//! Feature engineering: the single implementation of the model inputs, used both to export the
//! training table (`cockpit features`) and to score the fleet, so training and serving cannot
//! drift apart.
//!
//! For a turbine at a snapshot time `t`, features are computed from the records *before* `t`:
//! levels, spread, maxima and trends of the key temperatures and vibration; their residuals
//! against what load and ambient temperature predict for a healthy turbine (a model fitted on the
//! whole fleet over the trailing 7 days); the deviation of each residual from the fleet at the
//! same time; the power-curve deficit against the fleet's curve; pitch behaviour; data coverage.
//! Anything that cannot be computed from the data is NaN — never a made-up value.
//! `docs/features.md` explains every feature.

use std::collections::HashMap;
use std::io::Write;

use rusqlite::params;
use serde::Serialize;

use crate::schema::{self, RECORD_SECONDS};
use crate::store::{Store, StoreError};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// The long window (trends, residual level, coverage).
const WINDOW_LONG: i64 = 7 * DAY;
/// The short window (levels, maxima, spread, recent residual).
const WINDOW_SHORT: i64 = DAY;
/// Records loaded before the long window so the load average is settled at its start.
const WARMUP: i64 = 6 * 3600;
/// Thermal time constant of the load average that drives the healthy-temperature model.
const LOAD_TAU_SECONDS: f64 = 3600.0;
/// Horizon of the `days_to_failure` label, in days.
pub const HORIZON_DAYS: f64 = 30.0;
/// Horizon of the classification label, in days.
pub const CLASSIFICATION_DAYS: f64 = 7.0;
/// Wind-speed bin width of the fleet power and pitch curves (m/s).
const WIND_BIN: f64 = 0.5;
const WIND_BINS: usize = 60;
/// Fewest records a fleet curve bin or a healthy-model fit needs.
const MIN_FIT_RECORDS: usize = 50;

/// Key signals: the temperatures and vibration whose drift announces a failure.
/// `(short name used in feature names, canonical column)`.
pub const KEY_SIGNALS: [(&str, &str); 8] = [
    ("gearbox_oil", "gearbox_oil_temp_c"),
    ("gearbox_bearing", "gearbox_bearing_temp_c"),
    ("generator_bearing", "generator_bearing_temp_c"),
    ("generator_winding", "generator_winding_temp_c"),
    ("hydraulic_oil", "hydraulic_oil_temp_c"),
    ("converter", "converter_temp_c"),
    ("transformer", "transformer_temp_c"),
    ("vibration", "vibration_mm_s"),
];

/// Per-signal statistics, in feature order.
pub const SIGNAL_STATS: [&str; 9] = [
    "mean_24h",
    "max_24h",
    "std_24h",
    "resid_24h",
    "resid_7d",
    "slope_24h",
    "slope_7d",
    "site_dev",
    "own_dev",
];

/// Position of each per-signal statistic in [`SIGNAL_STATS`].
pub mod stat {
    pub const MEAN_24H: usize = 0;
    pub const MAX_24H: usize = 1;
    pub const STD_24H: usize = 2;
    pub const RESID_24H: usize = 3;
    pub const RESID_7D: usize = 4;
    pub const SLOPE_24H: usize = 5;
    pub const SLOPE_7D: usize = 6;
    pub const SITE_DEV: usize = 7;
    pub const OWN_DEV: usize = 8;
}

/// Days of the long window, each summarised by its mean residual for the site comparison.
const DAYS: usize = (WINDOW_LONG / DAY) as usize;
/// The turbine's own baseline: its site deviation on days 3 to 6 before the snapshot.
const BASELINE_DAYS: std::ops::Range<usize> = 3..DAYS;
/// Fewest records a day needs for its mean residual to count.
const MIN_DAY_RECORDS: f64 = 36.0;

/// Turbine-level features, after the per-signal ones.
const TURBINE_FEATURES: [&str; 10] = [
    "power_deficit_24h",
    "power_deficit_7d",
    "pitch_resid_24h",
    "pitch_absdev_24h",
    "load_factor_24h",
    "wind_mean_24h",
    "ambient_mean_24h",
    "coverage_24h",
    "coverage_7d",
    "downtime_share_7d",
];

/// Number of features.
pub const N_FEATURES: usize = KEY_SIGNALS.len() * SIGNAL_STATS.len() + TURBINE_FEATURES.len();

/// The feature names, in the order the models expect them.
pub fn feature_names() -> Vec<String> {
    let mut names = Vec::with_capacity(N_FEATURES);
    for (short, _) in KEY_SIGNALS {
        for stat in SIGNAL_STATS {
            names.push(format!("{short}_{stat}"));
        }
    }
    names.extend(TURBINE_FEATURES.iter().map(|s| s.to_string()));
    names
}

/// Errors of feature computation and export.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error("the database holds no SCADA readings yet; ingest data first (cockpit ingest or cockpit demo)")]
    NoData,
    #[error("invalid snapshot interval '{0}': use a number followed by h or d, e.g. 12h or 1d")]
    BadInterval(String),
    #[error("cannot write the feature table: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write the feature table: {0}")]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error while reading readings: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Parses an interval such as `1d`, `12h`, `30m` into seconds.
pub fn parse_interval(text: &str) -> Result<i64, FeatureError> {
    let t = text.trim();
    let bad = || FeatureError::BadInterval(text.to_string());
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: i64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "d" => n * DAY,
        "h" => n * 3600,
        "m" | "min" => n * 60,
        _ => return Err(bad()),
    };
    if secs < RECORD_SECONDS {
        return Err(bad());
    }
    Ok(secs)
}

// Indexes of the columns loaded per turbine.
const C_WIND: usize = 0;
const C_POWER: usize = 1;
const C_PITCH: usize = 2;
const C_AMBIENT: usize = 3;
const C_KEY0: usize = 4;
const N_COLS: usize = C_KEY0 + KEY_SIGNALS.len();

/// A turbine's identity, as carried by every feature row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurbineInfo {
    /// Internal database key.
    pub key: i64,
    pub turbine_id: String,
    pub site: String,
    pub rated_power_kw: f64,
}

/// The records of one turbine over a time span, column by column (NaN = missing).
struct Series {
    info: TurbineInfo,
    ts: Vec<i64>,
    cols: [Vec<f32>; N_COLS],
    status: Vec<i8>,
    /// Exponential average of the normalised load (thermal memory), NaN where unknown.
    load: Vec<f32>,
}

impl Series {
    /// Index of the first record with `ts >= t`.
    fn index_at(&self, t: i64) -> usize {
        self.ts.partition_point(|&x| x < t)
    }
}

/// Loads the series of every turbine over `[from, to)`.
fn load_series(store: &Store, from: i64, to: i64) -> Result<Vec<Series>, FeatureError> {
    let conn = store.conn();
    let mut turbines = conn
        .prepare("SELECT id, turbine_id, site, rated_power_kw FROM turbines ORDER BY turbine_id")?;
    let infos: Vec<TurbineInfo> = turbines
        .query_map([], |r| {
            Ok(TurbineInfo {
                key: r.get(0)?,
                turbine_id: r.get(1)?,
                site: r.get(2)?,
                rated_power_kw: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    // Large fleets are read by several threads, each with its own read-only connection (SQLite
    // in WAL mode serves concurrent readers); an in-memory database has a single connection.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let file_backed = store.path().as_os_str() != ":memory:";
    if !file_backed || threads < 2 || infos.len() < 64 {
        return read_series(conn, infos, from, to);
    }
    let chunk = infos.len().div_ceil(threads);
    let path = store.path().to_path_buf();
    let mut parts: Vec<Vec<TurbineInfo>> = Vec::new();
    let mut rest = infos;
    while !rest.is_empty() {
        let tail = rest.split_off(chunk.min(rest.len()));
        parts.push(std::mem::replace(&mut rest, tail));
    }
    let results: Vec<Result<Vec<Series>, FeatureError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                let path = path.clone();
                scope.spawn(move || {
                    let conn = rusqlite::Connection::open_with_flags(
                        &path,
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    conn.busy_timeout(std::time::Duration::from_secs(10))?;
                    read_series(&conn, part, from, to)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut out = Vec::new();
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

/// Reads the records of `infos` over `[from, to)` through one connection.
fn read_series(
    conn: &rusqlite::Connection,
    infos: Vec<TurbineInfo>,
    from: i64,
    to: i64,
) -> Result<Vec<Series>, FeatureError> {
    let key_cols: Vec<&str> = KEY_SIGNALS.iter().map(|(_, c)| *c).collect();
    let sql = format!(
        "SELECT ts, wind_speed_ms, power_kw, pitch_deg, ambient_temp_c, {}, status
         FROM readings WHERE turbine = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
        key_cols.join(", ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut out = Vec::with_capacity(infos.len());
    for info in infos {
        let mut s = Series {
            info,
            ts: Vec::new(),
            cols: std::array::from_fn(|_| Vec::new()),
            status: Vec::new(),
            load: Vec::new(),
        };
        let mut rows = stmt.query(params![s.info.key, from, to])?;
        while let Some(r) = rows.next()? {
            s.ts.push(r.get(0)?);
            for (c, col) in s.cols.iter_mut().enumerate() {
                col.push(
                    r.get::<_, Option<f64>>(c + 1)?
                        .map_or(f32::NAN, |v| v as f32),
                );
            }
            s.status
                .push(r.get::<_, Option<i64>>(N_COLS + 1)?.map_or(-1, |v| v as i8));
        }
        s.load = load_average(&s);
        out.push(s);
    }
    Ok(out)
}

/// Exponential average of `power / rated` with time constant [`LOAD_TAU_SECONDS`]; restarts
/// after a gap of more than 30 minutes or a missing power value.
fn load_average(s: &Series) -> Vec<f32> {
    let rated = s.info.rated_power_kw.max(1.0);
    let alpha = 1.0 - (-(RECORD_SECONDS as f64) / LOAD_TAU_SECONDS).exp();
    let mut out = Vec::with_capacity(s.ts.len());
    let mut ema = f64::NAN;
    let mut prev_ts: Option<i64> = None;
    for (i, &t) in s.ts.iter().enumerate() {
        let p = f64::from(s.cols[C_POWER][i]);
        if p.is_nan() || prev_ts.is_some_and(|prev| t - prev > 1800) {
            ema = f64::NAN;
        }
        if !p.is_nan() {
            let load = (p / rated).clamp(0.0, 1.2);
            ema = if ema.is_nan() {
                load
            } else {
                ema + alpha * (load - ema)
            };
        }
        prev_ts = Some(t);
        out.push(ema as f32);
    }
    out
}

const MAINTENANCE: i8 = 2;
const RUNNING: i8 = 0;

fn is_running(status: i8) -> bool {
    status == RUNNING || status == -1
}

/// Healthy-temperature model of one signal: `y = a + b·ambient + c·load + d·load²`.
#[derive(Debug, Clone, Copy)]
struct Healthy([f64; 4]);

impl Healthy {
    fn predict(&self, ambient: f64, load: f64) -> f64 {
        let c = self.0;
        c[0] + c[1] * ambient + c[2] * load + c[3] * load * load
    }
}

/// Least squares on the normal equations, with a tiny ridge so a constant ambient does not make
/// the system singular.
fn fit_healthy(xtx: &[[f64; 4]; 4], xty: &[f64; 4], n: usize) -> Option<Healthy> {
    if n < MIN_FIT_RECORDS {
        return None;
    }
    let mut a = *xtx;
    let mut b = *xty;
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += 1e-6 * n as f64;
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..4 {
        let pivot = (col..4).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..4 {
            let f = a[row][col] / pivot_row[col];
            for (cell, p) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *cell -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(Healthy(x))
}

/// Fleet references at one snapshot time.
struct FleetRefs {
    healthy: [Option<Healthy>; KEY_SIGNALS.len()],
    /// Expected normalised power per wind bin (NaN when too few records).
    power_curve: [f64; WIND_BINS],
    /// Expected pitch per wind bin.
    pitch_curve: [f64; WIND_BINS],
}

fn wind_bin(w: f64) -> Option<usize> {
    (w.is_finite() && w >= 0.0)
        .then(|| (w / WIND_BIN) as usize)
        .filter(|&b| b < WIND_BINS)
}

fn fleet_refs(series: &[Series], t: i64) -> FleetRefs {
    let mut xtx = [[[0.0f64; 4]; 4]; KEY_SIGNALS.len()];
    let mut xty = [[0.0f64; 4]; KEY_SIGNALS.len()];
    let mut n = [0usize; KEY_SIGNALS.len()];
    let mut p_sum = [0.0f64; WIND_BINS];
    let mut p_n = [0usize; WIND_BINS];
    let mut pitch_sum = [0.0f64; WIND_BINS];
    let mut pitch_n = [0usize; WIND_BINS];
    for s in series {
        let rated = s.info.rated_power_kw.max(1.0);
        let (lo, hi) = (s.index_at(t - WINDOW_LONG), s.index_at(t));
        for i in lo..hi {
            if s.status[i] == MAINTENANCE {
                continue;
            }
            let amb = f64::from(s.cols[C_AMBIENT][i]);
            let load = f64::from(s.load[i]);
            if !amb.is_nan() && !load.is_nan() {
                let x = [1.0, amb, load, load * load];
                for k in 0..KEY_SIGNALS.len() {
                    let y = f64::from(s.cols[C_KEY0 + k][i]);
                    if y.is_nan() {
                        continue;
                    }
                    for r in 0..4 {
                        for c in 0..4 {
                            xtx[k][r][c] += x[r] * x[c];
                        }
                        xty[k][r] += x[r] * y;
                    }
                    n[k] += 1;
                }
            }
            if is_running(s.status[i]) {
                if let Some(b) = wind_bin(f64::from(s.cols[C_WIND][i])) {
                    let p = f64::from(s.cols[C_POWER][i]);
                    if !p.is_nan() {
                        p_sum[b] += p / rated;
                        p_n[b] += 1;
                    }
                    let pitch = f64::from(s.cols[C_PITCH][i]);
                    if !pitch.is_nan() {
                        pitch_sum[b] += pitch;
                        pitch_n[b] += 1;
                    }
                }
            }
        }
    }
    let curve = |sum: &[f64; WIND_BINS], cnt: &[usize; WIND_BINS]| {
        std::array::from_fn(|b| {
            if cnt[b] >= MIN_FIT_RECORDS / 5 {
                sum[b] / cnt[b] as f64
            } else {
                f64::NAN
            }
        })
    };
    FleetRefs {
        healthy: std::array::from_fn(|k| fit_healthy(&xtx[k], &xty[k], n[k])),
        power_curve: curve(&p_sum, &p_n),
        pitch_curve: curve(&pitch_sum, &pitch_n),
    }
}

/// Running mean, extremes, variance and least-squares slope of a sequence of (time, value).
#[derive(Default, Clone, Copy)]
struct Acc {
    n: f64,
    sum: f64,
    sum2: f64,
    max: f64,
    st: f64,
    stt: f64,
    sty: f64,
}

impl Acc {
    fn push(&mut self, t_days: f64, y: f64) {
        if self.n == 0.0 {
            self.max = y;
        }
        self.n += 1.0;
        self.sum += y;
        self.sum2 += y * y;
        self.max = self.max.max(y);
        self.st += t_days;
        self.stt += t_days * t_days;
        self.sty += t_days * y;
    }
    fn mean(&self) -> f64 {
        if self.n > 0.0 {
            self.sum / self.n
        } else {
            f64::NAN
        }
    }
    fn max(&self) -> f64 {
        if self.n > 0.0 {
            self.max
        } else {
            f64::NAN
        }
    }
    fn std(&self) -> f64 {
        if self.n < 2.0 {
            return f64::NAN;
        }
        let m = self.mean();
        ((self.sum2 / self.n - m * m).max(0.0) * self.n / (self.n - 1.0)).sqrt()
    }
    /// Slope per day; needs `min_n` points spread over time.
    fn slope(&self, min_n: f64) -> f64 {
        if self.n < min_n {
            return f64::NAN;
        }
        let d = self.n * self.stt - self.st * self.st;
        if d.abs() < 1e-12 {
            return f64::NAN;
        }
        (self.n * self.sty - self.st * self.sum) / d
    }
}

/// Records a full window holds.
const RECORDS_24H: f64 = (WINDOW_SHORT / RECORD_SECONDS) as f64;
const RECORDS_7D: f64 = (WINDOW_LONG / RECORD_SECONDS) as f64;

/// Mean residual of each key signal on each of the 7 days before the snapshot (day 0 = the last
/// 24 hours), NaN for a day with too few records.
type DailyResiduals = [[f64; DAYS]; KEY_SIGNALS.len()];

/// Features of one turbine at `t`, with the site and own deviations left NaN (filled by the
/// caller once every turbine is known), and its daily mean residuals.
fn turbine_features(s: &Series, refs: &FleetRefs, t: i64) -> (Vec<f32>, DailyResiduals) {
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
        if s.status[i] > 0 {
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
        if !is_running(s.status[i]) || !(4.0..=20.0).contains(&w) {
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
    out[base + 3] = pitch_abs24.mean();
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

fn median64(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Features of every turbine of `series` at `t` (row-major, [`N_FEATURES`] per turbine).
///
/// The site deviation removes what the turbines of a site share on a given day (weather the
/// healthy model does not capture, a common sensor drift); the own deviation then removes the
/// turbine's usual offset (its baseline over days 3–6 before the snapshot), leaving what is new.
fn snapshot(series: &[Series], t: i64) -> Vec<Vec<f32>> {
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
    }
    rows
}

/// Features of every registered turbine at time `t` (Unix seconds): what scoring uses.
#[derive(Debug, Clone)]
pub struct FeatureMatrix {
    pub at: i64,
    pub turbines: Vec<TurbineInfo>,
    /// One row per turbine, [`N_FEATURES`] values each.
    pub rows: Vec<Vec<f32>>,
}

/// The records of every turbine over a span, loaded once, from which snapshots at any time
/// inside the span are computed (training export, backtest, backfilled runs).
pub struct History {
    series: Vec<Series>,
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
    pub rows: u64,
    pub snapshots: u64,
    pub turbines: usize,
    pub positives_7d: u64,
    pub unknown_7d: u64,
    pub excluded_in_repair: u64,
    pub features: usize,
    pub first_snapshot: String,
    pub last_snapshot: String,
}

struct Failure {
    time: i64,
    back: Option<i64>,
    component: String,
}

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
    let from = opts
        .from
        .unwrap_or_else(|| (first + WINDOW_LONG + DAY - 1).div_euclid(DAY) * DAY);
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
            record.push(s.info.turbine_id.clone());
            record.push(s.info.site.clone());
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
            record.push(l.component);
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
    fn names_are_unique_and_counted() {
        let names = feature_names();
        assert_eq!(names.len(), N_FEATURES);
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(names[0], "gearbox_oil_mean_24h");
        assert_eq!(names.last().map(String::as_str), Some("downtime_share_7d"));
    }

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("1d").unwrap(), DAY);
        assert_eq!(parse_interval("12h").unwrap(), 12 * 3600);
        for bad in ["", "d", "1w", "5m", "-1d", "1.5d"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn healthy_fit_recovers_a_known_law() {
        let mut xtx = [[0.0; 4]; 4];
        let mut xty = [0.0; 4];
        let mut n = 0;
        for i in 0..500 {
            let amb = (i % 30) as f64 - 5.0;
            let load = (i % 17) as f64 / 16.0;
            let y = 20.0 + 0.8 * amb + 25.0 * load + 10.0 * load * load;
            let x = [1.0, amb, load, load * load];
            for r in 0..4 {
                for c in 0..4 {
                    xtx[r][c] += x[r] * x[c];
                }
                xty[r] += x[r] * y;
            }
            n += 1;
        }
        let h = fit_healthy(&xtx, &xty, n).unwrap();
        assert!((h.predict(10.0, 0.5) - (20.0 + 8.0 + 12.5 + 2.5)).abs() < 1e-3);
        assert!(fit_healthy(&xtx, &xty, 10).is_none(), "too few records");
    }

    #[test]
    fn accumulator_statistics() {
        let mut a = Acc::default();
        assert!(a.mean().is_nan() && a.max().is_nan() && a.std().is_nan());
        for i in 0..10 {
            a.push(i as f64, 2.0 * i as f64 + 1.0);
        }
        assert_eq!(a.mean(), 10.0);
        assert_eq!(a.max(), 19.0);
        assert!((a.slope(5.0) - 2.0).abs() < 1e-9);
        assert!(a.slope(11.0).is_nan());
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
