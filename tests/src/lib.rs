//! Shared helpers of the black-box tests: build and run the real `cockpit` binary against
//! temporary folders and databases, and read what it stored.

pub mod pg;

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

/// A fleet of 4 turbines × 10 days (data up to today) simulated, ingested and scored once into
/// `dir/cockpit.db`; returns the database.
pub fn scored_test_fleet(dir: &Path) -> PathBuf {
    let db = dir.join("cockpit.db");
    let out = dir.join("fleet");
    let out_arg = out.display().to_string();
    let args = [
        "simulate",
        "--turbines",
        "4",
        "--days",
        "10",
        "--seed",
        "3",
        "--out",
        &out_arg,
    ];
    let run = cockpit(&db, &args);
    assert_eq!(run.code, 0, "simulate failed: {}", run.stderr);
    ingest_simulated(&db, &out);
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 0, "score failed: {}", run.stderr);
    db
}

/// A `cockpit` process serving the health and metrics endpoint (`cockpit serve`, `cockpit watch
/// --serve`), killed on drop even when the test fails; its output is collected as it comes.
pub struct Served {
    /// The running process.
    pub child: std::process::Child,
    /// Where it listens, read from its "Serving http://…" line.
    pub addr: std::net::SocketAddr,
    /// Its standard output and error lines so far.
    pub stdout: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// See `stdout`.
    pub stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn collect(
    stream: impl std::io::Read + Send + 'static,
    tx: Option<std::sync::mpsc::Sender<String>>,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use std::io::BufRead;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = lines.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stream)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(tx) = &tx {
                let _ = tx.send(line.clone());
            }
            keep.lock().unwrap().push(line);
        }
    });
    lines
}

impl Served {
    /// Starts `cockpit --db <db> ARGS` (which must end up serving, e.g. `serve --listen
    /// 127.0.0.1:0`) and waits up to 60 s for its "Serving http://ADDR/health" line.
    pub fn start(db: &Path, args: &[&str]) -> Served {
        Self::start_cmd(cockpit_cmd(db).args(args))
    }

    /// As [`Served::start`], for a prepared command.
    pub fn start_cmd(cmd: &mut Command) -> Served {
        use std::process::Stdio;
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the cockpit binary must start");
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = collect(child.stdout.take().expect("piped stdout"), Some(tx));
        let stderr = collect(child.stderr.take().expect("piped stderr"), None);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let addr = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("Serving http://").nth(1) {
                        let addr = rest.split('/').next().unwrap_or_default();
                        break addr.parse().unwrap_or_else(|e| {
                            panic!("cannot read the address in {line:?}: {e}")
                        });
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "the endpoint did not start within 60 s\nstdout: {:?}\nstderr: {:?}",
                        stdout.lock().unwrap(),
                        stderr.lock().unwrap()
                    );
                }
            }
        };
        Served {
            child,
            addr,
            stdout,
            stderr,
        }
    }

    /// `GET path` on the endpoint.
    pub fn get(&self, path: &str) -> HttpAnswer {
        http_get(self.addr, path)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP answer.
#[derive(Debug)]
pub struct HttpAnswer {
    /// The status code.
    pub status: u16,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpAnswer {
    /// The value of header `name` (lowercase), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as is on a new connection to `addr` and reads the answer until the server
/// closes it (send `Connection: close`, or HTTP/1.0); 30 s at most.
pub fn http_raw(addr: std::net::SocketAddr, request: &[u8]) -> HttpAnswer {
    use std::io::{Read, Write};
    let timeout = std::time::Duration::from_secs(30);
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("no complete answer from {addr}: {e}"));
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    HttpAnswer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// `GET path` (already percent-encoded) from `addr`, HTTP/1.0 so the answer is never chunked.
pub fn http_get(addr: std::net::SocketAddr, path: &str) -> HttpAnswer {
    http_raw(
        addr,
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

/// Percent-encodes a query-string value.
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `cockpit hub grant …` with `password` on standard input (`--password-stdin`).
pub fn hub_grant(
    db: &Path,
    server: &str,
    user: &str,
    kind: &str,
    sites: &str,
    password: &str,
) -> Run {
    let mut args = vec![
        "hub", "grant", "--server", server, "--user", user, "--kind", kind,
    ];
    if !sites.is_empty() {
        args.extend(["--sites", sites]);
    }
    args.push("--password-stdin");
    use std::io::Write;
    let mut child = cockpit_cmd(db)
        .args(&args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the cockpit binary must start");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password written");
    child.wait_with_output().expect("grant finishes").into()
}
