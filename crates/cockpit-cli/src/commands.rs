//! Sub-command implementations: argument structs, calls into the core, printing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cockpit_core::demo;
use cockpit_core::features::{self, ExportOptions};
use cockpit_core::ingest::{self, IngestReport};
use cockpit_core::mapping::Mapping;
use cockpit_core::schema;
use cockpit_core::sim::{self, SimConfig};
use cockpit_core::store::{self, Store};

use crate::{Cli, Command};

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
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot write JSON output: {0}")]
    Json(#[from] serde_json::Error),
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
    /// Where to write the simulated CSV files [default: <data dir>/demo]
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

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Simulate(args) => simulate(&args),
        Command::Ingest(args) => {
            let mut store = open_store(cli.db.as_deref())?;
            ingest_cmd(&mut store, &args)
        }
        Command::Demo(args) => {
            let mut store = open_store(cli.db.as_deref())?;
            demo_cmd(&mut store, &args)
        }
        Command::Features(args) => {
            let store = open_store(cli.db.as_deref())?;
            features_cmd(&store, &args)
        }
    }
}

fn open_store(db: Option<&Path>) -> Result<Store, CliError> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => store::default_db_path()?,
    };
    Ok(Store::open(&path)?)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
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

fn demo_cmd(store: &mut Store, args: &DemoArgs) -> Result<ExitCode, CliError> {
    let out = match &args.out {
        Some(p) => p.clone(),
        None => store::default_data_dir()?.join("demo"),
    };
    let t0 = std::time::Instant::now();
    let report = demo::run_demo(store, &out, now())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    let counts = store.counts()?;
    println!(
        "Demo park '{}': {} turbines × {} days ({} to {}), simulated and ingested in {:.1} s",
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
    println!("  CSV files in {}", out.display());
    Ok(ExitCode::SUCCESS)
}
