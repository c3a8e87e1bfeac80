//! The fleet laws at a snapshot time: the healthy temperature of each key signal given ambient
//! temperature and load (fitted on the whole fleet), and the fleet power and pitch curves.

use super::catalogue::WINDOW_LONG;
use super::series::{is_running, Series, C_AMBIENT, C_KEY0, C_PITCH, C_POWER, C_WIND, MAINTENANCE};
use super::KEY_SIGNALS;

/// Wind-speed bin width of the fleet power and pitch curves (m/s).
const WIND_BIN: f64 = 0.5;
/// Wind-speed bins of the fleet curves.
pub(super) const WIND_BINS: usize = 60;
/// Fewest records a fleet curve bin or a healthy-model fit needs.
const MIN_FIT_RECORDS: usize = 50;

/// Healthy-temperature model of one signal: `y = a + b·ambient + c·load + d·load²`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Healthy([f64; 4]);

impl Healthy {
    /// The healthy value at this ambient temperature and load.
    pub(super) fn predict(&self, ambient: f64, load: f64) -> f64 {
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
pub(super) struct FleetRefs {
    /// Healthy law of each key signal (`None` when too few records).
    pub(super) healthy: [Option<Healthy>; KEY_SIGNALS.len()],
    /// Expected normalised power per wind bin (NaN when too few records).
    pub(super) power_curve: [f64; WIND_BINS],
    /// Expected pitch per wind bin.
    pub(super) pitch_curve: [f64; WIND_BINS],
}

/// The fleet-curve bin of a wind speed.
pub(super) fn wind_bin(w: f64) -> Option<usize> {
    (w.is_finite() && w >= 0.0)
        .then(|| (w / WIND_BIN) as usize)
        .filter(|&b| b < WIND_BINS)
}

/// The fleet laws over the long window before `t`.
pub(super) fn fleet_refs(series: &[Series], t: i64) -> FleetRefs {
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
            if is_running(s.status[i], s.cols[C_POWER][i]) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
