//! Comparing the candidate with the set in service: how often their categories agreed over the
//! runs that scored the candidate in shadow (share identical, and a confusion table served ×
//! candidate), and both sets' backtest on this fleet's history (the alert levels of
//! `runs::episodes`), with the words in French and English.

use rusqlite::params;
use serde::Serialize;

use super::{ModelSetError, ModelSetInfo};
use crate::lang::{self, Lang};
use crate::model::ModelSet;
use crate::risk::{Category, RiskPolicy};
use crate::runs::backtest::backtest;
use crate::runs::episodes::Levels;
use crate::store::Store;

/// Rows and columns of the confusion table: the four categories, then "not scored".
pub const CONFUSION_LABELS: [&str; 5] = ["low", "moderate", "high", "critical", "not_scored"];

fn index(category: Option<&str>) -> usize {
    match category {
        Some("low") => 0,
        Some("moderate") => 1,
        Some("high") => 2,
        Some("critical") => 3,
        _ => 4,
    }
}

/// How often the two sets' categories agreed over the shadow-scored runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agreement {
    /// Runs that scored this candidate in shadow.
    pub runs: i64,
    /// Runs where this candidate was skipped (it could not score), with the latest reason.
    pub skipped_runs: i64,
    /// The latest reason a shadow was skipped.
    pub last_skip_reason: Option<String>,
    /// Turbine-runs compared.
    pub compared: i64,
    /// Turbine-runs given the same category (or both not scored).
    pub identical: i64,
    /// `identical / compared`; `None` when nothing was compared.
    pub share_identical: Option<f64>,
    /// `confusion[served][candidate]`, in the order of [`CONFUSION_LABELS`].
    pub confusion: Vec<Vec<i64>>,
}

/// Agreement of the served categories with those of the candidate `candidate_sha` over every
/// run that scored it in shadow.
pub fn agreement(store: &Store, candidate_sha: &str) -> Result<Agreement, ModelSetError> {
    let mut a = Agreement {
        confusion: vec![vec![0; CONFUSION_LABELS.len()]; CONFUSION_LABELS.len()],
        ..Agreement::default()
    };
    let conn = store.conn();
    (a.runs, a.skipped_runs) = conn.query_row(
        "SELECT count(*) FILTER (WHERE skipped IS NULL), count(*) FILTER (WHERE skipped IS NOT NULL)
         FROM shadow_runs WHERE model_sha = ?1",
        [candidate_sha],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    a.last_skip_reason = conn
        .query_row(
            "SELECT skipped FROM shadow_runs WHERE model_sha = ?1 AND skipped IS NOT NULL
             ORDER BY run DESC LIMIT 1",
            [candidate_sha],
            |r| r.get(0),
        )
        .ok();
    let mut stmt = conn.prepare(
        "SELECT p.category, s.category, count(*) FROM shadow_predictions s
         JOIN shadow_runs r ON r.run = s.run
         JOIN predictions p ON p.run = s.run AND p.turbine = s.turbine
         WHERE r.model_sha = ?1 AND r.skipped IS NULL
         GROUP BY p.category, s.category",
    )?;
    let rows = stmt.query_map(params![candidate_sha], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (served, cand, n) = row?;
        let (i, j) = (index(served.as_deref()), index(cand.as_deref()));
        a.confusion[i][j] += n;
        a.compared += n;
        if i == j {
            a.identical += n;
        }
    }
    a.share_identical = (a.compared > 0).then(|| a.identical as f64 / a.compared as f64);
    Ok(a)
}

/// The candidate beside the set in service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The set in service.
    pub served: ModelSetInfo,
    /// The candidate.
    pub candidate: ModelSetInfo,
    /// Their categories over the shadow-scored runs.
    pub agreement: Agreement,
    /// Days replayed by each backtest (the same days for both); 0 without data to replay.
    pub backtest_days: i64,
    /// First and last replayed day.
    pub backtest_from: String,
    /// Last replayed day.
    pub backtest_to: String,
    /// The set in service's backtest on this fleet's history, per alert level.
    pub served_levels: Levels,
    /// The candidate's backtest on the same days.
    pub candidate_levels: Levels,
}

/// Compares the loaded `candidate` with the loaded set in service: agreement over the shadow-
/// scored runs, and both backtests over the same days (`from`/`to` as for `cockpit backtest`).
pub fn compare(
    store: &Store,
    served: &mut ModelSet,
    candidate: &mut ModelSet,
    policy: &RiskPolicy,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Comparison, ModelSetError> {
    let agreement = agreement(store, candidate.checksum())?;
    let s = backtest(store, served, policy, from, to)?;
    let c = backtest(store, candidate, policy, from, to)?;
    Ok(Comparison {
        served: ModelSetInfo::of(served),
        candidate: ModelSetInfo::of(candidate),
        agreement,
        backtest_days: s.days,
        backtest_from: s.first_day,
        backtest_to: s.last_day,
        served_levels: s.levels,
        candidate_levels: c.levels,
    })
}

/// The label of a row or column of the confusion table in `lang`.
pub fn confusion_label(i: usize, lang: Lang) -> &'static str {
    match i {
        0 => lang::category_label(Category::Low, lang),
        1 => lang::category_label(Category::Moderate, lang),
        2 => lang::category_label(Category::High, lang),
        3 => lang::category_label(Category::Critical, lang),
        _ => lang.pick("not scored", "non évaluée"),
    }
}

impl Agreement {
    /// One sentence, e.g. "Categories identical for 372 of 400 turbine-runs (93 %) over 20 runs
    /// scored in shadow."
    pub fn text(&self, lang: Lang) -> String {
        let mut s = match self.share_identical {
            None => lang
                .pick(
                    "No run has scored this candidate in shadow yet: its categories cannot be compared (the next scoring run will).",
                    "Aucune évaluation n'a encore noté ce candidat en parallèle : ses catégories ne peuvent pas être comparées (la prochaine évaluation le fera).",
                )
                .to_string(),
            Some(share) => {
                let pct = lang::format_number(share * 100.0, 0, lang);
                lang.pick(
                    format!(
                        "Categories identical for {} of {} turbine-runs ({pct} %) over {} {} scored in shadow.",
                        self.identical,
                        self.compared,
                        self.runs,
                        if self.runs == 1 { "run" } else { "runs" }
                    ),
                    format!(
                        "Catégories identiques pour {} éoliennes-évaluations sur {} ({pct} %) au fil de {} {} en parallèle.",
                        self.identical,
                        self.compared,
                        self.runs,
                        if self.runs == 1 { "évaluation" } else { "évaluations" }
                    ),
                )
            }
        };
        if self.skipped_runs > 0 {
            s.push(' ');
            s.push_str(&lang.pick(
                format!(
                    "Skipped in {} {}: {}",
                    self.skipped_runs,
                    if self.skipped_runs == 1 {
                        "run"
                    } else {
                        "runs"
                    },
                    self.last_skip_reason.as_deref().unwrap_or("-")
                ),
                format!(
                    "Écarté dans {} {} : {}",
                    self.skipped_runs,
                    if self.skipped_runs == 1 {
                        "évaluation"
                    } else {
                        "évaluations"
                    },
                    self.last_skip_reason.as_deref().unwrap_or("-")
                ),
            ));
        }
        s
    }
}

/// A comparison's words in one language, by section, for a page or a terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComparisonText {
    /// "In service: 1.0.0 (ab12cd34)" and "Candidate: …".
    pub heading: Vec<String>,
    /// How often the categories agreed ([`Agreement::text`]).
    pub agreement: String,
    /// What the confusion table's rows and columns are; `None` when nothing was compared.
    pub table_caption: Option<String>,
    /// The rows' and columns' names ([`CONFUSION_LABELS`] in this language).
    pub labels: Vec<String>,
    /// The backtests: a first line naming the days, then each set's figures per level.
    pub backtest: Vec<String>,
}

impl Comparison {
    /// The comparison's words in `lang`.
    pub fn text(&self, lang: Lang) -> ComparisonText {
        let heading = vec![
            lang.pick(
                format!("In service: {}", self.served.label()),
                format!("En service : {}", self.served.label()),
            ),
            lang.pick(
                format!("Candidate: {}", self.candidate.label()),
                format!("Candidat : {}", self.candidate.label()),
            ),
        ];
        let table_caption = (self.agreement.compared > 0).then(|| {
            lang.pick(
                "Rows: category in service; columns: category of the candidate.",
                "Lignes : catégorie en service ; colonnes : catégorie du candidat.",
            )
            .to_string()
        });
        let mut backtest = Vec::new();
        if self.backtest_days == 0 {
            backtest.push(
                lang.pick(
                    "Backtest: no day of history to replay.",
                    "Rejeu : aucun jour d'historique à rejouer.",
                )
                .to_string(),
            );
        } else {
            backtest.push(lang.pick(
                format!(
                    "Backtest on this fleet's history, {} days from {} to {}:",
                    self.backtest_days, self.backtest_from, self.backtest_to
                ),
                format!(
                    "Rejeu sur l'historique de ce parc, {} jours du {} au {} :",
                    self.backtest_days, self.backtest_from, self.backtest_to
                ),
            ));
            for (name, levels) in [
                (lang.pick("in service", "en service"), &self.served_levels),
                (lang.pick("candidate", "candidat"), &self.candidate_levels),
            ] {
                backtest.push(format!(
                    "{name}: {}",
                    levels.high.text(Category::High, lang)
                ));
                backtest.push(format!(
                    "{name}: {}",
                    levels.critical.text(Category::Critical, lang)
                ));
            }
        }
        ComparisonText {
            heading,
            agreement: self.agreement.text(lang),
            table_caption,
            labels: (0..CONFUSION_LABELS.len())
                .map(|i| confusion_label(i, lang).to_string())
                .collect(),
            backtest,
        }
    }

    /// The comparison in lines of text for a terminal, in `lang`.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let t = self.text(lang);
        let mut out = t.heading.clone();
        out.push(t.agreement.clone());
        if let Some(caption) = &t.table_caption {
            out.push(caption.clone());
            let head: Vec<String> = t.labels.iter().map(|l| format!("{l:>12}")).collect();
            out.push(format!("{:<12}{}", "", head.join("")));
            for (label, row) in t.labels.iter().zip(&self.agreement.confusion) {
                let cells: Vec<String> = row.iter().map(|n| format!("{n:>12}")).collect();
                out.push(format!("{label:<12}{}", cells.join("")));
            }
        }
        let mut backtest = t.backtest.into_iter();
        out.extend(backtest.next());
        out.extend(backtest.map(|l| format!("  {l}")));
        out
    }
}
