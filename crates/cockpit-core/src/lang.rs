//! The languages of the cockpit and the words and numbers written in them: the one place that
//! turns a category, a signal, a number or a day into text for a user, in French or English.
//! The fronts (CLI, desktop shell, UI) display what they receive from here.

use chrono::{DateTime, Datelike};

use crate::risk::Category;
use crate::schema::SIGNALS;

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

/// Days to failure in words: "12.3 days" / "12,3 j" ("1.0 day"), or "> 30 days" / "> 30 j"
/// when the estimate sits at the model's `horizon` (`censored`); `None` when there is no estimate.
pub fn days_to_failure(
    days: Option<f64>,
    censored: bool,
    horizon: f64,
    lang: Lang,
) -> Option<String> {
    let d = days.filter(|d| d.is_finite())?;
    let unit = |n: f64| match lang {
        Lang::Fr => "j",
        Lang::En if n == 1.0 => "day",
        Lang::En => "days",
    };
    Some(if censored {
        format!("> {} {}", format_number(horizon, 0, lang), unit(horizon))
    } else {
        format!("{} {}", format_number(d, 1, lang), unit(d))
    })
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
    fn days_to_failure_say_more_than_the_horizon_when_censored() {
        assert_eq!(
            days_to_failure(Some(30.0), true, 30.0, Lang::En).unwrap(),
            "> 30 days"
        );
        assert_eq!(
            days_to_failure(Some(29.8), true, 30.0, Lang::Fr).unwrap(),
            "> 30 j"
        );
        assert_eq!(
            days_to_failure(Some(4.26), false, 30.0, Lang::En).unwrap(),
            "4.3 days"
        );
        assert_eq!(
            days_to_failure(Some(4.26), false, 30.0, Lang::Fr).unwrap(),
            "4,3 j"
        );
        assert_eq!(
            days_to_failure(Some(1.0), false, 30.0, Lang::En).unwrap(),
            "1.0 day"
        );
        assert_eq!(days_to_failure(None, false, 30.0, Lang::Fr), None);
        assert_eq!(days_to_failure(Some(f64::NAN), false, 30.0, Lang::En), None);
    }
}
