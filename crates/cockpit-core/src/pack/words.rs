//! The packs' sentences in French and English: the banner of an open pack, the summary of an
//! import and its conflicts.

use crate::lang::{component_text, format_day, Lang};
use crate::workflow::events::{Action, Event};
use crate::workflow::Finding;

/// At most this many turbines are named in a sentence.
const NAMED: usize = 5;

fn named(ids: &[String], lang: Lang) -> String {
    if ids.len() <= NAMED {
        return ids.join(", ");
    }
    let more = ids.len() - NAMED;
    match lang {
        Lang::En => format!("{} and {more} more", ids[..NAMED].join(", ")),
        Lang::Fr => format!("{} et {more} autres", ids[..NAMED].join(", ")),
    }
}

/// "Field pack from PC-OFFICE, prepared on Nov 30 by marie (PC-OFFICE): 1 turbine (LYO-08).
/// No scoring here: what you record stays in the pack until the office imports it."
pub fn banner(
    fleet: &str,
    prepared_at: i64,
    prepared_by: &str,
    prepared_on: &str,
    turbines: &[String],
    lang: Lang,
) -> String {
    let day = format_day(prepared_at, lang);
    let n = turbines.len();
    let list = named(turbines, lang);
    match lang {
        Lang::En => format!(
            "Field pack from {}, prepared on {day} by {} ({}): {n} turbine{} ({list}). No scoring here: what you record stays in the pack until the office imports it.",
            fleet,
            prepared_by,
            prepared_on,
            if n == 1 { "" } else { "s" },
        ),
        Lang::Fr => format!(
            "Paquet terrain de {}, préparé le {day} par {} ({}) : {n} éolienne{} ({list}). Pas d'évaluation ici : ce que vous enregistrez reste dans le paquet jusqu'à son import au bureau.",
            fleet,
            prepared_by,
            prepared_on,
            if n == 1 { "" } else { "s" },
        ),
    }
}

fn count(k: usize, en1: &str, enn: &str, fr1: &str, frn: &str, lang: Lang) -> String {
    let w = match (lang, k) {
        (Lang::En, 1) => en1,
        (Lang::En, _) => enn,
        (Lang::Fr, 1) => fr1,
        (Lang::Fr, _) => frn,
    };
    format!("{k} {w}")
}

/// What the new events did, in one sentence: "3 interventions closed, 1 fault confirmed on
/// LYO-08 (generator winding), 2 notes." — and the conflicts, if any.
pub fn import_summary(new: &[Event], conflicts: usize, lang: Lang) -> String {
    let (mut ack, mut dismissed, mut reopened, mut notes) = (0, 0, 0, 0);
    let (mut planned, mut started, mut closed, mut cancelled, mut alerts) = (0, 0, 0, 0, 0);
    let mut faults = Vec::new();
    for e in new {
        match &e.action {
            Action::AlertAcknowledged { .. } => ack += 1,
            Action::AlertDismissed { .. } => dismissed += 1,
            Action::AlertReopened { .. } => reopened += 1,
            Action::NoteAdded { .. } => notes += 1,
            Action::InterventionPlanned { .. } => planned += 1,
            Action::InterventionStarted { .. } => started += 1,
            Action::InterventionClosed {
                finding, component, ..
            } => {
                closed += 1;
                if *finding == Finding::Confirmed {
                    let c = component
                        .as_deref()
                        .map(|c| component_text(c, lang))
                        .unwrap_or_default();
                    faults.push(format!("{} ({c})", e.turbine_id));
                }
            }
            Action::InterventionCancelled { .. } => cancelled += 1,
            Action::AlertRaised { .. }
            | Action::AlertEscalated { .. }
            | Action::AlertCleared { .. } => alerts += 1,
        }
    }
    let mut parts = Vec::new();
    let mut add = |k: usize, en1: &str, enn: &str, fr1: &str, frn: &str| {
        if k > 0 {
            parts.push(count(k, en1, enn, fr1, frn, lang));
        }
    };
    add(
        closed,
        "intervention closed",
        "interventions closed",
        "intervention close",
        "interventions closes",
    );
    add(
        started,
        "intervention started",
        "interventions started",
        "intervention commencée",
        "interventions commencées",
    );
    add(
        planned,
        "intervention planned",
        "interventions planned",
        "intervention planifiée",
        "interventions planifiées",
    );
    add(
        cancelled,
        "intervention cancelled",
        "interventions cancelled",
        "intervention annulée",
        "interventions annulées",
    );
    add(
        ack,
        "alert acknowledged",
        "alerts acknowledged",
        "alerte prise en compte",
        "alertes prises en compte",
    );
    add(
        dismissed,
        "alert dismissed",
        "alerts dismissed",
        "alerte écartée",
        "alertes écartées",
    );
    add(
        reopened,
        "alert re-opened",
        "alerts re-opened",
        "alerte rouverte",
        "alertes rouvertes",
    );
    add(notes, "note", "notes", "note", "notes");
    add(
        alerts,
        "alert change from another cockpit's runs",
        "alert changes from another cockpit's runs",
        "changement d'alerte venu des évaluations d'un autre cockpit",
        "changements d'alerte venus des évaluations d'un autre cockpit",
    );
    // The faults confirmed come right after the interventions closed that found them.
    if !faults.is_empty() {
        let head = count(
            faults.len(),
            "fault confirmed on",
            "faults confirmed on",
            "panne confirmée sur",
            "pannes confirmées sur",
            lang,
        );
        parts.insert(
            usize::from(closed > 0),
            format!("{head} {}", named(&faults, lang)),
        );
    }
    let mut text = if parts.is_empty() {
        lang.pick(
            "Nothing new: every action of the pack was already here.",
            "Rien de nouveau : toutes les actions du paquet étaient déjà là.",
        )
        .to_string()
    } else {
        format!("{}.", parts.join(", "))
    };
    if conflicts > 0 {
        text.push(' ');
        text.push_str(&count(
            conflicts,
            "conflict: an intervention was closed differently here and in the field (both kept, the first recorded stands).",
            "conflicts: interventions were closed differently here and in the field (both kept, the first recorded stands).",
            "conflit : une intervention a été close différemment ici et sur le terrain (les deux sont gardées, la première enregistrée fait foi).",
            "conflits : des interventions ont été closes différemment ici et sur le terrain (les deux sont gardées, la première enregistrée fait foi).",
            lang,
        ));
    }
    text
}

/// One conflict in words: "LYO-08, intervention 1a2b3c4d (generator winding): stands as
/// nothing found; also closed by karim on LAPTOP-07 on Nov 30: fault confirmed … ".
pub fn conflict_line(
    turbine: &str,
    intervention: &str,
    component: &str,
    kept: &str,
    other: &str,
    lang: Lang,
) -> String {
    let short: String = intervention.chars().take(8).collect();
    let c = component_text(component, lang);
    match lang {
        Lang::En => format!("{turbine}, intervention {short} ({c}): stands as {kept}; {other}"),
        Lang::Fr => format!("{turbine}, intervention {short} ({c}) : reste {kept} ; {other}"),
    }
}
