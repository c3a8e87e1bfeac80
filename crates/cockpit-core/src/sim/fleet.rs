//! The fleet plan: sites, turbine models, layout, and every failure with its precursor.
//!
//! The plan is built once, sequentially and cheaply, before any SCADA row is generated. It
//! fixes everything that is not a per-step value, so that the parallel generation of turbines
//! only reads it.

use std::f64::consts::PI;

use crate::schema::Component;

use super::rng::{domain, hash3, hash_unit, mix64, SimRng};
use super::{SimConfig, SiteSpec};

/// 10-minute records per day.
pub(crate) const STEPS_PER_DAY: i64 = 144;

/// Largest number of turbines of a generated site.
pub(crate) const MAX_SITE_SIZE: usize = 25;

/// Share of failures, in each block of [`PRECURSOR_BLOCK`] failures of the fleet, that get no
/// precursor (7 of 25 = 28 %).
pub(crate) const NO_PRECURSOR_PER_BLOCK: usize = 7;
/// Block length of the precursor-share assignment.
pub(crate) const PRECURSOR_BLOCK: usize = 25;

/// Nominal parameters of a turbine model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    pub name: String,
    pub rated_kw: f64,
    pub rotor_d_m: f64,
    /// Rotor speed at rated power.
    pub rated_rpm: f64,
    /// Lowest rotor speed while producing.
    pub min_rpm: f64,
    /// Generator speed / rotor speed.
    pub gearbox_ratio: f64,
    pub cut_in_ms: f64,
    /// Wind speed where the nominal power curve reaches rated power.
    pub rated_ms: f64,
    pub cut_out_ms: f64,
    /// The turbine restarts after a storm stop when the wind falls below this.
    pub restart_ms: f64,
}

/// `(name, rated kW, rotor diameter m, rated rpm, min rpm, gearbox ratio, rated wind m/s)`:
/// plausible nominal values for common 2–2.5 MW geared machines, not vendor data.
const KNOWN_MODELS: [(&str, f64, f64, f64, f64, f64, f64); 4] = [
    ("SWT-2.3-93", 2300.0, 93.0, 16.0, 6.0, 91.0, 13.0),
    ("V90-2.0", 2000.0, 90.0, 14.9, 8.8, 104.0, 12.0),
    ("MM92", 2050.0, 92.5, 15.0, 7.8, 96.0, 12.5),
    ("N100-2.5", 2500.0, 100.0, 14.8, 9.5, 98.0, 12.5),
];

/// Relative frequency of the models on generated sites.
const MODEL_WEIGHTS: [f64; 4] = [0.35, 0.25, 0.2, 0.2];

impl Model {
    /// The model of that name (case-insensitive) with the given rated power, or a generic
    /// geared machine scaled to that rated power.
    pub fn for_name(name: &str, rated_kw: f64) -> Model {
        let base =
            |rotor_d_m: f64, rated_rpm: f64, min_rpm: f64, ratio: f64, rated_ms: f64| Model {
                name: name.to_string(),
                rated_kw,
                rotor_d_m,
                rated_rpm,
                min_rpm,
                gearbox_ratio: ratio,
                cut_in_ms: 3.0,
                rated_ms,
                cut_out_ms: 25.0,
                restart_ms: 20.0,
            };
        if let Some(m) = KNOWN_MODELS
            .iter()
            .find(|m| m.0.eq_ignore_ascii_case(name.trim()))
        {
            return base(m.2, m.3, m.4, m.5, m.6);
        }
        // Generic: rotor diameter ~ 1.95·sqrt(P), tip speed ~78 m/s at rated speed, gearbox ratio
        // fixed per model name in 90–110.
        let d = 1.95 * rated_kw.sqrt();
        let rated_rpm = (78.0 * 60.0 / (PI * d)).clamp(5.0, 25.0);
        let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let ratio = ((90.0 + 20.0 * hash_unit(mix64(h))) * 10.0).round() / 10.0;
        base(d, rated_rpm, 0.45 * rated_rpm, ratio, 12.5)
    }
}

/// Places for the generated sites: `(name, latitude, longitude)`, windy parts of France.
const PLACES: [(&str, f64, f64); 48] = [
    ("Fruges", 50.52, 2.13),
    ("Ablis", 48.52, 1.84),
    ("Janville", 48.20, 1.88),
    ("Plouarzel", 48.43, -4.73),
    ("Bouin", 46.97, -2.00),
    ("Salles-Curan", 44.18, 2.79),
    ("Avignonet", 43.37, 1.79),
    ("Port-la-Nouvelle", 43.02, 3.04),
    ("Sigean", 43.03, 2.98),
    ("Rivesaltes", 42.77, 2.87),
    ("Fecamp", 49.76, 0.37),
    ("Langres", 47.86, 5.33),
    ("Vitry-le-Francois", 48.72, 4.59),
    ("Chalons", 48.95, 4.36),
    ("Saint-Quentin", 49.85, 3.29),
    ("Conty", 49.74, 2.15),
    ("Cambrai", 50.18, 3.23),
    ("Laon", 49.56, 3.62),
    ("Montdidier", 49.65, 2.57),
    ("Bapaume", 50.10, 2.85),
    ("Issoudun", 46.95, 1.99),
    ("Mirebeau", 46.79, 0.18),
    ("Niort", 46.32, -0.46),
    ("Fontenay-le-Comte", 46.47, -0.81),
    ("Lannion", 48.73, -3.46),
    ("Carhaix", 48.28, -3.57),
    ("Pontivy", 48.07, -2.96),
    ("Millau", 44.10, 3.08),
    ("Narbonne", 43.18, 3.00),
    ("Castelnaudary", 43.32, 1.95),
    ("Montelimar", 44.56, 4.75),
    ("Saint-Flour", 45.03, 3.09),
    ("Mende", 44.52, 3.50),
    ("Neufchateau", 48.36, 5.70),
    ("Verdun", 49.16, 5.38),
    ("Sedan", 49.70, 4.94),
    ("Rethel", 49.51, 4.37),
    ("Troyes", 48.30, 4.08),
    ("Sens", 48.20, 3.28),
    ("Auxerre", 47.80, 3.57),
    ("Gueret", 46.17, 1.87),
    ("Bressuire", 46.84, -0.49),
    ("Cholet", 47.06, -0.88),
    ("Chateaubriant", 47.72, -1.38),
    ("Vire", 48.84, -0.89),
    ("Alencon", 48.43, 0.09),
    ("Abbeville", 50.11, 1.83),
    ("Saint-Omer", 50.75, 2.25),
];

/// One site of the fleet.
#[derive(Debug, Clone)]
pub(crate) struct SitePlan {
    pub name: String,
    pub code: String,
    pub latitude: f64,
    pub longitude: f64,
    pub model: Model,
    /// Index of its first turbine in [`FleetPlan::turbines`].
    pub first: usize,
    pub count: usize,
    /// Commissioning day of the site (days since 1970-01-01).
    pub commissioning_day: i64,
    /// Long-term mean hub-height wind speed (m/s).
    pub mean_wind: f64,
    /// Prevailing and secondary wind directions (degrees from north).
    pub dir_primary: f64,
    pub dir_secondary: f64,
    /// Turbines per row of the layout.
    pub per_row: usize,
}

/// One turbine of the fleet.
#[derive(Debug, Clone)]
pub(crate) struct TurbinePlan {
    pub site: usize,
    /// Position within its site (0-based).
    pub local: usize,
    pub id: String,
    /// Position east and north of the site centre (m).
    pub x_m: f64,
    pub y_m: f64,
    pub latitude: f64,
    pub longitude: f64,
    pub commissioning_day: i64,
    /// Failures in time order, non-overlapping.
    pub failures: Vec<Failure>,
}

/// A component failure and its repair. Times are 10-minute steps from the start of the period.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub component: Component,
    /// First step in fault (the logged failure time).
    pub start: i64,
    /// First step of the repair (maintenance status); before it the turbine waits in fault.
    pub repair_start: i64,
    /// First step back in service (may be beyond the simulated period).
    pub end: i64,
    pub action: &'static str,
    pub precursor: Option<Precursor>,
}

/// The degradation that announces a failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Precursor {
    /// First step of the drift (may be before the period).
    pub onset: i64,
    /// Excess temperature of the affected part at full drive at the moment of failure (°C).
    pub amplitude_c: f64,
    /// Growth rate of the drift: progress is `(e^(shape·τ) − 1)/(e^shape − 1)`.
    pub shape: f64,
    /// Extra vibration at rated speed at the moment of failure (mm/s), bearings only.
    pub vibration_mm_s: f64,
    /// Relative power loss at the moment of failure (pitch system, converter).
    pub power_deficit: f64,
    /// Pitch angle offset at the moment of failure (degrees, pitch system).
    pub pitch_offset_deg: f64,
}

impl Precursor {
    /// Progress of the drift in `[0, 1]` at step `k` for a failure at `start`.
    #[inline]
    pub fn progress(&self, k: i64, start: i64) -> f64 {
        if k < self.onset || k >= start {
            return 0.0;
        }
        let tau = (k - self.onset) as f64 / (start - self.onset) as f64;
        ((self.shape * tau).exp() - 1.0) / (self.shape.exp() - 1.0)
    }
}

/// Per-component failure statistics.
struct ComponentSpec {
    component: Component,
    /// Relative frequency among failures.
    weight: f64,
    /// Repair downtime range (days).
    downtime_days: (f64, f64),
    /// Precursor amplitude range (°C at failure, full drive).
    amplitude_c: (f64, f64),
    actions: &'static [&'static str],
}

const COMPONENTS: [ComponentSpec; 6] = [
    ComponentSpec {
        component: Component::GearboxBearing,
        weight: 0.22,
        downtime_days: (3.0, 10.0),
        amplitude_c: (10.0, 30.0),
        actions: &[
            "replaced gearbox HSS bearing",
            "replaced gearbox IMS bearing",
            "replaced HSS bearing and flushed gearbox oil",
        ],
    },
    ComponentSpec {
        component: Component::GeneratorBearing,
        weight: 0.18,
        downtime_days: (2.0, 6.0),
        amplitude_c: (10.0, 28.0),
        actions: &[
            "replaced generator drive-end bearing",
            "replaced generator DE and NDE bearings",
            "replaced generator bearing and realigned coupling",
        ],
    },
    ComponentSpec {
        component: Component::GeneratorWinding,
        weight: 0.15,
        downtime_days: (5.0, 10.0),
        amplitude_c: (15.0, 45.0),
        actions: &[
            "rewound generator stator",
            "replaced generator (up-tower exchange)",
        ],
    },
    ComponentSpec {
        component: Component::PitchHydraulic,
        weight: 0.20,
        downtime_days: (1.0, 3.0),
        amplitude_c: (6.0, 20.0),
        actions: &[
            "replaced pitch hydraulic pump",
            "replaced pitch cylinder seals",
            "replaced hydraulic accumulator and refilled oil",
            "repaired hydraulic leak and refilled oil",
        ],
    },
    ComponentSpec {
        component: Component::Converter,
        weight: 0.18,
        downtime_days: (1.0, 4.0),
        amplitude_c: (8.0, 25.0),
        actions: &[
            "replaced IGBT module",
            "replaced converter cooling pump",
            "replaced converter control board",
        ],
    },
    ComponentSpec {
        component: Component::Transformer,
        weight: 0.07,
        downtime_days: (4.0, 10.0),
        amplitude_c: (10.0, 30.0),
        actions: &[
            "replaced HV transformer",
            "repaired transformer bushing and tested insulation",
        ],
    },
];

/// Repair downtime range of a component, in days.
#[cfg(test)]
pub(crate) fn downtime_range(c: Component) -> (f64, f64) {
    COMPONENTS
        .iter()
        .find(|s| s.component == c)
        .map(|s| s.downtime_days)
        .unwrap_or((0.0, 0.0))
}

/// Everything about the fleet that is not a per-step value.
#[derive(Debug, Clone)]
pub(crate) struct FleetPlan {
    pub sites: Vec<SitePlan>,
    pub turbines: Vec<TurbinePlan>,
    /// Number of 10-minute steps of the period.
    pub steps: i64,
}

impl FleetPlan {
    /// Builds the plan of a validated configuration.
    pub fn build(cfg: &SimConfig) -> FleetPlan {
        let steps = i64::from(cfg.days) * STEPS_PER_DAY;
        let start_day = cfg.start.div_euclid(86_400);
        let sites = match &cfg.site {
            Some(spec) => vec![custom_site(cfg.seed, spec, cfg.turbines, start_day)],
            None => generated_sites(cfg.seed, cfg.turbines, start_day),
        };
        let mut turbines = Vec::with_capacity(cfg.turbines);
        for (si, site) in sites.iter().enumerate() {
            let width = digits(site.count).max(2);
            let rows = site.count.div_ceil(site.per_row);
            let d = site.model.rotor_d_m;
            // Rows run perpendicular to the prevailing wind.
            let row_dir = (site.dir_primary + 90.0).to_radians();
            let (sin_r, cos_r) = row_dir.sin_cos();
            let m_per_deg_lat = 111_320.0;
            let m_per_deg_lon = 111_320.0 * site.latitude.to_radians().cos().max(0.05);
            for local in 0..site.count {
                let index = turbines.len();
                let h = hash3(cfg.seed, domain::LAYOUT, ((si as u64) << 32) | local as u64);
                let (r, c) = (local / site.per_row, local % site.per_row);
                let along = (c as f64 - (site.per_row - 1) as f64 / 2.0) * 4.0 * d
                    + (hash_unit(h) - 0.5) * 1.0 * d;
                let across = (r as f64 - (rows - 1) as f64 / 2.0) * 9.0 * d
                    + (hash_unit(mix64(h)) - 0.5) * 3.0 * d;
                let x_m = along * sin_r + across * cos_r;
                let y_m = along * cos_r - across * sin_r;
                let latitude = (site.latitude + y_m / m_per_deg_lat).clamp(-89.9, 89.9);
                let longitude =
                    (site.longitude + x_m / m_per_deg_lon + 180.0).rem_euclid(360.0) - 180.0;
                let commissioning_day =
                    site.commissioning_day + (hash_unit(mix64(h ^ 0x55)) * 45.0) as i64;
                turbines.push(TurbinePlan {
                    site: si,
                    local,
                    id: format!("{}-{:0width$}", site.code, local + 1),
                    x_m,
                    y_m,
                    latitude,
                    longitude,
                    commissioning_day,
                    failures: plan_failures(
                        cfg.seed,
                        index as u64,
                        steps,
                        cfg.failure_rate_per_year,
                    ),
                });
            }
        }
        assign_precursor_share(cfg.seed, &mut turbines);
        FleetPlan {
            sites,
            turbines,
            steps,
        }
    }

    /// Number of failures in the period.
    pub fn failure_count(&self) -> usize {
        self.turbines.iter().map(|t| t.failures.len()).sum()
    }

    /// Number of failures without a precursor.
    pub fn failures_without_precursor(&self) -> usize {
        self.turbines
            .iter()
            .flat_map(|t| &t.failures)
            .filter(|f| f.precursor.is_none())
            .count()
    }
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}

/// Layout: turbines per row for a site of `count` turbines (a few rows of a few turbines).
fn per_row(count: usize) -> usize {
    ((2.0 * count as f64).sqrt().ceil() as usize).clamp(1, count.max(1))
}

fn generated_sites(seed: u64, turbines: usize, start_day: i64) -> Vec<SitePlan> {
    let mut rng = SimRng::stream(seed, domain::SITES, 0);
    let mut sizes = Vec::new();
    let mut left = turbines;
    while left > 0 {
        let size = (8 + rng.below(MAX_SITE_SIZE as u64 - 7) as usize).min(left);
        sizes.push(size);
        left -= size;
    }
    let width = digits(sizes.len()).max(2);
    let mut first = 0;
    let mut sites = Vec::with_capacity(sizes.len());
    for (i, &count) in sizes.iter().enumerate() {
        let (place, lat, lon) = PLACES[i % PLACES.len()];
        let round = i / PLACES.len();
        let (jlat, jlon) = (rng.range(-0.25, 0.25), rng.range(-0.35, 0.35));
        let (name, latitude, longitude) = if round == 0 {
            (place.to_string(), lat, lon)
        } else {
            (format!("{place} {}", round + 1), lat + jlat, lon + jlon)
        };
        let m = KNOWN_MODELS[rng.weighted(&MODEL_WEIGHTS)];
        let dir_primary = rng.range(190.0, 280.0);
        let dir_secondary = super::num::wrap360(dir_primary + 180.0 + rng.range(-40.0, 40.0));
        sites.push(SitePlan {
            name,
            code: format!("S{:0width$}", i + 1),
            latitude,
            longitude,
            model: Model::for_name(m.0, m.1),
            first,
            count,
            commissioning_day: start_day - 730 - rng.below(12 * 365) as i64,
            mean_wind: rng.range(6.5, 7.5),
            dir_primary,
            dir_secondary,
            per_row: per_row(count),
        });
        first += count;
    }
    sites
}

fn custom_site(seed: u64, spec: &SiteSpec, turbines: usize, start_day: i64) -> SitePlan {
    let mut rng = SimRng::stream(seed, domain::SITES, 1);
    let dir_primary = rng.range(160.0, 280.0);
    let dir_secondary = super::num::wrap360(dir_primary + 180.0 + rng.range(-40.0, 40.0));
    SitePlan {
        name: spec.name.trim().to_string(),
        code: spec.code.trim().to_string(),
        latitude: spec.latitude,
        longitude: spec.longitude,
        model: Model::for_name(spec.model.trim(), spec.rated_power_kw),
        first: 0,
        count: turbines,
        commissioning_day: start_day - 730 - rng.below(12 * 365) as i64,
        mean_wind: 7.0,
        dir_primary,
        dir_secondary,
        per_row: per_row(turbines),
    }
}

/// Poisson failures of one turbine over `steps` steps; the turbine cannot fail while it is
/// being repaired.
fn plan_failures(seed: u64, turbine: u64, steps: i64, rate_per_year: f64) -> Vec<Failure> {
    let mut out = Vec::new();
    if rate_per_year <= 0.0 {
        return out;
    }
    let mut rng = SimRng::stream(seed, domain::FAILURES, turbine);
    let mean_gap = 365.25 * STEPS_PER_DAY as f64 / rate_per_year;
    let weights: Vec<f64> = COMPONENTS.iter().map(|c| c.weight).collect();
    let mut free_from: Option<i64> = None;
    loop {
        let t = free_from.unwrap_or(0) as f64 + rng.exp(mean_gap);
        if t >= steps as f64 {
            break;
        }
        let start = t.floor() as i64;
        // Every parameter is drawn whether or not it is used, so streams stay aligned.
        let spec = &COMPONENTS[rng.weighted(&weights)];
        let downtime = (rng.range(spec.downtime_days.0, spec.downtime_days.1)
            * STEPS_PER_DAY as f64)
            .round() as i64;
        let wait = ((rng.lognormal(10.0, 0.7).clamp(1.0, 48.0) * 6.0).round() as i64)
            .clamp(1, (downtime / 2).max(1));
        let action = spec.actions[rng.below(spec.actions.len() as u64) as usize];
        let lead_days = rng.lognormal(13.0, 0.55).clamp(2.0, 45.0);
        let amplitude_c = rng.range(spec.amplitude_c.0, spec.amplitude_c.1);
        let shape = rng.range(2.0, 4.5);
        let vib = rng.uniform();
        let deficit = rng.uniform();
        let pitch = rng.uniform();
        let (vibration_mm_s, power_deficit, pitch_offset_deg) = match spec.component {
            Component::GearboxBearing => (1.5 + 4.5 * vib, 0.0, 0.0),
            Component::GeneratorBearing => (1.0 + 3.0 * vib, 0.0, 0.0),
            Component::PitchHydraulic => (0.0, 0.03 + 0.07 * deficit, 1.0 + 3.0 * pitch),
            Component::Converter => (0.0, 0.01 + 0.03 * deficit, 0.0),
            _ => (0.0, 0.0, 0.0),
        };
        let onset = (start - (lead_days * STEPS_PER_DAY as f64).round() as i64)
            .max(free_from.unwrap_or(i64::MIN));
        // A failure right after a repair has no time to announce itself.
        let precursor = (start - onset >= 12).then_some(Precursor {
            onset,
            amplitude_c,
            shape,
            vibration_mm_s,
            power_deficit,
            pitch_offset_deg,
        });
        let end = start + downtime.max(6);
        out.push(Failure {
            component: spec.component,
            start,
            repair_start: start + wait,
            end,
            action,
            precursor,
        });
        free_from = Some(end);
    }
    out
}

/// Removes the precursor of a random 7 in every 25 failures of the fleet (turbine order, then
/// time), and of at least 28 % of a last, incomplete block, so that at least a quarter of the
/// failures come without warning whatever the fleet size.
fn assign_precursor_share(seed: u64, turbines: &mut [TurbinePlan]) {
    let mut rng = SimRng::stream(seed, domain::PRECURSOR_SHARE, 0);
    let mut all: Vec<&mut Failure> = turbines
        .iter_mut()
        .flat_map(|t| t.failures.iter_mut())
        .collect();
    for block in all.chunks_mut(PRECURSOR_BLOCK) {
        let m = block.len();
        let k = if m == PRECURSOR_BLOCK {
            NO_PRECURSOR_PER_BLOCK
        } else {
            (m * NO_PRECURSOR_PER_BLOCK).div_ceil(PRECURSOR_BLOCK)
        };
        let mut idx: Vec<usize> = (0..m).collect();
        for i in 0..k {
            let j = i + rng.below((m - i) as u64) as usize;
            idx.swap(i, j);
            block[idx[i]].precursor = None;
        }
    }
}
