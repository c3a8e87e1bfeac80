//! Helpers shared by the sub-commands: the workspace and database of the global options, the
//! models and risk policy, time arguments, number formatting, the printed run summary and each
//! category's track record.

use clap::Args;
use cockpit_core::config;
use cockpit_core::lang::Lang;
use cockpit_core::model::ModelSet;
use cockpit_core::risk::{Category, RiskPolicy};
use cockpit_core::runs::RunRecord;
use cockpit_core::schema;
use cockpit_core::store::Store;
use cockpit_core::workspace::Workspace;

use super::CliError;
use crate::Cli;

/// The workspace of `--db` (else the default database), with the `--models` folder.
pub fn workspace(cli: &Cli) -> Result<Workspace, CliError> {
    Ok(Workspace::resolve(cli.db.as_deref())?.with_models(cli.models.as_deref()))
}

/// Opens the database of `--db` (else the default one).
pub fn open_store(cli: &Cli) -> Result<Store, CliError> {
    Ok(workspace(cli)?.open_store()?)
}

/// The risk policy of `--policy` (else `COCKPIT_POLICY`, the user's file or the built-in one).
pub fn load_policy(cli: &Cli) -> Result<RiskPolicy, CliError> {
    Ok(config::load_policy(cli.policy.as_deref())?.0)
}

/// Loads the models and the risk policy named by the global options.
pub fn load_models(cli: &Cli) -> Result<(ModelSet, RiskPolicy), CliError> {
    let policy = load_policy(cli)?;
    let models = workspace(cli)?.load_models()?;
    Ok((models, policy))
}

/// The manifest (raw JSON) of the model set in service (the latest promotion or rollback, else
/// the models folder of the global options); `None` when it cannot be read (the commands that
/// need the models say why; the others show what they can without).
pub fn served_manifest(cli: &Cli) -> Option<serde_json::Value> {
    let ws = workspace(cli).ok()?;
    cockpit_core::model::Manifest::read(&ws.models_shown())
        .ok()
        .map(|m| m.raw)
}

/// Prints how often each alert category has been right (evaluation fleet, this park).
pub fn print_track_record(
    store: &Store,
    cli: &Cli,
    only: Option<Category>,
) -> Result<(), CliError> {
    let manifest = served_manifest(cli);
    let records = cockpit_core::runs::track_record::track_record(store, manifest.as_ref())?;
    for r in records
        .iter()
        .filter(|r| only.is_none_or(|c| c == r.category))
    {
        say!("{}", r.text(Lang::En));
    }
    Ok(())
}

/// Parses the value of a date or time option (`flag` names it in the message).
pub fn parse_time(flag: &str, value: &str) -> Result<i64, CliError> {
    schema::parse_timestamp(value).ok_or_else(|| {
        CliError::Usage(format!(
            "{flag} '{value}' is not a date or time (expected e.g. 2026-05-01 or 2026-05-01T06:00:00Z)"
        ))
    })
}

/// Parses an optional date or time option.
pub fn parse_opt_time(flag: &str, value: Option<&str>) -> Result<Option<i64>, CliError> {
    value.map(|v| parse_time(flag, v)).transpose()
}

/// `--from` / `--to`: the days a backtest or a replay covers.
#[derive(Debug, Args)]
pub struct DaySpan {
    /// First day replayed [default: 7 days after the first record]
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day replayed [default: the latest record]
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

impl DaySpan {
    /// The two days as Unix times (`None` where not given).
    pub fn parse(&self) -> Result<(Option<i64>, Option<i64>), CliError> {
        Ok((
            parse_opt_time("--from", self.from.as_deref())?,
            parse_opt_time("--to", self.to.as_deref())?,
        ))
    }
}

/// A number with `digits` decimals, or `-`.
pub fn fmt_opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "-".into())
}

/// Prints a run's summary (two or three lines).
pub fn print_run(run: &RunRecord) {
    let c = run.counts;
    say!(
        "Run #{} ({}, {}): {} in {} ms, data as of {}, models {}",
        run.id,
        run.trigger,
        run.started_at,
        run.status,
        run.duration_ms,
        run.as_of.as_deref().unwrap_or("-"),
        run.model_version.as_deref().unwrap_or("-")
    );
    say!(
        "  critical {}, high {}, moderate {}, low {}, not scored {}",
        c.critical,
        c.high,
        c.moderate,
        c.low,
        c.not_scored
    );
    if let Some(e) = &run.error {
        say!("  error: {e}");
    }
}
