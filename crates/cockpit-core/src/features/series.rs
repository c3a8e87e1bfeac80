//! The records of each turbine, loaded column by column from the database (in parallel for large
//! fleets), with the load average that drives the healthy-temperature law.

use rusqlite::params;
use serde::Serialize;

use crate::quality::{self, Fault, Rules};
use crate::schema::{Status, RECORD_SECONDS};
use crate::store::Store;

use super::{FeatureError, KEY_SIGNALS};

/// Thermal time constant of the load average that drives the healthy-temperature model.
const LOAD_TAU_SECONDS: f64 = 3600.0;

/// Column of the wind speed in [`Series::cols`].
pub(super) const C_WIND: usize = 0;
/// Column of the power.
pub(super) const C_POWER: usize = 1;
/// Column of the pitch angle.
pub(super) const C_PITCH: usize = 2;
/// Column of the ambient temperature.
pub(super) const C_AMBIENT: usize = 3;
/// Column of the first key signal (the others follow in [`KEY_SIGNALS`] order).
pub(super) const C_KEY0: usize = 4;
/// Columns loaded per turbine.
pub(super) const N_COLS: usize = C_KEY0 + KEY_SIGNALS.len();

/// The canonical column of each loaded column.
pub(super) fn column_name(c: usize) -> &'static str {
    match c {
        C_WIND => "wind_speed_ms",
        C_POWER => "power_kw",
        C_PITCH => "pitch_deg",
        C_AMBIENT => "ambient_temp_c",
        _ => KEY_SIGNALS[c - C_KEY0].1,
    }
}

/// A turbine's identity, as carried by every feature row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurbineInfo {
    /// Internal database key.
    pub key: i64,
    /// The turbine id of the registry.
    pub turbine_id: String,
    /// Its site.
    pub site: String,
    /// Its rated power (kW).
    pub rated_power_kw: f64,
}

/// The records of one turbine over a time span, column by column (NaN = missing).
pub(super) struct Series {
    /// The turbine.
    pub(super) info: TurbineInfo,
    /// Record times (Unix seconds), increasing.
    pub(super) ts: Vec<i64>,
    /// The loaded columns (see `C_*`).
    pub(super) cols: [Vec<f32>; N_COLS],
    /// Status codes ([`Status::code`]), -1 when unknown.
    pub(super) status: Vec<i8>,
    /// Exponential average of the normalised load (thermal memory), NaN where unknown.
    pub(super) load: Vec<f32>,
    /// The sensor faults found over the loaded span (their values are masked in `cols`).
    pub(super) faults: Vec<Fault>,
}

impl Series {
    /// Index of the first record with `ts >= t`.
    pub(super) fn index_at(&self, t: i64) -> usize {
        self.ts.partition_point(|&x| x < t)
    }
}

/// Loads the series of every turbine over `[from, to)`.
pub(super) fn load_series(store: &Store, from: i64, to: i64) -> Result<Vec<Series>, FeatureError> {
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
    let rules = Rules::from_env();
    let mut out = Vec::with_capacity(infos.len());
    for info in infos {
        let mut s = Series {
            info,
            ts: Vec::new(),
            cols: std::array::from_fn(|_| Vec::new()),
            status: Vec::new(),
            load: Vec::new(),
            faults: Vec::new(),
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
        mask_faults(&mut s, &rules);
        s.load = load_average(&s);
        out.push(s);
    }
    Ok(out)
}

/// Finds the sensor faults of every loaded column and masks them: the one place records enter
/// the features, so a frozen, spiking or implausible value counts as missing everywhere.
pub(super) fn mask_faults(s: &mut Series, rules: &Rules) {
    let running: Vec<bool> = s.cols[C_POWER].iter().map(|p| *p > 0.0).collect();
    let mut faults = quality::gaps(&s.ts, rules);
    for (c, col) in s.cols.iter_mut().enumerate() {
        let found = quality::signal_faults(column_name(c), &s.ts, col, &running, rules);
        quality::mask(&s.ts, col, &found);
        faults.extend(found);
    }
    faults.sort_by_key(|f| (f.start, f.kind));
    s.faults = faults;
}

/// Exponential average of `power / rated` with time constant [`LOAD_TAU_SECONDS`]; restarts
/// after a gap of more than 30 minutes or a missing power value.
pub(super) fn load_average(s: &Series) -> Vec<f32> {
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

/// The maintenance status code, as loaded.
pub(super) const MAINTENANCE: i8 = Status::Maintenance.code() as i8;
/// The running status code, as loaded.
const RUNNING: i8 = Status::Running.code() as i8;

/// Whether a record counts as the turbine running: its status says so; when the export reports
/// no status (ENGIE's, EDP's), it produces (power above zero) — a stopped, feathered or curtailed
/// turbine must not be compared with the running fleet's power and pitch curves.
pub(super) fn is_running(status: i8, power_kw: f32) -> bool {
    status == RUNNING || (status == -1 && power_kw > 0.0)
}

/// Whether a record counts as downtime: its status says the turbine is not running; when the
/// export reports no status, it produces nothing although the wind is in the operating range
/// (4–20 m/s).
pub(super) fn is_down(status: i8, power_kw: f32, wind_ms: f32) -> bool {
    status > 0 || (status == -1 && power_kw <= 0.0 && (4.0..=20.0).contains(&wind_ms))
}
