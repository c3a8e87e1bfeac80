//! What a prediction could and could not watch: the signal families absent from the export or
//! blinded by a sensor fault, the turbine indicators it had, the sensor faults in its window —
//! stored with the prediction — and the rules that follow: a family it could not watch gives no
//! driver, a turbine with nothing to watch is not scored, and a high or critical prediction always
//! says why in words.

use serde::{Deserialize, Serialize};

use super::drivers::indicator_label;
use super::Driver;
use crate::features::{TurbineWatch, KEY_SIGNALS};
use crate::lang::Lang;
use crate::quality::{Fault, Watch};
use crate::risk::Category;

/// A signal family a prediction could not watch, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unwatched {
    /// The family's indicator id (`converter`, `generator_winding`, …).
    pub indicator: String,
    /// Why: absent from the export, or faulty (never `watched`).
    pub watch: Watch,
}

/// What a prediction could watch, stored with it (`predictions.data_quality`, JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataQuality {
    /// The key signal families it could not watch, in the catalogue's order.
    pub unwatched: Vec<Unwatched>,
    /// Whether the power curve (power and wind) was watched.
    pub power_curve: bool,
    /// Whether the pitch was watched.
    pub pitch: bool,
    /// The sensor faults in the 7 days before the prediction, oldest first.
    pub faults: Vec<Fault>,
    /// The category was held at moderate: watched on power curve and pitch only, where the
    /// models' measured skill is too low for an alarm (see `runs::evaluate`).
    #[serde(default)]
    pub held_at_moderate: bool,
}

impl Default for DataQuality {
    /// Everything watched, no fault: what a prediction made before this was recorded means.
    fn default() -> Self {
        DataQuality {
            unwatched: Vec::new(),
            power_curve: true,
            pitch: true,
            faults: Vec::new(),
            held_at_moderate: false,
        }
    }
}

/// What a data-quality summary says, in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataQualityText {
    /// One line for the fleet list's badge ("not watched: converter, transformer · generator
    /// winding: sensor frozen"); `None`: no badge, every family watched and no sensor blinded.
    pub badge: Option<String>,
    /// Every sentence of the detail: what it is not watched on, what it is watched on when that
    /// is only the power curve and pitch, then each sensor fault.
    pub lines: Vec<String>,
}

impl DataQuality {
    /// What a turbine's watch over the window means for its prediction.
    pub fn of(w: &TurbineWatch) -> DataQuality {
        DataQuality {
            unwatched: KEY_SIGNALS
                .iter()
                .zip(&w.families)
                .filter(|(_, watch)| **watch != Watch::Watched)
                .map(|((short, _), watch)| Unwatched {
                    indicator: short.to_string(),
                    watch: *watch,
                })
                .collect(),
            power_curve: w.power_curve,
            pitch: w.pitch,
            faults: w.faults.clone(),
            held_at_moderate: false,
        }
    }

    /// Whether the prediction could read `indicator` (a family, `power_curve` or `pitch`).
    pub fn watches(&self, indicator: &str) -> bool {
        match indicator {
            "power_curve" => self.power_curve,
            "pitch" => self.pitch,
            family => self.unwatched.iter().all(|u| u.indicator != family),
        }
    }

    /// Whether no key signal family was watched.
    pub fn no_family(&self) -> bool {
        self.unwatched.len() == KEY_SIGNALS.len()
    }

    /// "not watched: hydraulic oil, converter" / "non surveillée : huile hydraulique,
    /// convertisseur"; `None` when every family present was watched.
    fn absent_text(&self, lang: Lang) -> Option<String> {
        let absent: Vec<String> = self
            .unwatched
            .iter()
            .filter(|u| u.watch == Watch::Absent)
            .map(|u| indicator_label(&u.indicator, lang))
            .collect();
        (!absent.is_empty()).then(|| {
            format!(
                "{} {}",
                lang.pick("not watched:", "non surveillée :"),
                absent.join(", ")
            )
        })
    }

    /// "generator winding: sensor frozen" / "bobinage génératrice : capteur figé", one per
    /// family blinded by a fault.
    fn faulty_texts(&self, lang: Lang) -> Vec<String> {
        self.unwatched
            .iter()
            .filter_map(|u| match u.watch {
                Watch::Faulty(kind) => Some(format!(
                    "{}{} {}",
                    indicator_label(&u.indicator, lang),
                    lang.pick(":", " :"),
                    kind.label(lang)
                )),
                _ => None,
            })
            .collect()
    }

    /// "watched on its power curve and pitch only" when no temperature or vibration family was.
    fn only_text(&self, lang: Lang) -> Option<String> {
        if !self.no_family() || !self.power_curve {
            return None;
        }
        Some(
            if self.pitch {
                lang.pick(
                    "watched on its power curve and pitch only: a drop in output or a pitch fault shows, an overheating component does not",
                    "surveillée sur sa courbe de puissance et son pas seulement : une baisse de production ou un défaut de pas se voit, un composant qui chauffe non",
                )
            } else {
                lang.pick(
                    "watched on its power curve only: a drop in output shows, an overheating component does not",
                    "surveillée sur sa courbe de puissance seulement : une baisse de production se voit, un composant qui chauffe non",
                )
            }
            .to_string(),
        )
    }

    /// What the prediction was watched on, in one line without its sensor faults: "not watched:
    /// …" and "watched on its power curve … only" when they apply, else "every signal family
    /// watched" (the replay counts turbine-days by this line).
    pub fn coverage(&self, lang: Lang) -> String {
        let mut parts: Vec<String> = self.absent_text(lang).into_iter().collect();
        parts.extend(self.only_text(lang));
        if parts.is_empty() {
            lang.pick(
                "every signal family in the export watched",
                "toutes les familles de signaux de l'export surveillées",
            )
            .to_string()
        } else {
            parts.join(" · ")
        }
    }

    /// The summary in words, in `lang`.
    pub fn text(&self, lang: Lang) -> DataQualityText {
        let mut head: Vec<String> = self.absent_text(lang).into_iter().collect();
        head.extend(self.faulty_texts(lang));
        let badge = if head.is_empty() {
            // A blinded sensor outside the families (wind, ambient) still earns the badge.
            self.faults
                .iter()
                .find(|f| f.kind.blinds())
                .map(|f| f.phrase(lang))
        } else {
            Some(head.join(" · "))
        };
        let mut lines = head;
        lines.extend(self.only_text(lang));
        if self.held_at_moderate {
            lines.push(lang.pick(
                "held at moderate: on its power curve and pitch alone the models warn of a failure little better than chance, so this is a watch item, not an alarm",
                "maintenue à modéré : sur sa seule courbe de puissance et son pas, les modèles n'annoncent une panne guère mieux que le hasard ; c'est un point à surveiller, pas une alerte",
            ).to_string());
        }
        lines.extend(self.faults.iter().map(|f| f.phrase(lang)));
        DataQualityText { badge, lines }
    }
}

/// The drivers of a prediction in words, with the rule that a high or critical prediction is
/// never without a reason: when no indicator explains it as a plausible cause, it says that the
/// cockpit cannot name a cause when the models react only to deviations that are not a known
/// failure sign (`reactions`, said one by one by [`Driver::reaction_phrase`]), else that the risk
/// comes from what the cockpit cannot see (the families it could not watch), or, when it saw
/// everything, that no single indicator explains it.
pub fn reasons_in_words(
    category: Option<Category>,
    drivers: &[Driver],
    reactions: &[Driver],
    quality: &DataQuality,
    lang: Lang,
) -> Vec<String> {
    if !drivers.is_empty() || !matches!(category, Some(Category::High | Category::Critical)) {
        return drivers.iter().map(|d| d.phrase(lang)).collect();
    }
    if !reactions.is_empty() {
        let mut labels: Vec<String> = Vec::new();
        for d in reactions {
            let label = indicator_label(&d.indicator, lang);
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        return vec![format!(
            "{} {}{}",
            lang.pick(
                "the cockpit cannot name a cause for this risk: the models react to",
                "le cockpit ne peut pas nommer de cause à ce risque : les modèles réagissent à",
            ),
            labels.join(", "),
            lang.pick(
                " moving in a direction that is not a known failure sign",
                " qui évoluent dans un sens qui n'est pas un signe de panne connu",
            )
        )];
    }
    let unseen: Vec<String> = quality
        .unwatched
        .iter()
        .map(|u| indicator_label(&u.indicator, lang))
        .collect();
    vec![if unseen.is_empty() {
        lang.pick(
            "no single indicator explains the risk: the models read it in the combination of its signals",
            "aucun indicateur seul n'explique le risque : les modèles le lisent dans la combinaison de ses signaux",
        )
        .to_string()
    } else {
        format!(
            "{} {}",
            lang.pick(
                "risk from signals the cockpit cannot see:",
                "risque venu de signaux que le cockpit ne voit pas :"
            ),
            unseen.join(", ")
        )
    }]
}

/// Fragments of this file's English sentences: none may show in a French screen.
pub const WATCH_ENGLISH: &[&str] = &[
    "not watched",
    "sensor frozen",
    "watched on its power curve",
    "risk from signals",
    "no single indicator",
    "cannot name a cause",
    "moving in a direction",
    "held at moderate",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::FaultKind;

    fn watch(families: Vec<Watch>, power_curve: bool, pitch: bool) -> TurbineWatch {
        TurbineWatch {
            families,
            power_curve,
            pitch,
            faults: Vec::new(),
        }
    }

    #[test]
    fn what_it_could_not_watch_in_words() {
        let mut families = vec![Watch::Watched; 8];
        families[3] = Watch::Faulty(FaultKind::Frozen);
        families[5] = Watch::Absent;
        families[6] = Watch::Absent;
        let mut w = watch(families, true, true);
        w.faults.push(Fault {
            signal: Some("generator_winding_temp_c".into()),
            kind: FaultKind::Frozen,
            start: 1_795_219_200,
            end: 1_795_219_200 + 5 * 86_400,
        });
        let q = DataQuality::of(&w);
        assert!(!q.watches("generator_winding") && !q.watches("converter"));
        assert!(q.watches("gearbox_oil") && q.watches("power_curve"));
        let en = q.text(Lang::En);
        assert_eq!(
            en.badge.as_deref(),
            Some("not watched: converter, transformer · generator winding: sensor frozen")
        );
        assert_eq!(
            en.lines.last().map(String::as_str),
            Some("generator winding temperature sensor frozen Nov 21–26")
        );
        let fr = q.text(Lang::Fr);
        assert_eq!(
            fr.badge.as_deref(),
            Some("non surveillée : convertisseur, transformateur · bobinage génératrice : capteur figé")
        );
        for line in fr.lines {
            assert!(WATCH_ENGLISH.iter().all(|e| !line.contains(e)), "{line}");
        }
        // Stored as JSON and read back unchanged.
        let json = serde_json::to_string(&q).unwrap();
        assert_eq!(serde_json::from_str::<DataQuality>(&json).unwrap(), q);
        // Everything watched: no badge, no line.
        let all = DataQuality::of(&watch(vec![Watch::Watched; 8], true, true));
        assert_eq!(
            all.text(Lang::En),
            DataQualityText {
                badge: None,
                lines: vec![]
            }
        );
    }

    #[test]
    fn power_and_pitch_only_says_what_that_covers() {
        let q = DataQuality::of(&watch(vec![Watch::Absent; 8], true, true));
        let lines = q.text(Lang::En).lines;
        assert!(lines[0].starts_with("not watched: gearbox oil, gearbox bearing"));
        assert!(lines[1].starts_with("watched on its power curve and pitch only"));
        assert!(q.text(Lang::En).badge.is_some());
    }

    #[test]
    fn no_high_without_a_reason() {
        let mut families = vec![Watch::Watched; 8];
        families[4] = Watch::Absent;
        families[5] = Watch::Absent;
        let blind = DataQuality::of(&watch(families, true, true));
        for category in [Category::High, Category::Critical] {
            let words = reasons_in_words(Some(category), &[], &[], &blind, Lang::En);
            assert_eq!(
                words,
                vec!["risk from signals the cockpit cannot see: hydraulic oil, converter"]
            );
            let fr = reasons_in_words(Some(category), &[], &[], &blind, Lang::Fr);
            assert_eq!(
                fr,
                vec!["risque venu de signaux que le cockpit ne voit pas : huile hydraulique, convertisseur"]
            );
            let seen_all =
                reasons_in_words(Some(category), &[], &[], &DataQuality::default(), Lang::En);
            assert_eq!(seen_all.len(), 1);
            assert!(seen_all[0].starts_with("no single indicator"));
        }
        // Low and moderate predictions need no reason; a driver speaks for itself.
        assert!(reasons_in_words(Some(Category::Low), &[], &[], &blind, Lang::En).is_empty());
        assert!(reasons_in_words(None, &[], &[], &blind, Lang::En).is_empty());
    }

    #[test]
    fn a_high_whose_only_contributions_are_not_failure_signs_says_no_cause_can_be_named() {
        // The models raise the risk because the gearbox oil runs cooler than normal for its load:
        // not a known failure sign, so not a reason, but the high still says why in words.
        let cooler = Driver {
            indicator: "gearbox_oil".into(),
            feature: "gearbox_oil_resid_24h".into(),
            value: 48.2,
            reference: 50.3,
            unit: "°C".into(),
            basis: super::super::drivers::Basis::Load,
            contribution: 0.04,
        };
        let reactions = [cooler.clone()];
        let everything = DataQuality::default();
        for category in [Category::High, Category::Critical] {
            let en = reasons_in_words(Some(category), &[], &reactions, &everything, Lang::En);
            assert_eq!(
                en,
                vec!["the cockpit cannot name a cause for this risk: the models react to gearbox oil moving in a direction that is not a known failure sign"]
            );
            assert!(
                !en[0].contains("below normal"),
                "never presented as a cause"
            );
            let fr = reasons_in_words(Some(category), &[], &reactions, &everything, Lang::Fr);
            assert_eq!(
                fr,
                vec!["le cockpit ne peut pas nommer de cause à ce risque : les modèles réagissent à huile multiplicateur qui évoluent dans un sens qui n'est pas un signe de panne connu"]
            );
            for e in WATCH_ENGLISH {
                assert!(!fr[0].contains(e), "{e}");
            }
        }
        // A plausible driver is the reason itself; the reaction does not replace it.
        let hotter = Driver {
            value: 59.7,
            ..cooler
        };
        assert_eq!(
            reasons_in_words(
                Some(Category::High),
                &[hotter],
                &reactions,
                &everything,
                Lang::En
            ),
            vec!["gearbox oil 9.4 °C above normal for this load"]
        );
        // Below high, reactions alone give no reason line (they are listed on their own).
        assert!(reasons_in_words(
            Some(Category::Moderate),
            &[],
            &reactions,
            &everything,
            Lang::En
        )
        .is_empty());
    }
}
