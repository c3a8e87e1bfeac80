//! One turbine, step by step: wind at the rotor, controller, power curve, drivetrain speeds,
//! pitch, thermal model, vibration, failures and their precursors, sensor artefacts, and the
//! CSV rows.

use crate::schema::{self, Component, Status, SIGNALS};

use super::artefacts::Artefacts;
use super::channels::{
    AMB, CONV, DIR, GBB, GEN, GENB, HYD, NAC, N_SIGNALS, OIL, PITCH, POWER, ROTOR, TRAFO, VIB, WDG,
    WIND,
};
use super::fleet::{FleetPlan, TurbinePlan};
use super::num::{wrap360, Line};
use super::rng::{domain, SimRng};
use super::weather::{mark_episodes, ou, SiteWeather, FLAG_COMM, FLAG_STOP};

/// Decimals written for each signal.
const DECIMALS: [usize; N_SIGNALS] = [2, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2];

/// Thermal parts, in signal order from [`NAC`] to [`TRAFO`]: time constants (hours).
const N_THERMAL: usize = 8;
const TAU_HOURS: [f64; N_THERMAL] = [1.5, 2.5, 1.0, 1.5, 1.0, 3.0, 0.5, 2.5];

/// Shared, read-only context of a run.
pub(crate) struct Ctx<'a> {
    pub plan: &'a FleetPlan,
    pub seed: u64,
    pub start: i64,
    /// Communication gaps, missing values, stuck sensors and spikes (off only in tests).
    pub artefacts: bool,
}

/// Operating mode chosen by the controller for a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Producing, or waiting for wind.
    Run,
    /// Stopped on purpose: storm (cut-out) or curtailment.
    Stop,
    /// Failed, waiting for the technicians.
    Fault,
    /// Under repair.
    Repair,
}

impl Mode {
    fn status(self) -> Status {
        match self {
            Mode::Run => Status::Running,
            Mode::Stop => Status::Stopped,
            Mode::Fault => Status::Fault,
            Mode::Repair => Status::Maintenance,
        }
    }
}

/// Storm control with hysteresis, on the measured wind: stop at cut-out, restart below the
/// restart speed.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StormControl {
    pub stopped: bool,
}

impl StormControl {
    /// Updates the state with this step's measured wind; `true` while storm-stopped.
    pub fn update(&mut self, wind_ms: f64, cut_out: f64, restart: f64) -> bool {
        if self.stopped {
            if wind_ms < restart {
                self.stopped = false;
            }
        } else if wind_ms >= cut_out {
            self.stopped = true;
        }
        self.stopped
    }
}

/// Normalised power curve in `[0, 1]`: zero below cut-in, cubic rise, smooth knee at rated.
#[inline]
pub(crate) fn power_curve(v: f64, cut_in: f64, rated: f64, efficiency: f64) -> f64 {
    if v < cut_in {
        return 0.0;
    }
    let ci3 = cut_in * cut_in * cut_in;
    let x = (v * v * v - ci3) / (rated * rated * rated - ci3) * efficiency;
    let x2 = x * x;
    let x4 = x2 * x2;
    let x8 = x4 * x4;
    // x / (1 + x⁸)^(1/8)
    x / (1.0 + x8).sqrt().sqrt().sqrt()
}

/// Wake strength scaling with wind speed: thrust (hence wake) drops above rated.
#[inline]
fn thrust_scale(v: f64) -> f64 {
    if v <= 8.0 {
        1.0
    } else {
        (1.0 - 0.75 * (v - 8.0) / 8.0).max(0.25)
    }
}

/// Wake deficit of a turbine for 36 wind-direction sectors of 10° (Jensen-like top-hat growth
/// with a Gaussian cross profile, root-sum-square combination), from its neighbours.
fn wake_table(plan: &FleetPlan, t: &TurbinePlan) -> [f64; 36] {
    let site = &plan.sites[t.site];
    let d = site.model.rotor_d_m;
    let (r, c) = (
        (t.local / site.per_row) as i64,
        (t.local % site.per_row) as i64,
    );
    let mut neighbours = Vec::new();
    for rr in r - 1..=r + 1 {
        for cc in c - 5..=c + 5 {
            if rr < 0 || cc < 0 || cc >= site.per_row as i64 {
                continue;
            }
            let local = (rr * site.per_row as i64 + cc) as usize;
            if local >= site.count || local == t.local {
                continue;
            }
            let o = &plan.turbines[site.first + local];
            neighbours.push((o.x_m - t.x_m, o.y_m - t.y_m));
        }
    }
    let mut table = [0.0; 36];
    for (b, slot) in table.iter_mut().enumerate() {
        let (ux, uy) = (b as f64 * 10.0).to_radians().sin_cos();
        let mut sum = 0.0;
        for &(dx, dy) in &neighbours {
            let s = dx * ux + dy * uy; // distance upstream
            if s <= 0.5 * d {
                continue;
            }
            let cross = (dx * uy - dy * ux).abs();
            let rw = 0.5 * d + 0.075 * s;
            let a = 0.55 * (d / (d + 0.15 * s)).powi(2);
            let prof = (-0.5 * (cross / (0.5 * rw)).powi(2)).exp();
            sum += (a * prof).powi(2);
        }
        *slot = sum.sqrt().min(0.45);
    }
    table
}

#[inline]
fn wake_at(table: &[f64; 36], dir: f64) -> f64 {
    let x = dir / 10.0;
    let i = x.floor();
    let f = x - i;
    let i = (i as usize) % 36;
    table[i] * (1.0 - f) + table[(i + 1) % 36] * f
}

/// Soft limit: above `at`, only `keep` of the excess remains (coolers); below, heaters.
#[inline]
fn soft_cap(x: f64, at: f64, keep: f64) -> f64 {
    if x > at {
        at + (x - at) * keep
    } else {
        x
    }
}

#[inline]
fn soft_floor(x: f64, at: f64, keep: f64) -> f64 {
    if x < at {
        at - (at - x) * keep
    } else {
        x
    }
}

/// Constant properties of one turbine.
struct Params {
    terrain: f64,
    calib: f64,
    efficiency: f64,
    rated_ms: f64,
    fine_pitch: f64,
    park_pitch: f64,
    yaw_offset: f64,
    aux_kw: f64,
    amb_offset: f64,
    vib_factor: f64,
    offset: [f64; N_THERMAL],
    gain: [f64; N_THERMAL],
    noise_sd: [f64; N_THERMAL],
}

impl Params {
    fn draw(seed: u64, index: usize, rated_ms: f64, rated_kw: f64) -> Params {
        let mut r = SimRng::stream(seed, domain::TURBINE_PARAMS, index as u64);
        let mut offset = [0.0; N_THERMAL];
        let mut gain = [0.0; N_THERMAL];
        let mut noise_sd = [0.0; N_THERMAL];
        for i in 0..N_THERMAL {
            offset[i] = (1.5 * r.normal()).clamp(-4.0, 4.0);
            gain[i] = (1.0 + 0.06 * r.normal()).clamp(0.85, 1.15);
            noise_sd[i] = r.range(0.15, 0.4);
        }
        Params {
            terrain: (1.0 + 0.025 * r.normal()).clamp(0.94, 1.06),
            calib: (1.0 + 0.01 * r.normal()).clamp(0.97, 1.03),
            efficiency: (1.0 + 0.015 * r.normal()).clamp(0.95, 1.03),
            rated_ms: rated_ms + (0.2 * r.normal()).clamp(-0.5, 0.5),
            fine_pitch: (0.5 + 0.4 * r.normal()).clamp(-0.5, 1.5),
            park_pitch: r.range(86.5, 89.0),
            yaw_offset: 3.0 * r.normal(),
            aux_kw: rated_kw * r.range(0.002, 0.005),
            amb_offset: 0.3 * r.normal(),
            vib_factor: (0.15 * r.normal()).exp(),
            offset,
            gain,
            noise_sd,
        }
    }
}

/// `HH:MM:00Z` of the 144 slots of a day.
fn time_of_day_table() -> [[u8; 9]; 144] {
    let mut t = [[0u8; 9]; 144];
    for (i, slot) in t.iter_mut().enumerate() {
        let (h, m) = (i / 6, (i % 6) * 10);
        *slot = [
            b'0' + (h / 10) as u8,
            b'0' + (h % 10) as u8,
            b':',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b':',
            b'0',
            b'0',
            b'Z',
        ];
    }
    t
}

/// Simulates turbine `index` over the whole period, appending its CSV rows (no header) to
/// `out`. Returns the number of rows written.
pub(crate) fn simulate_turbine(
    ctx: &Ctx<'_>,
    index: usize,
    weather: &SiteWeather,
    out: &mut Vec<u8>,
) -> u64 {
    let plan = ctx.plan;
    let tp = &plan.turbines[index];
    let model = &plan.sites[tp.site].model;
    let steps = plan.steps;
    let rated_kw = model.rated_kw;
    let p = Params::draw(ctx.seed, index, model.rated_ms, rated_kw);
    let wake = wake_table(plan, tp);
    let alpha: [f64; N_THERMAL] = TAU_HOURS.map(|h| 1.0 - (-600.0 / (h * 3600.0)).exp());

    // Turbine events: own stops (service visits, local curtailment) every ~30 days, 20 min to
    // 8 h; own communication losses every ~10 days, 10 min to 18 h (median 40 min).
    let mut flags = vec![0u8; steps as usize];
    let mut ev = SimRng::stream(ctx.seed, domain::TURBINE_EVENTS, index as u64);
    mark_episodes(
        &mut flags,
        &mut ev,
        1.0 / 30.0,
        18.0,
        0.8,
        (2.0, 48.0),
        FLAG_STOP,
    );
    mark_episodes(
        &mut flags,
        &mut ev,
        1.0 / 10.0,
        4.0,
        1.0,
        (1.0, 108.0),
        FLAG_COMM,
    );
    let mut artefacts = ctx
        .artefacts
        .then(|| Artefacts::new(ctx.seed, index, steps));

    let mut rng = SimRng::stream(ctx.seed, domain::TURBINE_NOISE, index as u64);
    let (phi_turb, sq_turb) = ou(0.5);
    let mut turb = rng.normal();
    let mut storm = StormControl::default();
    let mut temps = [0.0; N_THERMAL];
    let tod = time_of_day_table();
    let mut prefix = [0u8; 11];
    let id = tp.id.as_bytes();
    let failures = &tp.failures;
    let mut fi = 0;
    let mut rows = 0u64;
    let mut line = Line::new();

    for k in 0..steps {
        let ks = k as usize;
        let slot = ks % 144;
        if slot == 0 || k == 0 {
            let mut tmp = Vec::with_capacity(20);
            schema::write_timestamp(&mut tmp, ctx.start + k * schema::RECORD_SECONDS);
            prefix.copy_from_slice(&tmp[..11]);
        }

        // --- wind at the rotor and as measured by the nacelle anemometer / vane
        let v_free = weather.wind[ks];
        let dir_free = weather.dir[ks];
        turb = phi_turb * turb + sq_turb * rng.normal();
        let deficit = wake_at(&wake, dir_free) * thrust_scale(v_free);
        let v = (v_free * p.terrain * (1.0 - deficit) * (1.0 + 0.07 * turb) + 0.08 * rng.normal())
            .max(0.0);
        let v_meas = (v * p.calib + 0.1 * rng.normal()).clamp(0.0, 59.0);
        let dir_meas = wrap360(dir_free + p.yaw_offset + 3.0 * rng.normal());

        // --- failures and precursors
        while fi < failures.len() && k >= failures[fi].end {
            fi += 1;
        }
        let current = failures.get(fi);
        let mut drift = None;
        let mut mode = Mode::Run;
        if let Some(f) = current {
            if k >= f.start {
                mode = if k >= f.repair_start {
                    Mode::Repair
                } else {
                    Mode::Fault
                };
            } else if let Some(pre) = &f.precursor {
                if k >= pre.onset {
                    drift = Some((f.component, pre, pre.progress(k, f.start)));
                }
            }
        }
        let storm_stop = storm.update(v_meas, model.cut_out_ms, model.restart_ms);
        if mode == Mode::Run && (storm_stop || (flags[ks] | weather.flags[ks]) & FLAG_STOP != 0) {
            mode = Mode::Stop;
        }
        let (mut pitch_offset, mut deficit_pitch, mut deficit_conv) = (0.0, 0.0, 0.0);
        if let Some((c, pre, g)) = drift {
            match c {
                Component::PitchHydraulic => {
                    pitch_offset = g * pre.pitch_offset_deg;
                    deficit_pitch = g * pre.power_deficit;
                }
                Component::Converter => deficit_conv = g * pre.power_deficit,
                _ => {}
            }
        }

        // --- controller: power, rotor speed, pitch
        let aux = p.aux_kw * (1.0 + 0.15 * rng.normal());
        let (power, rotor, pitch) = match mode {
            Mode::Run if v_meas >= model.cut_in_ms => {
                let mut pn = power_curve(v, model.cut_in_ms, p.rated_ms, p.efficiency);
                pn *= 1.0 - deficit_pitch * (0.3 + 0.7 * pn);
                pn *= 1.0 - deficit_conv;
                let sd = rated_kw * (0.006 + 0.03 * (pn * (1.0 - pn)).max(0.0).sqrt());
                let power = (rated_kw * pn + sd * rng.normal()).clamp(-aux.abs(), rated_kw * 1.015);
                let track = model.rated_rpm * v / (0.8 * p.rated_ms);
                let rotor =
                    track.clamp(model.min_rpm, model.rated_rpm) * (1.0 + 0.005 * rng.normal());
                let above = v - (p.rated_ms - 0.5);
                let feather = if above > 0.0 {
                    3.2 * above.powf(0.85)
                } else {
                    0.0
                };
                // A degrading pitch system lags and hunts: offset and extra scatter.
                let pitch_sd = 0.25 + 0.03 * feather + 0.3 * pitch_offset;
                let pitch =
                    (p.fine_pitch + feather + pitch_offset + pitch_sd * rng.normal()).max(-2.0);
                (power, rotor, pitch)
            }
            Mode::Run => {
                // Waiting for wind: idling slowly, blades moving from idle pitch to fine pitch.
                let rotor = (0.4 * model.min_rpm * v_meas / model.cut_in_ms
                    * (1.0 + 0.15 * rng.normal()))
                .max(0.0);
                let idle = ((model.cut_in_ms - v_meas) / 1.5).clamp(0.0, 1.0);
                let pitch = p.fine_pitch + 1.5 + 43.0 * idle + rng.normal();
                (-aux, rotor, pitch)
            }
            Mode::Stop => {
                let rotor = (0.02 * v * (1.0 + 0.3 * rng.normal())).clamp(0.0, 2.0);
                (-aux, rotor, p.park_pitch + 0.3 * rng.normal())
            }
            Mode::Fault => (-aux, 0.0, p.park_pitch + 0.05 * rng.normal()),
            Mode::Repair => (-1.3 * aux, 0.0, p.park_pitch + 0.05 * rng.normal()),
        };
        let generator = rotor * model.gearbox_ratio * (1.0 + 0.002 * rng.normal());
        let power = power.min(rated_kw * 1.015);
        let load = (power / rated_kw).clamp(0.0, 1.0);
        let rf = (rotor / model.rated_rpm).clamp(0.0, 1.2);
        let pitch_activity = if mode == Mode::Run {
            ((pitch - p.fine_pitch) / 15.0).clamp(0.0, 1.0)
        } else {
            0.0
        };

        // --- thermal model: first-order lags toward load-dependent targets
        let amb = weather.ambient[ks];
        let mut extra = [0.0; N_THERMAL];
        let mut vib_extra = 0.0;
        if let Some((c, pre, g)) = drift {
            let a = pre.amplitude_c * g;
            match c {
                Component::GearboxBearing => {
                    extra[GBB - NAC] = a * (0.2 + 0.8 * rf);
                    extra[OIL - NAC] = 0.3 * a * (0.2 + 0.8 * rf);
                    vib_extra = pre.vibration_mm_s * g * rf;
                }
                Component::GeneratorBearing => {
                    extra[GENB - NAC] = a * (0.2 + 0.8 * rf);
                    vib_extra = pre.vibration_mm_s * g * rf;
                }
                Component::GeneratorWinding => extra[WDG - NAC] = a * (0.4 + 0.6 * load),
                Component::PitchHydraulic => extra[HYD - NAC] = a * (0.6 + 0.4 * pitch_activity),
                Component::Converter => extra[CONV - NAC] = a * (0.45 + 0.55 * load),
                Component::Transformer => extra[TRAFO - NAC] = a * (0.45 + 0.55 * load),
            }
        }
        let g = &p.gain;
        let o = &p.offset;
        let nac_target = soft_floor(amb + 3.5 + 9.0 * g[0] * load, 8.0, 0.35) + 0.3 * o[0];
        let relax = |t: &mut f64, target: f64, a: f64| {
            if k == 0 {
                *t = target;
            } else {
                *t += a * (target - *t);
            }
        };
        relax(&mut temps[0], nac_target, alpha[0]);
        let nac = temps[0];
        let oil_target = soft_floor(
            soft_cap(nac + 6.0 + 36.0 * g[1] * load, 58.0, 0.3),
            12.0,
            0.3,
        ) + o[1]
            + extra[1];
        relax(&mut temps[1], oil_target, alpha[1]);
        let targets = [
            temps[1] + 3.0 + 13.0 * g[2] * rf + o[2] + extra[2],
            nac + 5.0 + 25.0 * g[3] * rf + o[3] + extra[3],
            nac + 6.0 + 22.0 * load + 50.0 * g[4] * load * load + o[4] + extra[4],
            soft_floor(
                nac + 10.0 + 5.0 * load + 10.0 * g[5] * pitch_activity,
                15.0,
                0.3,
            ) + o[5]
                + extra[5],
            soft_cap(
                nac + 4.0 + 16.0 * load + 8.0 * g[6] * load * load,
                55.0,
                0.5,
            ) + o[6]
                + extra[6],
            amb + 6.0 + 18.0 * load + 32.0 * g[7] * load * load + o[7] + extra[7],
        ];
        for (i, target) in targets.into_iter().enumerate() {
            relax(&mut temps[i + 2], target, alpha[i + 2]);
        }

        // --- vibration
        let mut vib = p.vib_factor
            * (0.12 + 1.9 * rf * rf + 0.5 * load + 0.35 * rf * turb.abs())
            * (1.0 + 0.1 * rng.normal());
        if vib_extra > 0.0 {
            vib += vib_extra * (1.0 + 0.2 * rng.normal());
        }

        // --- measured values
        let mut vals = [0.0; N_SIGNALS];
        vals[WIND] = v_meas;
        vals[DIR] = dir_meas;
        vals[POWER] = power;
        vals[ROTOR] = rotor;
        vals[GEN] = generator;
        vals[PITCH] = pitch;
        vals[AMB] = amb + p.amb_offset + 0.15 * rng.normal();
        for i in 0..N_THERMAL {
            vals[NAC + i] = temps[i] + p.noise_sd[i] * rng.normal();
        }
        vals[VIB] = vib.max(0.01);

        let mut missing = [false; N_SIGNALS];
        if let Some(a) = artefacts.as_mut() {
            a.apply(k, &mut vals, &mut missing);
            if (flags[ks] | weather.flags[ks]) & FLAG_COMM != 0 {
                continue;
            }
        }

        // --- the CSV row
        line.clear();
        line.extend(&prefix);
        line.extend(&tod[slot]);
        line.push(b',');
        line.extend(id);
        for (s, sig) in SIGNALS.iter().enumerate() {
            line.push(b',');
            if !missing[s] {
                line.fixed(vals[s].clamp(sig.min, sig.max), DECIMALS[s]);
            }
        }
        line.push(b',');
        line.extend(mode.status().as_str().as_bytes());
        line.push(b'\n');
        out.extend_from_slice(line.as_bytes());
        rows += 1;
    }
    rows
}
