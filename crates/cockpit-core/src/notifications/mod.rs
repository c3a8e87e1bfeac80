//! Notifications that reach people: after a run of the daily timer or of the inbox that raised
//! turbines to high or critical, one desktop notification summarising it — "2 turbines now
//! critical", then each turbine with its main driver — in French or English. A click on it
//! opens the fleet filtered to the turbines it names.
//!
//! What it tells comes from the alert events the run recorded in its transaction
//! ([`crate::workflow::alerts::apply_run`]: alerts raised, escalated): a muted or dismissed
//! alert raises no event, so mutes and dismissals are respected by construction, and a turbine
//! already on alert is not announced again until it goes higher. A run somebody started (Score
//! now, `cockpit score`) or a past day's (backfill, replay) notifies nobody: the person is
//! looking at the screen, or the data is old.
//!
//! Showing it is the fronts' business, through a [`Notifier`]: the desktop app's own
//! notification plugin, or the desktop's notification service for `cockpit watch`. On or off is
//! a setting of the database (`settings` table), on by default, honoured by both.

use serde::Serialize;

use crate::lang::{category_label, Lang};
use crate::risk::Category;
use crate::runs::queries::{self, FleetFilter, QueryError};
use crate::runs::RunRecord;
use crate::store::{Store, StoreError};
use crate::workflow::{Action, Event};

/// Setting (`settings` table) that turns notifications off (`off`) or on (`on`, the default).
pub const ENABLED_SETTING: &str = "notifications.enabled";
/// Setting (`settings` table) holding the notifications' language (`en`, `fr`): the app's
/// language, so that `cockpit watch` speaks it too; the system locale when unset.
pub const LANG_SETTING: &str = "notifications.lang";
/// Turbines named in the body; the others are counted ("… and 5 more").
pub const NAMED_IN_BODY: usize = 3;

/// Why a run's notification could not be built (it is then left out; the run stands).
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    /// The settings could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The run's predictions could not be read.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// A notification, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// The run it tells about.
    pub run: i64,
    /// "2 turbines now critical".
    pub title: String,
    /// One line per turbine named, its main driver after it; the rest counted on the last line.
    pub body: String,
    /// Every turbine it is about (named or counted), critical first then by risk score: the
    /// fleet a click opens.
    pub turbines: Vec<String>,
    /// The label of its button, where the desktop shows one: "Show these turbines".
    pub action: String,
}

/// The notification settings, as the app's Diagnostics tab shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationSettings {
    /// Whether a timer or inbox run that raises alerts notifies (on by default).
    pub enabled: bool,
}

/// Whether a run of this trigger may notify: the daily timer's (`timer`) and the inbox's or a
/// new model set's (`watch`), which run while nobody is watching.
pub fn notifies(trigger: &str) -> bool {
    matches!(trigger, "timer" | "watch")
}

/// Whether notifications are on (the default when never set).
pub fn enabled(store: &Store) -> Result<bool, StoreError> {
    Ok(store
        .setting(ENABLED_SETTING)?
        .is_none_or(|v| v.trim() != "off"))
}

/// Turns notifications on or off.
pub fn set_enabled(store: &Store, on: bool) -> Result<(), StoreError> {
    store.set_setting(ENABLED_SETTING, if on { "on" } else { "off" })
}

/// The notification settings.
pub fn settings(store: &Store) -> Result<NotificationSettings, StoreError> {
    Ok(NotificationSettings {
        enabled: enabled(store)?,
    })
}

/// The notifications' language: the one stored (the app's), else the system locale's.
pub fn language(store: &Store) -> Result<Lang, StoreError> {
    Ok(match store.setting(LANG_SETTING)? {
        Some(l) if !l.trim().is_empty() => Lang::parse(&l),
        _ => locale_lang(),
    })
}

/// Stores the notifications' language (the app's, each time it starts or switches).
pub fn set_language(store: &Store, lang: Lang) -> Result<(), StoreError> {
    store.set_setting(LANG_SETTING, lang.pick("en", "fr"))
}

/// The language of the system locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: the first set): French
/// for `fr_FR.UTF-8` and the like, English otherwise.
pub fn locale_lang() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .map(|v| Lang::parse(&v))
        .unwrap_or_default()
}

/// The notification of a run, in `lang`: `None` when the run may not notify ([`notifies`],
/// or it failed) or raised no turbine to high or critical. `events` are the alert events the
/// run recorded ([`crate::runs::score_run`]).
pub fn summary(
    store: &Store,
    run: &RunRecord,
    events: &[Event],
    lang: Lang,
) -> Result<Option<Notification>, QueryError> {
    if run.status != "succeeded" || !notifies(&run.trigger) {
        return Ok(None);
    }
    // The category each turbine entered in this run (the highest, should it appear twice).
    let mut entered: Vec<(String, Category)> = Vec::new();
    for e in events {
        let category = match e.action {
            Action::AlertRaised { category, .. } => category,
            Action::AlertEscalated { to, .. } => to,
            _ => continue,
        };
        if category < Category::High {
            continue;
        }
        match entered.iter_mut().find(|(t, _)| *t == e.turbine_id) {
            Some((_, c)) => *c = (*c).max(category),
            None => entered.push((e.turbine_id.clone(), category)),
        }
    }
    if entered.is_empty() {
        return Ok(None);
    }
    let filter = FleetFilter {
        turbines: entered.iter().map(|(t, _)| t.clone()).collect(),
        ..FleetFilter::default()
    };
    let view = queries::fleet_of(store, run.clone(), &filter)?;
    let score = |t: &str| {
        view.items
            .iter()
            .find(|i| i.turbine_id == t)
            .and_then(|i| i.risk_score)
    };
    // Critical first, then the highest risk, then by id.
    entered.sort_by(|(ta, ca), (tb, cb)| {
        cb.cmp(ca)
            .then_with(|| {
                score(tb)
                    .unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&score(ta).unwrap_or(f64::NEG_INFINITY))
            })
            .then_with(|| ta.cmp(tb))
    });
    let critical = entered
        .iter()
        .filter(|(_, c)| *c == Category::Critical)
        .count();
    let mixed = critical > 0 && critical < entered.len();
    let mut lines: Vec<String> = entered
        .iter()
        .take(NAMED_IN_BODY)
        .map(|(t, c)| {
            let driver = view
                .items
                .iter()
                .find(|i| i.turbine_id == *t)
                .and_then(|i| i.text(lang).drivers.into_iter().next());
            let id = crate::sanitize::terminal_safe(t);
            let head = if mixed {
                format!("{id} ({})", category_label(*c, lang))
            } else {
                id.into_owned()
            };
            match driver {
                Some(d) => format!("{head}{}{d}", lang.pick(": ", " : ")),
                None => head,
            }
        })
        .collect();
    let more = entered.len().saturating_sub(NAMED_IN_BODY);
    if more > 0 {
        lines.push(match lang {
            Lang::En => format!("… and {more} more"),
            Lang::Fr => format!("… et {more} autre{}", if more > 1 { "s" } else { "" }),
        });
    }
    Ok(Some(Notification {
        run: run.id,
        title: title(entered.len(), critical, lang),
        body: lines.join("\n"),
        action: match (lang, entered.len()) {
            (Lang::En, 1) => "Show this turbine",
            (Lang::En, _) => "Show these turbines",
            (Lang::Fr, 1) => "Voir cette éolienne",
            (Lang::Fr, _) => "Voir ces éoliennes",
        }
        .to_string(),
        turbines: entered.into_iter().map(|(t, _)| t).collect(),
    }))
}

/// "2 turbines now critical", "1 turbine now high risk", "3 turbines now high or critical, 1
/// of them critical" (and in French).
fn title(n: usize, critical: usize, lang: Lang) -> String {
    let plural = n > 1;
    match lang {
        Lang::En => {
            let turbines = if plural { "turbines" } else { "turbine" };
            if critical == n {
                format!("{n} {turbines} now critical")
            } else if critical == 0 {
                format!("{n} {turbines} now high risk")
            } else {
                format!("{n} {turbines} now high or critical, {critical} of them critical")
            }
        }
        Lang::Fr => {
            let turbines = if plural {
                "éoliennes passées"
            } else {
                "éolienne passée"
            };
            if critical == n {
                format!("{n} {turbines} en critique")
            } else if critical == 0 {
                format!("{n} {turbines} en risque élevé")
            } else {
                format!("{n} {turbines} en risque élevé ou critique, dont {critical} en critique")
            }
        }
    }
}

/// Shows notifications: the desktop app's notification plugin, the desktop's notification
/// service for `cockpit watch`, or a recording one in a test.
pub trait Notifier: Send + Sync {
    /// Shows `n`; `Err` says why it could not be (no notification service on this session…).
    fn notify(&self, n: &Notification) -> Result<(), String>;
}

/// What became of a run's notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The run may not notify, or raised nothing: nothing to say.
    Nothing,
    /// Notifications are turned off in the settings.
    Off,
    /// Shown.
    Shown(Notification),
    /// The notifier could not show it: why.
    Failed(Notification, String),
}

/// After a run: builds its notification in the stored language and hands it to `notifier`,
/// unless there is nothing to say or notifications are off.
pub fn deliver(
    store: &Store,
    run: &RunRecord,
    events: &[Event],
    notifier: &dyn Notifier,
) -> Result<Delivery, NotificationError> {
    if !notifies(&run.trigger) || events.is_empty() {
        return Ok(Delivery::Nothing);
    }
    if !enabled(store)? {
        return Ok(Delivery::Off);
    }
    let Some(n) = summary(store, run, events, language(store)?)? else {
        return Ok(Delivery::Nothing);
    };
    Ok(match notifier.notify(&n) {
        Ok(()) => Delivery::Shown(n),
        Err(e) => Delivery::Failed(n, e),
    })
}

#[cfg(test)]
mod tests;
