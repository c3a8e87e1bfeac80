//! Shared helpers of the black-box tests: build and run the real `cockpit` binary against
//! temporary folders and databases, and read what it stored.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Root of the workspace.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Path of the `cockpit` binary, built once (debug profile) for the whole test run.
pub fn cockpit_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "cockpit-cli", "--bin", "cockpit"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo must be runnable to build the cockpit binary");
        assert!(status.success(), "building the cockpit binary failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"));
        target.join("debug").join("cockpit")
    })
}

/// Result of one `cockpit` invocation.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// The ONNX Runtime library the tests use: `COCKPIT_ORT_LIB` (set by the Makefile), else the
/// copy `scripts/setup.sh` puts under `.tools/`.
pub fn ort_lib() -> PathBuf {
    std::env::var_os("COCKPIT_ORT_LIB")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/onnxruntime/lib/libonnxruntime.so.1.31.1"))
}

/// The model set the black-box tests score with, relative to the workspace: the shipped one.
pub const TEST_MODELS: &str = "models";

/// The folder of [`TEST_MODELS`].
pub fn test_models() -> PathBuf {
    workspace_root().join(TEST_MODELS)
}

/// A `cockpit --db <db>` command with a clean environment for the cockpit variables (the test
/// model set [`test_models`], the built-in risk policy, the ONNX Runtime library of the
/// workspace) and no `RUST_LOG` (which would add log lines to standard error).
pub fn cockpit_cmd(db: &Path) -> Command {
    let mut cmd = Command::new(cockpit_bin());
    cmd.arg("--db")
        .arg(db)
        .env_remove("COCKPIT_DB")
        .env("COCKPIT_MODELS", test_models())
        .env_remove("COCKPIT_POLICY")
        .env_remove("RUST_LOG")
        .env_remove("COCKPIT_LOG")
        .env("COCKPIT_ORT_LIB", ort_lib())
        .env("XDG_CONFIG_HOME", db.with_extension("config"));
    cmd
}

/// Runs `cockpit --db <db> ARGS`.
pub fn cockpit(db: &Path, args: &[&str]) -> Run {
    cockpit_cmd(db)
        .args(args)
        .output()
        .expect("the cockpit binary must start")
        .into()
}

/// Number of rows of a table in the database.
pub fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("database opens");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count query")
}

/// Simulates a fleet into `out` with `cockpit simulate` (start 2026-03-01) and checks it worked.
pub fn simulate(db: &Path, out: &Path, turbines: u32, days: u32, seed: u64) {
    let (t, d, s) = (turbines.to_string(), days.to_string(), seed.to_string());
    let run = cockpit(
        db,
        &[
            "simulate",
            "--turbines",
            &t,
            "--days",
            &d,
            "--seed",
            &s,
            "--start",
            "2026-03-01",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "simulate failed: {}", run.stderr);
}

/// Ingests the registry, logbook and SCADA files that `cockpit simulate` wrote into `out`, in one
/// `cockpit ingest` call, and checks it worked.
pub fn ingest_simulated(db: &Path, out: &Path) {
    let files: Vec<String> = ["turbines.csv", "logbook.csv", "scada.csv"]
        .iter()
        .map(|f| out.join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    let run = cockpit(db, &args);
    assert_eq!(run.code, 0, "ingest failed: {}", run.stderr);
}

/// `PRAGMA integrity_check` of the database: `"ok"` when SQLite finds nothing wrong.
pub fn integrity_check(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("database opens");
    let lines: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("integrity check runs");
    lines.join("\n")
}

/// Asserts that a `cockpit` run did not panic: exit code 101 or "panicked" on standard error.
pub fn assert_no_panic(run: &Run, what: &str) {
    assert!(
        run.code != 101 && !run.stderr.contains("panicked"),
        "{what}: the cockpit panicked (exit {}):\n{}",
        run.code,
        run.stderr
    );
}
