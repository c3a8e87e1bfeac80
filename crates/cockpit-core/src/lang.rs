//! The languages of the cockpit and the words and numbers written in them: the one place that
//! turns a category, a signal, a number or a day into text for a user, in French or English.
//! The fronts (CLI, desktop shell, UI) display what they receive from here.

use chrono::{DateTime, Datelike};

use crate::risk::Category;
use crate::schema::SIGNALS;

/// A language of the user interface: every user-facing sentence of the core exists in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
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
    pub fn pick(self, en: &'static str, fr: &'static str) -> &'static str {
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

/// Label of a signal column, with its unit.
pub fn signal_label(column: &str, lang: Lang) -> String {
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
        other => (other, other),
    };
    let unit = SIGNALS
        .iter()
        .find(|s| s.name == column)
        .map(|s| s.unit)
        .unwrap_or("");
    let name = match lang {
        Lang::En => en,
        Lang::Fr => fr,
    };
    if unit.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({unit})")
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
    }
}
