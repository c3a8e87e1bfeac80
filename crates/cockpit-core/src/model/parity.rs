//! The reference rows of a model set (`parity.csv`, written by the training pipeline next to
//! `manifest.json`): feature columns in the manifest's order, then `expected_p_fail_7d` and the
//! time-to-failure model's raw columns `expected_p_within_1d`, `_3d`, `_7d`, `_14d`, `_30d` (one
//! per horizon, in order) as Python onnxruntime computed them (empty field = NaN). [`ModelSet::load`] scores them
//! and refuses a set whose models do not reproduce them ([`check`]).
//!
//! [`ModelSet::load`]: super::ModelSet::load

use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::manifest::TTF_HORIZONS;
use super::{ModelError, Prediction};

/// The reference rows' file name in a models folder.
pub const PARITY_FILE: &str = "parity.csv";

/// How far a model output may be from the recorded one: 1e-4 absolute (every output is a
/// probability; relative above 1 should one ever exceed it). The training pipeline checks 1e-5 with the same
/// ONNX Runtime; the margin covers a different thread count or CPU, while a swapped or retrained
/// model differs by far more.
pub const PARITY_TOLERANCE: f64 = 1e-4;

/// A parity file: feature names, feature values and the outputs Python computed for each row.
#[derive(Debug, Clone)]
pub struct ParityTable {
    /// The feature columns' names, in order.
    pub feature_names: Vec<String>,
    /// The feature values, one row per line (NaN for an empty field).
    pub rows: Array2<f32>,
    /// The outputs Python computed for each row.
    pub expected: Vec<Prediction>,
}

/// Whether `got` is within [`PARITY_TOLERANCE`] of `want` (NaN matches NaN only).
pub fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= tolerance * want.abs().max(1.0)
}

/// Reads a parity file (see [`ParityTable`]).
pub fn read(path: &Path) -> Result<ParityTable, ModelError> {
    let invalid = |reason: String| ModelError::ParityInvalid {
        path: path.to_path_buf(),
        reason,
    };
    if !path.is_file() {
        return Err(ModelError::ParityMissing {
            path: path.to_path_buf(),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| invalid(e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let n = header.len();
    let tail = n.saturating_sub(1 + TTF_HORIZONS);
    let outputs_ok = n > 1 + TTF_HORIZONS
        && header[tail] == "expected_p_fail_7d"
        && header[tail + 1..]
            .iter()
            .all(|h| h.starts_with("expected_p_within_") && h.ends_with('d'));
    if !outputs_ok {
        return Err(invalid(format!(
            "the header must be the feature names then expected_p_fail_7d and the {TTF_HORIZONS} columns expected_p_within_<h>d (one per horizon; a file of a 1.x model set ends with expected_ttf_days: retrain with `make models`)"
        )));
    }
    let n_features = tail;
    let number = |field: &str, line: u64| -> Result<f64, ModelError> {
        let field = field.trim();
        if field.is_empty() || field.eq_ignore_ascii_case("nan") {
            return Ok(f64::NAN);
        }
        field
            .parse::<f64>()
            .map_err(|_| invalid(format!("line {line}: '{field}' is not a number")))
    };
    let mut values = Vec::new();
    let mut expected = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != n {
            return Err(invalid(format!(
                "line {line}: {} fields, the header has {n}",
                record.len()
            )));
        }
        for field in record.iter().take(n_features) {
            // Parsed as f32 directly: the pipeline writes f32 inputs in their shortest form.
            values.push(number(field, line)? as f32);
        }
        let mut p_within = [0.0; TTF_HORIZONS];
        for (k, p) in p_within.iter_mut().enumerate() {
            *p = number(&record[n_features + 1 + k], line)?;
        }
        expected.push(Prediction {
            p_fail_7d: number(&record[n_features], line)?,
            p_within,
        });
    }
    if expected.is_empty() {
        return Err(invalid("it has no rows".into()));
    }
    let rows = Array2::from_shape_vec((expected.len(), n_features), values)
        .map_err(|e| invalid(e.to_string()))?;
    Ok(ParityTable {
        feature_names: header[..n_features].to_vec(),
        rows,
        expected,
    })
}

/// Compares the outputs `got` of the rows of `table` (read from `path`) with the recorded ones.
pub(super) fn check(
    path: &Path,
    table: &ParityTable,
    got: &[Prediction],
) -> Result<(), ModelError> {
    let mut differing = 0;
    let mut first = None;
    for (i, (g, w)) in got.iter().zip(&table.expected).enumerate() {
        let ok = close(g.p_fail_7d, w.p_fail_7d, PARITY_TOLERANCE)
            && g.p_within
                .iter()
                .zip(&w.p_within)
                .all(|(g, w)| close(*g, *w, PARITY_TOLERANCE));
        if !ok {
            differing += 1;
            first.get_or_insert_with(|| {
                format!(
                    "row {}: p_fail_7d {} for {} recorded, p_within {:?} for {:?} recorded",
                    i + 1,
                    g.p_fail_7d,
                    w.p_fail_7d,
                    g.p_within,
                    w.p_within
                )
            });
        }
    }
    match first {
        None if got.len() == table.expected.len() => Ok(()),
        first => Err(ModelError::ParityMismatch {
            path: PathBuf::from(path),
            differing: differing.max(1),
            rows: table.expected.len(),
            tolerance: PARITY_TOLERANCE,
            first: first.unwrap_or_else(|| {
                format!("{} outputs for {} rows", got.len(), table.expected.len())
            }),
        }),
    }
}
