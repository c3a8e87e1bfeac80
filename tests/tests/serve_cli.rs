//! Black-box tests of `cockpit serve` and `cockpit watch --serve`: the health codes, the metrics
//! read by a Prometheus text parser and checked against the database, 404, 405 and 400, a port in
//! use or an address that cannot be bound, the warning for a non-loopback address, and a clean
//! stop on SIGTERM.

use std::path::Path;
use std::time::{Duration, Instant};

use cockpit_tests::{cockpit, cockpit_cmd, http_raw, scored_test_fleet, Served};
use serde_json::Value;

fn db_value(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn serve(db: &Path, inbox: &Path) -> Served {
    let inbox = inbox.display().to_string();
    Served::start(db, &["serve", "--listen", "127.0.0.1:0", "--inbox", &inbox])
}

fn health_json(served: &Served) -> (u16, Value) {
    let a = served.get("/health");
    assert_eq!(a.header("content-type"), Some("application/json"), "{a:?}");
    let json = serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body));
    (a.status, json)
}

fn check_status(json: &Value, name: &str) -> String {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {json}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn health_is_200_when_ok_or_degraded_and_503_on_error_read_fresh_and_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let inbox = dir.path().join("inbox");
    let served = serve(&db, &inbox);

    let (code, json) = health_json(&served);
    assert_eq!(code, 200, "{json}");
    assert_eq!(json["status"], "ok", "{json}");
    assert_eq!(json["app_version"], env!("CARGO_PKG_VERSION"));
    assert!(json["model_version"].is_string(), "{json}");

    // A failing run, made while the endpoint runs (it holds no lock): error, 503.
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let run = cockpit(&db, &["--models", &empty.display().to_string(), "score"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let (code, json) = health_json(&served);
    assert_eq!(code, 503, "{json}");
    assert_eq!(json["status"], "error");
    assert_eq!(check_status(&json, "last_run"), "error");

    // A good run: the failure still counts for 24 h, degraded, 200.
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 0, "the endpoint held a lock: {}", run.stderr);
    let (code, json) = health_json(&served);
    assert_eq!(code, 200, "{json}");
    assert_eq!(json["status"], "degraded");
    assert_eq!(check_status(&json, "errors_24h"), "degraded");

    // HEAD answers the same status without a body.
    let head = http_raw(
        served.addr,
        b"HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!((head.status, head.body.as_str()), (200, ""));

    // Read-only: the health probe `cockpit health` writes was never written by the endpoint.
    assert_eq!(
        db_value(
            &db,
            "SELECT count(*) FROM settings WHERE key = 'health_probe'"
        ),
        0
    );
}

#[test]
fn metrics_parse_as_prometheus_text_and_match_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let served = serve(&db, &dir.path().join("inbox"));
    let a = served.get("/metrics");
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.header("content-type")
            .is_some_and(|c| c.starts_with("application/openmetrics-text")),
        "{a:?}"
    );
    let lines = a.body.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("the metrics parse");
    let value = |name: &str, label: Option<(&str, &str)>| -> f64 {
        let s = scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .unwrap_or_else(|| panic!("no sample {name} {label:?} in\n{}", a.body));
        match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            ref other => panic!("{name}: unexpected {other:?}"),
        }
    };
    let latest = "(SELECT max(id) FROM runs WHERE status = 'succeeded')";
    for category in ["critical", "high", "moderate", "low"] {
        assert_eq!(
            value("cockpit_turbines", Some(("category", category))),
            db_value(
                &db,
                &format!("SELECT {category} FROM runs WHERE id = {latest}")
            ) as f64,
            "{category}"
        );
    }
    assert_eq!(
        value("cockpit_turbines_not_scored", None),
        db_value(
            &db,
            &format!("SELECT not_scored FROM runs WHERE id = {latest}")
        ) as f64
    );
    let runs = db_value(
        &db,
        "SELECT count(*) FROM runs WHERE trigger <> 'backfill' AND status = 'succeeded'",
    );
    assert!(runs >= 1);
    assert_eq!(
        value("cockpit_runs_total", Some(("status", "succeeded"))),
        runs as f64
    );
    assert_eq!(
        value("cockpit_last_successful_run_timestamp_seconds", None),
        db_value(
            &db,
            "SELECT max(started_at) FROM runs WHERE trigger <> 'backfill' AND status = 'succeeded'"
        ) as f64
    );
    assert_eq!(value("cockpit_last_run_success", None), 1.0);
    assert_eq!(value("cockpit_health_status", None), 0.0);
    assert_eq!(
        value("cockpit_errors_total", Some(("operation", "ingestion"))),
        0.0
    );
    assert_eq!(
        value("cockpit_operations_total", Some(("operation", "ingestion"))),
        db_value(
            &db,
            "SELECT count(*) FROM operations WHERE kind = 'ingestion'"
        ) as f64
    );
    assert_eq!(
        value("cockpit_turbines_fresh", None) + value("cockpit_turbines_stale", None),
        db_value(&db, "SELECT count(*) FROM turbines") as f64
    );
    let drift: f64 = ["stable", "moderate", "significant", "unknown"]
        .iter()
        .map(|d| value("cockpit_model_inputs", Some(("drift", d))))
        .sum();
    assert_eq!(drift, 82.0, "every model input has a drift status");
    // The run duration histogram: one observation per run, +Inf bucket included.
    let hist = scrape
        .samples
        .iter()
        .find(|s| s.metric == "cockpit_run_duration_seconds")
        .unwrap_or_else(|| panic!("no histogram in\n{}", a.body));
    match &hist.value {
        prometheus_parse::Value::Histogram(buckets) => {
            let inf = buckets.iter().find(|b| b.less_than.is_infinite()).unwrap();
            assert_eq!(inf.count, runs as f64);
        }
        other => panic!("the run durations are not a histogram: {other:?}"),
    }
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(cockpit_tests::test_models().join("manifest.json")).unwrap(),
    )
    .unwrap();
    let version = manifest["model_version"].as_str().unwrap();
    assert!(
        a.body
            .contains(&format!("cockpit_model_info{{version=\"{version}\"}} 1")),
        "{}",
        a.body
    );
}

#[test]
fn other_paths_are_404_other_methods_405_and_garbage_400_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let served = serve(&db, &dir.path().join("inbox"));
    for path in ["/", "/health/", "/metrics/x", "/api/v1/query", "/HEALTH"] {
        let a = served.get(path);
        assert_eq!(a.status, 404, "{path}: {a:?}");
        assert!(a.body.contains("GET /health"), "{path}: {}", a.body);
    }
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let req = format!("{method} /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let a = http_raw(served.addr, req.as_bytes());
        assert_eq!(a.status, 405, "{method}: {a:?}");
        assert_eq!(a.header("allow"), Some("GET, HEAD"), "{method}");
    }
    for garbage in [
        &b"NOT HTTP AT ALL\r\n\r\n"[..],
        b"GET /health HTTP/9.9\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost x no colon\r\n\r\n",
        b"\x00\x01\x02\xff\r\n\r\n",
    ] {
        let a = http_raw(served.addr, garbage);
        assert_eq!(
            a.status,
            400,
            "{:?}: {a:?}",
            String::from_utf8_lossy(garbage)
        );
    }
    // Still serving after all that.
    assert_eq!(served.get("/health").status, 200);
}

#[test]
fn a_port_in_use_or_an_address_that_cannot_be_bound_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    // Another program holds the port: it keeps it, the cockpit says what to do, exit 2.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().to_string();
    let run = cockpit(&db, &["serve", "--listen", &taken]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&taken)
            && run.stderr.contains("already in use")
            && run.stderr.contains("--listen"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "said once: {}", run.stderr);
    std::net::TcpStream::connect(&taken).expect("the holder still listens");
    // `watch --serve` on that port stops before starting anything.
    let run = cockpit(&db, &["watch", "--no-timer", "--serve", &taken]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("already in use"), "{}", run.stderr);

    for (address, expected) in [
        ("localhost", "not an address to listen on"),
        ("127.0.0.1:99999", "not an address to listen on"),
        ("", "not an address to listen on"),
        // TEST-NET-1: no interface of this machine has it.
        ("192.0.2.1:9464", "cannot listen on 192.0.2.1:9464"),
    ] {
        let run = cockpit(&db, &["serve", "--listen", address]);
        assert_eq!(run.code, 2, "{address}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected) && run.stderr.contains("127.0.0.1:9464"),
            "{address}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_non_loopback_address_is_served_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let inbox = dir.path().join("inbox").display().to_string();
    let served = Served::start(&db, &["serve", "--listen", "0.0.0.0:0", "--inbox", &inbox]);
    let local: std::net::SocketAddr = format!("127.0.0.1:{}", served.addr.port()).parse().unwrap();
    assert_eq!(cockpit_tests::http_get(local, "/health").status, 200);
    let stderr = served.stderr.lock().unwrap().join("\n");
    assert!(
        stderr.contains("warning:") && stderr.contains("not a loopback address"),
        "{stderr}"
    );
    // The default address is loopback: no warning.
    let quiet = serve(&db, dir.path());
    assert_eq!(quiet.get("/health").status, 200);
    assert!(quiet.stderr.lock().unwrap().is_empty());
}

#[test]
fn watch_serve_runs_the_triggers_and_the_endpoint_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut served = Served::start_cmd(cockpit_cmd(&db).args([
        "watch",
        "--no-timer",
        "--settle",
        "1",
        "--inbox",
        &inbox.display().to_string(),
        "--serve",
        "127.0.0.1:0",
    ]));
    let (code, json) = health_json(&served);
    assert_eq!(code, 200, "{json}");
    let models = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "models")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        models.contains("in service"),
        "the service's models: {models}"
    );

    // The inbox still works beside the endpoint: a registry file dropped is ingested.
    let taken = "SELECT count(*) FROM operations WHERE kind = 'ingestion'";
    let before = db_value(&db, taken);
    std::fs::copy(
        dir.path().join("fleet/turbines.csv"),
        inbox.join("turbines.csv"),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while db_value(&db, taken) == before {
        assert!(Instant::now() < deadline, "the inbox file was not taken");
        assert_eq!(served.get("/metrics").status, 200);
        std::thread::sleep(Duration::from_millis(200));
    }

    let term = std::process::Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = served.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        status.code(),
        Some(0),
        "{:?}",
        served.stderr.lock().unwrap()
    );
    // Let the reader thread take the last lines.
    std::thread::sleep(Duration::from_millis(200));
    let out = served.stdout.lock().unwrap().join("\n");
    assert!(out.contains("Stopping"), "{out}");
}

#[test]
fn the_endpoint_sees_the_models_folder_change_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let models = dir.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    for entry in std::fs::read_dir(cockpit_tests::test_models()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, models.join(path.file_name().unwrap())).unwrap();
        }
    }
    let models_arg = models.display().to_string();
    let inbox = dir.path().join("inbox").display().to_string();
    let served = Served::start(
        &db,
        &[
            "--models",
            &models_arg,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--inbox",
            &inbox,
        ],
    );
    let (code, json) = health_json(&served);
    assert_eq!(
        (code, check_status(&json, "models")),
        (200, "ok".into()),
        "{json}"
    );
    // The set in service taken away: the models check is an error at the next request.
    std::fs::rename(
        models.join("manifest.json"),
        dir.path().join("manifest.json"),
    )
    .unwrap();
    let (code, json) = health_json(&served);
    assert_eq!(
        (code, check_status(&json, "models")),
        (503, "error".into()),
        "{json}"
    );
    assert!(json["model_version"].is_null());
    let metrics = served.get("/metrics").body;
    assert!(
        metrics.contains("cockpit_health_check_status{check=\"models\"} 2")
            && !metrics.contains("cockpit_model_info"),
        "{metrics}"
    );
    // Back: ok again.
    std::fs::rename(
        dir.path().join("manifest.json"),
        models.join("manifest.json"),
    )
    .unwrap();
    let (code, json) = health_json(&served);
    assert_eq!(
        (code, check_status(&json, "models")),
        (200, "ok".into()),
        "{json}"
    );
}
