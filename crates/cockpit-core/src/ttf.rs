//! Time to failure as a distribution: the one derivation, from the time-to-failure model's
//! cumulative probabilities ("a failure starts within 1, 3, 7, 14, 30 days"), of a monotone CDF,
//! its quantiles, the median and the 80 % range, "no failure expected within the horizon", and
//! whether a true time lies in a range (the coverage of the backtest and of the model card).
//! Pure arithmetic: the words are in [`crate::lang::time_to_failure`].
//!
//! - CDF points: F(0) = 0 and F(h_k) = clamp(max(p_0..p_k), 0, 1) (a running maximum, so the
//!   CDF never decreases even when the model's columns do), linear between points, nothing
//!   beyond the last horizon.
//! - Q(q) = the smallest t in [0, horizon] with F(t) >= q; undefined when F(horizon) < q.
//! - median = Q(0.5), 80 % range = [Q(0.1), Q(0.9)]; F(horizon) < 0.5: no failure expected within
//!   the horizon; F(horizon) < 0.9: the range is open, `[Q(0.1), horizon]` (the failure may come
//!   later).

use serde::{Deserialize, Serialize};

/// Probability level of the median.
pub const MEDIAN_LEVEL: f64 = 0.5;
/// Probability level of the low end of the 80 % range.
pub const RANGE_LOW_LEVEL: f64 = 0.1;
/// Probability level of the high end of the 80 % range.
pub const RANGE_HIGH_LEVEL: f64 = 0.9;

/// The time-to-failure model's output for one snapshot, as scored and as stored: the horizons
/// (days, strictly increasing, positive) and the raw probability of a failure within each. The
/// raw values are kept; [`Distribution::cdf`] and everything derived from it use the monotone
/// CDF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Horizons in days, strictly increasing, the last one the model's horizon.
    pub days: Vec<f64>,
    /// Raw probability of a failure within each horizon, as the model gave it.
    pub p: Vec<f64>,
}

/// What the distribution says about the next failure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outlook {
    /// F(horizon) < 0.5: no failure expected within `horizon` days.
    NoneExpected {
        /// The model's horizon in days.
        horizon: f64,
    },
    /// A failure is more likely than not within the horizon.
    Expected(Range),
}

/// Median and 80 % range of the time to failure, in days (not rounded).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range {
    /// Q(0.5).
    pub median: f64,
    /// Q(0.1).
    pub low: f64,
    /// Q(0.9), or the horizon when the range is open.
    pub high: f64,
    /// F(horizon) < 0.9: the failure may also come after the horizon.
    pub open: bool,
}

impl Distribution {
    /// The distribution of `p` at `days`; `None` when the two lengths differ, there is no
    /// horizon, a horizon is not positive and strictly increasing, or a value is not finite
    /// (nothing can be derived: the time to failure is unknown).
    pub fn new(days: &[f64], p: &[f64]) -> Option<Distribution> {
        let d = Distribution {
            days: days.to_vec(),
            p: p.to_vec(),
        };
        d.is_valid().then_some(d)
    }

    fn is_valid(&self) -> bool {
        !self.days.is_empty()
            && self.days.len() == self.p.len()
            && self.days.iter().all(|d| d.is_finite() && *d > 0.0)
            && self.days.windows(2).all(|w| w[0] < w[1])
            && self.p.iter().all(|p| p.is_finite())
    }

    /// The horizon: the last day with a probability.
    pub fn horizon(&self) -> f64 {
        self.days.last().copied().unwrap_or(0.0)
    }

    /// The CDF's points, (0, 0) first: a running maximum of the probabilities clamped to [0, 1].
    pub fn points(&self) -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(self.days.len() + 1);
        points.push((0.0, 0.0));
        let mut running = 0.0_f64;
        for (&d, &p) in self.days.iter().zip(&self.p) {
            running = running.max(p.clamp(0.0, 1.0));
            points.push((d, running));
        }
        points
    }

    /// F(t): probability that a failure starts within `t` days, linear between the horizons;
    /// F(horizon) beyond it (the model says nothing further). 0 for t <= 0.
    pub fn cdf(&self, t: f64) -> f64 {
        let points = self.points();
        if t <= 0.0 {
            return 0.0;
        }
        for w in points.windows(2) {
            let ((t0, f0), (t1, f1)) = (w[0], w[1]);
            if t <= t1 {
                return f0 + (f1 - f0) * (t - t0) / (t1 - t0);
            }
        }
        points.last().map_or(0.0, |p| p.1)
    }

    /// Q(q): the smallest t in [0, horizon] with F(t) >= q (linear interpolation); `None` when
    /// F(horizon) < q. Q(q) = 0 for q <= 0.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if q.is_nan() {
            return None;
        }
        if q <= 0.0 {
            return Some(0.0);
        }
        let points = self.points();
        for w in points.windows(2) {
            let ((t0, f0), (t1, f1)) = (w[0], w[1]);
            // f0 < q here: the first point is F(0) = 0 < q, and each later one was below q.
            if f1 >= q {
                return Some(t0 + (t1 - t0) * (q - f0) / (f1 - f0));
            }
        }
        None
    }

    /// The median and 80 % range, or "no failure expected within the horizon".
    pub fn outlook(&self) -> Outlook {
        let horizon = self.horizon();
        let (Some(median), Some(low)) =
            (self.quantile(MEDIAN_LEVEL), self.quantile(RANGE_LOW_LEVEL))
        else {
            return Outlook::NoneExpected { horizon };
        };
        let (high, open) = match self.quantile(RANGE_HIGH_LEVEL) {
            Some(h) => (h, false),
            None => (horizon, true),
        };
        Outlook::Expected(Range {
            median,
            low,
            high,
            open,
        })
    }

    /// The range, `None` when no failure is expected within the horizon.
    pub fn range(&self) -> Option<Range> {
        match self.outlook() {
            Outlook::Expected(r) => Some(r),
            Outlook::NoneExpected { .. } => None,
        }
    }
}

impl Range {
    /// Whether the true time to failure `t` (days from the snapshot to the start of the next
    /// failure; `None` when none started within the horizon, i.e. +inf) lies in the range:
    /// `low <= t <= high`, or `t >= low` when the range is open.
    pub fn covers(&self, t: Option<f64>) -> bool {
        match t {
            None => self.open,
            Some(t) => t >= self.low && (self.open || t <= self.high),
        }
    }

    /// `high - low`, in days.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    /// The range in whole days as shown: low rounded down, high rounded up, both at least 1.
    /// A value within [`WHOLE_DAY_SLACK`] of a whole day is that day (13.000000000002 is 13, not
    /// rounded up to 14: the interpolation's rounding error is no reason to widen a range).
    pub fn whole_days(&self) -> (u32, u32) {
        let low = whole((self.low + WHOLE_DAY_SLACK).floor());
        let high = whole((self.high - WHOLE_DAY_SLACK).ceil()).max(low);
        (low, high)
    }

    /// The median in whole days as shown: rounded, at least 1.
    pub fn median_whole_days(&self) -> u32 {
        whole(self.median.round())
    }
}

/// How far from a whole day a value may be and still count as that day (far below anything a
/// model or the interpolation means; far above f64 rounding errors).
pub const WHOLE_DAY_SLACK: f64 = 1e-6;

/// A non-negative whole number of days, at least 1 (a failure "within 0 days" is within 1).
fn whole(days: f64) -> u32 {
    if days.is_nan() || days < 1.0 {
        1
    } else {
        days.min(f64::from(u32::MAX)) as u32
    }
}

/// Coverage of the 80 % ranges over many snapshots (the backtest's `ttf`, the model card's
/// coverage): how often the true time to failure lies in the range ([`Range::covers`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Snapshots with a range (a failure expected within the horizon) and a known outcome.
    pub ranges: u64,
    /// Of those, the ones whose true time lies in the range.
    pub covered: u64,
    /// `covered / ranges`; `None` without a range. The target is 75–85 %.
    pub coverage: Option<f64>,
    /// Median of the ranges' widths (high − low), in days; `None` without a range.
    pub median_width_days: Option<f64>,
    /// Snapshots with no failure expected within the horizon.
    pub no_failure_expected: u64,
    /// Snapshots with a range whose outcome is not known yet (no failure seen, and the horizon
    /// reaches past the known history): not counted in `ranges`.
    pub outcome_unknown: u64,
    #[serde(skip)]
    widths: Vec<f64>,
}

impl Coverage {
    /// Counts one snapshot: its distribution and the true time to failure `t` in days (`None`:
    /// no failure within the horizon); `observed` is false when no failure was seen and the
    /// horizon is not all known yet.
    pub fn add(&mut self, distribution: &Distribution, t: Option<f64>, observed: bool) {
        match distribution.outlook() {
            Outlook::NoneExpected { .. } => self.no_failure_expected += 1,
            Outlook::Expected(_) if !observed => self.outcome_unknown += 1,
            Outlook::Expected(range) => {
                self.ranges += 1;
                if range.covers(t) {
                    self.covered += 1;
                }
                self.widths.push(range.width());
            }
        }
        self.coverage = (self.ranges > 0).then(|| self.covered as f64 / self.ranges as f64);
        self.median_width_days = median(&self.widths);
    }
}

/// The median of `values` (the mean of the two middle ones for an even count); `None` if empty.
fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: [f64; 5] = [1.0, 3.0, 7.0, 14.0, 30.0];

    fn dist(p: [f64; 5]) -> Distribution {
        Distribution::new(&H, &p).expect("valid")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn quantiles_interpolate_linearly_between_horizons() {
        // F: 0 at 0, 0.05 at 1, 0.2 at 3, 0.6 at 7, 0.95 at 14, 0.99 at 30.
        let d = dist([0.05, 0.2, 0.6, 0.95, 0.99]);
        // Q(0.1): between 1 (0.05) and 3 (0.2): 1 + 2 * 0.05 / 0.15 = 1.6667.
        assert!(close(d.quantile(0.1).unwrap(), 1.0 + 2.0 * 0.05 / 0.15));
        // Q(0.5): between 3 (0.2) and 7 (0.6): 3 + 4 * 0.3 / 0.4 = 6.
        assert!(close(d.quantile(0.5).unwrap(), 6.0));
        // Q(0.9): between 7 (0.6) and 14 (0.95): 7 + 7 * 0.3 / 0.35 = 13.
        assert!(close(d.quantile(0.9).unwrap(), 13.0));
        // Q(0.02): between 0 and 1: 0.4.
        assert!(close(d.quantile(0.02).unwrap(), 0.4));
        let r = d.range().unwrap();
        assert!(
            close(r.median, 6.0) && close(r.high, 13.0) && !r.open,
            "{r:?}"
        );
        assert_eq!(r.whole_days(), (1, 13));
        assert_eq!(r.median_whole_days(), 6);
        assert!(close(d.cdf(5.0), 0.4));
        assert!(close(d.cdf(40.0), 0.99), "nothing beyond the horizon");
        assert_eq!(d.cdf(0.0), 0.0);
    }

    #[test]
    fn exact_boundary_values_are_reached_at_the_horizon_itself() {
        // F(7) = 0.5 exactly: the median is 7 (smallest t with F(t) >= 0.5), not later.
        let d = dist([0.0, 0.1, 0.5, 0.9, 1.0]);
        assert_eq!(d.quantile(0.5), Some(7.0));
        assert_eq!(d.quantile(0.1), Some(3.0));
        assert_eq!(d.quantile(0.9), Some(14.0));
        assert_eq!(d.range().unwrap().whole_days(), (3, 14));
        // F(30) = 0.9 exactly: a closed range ending at the horizon.
        let d = dist([0.0, 0.0, 0.2, 0.5, 0.9]);
        let r = d.range().unwrap();
        assert_eq!((r.median, r.high, r.open), (14.0, 30.0, false));
        // F(30) = 0.5 exactly: a failure is expected (median 30), the range is open.
        let d = dist([0.0, 0.0, 0.1, 0.3, 0.5]);
        let r = d.range().unwrap();
        assert_eq!((r.low, r.median, r.high, r.open), (7.0, 30.0, 30.0, true));
    }

    #[test]
    fn a_decreasing_column_is_held_at_the_running_maximum() {
        // The model says 0.6 within 3 days but 0.4 within 7: F(7) is 0.6, not 0.4.
        let d = dist([0.2, 0.6, 0.4, 0.5, 0.95]);
        let f: Vec<f64> = d.points().iter().map(|p| p.1).collect();
        assert_eq!(f, vec![0.0, 0.2, 0.6, 0.6, 0.6, 0.95]);
        // Q(0.5): between 1 (0.2) and 3 (0.6): 1 + 2 * 0.3 / 0.4 = 2.5.
        assert!(close(d.quantile(0.5).unwrap(), 2.5));
        // Q(0.9): the flat stretch from 3 to 14 is skipped: 14 + 16 * 0.3 / 0.35.
        assert!(close(d.quantile(0.9).unwrap(), 14.0 + 16.0 * 0.3 / 0.35));
        // Values outside [0, 1] are clamped.
        let d = dist([-0.2, 0.3, 1.4, 0.2, 0.1]);
        let f: Vec<f64> = d.points().iter().map(|p| p.1).collect();
        assert_eq!(f, vec![0.0, 0.0, 0.3, 1.0, 1.0, 1.0]);
        assert!(close(d.quantile(0.9).unwrap(), 3.0 + 4.0 * 0.6 / 0.7));
    }

    #[test]
    fn an_open_range_ends_at_the_horizon() {
        // F(30) = 0.7: median and low defined, Q(0.9) not.
        let d = dist([0.01, 0.05, 0.2, 0.5, 0.7]);
        assert_eq!(d.quantile(0.9), None);
        let r = d.range().unwrap();
        assert!(r.open);
        assert_eq!(r.high, 30.0);
        assert_eq!(r.median, 14.0);
        // Q(0.1): between 3 (0.05) and 7 (0.2): 3 + 4 * 0.05 / 0.15.
        assert!(close(r.low, 3.0 + 4.0 * 0.05 / 0.15));
        assert_eq!(r.whole_days(), (4, 30));
    }

    #[test]
    fn below_one_half_at_the_horizon_no_failure_is_expected() {
        let d = dist([0.01, 0.02, 0.1, 0.3, 0.49]);
        assert_eq!(d.quantile(0.5), None);
        assert_eq!(d.quantile(0.1), Some(7.0));
        assert_eq!(d.outlook(), Outlook::NoneExpected { horizon: 30.0 });
        assert_eq!(d.range(), None);
        let zero = dist([0.0; 5]);
        assert_eq!(zero.outlook(), Outlook::NoneExpected { horizon: 30.0 });
    }

    #[test]
    fn a_rounding_error_next_to_a_whole_day_does_not_widen_the_range() {
        let r = Range {
            median: 6.0,
            low: 2.9999999999999996,
            high: 13.000000000000002,
            open: false,
        };
        assert_eq!(r.whole_days(), (3, 13));
        let r = Range {
            low: 2.99,
            high: 13.01,
            ..r
        };
        assert_eq!(r.whole_days(), (2, 14));
    }

    #[test]
    fn a_failure_within_the_first_day_shows_as_one_day() {
        let d = dist([0.95, 0.97, 0.98, 0.99, 1.0]);
        let r = d.range().unwrap();
        // Q(0.1) = 0.1/0.95, Q(0.5) = 0.5/0.95, Q(0.9) = 0.9/0.95 days.
        assert!(close(r.high, 0.9 / 0.95));
        assert_eq!(r.whole_days(), (1, 1));
        assert_eq!(r.median_whole_days(), 1);
    }

    #[test]
    fn coverage_counts_a_time_inside_the_range_or_after_an_open_one() {
        let closed = Range {
            median: 6.0,
            low: 3.0,
            high: 10.0,
            open: false,
        };
        assert!(closed.covers(Some(3.0)) && closed.covers(Some(10.0)));
        assert!(!closed.covers(Some(2.9)) && !closed.covers(Some(10.1)));
        assert!(!closed.covers(None), "no failure within 30 days: outside");
        let open = Range {
            open: true,
            high: 30.0,
            ..closed
        };
        assert!(open.covers(Some(45.0)) && open.covers(None) && open.covers(Some(3.0)));
        assert!(!open.covers(Some(1.0)));
        assert_eq!(closed.width(), 7.0);
    }

    #[test]
    fn coverage_is_the_share_of_ranges_holding_the_true_time() {
        let mut c = Coverage::default();
        // Range [1.67, 13] (see the first test).
        let closed = dist([0.05, 0.2, 0.6, 0.95, 0.99]);
        c.add(&closed, Some(5.0), true); // inside
        c.add(&closed, Some(20.0), true); // after
        c.add(&closed, None, true); // no failure within 30 days: outside a closed range
                                    // Open range [4.33, 30]: no failure within 30 days is inside.
        let open = dist([0.01, 0.05, 0.2, 0.5, 0.7]);
        c.add(&open, None, true);
        c.add(&open, Some(2.0), false); // not counted: outcome unknown
        c.add(&dist([0.0, 0.0, 0.1, 0.2, 0.3]), Some(3.0), true); // no failure expected
        assert_eq!((c.ranges, c.covered), (4, 2));
        assert_eq!(c.coverage, Some(0.5));
        assert_eq!((c.no_failure_expected, c.outcome_unknown), (1, 1));
        // Widths 11.33 (x3) and 25.67: median 11.33.
        assert!(close(
            c.median_width_days.unwrap(),
            13.0 - (1.0 + 2.0 * 0.05 / 0.15)
        ));
        assert_eq!(Coverage::default().coverage, None);
        assert_eq!(median(&[1.0, 4.0]), Some(2.5));
    }

    #[test]
    fn malformed_outputs_give_no_distribution() {
        assert_eq!(Distribution::new(&H, &[0.1; 4]), None);
        assert_eq!(Distribution::new(&[], &[]), None);
        assert_eq!(Distribution::new(&[1.0, 1.0], &[0.1, 0.2]), None);
        assert_eq!(Distribution::new(&[0.0, 1.0], &[0.1, 0.2]), None);
        assert_eq!(Distribution::new(&[1.0, 2.0], &[0.1, f64::NAN]), None);
    }
}
