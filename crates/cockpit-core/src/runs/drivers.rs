//! Drivers: which indicators push a turbine's risk up, by how much, against which normal value.
//!
//! Model-agnostic: for each indicator group (a key signal's eight features, the power-curve
//! deficit, the pitch behaviour) the features are set to their *normal reference* — the
//! healthy-turbine expectation for this turbine's load and weather, or the fleet — and the
//! classifier is run again. The drop in probability is the group's contribution.
//!
//! Each group is measured in two parts, split by the catalogue's plausible-cause direction of
//! each feature ([`crate::features::Cause`]): the features that deviate the way a failure shows
//! (hotter, rising, erratic, producing less, pitch off its site) and those that deviate the other
//! way (cooler, falling, steadier, producing more). The first part's contribution is a *driver*,
//! shown as a cause; the second's is a *model reaction*, never shown as a cause: the reasons say
//! plainly that the model reacts to it and that it is not a known failure sign.

use serde::{Deserialize, Serialize};

use crate::features::stat::{MAX_24H, MEAN_24H, OWN_DEV, RESID_24H, SITE_DEV, SLOPE_7D, STD_24H};
use crate::features::{cause_of, feature_names, KEY_SIGNALS, N_FEATURES, SIGNAL_STATS};
use crate::lang::{format_number, Lang};

/// Number of statistics per key signal (see `features`).
const PER_SIGNAL: usize = SIGNAL_STATS.len();
/// Smallest contribution worth reporting (probability points).
pub const MIN_CONTRIBUTION: f64 = 0.005;
/// Drivers kept per prediction.
pub const MAX_DRIVERS: usize = 3;
/// Model reactions (contributions in a direction that is not a known failure sign) kept per
/// prediction.
pub const MAX_REACTIONS: usize = 3;

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
    /// Its fluctuation over the last 24 hours (`std_24h`) against the fleet's usual one: erratic
    /// (or steadier than usual).
    Spread,
}

impl Basis {
    /// The feature statistic this basis reads, and the order they are tried in.
    const ALL: [(Basis, usize); 5] = [
        (Basis::Load, RESID_24H),
        (Basis::Site, SITE_DEV),
        (Basis::Own, OWN_DEV),
        (Basis::Trend, SLOPE_7D),
        (Basis::Spread, STD_24H),
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
    "fluctuating",
    "usual in the fleet",
    "closer to the pitch",
    "the model also reacts to",
    "not a known failure sign",
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
            // expected at the same wind than the other turbines of its site do (closer: less).
            if self.value < 0.0 {
                return if fr {
                    format!(
                        "{what} {}° plus près du pas attendu à ce vent que les autres éoliennes de son site",
                        n(self.value.abs())
                    )
                } else {
                    format!(
                        "{what} {}° closer to the pitch expected at this wind than the other turbines of its site",
                        n(self.value.abs())
                    )
                };
            }
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
            (Basis::Spread, false) => format!(
                "{what} fluctuating {} over 24 h, against {} usual in the fleet",
                self.value_text(self.value, lang),
                self.value_text(self.reference, lang)
            ),
            (Basis::Spread, true) => format!(
                "{what} : fluctuations de {} sur 24 h, contre {} d'habitude dans le parc",
                self.value_text(self.value, lang),
                self.value_text(self.reference, lang)
            ),
        }
    }

    /// Whether this driver, as stored, reads as a plausible cause of a failure (the catalogue's
    /// direction, [`crate::features::Cause`]): hotter, rising or more erratic than normal,
    /// producing less, pitch off its site or straying more. A value with no normal value known
    /// reads as today (a cause). Used to place drivers stored before the model reactions
    /// existed, and so that no sentence shown as a cause says "below normal".
    pub fn reads_as_cause(&self) -> bool {
        match self.indicator.as_str() {
            "power_curve" => self.value >= 0.0,
            "pitch" => self.feature != "pitch_absdev_24h" || self.value >= 0.0,
            _ => match self.basis {
                Basis::Trend => self.value >= 0.0,
                _ => !self.reference.is_finite() || self.value >= self.reference,
            },
        }
    }

    /// A model reaction in words, said plainly as not a cause: "the model also reacts to gearbox
    /// oil 2.1 °C below normal for this load (+4 pts); this is not a known failure sign" / "le
    /// modèle réagit aussi à : huile multiplicateur 2,1 °C en dessous de la normale pour cette
    /// charge (+4 pts) ; ce n'est pas un signe de panne connu".
    pub fn reaction_phrase(&self, lang: Lang) -> String {
        let (what, pts) = (self.phrase(lang), self.points());
        match lang {
            Lang::En => format!(
                "the model also reacts to {what} (+{pts} pts); this is not a known failure sign"
            ),
            Lang::Fr => format!(
                "le modèle réagit aussi à : {what} (+{pts} pts) ; ce n'est pas un signe de panne connu"
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

/// A driver as stored in `predictions.drivers` (one JSON array per prediction): the drivers
/// and, after them, the model reactions marked `"reaction": true`. Rows stored before the
/// reactions existed have no mark: each is placed by how it reads ([`Driver::reads_as_cause`]),
/// so an old "below normal" driver is shown as a model reaction too. No migration.
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    driver: Driver,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reaction: Option<bool>,
}

/// The JSON stored for a prediction's drivers and model reactions.
pub(crate) fn stored_json(drivers: &[Driver], reactions: &[Driver]) -> String {
    let all: Vec<Stored> = drivers
        .iter()
        .map(|d| (d, Some(false)))
        .chain(reactions.iter().map(|d| (d, Some(true))))
        .map(|(d, reaction)| Stored {
            driver: d.clone(),
            reaction,
        })
        .collect();
    serde_json::to_string(&all).unwrap_or_else(|_| "[]".into())
}

/// Reads a prediction's stored drivers back: `(drivers, model reactions)`; both empty when there
/// is none or the text is not a list of drivers.
pub(crate) fn from_stored(text: Option<&str>) -> (Vec<Driver>, Vec<Driver>) {
    let all: Vec<Stored> = text
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let (reactions, drivers): (Vec<Stored>, Vec<Stored>) = all
        .into_iter()
        .partition(|s| s.reaction.unwrap_or_else(|| !s.driver.reads_as_cause()));
    let plain = |v: Vec<Stored>| v.into_iter().map(|s| s.driver).collect();
    (plain(drivers), plain(reactions))
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

/// The two parts of an indicator group, by the catalogue's plausible-cause direction of each of
/// its features' deviations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Deviations in the direction of a known failure sign: a driver.
    Cause,
    /// Deviations the other way: a model reaction, not a cause.
    Other,
}

/// The parts in the order of the perturbed rows of one group.
const PARTS: [Part; 2] = [Part::Cause, Part::Other];

/// The part feature `c`'s deviation from its normal value belongs to; `None` when it does not
/// deviate (or is missing), or is context.
fn part_of(c: usize, value: f32, reference: f32) -> Option<Part> {
    cause_of(c)
        .reads_as_cause(value - reference)
        .map(|cause| if cause { Part::Cause } else { Part::Other })
}

/// Builds, for every row, indicator group and part ([`PARTS`]), the row with the features of
/// that part of the group set to their reference. Returns the perturbed rows (row-major,
/// `rows.len() × slots` of them) and the slots per row (groups × parts).
pub(crate) fn perturbed_rows(rows: &[Vec<f32>]) -> (Vec<f32>, usize) {
    let gs = groups();
    let fleet_median: Vec<f32> = (0..N_FEATURES)
        .map(|c| median(rows.iter().map(|r| r[c]).collect()))
        .collect();
    let slots = gs.len() * PARTS.len();
    let mut out = Vec::with_capacity(rows.len() * slots * N_FEATURES);
    for row in rows {
        for g in &gs {
            for part in PARTS {
                let mut r = row.clone();
                for &c in &g.columns {
                    let reference = reference_value(row, c, &fleet_median);
                    if part_of(c, row[c], reference) == Some(part) {
                        r[c] = reference;
                    }
                }
                out.extend_from_slice(&r);
            }
        }
    }
    (out, slots)
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
    /// Median of each feature across the fleet: the usual fluctuation (`std_24h`) a turbine's is
    /// compared with.
    median: Vec<f32>,
}

/// Smallest spread used to compare deviations (avoids dividing by zero on a tiny fleet).
const MIN_SPREAD: f32 = 1e-3;

impl FleetReference {
    pub(crate) fn of(rows: &[Vec<f32>]) -> Self {
        let median_of = (0..N_FEATURES)
            .map(|c| median(rows.iter().map(|r| r[c]).collect()))
            .collect();
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
        FleetReference {
            spread,
            median: median_of,
        }
    }
}

/// What pushes one prediction's risk up: the drivers (plausible causes) and the model reactions
/// (deviations that are not a known failure sign), each strongest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Explanation {
    /// The indicators whose deviations in a plausible-cause direction raise the risk.
    pub drivers: Vec<Driver>,
    /// The indicators whose deviations in the other direction raise the risk: never a cause.
    pub reactions: Vec<Driver>,
}

impl Explanation {
    /// Drops what the prediction could not read (a frozen, recovering or absent sensor).
    pub(crate) fn retain(&mut self, keep: impl Fn(&Driver) -> bool) {
        self.drivers.retain(&keep);
        self.reactions.retain(&keep);
    }
}

/// Drivers and model reactions of one row, from its probability and the probabilities of its
/// perturbed rows (`groups × parts`, in the order of [`perturbed_rows`]).
pub(crate) fn drivers_of(
    row: &[f32],
    p: f64,
    perturbed_p: &[f64],
    fleet: &FleetReference,
) -> Explanation {
    let gs = groups();
    let names = feature_names();
    let mut out = Explanation::default();
    for (k, g) in gs.iter().enumerate() {
        for (j, part) in PARTS.into_iter().enumerate() {
            let Some(&pg) = perturbed_p.get(k * PARTS.len() + j) else {
                continue;
            };
            let contribution = p - pg;
            if contribution < MIN_CONTRIBUTION {
                continue;
            }
            let d = describe_group(g, row, contribution, &names, fleet, part);
            // What the user reads decides: a sentence that does not read as a cause is never
            // listed as one (see `Driver::reads_as_cause`).
            if part == Part::Cause && d.reads_as_cause() {
                out.drivers.push(d);
            } else {
                out.reactions.push(d);
            }
        }
    }
    out.drivers
        .sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    out.drivers.truncate(MAX_DRIVERS);
    out.reactions
        .sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    out.reactions.truncate(MAX_REACTIONS);
    out
}

/// The basis of a key signal's driver: of its deviations in the part's direction (hotter, more
/// vibration, rising, erratic for a cause; cooler, falling, steadier for the rest), the one that
/// stands out most against the fleet's usual spread; `load` when none does.
fn standout_basis(base: usize, row: &[f32], fleet: &FleetReference, part: Part) -> Basis {
    let mut best = (Basis::Load, 0.0f32);
    for (basis, stat) in Basis::ALL {
        let c = base + stat;
        let deviation = match basis {
            Basis::Spread => row[c] - fleet.median[c],
            _ => row[c],
        };
        if part_of(c, deviation, 0.0) != Some(part) {
            continue;
        }
        let z = (deviation / fleet.spread[c]).abs();
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
    part: Part,
) -> Driver {
    let round = |v: f32| (f64::from(v) * 100.0).round() / 100.0;
    // The group's columns whose deviation (from 0, their normal value) lies in the part.
    let in_part = |c: &usize| part_of(*c, row[*c], 0.0) == Some(part);
    match g.indicator.as_str() {
        "power_curve" => {
            // The 24-hour deficit, or the 7-day one when only it lies in the part.
            let c = g
                .columns
                .iter()
                .copied()
                .find(in_part)
                .or_else(|| g.columns.first().copied())
                .unwrap_or(0);
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
                .filter(in_part)
                .max_by(|a, b| abs(*a).total_cmp(&abs(*b)))
                .or_else(|| {
                    g.columns
                        .iter()
                        .copied()
                        .max_by(|a, b| abs(*a).total_cmp(&abs(*b)))
                })
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
            let basis = standout_basis(base, row, fleet, part);
            let stat = Basis::ALL
                .iter()
                .find(|(b, _)| *b == basis)
                .map_or(RESID_24H, |(_, s)| *s);
            let (value, reference, unit) = match basis {
                Basis::Trend => (round(row[base + SLOPE_7D]), 0.0, format!("{unit}/d")),
                Basis::Spread => (
                    round(row[base + STD_24H]),
                    round(fleet.median[base + STD_24H]),
                    unit.to_string(),
                ),
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
