//! `cockpit turbine`: one turbine's identity, last measurements, latest prediction, drivers
//! and risk history; the request is timed into the operations journal.

use std::process::ExitCode;

use clap::Args;
use cockpit_core::journal;
use cockpit_core::lang::Lang;
use cockpit_core::risk::Category;
use cockpit_core::runs::{queries, reasons_in_words};

use super::common::{fmt_opt, open_store, print_track_record};
use super::CliError;
use crate::Cli;

/// Arguments of `cockpit turbine`.
#[derive(Debug, Args)]
pub struct TurbineArgs {
    /// Turbine id, e.g. LYO-07
    pub id: String,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Prints the turbine's details.
pub fn run(cli: &Cli, args: &TurbineArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let started = std::time::Instant::now();
    let result = queries::turbine(&store, &args.id);
    let op = journal::Operation::finished(
        journal::OperationKind::TurbineRequest,
        "turbine",
        started,
        result.as_ref().map(|_| ()).map_err(ToString::to_string),
        Some(args.id.clone()),
    );
    journal::record_quietly(&store, &op);
    let d = result?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(ExitCode::SUCCESS);
    }
    let id = &d.identity;
    say!(
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
        say!("Last measurements: {}", parts.join(", "));
    }
    match &d.prediction {
        Some(p) if p.scored => say!(
            "Latest prediction (run #{}, as of {}): {} — score {}, p(failure ≤ 7 d) = {}, failure {}",
            p.run_id,
            p.scored_at,
            p.category.map(Category::as_str).unwrap_or("-"),
            fmt_opt(p.risk_score, 1),
            fmt_opt(p.p_fail_7d, 3),
            p.ttf_text(Lang::En).unwrap_or_else(|| "-".into())
        ),
        Some(p) => say!(
            "Latest run #{} (as of {}): not scored — {}",
            p.run_id,
            p.scored_at,
            p.not_scored_reason.as_deref().unwrap_or("-")
        ),
        None => say!("No prediction yet: run `cockpit score`."),
    }
    // Beside an alert category: how often it has been right.
    if let Some(c) = d
        .prediction
        .as_ref()
        .and_then(|p| p.category)
        .filter(|c| *c >= Category::Moderate)
    {
        print_track_record(&store, cli, Some(c))?;
    }
    for dr in &d.drivers {
        say!("  driver: {}", dr.describe());
    }
    if let Some(p) = &d.prediction {
        if d.drivers.is_empty() {
            let reasons = reasons_in_words(
                p.category,
                &[],
                &d.model_reactions,
                &p.data_quality,
                Lang::En,
            );
            for reason in reasons {
                say!("  reason: {reason}");
            }
        }
        // Never a cause: the models react to something that is not a known failure sign.
        for r in &d.model_reactions {
            say!("  model reaction: {}", r.reaction_phrase(Lang::En));
        }
        for line in p.data_quality.text(Lang::En).lines {
            say!("  data: {line}");
        }
    }
    say!("Risk history ({} runs):", d.history.len());
    for h in d.history.iter().rev().take(15) {
        say!(
            "  {}  {:<9} {:>5}  p={}",
            h.as_of,
            h.category.map(Category::as_str).unwrap_or("-"),
            fmt_opt(h.risk_score, 1),
            fmt_opt(h.p_fail_7d, 3)
        );
    }
    Ok(ExitCode::SUCCESS)
}
