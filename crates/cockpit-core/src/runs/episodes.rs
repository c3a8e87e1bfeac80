//! Alert episodes and the detectable ceiling, per alert level: what a manager lives with is not
//! alert-days but stretches of consecutive days a turbine stays on the list, and a failure whose
//! precursor was never visible cannot be warned of by any model. Pure counting over the daily
//! categories a backtest replayed and the failure logbook; phrased in French and English here.
//!
//! Definitions (also in `docs/risk-policy.md`):
//! - an **episode** at a level is a stretch of consecutive replayed days on which one turbine was
//!   rated at that level or above (high: high or critical; critical: critical only); a day not
//!   rated at that level — lower, or not scored — ends it;
//! - it is **true** when a failure of that turbine follows one of its days within the lead window
//!   (after its first day, at most [`LEAD_WINDOW_DAYS`] after its last), **false** when none does
//!   and the data run at least that long past its last day, **unresolved** otherwise (too close
//!   to the end of the data to tell);
//! - a failure is **warned** when a true episode of its turbine began at least
//!   [`MIN_LEAD_DAYS`] before it; its lead is the time from the first day of the earliest such
//!   episode to the failure;
//! - a failure is **detectable** when its precursor began at least [`MIN_LEAD_DAYS`] before it
//!   (the simulator's logbook says when; a real logbook does not, and then nothing is counted).

use serde::Serialize;

use crate::lang::{self, Lang};
use crate::risk::Category;

const DAY: i64 = 86_400;
/// A failure within this many days of an episode's last day makes it true (the 7-day horizon of
/// the risk policy's probability, the backtest's "warned").
pub const LEAD_WINDOW_DAYS: i64 = 7;
/// A warning counts only when it came at least this many days before the failure; a precursor
/// counts as visible only when it began at least this long before.
pub const MIN_LEAD_DAYS: i64 = 2;
/// Days in a quarter (a quarter of 365.25).
const QUARTER_DAYS: f64 = 365.25 / 4.0;

/// One replayed day of one turbine that was scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RatedDay {
    /// The turbine's row id.
    pub turbine: i64,
    /// The run's time (Unix seconds, midnight UTC).
    pub t: i64,
    /// The category it was given.
    pub category: Category,
}

/// A failure of the logbook, with what is known about its precursor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct KnownFailure {
    /// The turbine's row id.
    pub turbine: i64,
    /// Failure time (Unix seconds).
    pub time: i64,
    /// Back in service after the turbine's previous failure, if any.
    pub previous_back: Option<i64>,
    /// Precursor information: `None` when the logbook says nothing about precursors,
    /// `Some(None)` when the failure had none, `Some(Some(t))` when it began at `t`.
    pub precursor: Option<Option<i64>>,
}

/// Consecutive replayed days of one turbine at a level or above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Episode {
    pub turbine: i64,
    /// First and last day (run times, Unix seconds).
    pub first: i64,
    pub last: i64,
}

/// The episodes at `level` or above, by turbine then time. `days` may come in any order.
pub(super) fn episodes(level: Category, days: &[RatedDay]) -> Vec<Episode> {
    let mut flagged: Vec<(i64, i64)> = days
        .iter()
        .filter(|d| d.category >= level)
        .map(|d| (d.turbine, d.t))
        .collect();
    flagged.sort_unstable();
    flagged.dedup();
    let mut out: Vec<Episode> = Vec::new();
    for (turbine, t) in flagged {
        match out.last_mut() {
            Some(e) if e.turbine == turbine && e.last + DAY == t => e.last = t,
            _ => out.push(Episode {
                turbine,
                first: t,
                last: t,
            }),
        }
    }
    out
}

/// Whether `f` follows `e` within the lead window.
fn follows(e: &Episode, f: &KnownFailure) -> bool {
    f.turbine == e.turbine && f.time > e.first && f.time <= e.last + LEAD_WINDOW_DAYS * DAY
}

/// What one alert level would have meant over the replayed days.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LevelFigures {
    /// Logbook failures in the replayed period.
    pub failures: u64,
    /// Failures whose precursor began at least 2 days before them; `None` when the logbook
    /// holds no precursor information for some failure of the period (a real logbook).
    pub detectable_failures: Option<u64>,
    /// Failures warned at least 2 days ahead: a true episode began 2 days or more before them.
    pub warned: u64,
    /// Detectable failures warned at least 2 days ahead; `None` with `detectable_failures`.
    pub warned_detectable: Option<u64>,
    /// `warned / failures`; `None` without failures.
    pub recall: Option<f64>,
    /// `warned_detectable / detectable_failures`; `None` without precursor information or
    /// without a detectable failure.
    pub recall_detectable: Option<f64>,
    /// Episodes followed by a failure within 7 days of one of their days.
    pub true_episodes: u64,
    /// Episodes followed by no failure within 7 days, the data running long enough to tell.
    pub false_episodes: u64,
    /// Episodes too close to the end of the data to tell (counted neither true nor false).
    pub unresolved_episodes: u64,
    /// False episodes per turbine and quarter (91.3 scored turbine-days); `None` when nothing
    /// was scored.
    pub false_episodes_per_turbine_quarter: Option<f64>,
    /// `true_episodes / (true_episodes + false_episodes)`; `None` without a judged episode.
    pub episode_precision: Option<f64>,
    /// Median, over the warned failures, of the days from the first day of the episode that
    /// warned of it to the failure (one decimal); `None` when none was warned.
    pub median_lead_days: Option<f64>,
}

/// The figures of `level` from the scored days, the failures of the period, the number of
/// turbine-days scored and the end of the data (Unix seconds: an episode without a failure is
/// false only when the data run [`LEAD_WINDOW_DAYS`] past its last day).
pub(super) fn level_figures(
    level: Category,
    days: &[RatedDay],
    failures: &[KnownFailure],
    scored_turbine_days: u64,
    data_end: i64,
) -> LevelFigures {
    let eps = episodes(level, days);
    let (mut true_episodes, mut false_episodes, mut unresolved_episodes) = (0, 0, 0);
    for e in &eps {
        if failures.iter().any(|f| follows(e, f)) {
            true_episodes += 1;
        } else if e.last + LEAD_WINDOW_DAYS * DAY <= data_end {
            false_episodes += 1;
        } else {
            unresolved_episodes += 1;
        }
    }
    let min_lead = MIN_LEAD_DAYS * DAY;
    // The lead of each failure: from the earliest true episode that began 2+ days before it.
    let lead = |f: &KnownFailure| {
        eps.iter()
            .filter(|e| follows(e, f) && f.time - e.first >= min_lead)
            .filter(|e| f.previous_back.is_none_or(|b| e.first >= b))
            .map(|e| f.time - e.first)
            .max()
    };
    let leads: Vec<Option<i64>> = failures.iter().map(lead).collect();
    let warned = leads.iter().flatten().count() as u64;
    let detectable = |f: &KnownFailure| {
        f.precursor
            .map(|p| p.is_some_and(|start| f.time - start >= min_lead))
    };
    let known: Option<Vec<bool>> = failures.iter().map(detectable).collect();
    let detectable_failures = known
        .as_ref()
        .map(|k| k.iter().filter(|d| **d).count() as u64);
    let warned_detectable = known.as_ref().map(|k| {
        k.iter()
            .zip(&leads)
            .filter(|(d, l)| **d && l.is_some())
            .count() as u64
    });
    let share = |n: u64, of: u64| (of > 0).then(|| n as f64 / of as f64);
    let mut lead_days: Vec<f64> = leads
        .iter()
        .flatten()
        .map(|l| *l as f64 / DAY as f64)
        .collect();
    lead_days.sort_by(f64::total_cmp);
    let median = match lead_days.len() {
        0 => None,
        n if n % 2 == 1 => Some(lead_days[n / 2]),
        n => Some((lead_days[n / 2 - 1] + lead_days[n / 2]) / 2.0),
    };
    LevelFigures {
        failures: failures.len() as u64,
        detectable_failures,
        warned,
        warned_detectable,
        recall: share(warned, failures.len() as u64),
        recall_detectable: match (warned_detectable, detectable_failures) {
            (Some(w), Some(d)) => share(w, d),
            _ => None,
        },
        true_episodes,
        false_episodes,
        unresolved_episodes,
        false_episodes_per_turbine_quarter: (scored_turbine_days > 0)
            .then(|| false_episodes as f64 / (scored_turbine_days as f64 / QUARTER_DAYS)),
        episode_precision: share(true_episodes, true_episodes + false_episodes),
        median_lead_days: median.map(|m| (m * 10.0).round() / 10.0),
    }
}

/// The figures of the alert levels: the two a manager acts on, and the watch list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Levels {
    /// High or above ("plan an inspection this week").
    pub high: LevelFigures,
    /// Critical only ("act now").
    pub critical: LevelFigures,
    /// Moderate or above (the watch list), so that every alert category can say how often it
    /// has been right.
    pub moderate: LevelFigures,
}

impl LevelFigures {
    /// The figures in one sentence, e.g. "High or above: 18 of 25 failures warned at least 2 days
    /// ahead (72 %); 18 of 20 with a visible precursor (90 %); 30 alert episodes: 22 followed by
    /// a failure within 7 days (73 %), 8 false (0.21 per turbine per quarter); median lead
    /// 9.5 days."
    pub fn text(&self, level: Category, lang: Lang) -> String {
        let pct = |v: Option<f64>| match v {
            Some(x) => format!("{} %", lang::format_number(x * 100.0, 0, lang)),
            None => "-".to_string(),
        };
        let name = level_name(level, lang);
        let pl = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        let warned = lang.pick(
            format!(
                "{} of {} {} warned at least {MIN_LEAD_DAYS} days ahead ({})",
                self.warned,
                self.failures,
                pl(self.failures, "failure", "failures"),
                pct(self.recall)
            ),
            format!(
                "{} {} sur {} {} au moins {MIN_LEAD_DAYS} jours avant ({})",
                self.warned,
                pl(self.warned, "panne", "pannes"),
                self.failures,
                pl(self.warned, "annoncée", "annoncées"),
                pct(self.recall)
            ),
        );
        let detectable = match (self.warned_detectable, self.detectable_failures) {
            (Some(w), Some(d)) => lang.pick(
                format!(
                    "{w} of the {d} with a precursor visible {MIN_LEAD_DAYS}+ days before ({})",
                    pct(self.recall_detectable)
                ),
                format!(
                    "{w} des {d} à précurseur visible {MIN_LEAD_DAYS} jours avant ou plus ({})",
                    pct(self.recall_detectable)
                ),
            ),
            _ => lang
                .pick(
                    "the logbook does not say which failures had a precursor",
                    "le journal des pannes ne dit pas lesquelles avaient un précurseur",
                )
                .to_string(),
        };
        let judged = self.true_episodes + self.false_episodes;
        let rate = self
            .false_episodes_per_turbine_quarter
            .map_or("-".to_string(), |r| lang::format_number(r, 2, lang));
        let episodes = lang.pick(
            format!(
                "{judged} alert {} judged: {} followed by a failure within {LEAD_WINDOW_DAYS} days ({}), {} false ({rate} per turbine per quarter)",
                pl(judged, "episode", "episodes"),
                self.true_episodes,
                pct(self.episode_precision),
                self.false_episodes
            ),
            format!(
                "{judged} {} : {} {} d'une panne sous {LEAD_WINDOW_DAYS} jours ({}), {} faux ({rate} par turbine et par trimestre)",
                pl(judged, "épisode d'alerte jugé", "épisodes d'alerte jugés"),
                self.true_episodes,
                pl(self.true_episodes, "suivi", "suivis"),
                pct(self.episode_precision),
                self.false_episodes
            ),
        );
        let unresolved = if self.unresolved_episodes > 0 {
            lang.pick(
                format!(
                    ", {} too close to the end of the data to tell",
                    self.unresolved_episodes
                ),
                format!(
                    ", {} trop près de la fin des données pour conclure",
                    self.unresolved_episodes
                ),
            )
        } else {
            String::new()
        };
        let lead = match self.median_lead_days {
            Some(d) => lang.pick(
                format!("median lead {} days", lang::format_number(d, 1, lang)),
                format!("avance médiane {} jours", lang::format_number(d, 1, lang)),
            ),
            None => lang
                .pick("no failure warned", "aucune panne annoncée")
                .to_string(),
        };
        let colon = lang.pick(":", " :");
        let semi = lang.pick(";", " ;");
        format!(
            "{name}{colon} {warned}{semi} {detectable}{semi} {episodes}{unresolved}{semi} {lead}."
        )
    }
}

/// An alert level's name: "Critical", "High or above", "Moderate or above" and their French.
pub(super) fn level_name(level: Category, lang: Lang) -> String {
    let word = lang::category_label(level, lang);
    let mut chars = word.chars();
    let cap: String = match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    match level {
        Category::Critical => cap,
        _ => lang.pick(format!("{cap} or above"), format!("{cap} ou plus")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z

    fn day(n: i64) -> i64 {
        T0 + n * DAY
    }

    /// Turbine 1 rated `cats[i]` on day `i` (`None`: not scored that day).
    fn rated(turbine: i64, cats: &[Option<Category>]) -> Vec<RatedDay> {
        cats.iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.map(|category| RatedDay {
                    turbine,
                    t: day(i as i64),
                    category,
                })
            })
            .collect()
    }

    fn failure(turbine: i64, at: i64, precursor: Option<Option<i64>>) -> KnownFailure {
        KnownFailure {
            turbine,
            time: at,
            previous_back: None,
            precursor,
        }
    }

    use Category::{Critical as C, High as H, Low as L, Moderate as M};

    #[test]
    fn consecutive_days_merge_a_gap_splits_and_each_turbine_has_its_own() {
        let mut days = rated(
            1,
            &[Some(H), Some(C), Some(H), Some(M), Some(H), None, Some(H)],
        );
        days.extend(rated(2, &[Some(L), Some(H), Some(H)]));
        days.reverse(); // any order
        let ep = |turbine, first, last| Episode {
            turbine,
            first: day(first),
            last: day(last),
        };
        // High: days 0-2 (critical counts as high or above), a moderate day splits, a day not
        // scored splits too.
        assert_eq!(
            episodes(Category::High, &days),
            vec![ep(1, 0, 2), ep(1, 4, 4), ep(1, 6, 6), ep(2, 1, 2)]
        );
        // Critical: only the critical day.
        assert_eq!(episodes(Category::Critical, &days), vec![ep(1, 1, 1)]);
    }

    #[test]
    fn an_episode_is_true_when_a_failure_follows_within_the_lead_window() {
        // Turbine 1: high on days 0-2, then a failure on day 8 at noon (6.5 days after the last
        // day: within 7) → true. Turbine 2: high on days 0-2, failure on day 9 at noon (7.5
        // days after) → false. Turbine 3: high on days 0-1 and 5-6, failure on day 8.
        let mut days = rated(1, &[Some(H), Some(H), Some(H)]);
        days.extend(rated(2, &[Some(H), Some(H), Some(H)]));
        days.extend(rated(
            3,
            &[
                Some(H),
                Some(C),
                Some(L),
                Some(L),
                Some(L),
                Some(H),
                Some(H),
            ],
        ));
        let failures = [
            failure(1, day(8) + DAY / 2, None),
            failure(2, day(9) + DAY / 2, None),
            failure(3, day(8), None),
        ];
        let high = level_figures(Category::High, &days, &failures, 120, day(60));
        // Turbine 3: both its episodes are followed by the failure of day 8 within 7 days.
        assert_eq!((high.true_episodes, high.false_episodes), (3, 1));
        assert_eq!(high.episode_precision, Some(0.75));
        // 1 false episode over 120 turbine-days (1.31 quarters).
        let rate = high.false_episodes_per_turbine_quarter.unwrap();
        assert!((rate - QUARTER_DAYS / 120.0).abs() < 1e-9, "{rate}");
        // Warned: turbine 1 (from day 0 → lead 8.5 days) and turbine 3 (its earliest true
        // episode began on day 0 → lead 8 days); turbine 2 not.
        assert_eq!(high.warned, 2);
        assert_eq!(high.recall, Some(2.0 / 3.0));
        assert_eq!(high.median_lead_days, Some(8.3));
        // Critical: turbine 3's day 1 only, 7 days before its failure → true, lead 7.
        let critical = level_figures(Category::Critical, &days, &failures, 120, day(60));
        assert_eq!((critical.true_episodes, critical.false_episodes), (1, 0));
        assert_eq!(critical.warned, 1);
        assert_eq!(critical.median_lead_days, Some(7.0));
        assert_eq!(critical.episode_precision, Some(1.0));
    }

    #[test]
    fn a_warning_less_than_two_days_ahead_is_true_but_does_not_warn() {
        // High from day 5, failure on day 6 at 06:00: 1.25 days ahead.
        let days = rated(
            1,
            &[None, None, None, None, None, Some(H), Some(H), None, None],
        );
        let failures = [failure(1, day(6) + DAY / 4, Some(Some(day(0))))];
        let high = level_figures(Category::High, &days, &failures, 50, day(60));
        assert_eq!((high.true_episodes, high.false_episodes), (1, 0));
        assert_eq!(high.warned, 0);
        assert_eq!(high.median_lead_days, None);
        assert_eq!(high.recall_detectable, Some(0.0));
    }

    #[test]
    fn episodes_near_the_end_of_the_data_are_not_judged() {
        let days = rated(1, &[Some(H), None, None, None, None, None, Some(H)]);
        // Data end on day 10: the episode of day 0 is false (day 7 ≤ 10), the one of day 6
        // cannot be told (it would need data up to day 13).
        let high = level_figures(Category::High, &days, &[], 70, day(10));
        assert_eq!(
            (
                high.true_episodes,
                high.false_episodes,
                high.unresolved_episodes
            ),
            (0, 1, 1)
        );
        assert_eq!(high.episode_precision, Some(0.0));
        assert_eq!(high.recall, None, "no failure, no recall");
    }

    #[test]
    fn the_detectable_ceiling_counts_precursors_two_days_ahead_and_never_guesses() {
        // Turbine 1 high on days 0-9.
        let days = rated(1, &[Some(H); 10]);
        let with = [
            // Precursor from day 0, failure day 10: detectable, warned (10 days ahead).
            failure(1, day(10), Some(Some(day(0)))),
            // No precursor at all.
            failure(2, day(10), Some(None)),
            // Precursor 1 day before: not detectable.
            failure(3, day(10), Some(Some(day(9)))),
            // Precursor 3 days before: detectable, not warned.
            failure(4, day(10), Some(Some(day(7)))),
        ];
        let high = level_figures(Category::High, &days, &with, 400, day(60));
        assert_eq!(high.failures, 4);
        assert_eq!(high.detectable_failures, Some(2));
        assert_eq!((high.warned, high.warned_detectable), (1, Some(1)));
        assert_eq!(high.recall, Some(0.25));
        assert_eq!(high.recall_detectable, Some(0.5));
        // A real logbook says nothing: null, not zero, not the count of all failures.
        let without: Vec<KnownFailure> = with
            .iter()
            .map(|f| KnownFailure {
                precursor: None,
                ..*f
            })
            .collect();
        let high = level_figures(Category::High, &days, &without, 400, day(60));
        assert_eq!(high.detectable_failures, None);
        assert_eq!(high.warned_detectable, None);
        assert_eq!(high.recall_detectable, None);
        assert_eq!(high.recall, Some(0.25));
        // One failure without information is enough to refuse a ceiling.
        let mut mixed = with.to_vec();
        mixed[1].precursor = None;
        let high = level_figures(Category::High, &days, &mixed, 400, day(60));
        assert_eq!(high.detectable_failures, None);
    }

    #[test]
    fn an_episode_before_the_previous_repair_does_not_warn_of_the_next_failure() {
        let days = rated(1, &[Some(H), Some(H)]);
        let f = KnownFailure {
            previous_back: Some(day(1) + DAY / 2),
            ..failure(1, day(5), None)
        };
        let high = level_figures(Category::High, &days, &[f], 10, day(60));
        assert_eq!(high.warned, 0);
    }

    #[test]
    fn the_figures_in_words_in_both_languages() {
        let days = rated(1, &[Some(H), Some(H), Some(H)]);
        let failures = [
            failure(1, day(8) + DAY / 2, Some(Some(day(0)))),
            failure(2, day(9), Some(None)),
        ];
        let high = level_figures(Category::High, &days, &failures, 120, day(60));
        assert_eq!(
            high.text(Category::High, Lang::En),
            "High or above: 1 of 2 failures warned at least 2 days ahead (50 %); 1 of the 1 with a precursor visible 2+ days before (100 %); 1 alert episode judged: 1 followed by a failure within 7 days (100 %), 0 false (0.00 per turbine per quarter); median lead 8.5 days."
        );
        assert_eq!(
            high.text(Category::High, Lang::Fr),
            "Élevé ou plus : 1 panne sur 2 annoncée au moins 2 jours avant (50 %) ; 1 des 1 à précurseur visible 2 jours avant ou plus (100 %) ; 1 épisode d'alerte jugé : 1 suivi d'une panne sous 7 jours (100 %), 0 faux (0,00 par turbine et par trimestre) ; avance médiane 8,5 jours."
        );
        let none = level_figures(Category::Critical, &days, &[], 120, day(60));
        let text = none.text(Category::Critical, Lang::En);
        assert!(text.starts_with("Critical: 0 of 0 failures"), "{text}");
        assert!(text.ends_with("no failure warned."), "{text}");
        let unknown = level_figures(
            Category::High,
            &days,
            &[failure(1, day(9), None)],
            120,
            day(60),
        );
        assert!(unknown
            .text(Category::High, Lang::Fr)
            .contains("ne dit pas lesquelles avaient un précurseur"));
    }
}
