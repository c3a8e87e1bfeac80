//! `cockpit serve` (and `cockpit watch --serve`): the read-only health and metrics endpoint.
//!
//! `GET /health` answers the health report as JSON (200 when ok or degraded, 503 on error),
//! `GET /metrics` the Prometheus metrics of `cockpit_core::telemetry::exposition`. Any other path
//! is 404, any other method on these two 405, a request hyper cannot parse 400. Every request
//! opens the database read-only and computes its answer afresh on a blocking thread, so a
//! running `cockpit watch` or app writing the same database is never held up.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use cockpit_core::lang::Lang;
use cockpit_core::model::Manifest;
use cockpit_core::store::Store;
use cockpit_core::telemetry::exposition::{self, DEFAULT_LISTEN};
use cockpit_core::telemetry::health::{self, Status};
use cockpit_core::telemetry::{monitoring, TelemetryError};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::common::workspace;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, IP:PORT; an address other than loopback makes the endpoint
    /// reachable from other machines (a warning says so)
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: String,
    /// Inbox folder checked for a backlog [default: inbox/ beside the database, as `cockpit watch`]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
}

/// The models a running service holds, for the health report (`None`: load the models folder).
pub type ModelsInService = Arc<dyn Fn() -> Option<Result<String, String>> + Send + Sync>;

/// What the endpoint reads: the database, the models folder and the inbox.
#[derive(Clone)]
pub struct Endpoint {
    db: PathBuf,
    models_dir: PathBuf,
    inbox: PathBuf,
    models_in_service: ModelsInService,
    /// When the database was last found intact (`PRAGMA quick_check` reads the whole file: at
    /// most once every [`INTEGRITY_EVERY`], and on every request while it is not intact).
    intact_at: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// The drift counts, read again only after a new run or with other models (they read the
    /// features of 30 days of runs): (latest run id, model version, counts).
    drift: Arc<std::sync::Mutex<Option<DriftMemo>>>,
}

type DriftMemo = (Option<i64>, Option<String>, [(&'static str, i64); 4]);

/// How often the endpoint re-reads the whole database to check its integrity.
pub const INTEGRITY_EVERY: Duration = Duration::from_secs(10 * 60);

impl Endpoint {
    /// The endpoint of the global options' workspace.
    pub fn new(
        cli: &Cli,
        inbox: Option<PathBuf>,
        models_in_service: ModelsInService,
    ) -> Result<Endpoint, CliError> {
        let ws = workspace(cli)?;
        Ok(Endpoint {
            inbox: inbox.unwrap_or_else(|| ws.inbox.clone()),
            models_dir: ws.models_shown(),
            db: ws.db,
            models_in_service,
            intact_at: Arc::default(),
            drift: Arc::default(),
        })
    }

    fn health(&self) -> health::HealthReport {
        let mut cfg = health::HealthConfig::new(
            &self.db,
            &self.models_dir,
            &self.inbox,
            env!("CARGO_PKG_VERSION"),
        );
        cfg.read_only = true;
        cfg.models_in_service = (self.models_in_service)();
        let last = self.intact_at.lock().ok().and_then(|t| *t);
        let fresh = last.is_some_and(|t| t.elapsed() < INTEGRITY_EVERY);
        if fresh {
            cfg.intact_within_minutes = Some(INTEGRITY_EVERY.as_secs() / 60);
        }
        let report = health::run(&cfg);
        let database_ok = report
            .checks
            .iter()
            .any(|c| c.name == "database" && c.status == Status::Ok);
        if let Ok(mut at) = self.intact_at.lock() {
            *at = match (database_ok, fresh) {
                (true, true) => *at,
                (true, false) => Some(std::time::Instant::now()),
                (false, _) => None,
            };
        }
        report
    }

    fn metrics(&self) -> Result<String, TelemetryError> {
        let report = self.health();
        let snapshot = match Store::open_read_only(&self.db) {
            Ok(store) => {
                let manifest = Manifest::read(&self.models_dir).ok();
                let raw = manifest.as_ref().map(|m| &m.raw);
                let key = (
                    exposition::latest_run_id(&store)?,
                    manifest.as_ref().map(|m| m.model_version.clone()),
                );
                let memo = self.drift.lock().ok().and_then(|m| m.clone());
                let drift = match memo {
                    Some((run, models, counts)) if run == key.0 && models == key.1 => counts,
                    _ => {
                        let counts = exposition::drift_counts(&store, raw)?;
                        if let Ok(mut m) = self.drift.lock() {
                            *m = Some((key.0, key.1, counts));
                        }
                        counts
                    }
                };
                Some(exposition::snapshot(
                    &store,
                    raw,
                    Some(drift),
                    cockpit_core::clock::now(),
                    monitoring::FRESHNESS_THRESHOLD_HOURS,
                )?)
            }
            // The health gauges say why (the database check).
            Err(_) => None,
        };
        Ok(exposition::render(&report, snapshot.as_ref()))
    }
}

/// Name, size and modification time of every file of a folder, sorted: changes when a model
/// set is replaced.
fn folder_stamp(
    dir: &std::path::Path,
) -> Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> {
    let mut stamp: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.file_name(), m.len(), m.modified().ok()))
        })
        .collect();
    stamp.sort();
    stamp
}

/// The models of `dir` loaded and verified once per change of its files, for `cockpit serve`
/// alone: loading them (checksums, ONNX sessions) is most of a health report's time and memory,
/// and a scrape a minute would otherwise repeat it. `None` (the report loads them itself) when
/// ONNX Runtime cannot be loaded.
pub fn models_loaded_once(dir: PathBuf) -> ModelsInService {
    type Memo = Option<(
        Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)>,
        Result<String, String>,
    )>;
    let memo: std::sync::Mutex<Memo> = std::sync::Mutex::new(None);
    Arc::new(move || {
        let rt = cockpit_core::model::OrtRuntime::init(None).ok()?;
        let stamp = folder_stamp(&dir);
        let mut memo = memo.lock().ok()?;
        if let Some((seen, result)) = memo.as_ref() {
            if *seen == stamp {
                return Some(result.clone());
            }
        }
        let result = cockpit_core::model::ModelSet::load_for_scoring(&dir, rt)
            .map(|m| m.manifest().model_version.clone())
            .map_err(|e| e.to_string());
        *memo = Some((stamp, result.clone()));
        Some(result)
    })
}

/// Parses `text` and binds it, before anything else starts; warns when it is not loopback.
pub fn bind(text: &str) -> Result<std::net::TcpListener, CliError> {
    let address = exposition::parse_listen(text)?;
    let listener = std::net::TcpListener::bind(address)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| exposition::bind_error(address, e))?;
    if let Some(w) = exposition::exposure_warning(address, Lang::En) {
        say_err!("warning: {w}");
        tracing::warn!(%address, "endpoint listening beyond this machine");
    }
    Ok(listener)
}

/// A single-threaded tokio runtime (the work runs on its blocking threads).
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the endpoint's runtime: {e}")))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Serves `listener` until `shutdown` resolves; connections still open then are closed.
pub async fn serve(
    listener: std::net::TcpListener,
    endpoint: Endpoint,
    shutdown: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let address = listener.local_addr().ok();
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| match address {
        Some(a) => CliError::from(exposition::bind_error(a, e)),
        None => CliError::Usage(format!("cannot listen: {e}")),
    })?;
    let endpoint = Arc::new(endpoint);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Too many open files and the like: wait a little, keep serving.
                        tracing::warn!(error = %e, "endpoint cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let endpoint = endpoint.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let endpoint = endpoint.clone();
                        async move { Ok::<_, std::convert::Infallible>(answer(endpoint, req).await) }
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(stream), service);
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "endpoint connection ended with an error");
                    }
                });
            }
        }
    }
    tracing::info!("endpoint stopped");
    Ok(())
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn answer(endpoint: Arc<Endpoint>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let route = match path {
        "/health" => Route::Health,
        "/metrics" => Route::Metrics,
        _ => {
            return text(
                StatusCode::NOT_FOUND,
                "not found: this endpoint answers GET /health and GET /metrics\n",
            )
        }
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method not allowed: {path} answers GET (and HEAD) only\n"),
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let t0 = std::time::Instant::now();
    let work = tokio::task::spawn_blocking(move || route.answer(&endpoint)).await;
    let response = work.unwrap_or_else(|e| {
        text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {e}\n"),
        )
    });
    tracing::debug!(
        path,
        status = response.status().as_u16(),
        duration_ms = t0.elapsed().as_millis() as u64,
        "endpoint request"
    );
    response
}

#[derive(Clone, Copy)]
enum Route {
    Health,
    Metrics,
}

impl Route {
    fn answer(self, endpoint: &Endpoint) -> Response<Full<Bytes>> {
        match self {
            Route::Health => {
                let report = endpoint.health();
                let status = if report.status == Status::Error {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                };
                match serde_json::to_vec_pretty(&report) {
                    Ok(json) => {
                        let mut r = text(status, json);
                        r.headers_mut()
                            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                        r
                    }
                    Err(e) => text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("cannot encode the health report: {e}\n"),
                    ),
                }
            }
            Route::Metrics => match endpoint.metrics() {
                Ok(body) => {
                    let mut r = text(StatusCode::OK, body);
                    r.headers_mut().insert(
                        CONTENT_TYPE,
                        HeaderValue::from_static(exposition::CONTENT_TYPE),
                    );
                    r
                }
                Err(e) => text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot read the metrics: {e}\n"),
                ),
            },
        }
    }
}

/// Binds the address, serves until Ctrl-C or SIGTERM.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode, CliError> {
    let models = workspace(cli)?.models_shown();
    let endpoint = Endpoint::new(cli, args.inbox.clone(), models_loaded_once(models))?;
    let listener = bind(&args.listen)?;
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| args.listen.clone());
    say!(
        "Serving http://{address}/health and http://{address}/metrics for {} (read-only). Stop with Ctrl-C.",
        endpoint.db.display()
    );
    tracing::info!(%address, "endpoint listening");
    runtime()?.block_on(serve(listener, endpoint, shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}
