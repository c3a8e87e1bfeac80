//! `cockpit schedule`: show or change the daily scoring schedule.

use std::process::ExitCode;

use clap::Args;
use cockpit_core::clock::now;
use cockpit_core::schema;
use cockpit_core::service;
use cockpit_core::triggers::DailySchedule;

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit schedule`.
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

/// Applies the changes asked for, then prints the schedule and the next run.
pub fn run(cli: &Cli, args: &ScheduleArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let mut schedule = service::schedule(&store)?;
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
        service::set_schedule(&store, &schedule)?;
    }
    let next = schedule
        .next_slot_local(now())
        .map(schema::format_timestamp);
    if args.json {
        let v = serde_json::json!({ "schedule": schedule, "next_run": next, "last_timer_run": service::last_timer_run(&store)?.map(schema::format_timestamp) });
        say!("{}", serde_json::to_string_pretty(&v)?);
    } else if schedule.enabled {
        say!(
            "Daily run at {} (local time); next: {}",
            schedule.time_text(),
            next.as_deref().unwrap_or("-")
        );
    } else {
        say!(
            "Daily run is off (time of day kept: {})",
            schedule.time_text()
        );
    }
    Ok(ExitCode::SUCCESS)
}
