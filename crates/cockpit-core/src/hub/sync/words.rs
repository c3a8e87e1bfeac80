//! Every sync sentence, in French and English: a site scored by another cockpit, a clock far
//! from the hub's.

use serde::Serialize;

use crate::lang::{format_day, Lang};

/// Past this many seconds between this machine's clock and the hub's, the sync warns.
pub const CLOCK_WARN_S: i64 = 5 * 60;

/// Something a sync wants the user to know; [`Notice::text`] says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A site this cockpit scores is already scored by another cockpit (the first to claim a
    /// site keeps it): this cockpit's runs for it stay local.
    SiteHeld {
        /// The site.
        site: String,
        /// The name of the cockpit that scores it.
        holder: String,
        /// Since when (Unix seconds, hub time).
        since: i64,
    },
    /// A site this cockpit scores is not among the sites its database user may write (its
    /// grant, `cockpit hub grant`): its runs stay local.
    SiteNotGranted {
        /// The site.
        site: String,
        /// The database user this cockpit connects as.
        user: String,
    },
    /// Actions on turbines of sites this cockpit's user may not act on (a field user's grant
    /// names its sites) were not sent.
    ActionsNotGranted {
        /// How many.
        count: i64,
        /// The database user this cockpit connects as.
        user: String,
    },
    /// This machine's clock is far from the hub's.
    Clock {
        /// This machine's clock minus the hub's, in seconds.
        offset_s: i64,
    },
}

impl Notice {
    /// The notice in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Notice::SiteHeld {
                site,
                holder,
                since,
            } => {
                let day = format_day(*since, lang);
                match lang {
                    Lang::En => format!("{site} is scored by {holder} since {day}; this cockpit's runs for it stay local (the first cockpit to share a site keeps it)"),
                    Lang::Fr => format!("{site} est évalué par {holder} depuis le {day} ; les exécutions de ce cockpit pour ce site restent locales (le premier cockpit à partager un site le garde)"),
                }
            }
            Notice::SiteNotGranted { site, user } => match lang {
                Lang::En => format!("{site} is scored here but the hub user {user} may not share its runs (its grant does not name {site}, see `cockpit hub status`); they stay local"),
                Lang::Fr => format!("{site} est évalué ici mais l'utilisateur {user} du hub ne peut pas en partager les exécutions (ses droits ne citent pas {site}, voir `cockpit hub status`) ; elles restent locales"),
            },
            Notice::ActionsNotGranted { count, user } => match lang {
                Lang::En => format!("{count} action(s) on turbines of sites the hub user {user} may not act on were not sent; they stay local"),
                Lang::Fr => format!("{count} action(s) sur des éoliennes de sites où l'utilisateur {user} du hub ne peut pas agir n'ont pas été envoyées ; elles restent locales"),
            },
            Notice::Clock { offset_s } => clock_text(*offset_s, lang),
        }
    }
}

/// The clock notice for an offset (this machine minus the hub), or `None` within
/// [`CLOCK_WARN_S`].
pub fn clock_notice(offset_s: i64) -> Option<Notice> {
    (offset_s.abs() > CLOCK_WARN_S).then_some(Notice::Clock { offset_s })
}

/// "this machine's clock is 3 h 02 min ahead of the hub's …".
fn clock_text(offset_s: i64, lang: Lang) -> String {
    let total_min = offset_s.unsigned_abs() / 60;
    let (h, m) = (total_min / 60, total_min % 60);
    let span = if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min")
    };
    match (lang, offset_s > 0) {
        (Lang::En, true) => format!("this machine's clock is {span} ahead of the hub's: actions keep this machine's time, so they may sort after later ones from other cockpits; set the clock right"),
        (Lang::En, false) => format!("this machine's clock is {span} behind the hub's: actions keep this machine's time, so they may sort before earlier ones from other cockpits; set the clock right"),
        (Lang::Fr, true) => format!("l'horloge de cette machine a {span} d'avance sur celle du hub : les actions gardent l'heure de cette machine et peuvent passer après des actions plus récentes d'autres cockpits ; remettez l'horloge à l'heure"),
        (Lang::Fr, false) => format!("l'horloge de cette machine a {span} de retard sur celle du hub : les actions gardent l'heure de cette machine et peuvent passer avant des actions plus anciennes d'autres cockpits ; remettez l'horloge à l'heure"),
    }
}

/// A time as "2026-11-30 06:02 UTC" (the same in both languages).
fn stamp(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// What a sync did, in one sentence, then one line per warning.
pub fn report_lines(r: &super::SyncReport, lang: Lang) -> Vec<String> {
    let mut lines = vec![match lang {
        Lang::En => format!(
            "Synced with {} in {} ms: sent {} run(s) and {} action(s); received {} action(s) and {} latest prediction(s) from other cockpits.",
            r.server, r.duration_ms, r.pushed_runs, r.pushed_events, r.pulled_events, r.pulled_predictions
        ),
        Lang::Fr => format!(
            "Synchronisé avec {} en {} ms : {} exécution(s) et {} action(s) envoyées ; {} action(s) et {} dernière(s) prédiction(s) reçues des autres cockpits.",
            r.server, r.duration_ms, r.pushed_runs, r.pushed_events, r.pulled_events, r.pulled_predictions
        ),
    }];
    let word = lang.pick("warning", "attention");
    lines.extend(
        r.notices
            .iter()
            .map(|n| format!("{word}: {}", n.text(lang))),
    );
    lines
}

/// Where this cockpit stands with the hub, one line per fact.
pub fn status_lines(s: &super::SyncStatus, lang: Lang) -> Vec<String> {
    let none = lang.pick("none", "aucun");
    let server = s.settings.server.as_deref().unwrap_or(none);
    let background = match (s.settings.enabled, lang) {
        (true, Lang::En) => "on",
        (false, Lang::En) => "off",
        (true, Lang::Fr) => "activée",
        (false, Lang::Fr) => "désactivée",
    };
    let id = s
        .cockpit_id
        .clone()
        .unwrap_or_else(|| lang.pick("not synced yet", "pas encore synchronisé").into());
    let last = s
        .last_sync
        .map(stamp)
        .unwrap_or_else(|| lang.pick("never", "jamais").into());
    let mut lines = match lang {
        Lang::En => vec![
            format!("Hub: {server}"),
            format!("Background sync: {background}"),
            format!("This cockpit: {} ({id})", s.cockpit_name),
            format!("Last sync: {last}"),
            format!(
                "Pending: {} action(s), {} run(s)",
                s.pending_events, s.pending_runs
            ),
        ],
        Lang::Fr => vec![
            format!("Hub : {server}"),
            format!("Synchronisation en arrière-plan : {background}"),
            format!("Ce cockpit : {} ({id})", s.cockpit_name),
            format!("Dernière synchronisation : {last}"),
            format!(
                "En attente : {} action(s), {} exécution(s)",
                s.pending_events, s.pending_runs
            ),
        ],
    };
    if let Some(e) = &s.last_error {
        lines.push(format!(
            "{}: {e}",
            lang.pick("Last error", "Dernière erreur")
        ));
    }
    lines
}

/// Said once when the address given carries a password: it is used for this sync only.
pub fn password_not_saved(lang: Lang) -> &'static str {
    lang.pick(
        "the password in the address is used for this sync only and is not saved: put it in ~/.pgpass or PGPASSWORD for the next syncs",
        "le mot de passe de l'adresse sert à cette synchronisation seulement et n'est pas enregistré : mettez-le dans ~/.pgpass ou PGPASSWORD pour les suivantes",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_hours_off_is_named_with_its_offset_in_both_languages() {
        let ahead = clock_notice(3 * 3600 + 2 * 60 + 9).expect("3 h off warns");
        assert!(ahead
            .text(Lang::En)
            .starts_with("this machine's clock is 3 h 02 min ahead of the hub's"));
        assert!(ahead
            .text(Lang::Fr)
            .starts_with("l'horloge de cette machine a 3 h 02 min d'avance"));
        let behind = clock_notice(-(7 * 60)).expect("7 min off warns");
        assert!(behind.text(Lang::En).contains("7 min behind"));
        assert!(behind.text(Lang::Fr).contains("7 min de retard"));
    }

    #[test]
    fn a_clock_within_five_minutes_says_nothing() {
        assert_eq!(clock_notice(0), None);
        assert_eq!(clock_notice(300), None);
        assert_eq!(clock_notice(-299), None);
        assert!(clock_notice(301).is_some());
    }

    #[test]
    fn a_site_held_by_another_cockpit_names_the_holder() {
        let n = Notice::SiteHeld {
            site: "Lyon".into(),
            holder: "LYON-WS1".into(),
            since: 1_780_000_000,
        };
        let en = n.text(Lang::En);
        assert!(en.starts_with("Lyon is scored by LYON-WS1 since "), "{en}");
        assert!(en.contains("stay local"), "{en}");
        assert!(n.text(Lang::Fr).contains("restent locales"));
    }
}
