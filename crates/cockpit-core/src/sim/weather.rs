//! Site weather: hub-height wind speed and direction and ambient temperature of one site, shared
//! by its turbines, and the site-wide events (grid curtailments, communication outages).

use std::f64::consts::TAU;

use chrono::Datelike;

use crate::schema;

use super::fleet::{SitePlan, STEPS_PER_DAY};
use super::num::{angle_diff, normal_sf, wrap360};
use super::rng::{domain, SimRng};

/// The turbine is stopped on purpose (curtailment, grid request).
pub(crate) const FLAG_STOP: u8 = 1;
/// No record reaches the SCADA server (communication outage).
pub(crate) const FLAG_COMM: u8 = 2;

/// Weather and events of one site, one value per 10-minute step.
pub(crate) struct SiteWeather {
    /// Free-stream 10-minute mean wind speed at hub height (m/s).
    pub wind: Vec<f64>,
    /// Mean wind direction (degrees from north).
    pub dir: Vec<f64>,
    /// Ambient temperature (°C).
    pub ambient: Vec<f64>,
    /// Site-wide [`FLAG_STOP`] / [`FLAG_COMM`] flags.
    pub flags: Vec<u8>,
}

/// Discrete Ornstein–Uhlenbeck step coefficients `(φ, sqrt(1 − φ²))` for a time constant in
/// hours, so that a unit-variance process stays unit-variance.
pub(crate) fn ou(tau_hours: f64) -> (f64, f64) {
    let phi = (-600.0 / (tau_hours * 3600.0)).exp();
    (phi, (1.0 - phi * phi).sqrt())
}

/// Marks random episodes in `flags`: a Poisson process of `per_day` episodes a day, each lasting
/// a log-normal number of steps (median, log-sd, clamped to `[min, max]`).
pub(crate) fn mark_episodes(
    flags: &mut [u8],
    rng: &mut SimRng,
    per_day: f64,
    median_steps: f64,
    sigma: f64,
    (min, max): (f64, f64),
    flag: u8,
) {
    let mean_gap = STEPS_PER_DAY as f64 / per_day;
    let mut t = rng.exp(mean_gap);
    while t < flags.len() as f64 {
        let len = rng.lognormal(median_steps, sigma).clamp(min, max).round() as usize;
        let from = t as usize;
        let to = (from + len).min(flags.len());
        for f in &mut flags[from..to] {
            *f |= flag;
        }
        t += len as f64 + rng.exp(mean_gap);
    }
}

impl SiteWeather {
    /// The weather of site `index` over `steps` steps from `start`.
    pub fn generate(
        seed: u64,
        index: usize,
        site: &SitePlan,
        start: i64,
        steps: usize,
    ) -> SiteWeather {
        let mut rng = SimRng::stream(seed, domain::WEATHER, index as u64);
        let lat = site.latitude;
        let south = lat < 0.0;
        // Climate: annual mean and seasonal half-range by latitude (Lyon ≈ 12.4 ± 9.6 °C).
        let clim_mean = 28.5 - 0.0077 * lat * lat;
        let season_amp = (0.5 + 0.2 * lat.abs()).min(16.0);
        // Weibull k = 2 marginal with the site mean: λ = mean / Γ(1.5).
        let lambda = site.mean_wind / 0.886_226_925;
        let solar_offset_h = site.longitude / 15.0;

        let (phi_syn, sq_syn) = ou(60.0); // synoptic systems, days
        let (phi_fast, sq_fast) = ou(2.0); // mesoscale gusts and lulls, hours
        let (phi_temp, sq_temp) = ou(72.0); // warm and cold spells
        let (phi_dev, sq_dev) = ou(12.0); // direction wobble
        let mut x_syn = rng.normal();
        let mut x_fast = rng.normal();
        let mut t_anom = rng.normal();
        let mut dir_dev = rng.normal();
        let mut primary = rng.chance(0.67);
        let mut dir_mean = if primary {
            site.dir_primary
        } else {
            site.dir_secondary
        };

        let mut wind = Vec::with_capacity(steps);
        let mut dir = Vec::with_capacity(steps);
        let mut ambient = Vec::with_capacity(steps);
        let mut day_of_year = 0.0;
        let mut current_day = i64::MIN;
        for k in 0..steps {
            let t = start + k as i64 * schema::RECORD_SECONDS;
            let day = t.div_euclid(86_400);
            let sod = t.rem_euclid(86_400) as f64;
            if day != current_day {
                current_day = day;
                day_of_year =
                    chrono::DateTime::from_timestamp(t, 0).map_or(0.0, |d| f64::from(d.ordinal0()));
            }
            // 1 in mid-January (mid-July in the southern hemisphere): winter.
            let mut winter = (TAU * (day_of_year + sod / 86_400.0 - 15.0) / 365.25).cos();
            if south {
                winter = -winter;
            }
            let solar_h = (sod / 3600.0 + solar_offset_h).rem_euclid(24.0);
            let afternoon = (TAU * (solar_h - 15.0) / 24.0).cos();

            // Wind speed: Gaussian state mapped onto the Weibull law, then seasonal and diurnal.
            let x = 0.85 * x_syn + 0.526_8 * x_fast;
            let q = normal_sf(x).max(1e-12);
            let v = lambda * (-q.ln()).sqrt() * (1.0 + 0.12 * winter) * (1.0 + 0.06 * afternoon);
            wind.push(v.clamp(0.0, 45.0));

            // Ambient temperature: season, diurnal cycle damped by wind, weather anomaly.
            let diurnal_amp =
                (4.0 - 1.5 * winter) * (1.0 - 0.5 * ((v - 4.0) / 10.0).clamp(0.0, 1.0));
            let temp = clim_mean - season_amp * winter + diurnal_amp * afternoon + 3.0 * t_anom;
            ambient.push(temp.clamp(-45.0, 55.0));

            // Direction: two regimes (prevailing / secondary), veering slowly between them.
            let target = if primary {
                site.dir_primary
            } else {
                site.dir_secondary
            };
            dir_mean = wrap360(dir_mean + 0.02 * angle_diff(dir_mean, target));
            dir.push(wrap360(dir_mean + 25.0 * dir_dev));

            x_syn = phi_syn * x_syn + sq_syn * rng.normal();
            x_fast = phi_fast * x_fast + sq_fast * rng.normal();
            t_anom = phi_temp * t_anom + sq_temp * rng.normal();
            dir_dev = phi_dev * dir_dev + sq_dev * rng.normal();
            // Mean regime durations: 4 days prevailing, 2 days secondary.
            let switch = if primary {
                1.0 / (4.0 * 144.0)
            } else {
                1.0 / (2.0 * 144.0)
            };
            if rng.chance(switch) {
                primary = !primary;
            }
        }

        let mut flags = vec![0u8; steps];
        let mut ev = SimRng::stream(seed, domain::SITE_EVENTS, index as u64);
        // Grid curtailment of the whole site: every ~40 days, 30 min to 12 h.
        mark_episodes(
            &mut flags,
            &mut ev,
            1.0 / 40.0,
            12.0,
            0.6,
            (3.0, 72.0),
            FLAG_STOP,
        );
        // Site communication link down: every ~30 days, 10 min to 12 h.
        mark_episodes(
            &mut flags,
            &mut ev,
            1.0 / 30.0,
            9.0,
            0.8,
            (1.0, 72.0),
            FLAG_COMM,
        );
        SiteWeather {
            wind,
            dir,
            ambient,
            flags,
        }
    }
}
