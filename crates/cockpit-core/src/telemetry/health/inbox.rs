//! The `inbox` check: CSV files waiting in the inbox folder, and for how long.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::{check, Check, Status, INBOX_BACKLOG_SECS};
use crate::lang::Lang;

/// CSV files waiting at the top of the inbox, with their age.
pub(super) fn inbox(dir: &Path, lang: Lang) -> Check {
    let shown = dir.display();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return check(
                "inbox",
                Status::Ok,
                lang.pick(
                    format!("no inbox folder at {shown} (nothing waiting)"),
                    format!("aucun dossier d'arrivée à {shown} (rien en attente)"),
                ),
            )
        }
        Err(e) => {
            return check(
                "inbox",
                Status::Error,
                lang.pick(
                    format!("the inbox {shown} cannot be read ({e}): check its permissions"),
                    format!(
                    "le dossier d'arrivée {shown} ne peut pas être lu ({e}) : vérifiez ses droits"
                ),
                ),
            )
        }
    };
    let now = SystemTime::now();
    let (mut waiting, mut old) = (0usize, 0usize);
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || name.starts_with('.') || !name.ends_with(".csv") {
            continue;
        }
        waiting += 1;
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or(Duration::ZERO);
        if age.as_secs() > INBOX_BACKLOG_SECS {
            old += 1;
        }
    }
    let minutes = INBOX_BACKLOG_SECS / 60;
    if old > 0 {
        return check(
            "inbox",
            Status::Degraded,
            lang.pick(format!(
                    "{old} CSV file(s) have waited more than {minutes} min in {shown}: start the desktop app or `cockpit watch` to ingest them, or look in the logs for why they are not taken"
                ),
                format!(
                    "{old} fichier(s) CSV attendent depuis plus de {minutes} min dans {shown} : démarrez l'application ou `cockpit watch` pour les importer, ou cherchez dans les journaux pourquoi ils ne sont pas pris"
                ),
            ),
        );
    }
    if waiting > 0 {
        return check(
            "inbox",
            Status::Ok,
            lang.pick(
                format!("{waiting} CSV file(s) just arrived in {shown}"),
                format!("{waiting} fichier(s) CSV viennent d'arriver dans {shown}"),
            ),
        );
    }
    check(
        "inbox",
        Status::Ok,
        lang.pick(
            format!("the inbox {shown} is empty"),
            format!("le dossier d'arrivée {shown} est vide"),
        ),
    )
}

/// English fragments of this check's messages.
pub(super) const ENGLISH: &[&str] = &[
    "no inbox folder at",
    "cannot be read",
    "have waited more than",
    "just arrived in",
    "is empty",
];
