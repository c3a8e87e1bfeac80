//! `cockpit fleet`: the fleet ranked by risk, from the latest run.

use std::process::ExitCode;

use clap::Args;
use cockpit_core::lang::Lang;
use cockpit_core::risk::Category;
use cockpit_core::runs::queries::{self, FleetFilter, QueryError, SortKey};
use cockpit_core::schema::parse_timestamp;
use cockpit_core::workflow;

use super::common::{fmt_opt, open_store, print_track_record};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit fleet`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// Only these categories (critical, high, moderate, low — or in French): repeat the option
    /// or separate them with commas (`--category critical,high`)
    #[arg(long, value_name = "C", value_delimiter = ',')]
    pub category: Vec<String>,
    /// Only this site
    #[arg(long, value_name = "S")]
    pub site: Option<String>,
    /// Only turbines matching TEXT (case-insensitive): turbine id, site, category or a driver,
    /// in English or French (`huile` finds gearbox oil) — the app's search rule
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Order: score (highest first), p_fail (highest first) or ttf (shortest median time to failure first)
    #[arg(long, default_value = "score", value_name = "KEY")]
    pub sort: String,
    /// At most N turbines
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only the turbines with an open alert nobody has acknowledged
    #[arg(long)]
    pub unacknowledged: bool,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Prints the ranked fleet.
pub fn run(cli: &Cli, args: &FleetArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let categories = args
        .category
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .map(|c| Category::parse(c).ok_or_else(|| QueryError::UnknownCategory(c.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = FleetFilter {
        categories,
        site: args.site.clone(),
        search: args.search.clone(),
        sort: Some(SortKey::parse(&args.sort)?),
        limit: args.limit,
        unacknowledged: args.unacknowledged,
        turbines: Vec::new(),
    };
    let view = queries::fleet(&store, &filter)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&view.items)?);
        return Ok(ExitCode::SUCCESS);
    }
    let c = view.counts;
    say!(
        "Fleet as of {} (run #{}): critical {}, high {}, moderate {}, low {}, not scored {}",
        view.run.as_of.as_deref().unwrap_or("-"),
        view.run.id,
        c.critical,
        c.high,
        c.moderate,
        c.low,
        c.not_scored
    );
    // What changed since the previous run (the workflow's alerts, categories up and down).
    if let Some(as_of) = view.run.as_of.as_deref().and_then(parse_timestamp) {
        let w = workflow::Workflow::load(store.conn())?;
        let changes = workflow::views::changes(store.conn(), &w, view.run.id, as_of, Lang::En)?;
        say!("{}", changes.text);
    }
    say!(
        "{:<12} {:<10} {:<9} {:>5} {:>6} {:>12}  main driver",
        "turbine",
        "site",
        "category",
        "score",
        "p(7d)",
        "failure in"
    );
    for i in &view.items {
        let text = i.text(Lang::En);
        let ttf = text
            .time_to_failure_short
            .clone()
            .unwrap_or_else(|| "-".into());
        let mut driver = match (&i.not_scored_reason, i.drivers.first()) {
            (Some(r), _) => format!("not scored: {r}"),
            (None, Some(d)) => d.describe(),
            // A high prediction with no driver says why in words (the core's rule).
            (None, None) => text.drivers.first().cloned().unwrap_or_else(|| "-".into()),
        };
        if let Some(badge) = &text.data_quality.badge {
            driver.push_str(&format!(" [data: {badge}]"));
        }
        say!(
            "{:<12} {:<10} {:<9} {:>5} {:>6} {:>12}  {}",
            i.turbine_id,
            i.site,
            i.category.map(Category::as_str).unwrap_or("-"),
            fmt_opt(i.risk_score, 1),
            fmt_opt(i.p_fail_7d, 3),
            ttf,
            driver
        );
    }
    say!("How often each alert category has been right:");
    print_track_record(&store, cli, None)?;
    Ok(ExitCode::SUCCESS)
}
