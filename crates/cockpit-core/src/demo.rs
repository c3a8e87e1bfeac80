//! The demo park: EnergiTech's Lyon wind farm as defined in `data/demo/park.toml`, simulated and
//! ingested in one call, so the CLI (`cockpit demo`) and the desktop app's first launch build the
//! very same park.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ingest::{self, IngestReport};
use crate::mapping::Mapping;
use crate::schema;
use crate::sim::{self, SimConfig, SimError, SimSummary, SiteSpec};
use crate::store::Store;

/// Days of daily runs `cockpit demo` backfills, so risk trends are never empty.
pub const BACKFILL_DAYS: i64 = 30;

/// The shipped definition of the demo park.
pub const PARK_TOML: &str = include_str!("../../../data/demo/park.toml");

/// Errors of the demo park.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The park definition (`park.toml`) does not parse, or its `end` is not `"today"` or a date.
    #[error("the demo park definition is invalid: {0}")]
    Definition(String),
    /// The simulator could not generate the park's CSV files.
    #[error("simulating the demo park failed: {0}")]
    Simulate(#[from] SimError),
    /// Ingesting the generated files failed; holds the first failed file's error.
    #[error("ingesting the demo park failed: {0}")]
    Ingest(String),
}

/// The demo park definition (`data/demo/park.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DemoPark {
    /// Site name written in the registry, e.g. `Lyon`.
    pub name: String,
    /// Short site code used in turbine ids (`<CODE>-<NN>`), e.g. `LYO`.
    pub code: String,
    /// Number of turbines in the park.
    pub turbines: usize,
    /// Length of the simulated period, in days (ending at `end`).
    pub days: u32,
    /// Seed of the simulator: the same seed rebuilds the same files byte for byte.
    pub seed: u64,
    /// Turbine model, e.g. `SWT-2.3-93`.
    pub model: String,
    /// Rated (nameplate) power of one turbine, in kW.
    pub rated_power_kw: f64,
    /// Latitude of the site centre, in decimal degrees (north positive).
    pub latitude: f64,
    /// Longitude of the site centre, in decimal degrees (east positive).
    pub longitude: f64,
    /// `"today"` or a date `YYYY-MM-DD`: the simulated period ends at midnight UTC of that day.
    pub end: String,
}

/// What `run_demo` did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// The park definition that was simulated.
    pub park: DemoPark,
    /// Directory the simulated CSV files were written to.
    pub out_dir: PathBuf,
    /// Start of the simulated period (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub start: String,
    /// End of the simulated period, midnight UTC (`YYYY-MM-DDTHH:MM:SSZ`).
    pub end: String,
    /// What the simulator wrote (files, row and failure counts).
    pub simulation: SimSummary,
    /// What ingesting the simulated files stored, quarantined or skipped.
    pub ingestion: IngestReport,
}

impl DemoPark {
    /// The shipped definition.
    pub fn builtin() -> Result<DemoPark, DemoError> {
        toml::from_str(PARK_TOML).map_err(|e| DemoError::Definition(e.message().to_string()))
    }

    /// Unix time (UTC midnight) where the simulated period ends; `now` resolves `"today"`.
    pub fn end_time(&self, now: i64) -> Result<i64, DemoError> {
        if self.end.trim().eq_ignore_ascii_case("today") {
            return Ok(now.div_euclid(86_400) * 86_400);
        }
        schema::parse_timestamp(&self.end)
            .map(|t| t.div_euclid(86_400) * 86_400)
            .ok_or_else(|| {
                DemoError::Definition(format!(
                    "end = '{}' must be \"today\" or a date YYYY-MM-DD",
                    self.end
                ))
            })
    }

    /// Simulator configuration of the park for a period ending at `end`.
    pub fn sim_config(&self, end: i64) -> SimConfig {
        let start = end - i64::from(self.days) * 86_400;
        let mut cfg = SimConfig::new(self.turbines, self.days, self.seed, start);
        let mut site = SiteSpec::lyon();
        site.name = self.name.clone();
        site.code = self.code.clone();
        site.model = self.model.clone();
        site.rated_power_kw = self.rated_power_kw;
        site.latitude = self.latitude;
        site.longitude = self.longitude;
        cfg.site = Some(site);
        cfg
    }
}

/// Simulates the demo park into `out_dir` and ingests it into `store`.
pub fn run_demo(store: &mut Store, out_dir: &Path, now: i64) -> Result<DemoReport, DemoError> {
    let park = DemoPark::builtin()?;
    let end = park.end_time(now)?;
    let cfg = park.sim_config(end);
    let simulation = sim::simulate(&cfg, out_dir)?;
    let ingestion = ingest::ingest_files(store, &simulation.files, &Mapping::canonical());
    if let Some(f) = ingestion.failed.first() {
        return Err(DemoError::Ingest(f.error.clone()));
    }
    Ok(DemoReport {
        start: schema::format_timestamp(cfg.start),
        end: schema::format_timestamp(end),
        park,
        out_dir: out_dir.to_path_buf(),
        simulation,
        ingestion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_park_is_the_lyon_farm() {
        let p = DemoPark::builtin().unwrap();
        assert_eq!((p.turbines, p.days, p.code.as_str()), (20, 180, "LYO"));
        assert!((p.turbines as f64 * p.rated_power_kw / 1000.0 - 45.0).abs() < 2.0);
        let now = schema::parse_timestamp("2026-11-28T13:05:00Z").unwrap();
        assert_eq!(
            schema::format_timestamp(p.end_time(now).unwrap()),
            "2026-11-28T00:00:00Z"
        );
        let mut fixed = p.clone();
        fixed.end = "2026-06-30".into();
        assert_eq!(
            schema::format_timestamp(fixed.end_time(now).unwrap()),
            "2026-06-30T00:00:00Z"
        );
        fixed.end = "soon".into();
        assert!(fixed.end_time(now).is_err());
    }
}
