//! Shadow scoring: a candidate model set scores the same feature rows as the set in service, in
//! the same run, and its scores and categories are kept apart (`shadow_runs`,
//! `shadow_predictions`). Nothing a user sees as the run's result comes from it: the served
//! outcomes are computed first and never read here, and a candidate that cannot score never
//! fails the run — the run records why the shadow was skipped.

use rusqlite::{params, Transaction};

use super::{evaluate, RunError};
use crate::features::FeatureMatrix;
use crate::model::ModelSet;
use crate::risk::{Category, RiskPolicy};
use crate::store::Store;

/// A candidate model set to score in shadow beside the one in service.
#[derive(Debug)]
pub struct ShadowSet {
    /// The candidate's model version, when its manifest could be read.
    pub version: Option<String>,
    /// The SHA-256 of its `manifest.json`, when it could be read.
    pub sha256: Option<String>,
    /// The loaded, checked candidate; or why it was refused (the check's message).
    pub models: Result<ModelSet, String>,
}

/// One turbine's shadow outcome: its row id, score and category (`None` when not scored).
pub(super) type ShadowRow = (i64, Option<f64>, Option<Category>);

/// What the candidate said in one run.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ShadowOutcome {
    pub version: Option<String>,
    pub sha256: Option<String>,
    /// Per turbine (row id): its shadow score and category (`None` when not scored); or why the
    /// shadow was skipped.
    pub result: Result<Vec<ShadowRow>, String>,
}

/// Scores `matrix` with the candidate, on the very rows the served set scored.
pub(super) fn score_shadow(
    store: &Store,
    shadow: &mut ShadowSet,
    policy: &RiskPolicy,
    matrix: &FeatureMatrix,
    last_records: &[Option<i64>],
) -> ShadowOutcome {
    let result = match &mut shadow.models {
        Err(reason) => Err(reason.clone()),
        Ok(models) => match evaluate(store, models, policy, matrix, last_records) {
            Ok(outcomes) => Ok(outcomes
                .iter()
                .map(|o| (o.turbine_key, o.risk_score, o.category))
                .collect()),
            Err(e) => Err(e.to_string()),
        },
    };
    if let Err(reason) = &result {
        tracing::warn!(
            candidate = shadow.version.as_deref().unwrap_or("-"),
            reason = %crate::journal::redact(reason),
            "shadow scoring skipped"
        );
    }
    ShadowOutcome {
        version: shadow.version.clone(),
        sha256: shadow.sha256.clone(),
        result,
    }
}

/// Writes the shadow outcome of run `run` inside the run's transaction.
pub(super) fn write(
    tx: &Transaction<'_>,
    run: i64,
    shadow: &ShadowOutcome,
) -> Result<(), RunError> {
    tx.execute(
        "INSERT INTO shadow_runs (run, model_version, model_sha, skipped) VALUES (?1, ?2, ?3, ?4)",
        params![
            run,
            shadow.version,
            shadow.sha256,
            shadow.result.as_ref().err()
        ],
    )?;
    if let Ok(rows) = &shadow.result {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO shadow_predictions (run, turbine, risk_score, category) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (turbine, score, category) in rows {
            stmt.execute(params![run, turbine, score, category.map(Category::as_str)])?;
        }
    }
    Ok(())
}
