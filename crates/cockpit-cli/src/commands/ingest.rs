//! `cockpit ingest`: CSV files (SCADA, turbine registry, logbook) into the database, with a
//! per-file report of accepted and quarantined rows.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cockpit_core::ingest::{self, IngestReport};
use cockpit_core::lang::Lang;
use cockpit_core::mapping::Mapping;

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// CSV files: SCADA records, turbine registry and/or maintenance logbook
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Column mapping: a built-in name (canonical, edp, engie) or a TOML file
    #[arg(long, value_name = "M")]
    pub mapping: Option<String>,
    /// Time zone of timestamps written without an offset (IANA name, e.g. Europe/Paris);
    /// overrides the mapping's. Timestamps with Z or an offset are taken as written.
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Print the summary as one JSON object
    #[arg(long)]
    pub json: bool,
}

/// Ingests the files; exit code 2 when a file could not be ingested at all.
pub fn run(cli: &Cli, args: &IngestArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let mut mapping = match &args.mapping {
        Some(m) => Mapping::load(m)?,
        None => Mapping::canonical(),
    };
    if let Some(tz) = &args.timezone {
        mapping.set_timezone(tz)?;
    }
    let report = ingest::ingest_files(&mut store, &args.files, &mapping);
    if args.json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(exit_code(&report))
}

fn exit_code(report: &IngestReport) -> ExitCode {
    if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn print_report(report: &IngestReport) {
    for f in &report.files {
        let rate = if f.duration_ms > 0 && f.rows >= 10_000 {
            format!(
                ", {:.0} rows/s",
                f.rows as f64 / (f.duration_ms as f64 / 1000.0)
            )
        } else {
            String::new()
        };
        say!(
            "{} ({}, mapping {}): {} rows read in {} ms{rate}",
            f.file,
            f.kind,
            f.mapping,
            f.rows,
            f.duration_ms
        );
        say!(
            "  accepted {}, quarantined {}, duplicates {}, out of order {}",
            f.accepted,
            f.quarantined,
            f.duplicates,
            f.out_of_order
        );
        for (code, r) in &f.reasons {
            say!("  quarantined {:>7} × {code}: e.g. {}", r.count, r.example);
        }
        for (signal, r) in &f.cleared_values {
            say!(
                "  cleared     {:>7} × {signal} (value out of range, record kept): e.g. {}",
                r.count,
                r.example
            );
        }
        if f.standstill_zeroed > 0 {
            say!(
                "  note: {} speeds slightly below zero at standstill were read as 0",
                f.standstill_zeroed
            );
        }
        if !f.absent_columns.is_empty() {
            say!(
                "  not in the file (left empty): {}",
                f.absent_columns.join(", ")
            );
        }
        if let Some(line) = f.all_quarantined(Lang::En) {
            say_err!("warning: {line}");
        }
        if f.duplicates > 0 {
            say!(
                "  note: {} rows repeat a key already stored; the stored values were kept",
                f.duplicates
            );
        }
        if f.out_of_order > 0 {
            say!(
                "  note: {} rows are earlier than the row before them for the same turbine; they were stored",
                f.out_of_order
            );
        }
    }
    for f in &report.failed {
        say_err!("error: {}", f.error);
    }
    if report.files.len() > 1 {
        say!(
            "total: accepted {}, quarantined {}, duplicates {}",
            report.accepted,
            report.quarantined,
            report.duplicates
        );
    }
    if let Some(retry) = &report.retry {
        println!("{}", retry.summary(Lang::En));
    }
}
