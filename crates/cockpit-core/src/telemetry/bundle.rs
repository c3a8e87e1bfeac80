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
//! Paths under the home folder are written `~/…`.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Serialize;

use super::health::HealthReport;
use super::{logging, Diagnostics, TelemetryError};
use crate::journal::redact;
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
            error: r.get::<_, Option<String>>(6)?.map(|e| redact(&e)),
            detail: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn stamp(now: i64) -> String {
    // 2026-11-28T16:11:42Z -> 20261128T161142Z
    crate::schema::format_timestamp(now).replace(['-', ':'], "")
}

/// Writes the bundle into `out_dir` (created if missing); returns the file's path.
pub fn export(out_dir: &Path, input: &BundleInput<'_>) -> Result<PathBuf, TelemetryError> {
    let name = format!("cockpit-diagnostics-{}", stamp(input.now));
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source: std::io::Error| TelemetryError::Bundle { path, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let mut path = out_dir.join(format!("{name}.tar.gz"));
    let mut k = 2;
    while path.exists() {
        path = out_dir.join(format!("{name}-{k}.tar.gz"));
        k += 1;
    }
    let file = File::create(&path).map_err(io_err(&path))?;
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
    add("health.json", &serde_json::to_vec_pretty(input.health)?)?;
    match &input.diagnostics {
        Ok(d) => add("diagnostics.json", &serde_json::to_vec_pretty(d)?)?,
        Err(e) => add("diagnostics-error.txt", redact(e).as_bytes())?,
    }
    if let Some(store) = input.store {
        match crate::runs::queries::journal(store, BUNDLE_RUNS) {
            Ok(mut runs) => {
                for r in &mut runs {
                    r.error = r.error.as_deref().map(redact);
                }
                add("runs.json", &serde_json::to_vec_pretty(&runs)?)?;
            }
            Err(e) => readme.push_str(&format!(
                "\nruns.json is missing: {}\n",
                redact(&e.to_string())
            )),
        }
        match operations(store) {
            Ok(ops) => add("operations.json", &serde_json::to_vec_pretty(&ops)?)?,
            Err(e) => readme.push_str(&format!(
                "\noperations.json is missing: {}\n",
                redact(&e.to_string())
            )),
        }
    } else {
        readme.push_str("\nThe database could not be opened: no runs.json, no operations.json.\n");
    }
    for file in logging::log_files(input.log_dir)? {
        let Some(file_name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        match std::fs::read(&file) {
            Ok(bytes) => add(&format!("logs/{file_name}"), &bytes)?,
            // Removed by the daily roll meanwhile.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(TelemetryError::ReadLogs { path: file, source }),
        }
    }
    add("README.txt", readme.as_bytes())?;
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
        let health = HealthReport {
            status: Status::Degraded,
            checked_at: "2026-11-28T16:00:00Z".into(),
            app_version: "0.1.0".into(),
            model_version: None,
            checks: vec![Check {
                name: "models",
                status: Status::Error,
                message: "x".into(),
            }],
            duration_ms: 3,
        };
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

        let mut archive =
            tar::Archive::new(flate2::read::GzDecoder::new(File::open(&path).unwrap()));
        let mut names = Vec::new();
        let mut health_json = String::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().display().to_string();
            if name.ends_with("health.json") {
                entry.read_to_string(&mut health_json).unwrap();
            }
            names.push(name.split_once('/').unwrap().1.to_string());
        }
        names.sort();
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
        let v: serde_json::Value = serde_json::from_str(&health_json).unwrap();
        assert_eq!(v["status"], "degraded");
    }
}
