//! The `sensor_faults` check: the sensor faults the latest run met in the 7 days before it, by
//! kind, the turbines they touch and the turbines with a family it could not watch. It informs
//! and is always `ok`: a faulty sensor is left out of the scores, not a failure of the cockpit.

use std::collections::BTreeMap;

use super::{check, Check, Status};
use crate::lang::Lang;
use crate::quality::FaultKind;
use crate::runs::queries::latest_run;
use crate::runs::DataQuality;
use crate::store::Store;

use super::super::TelemetryError;

/// Sensor faults of the latest run, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FaultCounts {
    /// Faulty stretches per kind.
    pub(crate) by_kind: BTreeMap<FaultKind, usize>,
    /// Turbines with at least one fault.
    pub(crate) turbines: usize,
    /// Turbines with a family it could not watch (absent or blinded).
    pub(crate) unwatched: usize,
    /// Turbines in the run.
    pub(crate) of: usize,
}

/// Counts the faults stored with the predictions of run `run`.
pub(crate) fn fault_counts(store: &Store, run: i64) -> Result<FaultCounts, TelemetryError> {
    let mut stmt = store
        .conn()
        .prepare("SELECT data_quality FROM predictions WHERE run = ?1")?;
    let rows = stmt.query_map([run], |r| r.get::<_, Option<String>>(0))?;
    let mut c = FaultCounts::default();
    for row in rows {
        c.of += 1;
        let Some(text) = row? else { continue };
        let q: DataQuality = serde_json::from_str(&text)?;
        for f in &q.faults {
            *c.by_kind.entry(f.kind).or_default() += 1;
        }
        c.turbines += usize::from(!q.faults.is_empty());
        c.unwatched += usize::from(!q.unwatched.is_empty());
    }
    Ok(c)
}

/// The check.
pub(super) fn sensor_faults(store: &Store, lang: Lang) -> Result<Check, TelemetryError> {
    let Some(run) = latest_run(store)? else {
        return Ok(check(
            "sensor_faults",
            Status::Ok,
            lang.pick(
                "no scoring run yet: sensor faults are counted by each run",
                "aucune évaluation encore : chaque évaluation compte les défauts de capteurs",
            ),
        ));
    };
    let c = fault_counts(store, run.id)?;
    let n = |k: FaultKind| c.by_kind.get(&k).copied().unwrap_or(0);
    let (frozen, spike, range, gap) = (
        n(FaultKind::Frozen),
        n(FaultKind::Spike),
        n(FaultKind::OutOfRange),
        n(FaultKind::Gap),
    );
    let (t, of, u) = (c.turbines, c.of, c.unwatched);
    Ok(check(
        "sensor_faults",
        Status::Ok,
        lang.pick(
            format!(
                "latest run, 7 days before it: {frozen} frozen sensor(s), {spike} spike(s), {range} out of physics, {gap} gap(s), on {t} of {of} turbines; {u} turbine(s) with a signal family not watched (absent or faulty), left out of their scores"
            ),
            format!(
                "dernière évaluation, 7 jours avant : {frozen} capteur(s) figé(s), {spike} pic(s), {range} hors plage physique, {gap} trou(s), sur {t} éoliennes sur {of} ; {u} éolienne(s) avec une famille de signaux non surveillée (absente ou en défaut), écartée de leur score"
            ),
        ),
    ))
}

/// Fragments of this check's English messages.
pub(super) const ENGLISH: &[&str] = &["sensor faults are counted", "frozen sensor", "not watched"];
