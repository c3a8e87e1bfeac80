//! Words the shell adds to what the core returns, all phrased by the core (`cockpit_core::lang`)
//! in the UI's language: the category names, a run's trigger and status, a turbine's last
//! measurements.

use cockpit_core::lang::{
    category_text, measurement_text, run_status_label, signal_name, trigger_label, Lang,
    MEASUREMENTS,
};
use cockpit_core::risk::Category;
use cockpit_core::runs::RunRecord;
use serde::Serialize;

/// The names of the categories in the UI's language (`none`: not scored).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CategoryLabels {
    pub critical: &'static str,
    pub high: &'static str,
    pub moderate: &'static str,
    pub low: &'static str,
    pub none: &'static str,
}

impl CategoryLabels {
    /// The labels in `lang`.
    pub fn of(lang: Lang) -> CategoryLabels {
        CategoryLabels {
            critical: category_text(Some(Category::Critical), lang),
            high: category_text(Some(Category::High), lang),
            moderate: category_text(Some(Category::Moderate), lang),
            low: category_text(Some(Category::Low), lang),
            none: category_text(None, lang),
        }
    }
}

/// A run's trigger and status in the UI's language.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RunText {
    /// What started the run ("daily", "manuelle", …).
    pub trigger: String,
    /// How it ended ("succeeded", "échouée", …).
    pub status: String,
}

impl RunText {
    /// The run's words in `lang`.
    pub fn of(run: &RunRecord, lang: Lang) -> RunText {
        RunText {
            trigger: trigger_label(&run.trigger, lang).to_string(),
            status: run_status_label(&run.status, lang).to_string(),
        }
    }
}

/// A run of the journal as the UI receives it: the record and its words.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RunRow {
    #[serde(flatten)]
    pub run: RunRecord,
    /// Trigger and status in the UI's language.
    pub text: RunText,
}

/// One of the last measurements in words.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MeasurementText {
    /// The signal column (`gearbox_oil_temp_c`, …).
    pub column: &'static str,
    /// Name of the signal ("Gearbox oil temperature").
    pub label: String,
    /// Value with its unit ("61.2 °C").
    pub value: String,
}

impl MeasurementText {
    /// The last measurements present in `last` (signal → value), in the order of
    /// [`MEASUREMENTS`], in `lang`.
    pub fn all(
        last: &serde_json::Map<String, serde_json::Value>,
        lang: Lang,
    ) -> Vec<MeasurementText> {
        MEASUREMENTS
            .iter()
            .filter_map(|&(column, digits)| {
                let v = last.get(column)?.as_f64()?;
                Some(MeasurementText {
                    column,
                    label: signal_name(column, lang).to_string(),
                    value: measurement_text(column, v, digits, lang),
                })
            })
            .collect()
    }
}
