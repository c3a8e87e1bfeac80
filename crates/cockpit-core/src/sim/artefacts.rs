//! Sensor artefacts of the simulated turbines: frozen (stuck) sensors, spikes and missing values,
//! laid over the physical signals so that ingestion and features meet what real SCADA exports
//! contain.

use super::channels::{
    AMB, CONV, DIR, GBB, GEN, GENB, HYD, NAC, N_SIGNALS, OIL, PITCH, ROTOR, TRAFO, VIB, WDG, WIND,
};
use super::rng::{domain, SimRng};

/// Signals that can freeze (with relative weights): anemometer, vane, temperatures, vibration.
const STUCKABLE: [(usize, f64); 12] = [
    (WIND, 0.5),
    (DIR, 1.0),
    (AMB, 1.0),
    (NAC, 1.0),
    (OIL, 1.0),
    (GBB, 1.0),
    (GENB, 1.0),
    (WDG, 1.0),
    (HYD, 1.0),
    (CONV, 1.0),
    (TRAFO, 1.0),
    (VIB, 1.0),
];

/// Sensor artefacts of one turbine: stuck values, spikes, missing values.
pub(crate) struct Artefacts {
    rng: SimRng,
    /// `(first step, end step, signal)`, by first step.
    stuck: Vec<(i64, i64, usize)>,
    next_stuck: usize,
    stuck_until: [i64; N_SIGNALS],
    stuck_value: [f64; N_SIGNALS],
    next_spike: i64,
    next_missing: i64,
}

/// Mean steps between two spikes, and between two missing-value events, of one turbine.
const SPIKE_GAP: f64 = 400.0;
const MISSING_GAP: f64 = 250.0;

impl Artefacts {
    pub(crate) fn new(seed: u64, index: usize, steps: i64) -> Artefacts {
        let mut rng = SimRng::stream(seed, domain::ARTEFACTS, index as u64);
        let weights: Vec<f64> = STUCKABLE.iter().map(|s| s.1).collect();
        let mut stuck = Vec::new();
        // A frozen sensor every ~40 days, for 2 hours to 5 days (median 12 h).
        let mean_gap = 40.0 * 144.0;
        let mut t = rng.exp(mean_gap);
        while t < steps as f64 {
            let len = rng.lognormal(72.0, 1.0).clamp(12.0, 720.0).round() as i64;
            let sig = STUCKABLE[rng.weighted(&weights)].0;
            stuck.push((t as i64, t as i64 + len, sig));
            t += len as f64 + rng.exp(mean_gap);
        }
        let next_spike = 1 + rng.exp(SPIKE_GAP) as i64;
        let next_missing = 1 + rng.exp(MISSING_GAP) as i64;
        Artefacts {
            rng,
            stuck,
            next_stuck: 0,
            stuck_until: [i64::MIN; N_SIGNALS],
            stuck_value: [0.0; N_SIGNALS],
            next_spike,
            next_missing,
        }
    }

    pub(crate) fn apply(
        &mut self,
        k: i64,
        vals: &mut [f64; N_SIGNALS],
        missing: &mut [bool; N_SIGNALS],
    ) {
        while let Some(&(from, to, sig)) = self.stuck.get(self.next_stuck) {
            if from > k {
                break;
            }
            self.stuck_until[sig] = to;
            self.stuck_value[sig] = vals[sig];
            self.next_stuck += 1;
        }
        for (s, v) in vals.iter_mut().enumerate() {
            if k < self.stuck_until[s] {
                *v = self.stuck_value[s];
            }
        }
        if k >= self.next_spike {
            self.next_spike = k + 1 + self.rng.exp(SPIKE_GAP) as i64;
            let r = &mut self.rng;
            // Anemometer 3 %, vane 7 %, temperatures 75 %, vibration 15 %.
            let s = match r.weighted(&[0.03, 0.07, 0.75, 0.15]) {
                0 => WIND,
                1 => DIR,
                2 => AMB + r.below((TRAFO - AMB + 1) as u64) as usize,
                _ => VIB,
            };
            let magnitude = r.uniform();
            let up = r.chance(0.8);
            if k >= self.stuck_until[s] {
                vals[s] = match s {
                    WIND => vals[s] + 8.0 + 12.0 * magnitude,
                    DIR => 360.0 * magnitude,
                    VIB => vals[s] * (3.0 + 5.0 * magnitude) + 2.0,
                    _ => vals[s] + if up { 1.0 } else { -1.0 } * (10.0 + 25.0 * magnitude),
                };
            }
        }
        if k >= self.next_missing {
            self.next_missing = k + 1 + self.rng.exp(MISSING_GAP) as i64;
            if self.rng.chance(0.25) {
                // A temperature I/O module drops out for one record.
                for m in &mut missing[AMB..=TRAFO] {
                    *m = true;
                }
            } else {
                let optional: [usize; 14] = [
                    DIR, ROTOR, GEN, PITCH, AMB, NAC, OIL, GBB, GENB, WDG, HYD, CONV, TRAFO, VIB,
                ];
                missing[optional[self.rng.below(optional.len() as u64) as usize]] = true;
            }
        }
    }
}
