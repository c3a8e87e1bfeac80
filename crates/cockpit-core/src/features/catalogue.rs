//! The feature catalogue: the key signals, the per-signal statistics and the turbine-level
//! features, their names in model order, and the windows they are computed over.

/// Seconds in a day.
pub(super) const DAY: i64 = 86_400;
/// The long window (trends, residual level, coverage).
pub(super) const WINDOW_LONG: i64 = 7 * DAY;
/// The short window (levels, maxima, spread, recent residual).
pub(super) const WINDOW_SHORT: i64 = DAY;

/// `(short name used in feature names, canonical column)`.
pub const KEY_SIGNALS: [(&str, &str); 8] = [
    ("gearbox_oil", "gearbox_oil_temp_c"),
    ("gearbox_bearing", "gearbox_bearing_temp_c"),
    ("generator_bearing", "generator_bearing_temp_c"),
    ("generator_winding", "generator_winding_temp_c"),
    ("hydraulic_oil", "hydraulic_oil_temp_c"),
    ("converter", "converter_temp_c"),
    ("transformer", "transformer_temp_c"),
    ("vibration", "vibration_mm_s"),
];

/// Per-signal statistics, in feature order.
pub const SIGNAL_STATS: [&str; 9] = [
    "mean_24h",
    "max_24h",
    "std_24h",
    "resid_24h",
    "resid_7d",
    "slope_24h",
    "slope_7d",
    "site_dev",
    "own_dev",
];

/// Position of each per-signal statistic in [`SIGNAL_STATS`], for reading a feature row.
pub mod stat {
    /// `mean_24h`: mean level over the last 24 hours.
    pub const MEAN_24H: usize = 0;
    /// `max_24h`: maximum over the last 24 hours.
    pub const MAX_24H: usize = 1;
    /// `std_24h`: standard deviation over the last 24 hours.
    pub const STD_24H: usize = 2;
    /// `resid_24h`: mean residual against the healthy law over the last 24 hours.
    pub const RESID_24H: usize = 3;
    /// `resid_7d`: mean residual over the last 7 days.
    pub const RESID_7D: usize = 4;
    /// `slope_24h`: residual trend over the last 24 hours, per day.
    pub const SLOPE_24H: usize = 5;
    /// `slope_7d`: residual trend over the last 7 days, per day.
    pub const SLOPE_7D: usize = 6;
    /// `site_dev`: last day's residual minus the site median.
    pub const SITE_DEV: usize = 7;
    /// `own_dev`: site deviation minus the turbine's own baseline (days 3–6).
    pub const OWN_DEV: usize = 8;
}

/// Which way a feature has to move away from its normal value to read as a plausible cause of a
/// failure, as a maintenance engineer knows them. The one source of that knowledge: a driver is
/// shown as a cause only for a deviation in this direction; the model reacting to a deviation the
/// other way is said plainly as "not a known failure sign" (see `runs::drivers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Above normal is a plausible cause (running hot, rising, erratic, producing less, straying
    /// more, more downtime); below normal is not.
    Higher,
    /// Away from normal either way (the pitch's offset from the other turbines at the same wind).
    Away,
    /// Context, never a cause either way (wind, ambient temperature, load, data coverage).
    Context,
}

impl Cause {
    /// Whether a deviation from normal (value minus normal value) reads as a plausible cause:
    /// `Some(true)` a cause, `Some(false)` a move that is not a known failure sign, `None` no
    /// deviation (zero or unknown) or a context feature.
    pub fn reads_as_cause(self, deviation: f32) -> Option<bool> {
        if deviation == 0.0 || deviation.is_nan() {
            return None;
        }
        match self {
            Cause::Higher => Some(deviation > 0.0),
            Cause::Away => Some(true),
            Cause::Context => None,
        }
    }
}

/// The plausible-cause direction of each per-signal statistic, in [`SIGNAL_STATS`] order: for a
/// temperature, hotter than normal (level, peak, residual, site, own), more erratic, rising; for
/// the vibration the same (higher, erratic, rising).
pub const SIGNAL_STAT_CAUSE: [Cause; 9] = [Cause::Higher; 9];

/// The plausible-cause direction of each turbine-level feature, in [`TURBINE_FEATURES`] order:
/// producing less than the power curve, pitch away from the other turbines or straying more than
/// them, more downtime; wind, ambient temperature, load and coverage are context.
const TURBINE_FEATURE_CAUSE: [Cause; 10] = [
    Cause::Higher,  // power_deficit_24h: producing less than the power curve
    Cause::Higher,  // power_deficit_7d
    Cause::Away,    // pitch_resid_24h: off the other turbines' pitch, either way
    Cause::Higher,  // pitch_absdev_24h: straying more than the site
    Cause::Context, // load_factor_24h
    Cause::Context, // wind_mean_24h
    Cause::Context, // ambient_mean_24h
    Cause::Context, // coverage_24h
    Cause::Context, // coverage_7d
    Cause::Higher,  // downtime_share_7d: more downtime
];

/// The plausible-cause direction of feature `c` (its position in [`feature_names`]).
pub fn cause_of(c: usize) -> Cause {
    let per_signal = KEY_SIGNALS.len() * SIGNAL_STATS.len();
    if c < per_signal {
        SIGNAL_STAT_CAUSE[c % SIGNAL_STATS.len()]
    } else {
        TURBINE_FEATURE_CAUSE
            .get(c - per_signal)
            .copied()
            .unwrap_or(Cause::Context)
    }
}

/// Days of the long window, each summarised by its mean residual for the site comparison.
pub(super) const DAYS: usize = (WINDOW_LONG / DAY) as usize;
/// The turbine's own baseline: its site deviation on days 3 to 6 before the snapshot.
pub(super) const BASELINE_DAYS: std::ops::Range<usize> = 3..DAYS;
/// Fewest records a day needs for its mean residual to count.
pub(super) const MIN_DAY_RECORDS: f64 = 36.0;

/// Turbine-level features, after the per-signal ones.
const TURBINE_FEATURES: [&str; 10] = [
    "power_deficit_24h",
    "power_deficit_7d",
    "pitch_resid_24h",
    "pitch_absdev_24h",
    "load_factor_24h",
    "wind_mean_24h",
    "ambient_mean_24h",
    "coverage_24h",
    "coverage_7d",
    "downtime_share_7d",
];

/// Position of `pitch_absdev_24h` in a feature row (the fourth turbine-level feature).
pub(super) const PITCH_ABSDEV: usize = KEY_SIGNALS.len() * SIGNAL_STATS.len() + 3;

/// Number of features.
pub const N_FEATURES: usize = KEY_SIGNALS.len() * SIGNAL_STATS.len() + TURBINE_FEATURES.len();

/// The feature names, in the order the models expect them.
pub fn feature_names() -> Vec<String> {
    let mut names = Vec::with_capacity(N_FEATURES);
    for (short, _) in KEY_SIGNALS {
        for stat in SIGNAL_STATS {
            names.push(format!("{short}_{stat}"));
        }
    }
    names.extend(TURBINE_FEATURES.iter().map(|s| s.to_string()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_counted() {
        let names = feature_names();
        assert_eq!(names.len(), N_FEATURES);
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(names[0], "gearbox_oil_mean_24h");
        assert_eq!(names.last().map(String::as_str), Some("downtime_share_7d"));
        assert_eq!(names[PITCH_ABSDEV], "pitch_absdev_24h");
    }

    #[test]
    fn every_feature_has_a_plausible_cause_direction() {
        let names = feature_names();
        let at = |n: &str| names.iter().position(|x| x == n).unwrap();
        // Hotter and rising are causes, cooler and falling are not.
        assert_eq!(
            cause_of(at("gearbox_oil_resid_24h")).reads_as_cause(2.1),
            Some(true)
        );
        assert_eq!(
            cause_of(at("gearbox_oil_resid_24h")).reads_as_cause(-2.1),
            Some(false)
        );
        assert_eq!(
            cause_of(at("vibration_std_24h")).reads_as_cause(0.4),
            Some(true)
        );
        assert_eq!(
            cause_of(at("converter_slope_7d")).reads_as_cause(-0.3),
            Some(false)
        );
        // Producing less is a cause, producing more is not; pitch off either way is.
        assert_eq!(
            cause_of(at("power_deficit_24h")).reads_as_cause(0.08),
            Some(true)
        );
        assert_eq!(
            cause_of(at("power_deficit_7d")).reads_as_cause(-0.05),
            Some(false)
        );
        assert_eq!(
            cause_of(at("pitch_resid_24h")).reads_as_cause(-2.4),
            Some(true)
        );
        assert_eq!(
            cause_of(at("pitch_absdev_24h")).reads_as_cause(-0.5),
            Some(false)
        );
        assert_eq!(
            cause_of(at("downtime_share_7d")).reads_as_cause(0.2),
            Some(true)
        );
        // Context is never a cause; no deviation says nothing.
        assert_eq!(cause_of(at("wind_mean_24h")).reads_as_cause(3.0), None);
        assert_eq!(
            cause_of(at("gearbox_oil_resid_24h")).reads_as_cause(0.0),
            None
        );
        assert_eq!(
            cause_of(at("gearbox_oil_resid_24h")).reads_as_cause(f32::NAN),
            None
        );
        assert_eq!(cause_of(N_FEATURES + 3), Cause::Context);
    }
}
