//! Drivers: which indicators push a turbine's risk up, by how much, against which normal value.
//!
//! Model-agnostic: for each indicator group (a key signal's eight features, the power-curve
//! deficit, the pitch behaviour) the features are set to their *normal reference* — the
//! healthy-turbine expectation for this turbine's load and weather, or the fleet — and the
//! classifier is run again. The drop in probability is the group's contribution.

use serde::{Deserialize, Serialize};

use crate::features::stat::{MAX_24H, MEAN_24H, OWN_DEV, RESID_24H, SITE_DEV, SLOPE_7D, STD_24H};
use crate::features::{feature_names, KEY_SIGNALS, N_FEATURES, SIGNAL_STATS};
use crate::lang::{format_number, Lang};

/// Number of statistics per key signal (see `features`).
const PER_SIGNAL: usize = SIGNAL_STATS.len();
/// Smallest contribution worth reporting (probability points).
pub const MIN_CONTRIBUTION: f64 = 0.005;
/// Drivers kept per prediction.
pub const MAX_DRIVERS: usize = 3;

/// What a key-signal driver is compared with: the deviation of the group that stands out most
/// (in units of its usual spread across the fleet scored in the same run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The healthy-turbine law for this load and weather (`resid_24h`).
    #[default]
    Load,
    /// The other turbines of the site, at the same load (`site_dev`).
    Site,
    /// The turbine's own usual level, relative to its site (`own_dev`): what is new.
    Own,
    /// The 7-day trend of the residual, per day (`slope_7d`).
    Trend,
}

impl Basis {
    /// The feature statistic this basis reads, and the order they are tried in.
    const ALL: [(Basis, usize); 4] = [
        (Basis::Load, RESID_24H),
        (Basis::Site, SITE_DEV),
        (Basis::Own, OWN_DEV),
        (Basis::Trend, SLOPE_7D),
    ];
}

/// One indicator that pushes a prediction's risk up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Driver {
    /// Indicator id: a key signal's short name (`gearbox_oil`, …), `power_curve` or `pitch`.
    pub indicator: String,
    /// The feature the value is read from.
    pub feature: String,
    /// Measured value: the 24-hour mean, the trend per day (basis `trend`), or the deficit /
    /// deviation for the power curve and the pitch.
    pub value: f64,
    /// Normal value on the driver's basis (this turbine's load and weather, its site, its own
    /// usual level, a flat trend, or the fleet); NaN (JSON `null`) when it could not be
    /// established.
    #[serde(deserialize_with = "nan_from_null")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub reference: f64,
    /// Unit of `value` and `reference`: `°C` or `mm/s` for key signals (`…/d` for a trend),
    /// `% rated` for the power curve, `°` for the pitch.
    pub unit: String,
    /// What the value is compared with (key signals only; `load` for the others).
    #[serde(default)]
    pub basis: Basis,
    /// Probability points the risk drops by when the indicator is set to normal.
    pub contribution: f64,
}

/// Words for an indicator (`gearbox_oil` → "gearbox oil" / "huile multiplicateur").
pub fn indicator_label(indicator: &str, lang: Lang) -> String {
    let (en, fr) = match indicator {
        "gearbox_oil" => ("gearbox oil", "huile multiplicateur"),
        "gearbox_bearing" => ("gearbox bearing", "roulement multiplicateur"),
        "generator_bearing" => ("generator bearing", "roulement génératrice"),
        "generator_winding" => ("generator winding", "bobinage génératrice"),
        "hydraulic_oil" => ("hydraulic oil", "huile hydraulique"),
        "converter" => ("converter", "convertisseur"),
        "transformer" => ("transformer", "transformateur"),
        "vibration" => ("drivetrain vibration", "vibrations chaîne cinématique"),
        "power_curve" => ("power output", "production électrique"),
        "pitch" => ("blade pitch", "pas des pales"),
        other => return other.replace('_', " "),
    };
    match lang {
        Lang::En => en.to_string(),
        Lang::Fr => fr.to_string(),
    }
}

/// Fragments of the English driver sentences: none may show in a French screen (checked by the
/// shell's tests over every text it sends in French).
pub const ENGLISH_FRAGMENTS: &[&str] = &[
    "normal for this load",
    "the other turbines",
    "its own usual level",
    "per day over the last 7 days",
    "than the other turbines of its site",
    "the other turbines' at the same wind",
    "no normal value known",
    "of rated power",
    "gearbox oil",
    "gearbox bearing",
    "generator bearing",
    "generator winding",
    "hydraulic oil",
    "drivetrain vibration",
    "power output",
    "blade pitch",
];

fn unit_text(u: &str, lang: Lang) -> String {
    match (u, lang) {
        ("% rated", Lang::Fr) => "% de la puissance nominale".into(),
        ("% rated", Lang::En) => "% of rated power".into(),
        (other, _) => other.to_string(),
    }
}

impl Driver {
    /// A sentence a technician understands, e.g. "gearbox oil 9.4 °C above normal for this
    /// load" / "huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge". The only
    /// wording of drivers: the CLI, the desktop shell, the work list and the UI show this text.
    pub fn phrase(&self, lang: Lang) -> String {
        let what = indicator_label(&self.indicator, lang);
        let n = |v: f64| format_number(v, 1, lang);
        let fr = lang == Lang::Fr;
        let (up, down) = if fr {
            ("au-dessus", "en dessous")
        } else {
            ("above", "below")
        };
        if self.indicator == "power_curve" {
            let dir = if self.value >= 0.0 { down } else { up };
            let amount = format!("{} {}", n(self.value.abs()), unit_text(&self.unit, lang));
            return if fr {
                format!("{what} {amount} {dir} des autres éoliennes au même vent")
            } else {
                format!("{what} {amount} {dir} the other turbines at the same wind")
            };
        }
        if self.indicator == "pitch" {
            if self.feature == "pitch_resid_24h" {
                // Its mean offset from the pitch the other turbines have at the same wind.
                let dir = if self.value >= 0.0 { up } else { down };
                return if fr {
                    format!(
                        "{what} {}° {dir} de celui des autres éoliennes au même vent",
                        n(self.value.abs())
                    )
                } else {
                    format!(
                        "{what} {}° {dir} the other turbines' at the same wind",
                        n(self.value.abs())
                    )
                };
            }
            // How much further (°, mean over the last 24 h) its pitch strays from the pitch
            // expected at the same wind than the other turbines of its site do.
            return if fr {
                format!(
                    "{what} {}° plus loin du pas attendu à ce vent que les autres éoliennes de son site",
                    n(self.value)
                )
            } else {
                format!(
                    "{what} {}° further from the pitch expected at this wind than the other turbines of its site",
                    n(self.value)
                )
            };
        }
        if !self.reference.is_finite() {
            return if fr {
                format!(
                    "{what} à {} {} (valeur normale inconnue)",
                    n(self.value),
                    self.unit
                )
            } else {
                format!(
                    "{what} at {} {} (no normal value known)",
                    n(self.value),
                    self.unit
                )
            };
        }
        let delta = self.value - self.reference;
        let dir = if delta >= 0.0 { up } else { down };
        // A trend's unit is per day ("°C/d"): the sentence says "per day" itself.
        let amount = format!("{} {}", n(delta.abs()), self.unit.trim_end_matches("/d"));
        match (self.basis, fr) {
            (Basis::Load, false) => format!("{what} {amount} {dir} normal for this load"),
            (Basis::Load, true) => format!("{what} {amount} {dir} de la normale pour cette charge"),
            (Basis::Site, false) => {
                format!("{what} {amount} {dir} the other turbines of the site at the same load")
            }
            (Basis::Site, true) => format!(
                "{what} {amount} {dir} des autres éoliennes du site à charge égale"
            ),
            (Basis::Own, false) => format!(
                "{what} {amount} {dir} its own usual level (compared with its site, days 3–6 before)"
            ),
            (Basis::Own, true) => format!(
                "{what} {amount} {dir} de son niveau habituel (par rapport au site, 3 à 6 jours avant)"
            ),
            (Basis::Trend, false) => format!(
                "{what} {} {} per day over the last 7 days, at the same load",
                if delta >= 0.0 { "rising" } else { "falling" },
                amount
            ),
            (Basis::Trend, true) => format!(
                "{what} en {} de {amount} par jour sur 7 jours, à charge égale",
                if delta >= 0.0 { "hausse" } else { "baisse" }
            ),
        }
    }

    /// A value of this driver with its unit, as the detail view shows it ("61.2 °C", "8.2 %",
    /// "0,9 °C/j"); "–" when there is none (NaN).
    pub fn value_text(&self, v: f64, lang: Lang) -> String {
        if !v.is_finite() {
            return "–".into();
        }
        let unit = if self.unit == "% rated" {
            "%".to_string()
        } else if lang == Lang::Fr {
            // Trends are per day: "/j" in French.
            match self.unit.strip_suffix("/d") {
                Some(u) => format!("{u}/j"),
                None => self.unit.clone(),
            }
        } else {
            self.unit.clone()
        };
        let n = format_number(v, 1, lang);
        if unit == "°" {
            format!("{n}°")
        } else {
            format!("{n} {unit}")
        }
    }

    /// Contribution in probability points, rounded (0.42 → 42).
    pub fn points(&self) -> i64 {
        (self.contribution * 100.0).round() as i64
    }

    /// The sentence in English with the contribution, for the command line.
    pub fn describe(&self) -> String {
        format!(
            "{}; risk +{:.0} pts",
            self.phrase(Lang::En),
            self.contribution * 100.0
        )
    }
}

/// JSON has no NaN: serde_json writes it as `null`, and this reads `null` back as NaN.
fn nan_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// An indicator group: the feature columns set to reference together.
struct Group {
    indicator: String,
    columns: Vec<usize>,
}

fn groups() -> Vec<Group> {
    let names = feature_names();
    let idx = |n: &str| names.iter().position(|x| x == n);
    let mut g: Vec<Group> = KEY_SIGNALS
        .iter()
        .enumerate()
        .map(|(k, (short, _))| Group {
            indicator: short.to_string(),
            columns: (k * PER_SIGNAL..(k + 1) * PER_SIGNAL).collect(),
        })
        .collect();
    g.push(Group {
        indicator: "power_curve".into(),
        columns: ["power_deficit_24h", "power_deficit_7d"]
            .iter()
            .filter_map(|n| idx(n))
            .collect(),
    });
    g.push(Group {
        indicator: "pitch".into(),
        columns: ["pitch_resid_24h", "pitch_absdev_24h"]
            .iter()
            .filter_map(|n| idx(n))
            .collect(),
    });
    g
}

fn median(mut v: Vec<f32>) -> f32 {
    v.retain(|x| !x.is_nan());
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// Builds, for every row and indicator group, the row with that group set to its reference.
/// Returns the perturbed rows (row-major, `rows.len() × groups` of them) and the group count.
pub(crate) fn perturbed_rows(rows: &[Vec<f32>]) -> (Vec<f32>, usize) {
    let gs = groups();
    let fleet_median: Vec<f32> = (0..N_FEATURES)
        .map(|c| median(rows.iter().map(|r| r[c]).collect()))
        .collect();
    let mut out = Vec::with_capacity(rows.len() * gs.len() * N_FEATURES);
    for row in rows {
        for g in &gs {
            let mut r = row.clone();
            for &c in &g.columns {
                r[c] = reference_value(row, c, &fleet_median);
            }
            out.extend_from_slice(&r);
        }
    }
    (out, gs.len())
}

/// The normal value of feature `c` for this row.
fn reference_value(row: &[f32], c: usize, fleet_median: &[f32]) -> f32 {
    let signals_end = KEY_SIGNALS.len() * PER_SIGNAL;
    if c < signals_end {
        let base = c - c % PER_SIGNAL;
        let resid = row[base + RESID_24H];
        return match c % PER_SIGNAL {
            MEAN_24H | MAX_24H if !resid.is_nan() => row[c] - resid,
            MEAN_24H | MAX_24H | STD_24H => fleet_median[c],
            _ => 0.0, // residuals, slopes, fleet deviation: zero for a healthy turbine
        };
    }
    // The power deficit, and the pitch (its offset and its excess over the site's median,
    // `pitch_absdev_24h`): 0 for a turbine that produces and pitches like the others.
    0.0
}

/// What the drivers of one run are measured against: the fleet scored in the same run.
pub(crate) struct FleetReference {
    /// Usual spread of each feature across the fleet (1.4826 × median absolute deviation,
    /// never below a small floor), to tell which deviation of a group stands out.
    spread: Vec<f32>,
}

/// Smallest spread used to compare deviations (avoids dividing by zero on a tiny fleet).
const MIN_SPREAD: f32 = 1e-3;

impl FleetReference {
    pub(crate) fn of(rows: &[Vec<f32>]) -> Self {
        let spread = (0..N_FEATURES)
            .map(|c| {
                let col: Vec<f32> = rows.iter().map(|r| r[c]).collect();
                let m = median(col.clone());
                let mad = median(col.iter().map(|x| (x - m).abs()).collect());
                if mad.is_nan() {
                    MIN_SPREAD
                } else {
                    (1.4826 * mad).max(MIN_SPREAD)
                }
            })
            .collect();
        FleetReference { spread }
    }
}

/// Drivers of one row, from its probability and the probabilities of its perturbed rows.
pub(crate) fn drivers_of(
    row: &[f32],
    p: f64,
    perturbed_p: &[f64],
    fleet: &FleetReference,
) -> Vec<Driver> {
    let gs = groups();
    let names = feature_names();
    let mut out: Vec<Driver> = gs
        .iter()
        .zip(perturbed_p)
        .filter_map(|(g, &pg)| {
            let contribution = p - pg;
            (contribution >= MIN_CONTRIBUTION)
                .then(|| describe_group(g, row, contribution, &names, fleet))
        })
        .collect();
    out.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    out.truncate(MAX_DRIVERS);
    out
}

/// The basis of a key signal's driver: its upward deviation (hotter, more vibration, rising)
/// that stands out most against the fleet's usual spread; `load` when none is upward.
fn standout_basis(base: usize, row: &[f32], fleet: &FleetReference) -> Basis {
    let mut best = (Basis::Load, 0.0f32);
    for (basis, stat) in Basis::ALL {
        let c = base + stat;
        let z = row[c] / fleet.spread[c];
        if z.is_finite() && z > best.1 {
            best = (basis, z);
        }
    }
    best.0
}

fn describe_group(
    g: &Group,
    row: &[f32],
    contribution: f64,
    names: &[String],
    fleet: &FleetReference,
) -> Driver {
    let round = |v: f32| (f64::from(v) * 100.0).round() / 100.0;
    match g.indicator.as_str() {
        "power_curve" => {
            let c = g.columns.first().copied().unwrap_or(0);
            Driver {
                indicator: g.indicator.clone(),
                feature: names[c].clone(),
                value: round(row[c] * 100.0),
                reference: 0.0,
                unit: "% rated".into(),
                basis: Basis::Load,
                contribution,
            }
        }
        "pitch" => {
            // The one that stands out: its offset from the pitch expected at this wind
            // (`pitch_resid_24h`), or how much more it strays than its site (`pitch_absdev_24h`).
            let abs = |c: usize| {
                let v = row[c].abs();
                if v.is_nan() {
                    -1.0
                } else {
                    v
                }
            };
            let c = g
                .columns
                .iter()
                .copied()
                .max_by(|a, b| abs(*a).total_cmp(&abs(*b)))
                .unwrap_or(0);
            Driver {
                indicator: g.indicator.clone(),
                feature: names[c].clone(),
                value: round(row[c]),
                reference: 0.0,
                unit: "°".into(),
                basis: Basis::Load,
                contribution,
            }
        }
        short => {
            let base = g.columns[0];
            let unit = if short == "vibration" { "mm/s" } else { "°C" };
            let basis = standout_basis(base, row, fleet);
            let stat = Basis::ALL
                .iter()
                .find(|(b, _)| *b == basis)
                .map_or(RESID_24H, |(_, s)| *s);
            let (value, reference, unit) = match basis {
                Basis::Trend => (round(row[base + SLOPE_7D]), 0.0, format!("{unit}/d")),
                _ => {
                    let (mean, dev) = (row[base + MEAN_24H], row[base + stat]);
                    let reference = if dev.is_nan() {
                        f64::NAN
                    } else {
                        round(mean - dev)
                    };
                    (round(mean), reference, unit.to_string())
                }
            };
            Driver {
                indicator: g.indicator.clone(),
                feature: names[base + stat].clone(),
                value,
                reference,
                unit,
                basis,
                contribution,
            }
        }
    }
}

#[cfg(test)]
mod tests;
