//! Statistics helpers: a running accumulator (mean, maximum, spread, slope) and a NaN-aware median.

/// Running mean, extremes, variance and least-squares slope of a sequence of (time, value).
#[derive(Default, Clone, Copy)]
pub(super) struct Acc {
    /// Values pushed.
    pub(super) n: f64,
    sum: f64,
    sum2: f64,
    max: f64,
    st: f64,
    stt: f64,
    sty: f64,
}

impl Acc {
    /// Adds a value at a time (in days).
    pub(super) fn push(&mut self, t_days: f64, y: f64) {
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
    /// The mean, NaN when empty.
    pub(super) fn mean(&self) -> f64 {
        if self.n > 0.0 {
            self.sum / self.n
        } else {
            f64::NAN
        }
    }
    /// The maximum, NaN when empty.
    pub(super) fn max(&self) -> f64 {
        if self.n > 0.0 {
            self.max
        } else {
            f64::NAN
        }
    }
    /// The sample standard deviation, NaN under two values.
    pub(super) fn std(&self) -> f64 {
        if self.n < 2.0 {
            return f64::NAN;
        }
        let m = self.mean();
        ((self.sum2 / self.n - m * m).max(0.0) * self.n / (self.n - 1.0)).sqrt()
    }
    /// Slope per day; needs `min_n` points spread over time.
    pub(super) fn slope(&self, min_n: f64) -> f64 {
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

/// The median of the non-NaN values, NaN when there are none.
pub(super) fn median64(mut v: Vec<f64>) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
