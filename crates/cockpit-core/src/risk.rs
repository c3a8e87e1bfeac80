//! The risk policy: how the two model outputs — probability of failure within 7 days and the
//! distribution of the time to failure — become a 0–100 risk score and a category
//! (critical / high / moderate / low).
//!
//! The policy is a small TOML file (`data/risk-policy.toml` is the shipped default, built into
//! the binary); `docs/risk-policy.md` explains and justifies its thresholds.
//!
//! The rule: each output is turned into a *risk level* on the probability scale. The probability
//! is its own level; the time to failure's quantile Q(`quantile`) (the median by default,
//! [`crate::ttf`]) reaches the moderate, high and critical probability thresholds at the
//! configured numbers of days (linear in between, 0 at the horizon, 1 at zero days; no quantile
//! within the horizon adds no risk). The risk level is the larger of the two. Its category follows from the
//! probability thresholds, and the score maps the level piecewise-linearly so that the category
//! boundaries fall exactly on scores 25, 50 and 75: score and category always agree, and the
//! ranking by score is the ranking by risk.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ttf::Distribution;

/// The shipped default policy.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../../../data/risk-policy.toml");

/// Errors of the risk policy.
#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    /// The policy file cannot be read.
    #[error("cannot read the risk policy {path}: {source}")]
    Read {
        /// The policy file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The policy text is not valid TOML, lacks a field, or its thresholds are out of order.
    #[error("the risk policy {origin} is not valid: {message}")]
    Invalid {
        /// Where the text came from: the file path, or `default` for the built-in policy.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Priority category of a turbine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Risk level below the moderate probability threshold (score under 25).
    Low,
    /// From the moderate to the high threshold (score 25 to 49.9).
    Moderate,
    /// From the high to the critical threshold (score 50 to 74.9).
    High,
    /// At or above the critical threshold (score 75 to 100).
    Critical,
}

impl Category {
    /// Every category, most urgent first.
    pub const ALL: [Category; 4] = [
        Category::Critical,
        Category::High,
        Category::Moderate,
        Category::Low,
    ];

    /// English name, as stored and printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Critical => "critical",
            Category::High => "high",
            Category::Moderate => "moderate",
            Category::Low => "low",
        }
    }

    /// French name shown to the client's teams.
    pub fn french(self) -> &'static str {
        match self {
            Category::Critical => "critique",
            Category::High => "élevé",
            Category::Moderate => "modéré",
            Category::Low => "faible",
        }
    }

    /// Parses the English or French name (case-insensitive).
    pub fn parse(text: &str) -> Option<Category> {
        let t = text.trim().to_lowercase();
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == t || c.french() == t || (t == "eleve" && *c == Category::High))
            .or_else(|| (t == "modere").then_some(Category::Moderate))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Thresholds on the probability of failure within 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbabilityThresholds {
    /// Probability (0–1, exclusive) from which a turbine is moderate; below `high`.
    pub moderate: f64,
    /// Probability from which a turbine is high; between `moderate` and `critical`.
    pub high: f64,
    /// Probability from which a turbine is critical; below 1.
    pub critical: f64,
}

/// Times to failure (the quantile `quantile` of the distribution, in days) that reach each
/// category on their own (`[time_to_failure]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TtfThresholds {
    /// Probability level of the quantile compared with the thresholds (0.5: the median), in
    /// (0, 1).
    #[serde(default = "default_quantile")]
    pub quantile: f64,
    /// Days at or under which Q(`quantile`) alone makes a turbine moderate; below `horizon`.
    pub moderate: f64,
    /// Days at or under which it makes it high; between `critical` and `moderate`.
    pub high: f64,
    /// Days at or under which it makes it critical; above 0.
    pub critical: f64,
    /// From this many days on the quantile adds no risk (the model's horizon).
    pub horizon: f64,
}

fn default_quantile() -> f64 {
    0.5
}

/// The thresholds of a policy written before the time-to-failure distribution (`[days_to_failure]`,
/// compared with the point estimate): still read, as [`TtfThresholds`] on the median.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyDaysThresholds {
    moderate: f64,
    high: f64,
    critical: f64,
    horizon: f64,
}

/// When an alert closes on its own (`[alerts]`): the maintenance workflow's rule against an
/// alert that flaps on a score wobbling around the high threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AlertRules {
    /// An open alert closes once its turbine has been scored below high in this many
    /// consecutive runs (1 to 100).
    pub clear_after_runs: u32,
}

impl Default for AlertRules {
    fn default() -> Self {
        AlertRules {
            clear_after_runs: 3,
        }
    }
}

/// A policy file as written: `[time_to_failure]`, or the older `[days_to_failure]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    probability: ProbabilityThresholds,
    #[serde(default)]
    alerts: AlertRules,
    time_to_failure: Option<TtfThresholds>,
    days_to_failure: Option<LegacyDaysThresholds>,
}

/// A validated risk policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskPolicy {
    /// Thresholds on the probability of failure within 7 days (`[probability]`).
    pub probability: ProbabilityThresholds,
    /// Thresholds on the time to failure's quantile (`[time_to_failure]`).
    pub time_to_failure: TtfThresholds,
    /// When an alert closes on its own (`[alerts]`; 3 runs when the section is absent).
    #[serde(default)]
    pub alerts: AlertRules,
}

/// Result of the policy for one prediction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Assessment {
    /// 0–100, one decimal.
    pub score: f64,
    /// The category of the risk level; always agrees with `score`.
    pub category: Category,
    /// Which output decided: `probability` or `time_to_failure`.
    pub decided_by: &'static str,
}

impl Assessment {
    /// The assessment held at most at `ceiling`: the category lowered to it and the score to the
    /// top of its band (used when the evidence cannot support a more urgent category).
    pub fn capped(self, ceiling: Category) -> Assessment {
        if self.category <= ceiling {
            return self;
        }
        let top = match ceiling {
            Category::Low => 24.9,
            Category::Moderate => 49.9,
            Category::High => 74.9,
            Category::Critical => 100.0,
        };
        Assessment {
            score: self.score.min(top),
            category: ceiling,
            decided_by: self.decided_by,
        }
    }
}

impl Default for RiskPolicy {
    fn default() -> Self {
        // The shipped file is validated by a unit test, so this cannot fail in a released build;
        // the fallback keeps the same figures should the file ever be edited wrongly.
        RiskPolicy::parse(DEFAULT_POLICY_TOML, "default").unwrap_or(RiskPolicy {
            probability: ProbabilityThresholds {
                moderate: 0.1,
                high: 0.3,
                critical: 0.6,
            },
            time_to_failure: TtfThresholds {
                quantile: 0.5,
                moderate: 21.0,
                high: 14.0,
                critical: 7.0,
                horizon: 30.0,
            },
            alerts: AlertRules::default(),
        })
    }
}

impl RiskPolicy {
    /// Parses and validates policy text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<RiskPolicy, RiskError> {
        let invalid = |message: String| RiskError::Invalid {
            origin: origin.to_string(),
            message,
        };
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
        let time_to_failure = match (file.time_to_failure, file.days_to_failure) {
            (Some(t), None) => t,
            (None, Some(d)) => TtfThresholds {
                quantile: default_quantile(),
                moderate: d.moderate,
                high: d.high,
                critical: d.critical,
                horizon: d.horizon,
            },
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "it has both [time_to_failure] and the older [days_to_failure]: keep only [time_to_failure]".into(),
                ))
            }
            (None, None) => return Err(invalid("missing section [time_to_failure]".into())),
        };
        let p = RiskPolicy {
            probability: file.probability,
            time_to_failure,
            alerts: file.alerts,
        };
        if !(1..=100).contains(&p.alerts.clear_after_runs) {
            return Err(invalid(format!(
                "alerts.clear_after_runs must be a number of runs from 1 to 100, got {}",
                p.alerts.clear_after_runs
            )));
        }
        let pr = p.probability;
        if !(0.0 < pr.moderate
            && pr.moderate < pr.high
            && pr.high < pr.critical
            && pr.critical < 1.0)
        {
            return Err(invalid(format!(
                "probability thresholds must satisfy 0 < moderate < high < critical < 1 (got {}, {}, {})",
                pr.moderate, pr.high, pr.critical
            )));
        }
        let d = p.time_to_failure;
        if !(d.quantile > 0.0 && d.quantile < 1.0) {
            return Err(invalid(format!(
                "time_to_failure.quantile must be a probability level between 0 and 1 (exclusive), got {}",
                d.quantile
            )));
        }
        if !(0.0 < d.critical
            && d.critical < d.high
            && d.high < d.moderate
            && d.moderate < d.horizon)
        {
            return Err(invalid(format!(
                "time_to_failure thresholds must satisfy 0 < critical < high < moderate < horizon (got {}, {}, {}, {})",
                d.critical, d.high, d.moderate, d.horizon
            )));
        }
        Ok(p)
    }

    /// Loads a policy file.
    pub fn load(path: &Path) -> Result<RiskPolicy, RiskError> {
        let text = std::fs::read_to_string(path).map_err(|source| RiskError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        RiskPolicy::parse(&text, &path.display().to_string())
    }

    /// The days compared with the `[time_to_failure]` thresholds: Q(`quantile`) of the
    /// distribution; `None` when the distribution does not reach the quantile within its
    /// horizon (or there is none).
    pub fn ttf_days(&self, ttf: Option<&Distribution>) -> Option<f64> {
        ttf?.quantile(self.time_to_failure.quantile)
    }

    /// Risk level, on the probability scale, of a time to failure of `ttf_days` days.
    pub fn days_level(&self, ttf_days: f64) -> f64 {
        if ttf_days.is_nan() {
            return 0.0;
        }
        let d = self.time_to_failure;
        let p = self.probability;
        // (days, level) knots, days decreasing.
        let knots = [
            (d.horizon, 0.0),
            (d.moderate, p.moderate),
            (d.high, p.high),
            (d.critical, p.critical),
            (0.0, 1.0),
        ];
        if ttf_days >= d.horizon {
            return 0.0;
        }
        if ttf_days <= 0.0 {
            return 1.0;
        }
        knots
            .windows(2)
            .find(|w| ttf_days <= w[0].0 && ttf_days >= w[1].0)
            .map(|w| {
                let ((d0, l0), (d1, l1)) = (w[0], w[1]);
                l0 + (l1 - l0) * (d0 - ttf_days) / (d0 - d1)
            })
            .unwrap_or(0.0)
    }

    /// Category of a risk level.
    pub fn category_of(&self, level: f64) -> Category {
        let p = self.probability;
        if level >= p.critical {
            Category::Critical
        } else if level >= p.high {
            Category::High
        } else if level >= p.moderate {
            Category::Moderate
        } else {
            Category::Low
        }
    }

    /// Score (0–100) of a risk level: piecewise linear, the category boundaries on 25, 50, 75.
    pub fn score_of(&self, level: f64) -> f64 {
        let p = self.probability;
        let knots = [
            (0.0, 0.0),
            (p.moderate, 25.0),
            (p.high, 50.0),
            (p.critical, 75.0),
            (1.0, 100.0),
        ];
        let l = level.clamp(0.0, 1.0);
        let s = knots
            .windows(2)
            .find(|w| l >= w[0].0 && l <= w[1].0)
            .map(|w| w[0].1 + (w[1].1 - w[0].1) * (l - w[0].0) / (w[1].0 - w[0].0))
            .unwrap_or(100.0);
        (s * 10.0).round() / 10.0
    }

    /// Applies the policy to one prediction: the probability of failure within 7 days and the
    /// time-to-failure distribution (`None`: none, adds no risk).
    pub fn assess(&self, p_fail_7d: f64, ttf: Option<&Distribution>) -> Assessment {
        self.assess_days(p_fail_7d, self.ttf_days(ttf).unwrap_or(f64::NAN))
    }

    /// [`RiskPolicy::assess`] with the days already derived (NaN: adds no risk).
    pub fn assess_days(&self, p_fail_7d: f64, ttf_days: f64) -> Assessment {
        let p = if p_fail_7d.is_nan() {
            0.0
        } else {
            p_fail_7d.clamp(0.0, 1.0)
        };
        let by_days = self.days_level(ttf_days);
        let (level, decided_by) = if by_days > p {
            (by_days, "time_to_failure")
        } else {
            (p, "probability")
        };
        let category = self.category_of(level);
        // Rounding must not push a score across a boundary its category does not reach.
        let score = match category {
            Category::Low => self.score_of(level).min(24.9),
            Category::Moderate => self.score_of(level).clamp(25.0, 49.9),
            Category::High => self.score_of(level).clamp(50.0, 74.9),
            Category::Critical => self.score_of(level).max(75.0),
        };
        Assessment {
            score,
            category,
            decided_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_assessment_keeps_category_and_score_in_agreement() {
        let policy = RiskPolicy::default();
        let a = policy.assess_days(0.9, 2.0);
        assert_eq!(a.category, Category::Critical);
        let c = a.capped(Category::Moderate);
        assert_eq!((c.category, c.score), (Category::Moderate, 49.9));
        let low = policy.assess_days(0.01, 30.0);
        assert_eq!(
            low.capped(Category::Moderate),
            low,
            "below the ceiling: unchanged"
        );
    }

    fn policy() -> RiskPolicy {
        RiskPolicy::parse(
            "[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n\
             [time_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n",
            "test",
        )
        .unwrap()
    }

    #[test]
    fn shipped_policy_is_valid() {
        RiskPolicy::parse(DEFAULT_POLICY_TOML, "default").unwrap();
    }

    #[test]
    fn probability_boundaries() {
        let p = policy();
        let cases = [
            (0.0, Category::Low, 0.0),
            (0.0999, Category::Low, 24.9),
            (0.1, Category::Moderate, 25.0),
            (0.2999, Category::Moderate, 49.9),
            (0.3, Category::High, 50.0),
            (0.5999, Category::High, 74.9),
            (0.6, Category::Critical, 75.0),
            (1.0, Category::Critical, 100.0),
        ];
        for (prob, cat, score) in cases {
            let a = p.assess_days(prob, 30.0);
            assert_eq!((a.category, a.score), (cat, score), "p = {prob}");
            assert_eq!(a.decided_by, "probability");
        }
    }

    #[test]
    fn days_to_failure_boundaries() {
        let p = policy();
        let cases = [
            (30.0, Category::Low, 0.0),
            (14.01, Category::Low, 24.9),
            (14.0, Category::Moderate, 25.0),
            (7.01, Category::Moderate, 49.9),
            (7.0, Category::High, 50.0),
            (3.01, Category::High, 74.9),
            (3.0, Category::Critical, 75.0),
            (0.0, Category::Critical, 100.0),
        ];
        for (days, cat, score) in cases {
            let a = p.assess_days(0.0, days);
            assert_eq!((a.category, a.score), (cat, score), "ttf = {days}");
        }
        assert_eq!(p.assess_days(0.0, 100.0).category, Category::Low);
        assert_eq!(p.assess_days(0.0, f64::NAN).category, Category::Low);
    }

    #[test]
    fn the_more_urgent_output_decides_and_score_orders_risk() {
        let p = policy();
        let a = p.assess_days(0.35, 2.0);
        assert_eq!(
            (a.category, a.decided_by),
            (Category::Critical, "time_to_failure")
        );
        let b = p.assess_days(0.65, 20.0);
        assert_eq!(
            (b.category, b.decided_by),
            (Category::Critical, "probability")
        );
        let mut last = -1.0;
        for i in 0..=100 {
            let s = p.assess_days(f64::from(i) / 100.0, 30.0).score;
            assert!(s >= last, "score must not decrease with probability");
            last = s;
        }
    }

    #[test]
    fn invalid_policies_are_refused_with_the_reason() {
        let bad = [
            ("[probability]\nmoderate = 0.5\nhigh = 0.3\ncritical = 0.6\n[time_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n", "0 < moderate < high"),
            ("[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n[time_to_failure]\nmoderate = 40\nhigh = 7\ncritical = 3\nhorizon = 30\n", "moderate < horizon"),
            ("[probability]\nmoderate = 0.1\n", "missing field"),
            ("[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n", "missing section [time_to_failure]"),
            ("[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n[time_to_failure]\nquantile = 1.2\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n", "quantile must be"),
            ("[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n[time_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n[days_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n", "keep only [time_to_failure]"),
            ("colour = 1", "unknown field"),
        ];
        for (text, expected) in bad {
            let e = RiskPolicy::parse(text, "x.toml").unwrap_err().to_string();
            assert!(e.contains(expected) && e.contains("x.toml"), "{e}");
        }
    }

    fn dist(p: [f64; 5]) -> Distribution {
        Distribution::new(&[1.0, 3.0, 7.0, 14.0, 30.0], &p).expect("valid")
    }

    #[test]
    fn the_category_follows_the_quantile_of_the_distribution() {
        let p = policy();
        assert_eq!(p.time_to_failure.quantile, 0.5, "the median by default");
        // F(7) = 0.5 exactly: Q(0.5) = 7 days, the high threshold: high, score 50.
        let d = dist([0.0, 0.1, 0.5, 0.9, 1.0]);
        let a = p.assess(0.0, Some(&d));
        assert_eq!(
            (a.category, a.score, a.decided_by),
            (Category::High, 50.0, "time_to_failure")
        );
        // Q(0.5) = 2.5 days (F = 0.2 at 1, 0.6 at 3): below the critical 3 days.
        let d = dist([0.2, 0.6, 0.4, 0.5, 0.95]);
        assert_eq!(p.assess(0.0, Some(&d)).category, Category::Critical);
        // F(30) < 0.5: no median within the horizon, the distribution adds no risk.
        let none = dist([0.01, 0.02, 0.1, 0.3, 0.49]);
        let a = p.assess(0.0, Some(&none));
        assert_eq!((a.category, a.decided_by), (Category::Low, "probability"));
        assert_eq!(p.assess(0.12, Some(&none)).category, Category::Moderate);
        assert_eq!(p.assess(0.0, None).category, Category::Low);
        // Another quantile: Q(0.1) of the first distribution is 3 days: critical.
        let d = dist([0.0, 0.1, 0.5, 0.9, 1.0]);
        let q10 = RiskPolicy {
            time_to_failure: TtfThresholds {
                quantile: 0.1,
                ..p.time_to_failure
            },
            ..p
        };
        assert_eq!(q10.ttf_days(Some(&d)), Some(3.0));
        assert_eq!(
            (
                q10.assess(0.0, Some(&d)).category,
                q10.assess(0.0, Some(&d)).score
            ),
            (Category::Critical, 75.0)
        );
        // Q(0.9) = 14 days: moderate (the moderate threshold), score 25.
        let q90 = RiskPolicy {
            time_to_failure: TtfThresholds {
                quantile: 0.9,
                ..p.time_to_failure
            },
            ..p
        };
        let a = q90.assess(0.0, Some(&d));
        assert_eq!((a.category, a.score), (Category::Moderate, 25.0));
    }

    #[test]
    fn an_older_policy_with_days_to_failure_is_read_on_the_median() {
        let old = RiskPolicy::parse(
            "[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n\
             [days_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n",
            "old.toml",
        )
        .expect("an older policy file still reads");
        assert_eq!(old, policy());
        assert_eq!(old.time_to_failure.quantile, 0.5);
    }

    #[test]
    fn categories_in_both_languages() {
        assert_eq!(Category::parse("critique"), Some(Category::Critical));
        assert_eq!(Category::parse("HIGH"), Some(Category::High));
        assert_eq!(Category::parse("élevé"), Some(Category::High));
        assert_eq!(Category::parse("modere"), Some(Category::Moderate));
        assert_eq!(Category::parse("urgent"), None);
        assert_eq!(Category::Low.french(), "faible");
    }
}
