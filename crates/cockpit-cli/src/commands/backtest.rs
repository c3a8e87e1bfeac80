//! `cockpit backtest`: daily runs replayed over the stored history against the failure logbook.

use std::process::ExitCode;

use clap::Args;
use cockpit_core::lang::Lang;
use cockpit_core::risk::Category;
use cockpit_core::runs::backtest;

use super::common::{fmt_opt, load_models, open_store, DaySpan};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// The days replayed.
    #[command(flatten)]
    pub days: DaySpan,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Replays the runs and prints each failure, whether it was caught, and the overall figures.
pub fn run(cli: &Cli, args: &BacktestArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let (from, to) = args.days.parse()?;
    let (mut models, policy) = load_models(cli)?;
    let r = backtest::backtest(&store, &mut models, &policy, from, to)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{:.0} %", x * 100.0))
            .unwrap_or_else(|| "-".into())
    };
    say!(
        "Backtest of {} daily runs from {} to {} over {} turbines ({} turbine-days scored)",
        r.days,
        r.first_day,
        r.last_day,
        r.turbines,
        r.scored_snapshots
    );
    say!(
        "{:<12} {:<18} {:<21} {:<21} {:>6}  caught",
        "turbine",
        "component",
        "failure",
        "first flagged",
        "lead d"
    );
    for f in &r.failures {
        say!(
            "{:<12} {:<18} {:<21} {:<21} {:>6}  {}",
            f.turbine_id,
            f.component,
            f.failure_time,
            f.first_flagged.as_deref().unwrap_or("-"),
            fmt_opt(f.lead_days, 1),
            if f.caught { "yes" } else { "no" }
        );
    }
    say!(
        "Recall (failures flagged high/critical within 7 days before): {}; precision of high/critical: {}; false alarms per turbine-month: {}; median lead time: {} days",
        pct(r.recall),
        pct(r.precision),
        fmt_opt(r.false_alarms_per_turbine_month, 2),
        fmt_opt(r.median_lead_days, 1)
    );
    say!("{}", r.levels.high.text(Category::High, Lang::En));
    say!("{}", r.levels.critical.text(Category::Critical, Lang::En));
    say!("{}", r.levels.moderate.text(Category::Moderate, Lang::En));
    say!("{}", cockpit_core::lang::ttf_coverage(&r.ttf, Lang::En));
    Ok(ExitCode::SUCCESS)
}
