//! Where the logs go, and reading them back.
//!
//! * Files: one JSON object per line (`tracing-subscriber`'s JSON format), in
//!   `<log folder>/cockpit.YYYY-MM-DD.jsonl` (UTC day), a new file every day; the
//!   [`MAX_LOG_FILES`] newest files are kept (older ones are deleted at each daily roll) and a
//!   day's file stops growing at [`MAX_BYTES_PER_DAY`] (one warning line says so), so the folder
//!   never holds more than about 140 MiB. Level: `info` and above unless `COCKPIT_LOG` says
//!   otherwise (an `EnvFilter` directive such as `debug` or `cockpit_core=debug,info`).
//! * Console (the CLI, and the app's standard error): readable lines on standard error, never on
//!   standard output (so `--json` output stays clean); `warn` and above by default, `-v` for info,
//!   `-vv` for debug, or any `RUST_LOG` directive.
//!
//! The log folder is `logs/` beside the database: `~/.local/share/energitech-cockpit/logs` for
//! the default database, shared by the app and the CLI.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use super::TelemetryError;

/// Name of the log folder beside the database.
pub const LOG_DIR_NAME: &str = crate::workspace::LOG_DIR_NAME;
/// Log files are `cockpit.YYYY-MM-DD.jsonl`.
pub const LOG_FILE_PREFIX: &str = "cockpit";
/// Extension of the log files (JSON lines).
pub const LOG_FILE_SUFFIX: &str = "jsonl";
/// Daily files kept (two weeks).
pub const MAX_LOG_FILES: usize = 14;
/// A day's file stops growing at this size (10 MiB).
pub const MAX_BYTES_PER_DAY: u64 = 10 * 1024 * 1024;
/// Filter of the log files (`EnvFilter` syntax).
pub const LOG_ENV: &str = "COCKPIT_LOG";
/// Default filter of the log files: info and above, ONNX Runtime's own chatter only when it warns.
pub const DEFAULT_FILE_FILTER: &str = "info,ort=warn";
/// Most lines [`recent_logs`] returns.
pub const MAX_RECENT_LINES: usize = 5000;

const DAY: i64 = 86_400;

/// What to set up.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// Folder of the JSON-lines files; `None`: no files.
    pub dir: Option<PathBuf>,
    /// Console verbosity on standard error: 0 = warnings and errors, 1 = info, 2 = debug,
    /// 3+ = trace; `None`: no console output. `RUST_LOG`, when set, wins.
    pub console: Option<u8>,
    /// Colours on the console (only when standard error is a terminal).
    pub ansi: bool,
}

/// Keeps the file writer's thread alive; dropping it flushes what is pending.
#[must_use = "dropping the guard stops the log file writer"]
pub struct LogGuard {
    _file: Option<WorkerGuard>,
    /// Set when the files could not be set up (the console still works).
    pub file_error: Option<TelemetryError>,
}

fn console_filter(verbosity: u8) -> EnvFilter {
    if let Ok(f) = EnvFilter::try_from_env("RUST_LOG") {
        return f;
    }
    EnvFilter::new(match verbosity {
        0 => "warn",
        1 => "info,ort=warn",
        2 => "debug,ort=warn",
        _ => "trace",
    })
}

fn file_filter() -> Result<EnvFilter, TelemetryError> {
    match std::env::var(LOG_ENV) {
        Ok(v) if !v.trim().is_empty() => {
            EnvFilter::try_new(&v).map_err(|e| TelemetryError::Filter {
                filter: v.clone(),
                message: e.to_string(),
            })
        }
        _ => Ok(EnvFilter::new(DEFAULT_FILE_FILTER)),
    }
}

fn file_writer(dir: &Path) -> Result<CappedWriter, TelemetryError> {
    fs::create_dir_all(dir).map_err(|source| TelemetryError::LogDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix(LOG_FILE_SUFFIX)
        .max_log_files(MAX_LOG_FILES)
        .build(dir)
        .map_err(|e| TelemetryError::LogFile {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(CappedWriter::new(appender, dir, MAX_BYTES_PER_DAY))
}

/// Installs the process's subscriber: JSON files in `opts.dir` and/or the console. A log folder
/// that cannot be written is not fatal: the console still works and the guard says why
/// ([`LogGuard::file_error`]). Fails only if a subscriber is already installed or `COCKPIT_LOG`
/// is not a valid filter.
pub fn init(opts: &LogOptions) -> Result<LogGuard, TelemetryError> {
    let mut guard = LogGuard {
        _file: None,
        file_error: None,
    };
    let file_layer = match &opts.dir {
        Some(dir) => {
            let filter = file_filter()?;
            match file_writer(dir) {
                Ok(writer) => {
                    let (nb, g) = tracing_appender::non_blocking(writer);
                    guard._file = Some(g);
                    Some(
                        tracing_subscriber::fmt::layer()
                            .json()
                            .with_current_span(true)
                            .with_span_list(false)
                            .with_writer(nb)
                            .with_filter(filter),
                    )
                }
                Err(e) => {
                    guard.file_error = Some(e);
                    None
                }
            }
        }
        None => None,
    };
    let console_layer = opts.console.map(|v| {
        tracing_subscriber::fmt::layer()
            .with_writer(io::stderr)
            .with_ansi(opts.ansi)
            .with_target(v >= 2)
            .compact()
            .with_filter(console_filter(v))
    });
    tracing_subscriber::registry()
        .with(file_layer)
        .with(console_layer)
        .try_init()
        .map_err(|_| TelemetryError::AlreadyInitialised)?;
    if let Some(e) = &guard.file_error {
        tracing::warn!(error = %crate::journal::redact(&e.to_string()), "log files disabled");
    }
    Ok(guard)
}

/// Path of the log file of a UTC day (days since 1970-01-01).
fn day_file(dir: &Path, day: i64) -> PathBuf {
    let date = crate::schema::format_date(day * DAY);
    dir.join(format!("{LOG_FILE_PREFIX}.{date}.{LOG_FILE_SUFFIX}"))
}

/// The rolling appender with a daily size cap: once the day's file reaches the cap, one warning
/// line is written and the rest of the day's lines are dropped.
struct CappedWriter {
    inner: RollingFileAppender,
    dir: PathBuf,
    cap: u64,
    day: i64,
    written: u64,
    capped: bool,
}

impl CappedWriter {
    fn new(inner: RollingFileAppender, dir: &Path, cap: u64) -> CappedWriter {
        CappedWriter {
            inner,
            dir: dir.to_path_buf(),
            cap,
            day: i64::MIN,
            written: 0,
            capped: false,
        }
    }
}

impl Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let day = crate::clock::now().div_euclid(DAY);
        if day != self.day {
            self.day = day;
            // A restart the same day continues the day's count from the file's size.
            self.written = fs::metadata(day_file(&self.dir, day))
                .map(|m| m.len())
                .unwrap_or(0);
            self.capped = false;
        }
        if self.capped {
            return Ok(buf.len());
        }
        if self.written + buf.len() as u64 > self.cap {
            self.capped = true;
            let line = serde_json::json!({
                "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "level": "WARN",
                "fields": { "message": format!(
                    "log file size limit reached ({} MiB for the day): further lines of this day are dropped",
                    self.cap / (1024 * 1024)
                ) },
                "target": "cockpit_core::telemetry::logging",
            });
            let mut text = line.to_string();
            text.push('\n');
            self.inner.write_all(text.as_bytes())?;
            self.written += text.len() as u64;
            return Ok(buf.len());
        }
        self.inner.write_all(buf)?;
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A log line as the diagnostics tab shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogLine {
    /// RFC 3339 timestamp (UTC).
    pub ts: String,
    /// `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`.
    #[cfg_attr(
        feature = "ts",
        ts(type = "\"ERROR\" | \"WARN\" | \"INFO\" | \"DEBUG\" | \"TRACE\"")
    )]
    pub level: String,
    /// The module that logged it, e.g. `cockpit_core::runs`.
    pub target: String,
    /// The message followed by the event's fields (`key=value`) and its span.
    pub message: String,
}

/// Which lines [`recent_logs`] returns.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    /// At most this many lines (default 200, at most [`MAX_RECENT_LINES`]).
    pub limit: Option<usize>,
    /// This level and the more severe ones: `error`, `warn`, `info`, `debug` (any case).
    pub level: Option<String>,
    /// Case-insensitive text searched in the message and the target.
    pub search: Option<String>,
}

fn level_rank(level: &str) -> Option<u8> {
    match level.trim().to_ascii_uppercase().as_str() {
        "ERROR" => Some(1),
        "WARN" | "WARNING" => Some(2),
        "INFO" => Some(3),
        "DEBUG" => Some(4),
        "TRACE" => Some(5),
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses one JSON line of a log file (`None` for a line that is not one of ours).
pub fn parse_line(line: &str) -> Option<LogLine> {
    let v: Value = serde_json::from_str(line.trim()).ok()?;
    let ts = v.get("timestamp")?.as_str()?.to_string();
    let level = v.get("level")?.as_str()?.to_ascii_uppercase();
    let target = v
        .get("target")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut message = String::new();
    if let Some(fields) = v.get("fields").and_then(Value::as_object) {
        if let Some(m) = fields.get("message") {
            message.push_str(&value_text(m));
        }
        for (k, val) in fields.iter().filter(|(k, _)| k.as_str() != "message") {
            if !message.is_empty() {
                message.push(' ');
            }
            message.push_str(&format!("{k}={}", value_text(val)));
        }
    }
    if let Some(span) = v.get("span").and_then(Value::as_object) {
        let name = span.get("name").and_then(Value::as_str).unwrap_or("span");
        let fields: Vec<String> = span
            .iter()
            .filter(|(k, _)| k.as_str() != "name")
            .map(|(k, val)| format!("{k}={}", value_text(val)))
            .collect();
        message.push_str(&format!(" [{name}"));
        for f in fields {
            message.push(' ');
            message.push_str(&f);
        }
        message.push(']');
    }
    Some(LogLine {
        ts,
        level,
        target,
        message,
    })
}

/// The log files of `dir`, newest first: regular files only, a symbolic link is never followed
/// (a link named like a log file, pointing out of the folder, is skipped).
pub fn log_files(dir: &Path) -> Result<Vec<PathBuf>, TelemetryError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(TelemetryError::ReadLogs {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        // The entry's own type: a symbolic link is not a file here, whatever it points to.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(&format!("{LOG_FILE_PREFIX}."))
                    && n.ends_with(&format!(".{LOG_FILE_SUFFIX}"))
            })
        })
        .collect();
    // Names hold the date (YYYY-MM-DD): name order is date order.
    files.sort();
    files.reverse();
    Ok(files)
}

/// The bytes of the log file `path`, or `None` when it is not a regular file (a symbolic link,
/// followed by no one) or is gone (the daily roll deletes old files). On Unix the file opened is
/// checked to be the one looked at, so a file swapped for a link meanwhile is not read either.
pub fn read_log_file(path: &Path) -> Result<Option<Vec<u8>>, TelemetryError> {
    let err = |source| TelemetryError::ReadLogs {
        path: path.to_path_buf(),
        source,
    };
    let seen = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => m,
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let opened = file.metadata().map_err(err)?;
        if (opened.dev(), opened.ino()) != (seen.dev(), seen.ino()) {
            return Ok(None);
        }
    }
    #[cfg(not(unix))]
    let _ = seen;
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut file, &mut bytes).map_err(err)?;
    Ok(Some(bytes))
}

/// The most recent log lines of `dir` matching `query`, newest first. A missing folder has no
/// lines; unreadable lines (a line cut by a crash) are skipped.
pub fn recent_logs(dir: &Path, query: &LogQuery) -> Result<Vec<LogLine>, TelemetryError> {
    let limit = query.limit.unwrap_or(200).clamp(1, MAX_RECENT_LINES);
    let min = query.level.as_deref().and_then(level_rank).unwrap_or(5);
    let search = query
        .search
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let mut out = Vec::new();
    for file in log_files(dir)? {
        let text = match read_log_file(&file)? {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            // Deleted by the daily roll between listing and reading, or not a regular file.
            None => continue,
        };
        for line in text.lines().rev() {
            let Some(l) = parse_line(line) else { continue };
            if level_rank(&l.level).unwrap_or(5) > min {
                continue;
            }
            if let Some(s) = &search {
                if !l.message.to_lowercase().contains(s) && !l.target.to_lowercase().contains(s) {
                    continue;
                }
            }
            out.push(l);
            if out.len() >= limit {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ts: &str, level: &str, msg: &str) -> String {
        serde_json::json!({
            "timestamp": ts, "level": level, "target": "cockpit_core::runs",
            "fields": {"message": msg, "duration_ms": 12},
            "span": {"name": "fleet_run", "trigger": "cli"}
        })
        .to_string()
    }

    #[test]
    fn recent_lines_are_newest_first_filtered_by_level_and_text() {
        let dir = tempfile::tempdir().unwrap();
        let old = day_file(dir.path(), 20_000);
        let new = day_file(dir.path(), 20_001);
        assert!(old.to_string_lossy().ends_with("cockpit.2024-10-04.jsonl"));
        fs::write(
            &old,
            [
                line("2024-10-04T10:00:00Z", "INFO", "run scored"),
                line("2024-10-04T11:00:00Z", "ERROR", "run failed"),
            ]
            .join("\n"),
        )
        .unwrap();
        fs::write(
            &new,
            format!(
                "{}\n{{\"cut by a crash\n{}\n",
                line("2024-10-05T09:00:00Z", "DEBUG", "features computed"),
                line("2024-10-05T10:00:00Z", "WARN", "inbox file refused")
            ),
        )
        .unwrap();
        fs::write(dir.path().join("other.txt"), "not a log").unwrap();

        let all = recent_logs(dir.path(), &LogQuery::default()).unwrap();
        let ts: Vec<&str> = all.iter().map(|l| l.ts.as_str()).collect();
        assert_eq!(
            ts,
            [
                "2024-10-05T10:00:00Z",
                "2024-10-05T09:00:00Z",
                "2024-10-04T11:00:00Z",
                "2024-10-04T10:00:00Z"
            ]
        );
        assert_eq!(
            all[0].message,
            "inbox file refused duration_ms=12 [fleet_run trigger=cli]"
        );
        let warn = LogQuery {
            level: Some("warn".into()),
            ..Default::default()
        };
        let levels: Vec<String> = recent_logs(dir.path(), &warn)
            .unwrap()
            .into_iter()
            .map(|l| l.level)
            .collect();
        assert_eq!(levels, ["WARN", "ERROR"]);
        let search = LogQuery {
            search: Some("FAILED".into()),
            limit: Some(1),
            ..Default::default()
        };
        let found = recent_logs(dir.path(), &search).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message.split(' ').take(2).collect::<Vec<_>>(),
            ["run", "failed"]
        );
        assert!(
            recent_logs(&dir.path().join("missing"), &LogQuery::default())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_day_file_stops_at_its_cap_with_one_warning_line() {
        let dir = tempfile::tempdir().unwrap();
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(LOG_FILE_PREFIX)
            .filename_suffix(LOG_FILE_SUFFIX)
            .build(dir.path())
            .unwrap();
        let mut w = CappedWriter::new(appender, dir.path(), 300);
        let event = format!("{}\n", line("2026-01-01T00:00:00Z", "INFO", "x"));
        for _ in 0..20 {
            w.write_all(event.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        let files = log_files(dir.path()).unwrap();
        assert_eq!(files.len(), 1);
        let size = fs::metadata(&files[0]).unwrap().len();
        assert!(size <= 300 + 400, "the file grew to {size} bytes");
        let lines = recent_logs(dir.path(), &LogQuery::default()).unwrap();
        assert!(lines.len() < 20);
        assert_eq!(lines[0].level, "WARN");
        assert!(lines[0].message.contains("size limit reached"));
    }
}
