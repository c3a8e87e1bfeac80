//! The seeded, physically plausible SCADA simulator of a wind fleet.
//!
//! [`simulate`] writes three canonical files into a directory: `scada.csv` (10-minute records of
//! every turbine, turbine by turbine, time ascending), `turbines.csv` (the registry) and
//! `logbook.csv` (failures and repairs). The same [`SimConfig`] always gives byte-identical
//! files, whatever the number of threads.
//!
//! What is modelled and how is described in `docs/simulator.md`:
//!
//! * site weather: Weibull-distributed wind from a two-scale Ornstein–Uhlenbeck process,
//!   seasonal and diurnal cycles, veering direction, seasonal/diurnal ambient temperature;
//! * per turbine: terrain and wake factors, turbulence, power curve with cut-in, rated and
//!   cut-out (with restart hysteresis), rotor/generator speeds, pitch, first-order thermal
//!   models of eight temperatures, vibration;
//! * Poisson failures of six components, 72 % of them announced by a growing precursor in the
//!   relevant signals, with fault and repair downtime;
//! * communication gaps, missing values, stuck sensors and spikes.

mod artefacts;
mod channels;
mod fleet;
mod num;
mod rng;
mod turbine;
mod weather;

#[cfg(test)]
mod tests;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};

use crate::schema::{self, RECORD_SECONDS};

use fleet::FleetPlan;
use num::{push_fixed, push_text};
use turbine::Ctx;
use weather::SiteWeather;

/// Largest fleet the simulator accepts.
pub const MAX_TURBINES: usize = 100_000;
/// Longest simulated period, in days (ten years).
pub const MAX_DAYS: u32 = 3_660;
/// Largest `turbines × days` of one run (about 1.4 billion records, ~250 GB of CSV).
pub const MAX_TURBINE_DAYS: u64 = 10_000_000;
/// Largest accepted failure rate, per turbine and year.
pub const MAX_FAILURE_RATE: f64 = 100.0;
/// Latest accepted start (2200-01-01).
const MAX_START: i64 = 7_258_118_400;

/// File name of the 10-minute SCADA records written by [`simulate`].
pub const SCADA_FILE: &str = "scada.csv";
/// File name of the turbine registry written by [`simulate`].
pub const REGISTRY_FILE: &str = "turbines.csv";
/// File name of the failure logbook (failures and repairs) written by [`simulate`].
pub const LOGBOOK_FILE: &str = "logbook.csv";

/// A single wind farm to simulate instead of a generated fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSpec {
    /// Site name written in the registry, e.g. `Lyon`.
    pub name: String,
    /// Short code used in turbine ids (`<CODE>-<NN>`): letters, digits and `_`, e.g. `LYO`.
    pub code: String,
    /// Latitude of the site centre, in decimal degrees (−85 to 85, north positive); the turbines
    /// are laid out a few kilometres around it.
    pub latitude: f64,
    /// Longitude of the site centre, in decimal degrees (−180 to 180, east positive).
    pub longitude: f64,
    /// Turbine model, e.g. `SWT-2.3-93`. Known models (SWT-2.3-93, V90-2.0, MM92, N100-2.5) use
    /// their nominal speeds; others get generic values scaled to the rated power.
    pub model: String,
    /// Rated (nameplate) power of one turbine, in kW (100 to 15 000).
    pub rated_power_kw: f64,
}

impl SiteSpec {
    /// The demo park: 2.3 MW Siemens-type turbines east of Lyon.
    pub fn lyon() -> SiteSpec {
        SiteSpec {
            name: "Lyon".to_string(),
            code: "LYO".to_string(),
            latitude: 45.78,
            longitude: 4.95,
            model: "SWT-2.3-93".to_string(),
            rated_power_kw: 2300.0,
        }
    }
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// Number of turbines, 1 to [`MAX_TURBINES`].
    pub turbines: usize,
    /// Length of the period in days, 1 to [`MAX_DAYS`].
    pub days: u32,
    /// Seed of every random stream: same configuration, same bytes.
    pub seed: u64,
    /// Start of the period, Unix seconds UTC, at midnight.
    pub start: i64,
    /// Expected failures per turbine and year (default 2.5).
    pub failure_rate_per_year: f64,
    /// One wind farm of `turbines` turbines; `None` generates sites of up to 25 turbines.
    pub site: Option<SiteSpec>,
}

impl SimConfig {
    /// A generated fleet with the default failure rate (2.5 per turbine and year).
    pub fn new(turbines: usize, days: u32, seed: u64, start: i64) -> SimConfig {
        SimConfig {
            turbines,
            days,
            seed,
            start,
            failure_rate_per_year: 2.5,
            site: None,
        }
    }

    /// Checks the configuration; the message says which setting to change.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |m: String| Err(SimError::InvalidConfig(m));
        if !(1..=MAX_TURBINES).contains(&self.turbines) {
            return bad(format!(
                "--turbines must be between 1 and {MAX_TURBINES} (got {})",
                self.turbines
            ));
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            return bad(format!(
                "--days must be between 1 and {MAX_DAYS} (got {})",
                self.days
            ));
        }
        let turbine_days = self.turbines as u64 * u64::from(self.days);
        if turbine_days > MAX_TURBINE_DAYS {
            return bad(format!(
                "--turbines × --days is {turbine_days} turbine-days, more than the {MAX_TURBINE_DAYS} a run can write \
                 (about {:.0} GB of CSV); simulate fewer turbines or fewer days",
                turbine_days as f64 * 144.0 * 175.0 / 1e9
            ));
        }
        if self.start.rem_euclid(86_400) != 0 || !(0..=MAX_START).contains(&self.start) {
            return bad(format!(
                "--start must be a date (midnight UTC) between 1970-01-01 and 2200-01-01 (got {})",
                schema::format_timestamp(self.start)
            ));
        }
        if !self.failure_rate_per_year.is_finite()
            || !(0.0..=MAX_FAILURE_RATE).contains(&self.failure_rate_per_year)
        {
            return bad(format!(
                "--failure-rate must be between 0 and {MAX_FAILURE_RATE} failures per turbine and year (got {})",
                self.failure_rate_per_year
            ));
        }
        if let Some(site) = &self.site {
            site.validate()?;
        }
        Ok(())
    }
}

impl SiteSpec {
    fn validate(&self) -> Result<(), SimError> {
        let bad = |m: String| Err(SimError::InvalidConfig(m));
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return bad(format!(
                "site name '{}' must be 1 to 64 printable characters",
                self.name.escape_debug()
            ));
        }
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 16
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return bad(format!(
                "site code '{}' must be 1 to 16 letters, digits or '_' (it prefixes the turbine ids, e.g. LYO-01)",
                self.code.escape_debug()
            ));
        }
        let model = self.model.trim();
        if model.is_empty() || model.chars().count() > 64 || model.chars().any(char::is_control) {
            return bad(format!(
                "turbine model '{}' must be 1 to 64 printable characters",
                self.model.escape_debug()
            ));
        }
        if !(self.latitude.is_finite() && (-85.0..=85.0).contains(&self.latitude)) {
            return bad(format!(
                "site latitude must be between -85 and 85° (got {})",
                self.latitude
            ));
        }
        if !(self.longitude.is_finite() && (-180.0..=180.0).contains(&self.longitude)) {
            return bad(format!(
                "site longitude must be between -180 and 180° (got {})",
                self.longitude
            ));
        }
        if !(self.rated_power_kw.is_finite() && (100.0..=15_000.0).contains(&self.rated_power_kw)) {
            return bad(format!(
                "rated power must be between 100 and 15000 kW (got {})",
                self.rated_power_kw
            ));
        }
        Ok(())
    }
}

/// What [`simulate`] wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimSummary {
    /// Turbines simulated (rows of `turbines.csv`).
    pub turbines: usize,
    /// Records in `scada.csv` (communication gaps excluded).
    pub scada_rows: u64,
    /// Failures in `logbook.csv`.
    pub failures: usize,
    /// Failures that no signal announces beforehand.
    pub failures_without_precursor: usize,
    /// `scada.csv`, `turbines.csv`, `logbook.csv`.
    pub files: [PathBuf; 3],
}

/// Why a simulation could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A setting is out of range; the message names it and its accepted values.
    #[error("{0}")]
    InvalidConfig(String),
    /// The output directory could not be created.
    #[error("cannot create the output directory {}: {source} (check the path and its permissions)", path.display())]
    CreateDir {
        /// The directory that could not be created.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// An output file could not be created or written.
    #[error("cannot write {}: {source} (check free disk space and write permission)", path.display())]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },
}

/// Simulates the fleet of `cfg` and writes `scada.csv`, `turbines.csv` and `logbook.csv` into
/// `out_dir` (created if missing; existing files are replaced).
pub fn simulate(cfg: &SimConfig, out_dir: &Path) -> Result<SimSummary, SimError> {
    simulate_with(cfg, out_dir, &Options::default())
}

/// Knobs for tests and benchmarks; the defaults are what [`simulate`] uses.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Worker threads (default: available parallelism).
    pub threads: Option<usize>,
    /// Communication gaps, missing values, stuck sensors and spikes.
    pub artefacts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: None,
            artefacts: true,
        }
    }
}

pub(crate) fn simulate_with(
    cfg: &SimConfig,
    out_dir: &Path,
    opts: &Options,
) -> Result<SimSummary, SimError> {
    cfg.validate()?;
    let plan = FleetPlan::build(cfg);
    run_plan(cfg, &plan, out_dir, opts)
}

/// Writes the three files of an already built plan.
pub(crate) fn run_plan(
    cfg: &SimConfig,
    plan: &FleetPlan,
    out_dir: &Path,
    opts: &Options,
) -> Result<SimSummary, SimError> {
    fs::create_dir_all(out_dir).map_err(|source| SimError::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let files = [
        out_dir.join(SCADA_FILE),
        out_dir.join(REGISTRY_FILE),
        out_dir.join(LOGBOOK_FILE),
    ];
    let scada_rows = write_atomically(&files[0], |w| write_scada(cfg, plan, opts, w))?;
    write_atomically(&files[1], |w| {
        let buf = registry_csv(plan);
        w.write_all(&buf)
    })?;
    write_atomically(&files[2], |w| {
        let buf = logbook_csv(cfg, plan);
        w.write_all(&buf)
    })?;
    Ok(SimSummary {
        turbines: plan.turbines.len(),
        scada_rows,
        failures: plan.failure_count(),
        failures_without_precursor: plan.failures_without_precursor(),
        files,
    })
}

/// Writes `path` through `<path>.partial`, renamed into place only when complete, so that a
/// crash or a full disk never leaves a truncated file under the final name.
fn write_atomically<T>(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<T>,
) -> Result<T, SimError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let io_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| SimError::Io { path: p, source }
    };
    let file = File::create(&partial).map_err(io_err(&partial))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let result = body(&mut w)
        .and_then(|v| w.flush().map(|_| v))
        .map_err(io_err(path));
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            drop(w);
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    };
    drop(w);
    fs::rename(&partial, path).map_err(io_err(path))?;
    Ok(value)
}

/// Bytes of CSV one turbine writes per record, for buffer sizing.
const BYTES_PER_ROW: usize = 175;
/// Memory budget for the turbine buffers of one batch.
const BATCH_BYTES: usize = 256 << 20;

/// Generates the SCADA rows in parallel, in batches of turbines, and writes them in turbine
/// order through a writer thread. Returns the number of rows.
fn write_scada(
    cfg: &SimConfig,
    plan: &FleetPlan,
    opts: &Options,
    w: &mut (impl Write + Send),
) -> io::Result<u64> {
    let mut header = schema::scada_columns().join(",").into_bytes();
    header.push(b'\n');
    w.write_all(&header)?;

    let n = plan.turbines.len();
    let steps = plan.steps as usize;
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |p| p.get()))
        .clamp(1, 256);
    let per_turbine = steps * BYTES_PER_ROW;
    let batch = (BATCH_BYTES / per_turbine).clamp(1, threads * 4).min(n);
    let workers = threads.min(batch);
    let ctx = Ctx {
        plan,
        seed: cfg.seed,
        start: cfg.start,
        artefacts: opts.artefacts,
    };

    std::thread::scope(|scope| {
        // The writer runs while the next batch is generated; the channel holds one batch.
        let (tx, rx) = mpsc::sync_channel::<Vec<(Vec<u8>, u64)>>(1);
        let writer = scope.spawn(move || -> io::Result<u64> {
            let mut rows = 0;
            for batch in rx {
                for (buf, r) in batch {
                    w.write_all(&buf)?;
                    rows += r;
                }
            }
            Ok(rows)
        });

        let mut cache: Vec<(usize, SiteWeather)> = Vec::new();
        let mut from = 0;
        while from < n {
            let to = (from + batch).min(n);
            // Weather of the sites of this batch (sites are contiguous; keep the last one).
            let (first_site, last_site) = (plan.turbines[from].site, plan.turbines[to - 1].site);
            cache.retain(|(s, _)| *s >= first_site);
            for s in first_site..=last_site {
                if !cache.iter().any(|(c, _)| *c == s) {
                    let wx = SiteWeather::generate(cfg.seed, s, &plan.sites[s], cfg.start, steps);
                    cache.push((s, wx));
                }
            }
            let weather_of = |site: usize| -> &SiteWeather {
                let hit = cache.iter().find(|(c, _)| *c == site);
                hit.map(|(_, w)| w)
                    .unwrap_or_else(|| unreachable!("weather of site {site} is cached"))
            };

            let next = AtomicUsize::new(from);
            let mut results: Vec<(usize, Vec<u8>, u64)> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        s.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                if i >= to {
                                    break;
                                }
                                let mut buf = Vec::with_capacity(per_turbine);
                                let rows = turbine::simulate_turbine(
                                    &ctx,
                                    i,
                                    weather_of(plan.turbines[i].site),
                                    &mut buf,
                                );
                                done.push((i, buf, rows));
                            }
                            done
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            results.sort_unstable_by_key(|r| r.0);
            let ordered = results.into_iter().map(|(_, b, r)| (b, r)).collect();
            if tx.send(ordered).is_err() {
                break; // the writer stopped on an error, reported below
            }
            from = to;
        }
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

fn push_date(out: &mut Vec<u8>, day: i64) {
    let mut ts = Vec::with_capacity(20);
    schema::write_timestamp(&mut ts, day * 86_400);
    out.extend_from_slice(&ts[..10]);
}

/// `turbines.csv`: one line per turbine.
fn registry_csv(plan: &FleetPlan) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + plan.turbines.len() * 96);
    out.extend_from_slice(schema::REGISTRY_COLUMNS.join(",").as_bytes());
    out.push(b'\n');
    for t in &plan.turbines {
        let site = &plan.sites[t.site];
        push_text(&mut out, &t.id);
        out.push(b',');
        push_text(&mut out, &site.name);
        out.push(b',');
        push_text(&mut out, &site.model.name);
        out.push(b',');
        push_fixed(&mut out, site.model.rated_kw, 1);
        out.push(b',');
        push_fixed(&mut out, t.latitude, 5);
        out.push(b',');
        push_fixed(&mut out, t.longitude, 5);
        out.push(b',');
        push_date(&mut out, t.commissioning_day);
        out.push(b'\n');
    }
    out
}

/// `logbook.csv`: the failures of the period in time order, each with the start of its precursor
/// (the ground truth of what could be detected; real logbooks have no such column).
fn logbook_csv(cfg: &SimConfig, plan: &FleetPlan) -> Vec<u8> {
    let mut rows: Vec<(i64, usize, &fleet::Failure)> = plan
        .turbines
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.failures.iter().map(move |f| (f.start, i, f)))
        .collect();
    rows.sort_by_key(|r| (r.0, r.1));
    let mut out = Vec::with_capacity(64 + rows.len() * 110);
    out.extend_from_slice(schema::LOGBOOK_COLUMNS.join(",").as_bytes());
    out.push(b'\n');
    let at = |step: i64| cfg.start + step * RECORD_SECONDS;
    for (_, i, f) in rows {
        push_text(&mut out, &plan.turbines[i].id);
        out.push(b',');
        out.extend_from_slice(f.component.as_str().as_bytes());
        out.push(b',');
        schema::write_timestamp(&mut out, at(f.start));
        out.push(b',');
        // A repair still under way at the end of the period has no end yet.
        if f.end < plan.steps {
            schema::write_timestamp(&mut out, at(f.end));
        }
        out.push(b',');
        push_text(&mut out, f.action);
        out.push(b',');
        // When the precursor began (possibly before the period); empty: the failure has none.
        if let Some(p) = &f.precursor {
            schema::write_timestamp(&mut out, at(p.onset));
        }
        out.push(b'\n');
    }
    out
}
