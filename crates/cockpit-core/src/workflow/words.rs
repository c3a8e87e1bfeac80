//! Every workflow sentence, in French and English: statuses, reasons, findings, priorities,
//! the fleet row's alert badge, outcomes, due dates and what changed since the last run.

use super::kinds::{DismissReason, Finding, Priority};
use super::state::{AlertStatus, Closure, Conflict, InterventionStatus, Outcome, Stamp};
use crate::lang::{category_label, component_text, format_day, Lang};
use crate::risk::Category;

/// An alert's status in words.
pub fn alert_status(s: AlertStatus, lang: Lang) -> &'static str {
    match s {
        AlertStatus::Open => lang.pick("open", "ouverte"),
        AlertStatus::Acknowledged => lang.pick("acknowledged", "prise en compte"),
        AlertStatus::Dismissed => lang.pick("dismissed", "écartée"),
        AlertStatus::Resolved => lang.pick("resolved", "résolue"),
    }
}

/// A dismissal reason in words.
pub fn dismiss_reason(r: DismissReason, lang: Lang) -> &'static str {
    match r {
        DismissReason::FalseAlarmSensor => {
            lang.pick("false alarm — sensor", "fausse alerte — capteur")
        }
        DismissReason::KnownIssue => lang.pick("known issue", "problème connu"),
        DismissReason::AlreadyPlanned => lang.pick("already planned", "déjà planifiée"),
        DismissReason::Other => lang.pick("other", "autre"),
    }
}

/// A finding in words, with the component for a confirmed fault: "fault confirmed: generator
/// winding".
pub fn finding(f: Finding, component: Option<&str>, lang: Lang) -> String {
    match (f, component) {
        (Finding::Confirmed, Some(c)) => format!(
            "{}{}",
            lang.pick("fault confirmed: ", "panne confirmée : "),
            component_text(c, lang)
        ),
        (Finding::Confirmed, None) => lang.pick("fault confirmed", "panne confirmée").into(),
        (Finding::Nothing, _) => lang.pick("nothing found", "rien trouvé").into(),
        (Finding::Other, _) => lang.pick("other finding", "autre constat").into(),
    }
}

/// A finding's name alone (for a choice list).
pub fn finding_name(f: Finding, lang: Lang) -> &'static str {
    match f {
        Finding::Confirmed => lang.pick("fault confirmed", "panne confirmée"),
        Finding::Nothing => lang.pick("nothing found", "rien trouvé"),
        Finding::Other => lang.pick("other", "autre"),
    }
}

/// A priority in words.
pub fn priority(p: Priority, lang: Lang) -> &'static str {
    match p {
        Priority::Low => lang.pick("low", "basse"),
        Priority::Normal => lang.pick("normal", "normale"),
        Priority::High => lang.pick("high", "haute"),
        Priority::Urgent => lang.pick("urgent", "urgente"),
    }
}

/// An intervention's status in words.
pub fn intervention_status(s: InterventionStatus, lang: Lang) -> &'static str {
    match s {
        InterventionStatus::Planned => lang.pick("planned", "planifiée"),
        InterventionStatus::InProgress => lang.pick("in progress", "en cours"),
        InterventionStatus::Done => lang.pick("done", "terminée"),
        InterventionStatus::Cancelled => lang.pick("cancelled", "annulée"),
    }
}

/// The fleet row's badge of an alert that is still open, relative to the latest run: "new",
/// "↑ from moderate", "since Nov 25 (3 d)".
pub fn badge(
    first_raised: i64,
    last_raised: i64,
    from: Option<Category>,
    categories: &[Category],
    latest_as_of: i64,
    lang: Lang,
) -> (BadgeKind, String) {
    if last_raised == latest_as_of && categories.len() > 1 {
        let before = categories[categories.len() - 2];
        return (BadgeKind::Up, up_from(before, lang));
    }
    if first_raised == latest_as_of {
        return match from {
            Some(c @ Category::Moderate) => (BadgeKind::Up, up_from(c, lang)),
            _ => (BadgeKind::New, lang.pick("new", "nouvelle").into()),
        };
    }
    let days = ((latest_as_of - first_raised).max(0) / 86_400).max(1);
    let day = format_day(first_raised, lang);
    (
        BadgeKind::Since,
        match lang {
            Lang::En => format!("since {day} ({days} d)"),
            Lang::Fr => format!("depuis le {day} ({days} j)"),
        },
    )
}

/// What kind of badge an open alert shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BadgeKind {
    /// Raised by the latest run.
    New,
    /// Raised or escalated by the latest run from a lower category it had.
    Up,
    /// Raised before the latest run.
    Since,
}

fn up_from(c: Category, lang: Lang) -> String {
    match lang {
        Lang::En => format!("↑ from {}", category_label(c, lang)),
        Lang::Fr => format!("↑ depuis {}", category_label(c, lang)),
    }
}

/// The categories an alert went through: "high → critical".
pub fn path(categories: &[Category], lang: Lang) -> String {
    categories
        .iter()
        .map(|c| category_label(*c, lang))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// An alert's outcome in words: "fault confirmed: generator winding (intervention of Nov 29)".
pub fn outcome(o: &Outcome, lang: Lang) -> String {
    finding(o.finding, o.component.as_deref(), lang)
}

/// How an alert was closed, in words.
pub fn closure(c: &Closure, lang: Lang) -> String {
    match c {
        Closure::Dismissed {
            reason,
            until,
            stamp,
        } => {
            let mut s = match lang {
                Lang::En => format!(
                    "dismissed by {} on {}: {}",
                    stamp.author,
                    format_day(stamp.at, lang),
                    dismiss_reason(*reason, lang)
                ),
                Lang::Fr => format!(
                    "écartée par {} le {} : {}",
                    stamp.author,
                    format_day(stamp.at, lang),
                    dismiss_reason(*reason, lang)
                ),
            };
            if let Some(u) = until {
                s.push_str(&match lang {
                    Lang::En => format!(", no new alert until {u}"),
                    Lang::Fr => format!(", aucune nouvelle alerte jusqu'au {u}"),
                });
            }
            s
        }
        Closure::Cleared { runs, .. } => match lang {
            Lang::En => format!("closed after {runs} runs in a row below high"),
            Lang::Fr => format!("close après {runs} évaluations de suite sous « élevé »"),
        },
        Closure::Intervention { stamp, .. } => match lang {
            Lang::En => format!(
                "resolved by an intervention closed by {} on {}",
                stamp.author,
                format_day(stamp.at, lang)
            ),
            Lang::Fr => format!(
                "résolue par une intervention close par {} le {}",
                stamp.author,
                format_day(stamp.at, lang)
            ),
        },
    }
}

/// Who acknowledged, in words: "acknowledged by marie on Nov 29 (PC-OFFICE)".
pub fn acknowledged(author: &str, machine: &str, at: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "acknowledged by {author} on {} ({machine})",
            format_day(at, lang)
        ),
        Lang::Fr => format!(
            "prise en compte par {author} le {} ({machine})",
            format_day(at, lang)
        ),
    }
}

/// A note in words: "karim on LAPTOP-07, Nov 30: bearing noise at low speed".
pub fn note(n: &Stamp, lang: Lang) -> String {
    let day = format_day(n.at, lang);
    let text = n.note.as_deref().unwrap_or("");
    match lang {
        Lang::En => format!("{} on {}, {day}: {text}", n.author, n.machine),
        Lang::Fr => format!("{} sur {}, le {day} : {text}", n.author, n.machine),
    }
}

/// A cancelled intervention's outcome in words.
pub fn finding_cancelled(lang: Lang) -> &'static str {
    lang.pick("cancelled", "annulée")
}

/// A conflicting closing in words: "also closed by karim on LAPTOP-07 on Nov 30: fault
/// confirmed: generator winding (not applied: the closing recorded first stands)".
pub fn conflict(c: &Conflict, lang: Lang) -> String {
    let s = &c.stamp;
    let day = format_day(s.at, lang);
    let what = match c.finding {
        Some(f) => finding(f, c.component.as_deref(), lang),
        None => finding_cancelled(lang).to_string(),
    };
    match lang {
        Lang::En => format!(
            "also closed by {} on {} on {day}: {what} (not applied: the closing recorded first stands)",
            s.author, s.machine
        ),
        Lang::Fr => format!(
            "aussi close par {} sur {} le {day} : {what} (non appliqué : la clôture enregistrée en premier fait foi)",
            s.author, s.machine
        ),
    }
}

/// A due date in words: "due Dec 3" or "overdue since Dec 3".
pub fn due(due_unix: i64, overdue: bool, lang: Lang) -> String {
    let d = format_day(due_unix, lang);
    match (overdue, lang) {
        (false, Lang::En) => format!("due {d}"),
        (false, Lang::Fr) => format!("pour le {d}"),
        (true, Lang::En) => format!("overdue since {d}"),
        (true, Lang::Fr) => format!("en retard depuis le {d}"),
    }
}

/// The list of turbines in a sentence, at most `max` named: "LYO-08, LYO-12 and 3 more".
fn named(ids: &[String], lang: Lang) -> String {
    const MAX: usize = 5;
    if ids.len() <= MAX {
        return ids.join(", ");
    }
    let more = ids.len() - MAX;
    match lang {
        Lang::En => format!("{} and {more} more", ids[..MAX].join(", ")),
        Lang::Fr => format!("{} et {more} autres", ids[..MAX].join(", ")),
    }
}

/// What changed since the previous run, as sentences (empty parts left out).
pub struct ChangeCounts<'a> {
    /// Data time of the previous run, if any.
    pub previous: Option<i64>,
    /// Turbines with a new alert.
    pub new_alerts: &'a [String],
    /// Turbines whose alert escalated.
    pub escalated: &'a [String],
    /// Turbines whose alert closed after runs below high.
    pub cleared: &'a [String],
    /// Turbines that went up a category.
    pub rose: usize,
    /// Turbines that went down a category.
    pub fell: usize,
    /// Open alerts nobody acknowledged.
    pub unacknowledged: usize,
}

/// "Since the previous run (Nov 28): 2 new alerts (LYO-08, LYO-12); 1 escalated (LYO-03);
/// 4 turbines up a category, 3 down. 5 open alerts not acknowledged."
pub fn changes(c: &ChangeCounts<'_>, lang: Lang) -> String {
    let mut parts = Vec::new();
    let n = |k: usize, en1: &str, enn: &str, fr1: &str, frn: &str| -> String {
        let w = match (lang, k) {
            (Lang::En, 1) => en1,
            (Lang::En, _) => enn,
            (Lang::Fr, 1) => fr1,
            (Lang::Fr, _) => frn,
        };
        format!("{k} {w}")
    };
    if !c.new_alerts.is_empty() {
        parts.push(format!(
            "{} ({})",
            n(
                c.new_alerts.len(),
                "new alert",
                "new alerts",
                "nouvelle alerte",
                "nouvelles alertes"
            ),
            named(c.new_alerts, lang)
        ));
    }
    if !c.escalated.is_empty() {
        parts.push(format!(
            "{} ({})",
            n(
                c.escalated.len(),
                "alert escalated",
                "alerts escalated",
                "alerte aggravée",
                "alertes aggravées"
            ),
            named(c.escalated, lang)
        ));
    }
    if !c.cleared.is_empty() {
        parts.push(format!(
            "{} ({})",
            n(
                c.cleared.len(),
                "alert closed, back below high",
                "alerts closed, back below high",
                "alerte close, retour sous « élevé »",
                "alertes closes, retour sous « élevé »"
            ),
            named(c.cleared, lang)
        ));
    }
    if c.rose > 0 || c.fell > 0 {
        parts.push(match lang {
            Lang::En => format!(
                "{} up a category, {} down",
                n(c.rose, "turbine", "turbines", "", ""),
                c.fell
            ),
            Lang::Fr => format!(
                "{} d'une catégorie, {} en baisse",
                n(
                    c.rose,
                    "éolienne en hausse",
                    "éoliennes en hausse",
                    "éolienne en hausse",
                    "éoliennes en hausse"
                ),
                c.fell
            ),
        });
    }
    let head = match (c.previous, lang) {
        (Some(p), Lang::En) => format!("Since the previous run ({})", format_day(p, lang)),
        (Some(p), Lang::Fr) => format!("Depuis l'évaluation précédente ({})", format_day(p, lang)),
        (None, Lang::En) => "First run".to_string(),
        (None, Lang::Fr) => "Première évaluation".to_string(),
    };
    let mut s = if parts.is_empty() {
        match lang {
            Lang::En => format!("{head}: no change."),
            Lang::Fr => format!("{head} : aucun changement."),
        }
    } else {
        format!("{head}{}{}.", lang.pick(": ", " : "), parts.join("; "))
    };
    if c.unacknowledged > 0 {
        s.push(' ');
        s.push_str(&match (lang, c.unacknowledged) {
            (Lang::En, 1) => "1 open alert not acknowledged.".to_string(),
            (Lang::En, k) => format!("{k} open alerts not acknowledged."),
            (Lang::Fr, 1) => "1 alerte ouverte non prise en compte.".to_string(),
            (Lang::Fr, k) => format!("{k} alertes ouvertes non prises en compte."),
        });
    }
    s
}
