//! Drivers: which indicators push a turbine's risk up, by how much, against which normal value.
//!
//! Model-agnostic: for each indicator group (a key signal's eight features, the power-curve
//! deficit, the pitch behaviour) the features are set to their *normal reference* — the
//! healthy-turbine expectation for this turbine's load and weather, or the fleet — and the
//! classifier is run again. The drop in probability is the group's contribution.

use serde::{Deserialize, Serialize};

use crate::features::stat::{MAX_24H, MEAN_24H, RESID_24H, STD_24H};
use crate::features::{feature_names, KEY_SIGNALS, N_FEATURES, SIGNAL_STATS};

/// Number of statistics per key signal (see `features`).
const PER_SIGNAL: usize = SIGNAL_STATS.len();
/// Smallest contribution worth reporting (probability points).
pub const MIN_CONTRIBUTION: f64 = 0.005;
/// Drivers kept per prediction.
pub const MAX_DRIVERS: usize = 3;

/// One indicator that pushes a prediction's risk up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// Indicator id: a key signal's short name (`gearbox_oil`, …), `power_curve` or `pitch`.
    pub indicator: String,
    /// The feature the value is read from.
    pub feature: String,
    /// Measured value (24-hour mean, or the deficit / deviation).
    pub value: f64,
    /// Normal value for this turbine's load and weather, or the fleet's; NaN (JSON `null`)
    /// when it could not be established.
    #[serde(deserialize_with = "nan_from_null")]
    pub reference: f64,
    pub unit: String,
    /// Probability points the risk drops by when the indicator is set to normal.
    pub contribution: f64,
}

impl Driver {
    /// A sentence a technician understands, in English (the UI translates from the fields).
    pub fn describe(&self) -> String {
        let what = match self.indicator.as_str() {
            "power_curve" => "power output".to_string(),
            "pitch" => "blade pitch".to_string(),
            other => other.replace('_', " "),
        };
        let delta = self.value - self.reference;
        let body = match self.indicator.as_str() {
            "power_curve" => format!(
                "{what} {:.1} % of rated power below the fleet at the same wind",
                self.value
            ),
            _ if self.reference.is_nan() => format!(
                "{what} at {:.1} {} (no normal value available)",
                self.value, self.unit
            ),
            "pitch" => format!(
                "{what} {:.1}° off the fleet at the same wind (normal {:.1}°)",
                self.value, self.reference
            ),
            _ => format!(
                "{what} {:.1} {} {} normal for this load (normal {:.1} {})",
                delta.abs(),
                self.unit,
                if delta >= 0.0 { "above" } else { "below" },
                self.reference,
                self.unit
            ),
        };
        format!("{body}; risk +{:.0} pts", self.contribution * 100.0)
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
    let names = feature_names();
    let fleet_median: Vec<f32> = (0..N_FEATURES)
        .map(|c| median(rows.iter().map(|r| r[c]).collect()))
        .collect();
    let pitch_abs = names.iter().position(|n| n == "pitch_absdev_24h");
    let mut out = Vec::with_capacity(rows.len() * gs.len() * N_FEATURES);
    for row in rows {
        for g in &gs {
            let mut r = row.clone();
            for &c in &g.columns {
                r[c] = reference_value(row, c, &fleet_median, pitch_abs);
            }
            out.extend_from_slice(&r);
        }
    }
    (out, gs.len())
}

/// The normal value of feature `c` for this row.
fn reference_value(row: &[f32], c: usize, fleet_median: &[f32], pitch_abs: Option<usize>) -> f32 {
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
    if Some(c) == pitch_abs {
        return fleet_median[c];
    }
    0.0
}

/// Drivers of one row, from its probability and the probabilities of its perturbed rows.
pub(crate) fn drivers_of(
    row: &[f32],
    p: f64,
    perturbed_p: &[f64],
    fleet_pitch_abs: f32,
) -> Vec<Driver> {
    let gs = groups();
    let names = feature_names();
    let mut out: Vec<Driver> = gs
        .iter()
        .zip(perturbed_p)
        .filter_map(|(g, &pg)| {
            let contribution = p - pg;
            (contribution >= MIN_CONTRIBUTION)
                .then(|| describe_group(g, row, contribution, &names, fleet_pitch_abs))
        })
        .collect();
    out.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    out.truncate(MAX_DRIVERS);
    out
}

fn describe_group(
    g: &Group,
    row: &[f32],
    contribution: f64,
    names: &[String],
    fleet_pitch_abs: f32,
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
                contribution,
            }
        }
        "pitch" => {
            let c = g.columns.last().copied().unwrap_or(0);
            Driver {
                indicator: g.indicator.clone(),
                feature: names[c].clone(),
                value: round(row[c]),
                reference: round(fleet_pitch_abs),
                unit: "°".into(),
                contribution,
            }
        }
        short => {
            let base = g.columns[0];
            let (mean, resid) = (row[base + MEAN_24H], row[base + RESID_24H]);
            let unit = if short == "vibration" { "mm/s" } else { "°C" };
            Driver {
                indicator: g.indicator.clone(),
                feature: names[base + RESID_24H].clone(),
                value: round(mean),
                reference: if resid.is_nan() {
                    f64::NAN
                } else {
                    round(mean - resid)
                },
                unit: unit.into(),
                contribution,
            }
        }
    }
}

/// Fleet median of `pitch_absdev_24h` (reference of the pitch driver).
pub(crate) fn fleet_pitch_abs(rows: &[Vec<f32>]) -> f32 {
    let names = feature_names();
    names
        .iter()
        .position(|n| n == "pitch_absdev_24h")
        .map(|c| median(rows.iter().map(|r| r[c]).collect()))
        .unwrap_or(f32::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_driver_without_reference_survives_storage() {
        let d = Driver {
            indicator: "converter".into(),
            feature: "converter_resid_24h".into(),
            value: 61.0,
            reference: f64::NAN,
            unit: "°C".into(),
            contribution: 0.2,
        };
        let json = serde_json::to_string(&vec![d]).unwrap();
        assert!(json.contains("\"reference\":null"), "{json}");
        let back: Vec<Driver> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.len(), 1);
        assert!(back[0].reference.is_nan());
        assert!(back[0]
            .describe()
            .starts_with("converter at 61.0 °C (no normal value available)"));
    }

    #[test]
    fn references_are_healthy_values() {
        let names = feature_names();
        let mut row = vec![0.0f32; N_FEATURES];
        let at = |n: &str| names.iter().position(|x| x == n).unwrap();
        row[at("gearbox_oil_mean_24h")] = 60.0;
        row[at("gearbox_oil_max_24h")] = 70.0;
        row[at("gearbox_oil_resid_24h")] = 9.4;
        row[at("gearbox_oil_slope_7d")] = 1.5;
        row[at("power_deficit_24h")] = 0.08;
        let rows = vec![row.clone(), vec![0.0; N_FEATURES]];
        let (perturbed, n_groups) = perturbed_rows(&rows);
        assert_eq!(n_groups, KEY_SIGNALS.len() + 2);
        let first = &perturbed[..N_FEATURES];
        assert!((first[at("gearbox_oil_mean_24h")] - 50.6).abs() < 1e-4);
        assert!((first[at("gearbox_oil_max_24h")] - 60.6).abs() < 1e-4);
        assert_eq!(first[at("gearbox_oil_resid_24h")], 0.0);
        assert_eq!(first[at("gearbox_oil_slope_7d")], 0.0);
        assert_eq!(
            first[at("power_deficit_24h")],
            0.08,
            "other groups untouched"
        );
        let power = &perturbed[(n_groups - 2) * N_FEATURES..(n_groups - 1) * N_FEATURES];
        assert_eq!(power[at("power_deficit_24h")], 0.0);
    }

    #[test]
    fn drivers_are_ranked_and_described() {
        let names = feature_names();
        let at = |n: &str| names.iter().position(|x| x == n).unwrap();
        let mut row = vec![0.0f32; N_FEATURES];
        row[at("gearbox_oil_mean_24h")] = 60.0;
        row[at("gearbox_oil_resid_24h")] = 9.4;
        let n_groups = KEY_SIGNALS.len() + 2;
        let mut pert = vec![0.62; n_groups];
        pert[0] = 0.20; // gearbox oil set to normal: p drops from 0.62 to 0.20
        pert[n_groups - 2] = 0.55; // power curve
        pert[3] = 0.619; // too small to report
        let d = drivers_of(&row, 0.62, &pert, 0.4);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].indicator, "gearbox_oil");
        assert!((d[0].contribution - 0.42).abs() < 1e-9);
        assert_eq!(
            d[0].describe(),
            "gearbox oil 9.4 °C above normal for this load (normal 50.6 °C); risk +42 pts"
        );
        assert_eq!(d[1].indicator, "power_curve");
    }
}
