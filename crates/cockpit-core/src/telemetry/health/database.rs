//! The `database` check: the file exists, opens, takes a write and is intact.

use super::{check, Check, HealthConfig, Status, PROBE_KEY};
use crate::schema::format_timestamp;
use crate::store::Store;

/// Opens the database (without creating it), proves it takes a write and checks its integrity.
/// Returns the store when it can at least be read.
pub(super) fn database(cfg: &HealthConfig, checks: &mut Vec<Check>) -> Option<Store> {
    let (path, lang) = (&cfg.db, cfg.lang);
    if !path.is_file() {
        checks.push(check(
            "database",
            Status::Error,
            lang.pick(format!(
                    "no database at {}: run `cockpit demo` or `cockpit ingest`, start the app, or pass --db",
                    path.display()
                ),
                format!(
                    "aucune base de données à {} : lancez `cockpit demo` ou `cockpit ingest`, démarrez l'application, ou indiquez --db",
                    path.display()
                ),
            ),
        ));
        return None;
    }
    let opened = if cfg.read_only {
        Store::open_read_only(path)
    } else {
        Store::open(path)
    };
    let store = match opened {
        Ok(s) => s,
        Err(e) => {
            checks.push(check(
                "database",
                Status::Error,
                lang.pick(
                    e.to_string(),
                    format!(
                        "la base de données {} ne peut pas être ouverte ({e})",
                        path.display()
                    ),
                ),
            ));
            return None;
        }
    };
    let probe = if cfg.read_only {
        read_only_permissions(path)
    } else {
        store
            .set_setting(PROBE_KEY, &format_timestamp(cfg.now))
            .map_err(|e| e.to_string())
    };
    if let Err(e) = probe {
        checks.push(check(
            "database",
            Status::Error,
            lang.pick(format!(
                    "the database {} is read-only ({e}): runs and ingestion cannot be saved; check the file's and folder's permissions and owner, that the disk is not full and not mounted read-only",
                    path.display()
                ),
                format!(
                    "la base de données {} est en lecture seule ({e}) : les évaluations et les imports ne peuvent pas être enregistrés ; vérifiez les droits et le propriétaire du fichier et du dossier, que le disque n'est pas plein ni monté en lecture seule",
                    path.display()
                ),
            ),
        ));
        return Some(store);
    }
    if let Some(minutes) = cfg.intact_within_minutes {
        let version = store.schema_version().unwrap_or(0);
        checks.push(check(
            "database",
            Status::Ok,
            lang.pick(
                format!(
                    "{} is writable and was found intact less than {minutes} min ago (schema version {version})",
                    path.display()
                ),
                format!(
                    "{} est accessible en écriture et a été trouvée intacte il y a moins de {minutes} min (version du schéma {version})",
                    path.display()
                ),
            ),
        ));
        return Some(store);
    }
    let integrity: Result<Vec<String>, rusqlite::Error> = store
        .conn()
        .prepare("PRAGMA quick_check(5)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    let message = match integrity {
        Ok(rows) if rows == ["ok"] => None,
        Ok(rows) => Some(rows.join("; ")),
        Err(e) => Some(e.to_string()),
    };
    checks.push(match message {
        None => {
            let version = store.schema_version().unwrap_or(0);
            check(
                "database",
                Status::Ok,
                lang.pick(format!(
                        "{} is writable and intact (schema version {version})",
                        path.display()
                    ),
                    format!(
                        "{} est accessible en écriture et intacte (version du schéma {version})",
                        path.display()
                    ),
                ),
            )
        }
        Some(m) => check(
            "database",
            Status::Error,
            lang.pick(format!(
                    "the database {} is damaged ({m}): restore it from a backup, or move it away and rebuild it with `cockpit ingest`",
                    path.display()
                ),
                format!(
                    "la base de données {} est endommagée ({m}) : restaurez-la depuis une sauvegarde, ou déplacez-la et reconstruisez-la avec `cockpit ingest`",
                    path.display()
                ),
            ),
        ),
    });
    Some(store)
}

/// Without writing: whether the file's or its folder's permissions forbid writing (the owner
/// and a read-only mount are only seen by the write probe of `cockpit health`).
fn read_only_permissions(path: &std::path::Path) -> Result<(), String> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    for (what, p) in [("file", path), ("folder", folder)] {
        match std::fs::metadata(p) {
            Ok(m) if m.permissions().readonly() => {
                return Err(format!(
                    "the {what} {} has no write permission",
                    p.display()
                ))
            }
            Ok(_) => {}
            Err(e) => return Err(format!("cannot read the {what} {}: {e}", p.display())),
        }
    }
    Ok(())
}

/// English fragments of this check's messages.
pub(super) const ENGLISH: &[&str] = &[
    "no database at",
    "is read-only",
    "is writable and intact",
    "was found intact less than",
    "is damaged",
];
