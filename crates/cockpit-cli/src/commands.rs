//! Sub-command implementations: argument structs, calls into the core, printing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cockpit_core::config;
use cockpit_core::demo;
use cockpit_core::features::{self, ExportOptions};
use cockpit_core::ingest::{self, IngestReport};
use cockpit_core::journal;
use cockpit_core::mapping::Mapping;
use cockpit_core::model::{ModelError, ModelSet, OrtRuntime};
use cockpit_core::risk::{Category, RiskError, RiskPolicy};
use cockpit_core::runs::queries::{self, FleetFilter, QueryError, SortKey};
use cockpit_core::runs::{self, backtest, RunError, RunRecord, RunRequest, Trigger};
use cockpit_core::schema;
use cockpit_core::service::{self, Service, ServiceConfig};
use cockpit_core::sim::{self, SimConfig};
use cockpit_core::store::{self, Store};
use cockpit_core::telemetry::{self, health, logging, metrics};
use cockpit_core::triggers::DailySchedule;

use crate::{Cli, Command};
use cockpit_core::clock::now;

/// Errors that end a command with a message and exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Mapping(#[from] cockpit_core::mapping::MappingError),
    #[error(transparent)]
    Sim(#[from] sim::SimError),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
    #[error(transparent)]
    Features(#[from] features::FeatureError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Risk(#[from] RiskError),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Service(#[from] service::ServiceError),
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot write JSON output: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Telemetry(#[from] telemetry::TelemetryError),
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Number of turbines
    #[arg(long, default_value_t = 20)]
    pub turbines: usize,
    /// Number of days of 10-minute records
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// Random seed: the same seed gives byte-identical files
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// First day simulated, YYYY-MM-DD (UTC) [default: the given number of days before today]
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Expected failures per turbine per year
    #[arg(long, default_value_t = 2.5)]
    pub failure_rate: f64,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// CSV files: SCADA records, turbine registry and/or maintenance logbook
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Column mapping: a built-in name (canonical, edp) or a TOML file
    #[arg(long, value_name = "M")]
    pub mapping: Option<String>,
    /// Print the summary as one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the simulated CSV files [default: demo/ beside the database]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FeaturesArgs {
    /// Output CSV file
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Time between snapshots (e.g. 1d, 12h)
    #[arg(long, default_value = "1d", value_name = "INTERVAL")]
    pub every: String,
    /// First snapshot, YYYY-MM-DD[THH:MM] [default: 7 days after the first record]
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Last snapshot [default: the latest record]
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Score as of this time (YYYY-MM-DD[THH:MM[:SS]Z]) instead of the latest data
    #[arg(long, value_name = "TIMESTAMP")]
    pub at: Option<String>,
    /// Print the run as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FleetArgs {
    /// Only this category (critical, high, moderate, low — or in French)
    #[arg(long, value_name = "C")]
    pub category: Option<String>,
    /// Only this site
    #[arg(long, value_name = "S")]
    pub site: Option<String>,
    /// Order: score (highest first), p_fail (highest first) or ttf (shortest first)
    #[arg(long, default_value = "score", value_name = "KEY")]
    pub sort: String,
    /// At most N turbines
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TurbineArgs {
    /// Turbine id, e.g. LYO-07
    pub id: String,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// At most N runs
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// First day replayed [default: 7 days after the first record]
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day replayed [default: the latest record]
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// New time of day for the daily run (local time, HH:MM)
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// Turn the daily run on
    #[arg(long, conflicts_with = "off")]
    pub on: bool,
    /// Turn the daily run off
    #[arg(long)]
    pub off: bool,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Inbox folder: CSV files dropped there are ingested, then the fleet is rescored
    /// [default: <data dir>/inbox]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// Column mapping applied to inbox files
    #[arg(long, value_name = "M")]
    pub mapping: Option<String>,
    /// Do not run the daily timer
    #[arg(long)]
    pub no_timer: bool,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Inbox folder to check for a backlog [default: <data dir>/inbox, as `cockpit watch`]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// A turbine whose latest SCADA record is older than this is stale
    #[arg(long, default_value_t = telemetry::monitoring::FRESHNESS_THRESHOLD_HOURS, value_name = "HOURS")]
    pub stale_hours: f64,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiagnosticsArgs {
    /// Write a diagnostics bundle (.tar.gz: health, metrics, journals, logs) into this folder
    /// instead of printing the diagnostics
    #[arg(long, value_name = "DIR")]
    pub bundle: Option<PathBuf>,
    /// Inbox folder checked by the bundle's health report [default: <data dir>/inbox]
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Loads the models and the risk policy named by the global options.
fn load_models(cli: &Cli) -> Result<(ModelSet, RiskPolicy), CliError> {
    let (policy, _) = config::load_policy(cli.policy.as_deref())?;
    let ort = OrtRuntime::init(None)?;
    let dir = config::models_dir(cli.models.as_deref());
    let names = features::feature_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let models = ModelSet::load(&dir, &refs, ort)?;
    Ok((models, policy))
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Score(args) => return score_cmd(&cli, args),
        Command::Fleet(args) => return fleet_cmd(&open_store(cli.db.as_deref())?, args),
        Command::Turbine(args) => return turbine_cmd(&open_store(cli.db.as_deref())?, args),
        Command::Runs(args) => return runs_cmd(&open_store(cli.db.as_deref())?, args),
        Command::Backtest(args) => return backtest_cmd(&cli, args),
        Command::Demo(args) => return demo_cmd(&cli, args),
        Command::Schedule(args) => return schedule_cmd(&open_store(cli.db.as_deref())?, args),
        Command::Watch(args) => return watch_cmd(&cli, args),
        Command::Health(args) => return health_cmd(&cli, args),
        Command::Diagnostics(args) => return diagnostics_cmd(&cli, args),
        _ => {}
    }
    match cli.command {
        Command::Simulate(args) => simulate(&args),
        Command::Ingest(args) => {
            let mut store = open_store(cli.db.as_deref())?;
            ingest_cmd(&mut store, &args)
        }
        Command::Features(args) => {
            let store = open_store(cli.db.as_deref())?;
            features_cmd(&store, &args)
        }
        Command::Score(_)
        | Command::Fleet(_)
        | Command::Turbine(_)
        | Command::Runs(_)
        | Command::Backtest(_)
        | Command::Schedule(_)
        | Command::Watch(_)
        | Command::Health(_)
        | Command::Diagnostics(_)
        | Command::Demo(_) => unreachable!("handled above"),
    }
}

fn open_store(db: Option<&Path>) -> Result<Store, CliError> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => store::default_db_path()?,
    };
    Ok(Store::open(&path)?)
}

fn parse_time(flag: &str, value: &str) -> Result<i64, CliError> {
    schema::parse_timestamp(value).ok_or_else(|| {
        CliError::Usage(format!(
            "{flag} '{value}' is not a date or time (expected e.g. 2026-05-01 or 2026-05-01T06:00:00Z)"
        ))
    })
}

fn features_cmd(store: &Store, args: &FeaturesArgs) -> Result<ExitCode, CliError> {
    let opts = ExportOptions {
        every: features::parse_interval(&args.every)?,
        from: args
            .from
            .as_deref()
            .map(|v| parse_time("--from", v))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|v| parse_time("--to", v))
            .transpose()?,
    };
    let file = std::fs::File::create(&args.out).map_err(|source| CliError::Create {
        path: args.out.clone(),
        source,
    })?;
    let t0 = std::time::Instant::now();
    let summary = features::export_training_table(store, std::io::BufWriter::new(file), &opts)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Wrote {} rows ({} turbines × {} snapshots from {} to {}, {} features) to {} in {:.1} s",
            summary.rows,
            summary.turbines,
            summary.snapshots,
            summary.first_snapshot,
            summary.last_snapshot,
            summary.features,
            args.out.display(),
            t0.elapsed().as_secs_f64()
        );
        println!(
            "  {} rows fail within 7 days, {} rows with an unknown 7-day label (data ends), {} snapshots skipped during repairs",
            summary.positives_7d, summary.unknown_7d, summary.excluded_in_repair
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn simulate(args: &SimulateArgs) -> Result<ExitCode, CliError> {
    let start = match &args.start {
        Some(s) => schema::parse_timestamp(s)
            .map(|t| t.div_euclid(86_400) * 86_400)
            .ok_or_else(|| {
                CliError::Usage(format!("--start '{s}' is not a date (expected YYYY-MM-DD)"))
            })?,
        None => (now().div_euclid(86_400) - i64::from(args.days)) * 86_400,
    };
    let mut cfg = SimConfig::new(args.turbines, args.days, args.seed, start);
    cfg.failure_rate_per_year = args.failure_rate;
    let t0 = std::time::Instant::now();
    let summary = sim::simulate(&cfg, &args.out)?;
    let secs = t0.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Simulated {} turbines × {} days from {} (seed {}) in {:.1} s",
            summary.turbines,
            args.days,
            schema::format_timestamp(start),
            args.seed,
            secs
        );
        println!(
            "  {} SCADA rows, {} failures ({} without a visible precursor)",
            summary.scada_rows, summary.failures, summary.failures_without_precursor
        );
        for f in &summary.files {
            println!("  wrote {}", f.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ingest_cmd(store: &mut Store, args: &IngestArgs) -> Result<ExitCode, CliError> {
    let mapping = match &args.mapping {
        Some(m) => Mapping::load(m)?,
        None => Mapping::canonical(),
    };
    let report = ingest::ingest_files(store, &args.files, &mapping);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_ingest(&report);
    }
    Ok(ingest_exit(&report))
}

fn ingest_exit(report: &IngestReport) -> ExitCode {
    if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn print_ingest(report: &IngestReport) {
    for f in &report.files {
        let rate = if f.duration_ms > 0 && f.rows >= 10_000 {
            format!(
                ", {:.0} rows/s",
                f.rows as f64 / (f.duration_ms as f64 / 1000.0)
            )
        } else {
            String::new()
        };
        println!(
            "{} ({}, mapping {}): {} rows read in {} ms{rate}",
            f.file, f.kind, f.mapping, f.rows, f.duration_ms
        );
        println!(
            "  accepted {}, quarantined {}, duplicates {}, out of order {}",
            f.accepted, f.quarantined, f.duplicates, f.out_of_order
        );
        for (code, r) in &f.reasons {
            println!("  quarantined {:>7} × {code}: e.g. {}", r.count, r.example);
        }
        if f.duplicates > 0 {
            println!(
                "  note: {} rows repeat a key already stored; the stored values were kept",
                f.duplicates
            );
        }
        if f.out_of_order > 0 {
            println!(
                "  note: {} rows are earlier than the row before them for the same turbine; they were stored",
                f.out_of_order
            );
        }
    }
    for f in &report.failed {
        eprintln!("error: {}", f.error);
    }
    if report.files.len() > 1 {
        println!(
            "total: accepted {}, quarantined {}, duplicates {}",
            report.accepted, report.quarantined, report.duplicates
        );
    }
}

fn demo_cmd(cli: &Cli, args: &DemoArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli.db.as_deref())?;
    // The CSV files go beside the database (its folder's `demo/`), as in the desktop app.
    let out = match (&args.out, &cli.db) {
        (Some(p), _) => p.clone(),
        (None, Some(db)) => db
            .parent()
            .map_or_else(|| PathBuf::from("demo"), |d| d.join("demo")),
        (None, None) => store::default_data_dir()?.join("demo"),
    };
    let t0 = std::time::Instant::now();
    let report = demo::run_demo(&mut store, &out, now())?;
    let (mut models, policy) = load_models(cli)?;
    let backfilled = runs::backfill_daily(&mut store, &mut models, &policy, demo::BACKFILL_DAYS)?;
    let run = runs::score(
        &mut store,
        &mut models,
        &policy,
        RunRequest {
            trigger: Trigger::Cli,
            at: None,
            scheduled_for: None,
        },
    )?;
    if args.json {
        let value =
            serde_json::json!({ "demo": report, "backfilled_runs": backfilled, "run": run });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    let counts = store.counts()?;
    println!(
        "Demo park '{}': {} turbines × {} days ({} to {}), simulated, ingested and scored in {:.1} s",
        report.park.name,
        report.park.turbines,
        report.park.days,
        report.start,
        report.end,
        t0.elapsed().as_secs_f64()
    );
    println!(
        "  {} SCADA rows, {} failures in the logbook; this run accepted {} rows, {} already stored",
        report.simulation.scada_rows,
        report.simulation.failures,
        report.ingestion.accepted,
        report.ingestion.duplicates
    );
    println!(
        "  database {}: {} turbines, {} readings, {} logbook entries, {} quarantined rows",
        store.path().display(),
        counts.turbines,
        counts.readings,
        counts.logbook,
        counts.quarantine
    );
    println!(
        "  {backfilled} daily runs backfilled over the last {} days",
        demo::BACKFILL_DAYS
    );
    print_run(&run);
    println!("  CSV files in {}", out.display());
    println!("Next: cockpit fleet | cockpit turbine <ID> | cockpit runs | cockpit backtest");
    Ok(ExitCode::SUCCESS)
}

fn print_run(run: &RunRecord) {
    let c = run.counts;
    println!(
        "Run #{} ({}, {}): {} in {} ms, data as of {}, models {}",
        run.id,
        run.trigger,
        run.started_at,
        run.status,
        run.duration_ms,
        run.as_of.as_deref().unwrap_or("-"),
        run.model_version.as_deref().unwrap_or("-")
    );
    println!(
        "  critical {}, high {}, moderate {}, low {}, not scored {}",
        c.critical, c.high, c.moderate, c.low, c.not_scored
    );
    if let Some(e) = &run.error {
        println!("  error: {e}");
    }
}

fn score_cmd(cli: &Cli, args: &ScoreArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli.db.as_deref())?;
    let at = args
        .at
        .as_deref()
        .map(|v| parse_time("--at", v))
        .transpose()?;
    let req = RunRequest {
        trigger: Trigger::Cli,
        at,
        scheduled_for: None,
    };
    let (mut models, policy) = match load_models(cli) {
        Ok(m) => m,
        Err(e) => {
            // A run that cannot even load its models is still a failed run of the journal.
            runs::record_failure(
                &store,
                &req,
                now(),
                std::time::Instant::now(),
                None,
                &e.to_string(),
            )?;
            return Err(e);
        }
    };
    let run = runs::score(&mut store, &mut models, &policy, req)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        print_run(&run);
    }
    Ok(ExitCode::SUCCESS)
}

fn fmt_opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "-".into())
}

fn fleet_cmd(store: &Store, args: &FleetArgs) -> Result<ExitCode, CliError> {
    let category = args
        .category
        .as_deref()
        .map(|c| Category::parse(c).ok_or_else(|| QueryError::UnknownCategory(c.to_string())))
        .transpose()?;
    let filter = FleetFilter {
        category,
        site: args.site.clone(),
        search: None,
        sort: Some(SortKey::parse(&args.sort)?),
        limit: args.limit,
    };
    let view = queries::fleet(store, &filter)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view.items)?);
        return Ok(ExitCode::SUCCESS);
    }
    let c = view.counts;
    println!(
        "Fleet as of {} (run #{}): critical {}, high {}, moderate {}, low {}, not scored {}",
        view.run.as_of.as_deref().unwrap_or("-"),
        view.run.id,
        c.critical,
        c.high,
        c.moderate,
        c.low,
        c.not_scored
    );
    println!(
        "{:<12} {:<10} {:<9} {:>5} {:>6} {:>8}  main driver",
        "turbine", "site", "category", "score", "p(7d)", "ttf (d)"
    );
    for i in &view.items {
        let ttf = match i.ttf_days {
            Some(_) if i.ttf_censored => format!("> {:.0}", features::HORIZON_DAYS),
            v => fmt_opt(v, 1),
        };
        let driver = match (&i.not_scored_reason, i.drivers.first()) {
            (Some(r), _) => format!("not scored: {r}"),
            (None, Some(d)) => d.describe(),
            (None, None) => "-".into(),
        };
        println!(
            "{:<12} {:<10} {:<9} {:>5} {:>6} {:>8}  {}",
            i.turbine_id,
            i.site,
            i.category.map(Category::as_str).unwrap_or("-"),
            fmt_opt(i.risk_score, 1),
            fmt_opt(i.p_fail_7d, 3),
            ttf,
            driver
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn turbine_cmd(store: &Store, args: &TurbineArgs) -> Result<ExitCode, CliError> {
    let started = std::time::Instant::now();
    let result = queries::turbine(store, &args.id);
    let op = journal::Operation::finished(
        journal::OperationKind::TurbineRequest,
        "turbine",
        started,
        result.as_ref().map(|_| ()).map_err(ToString::to_string),
        Some(args.id.clone()),
    );
    journal::record_quietly(store, &op);
    let d = result?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(ExitCode::SUCCESS);
    }
    let id = &d.identity;
    println!(
        "{} — site {}, {} ({:.0} kW), commissioned {}, at {:.4}, {:.4}",
        id.turbine_id,
        id.site,
        id.model,
        id.rated_power_kw,
        id.commissioning_date,
        id.latitude,
        id.longitude
    );
    if !d.last_measurements.is_empty() {
        let parts: Vec<String> = d
            .last_measurements
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                )
            })
            .collect();
        println!("Last measurements: {}", parts.join(", "));
    }
    match &d.prediction {
        Some(p) if p.scored => println!(
            "Latest prediction (run #{}, as of {}): {} — score {}, p(failure ≤ 7 d) = {}, days to failure {}",
            p.run_id,
            p.scored_at,
            p.category.map(Category::as_str).unwrap_or("-"),
            fmt_opt(p.risk_score, 1),
            fmt_opt(p.p_fail_7d, 3),
            if p.ttf_censored { format!("> {:.0}", features::HORIZON_DAYS) } else { fmt_opt(p.ttf_days, 1) }
        ),
        Some(p) => println!(
            "Latest run #{} (as of {}): not scored — {}",
            p.run_id,
            p.scored_at,
            p.not_scored_reason.as_deref().unwrap_or("-")
        ),
        None => println!("No prediction yet: run `cockpit score`."),
    }
    for dr in &d.drivers {
        println!("  driver: {}", dr.describe());
    }
    println!("Risk history ({} runs):", d.history.len());
    for h in d.history.iter().rev().take(15) {
        println!(
            "  {}  {:<9} {:>5}  p={}",
            h.as_of,
            h.category.map(Category::as_str).unwrap_or("-"),
            fmt_opt(h.risk_score, 1),
            fmt_opt(h.p_fail_7d, 3)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn runs_cmd(store: &Store, args: &RunsArgs) -> Result<ExitCode, CliError> {
    let runs = queries::journal(store, args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5} {:<9} {:<21} {:<10} {:>8} {:<21} {:>4} {:>4} {:>4} {:>4} {:>4}  model / error",
        "run",
        "trigger",
        "started",
        "status",
        "ms",
        "data as of",
        "crit",
        "high",
        "mod",
        "low",
        "n/s"
    );
    for r in &runs {
        let c = r.counts;
        println!(
            "{:>5} {:<9} {:<21} {:<10} {:>8} {:<21} {:>4} {:>4} {:>4} {:>4} {:>4}  {}",
            r.id,
            r.trigger,
            r.started_at,
            r.status,
            r.duration_ms,
            r.as_of.as_deref().unwrap_or("-"),
            c.critical,
            c.high,
            c.moderate,
            c.low,
            c.not_scored,
            r.error
                .as_deref()
                .or(r.model_version.as_deref())
                .unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn backtest_cmd(cli: &Cli, args: &BacktestArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli.db.as_deref())?;
    let from = args
        .from
        .as_deref()
        .map(|v| parse_time("--from", v))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|v| parse_time("--to", v))
        .transpose()?;
    let (mut models, policy) = load_models(cli)?;
    let r = backtest::backtest(&store, &mut models, &policy, from, to)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{:.0} %", x * 100.0))
            .unwrap_or_else(|| "-".into())
    };
    println!(
        "Backtest of {} daily runs from {} to {} over {} turbines ({} turbine-days scored)",
        r.days, r.first_day, r.last_day, r.turbines, r.scored_snapshots
    );
    println!(
        "{:<12} {:<18} {:<21} {:<21} {:>6}  caught",
        "turbine", "component", "failure", "first flagged", "lead d"
    );
    for f in &r.failures {
        println!(
            "{:<12} {:<18} {:<21} {:<21} {:>6}  {}",
            f.turbine_id,
            f.component,
            f.failure_time,
            f.first_flagged.as_deref().unwrap_or("-"),
            fmt_opt(f.lead_days, 1),
            if f.caught { "yes" } else { "no" }
        );
    }
    println!(
        "Recall (failures flagged high/critical within 7 days before): {}; precision of high/critical: {}; false alarms per turbine-month: {}; median lead time: {} days",
        pct(r.recall),
        pct(r.precision),
        fmt_opt(r.false_alarms_per_turbine_month, 2),
        fmt_opt(r.median_lead_days, 1)
    );
    Ok(ExitCode::SUCCESS)
}

fn schedule_cmd(store: &Store, args: &ScheduleArgs) -> Result<ExitCode, CliError> {
    let mut schedule = service::schedule(store)?;
    let changed = args.at.is_some() || args.on || args.off;
    if let Some(at) = &args.at {
        let (h, m) = DailySchedule::parse_time(at).map_err(|e| CliError::Usage(e.to_string()))?;
        schedule.hour = h;
        schedule.minute = m;
    }
    if args.on {
        schedule.enabled = true;
    }
    if args.off {
        schedule.enabled = false;
    }
    if changed {
        service::set_schedule(store, &schedule)?;
    }
    let next = schedule
        .next_slot_local(now())
        .map(schema::format_timestamp);
    if args.json {
        let v = serde_json::json!({ "schedule": schedule, "next_run": next, "last_timer_run": service::last_timer_run(store)?.map(schema::format_timestamp) });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if schedule.enabled {
        println!(
            "Daily run at {} (local time); next: {}",
            schedule.time_text(),
            next.as_deref().unwrap_or("-")
        );
    } else {
        println!(
            "Daily run is off (time of day kept: {})",
            schedule.time_text()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn watch_cmd(cli: &Cli, args: &WatchArgs) -> Result<ExitCode, CliError> {
    let db = match &cli.db {
        Some(p) => p.clone(),
        None => store::default_db_path()?,
    };
    let inbox = match &args.inbox {
        Some(p) => p.clone(),
        None => store::default_data_dir()?.join("inbox"),
    };
    let (policy, _) = config::load_policy(cli.policy.as_deref())?;
    let mapping = match &args.mapping {
        Some(m) => Mapping::load(m)?,
        None => Mapping::canonical(),
    };
    let cfg = ServiceConfig {
        db,
        models_dir: config::models_dir(cli.models.as_deref()),
        policy,
        inbox: Some(inbox.clone()),
        mapping,
        timer: !args.no_timer,
        watch_models: true,
    };
    let service = Service::start(cfg, |e| {
        let mark = if e.ok { "ok " } else { "ERR" };
        println!("{} {mark} {:<7} {}", e.at, e.kind, e.message);
    })?;
    println!(
        "Watching inbox {} and models {}; daily timer {}. Stop with Ctrl-C.",
        inbox.display(),
        service.models_dir().display(),
        if args.no_timer { "off" } else { "on" }
    );
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

fn db_path(cli: &Cli) -> Result<PathBuf, CliError> {
    Ok(match &cli.db {
        Some(p) => p.clone(),
        None => store::default_db_path()?,
    })
}

fn inbox_path(explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    Ok(match explicit {
        Some(p) => p.to_path_buf(),
        None => store::default_data_dir()?.join("inbox"),
    })
}

fn health_report(
    cli: &Cli,
    inbox: Option<&Path>,
    stale_hours: f64,
) -> Result<health::HealthReport, CliError> {
    if !(stale_hours.is_finite() && stale_hours > 0.0) {
        return Err(CliError::Usage(format!(
            "--stale-hours must be a positive number of hours, found {stale_hours}"
        )));
    }
    let mut cfg = health::HealthConfig::new(
        &db_path(cli)?,
        &config::models_dir(cli.models.as_deref()),
        &inbox_path(inbox)?,
        env!("CARGO_PKG_VERSION"),
    );
    cfg.freshness_hours = stale_hours;
    Ok(health::run(&cfg))
}

/// `cockpit health`: exit 0 when ok, 1 when degraded, 2 when in error.
fn health_cmd(cli: &Cli, args: &HealthArgs) -> Result<ExitCode, CliError> {
    let report = health_report(cli, args.inbox.as_deref(), args.stale_hours)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "Health: {} (cockpit {}, models {}), checked {} in {} ms",
            report.status.as_str(),
            report.app_version,
            report.model_version.as_deref().unwrap_or("not loaded"),
            report.checked_at,
            report.duration_ms
        );
        for c in &report.checks {
            println!("  {:<9} {:<13} {}", c.status.as_str(), c.name, c.message);
        }
    }
    Ok(ExitCode::from(report.status.exit_code()))
}

fn fmt_ms(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.0}")).unwrap_or_else(|| "-".into())
}

fn diagnostics_cmd(cli: &Cli, args: &DiagnosticsArgs) -> Result<ExitCode, CliError> {
    let db = db_path(cli)?;
    let log_dir = logging::log_dir_for_db(&db);
    let models_dir = config::models_dir(cli.models.as_deref());
    let manifest = cockpit_core::model::Manifest::read(&models_dir).ok();
    let now = now();
    if let Some(out) = &args.bundle {
        let report = health_report(
            cli,
            args.inbox.as_deref(),
            telemetry::monitoring::FRESHNESS_THRESHOLD_HOURS,
        )?;
        // The bundle is most needed when the database is in trouble: export what can be read.
        let store = if db.is_file() {
            Store::open(&db).ok()
        } else {
            None
        };
        let diagnostics = match &store {
            Some(s) => telemetry::diagnostics(s, manifest.as_ref().map(|m| &m.raw), &log_dir, now)
                .map_err(|e| e.to_string()),
            None => Err("the database cannot be opened (see health.json)".to_string()),
        };
        let path = telemetry::bundle::export(
            out,
            &telemetry::bundle::BundleInput {
                health: &report,
                diagnostics: diagnostics.as_ref().map_err(Clone::clone),
                store: store.as_ref(),
                log_dir: &log_dir,
                now,
            },
        )?;
        if args.json {
            println!("{}", serde_json::json!({ "path": path }));
        } else {
            println!("Diagnostics bundle written to {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = open_store(Some(&db))?;
    let d = telemetry::diagnostics(&store, manifest.as_ref().map(|m| &m.raw), &log_dir, now)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Operations over the last {} days:",
        metrics::METRICS_WINDOW_DAYS
    );
    println!(
        "  {:<16} {:>6} {:>6} {:>6} {:>9} {:>9}",
        "operation", "count", "ok", "failed", "mean ms", "p95 ms"
    );
    for m in &d.metrics {
        println!(
            "  {:<16} {:>6} {:>6} {:>6} {:>9} {:>9}",
            m.operation,
            m.count,
            m.succeeded,
            m.failed,
            fmt_ms(m.mean_ms),
            fmt_ms(m.p95_ms)
        );
    }
    let errors: Vec<String> = d
        .errors_by_day
        .iter()
        .filter(|e| e.errors > 0)
        .map(|e| format!("{} {}", e.day, e.errors))
        .collect();
    println!(
        "Errors per day (last {} days): {}",
        metrics::ERROR_DAYS,
        if errors.is_empty() {
            "none".to_string()
        } else {
            errors.join(", ")
        }
    );
    let a = &d.availability;
    println!(
        "Availability of the daily run: {} of {} slots on time and succeeded ({})",
        a.on_time_ok,
        a.scheduled,
        a.ratio
            .map(|r| format!("{:.0} %", r * 100.0))
            .unwrap_or_else(|| "no slot yet".into())
    );
    println!(
        "Alert level: {}{}",
        if d.alert_level.unusual {
            "UNUSUAL — "
        } else {
            ""
        },
        d.alert_level.message
    );
    let drifted: Vec<String> = d
        .drift
        .iter()
        .filter(|f| f.status == "significant" || f.status == "moderate")
        .map(|f| format!("{} {:.2} ({})", f.feature, f.psi.unwrap_or(0.0), f.status))
        .collect();
    let unknown = d.drift.iter().filter(|f| f.status == "unknown").count();
    println!(
        "Input drift (PSI vs training): {} features stable, {} drifting{}{}",
        d.drift.iter().filter(|f| f.status == "stable").count(),
        drifted.len(),
        if unknown > 0 {
            format!(", {unknown} unknown (too few values or no reference)")
        } else {
            String::new()
        },
        if drifted.is_empty() {
            String::new()
        } else {
            format!(": {}", drifted.join(", "))
        }
    );
    let f = &d.freshness;
    println!(
        "Data freshness: {} turbines fresh, {} stale (no data for more than {:.0} h){}",
        f.fresh,
        f.stale.len(),
        f.threshold_hours,
        if f.stale.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                f.stale
                    .iter()
                    .take(10)
                    .map(|s| s.turbine_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    println!("Logs: {}", d.log_dir);
    Ok(ExitCode::SUCCESS)
}
