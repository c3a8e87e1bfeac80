//! The checks read from the database: `schedule` (the daily run served on time), `last_run`
//! (the latest scoring run), `errors_24h` (failures of the last day) and `freshness` (turbines
//! sending data).

use super::{check, Check, Status, ERRORS_24H_ERROR};
use crate::lang::{trigger_label, Lang};
use crate::runs::MODEL_OUTPUT_INVALID_EN;
use crate::schema::format_timestamp;
use crate::service;
use crate::store::Store;
use crate::telemetry::metrics::{self, ON_TIME_TOLERANCE_SECS};
use crate::telemetry::{monitoring, TelemetryError};

/// Whether the latest daily slot was served on time.
pub(super) fn schedule(store: &Store, now: i64, lang: Lang) -> Result<Check, TelemetryError> {
    let schedule = service::schedule(store)?;
    if !schedule.enabled {
        let time = schedule.time_text();
        return Ok(check(
            "schedule",
            Status::Ok,
            lang.pick(format!("the daily run is off (time kept: {time}); turn it on with `cockpit schedule --on`"),
                format!("l'évaluation quotidienne est désactivée (heure conservée : {time}) ; activez-la avec `cockpit schedule --on`"),
            ),
        ));
    }
    let next = schedule
        .next_slot_local(now)
        .map(format_timestamp)
        .unwrap_or_else(|| "-".into());
    let first = metrics::first_run_time(store)?.unwrap_or(now);
    let Some(&slot) = metrics::expected_slots(&schedule, first, now).first() else {
        return Ok(check(
            "schedule",
            Status::Ok,
            lang.pick(format!("no daily run was due yet on this database; next at {next}"),
                format!("aucune évaluation quotidienne n'était encore prévue sur cette base ; prochaine à {next}"),
            ),
        ));
    };
    let runs = metrics::timer_runs(store, slot)?;
    let served: Vec<&metrics::TimerRun> = runs.iter().filter(|r| r.slot == slot).collect();
    let slot_text = format_timestamp(slot);
    if metrics::on_time_ok(&runs, slot) {
        return Ok(check(
            "schedule",
            Status::Ok,
            lang.pick(format!("the daily run due at {slot_text} ran on time; next at {next}"),
                format!("l'évaluation quotidienne prévue à {slot_text} a eu lieu à l'heure ; prochaine à {next}"),
            ),
        ));
    }
    Ok(match served.last() {
        Some(r) if !r.succeeded => check(
            "schedule",
            Status::Degraded,
            lang.pick(format!("the daily run due at {slot_text} ran (run #{}) but failed: see the last_run check", r.id),
                format!("l'évaluation quotidienne prévue à {slot_text} a eu lieu (évaluation n° {}) mais a échoué : voir le contrôle last_run", r.id),
            ),
        ),
        Some(r) => {
            let (late, tolerance) = ((r.started_at - slot) / 60, ON_TIME_TOLERANCE_SECS / 60);
            check(
                "schedule",
                Status::Degraded,
                lang.pick(format!(
                        "the daily run due at {slot_text} started {late} min late (run #{}, more than {tolerance} min): was the computer off or asleep, or the cockpit closed?",
                        r.id
                    ),
                    format!(
                        "l'évaluation quotidienne prévue à {slot_text} a commencé avec {late} min de retard (évaluation n° {}, plus de {tolerance} min) : l'ordinateur était-il éteint ou en veille, ou le cockpit fermé ?",
                        r.id
                    ),
                ),
            )
        }
        None => check(
            "schedule",
            Status::Degraded,
            lang.pick(format!(
                    "the daily run due at {slot_text} has not run: keep the desktop app or `cockpit watch` running (it catches up at start), or turn the daily run off with `cockpit schedule --off`"
                ),
                format!(
                    "l'évaluation quotidienne prévue à {slot_text} n'a pas eu lieu : laissez l'application ou `cockpit watch` ouverts (ils rattrapent au démarrage), ou désactivez l'évaluation quotidienne avec `cockpit schedule --off`"
                ),
            ),
        ),
    })
}

/// The latest scoring run: succeeded, scored something.
pub(super) fn last_run(store: &Store, lang: Lang) -> Result<Check, TelemetryError> {
    let Some(run) = crate::runs::queries::journal(store, 1)?.into_iter().next() else {
        return Ok(check(
            "last_run",
            Status::Degraded,
            lang.pick(
                "no scoring run yet: run `cockpit score` (or `cockpit demo`), or \"Score now\" in the app",
                "aucune évaluation pour l'instant : lancez `cockpit score` (ou `cockpit demo`), ou « Évaluer maintenant » dans l'application",
            ),
        ));
    };
    let trigger = trigger_label(&run.trigger, lang);
    if run.status != "succeeded" {
        let error = run.error.as_deref();
        return Ok(check(
            "last_run",
            Status::Error,
            lang.pick(format!(
                    "run #{} ({trigger}, {}) failed: {}; the fleet view still shows the last successful run",
                    run.id,
                    run.started_at,
                    error.unwrap_or("no error recorded")
                ),
                format!(
                    "l'évaluation n° {} ({trigger}, {}) a échoué ({}) ; la vue du parc montre toujours la dernière évaluation réussie",
                    run.id,
                    run.started_at,
                    error.unwrap_or("aucune erreur enregistrée")
                ),
            ),
        ));
    }
    let invalid: i64 = store.conn().query_row(
        "SELECT count(*) FROM predictions WHERE run = ?1 AND substr(reason, 1, ?2) = ?3",
        rusqlite::params![
            run.id,
            MODEL_OUTPUT_INVALID_EN.len() as i64,
            MODEL_OUTPUT_INVALID_EN
        ],
        |r| r.get(0),
    )?;
    if invalid > 0 {
        return Ok(check(
            "last_run",
            Status::Error,
            lang.pick(format!(
                    "run #{} ({trigger}, {}): the models gave an invalid output (NaN, or out of range) for {invalid} of its {} turbines, left not scored: the model set is faulty; put back the previous one",
                    run.id, run.started_at, run.turbines
                ),
                format!(
                    "l'évaluation n° {} ({trigger}, {}) : les modèles ont donné une sortie invalide (NaN, ou hors plage) pour {invalid} de ses {} éoliennes, laissées non évaluées : le jeu de modèles est défectueux ; remettez le précédent",
                    run.id, run.started_at, run.turbines
                ),
            ),
        ));
    }
    let c = run.counts;
    if run.turbines > 0 && c.not_scored == run.turbines {
        return Ok(check(
            "last_run",
            Status::Degraded,
            lang.pick(format!(
                    "run #{} ({}) succeeded but scored none of its {} turbines (no recent data or all under repair): check the data freshness",
                    run.id, run.started_at, run.turbines
                ),
                format!(
                    "l'évaluation n° {} ({}) a réussi mais n'a évalué aucune de ses {} éoliennes (pas de données récentes ou toutes en réparation) : vérifiez la fraîcheur des données",
                    run.id, run.started_at, run.turbines
                ),
            ),
        ));
    }
    Ok(check(
        "last_run",
        Status::Ok,
        lang.pick(format!(
                "run #{} ({trigger}, {}) succeeded in {} ms: {} critical, {} high, {} moderate, {} low, {} not scored",
                run.id, run.started_at, run.duration_ms, c.critical, c.high, c.moderate, c.low, c.not_scored
            ),
            format!(
                "l'évaluation n° {} ({trigger}, {}) a réussi en {} ms : {} critique(s), {} élevé(s), {} modéré(s), {} faible(s), {} non évaluée(s)",
                run.id, run.started_at, run.duration_ms, c.critical, c.high, c.moderate, c.low, c.not_scored
            ),
        ),
    ))
}

/// Failures (failed runs, ingestion errors) in the last 24 hours.
pub(super) fn errors_24h(store: &Store, now: i64, lang: Lang) -> Result<Check, TelemetryError> {
    let since = now - 86_400;
    let n = metrics::errors_since(store, since)?;
    if n == 0 {
        return Ok(check(
            "errors_24h",
            Status::Ok,
            lang.pick(
                "no failure in the last 24 h",
                "aucun échec dans les dernières 24 h",
            ),
        ));
    }
    let latest = metrics::last_error_since(store, since)?;
    let status = if n >= ERRORS_24H_ERROR {
        Status::Error
    } else {
        Status::Degraded
    };
    let last = |fr: bool| {
        latest
            .as_ref()
            .map(|(at, what, message)| {
                let at = format_timestamp(*at);
                if fr {
                    format!(" ; dernier : {what} à {at} ({message})")
                } else {
                    format!("; latest: {what} at {at}: {message}")
                }
            })
            .unwrap_or_default()
    };
    Ok(check(
        "errors_24h",
        status,
        lang.pick(format!(
                "{n} failure(s) in the last 24 h{}; see the run journal and the logs",
                last(false)
            ),
            format!(
                "{n} échec(s) dans les dernières 24 h{} ; voir le journal des évaluations et les journaux",
                last(true)
            ),
        ),
    ))
}

/// Turbines without data for more than `hours`.
pub(super) fn freshness(
    store: &Store,
    now: i64,
    hours: f64,
    lang: Lang,
) -> Result<Check, TelemetryError> {
    let f = monitoring::freshness(store, now, hours)?;
    let total = f.fresh + f.stale.len() as i64;
    if total == 0 {
        return Ok(check(
            "freshness",
            Status::Degraded,
            lang.pick(
                "no turbine registered: ingest the turbine registry and SCADA data (`cockpit ingest`)",
                "aucune éolienne enregistrée : importez le registre des éoliennes et les données SCADA (`cockpit ingest`)",
            ),
        ));
    }
    if f.stale.is_empty() {
        return Ok(check(
            "freshness",
            Status::Ok,
            lang.pick(
                format!("all {total} turbines sent data in the last {hours:.0} h"),
                format!(
                    "les {total} éoliennes ont envoyé des données dans les dernières {hours:.0} h"
                ),
            ),
        ));
    }
    let shown: Vec<String> = f
        .stale
        .iter()
        .take(5)
        .map(|s| match s.hours {
            Some(h) => format!("{} ({h:.0} h)", s.turbine_id),
            None => format!("{} ({})", s.turbine_id, lang.pick("never", "jamais")),
        })
        .collect();
    let more = if f.stale.len() > 5 { ", …" } else { "" };
    let (stale, shown) = (f.stale.len(), shown.join(", "));
    Ok(check(
        "freshness",
        Status::Degraded,
        lang.pick(format!(
                "{stale} of {total} turbines have no data for more than {hours:.0} h: {shown}{more}; their risk cannot be scored; check the SCADA export and the inbox"
            ),
            format!(
                "{stale} éolienne(s) sur {total} sans données depuis plus de {hours:.0} h : {shown}{more} ; leur risque ne peut pas être évalué ; vérifiez l'export SCADA et le dossier d'arrivée"
            ),
        ),
    ))
}

/// English fragments of these checks' messages.
pub(super) const ENGLISH: &[&str] = &[
    "the daily run",
    "no daily run was due",
    "no scoring run yet",
    "succeeded in",
    "succeeded but scored none",
    "failure(s) in the last 24 h",
    "no failure in the last 24 h",
    "no turbine registered",
    "sent data in the last",
    "have no data for more than",
];
