//! A real Prometheus scrapes `cockpit serve` with the shipped configuration: a throwaway copy of
//! `deploy/prometheus/prometheus.yml` (and its alert rules) pointed at the endpoint of a scored
//! test database, with a one-second scrape; the test waits for the scrape through Prometheus's
//! HTTP API, checks the values against the database, that every alert rule evaluates, and that
//! every query of the Grafana dashboard runs on what was scraped. Both processes are killed when
//! the test ends, failed or not.
//!
//! Needs Debian's `prometheus` package (`make setup` installs it): without it the test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cockpit_tests::{http_get, scored_test_fleet, url_encode, workspace_root, Served};
use serde_json::Value;

/// A process killed and reaped on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn prometheus_binary() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join("prometheus"));
    for c in candidates {
        if c.is_file() {
            return c;
        }
    }
    panic!(
        "the prometheus binary was not found (PATH, /usr/bin): run `make setup`, which installs Debian's prometheus package"
    );
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn db_value(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The shipped configuration, scraping `target` every second, written into `dir` with the alert
/// rules beside it.
fn throwaway_config(dir: &Path, target: &str) -> PathBuf {
    let deploy = workspace_root().join("deploy/prometheus");
    let shipped = std::fs::read_to_string(deploy.join("prometheus.yml")).unwrap();
    let mut config = shipped.clone();
    for (from, to) in [
        ("- 127.0.0.1:9464", format!("- {target}")),
        ("scrape_interval: 60s", "scrape_interval: 1s".to_string()),
        (
            "evaluation_interval: 60s",
            "evaluation_interval: 1s".to_string(),
        ),
        ("scrape_timeout: 20s", "scrape_timeout: 1s".to_string()),
    ] {
        assert!(
            config.contains(from),
            "deploy/prometheus/prometheus.yml no longer has `{from}`: update this test with it"
        );
        config = config.replace(from, &to);
    }
    let path = dir.join("prometheus.yml");
    std::fs::write(&path, config).unwrap();
    std::fs::copy(
        deploy.join("cockpit-alerts.yml"),
        dir.join("cockpit-alerts.yml"),
    )
    .unwrap();
    path
}

/// `GET /api/v1/<what>` of Prometheus; its `data` when the status is success.
fn api(prom: std::net::SocketAddr, what: &str) -> Result<Value, String> {
    let a = http_get(prom, &format!("/api/v1/{what}"));
    let json: Value = serde_json::from_str(&a.body).map_err(|e| format!("{e}: {}", a.body))?;
    if json["status"] == "success" {
        Ok(json["data"].clone())
    } else {
        Err(format!("{what}: {json}"))
    }
}

fn query(prom: std::net::SocketAddr, promql: &str) -> Result<Value, String> {
    api(prom, &format!("query?query={}", url_encode(promql)))
}

/// The value of the single series `promql` selects, once Prometheus has it.
fn scalar(prom: std::net::SocketAddr, promql: &str) -> Option<f64> {
    let data = query(prom, promql).ok()?;
    let result = data["result"].as_array()?;
    assert!(result.len() <= 1, "{promql}: {result:?}");
    result.first()?["value"][1].as_str()?.parse().ok()
}

/// Every `cockpit_…` metric name in `text`.
fn metric_names(text: &str) -> Vec<String> {
    text.match_indices("cockpit_")
        .filter(|(i, _)| {
            text[..*i]
                .chars()
                .last()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
        })
        .map(|(i, _)| {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| n.len() > "cockpit_".len() && !n.ends_with('_'))
        .collect()
}

#[test]
fn a_real_prometheus_scrapes_the_endpoint_with_the_shipped_config() {
    let prometheus = prometheus_binary();
    let dir = tempfile::tempdir().unwrap();
    let db = scored_test_fleet(dir.path());
    let inbox = dir.path().join("inbox").display().to_string();
    let served = Served::start(
        &db,
        &["serve", "--listen", "127.0.0.1:0", "--inbox", &inbox],
    );
    let target = served.addr.to_string();

    let config = throwaway_config(dir.path(), &target);
    let prom_addr: std::net::SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let log_path = dir.path().join("prometheus.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let child = Command::new(&prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("tsdb").display()
        ))
        .arg(format!("--web.listen-address={prom_addr}"))
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", prometheus.display()));
    let _prom = Killed(child);
    let log_text = || std::fs::read_to_string(&log_path).unwrap_or_default();

    // Wait for a scrape of the cockpit target.
    let succeeded = db_value(
        &db,
        "SELECT count(*) FROM runs WHERE trigger <> 'backfill' AND status = 'succeeded'",
    );
    let promql = format!("cockpit_runs_total{{status=\"succeeded\",instance=\"{target}\"}}");
    let deadline = Instant::now() + Duration::from_secs(90);
    let scraped = loop {
        let up = std::net::TcpStream::connect_timeout(&prom_addr, Duration::from_secs(1)).is_ok();
        if let Some(v) = up.then(|| scalar(prom_addr, &promql)).flatten() {
            break v;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus did not scrape {target} within 90 s; its log:\n{}",
            log_text()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(scraped, succeeded as f64);
    assert_eq!(scalar(prom_addr, "up{job=\"cockpit\"}"), Some(1.0));
    let low = db_value(
        &db,
        "SELECT low FROM runs WHERE id = (SELECT max(id) FROM runs WHERE status = 'succeeded')",
    );
    assert_eq!(
        scalar(prom_addr, "cockpit_turbines{category=\"low\"}"),
        Some(low as f64)
    );
    let info = query(prom_addr, "cockpit_model_info").unwrap();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(cockpit_tests::test_models().join("manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        info["result"][0]["metric"]["version"], manifest["model_version"],
        "{info}"
    );

    // Every metric the alert rules and the dashboard use was scraped.
    let names = api(prom_addr, "label/__name__/values").unwrap();
    let names: Vec<&str> = names
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let rules_text =
        std::fs::read_to_string(workspace_root().join("deploy/prometheus/cockpit-alerts.yml"))
            .unwrap();
    let dashboard_text =
        std::fs::read_to_string(workspace_root().join("deploy/grafana/cockpit-dashboard.json"))
            .unwrap();
    for name in metric_names(&rules_text)
        .into_iter()
        .chain(metric_names(&dashboard_text))
    {
        assert!(
            names.contains(&name.as_str()),
            "{name} is used by deploy/ but not exposed; exposed: {names:?}"
        );
    }

    // Every alert rule evaluates without error on the scraped data.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rules = api(prom_addr, "rules").unwrap();
        let rules: Vec<&Value> = rules["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["rules"].as_array().unwrap())
            .collect();
        assert_eq!(rules.len(), 7, "the rules of cockpit-alerts.yml: {rules:?}");
        let bad: Vec<&Value> = rules
            .iter()
            .copied()
            .filter(|r| r["health"] != "ok")
            .collect();
        if bad.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "rules not evaluated: {bad:?}");
        std::thread::sleep(Duration::from_millis(250));
    }

    // Every query of the Grafana dashboard runs, on every workstation.
    let dashboard: Value = serde_json::from_str(&dashboard_text).unwrap();
    let mut queries = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for t in panel["targets"].as_array().unwrap() {
            let expr = t["expr"].as_str().unwrap().replace("$instance", ".+");
            let data =
                query(prom_addr, &expr).unwrap_or_else(|e| panic!("panel {}: {e}", panel["title"]));
            assert!(data["result"].is_array(), "{expr}: {data}");
            queries += 1;
        }
    }
    assert!(queries >= 10, "{queries} dashboard queries");
    drop(served);
}
