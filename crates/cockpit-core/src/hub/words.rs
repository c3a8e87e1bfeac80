//! Every sentence of the all-sites view, in French and English: which cockpit scores a site and
//! how fresh its latest run and sync are ("Lyon scored by LYON-WS1 at 06:01, synced 06:02").
//! Times are UTC, as everywhere in the cockpit; a time of another day than today names the day.

use chrono::DateTime;

use crate::lang::{format_day, Lang};

/// "06:01" when `unix` falls on the same UTC day as `now`, else the day too.
fn at(unix: i64, now: i64, lang: Lang) -> String {
    let Some(t) = DateTime::from_timestamp(unix, 0) else {
        return String::new();
    };
    let hm = t.format("%H:%M").to_string();
    if unix.div_euclid(86_400) == now.div_euclid(86_400) {
        lang.pick(format!("at {hm}"), format!("à {hm}"))
    } else {
        let day = format_day(unix, lang);
        lang.pick(format!("on {day} at {hm}"), format!("le {day} à {hm}"))
    }
}

fn synced(last_sync: Option<i64>, now: i64, lang: Lang) -> String {
    match last_sync {
        Some(s) => {
            let when = at(s, now, lang);
            match lang {
                // "synced 06:02" reads better without "at" in English.
                Lang::En => format!("synced {}", when.trim_start_matches("at ")),
                Lang::Fr => format!("synchronisé {when}"),
            }
        }
        None => lang.pick("not synced yet", "pas encore synchronisé").into(),
    }
}

/// Who scores a site and how fresh it is, one line: "Lyon scored by LYON-WS1 at 06:01, synced
/// 06:02" (`by` the cockpit's name, `None` for this cockpit: "Lyon scored here at 06:01, …");
/// `run_end` the end of the latest run shared for the site, `last_sync` the scoring cockpit's
/// last sync (hub time; this cockpit's own for its sites). `stays_local`: this cockpit scores
/// the site too, but another one held it first, so its runs for it are not shared.
pub fn freshness(
    site: &str,
    by: Option<&str>,
    run_end: Option<i64>,
    last_sync: Option<i64>,
    stays_local: bool,
    now: i64,
    lang: Lang,
) -> String {
    let who = match (by, lang) {
        (Some(name), Lang::En) => format!("{site} scored by {name}"),
        (Some(name), Lang::Fr) => format!("{site} noté par {name}"),
        (None, Lang::En) => format!("{site} scored here"),
        (None, Lang::Fr) => format!("{site} noté ici"),
    };
    let run = match run_end {
        Some(t) => format!(" {}", at(t, now, lang)),
        None => lang
            .pick(
                ", no run shared yet",
                ", aucun calcul partagé pour l'instant",
            )
            .into(),
    };
    let mut line = format!("{who}{run}, {}", synced(last_sync, now, lang));
    if stays_local {
        line.push_str(lang.pick(
            "; this cockpit's runs for it stay local",
            "; les calculs de ce poste pour ce site restent locaux",
        ));
    }
    line
}

/// The view's heading line: "4 sites, 2 scored here" / "4 sites, dont 2 notés ici".
pub fn summary(sites: usize, here: usize, lang: Lang) -> String {
    let s = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    match lang {
        Lang::En => format!("{sites} {}, {here} scored here", s(sites, "site", "sites")),
        Lang::Fr => format!(
            "{sites} {}, dont {here} {} ici",
            s(sites, "site", "sites"),
            s(here, "noté", "notés")
        ),
    }
}

/// The Sync card's sentences, in one language, for the status the sync reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncText {
    /// "Last sync at 06:02" / "Never synced with the hub".
    pub last_sync: String,
    /// "2 actions and 1 run waiting for the hub" / "Nothing waiting for the hub".
    pub pending: String,
    /// Where the password goes (never in the address, never saved by the cockpit).
    pub password_note: String,
    /// What the switch does.
    pub background_note: String,
    /// "Last attempt failed: …" when the last attempt failed.
    pub last_error: Option<String>,
}

/// The Sync card's words: `last_sync` this machine's clock (Unix s), the pending counts, the
/// last failure as the core recorded it.
pub fn sync_text(
    last_sync: Option<i64>,
    pending_events: i64,
    pending_runs: i64,
    last_error: Option<&str>,
    now: i64,
    lang: Lang,
) -> SyncText {
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let pending = match (pending_events, pending_runs, lang) {
        (0, 0, _) => lang
            .pick("Nothing waiting for the hub", "Rien en attente pour le hub")
            .to_string(),
        (e, r, Lang::En) => format!(
            "{} and {} waiting for the hub",
            plural(e, "action", "actions"),
            plural(r, "run", "runs")
        ),
        (e, r, Lang::Fr) => format!(
            "{} et {} en attente pour le hub",
            plural(e, "action", "actions"),
            plural(r, "calcul", "calculs")
        ),
    };
    SyncText {
        last_sync: match last_sync {
            Some(t) => {
                let when = at(t, now, lang);
                lang.pick(
                    format!("Last sync {when}"),
                    format!("Dernière synchronisation {when}"),
                )
            }
            None => lang
                .pick("Never synced with the hub", "Jamais synchronisé avec le hub")
                .into(),
        },
        pending,
        password_note: lang
            .pick(
                "The address carries no password: put it in ~/.pgpass (hub:5432:cockpit:user:password, mode 0600) or in the PGPASSWORD environment variable; the cockpit never saves it.",
                "L'adresse ne porte pas de mot de passe : mettez-le dans ~/.pgpass (hub:5432:cockpit:utilisateur:mot_de_passe, mode 0600) ou dans la variable d'environnement PGPASSWORD ; le cockpit ne l'enregistre jamais.",
            )
            .into(),
        background_note: lang
            .pick(
                "When on, the app syncs after each scoring run and every 5 minutes, in the background; offline, it keeps working and catches up later.",
                "Activée, l'application se synchronise après chaque calcul et toutes les 5 minutes, en arrière-plan ; hors ligne, elle continue de fonctionner et rattrape plus tard.",
            )
            .into(),
        last_error: last_error.map(|e| {
            lang.pick(
                format!("Last attempt failed: {e}"),
                format!("La dernière tentative a échoué : {e}"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_083_200 + 6 * 3600 + 5 * 60; // a day at 06:05 UTC

    #[test]
    fn another_cockpits_site_says_who_scores_it_and_when_in_both_languages() {
        let run = NOW - 4 * 60;
        let sync = NOW - 3 * 60;
        assert_eq!(
            freshness(
                "Lyon",
                Some("LYON-WS1"),
                Some(run),
                Some(sync),
                false,
                NOW,
                Lang::En
            ),
            "Lyon scored by LYON-WS1 at 06:01, synced 06:02"
        );
        assert_eq!(
            freshness(
                "Lyon",
                Some("LYON-WS1"),
                Some(run),
                Some(sync),
                false,
                NOW,
                Lang::Fr
            ),
            "Lyon noté par LYON-WS1 à 06:01, synchronisé à 06:02"
        );
    }

    #[test]
    fn the_sync_card_says_what_waits_and_when_the_last_sync_was() {
        let en = sync_text(Some(NOW - 3 * 60), 2, 1, None, NOW, Lang::En);
        assert_eq!(en.last_sync, "Last sync at 06:02");
        assert_eq!(en.pending, "2 actions and 1 run waiting for the hub");
        assert!(en.password_note.contains("~/.pgpass") && en.password_note.contains("PGPASSWORD"));
        assert_eq!(en.last_error, None);
        let fr = sync_text(None, 0, 0, Some("connexion refusée"), NOW, Lang::Fr);
        assert_eq!(fr.last_sync, "Jamais synchronisé avec le hub");
        assert_eq!(fr.pending, "Rien en attente pour le hub");
        assert_eq!(
            fr.last_error.as_deref(),
            Some("La dernière tentative a échoué : connexion refusée")
        );
        assert_eq!(
            sync_text(None, 1, 3, None, NOW, Lang::Fr).pending,
            "1 action et 3 calculs en attente pour le hub"
        );
    }

    #[test]
    fn an_older_time_names_its_day_and_missing_ones_are_said() {
        let yesterday = NOW - 86_400;
        assert_eq!(
            freshness("Lyon", None, Some(yesterday), None, false, NOW, Lang::En),
            format!(
                "Lyon scored here on {} at 06:05, not synced yet",
                format_day(yesterday, Lang::En)
            )
        );
        assert_eq!(
            freshness(
                "Nîmes",
                Some("NIM-WS"),
                None,
                Some(NOW),
                true,
                NOW,
                Lang::Fr
            ),
            "Nîmes noté par NIM-WS, aucun calcul partagé pour l'instant, synchronisé à 06:05; \
             les calculs de ce poste pour ce site restent locaux"
        );
    }
}
