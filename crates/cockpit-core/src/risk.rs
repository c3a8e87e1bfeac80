//! The risk policy: how the two model outputs — probability of failure within 7 days and
//! estimated days to failure — become a 0–100 risk score and a category
//! (critical / high / moderate / low).
//!
//! The policy is a small TOML file (`data/risk-policy.toml` is the shipped default, built into
//! the binary); `docs/risk-policy.md` explains and justifies its thresholds.
//!
//! The rule: each output is turned into a *risk level* on the probability scale. The probability
//! is its own level; the days-to-failure estimate reaches the moderate, high and critical
//! probability thresholds at the configured numbers of days (linear in between, 0 at the horizon,
//! 1 at zero days). The risk level is the larger of the two. Its category follows from the
//! probability thresholds, and the score maps the level piecewise-linearly so that the category
//! boundaries fall exactly on scores 25, 50 and 75: score and category always agree, and the
//! ranking by score is the ranking by risk.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// Days-to-failure estimates that reach each category on their own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaysThresholds {
    /// Days to failure at or under which the estimate alone makes a turbine moderate; below
    /// `horizon`.
    pub moderate: f64,
    /// Days at or under which it makes it high; between `critical` and `moderate`.
    pub high: f64,
    /// Days at or under which it makes it critical; above 0.
    pub critical: f64,
    /// Beyond this many days the estimate adds no risk (the regressor's horizon).
    pub horizon: f64,
}

/// A validated risk policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskPolicy {
    /// Thresholds on the probability of failure within 7 days (`[probability]`).
    pub probability: ProbabilityThresholds,
    /// Thresholds on the estimated days to failure (`[days_to_failure]`).
    pub days_to_failure: DaysThresholds,
}

/// Result of the policy for one prediction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Assessment {
    /// 0–100, one decimal.
    pub score: f64,
    /// The category of the risk level; always agrees with `score`.
    pub category: Category,
    /// Which output decided: `probability` or `days_to_failure`.
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
            days_to_failure: DaysThresholds {
                moderate: 14.0,
                high: 7.0,
                critical: 3.0,
                horizon: 30.0,
            },
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
        let p: RiskPolicy = toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
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
        let d = p.days_to_failure;
        if !(0.0 < d.critical
            && d.critical < d.high
            && d.high < d.moderate
            && d.moderate < d.horizon)
        {
            return Err(invalid(format!(
                "days_to_failure thresholds must satisfy 0 < critical < high < moderate < horizon (got {}, {}, {}, {})",
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

    /// Risk level, on the probability scale, of a days-to-failure estimate.
    pub fn days_level(&self, ttf_days: f64) -> f64 {
        if ttf_days.is_nan() {
            return 0.0;
        }
        let d = self.days_to_failure;
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

    /// Applies the policy to one prediction.
    pub fn assess(&self, p_fail_7d: f64, ttf_days: f64) -> Assessment {
        let p = if p_fail_7d.is_nan() {
            0.0
        } else {
            p_fail_7d.clamp(0.0, 1.0)
        };
        let by_days = self.days_level(ttf_days);
        let (level, decided_by) = if by_days > p {
            (by_days, "days_to_failure")
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
        let a = policy.assess(0.9, 2.0);
        assert_eq!(a.category, Category::Critical);
        let c = a.capped(Category::Moderate);
        assert_eq!((c.category, c.score), (Category::Moderate, 49.9));
        let low = policy.assess(0.01, 30.0);
        assert_eq!(
            low.capped(Category::Moderate),
            low,
            "below the ceiling: unchanged"
        );
    }

    fn policy() -> RiskPolicy {
        RiskPolicy::parse(
            "[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n\
             [days_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n",
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
            let a = p.assess(prob, 30.0);
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
            let a = p.assess(0.0, days);
            assert_eq!((a.category, a.score), (cat, score), "ttf = {days}");
        }
        assert_eq!(p.assess(0.0, 100.0).category, Category::Low);
        assert_eq!(p.assess(0.0, f64::NAN).category, Category::Low);
    }

    #[test]
    fn the_more_urgent_output_decides_and_score_orders_risk() {
        let p = policy();
        let a = p.assess(0.35, 2.0);
        assert_eq!(
            (a.category, a.decided_by),
            (Category::Critical, "days_to_failure")
        );
        let b = p.assess(0.65, 20.0);
        assert_eq!(
            (b.category, b.decided_by),
            (Category::Critical, "probability")
        );
        let mut last = -1.0;
        for i in 0..=100 {
            let s = p.assess(f64::from(i) / 100.0, 30.0).score;
            assert!(s >= last, "score must not decrease with probability");
            last = s;
        }
    }

    #[test]
    fn invalid_policies_are_refused_with_the_reason() {
        let bad = [
            ("[probability]\nmoderate = 0.5\nhigh = 0.3\ncritical = 0.6\n[days_to_failure]\nmoderate = 14\nhigh = 7\ncritical = 3\nhorizon = 30\n", "0 < moderate < high"),
            ("[probability]\nmoderate = 0.1\nhigh = 0.3\ncritical = 0.6\n[days_to_failure]\nmoderate = 40\nhigh = 7\ncritical = 3\nhorizon = 30\n", "moderate < horizon"),
            ("[probability]\nmoderate = 0.1\n", "missing field"),
            ("colour = 1", "unknown field"),
        ];
        for (text, expected) in bad {
            let e = RiskPolicy::parse(text, "x.toml").unwrap_err().to_string();
            assert!(e.contains(expected) && e.contains("x.toml"), "{e}");
        }
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
