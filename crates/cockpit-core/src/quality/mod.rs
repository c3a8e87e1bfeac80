//! Sensor faults: the stretches of a turbine's signals the cockpit must not believe — a sensor
//! **frozen** on one value while the turbine runs, a **spike** no physics allows between two
//! consecutive 10-minute records, a value **out of physics**, a **gap** with no record at all —
//! found per turbine and signal, phrased in French and English, and masked so that features count
//! them as missing.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the rules and their one configuration key ([`Rules`], [`FROZEN_HOURS_ENV`]), the per-signal limits, [`Fault`] and its words, [`Watch`] |
//! | `detect` | finding the faults of a signal ([`signal_faults`], [`gaps`]) and masking them ([`mask`]) |
//!
//! The features read every record through `features::series`, which calls [`signal_faults`] and
//! [`mask`] on each loaded signal: a faulty value counts as missing everywhere (training export,
//! scoring, backtest). `docs/data-quality.md` describes the rules.

mod detect;

pub use detect::{gaps, mask, signal_faults};

use serde::{Deserialize, Serialize};

use crate::lang::{format_day, signal_name, Lang};

/// Default time a sensor must hold one value while the turbine runs to be called frozen (hours).
pub const FROZEN_HOURS_DEFAULT: f64 = 6.0;
/// Environment variable that changes [`FROZEN_HOURS_DEFAULT`] (hours, a number above 0).
pub const FROZEN_HOURS_ENV: &str = "COCKPIT_FROZEN_HOURS";
/// A stretch without any record at least this long is a gap (seconds: 6 hours).
pub const GAP_SECONDS: i64 = 6 * 3600;

/// The detection rules in force.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Running time (seconds) a sensor must hold one value to be frozen.
    pub frozen_seconds: i64,
    /// Time without records (seconds) that makes a gap.
    pub gap_seconds: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            frozen_seconds: (FROZEN_HOURS_DEFAULT * 3600.0) as i64,
            gap_seconds: GAP_SECONDS,
        }
    }
}

impl Rules {
    /// The rules with the frozen time read from [`FROZEN_HOURS_ENV`] when it holds a positive
    /// number of hours; the defaults otherwise (an unreadable value is logged and ignored).
    pub fn from_env() -> Rules {
        let mut rules = Rules::default();
        if let Ok(text) = std::env::var(FROZEN_HOURS_ENV) {
            match text.trim().parse::<f64>() {
                Ok(h) if h > 0.0 && h.is_finite() => rules.frozen_seconds = (h * 3600.0) as i64,
                _ => tracing::warn!(
                    value = %text,
                    default_hours = FROZEN_HOURS_DEFAULT,
                    "{FROZEN_HOURS_ENV} is not a positive number of hours; the default is used"
                ),
            }
        }
        rules
    }
}

/// What the detector checks on one signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Smallest plausible value.
    pub min: f64,
    /// Largest plausible value.
    pub max: f64,
    /// Largest change between two consecutive 10-minute records that physics allows; a record
    /// that leaves its neighbours by more, up and back, is a spike. `None`: not checked.
    pub max_step: Option<f64>,
    /// Whether a constant value while the turbine runs is a fault (not for the pitch, which
    /// rests at its fine angle for days below rated wind, nor for the power).
    pub freezes: bool,
}

/// The limits of a canonical signal; `None` for a signal the detector does not check.
///
/// Plausible ranges are narrower than the data contract's valid ranges (which ingestion
/// enforces): a component of a turbine in Europe below −40 °C, or a gearbox oil above 100 °C,
/// is a sensor, not a turbine.
pub fn limits(column: &str) -> Option<Limits> {
    let l = |min, max, step, freezes| {
        Some(Limits {
            min,
            max,
            max_step: Some(step),
            freezes,
        })
    };
    match column {
        "wind_speed_ms" => l(0.0, 40.0, 8.0, true),
        "ambient_temp_c" => l(-40.0, 50.0, 8.0, true),
        "gearbox_oil_temp_c" => l(-40.0, 100.0, 8.0, true),
        "gearbox_bearing_temp_c" => l(-40.0, 120.0, 8.0, true),
        "generator_bearing_temp_c" => l(-40.0, 120.0, 8.0, true),
        "generator_winding_temp_c" => l(-40.0, 180.0, 10.0, true),
        "hydraulic_oil_temp_c" => l(-40.0, 90.0, 8.0, true),
        "converter_temp_c" => l(-40.0, 100.0, 10.0, true),
        "transformer_temp_c" => l(-40.0, 140.0, 10.0, true),
        "vibration_mm_s" => l(0.0, 30.0, 5.0, true),
        "pitch_deg" => Some(Limits {
            min: -5.0,
            max: 95.0,
            max_step: None,
            freezes: false,
        }),
        _ => None,
    }
}

/// The kind of a sensor fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// One value held while the turbine runs, for at least [`Rules::frozen_seconds`].
    Frozen,
    /// A physically impossible jump from one record to the next, and back.
    Spike,
    /// A value outside the signal's plausible range ([`limits`]).
    OutOfRange,
    /// No record at all for at least [`Rules::gap_seconds`] (the whole turbine).
    Gap,
}

impl FaultKind {
    /// Every kind, in report order.
    pub const ALL: [FaultKind; 4] = [
        FaultKind::Frozen,
        FaultKind::Spike,
        FaultKind::OutOfRange,
        FaultKind::Gap,
    ];

    /// The stored id: `frozen`, `spike`, `out_of_range`, `gap`.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Frozen => "frozen",
            FaultKind::Spike => "spike",
            FaultKind::OutOfRange => "out_of_range",
            FaultKind::Gap => "gap",
        }
    }

    /// Whether a fault of this kind in the window means the family cannot be watched: a frozen
    /// or out-of-physics sensor can. A lone spike costs one value and a gap costs every signal
    /// alike (the coverage rule handles it), so neither does.
    pub fn blinds(self) -> bool {
        matches!(self, FaultKind::Frozen | FaultKind::OutOfRange)
    }

    /// The kind in words: "frozen" / "figé", as in "generator winding: sensor frozen".
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FaultKind::Frozen => lang.pick("sensor frozen", "capteur figé"),
            FaultKind::Spike => lang.pick("sensor spikes", "pics du capteur"),
            FaultKind::OutOfRange => lang.pick(
                "sensor out of its physical range",
                "capteur hors de sa plage physique",
            ),
            FaultKind::Gap => lang.pick("no record", "aucun enregistrement"),
        }
    }
}

/// One faulty stretch of a turbine's signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fault {
    /// The canonical column (`generator_winding_temp_c`, …); `None` for a gap (every signal).
    pub signal: Option<String>,
    /// What is wrong.
    pub kind: FaultKind,
    /// Time of the first faulty record (Unix seconds, UTC); for a gap, the last record before it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start: i64,
    /// Time of the last faulty record (Unix seconds, UTC); for a gap, the first record after it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub end: i64,
}

impl Fault {
    /// Whether the stretch overlaps `[from, to)`.
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        self.start < to && self.end >= from
    }

    /// The fault in words: "generator winding temperature sensor frozen Nov 21–26" /
    /// "capteur température bobinage génératrice figé du 21 au 26 nov.".
    pub fn phrase(&self, lang: Lang) -> String {
        let when = day_range(self.start, self.end, lang);
        let Some(signal) = &self.signal else {
            return format!("{} {when}", FaultKind::Gap.label(lang));
        };
        let name = lower_first(signal_name(signal, lang));
        let fr = lang == Lang::Fr;
        match (self.kind, fr) {
            (FaultKind::Frozen, false) => format!("{name} sensor frozen {when}"),
            (FaultKind::Frozen, true) => format!("capteur {name} figé {when}"),
            (FaultKind::Spike, false) => format!("{name} sensor spike {when}"),
            (FaultKind::Spike, true) => format!("pic impossible du capteur {name} {when}"),
            (FaultKind::OutOfRange, false) => {
                format!("{name} sensor out of its physical range {when}")
            }
            (FaultKind::OutOfRange, true) => {
                format!("capteur {name} hors de sa plage physique {when}")
            }
            (FaultKind::Gap, _) => format!("{} {when}", FaultKind::Gap.label(lang)),
        }
    }
}

/// "Nov 21–26" / "du 21 au 26 nov."; one day: "on Nov 21" / "le 21 nov.".
fn day_range(start: i64, end: i64, lang: Lang) -> String {
    let (a, b) = (format_day(start, lang), format_day(end, lang));
    if a == b {
        return match lang {
            Lang::En => format!("on {a}"),
            Lang::Fr => format!("le {a}"),
        };
    }
    let (ma, mb) = (month_of(&a, lang), month_of(&b, lang));
    match lang {
        Lang::En if ma == mb => format!("{a}–{}", b.rsplit(' ').next().unwrap_or(&b)),
        Lang::En => format!("{a} – {b}"),
        Lang::Fr if ma == mb => format!("du {} au {b}", a.split(' ').next().unwrap_or(&a)),
        Lang::Fr => format!("du {a} au {b}"),
    }
}

/// The month word of a [`format_day`] text.
fn month_of(day: &str, lang: Lang) -> &str {
    match lang {
        Lang::En => day.split(' ').next().unwrap_or(day),
        Lang::Fr => day.rsplit(' ').next().unwrap_or(day),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether the cockpit could watch a signal family over a scoring window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "state", content = "fault")]
pub enum Watch {
    /// Values present and believed.
    Watched,
    /// No value at all in the window: the export does not carry it.
    Absent,
    /// A sensor fault that blinds it ([`FaultKind::blinds`]) in the window.
    Faulty(FaultKind),
}

#[cfg(test)]
mod tests;
