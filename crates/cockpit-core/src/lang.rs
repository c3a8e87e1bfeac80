//! The languages of the cockpit and the words and numbers written in them: the one place that
//! turns a category, a signal, a number or a day into text for a user, in French or English.
//! The fronts (CLI, desktop shell, UI) display what they receive from here.

use chrono::{DateTime, Datelike};

use crate::risk::Category;
use crate::schema::{Component, SIGNALS};
use crate::ttf::Outlook;

/// A language of the user interface: every user-facing sentence of the core exists in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default, and the CLI's language).
    #[default]
    En,
    /// French (the client's teams).
    Fr,
}

impl Lang {
    /// `fr`, `fr-FR`, `FR` … are French; anything else is English.
    pub fn parse(text: &str) -> Lang {
        if text.trim().to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// `en` or `fr`, whichever is this language.
    pub fn pick<T>(self, en: T, fr: T) -> T {
        match self {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }
}

/// Name of a category in the language.
pub fn category_label(c: Category, lang: Lang) -> &'static str {
    match lang {
        Lang::En => c.as_str(),
        Lang::Fr => c.french(),
    }
}

/// Name of a category in the language, or "not scored" / "non évaluée" for a turbine without
/// one: the only place the UI, the shell and the work list take category words from.
pub fn category_text(c: Option<Category>, lang: Lang) -> &'static str {
    match c {
        Some(c) => category_label(c, lang),
        None => lang.pick("not scored", "non évaluée"),
    }
}

/// Time to failure in words, whole days only: "likely in 3 to 10 days" / "probablement dans 3 à
/// 10 jours", "likely in 5 days or later" (open range: the failure may come after the horizon),
/// "no failure expected within 30 days", or, for a prediction without a distribution (`None`:
/// scored by a 1.x model set, before the time-to-failure model), "time to failure unknown".
pub fn time_to_failure(outlook: Option<&Outlook>, lang: Lang) -> String {
    let days = |n: u32| match (lang, n) {
        (Lang::En, 1) => "1 day".to_string(),
        (Lang::En, n) => format!("{n} days"),
        (Lang::Fr, 1) => "1 jour".to_string(),
        (Lang::Fr, n) => format!("{n} jours"),
    };
    match outlook {
        None => lang
            .pick(
                "time to failure unknown (scored by an older model set)",
                "délai avant panne inconnu (évalué par un ancien jeu de modèles)",
            )
            .to_string(),
        Some(Outlook::NoneExpected { horizon }) => {
            let h = days(horizon.round().max(1.0) as u32);
            match lang {
                Lang::En => format!("no failure expected within {h}"),
                Lang::Fr => format!("aucune panne attendue dans les {h}"),
            }
        }
        Some(Outlook::Expected(range)) => {
            let (low, high) = range.whole_days();
            match (lang, range.open, low == high) {
                (Lang::En, true, _) => format!("likely in {} or later", days(low)),
                (Lang::Fr, true, _) => format!("probablement dans {} ou plus", days(low)),
                (Lang::En, false, true) => format!("likely within {}", days(high)),
                (Lang::Fr, false, true) => format!("probablement d'ici {}", days(high)),
                (Lang::En, false, false) => format!("likely in {low} to {}", days(high)),
                (Lang::Fr, false, false) => format!("probablement dans {low} à {}", days(high)),
            }
        }
    }
}

/// Time to failure in a table cell, whole days only: "3–10 d" / "3–10 j", "5+ d" (open range),
/// "none ≤ 30 d" / "aucune ≤ 30 j", "unknown" / "inconnu" (no distribution, see
/// [`time_to_failure`]).
pub fn time_to_failure_short(outlook: Option<&Outlook>, lang: Lang) -> String {
    let unit = lang.pick("d", "j");
    match outlook {
        None => lang.pick("unknown", "inconnu").to_string(),
        Some(Outlook::NoneExpected { horizon }) => format!(
            "{} ≤ {} {unit}",
            lang.pick("none", "aucune"),
            horizon.round().max(1.0) as u32
        ),
        Some(Outlook::Expected(range)) => {
            let (low, high) = range.whole_days();
            if range.open {
                format!("{low}+ {unit}")
            } else if low == high {
                format!("{high} {unit}")
            } else {
                format!("{low}–{high} {unit}")
            }
        }
    }
}

/// The coverage of the time-to-failure ranges in words: "Time to failure: 412 ranges of 80 %,
/// 331 hold the true time (80 %, target 75–85 %), median width 9.4 days; 1203 turbine-days with
/// no failure expected within 30 days."
pub fn ttf_coverage(c: &crate::ttf::Coverage, lang: Lang) -> String {
    let pct = |v: Option<f64>| match v {
        Some(x) => format!("{} %", format_number(x * 100.0, 0, lang)),
        None => "-".to_string(),
    };
    let width = c
        .median_width_days
        .map_or("-".to_string(), |w| format_number(w, 1, lang));
    let mut text = match lang {
        Lang::En => format!(
            "Time to failure: {} 80 % ranges, {} hold the true time ({}, target 75–85 %), median width {width} days; {} turbine-days with no failure expected within the horizon",
            c.ranges,
            c.covered,
            pct(c.coverage),
            c.no_failure_expected
        ),
        Lang::Fr => format!(
            "Délai avant panne : {} fourchettes à 80 %, {} contiennent le délai réel ({}, cible 75–85 %), largeur médiane {width} jours ; {} jours-turbine sans panne attendue dans l'horizon",
            c.ranges,
            c.covered,
            pct(c.coverage),
            c.no_failure_expected
        ),
    };
    if c.outcome_unknown > 0 {
        text.push_str(&match lang {
            Lang::En => format!(
                "; {} ranges not judged yet (outcome after the known history)",
                c.outcome_unknown
            ),
            Lang::Fr => format!(
                " ; {} fourchettes pas encore jugées (issue après l'historique connu)",
                c.outcome_unknown
            ),
        });
    }
    text.push('.');
    text
}

/// What started a run, in words (`manual` → "manual" / "manuelle"); unknown triggers as they are.
pub fn trigger_label(trigger: &str, lang: Lang) -> &str {
    let (en, fr) = match trigger {
        "manual" => ("manual", "manuelle"),
        "timer" => ("daily", "quotidienne"),
        "cli" => ("command line", "ligne de commande"),
        "watch" => ("new data", "nouvelles données"),
        "backfill" => ("history", "historique"),
        "replay" => ("replay of a past time", "rejeu d'une date passée"),
        other => return other,
    };
    lang.pick(en, fr)
}

/// How a run ended, in words (`succeeded` → "succeeded" / "réussie"); unknown statuses as
/// they are.
pub fn run_status_label(status: &str, lang: Lang) -> &str {
    let (en, fr) = match status {
        "succeeded" => ("succeeded", "réussie"),
        "failed" => ("failed", "échouée"),
        other => return other,
    };
    lang.pick(en, fr)
}

/// Words for a turbine component of the logbook (`generator_winding` → "generator winding" /
/// "bobinage génératrice").
pub fn component_label(c: Component, lang: Lang) -> &'static str {
    let (en, fr) = match c {
        Component::GearboxBearing => ("gearbox bearing", "roulement multiplicateur"),
        Component::GeneratorBearing => ("generator bearing", "roulement génératrice"),
        Component::GeneratorWinding => ("generator winding", "bobinage génératrice"),
        Component::PitchHydraulic => ("pitch hydraulic system", "hydraulique de pas"),
        Component::Converter => ("converter", "convertisseur"),
        Component::Transformer => ("transformer", "transformateur"),
    };
    lang.pick(en, fr)
}

/// Name of a signal column, without its unit (`gearbox_oil_temp_c` → "Gearbox oil
/// temperature" / "Température huile multiplicateur"); unknown columns as they are.
pub fn signal_name(column: &str, lang: Lang) -> &str {
    let (en, fr) = match column {
        "gearbox_oil_temp_c" => (
            "Gearbox oil temperature",
            "Température huile multiplicateur",
        ),
        "gearbox_bearing_temp_c" => (
            "Gearbox bearing temperature",
            "Température roulement multiplicateur",
        ),
        "generator_bearing_temp_c" => (
            "Generator bearing temperature",
            "Température roulement génératrice",
        ),
        "generator_winding_temp_c" => (
            "Generator winding temperature",
            "Température bobinage génératrice",
        ),
        "hydraulic_oil_temp_c" => ("Hydraulic oil temperature", "Température huile hydraulique"),
        "converter_temp_c" => ("Converter temperature", "Température convertisseur"),
        "transformer_temp_c" => ("Transformer temperature", "Température transformateur"),
        "vibration_mm_s" => ("Drivetrain vibration", "Vibrations chaîne cinématique"),
        "power_kw" => ("Power output", "Puissance produite"),
        "pitch_deg" => ("Blade pitch angle", "Angle de pas des pales"),
        "wind_speed_ms" => ("Wind speed", "Vitesse du vent"),
        "rotor_rpm" => ("Rotor speed", "Vitesse rotor"),
        "ambient_temp_c" => ("Ambient temperature", "Température extérieure"),
        other => return other,
    };
    lang.pick(en, fr)
}

/// Unit of a signal column in the language (`rpm` is "tr/min" in French); empty when unknown.
fn signal_unit(column: &str, lang: Lang) -> &'static str {
    let unit = SIGNALS
        .iter()
        .find(|s| s.name == column)
        .map(|s| s.unit)
        .unwrap_or("");
    if unit == "rpm" {
        lang.pick("rpm", "tr/min")
    } else {
        unit
    }
}

/// Label of a signal column, with its unit ("Gearbox oil temperature (°C)").
pub fn signal_label(column: &str, lang: Lang) -> String {
    let name = signal_name(column, lang);
    let unit = signal_unit(column, lang);
    if unit.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({unit})")
    }
}

/// The signals a turbine's "last measurements" show, in order, with the decimals of their
/// values.
pub const MEASUREMENTS: &[(&str, usize)] = &[
    ("wind_speed_ms", 1),
    ("power_kw", 0),
    ("rotor_rpm", 1),
    ("pitch_deg", 1),
    ("ambient_temp_c", 1),
    ("gearbox_oil_temp_c", 1),
    ("gearbox_bearing_temp_c", 1),
    ("generator_bearing_temp_c", 1),
    ("generator_winding_temp_c", 1),
    ("hydraulic_oil_temp_c", 1),
    ("converter_temp_c", 1),
    ("transformer_temp_c", 1),
    ("vibration_mm_s", 2),
];

/// A measured value of a signal with its unit: "61.2 °C", "1450 kW", "3.5°" / "61,2 °C",
/// "12,1 tr/min". `digits`: decimals (see [`MEASUREMENTS`]).
pub fn measurement_text(column: &str, value: f64, digits: usize, lang: Lang) -> String {
    let v = format_number(value, digits, lang);
    match signal_unit(column, lang) {
        "" => v,
        "°" => format!("{v}°"),
        unit => format!("{v} {unit}"),
    }
}

/// A number with `digits` decimals, with the language's decimal separator.
pub fn format_number(v: f64, digits: usize, lang: Lang) -> String {
    let text = format!("{v:.digits$}");
    let text = if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    };
    match lang {
        Lang::En => text,
        Lang::Fr => text.replace('.', ",").replace('-', "−"),
    }
}

/// A component stored as text (`generator_winding`, …) in words ([`component_label`]); an
/// unknown name is returned as given.
pub fn component_text(component: &str, lang: Lang) -> String {
    match Component::parse(component) {
        Some(c) => component_label(c, lang).to_string(),
        None => component.to_string(),
    }
}

/// A UTC day as "Nov 12" / "12 nov.".
pub fn format_day(unix: i64, lang: Lang) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let Some(t) = DateTime::from_timestamp(unix, 0) else {
        return String::new();
    };
    let m = t.month0() as usize;
    match lang {
        Lang::En => format!("{} {}", EN[m], t.day()),
        Lang::Fr => format!("{} {}", t.day(), FR[m]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_days_follow_the_language() {
        assert_eq!(format_number(9.44, 1, Lang::Fr), "9,4");
        assert_eq!(format_number(-2.5, 1, Lang::Fr), "−2,5");
        assert_eq!(format_number(-0.01, 1, Lang::En), "0.0");
        assert_eq!(format_day(1_767_225_600, Lang::En), "Jan 1");
        assert_eq!(Lang::parse("fr-FR"), Lang::Fr);
        assert_eq!(Lang::parse("en-GB"), Lang::En);
        assert_eq!(category_text(Some(Category::High), Lang::Fr), "élevé");
        assert_eq!(category_text(None, Lang::En), "not scored");
    }

    #[test]
    fn signals_runs_and_measurements_in_words() {
        assert_eq!(
            signal_label("gearbox_oil_temp_c", Lang::En),
            "Gearbox oil temperature (°C)"
        );
        assert_eq!(
            signal_label("rotor_rpm", Lang::Fr),
            "Vitesse rotor (tr/min)"
        );
        assert_eq!(signal_name("mystery", Lang::Fr), "mystery");
        assert_eq!(run_status_label("failed", Lang::Fr), "échouée");
        assert_eq!(run_status_label("running", Lang::Fr), "running");
        assert_eq!(trigger_label("timer", Lang::Fr), "quotidienne");
        assert_eq!(
            measurement_text("gearbox_oil_temp_c", 61.24, 1, Lang::Fr),
            "61,2 °C"
        );
        assert_eq!(measurement_text("pitch_deg", 3.5, 1, Lang::En), "3.5°");
        assert_eq!(measurement_text("power_kw", 1450.4, 0, Lang::En), "1450 kW");
        for (column, _) in MEASUREMENTS {
            assert!(crate::schema::signal_index(column).is_some(), "{column}");
            assert_ne!(signal_name(column, Lang::Fr), *column, "{column}");
        }
    }

    #[test]
    fn time_to_failure_in_whole_days_in_both_languages() {
        use crate::ttf::Range;
        let range = |low, high, open| {
            Some(Outlook::Expected(Range {
                median: (low + high) / 2.0,
                low,
                high,
                open,
            }))
        };
        let cases = [
            (
                range(3.4, 9.2, false),
                "likely in 3 to 10 days",
                "probablement dans 3 à 10 jours",
            ),
            (
                range(5.7, 30.0, true),
                "likely in 5 days or later",
                "probablement dans 5 jours ou plus",
            ),
            (
                range(0.2, 0.9, true),
                "likely in 1 day or later",
                "probablement dans 1 jour ou plus",
            ),
            (
                range(0.2, 0.9, false),
                "likely within 1 day",
                "probablement d'ici 1 jour",
            ),
            (
                range(2.0, 2.0, false),
                "likely within 2 days",
                "probablement d'ici 2 jours",
            ),
            (
                Some(Outlook::NoneExpected { horizon: 30.0 }),
                "no failure expected within 30 days",
                "aucune panne attendue dans les 30 jours",
            ),
            (
                None,
                "time to failure unknown (scored by an older model set)",
                "délai avant panne inconnu (évalué par un ancien jeu de modèles)",
            ),
        ];
        let short = [
            "3–10 d",
            "5+ d",
            "1+ d",
            "1 d",
            "2 d",
            "none ≤ 30 d",
            "unknown",
        ];
        for ((outlook, _, _), s) in cases.iter().zip(short) {
            assert_eq!(time_to_failure_short(outlook.as_ref(), Lang::En), s);
        }
        assert_eq!(
            time_to_failure_short(cases[0].0.as_ref(), Lang::Fr),
            "3–10 j"
        );
        for (outlook, en, fr) in cases {
            assert_eq!(time_to_failure(outlook.as_ref(), Lang::En), en);
            assert_eq!(time_to_failure(outlook.as_ref(), Lang::Fr), fr);
            assert!(
                !en.contains('.') && !fr.contains(','),
                "never a decimal day"
            );
        }
    }
}
