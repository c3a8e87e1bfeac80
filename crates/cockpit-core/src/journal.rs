//! The operations journal: every ingestion, turbine request and app command leaves one row in
//! the `operations` table (fleet runs are in `runs`), and its log line. This module also owns
//! what may go into a log: paths under the user's home folder are written `~/…` ([`redact`]),
//! files by their name only ([`file_name`]). The reports that read the journal back are in
//! `telemetry`.

use rusqlite::params;
use serde::Serialize;

use crate::store::Store;

/// Kinds of rows of the `operations` table (fleet runs are in `runs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// A request for one turbine's detail (the `turbine` command or the app's turbine view).
    TurbineRequest,
    /// The ingestion of one file into the store.
    Ingestion,
    /// Any other command of the desktop app (fleet view, run list, score now, …).
    UiCommand,
    /// A model set promoted, rolled back or chosen as candidate (from the CLI or the app).
    ModelSetChange,
}

impl OperationKind {
    /// The value stored in the `kind` column of `operations` (`turbine_request`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::TurbineRequest => "turbine_request",
            OperationKind::Ingestion => "ingestion",
            OperationKind::UiCommand => "ui_command",
            OperationKind::ModelSetChange => "model_set_change",
        }
    }
}

/// One finished operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// What kind of operation it was.
    pub kind: OperationKind,
    /// Command name, or the file kind of an ingestion.
    pub name: String,
    /// Unix seconds.
    pub started_at: i64,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// Whether it succeeded.
    pub ok: bool,
    /// Why it failed (home paths redacted to `~/…`); `None` when it succeeded.
    pub error: Option<String>,
    /// A short technical detail (file name, turbine id); never personal data.
    pub detail: Option<String>,
}

impl Operation {
    /// An operation that started `started` ago (now − elapsed) and ended now.
    pub fn finished(
        kind: OperationKind,
        name: &str,
        started: std::time::Instant,
        result: Result<(), String>,
        detail: Option<String>,
    ) -> Operation {
        let elapsed = started.elapsed();
        Operation {
            kind,
            name: name.to_string(),
            started_at: crate::clock::now() - elapsed.as_secs() as i64,
            duration_ms: elapsed.as_millis() as i64,
            ok: result.is_ok(),
            error: result.err().map(|e| redact(&e)),
            detail,
        }
    }
}

/// Writes an operation to the journal; returns its id.
pub fn record(store: &Store, op: &Operation) -> Result<i64, rusqlite::Error> {
    store.conn().execute(
        "INSERT INTO operations (kind, name, started_at, duration_ms, ok, error, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            op.kind.as_str(),
            op.name,
            op.started_at,
            op.duration_ms,
            op.ok,
            op.error,
            op.detail
        ],
    )?;
    Ok(store.conn().last_insert_rowid())
}

/// [`record`], logging instead of failing: a journal that cannot be written must not fail the
/// operation it describes (the health check reports the database itself).
pub fn record_quietly(store: &Store, op: &Operation) {
    tracing::info!(
        target: "cockpit_core::operations",
        kind = op.kind.as_str(),
        name = %op.name,
        duration_ms = op.duration_ms,
        ok = op.ok,
        error = op.error.as_deref().unwrap_or(""),
        "operation finished"
    );
    if let Err(e) = record(store, op) {
        tracing::warn!(error = %redact(&e.to_string()), kind = op.kind.as_str(), "the operation could not be written to the journal");
    }
}

/// `text` with the user's home folder written `~` (a home folder's name is usually the user's
/// name) and any password masked ([`redact_secrets`]), for anything that goes to a log file.
pub fn redact(text: &str) -> String {
    let text = redact_secrets(text);
    match dirs::home_dir() {
        Some(home) => redact_home(&text, &home.display().to_string()),
        None => text,
    }
}

/// `text` with every password written `***`: the one of a URL (`postgresql://user:PASSWORD@host`)
/// and the value of a `password=…` parameter (a libpq key=value string or a URL's query, any
/// case, quoted or not). Everything else is kept, so the message still says which address.
pub fn redact_secrets(text: &str) -> String {
    let mut out = mask_url_passwords(text);
    let mut from = 0;
    loop {
        let lower = out.to_ascii_lowercase();
        let Some(found) = lower[from..].find("password=") else {
            break;
        };
        let start = from + found + "password=".len();
        let rest = &out[start..];
        let end = if let Some(quoted) = rest.strip_prefix('\'') {
            // 'a value with spaces', \' escaping a quote inside.
            let mut chars = quoted.char_indices();
            let mut stop = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '\'' => {
                        stop = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            start + 1 + stop
        } else {
            start
                + rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '&' | '"' | ',' | ';' | ')'))
                    .unwrap_or(rest.len())
        };
        if out[start..end] == *"***" || start == end {
            from = end;
            continue;
        }
        out.replace_range(start..end, "***");
        from = start + 3;
    }
    out
}

/// `scheme://user:PASSWORD@host` written `scheme://user:***@host`.
fn mask_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#' or blank; its userinfo at the last '@'.
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\''))
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _)) => {
                    out.push_str(&format!("{user}:***@{host}"));
                }
                None => out.push_str(authority),
            },
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with `home` written `~` (a `home` shorter than two characters, such as `/`, is left
/// alone). [`redact`] with a given home folder.
pub fn redact_home(text: &str, home: &str) -> String {
    let home = home.trim_end_matches('/');
    if home.len() < 2 {
        return text.to_string();
    }
    text.replace(home, "~")
}

/// The last component of a path (a file name), for logs that must not carry full paths.
pub fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| redact(&path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_addresses_and_parameters_are_masked() {
        assert_eq!(
            redact_secrets("cannot connect to postgresql://ws1:s3cr@t@hub.example.org:5432/fleet?sslmode=require"),
            "cannot connect to postgresql://ws1:***@hub.example.org:5432/fleet?sslmode=require"
        );
        assert_eq!(
            redact_secrets("host=hub user=lead password=s3cret dbname=hub"),
            "host=hub user=lead password=*** dbname=hub"
        );
        assert_eq!(
            redact_secrets("host=hub PASSWORD='two words\\' here' dbname=hub"),
            "host=hub PASSWORD=*** dbname=hub"
        );
        assert_eq!(
            redact_secrets("postgresql://a@h/db?password=x&sslmode=disable"),
            "postgresql://a@h/db?password=***&sslmode=disable"
        );
        assert_eq!(
            redact_secrets("see https://example.org/x"),
            "see https://example.org/x"
        );
        assert_eq!(redact_secrets("password= nothing"), "password= nothing");
    }

    #[test]
    fn home_folders_are_redacted_and_roots_are_not() {
        assert_eq!(
            redact_home(
                "cannot open /home/jdupont/.local/share/x.db",
                "/home/jdupont"
            ),
            "cannot open ~/.local/share/x.db"
        );
        assert_eq!(redact_home("/etc/x", "/"), "/etc/x");
        assert_eq!(
            file_name(std::path::Path::new("/a/b/scada.csv")),
            "scada.csv"
        );
    }
}
