//! The diagnostics bundle: one `.tar.gz` file to send to whoever maintains the cockpit.
//!
//! Contents (all under `cockpit-diagnostics-<UTC time>/`):
//!
//! * `README.txt` — what is inside;
//! * `health.json` — the health report;
//! * `diagnostics.json` — metrics, availability, alert level, categories, drift, freshness
//!   (or `diagnostics-error.txt` if they could not be computed);
//! * `runs.json` — the last [`BUNDLE_RUNS`] runs of the journal;
//! * `operations.json` — the last [`BUNDLE_OPERATIONS`] operations;
//! * `logs/` — the kept log files.
//!
//! No database, no SCADA data, no model file: the bundle stays small and holds no measurement.
//! Paths under the home folder are written `~/…` in every entry: each string of the JSON files
//! (the log folder of `diagnostics.json`, error messages, health checks), each log line and the
//! README (a home folder's name is usually the user's name); any password (a database URL's,
//! a `password=` parameter) is written `***` ([`crate::journal::redact_secrets`]).
//!
//! Only regular files of the log folder are copied: a symbolic link there is never followed
//! ([`logging::log_files`], [`logging::read_log_file`]). The bundle file is created new
//! (`create_new`): an existing file, or a symbolic link even dangling, at its name is never
//! written through; the next free name (`-2`, `-3`…) is taken instead.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Serialize;

use super::health::HealthReport;
use super::{logging, Diagnostics, TelemetryError};
use crate::journal::{redact_home, redact_secrets};
use crate::store::Store;

/// Runs of the journal in the bundle.
pub const BUNDLE_RUNS: usize = 500;
/// Operations in the bundle.
pub const BUNDLE_OPERATIONS: usize = 2000;

/// What goes into a bundle.
pub struct BundleInput<'a> {
    /// The health report, written as `health.json`.
    pub health: &'a HealthReport,
    /// The diagnostics, or why they could not be computed.
    pub diagnostics: Result<&'a Diagnostics, String>,
    /// The database, to export the journals from (`None` when it cannot be opened).
    pub store: Option<&'a Store>,
    /// The log folder whose files are copied into `logs/`.
    pub log_dir: &'a Path,
    /// Unix seconds, for the file name.
    pub now: i64,
}

/// One operation, as exported.
#[derive(Debug, Serialize)]
struct OperationRow {
    id: i64,
    kind: String,
    name: String,
    started_at: String,
    duration_ms: i64,
    ok: bool,
    error: Option<String>,
    detail: Option<String>,
}

fn operations(store: &Store) -> Result<Vec<OperationRow>, TelemetryError> {
    let mut stmt = store.conn().prepare(
        "SELECT id, kind, name, started_at, duration_ms, ok, error, detail
         FROM operations ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([BUNDLE_OPERATIONS as i64], |r| {
        Ok(OperationRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            name: r.get(2)?,
            started_at: crate::schema::format_timestamp(r.get(3)?),
            duration_ms: r.get(4)?,
            ok: r.get(5)?,
            error: r.get(6)?,
            detail: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn stamp(now: i64) -> String {
    // 2026-11-28T16:11:42Z -> 20261128T161142Z
    crate::schema::format_timestamp(now).replace(['-', ':'], "")
}

/// Names tried for one bundle (`name.tar.gz`, `name-2.tar.gz`, …) before giving up.
const BUNDLE_NAME_TRIES: u32 = 100;

/// The home folder written `~` in every text of the bundle.
struct Redactor(Option<String>);

impl Redactor {
    fn text(&self, text: &str) -> String {
        let text = redact_secrets(text);
        match &self.0 {
            Some(home) => redact_home(&text, home),
            None => text,
        }
    }

    /// Redacts every string of `v`; whether one changed.
    fn value(&self, v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => {
                let r = self.text(s);
                let changed = r != *s;
                *s = r;
                changed
            }
            serde_json::Value::Array(items) => items
                .iter_mut()
                .fold(false, |changed, i| self.value(i) | changed),
            serde_json::Value::Object(map) => map
                .values_mut()
                .fold(false, |changed, i| self.value(i) | changed),
            _ => false,
        }
    }

    /// `v` as pretty JSON with every string redacted.
    fn json<T: Serialize>(&self, v: &T) -> Result<Vec<u8>, TelemetryError> {
        let mut v = serde_json::to_value(v)?;
        self.value(&mut v);
        Ok(serde_json::to_vec_pretty(&v)?)
    }

    /// A log file: each JSON line with its strings redacted (so an escaped Windows path is
    /// found too), any other line as text.
    fn log(&self, bytes: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(bytes);
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(mut v) => {
                    if self.value(&mut v) {
                        out.push_str(&v.to_string());
                    } else {
                        out.push_str(line);
                    }
                }
                Err(_) => out.push_str(&self.text(line)),
            }
            out.push('\n');
        }
        out.into_bytes()
    }
}

/// Creates the bundle file new in `out_dir`: never through an existing file or link.
fn create_bundle_file(out_dir: &Path, name: &str) -> Result<(PathBuf, File), TelemetryError> {
    let mut last = out_dir.join(format!("{name}.tar.gz"));
    for k in 1..=BUNDLE_NAME_TRIES {
        let path = if k == 1 {
            last.clone()
        } else {
            out_dir.join(format!("{name}-{k}.tar.gz"))
        };
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            // A file, a folder or a link (even dangling) has this name: try the next one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = path,
            Err(source) => return Err(TelemetryError::Bundle { path, source }),
        }
    }
    Err(TelemetryError::Bundle {
        path: last,
        source: std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{BUNDLE_NAME_TRIES} bundles of this second already exist there"),
        ),
    })
}

/// Writes the bundle into `out_dir` (created if missing); returns the file's path.
pub fn export(out_dir: &Path, input: &BundleInput<'_>) -> Result<PathBuf, TelemetryError> {
    let home = dirs::home_dir().map(|h| h.display().to_string());
    export_redacting(out_dir, input, home.as_deref())
}

/// [`export`], writing the folder `home` as `~`.
fn export_redacting(
    out_dir: &Path,
    input: &BundleInput<'_>,
    home: Option<&str>,
) -> Result<PathBuf, TelemetryError> {
    let redactor = Redactor(home.map(str::to_string));
    let name = format!("cockpit-diagnostics-{}", stamp(input.now));
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source: std::io::Error| TelemetryError::Bundle { path, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let (path, file) = create_bundle_file(out_dir, &name)?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    let mut add = |entry: &str, bytes: &[u8]| -> Result<(), TelemetryError> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(input.now.max(0) as u64);
        header.set_cksum();
        tar.append_data(&mut header, format!("{name}/{entry}"), bytes)
            .map_err(io_err(&path))
    };
    let mut readme = format!(
        "EnergiTech Cockpit diagnostics, {}\n\nhealth.json        the health report ({})\ndiagnostics.json   metrics, availability, alert level, drift, freshness\nruns.json          the last {BUNDLE_RUNS} scoring runs\noperations.json    the last {BUNDLE_OPERATIONS} operations (ingestion, turbine requests, app commands)\nlogs/              the log files (JSON lines, UTC)\n\nNo database, SCADA data or model file is included. See docs/observability.md.\n",
        crate::schema::format_timestamp(input.now),
        input.health.status.as_str()
    );
    add("health.json", &redactor.json(input.health)?)?;
    match &input.diagnostics {
        Ok(d) => add("diagnostics.json", &redactor.json(d)?)?,
        Err(e) => add("diagnostics-error.txt", redactor.text(e).as_bytes())?,
    }
    if let Some(store) = input.store {
        match crate::runs::queries::journal(store, BUNDLE_RUNS) {
            Ok(runs) => add("runs.json", &redactor.json(&runs)?)?,
            Err(e) => readme.push_str(&format!("\nruns.json is missing: {e}\n")),
        }
        match operations(store) {
            Ok(ops) => add("operations.json", &redactor.json(&ops)?)?,
            Err(e) => readme.push_str(&format!("\noperations.json is missing: {e}\n")),
        }
    } else {
        readme.push_str("\nThe database could not be opened: no runs.json, no operations.json.\n");
    }
    for file in logging::log_files(input.log_dir)? {
        let Some(file_name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        // None: removed by the daily roll meanwhile, or replaced by a link.
        if let Some(bytes) = logging::read_log_file(&file)? {
            add(&format!("logs/{file_name}"), &redactor.log(&bytes))?;
        }
    }
    add("README.txt", redactor.text(&readme).as_bytes())?;
    let gz = tar.into_inner().map_err(io_err(&path))?;
    let mut file = gz.finish().map_err(io_err(&path))?;
    file.flush().map_err(io_err(&path))?;
    tracing::info!(file = %crate::journal::file_name(&path), "diagnostics bundle written");
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::health::{Check, Status};
    use std::io::Read;

    fn health(message: &str) -> HealthReport {
        HealthReport {
            status: Status::Degraded,
            checked_at: "2026-11-28T16:00:00Z".into(),
            app_version: "0.1.0".into(),
            model_version: None,
            checks: vec![Check {
                name: "models",
                status: Status::Error,
                message: message.into(),
            }],
            duration_ms: 3,
        }
    }

    /// Every entry of the bundle at `path`: (name below the top folder, bytes).
    fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
        let mut archive =
            tar::Archive::new(flate2::read::GzDecoder::new(File::open(path).unwrap()));
        let mut out = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().display().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            out.push((name.split_once('/').unwrap().1.to_string(), bytes));
        }
        out.sort();
        out
    }

    #[test]
    fn the_bundle_holds_health_journals_and_logs() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("cockpit.db")).unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(
            logs.join("cockpit.2026-11-28.jsonl"),
            "{\"level\":\"INFO\"}\n",
        )
        .unwrap();
        let health = health("x");
        let now = 1_795_881_600;
        let input = BundleInput {
            health: &health,
            diagnostics: Err("no models".into()),
            store: Some(&store),
            log_dir: &logs,
            now,
        };
        let out = dir.path().join("out");
        let path = export(&out, &input).unwrap();
        assert!(path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with(".tar.gz"));
        let second = export(&out, &input).unwrap();
        assert_ne!(path, second, "an existing bundle is never overwritten");

        let entries = entries(&path);
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "README.txt",
                "diagnostics-error.txt",
                "health.json",
                "logs/cockpit.2026-11-28.jsonl",
                "operations.json",
                "runs.json"
            ]
        );
        let v: serde_json::Value = serde_json::from_slice(&entries[2].1).unwrap();
        assert_eq!(v["status"], "degraded");
        assert_eq!(
            entries[3].1, b"{\"level\":\"INFO\"}\n",
            "a log line is copied as is"
        );
    }

    #[test]
    fn no_entry_of_the_bundle_names_the_home_folder() {
        let home = tempfile::tempdir().unwrap();
        let home_text = home.path().display().to_string();
        let store = Store::open(&home.path().join("cockpit.db")).unwrap();
        let logs = home.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let line = serde_json::json!({
            "level": "WARN",
            "fields": {"message": format!("cannot open {home_text}/inbox/scada.csv")}
        });
        std::fs::write(logs.join("cockpit.2026-11-28.jsonl"), format!("{line}\n")).unwrap();
        let diagnostics = crate::telemetry::diagnostics(
            &store,
            None,
            &logs,
            1_795_881_600,
            crate::lang::Lang::En,
        )
        .unwrap();
        assert!(diagnostics.log_dir.starts_with(&home_text));
        let health = health(&format!("no models in {home_text}/models"));
        let input = BundleInput {
            health: &health,
            diagnostics: Ok(&diagnostics),
            store: Some(&store),
            log_dir: &logs,
            now: 1_795_881_600,
        };
        let path = export_redacting(&home.path().join("out"), &input, Some(&home_text)).unwrap();
        let entries = entries(&path);
        for (name, bytes) in &entries {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(&home_text),
                "{name} names the home folder: {text}"
            );
        }
        let diag = entries
            .iter()
            .find(|(n, _)| n == "diagnostics.json")
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&diag.1).unwrap();
        assert_eq!(v["log_dir"], "~/logs");
        let log = entries
            .iter()
            .find(|(n, _)| n.starts_with("logs/"))
            .unwrap();
        assert!(String::from_utf8_lossy(&log.1).contains("cannot open ~/inbox/scada.csv"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_log_folder_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "ssh private key").unwrap();
        std::os::unix::fs::symlink(&secret, logs.join("cockpit.2026-11-27.jsonl")).unwrap();
        std::fs::write(logs.join("cockpit.2026-11-28.jsonl"), "{}\n").unwrap();
        let health = health("x");
        let input = BundleInput {
            health: &health,
            diagnostics: Err("no database".into()),
            store: None,
            log_dir: &logs,
            now: 1_795_881_600,
        };
        let path = export(&dir.path().join("out"), &input).unwrap();
        let entries = entries(&path);
        let logs_in: Vec<&str> = entries
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| n.starts_with("logs/"))
            .collect();
        assert_eq!(logs_in, ["logs/cockpit.2026-11-28.jsonl"]);
        assert!(entries
            .iter()
            .all(|(_, b)| !String::from_utf8_lossy(b).contains("ssh private key")));
        // A link is never read, even when asked for by name.
        assert_eq!(
            logging::read_log_file(&logs.join("cockpit.2026-11-27.jsonl")).unwrap(),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_at_the_bundle_name_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let now = 1_795_881_600;
        let victim = dir.path().join("victim");
        let name = format!("cockpit-diagnostics-{}.tar.gz", stamp(now));
        std::os::unix::fs::symlink(&victim, out.join(&name)).unwrap();
        let health = health("x");
        let input = BundleInput {
            health: &health,
            diagnostics: Err("no database".into()),
            store: None,
            log_dir: &dir.path().join("logs"),
            now,
        };
        let path = export(&out, &input).unwrap();
        assert!(!victim.exists(), "the bundle was written through the link");
        assert_ne!(path.file_name().unwrap().to_string_lossy(), name);
        assert!(std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_file());

        // With every name taken, a clear error names the file.
        let taken = tempfile::tempdir().unwrap();
        let base = format!("cockpit-diagnostics-{}", stamp(now));
        std::fs::write(taken.path().join(format!("{base}.tar.gz")), "").unwrap();
        for k in 2..=BUNDLE_NAME_TRIES {
            std::fs::write(taken.path().join(format!("{base}-{k}.tar.gz")), "").unwrap();
        }
        let e = export(taken.path(), &input).unwrap_err();
        assert!(matches!(e, TelemetryError::Bundle { .. }));
        assert!(e.to_string().contains("already exist"), "{e}");
    }
}
