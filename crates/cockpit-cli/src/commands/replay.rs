//! `cockpit replay`: one daily run per day over the stored history, kept in the run journal, and
//! a summary of what they said (how a real export is judged: `make realdata`).

use std::process::ExitCode;

use clap::Args;
use cockpit_core::runs::replay;

use super::common::{fmt_opt, load_models, open_store, DaySpan};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The days replayed.
    #[command(flatten)]
    pub days: DaySpan,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Replays the days, commits their runs and prints the summary.
pub fn run(cli: &Cli, args: &ReplayArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let (from, to) = args.days.parse()?;
    let (mut models, policy) = load_models(cli)?;
    let r = replay::replay_daily(&mut store, &mut models, &policy, from, to)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "Replayed {} daily runs from {} to {} in {} ms ({} days already had a run); {} turbine-days, {} scored",
        r.runs,
        if r.first_day.is_empty() { "-" } else { &r.first_day },
        if r.last_day.is_empty() { "-" } else { &r.last_day },
        r.duration_ms,
        r.skipped_days,
        r.turbine_days,
        r.scored()
    );
    for c in ["critical", "high", "moderate", "low"] {
        let n = r.by_category.get(c).copied().unwrap_or(0);
        say!("  {c:<9} {n:>6}");
    }
    for n in &r.not_scored {
        say!(
            "  not scored ({}): {} turbine-days, e.g. \"{}\"",
            n.kind,
            n.turbine_days,
            n.example
        );
    }
    say!(
        "High or critical: {} of scored turbine-days; {} alert episodes ({} per turbine-month)",
        r.flagged_share()
            .map(|s| format!("{:.1} %", s * 100.0))
            .unwrap_or_else(|| "-".into()),
        r.episodes.len(),
        fmt_opt(r.episodes_per_turbine_month, 2)
    );
    for e in &r.episodes {
        say!(
            "  {} {}..{} ({} d, {} {:.0}): {}",
            e.turbine_id,
            e.first_day,
            e.last_day,
            e.days,
            e.peak_category,
            e.peak_score,
            e.drivers.join("; ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
