//! Seeded random streams and the few distributions the simulator needs.
//!
//! Every site and every turbine draws from its own PCG-64 stream, derived from the user seed, a
//! domain tag and an index with SplitMix64 mixing. A stream therefore depends only on
//! `(seed, domain, index)`, never on thread scheduling, and the distributions are implemented
//! here (Box–Muller for the normal law) so that no library update can change the output.

use rand::RngCore;
use rand_pcg::Pcg64;

/// Domain tags that keep the streams of different purposes apart.
pub(crate) mod domain {
    /// Fleet layout: site sizes, names, models.
    pub const SITES: u64 = 0x5349_5445;
    /// Site weather (wind, direction, temperature) of one site.
    pub const WEATHER: u64 = 0x5745_4154;
    /// Site-wide events: grid curtailments, communication outages.
    pub const SITE_EVENTS: u64 = 0x5345_5654;
    /// Constant per-turbine parameters (offsets, gains, efficiency).
    pub const TURBINE_PARAMS: u64 = 0x5450_5241;
    /// Per-step physical noise of one turbine.
    pub const TURBINE_NOISE: u64 = 0x544e_4f49;
    /// Turbine events: stops, communication outages.
    pub const TURBINE_EVENTS: u64 = 0x5445_5654;
    /// Sensor artefacts: stuck values, spikes, missing values.
    pub const ARTEFACTS: u64 = 0x4152_5446;
    /// Failure schedule and precursor parameters of one turbine.
    pub const FAILURES: u64 = 0x4641_494c;
    /// Fleet-wide choice of the failures without precursor.
    pub const PRECURSOR_SHARE: u64 = 0x5052_4543;
    /// Layout jitter of turbine positions.
    pub const LAYOUT: u64 = 0x4c41_594f;
}

/// SplitMix64 finaliser: a fast, well-mixing bijection on `u64`.
pub(crate) fn mix64(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of `(seed, domain, index)`.
pub(crate) fn hash3(seed: u64, domain: u64, index: u64) -> u64 {
    mix64(mix64(mix64(seed) ^ domain) ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// Uniform number in `[0, 1)` from a hash, for values that must be computable out of order.
pub(crate) fn hash_unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A seeded random stream with the distributions the simulator uses.
pub(crate) struct SimRng {
    pcg: Pcg64,
    spare: Option<f64>,
}

impl SimRng {
    /// The stream of `(seed, domain, index)`.
    pub fn stream(seed: u64, domain: u64, index: u64) -> SimRng {
        let h = hash3(seed, domain, index);
        let part = |k: u64| u128::from(mix64(h ^ k.wrapping_mul(0xA076_1D64_78BD_642F)));
        let state = (part(1) << 64) | part(2);
        let increment = (part(3) << 64) | part(4);
        SimRng {
            pcg: Pcg64::new(state, increment),
            spare: None,
        }
    }

    /// Uniform in `[0, 1)`, 53 bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.pcg.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    #[inline]
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for small n).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.pcg.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// `true` with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal N(0, 1): Box–Muller in Marsaglia's polar form (no trigonometry), the
    /// second value of each pair kept for the next call.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * f);
                return u * f;
            }
        }
    }

    /// Exponential with the given mean.
    #[inline]
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }

    /// Log-normal with the given median and log-standard deviation.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Index drawn with the given (not necessarily normalised) weights.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = SimRng::stream(7, domain::WEATHER, 3);
        let mut b = SimRng::stream(7, domain::WEATHER, 3);
        let mut c = SimRng::stream(7, domain::WEATHER, 4);
        let xa: Vec<f64> = (0..8).map(|_| a.uniform()).collect();
        let xb: Vec<f64> = (0..8).map(|_| b.uniform()).collect();
        let xc: Vec<f64> = (0..8).map(|_| c.uniform()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut r = SimRng::stream(1, domain::TURBINE_NOISE, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }
}
