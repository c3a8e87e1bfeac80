//! Why a turbine was not scored: built by the run, stored as its English sentence (the one
//! source of that wording), read back and phrased in either language.

use crate::lang::Lang;

/// Why a turbine was not scored. Runs store `phrase(Lang::En)`; [`NotScoredReason::parse`] reads
/// it back (its exact inverse, tested) so that it can be phrased in either language.
#[derive(Debug, Clone, PartialEq)]
pub enum NotScoredReason {
    /// Under repair since a time (`YYYY-MM-DDTHH:MM:SSZ`), for a component, per the logbook.
    UnderRepair {
        /// Start of the repair.
        since: String,
        /// The component under repair.
        component: String,
    },
    /// No SCADA record at all before the scoring time.
    NoRecord,
    /// No record in the last 24 hours.
    NoRecentRecord {
        /// Time of the last record.
        last: String,
    },
    /// Too few records in the last 24 hours.
    LowCoverage {
        /// Percent of records present.
        present: String,
        /// Percent needed.
        needed: String,
    },
    /// Nothing to watch: no key signal family (temperatures, vibration) and no power curve.
    NothingToWatch,
    /// The models gave a value that cannot be a score (NaN, infinite, a probability outside
    /// [0, 1], the time-to-failure columns included): the turbine is not scored rather than shown
    /// as low, and the run's health fails.
    ModelOutputInvalid {
        /// `p_fail_7d`, or `p_within_<h>d` (a column of the time-to-failure model).
        output: String,
        /// The value given (`NaN`, `inf`, `-3.2`).
        value: String,
        /// Lowest valid value.
        low: String,
        /// Highest valid value.
        high: String,
    },
    /// A sentence this version does not know, shown as it is.
    Other(String),
}

/// Fragments of the English not-scored sentences (see [`NotScoredReason`]).
pub const NOT_SCORED_ENGLISH: &[&str] = &[
    "under repair since",
    "no SCADA record",
    "of the last 24 h of records present",
    "nothing to watch",
    "model output invalid",
    "not scored",
];

/// The start of the English sentence of [`NotScoredReason::ModelOutputInvalid`] (how stored
/// predictions are recognised by the health check).
pub const MODEL_OUTPUT_INVALID_EN: &str = "model output invalid: ";

/// The English sentence of [`NotScoredReason::NothingToWatch`].
const NOTHING_TO_WATCH_EN: &str =
    "nothing to watch: no temperature, no vibration and no power curve in the last 7 days";

impl NotScoredReason {
    /// Reads a stored reason (the English sentence written by the run).
    pub fn parse(text: &str) -> NotScoredReason {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("under repair since ") {
            if let Some((since, tail)) = rest.split_once(" (") {
                if let Some(component) = tail.strip_suffix(", logbook)") {
                    return NotScoredReason::UnderRepair {
                        since: since.into(),
                        component: component.into(),
                    };
                }
            }
        }
        if t == "no SCADA record before this time" {
            return NotScoredReason::NoRecord;
        }
        if t == NOTHING_TO_WATCH_EN {
            return NotScoredReason::NothingToWatch;
        }
        if let Some(last) = t
            .strip_prefix("no SCADA record in the last 24 h (last record ")
            .and_then(|r| r.strip_suffix(')'))
        {
            return NotScoredReason::NoRecentRecord { last: last.into() };
        }
        if let Some((present, needed)) = t
            .strip_prefix("only ")
            .and_then(|r| r.split_once(" % of the last 24 h of records present (at least "))
            .and_then(|(p, n)| Some((p, n.strip_suffix(" % needed)")?)))
        {
            return NotScoredReason::LowCoverage {
                present: present.into(),
                needed: needed.into(),
            };
        }
        if let Some((output, value, low, high)) = t
            .strip_prefix(MODEL_OUTPUT_INVALID_EN)
            .and_then(|r| r.strip_suffix("; check the model set"))
            .and_then(|r| r.split_once(" = "))
            .and_then(|(o, r)| Some((o, r.split_once(", valid from ")?)))
            .and_then(|(o, (v, r))| Some((o, v, r.split_once(" to ")?)))
            .map(|(o, v, (l, h))| (o, v, l, h))
        {
            return NotScoredReason::ModelOutputInvalid {
                output: output.into(),
                value: value.into(),
                low: low.into(),
                high: high.into(),
            };
        }
        NotScoredReason::Other(t.into())
    }

    /// A stored reason in words, in `lang`.
    pub fn phrase_stored(stored: &str, lang: Lang) -> String {
        NotScoredReason::parse(stored).phrase(lang)
    }

    /// The kind of reason, for counting (`under_repair`, `no_record`, `no_recent_record`,
    /// `low_coverage`, `nothing_to_watch`, `model_output_invalid`, `other`).
    pub fn kind(&self) -> &'static str {
        match self {
            NotScoredReason::UnderRepair { .. } => "under_repair",
            NotScoredReason::NoRecord => "no_record",
            NotScoredReason::NoRecentRecord { .. } => "no_recent_record",
            NotScoredReason::LowCoverage { .. } => "low_coverage",
            NotScoredReason::NothingToWatch => "nothing_to_watch",
            NotScoredReason::ModelOutputInvalid { .. } => "model_output_invalid",
            NotScoredReason::Other(_) => "other",
        }
    }

    /// The reason in words.
    pub fn phrase(&self, lang: Lang) -> String {
        use NotScoredReason::*;
        match (self, lang) {
            (UnderRepair { since, component }, Lang::En) => {
                format!("under repair since {since} ({component}, logbook)")
            }
            (UnderRepair { since, component }, Lang::Fr) => {
                format!("en réparation depuis {since} ({component}, registre de maintenance)")
            }
            (NoRecord, _) => lang
                .pick(
                    "no SCADA record before this time",
                    "aucun enregistrement SCADA avant cette date",
                )
                .into(),
            (NoRecentRecord { last }, Lang::En) => {
                format!("no SCADA record in the last 24 h (last record {last})")
            }
            (NoRecentRecord { last }, Lang::Fr) => format!(
                "aucun enregistrement SCADA dans les dernières 24 h (dernier enregistrement {last})"
            ),
            (LowCoverage { present, needed }, Lang::En) => format!(
                "only {present} % of the last 24 h of records present (at least {needed} % needed)"
            ),
            (LowCoverage { present, needed }, Lang::Fr) => format!(
                "seulement {present} % des enregistrements des dernières 24 h présents (au moins {needed} % nécessaires)"
            ),
            (NothingToWatch, _) => lang
                .pick(NOTHING_TO_WATCH_EN, "rien à surveiller : ni température, ni vibration, ni courbe de puissance dans les 7 derniers jours")
                .into(),
            (
                ModelOutputInvalid {
                    output,
                    value,
                    low,
                    high,
                },
                Lang::En,
            ) => format!(
                "{MODEL_OUTPUT_INVALID_EN}{output} = {value}, valid from {low} to {high}; check the model set"
            ),
            (
                ModelOutputInvalid {
                    output,
                    value,
                    low,
                    high,
                },
                Lang::Fr,
            ) => format!(
                "sortie du modèle invalide : {output} = {value}, valide de {low} à {high} ; vérifiez le jeu de modèles"
            ),
            (Other(t), _) => t.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_run_stores_reads_back_and_phrases_in_both_languages() {
        for reason in [
            NotScoredReason::UnderRepair {
                since: "2026-11-20T08:00:00Z".into(),
                component: "gearbox".into(),
            },
            NotScoredReason::NoRecord,
            NotScoredReason::NothingToWatch,
            NotScoredReason::NoRecentRecord {
                last: "2026-11-25T10:00:00Z".into(),
            },
            NotScoredReason::LowCoverage {
                present: "40".into(),
                needed: "60".into(),
            },
            NotScoredReason::ModelOutputInvalid {
                output: "p_fail_7d".into(),
                value: "NaN".into(),
                low: "0".into(),
                high: "1".into(),
            },
        ] {
            let stored = reason.phrase(Lang::En);
            assert_eq!(NotScoredReason::parse(&stored), reason, "{stored}");
            let fr = reason.phrase(Lang::Fr);
            assert!(NOT_SCORED_ENGLISH.iter().all(|e| !fr.contains(e)), "{fr}");
        }
        assert_eq!(
            NotScoredReason::phrase_stored(
                "only 40 % of the last 24 h of records present (at least 60 % needed)",
                Lang::Fr
            ),
            "seulement 40 % des enregistrements des dernières 24 h présents (au moins 60 % nécessaires)"
        );
        assert_eq!(
            NotScoredReason::phrase_stored("an older sentence", Lang::Fr),
            "an older sentence"
        );
    }
}
