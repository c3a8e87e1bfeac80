//! The maintenance workflow from the terminal: `cockpit alerts`, `ack`, `dismiss`, `reopen`,
//! `note` and `cockpit intervention plan|start|close|cancel|list` (also on a field pack, with
//! `--db PACK`). Each action is recorded in the
//! database's journal of actions with its author (`--author`, else the preference, else the OS
//! user name) and this machine's name; `--json` prints what was recorded or listed.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::clock::now;
use cockpit_core::lang::Lang;
use cockpit_core::store::Store;
use cockpit_core::workflow::{
    self, alerts, interventions, views, Actor, DismissReason, Dismissal, Event, Finding, Plan,
    Priority,
};

use super::common::open_store;
use super::CliError;
use crate::Cli;

/// Who records the action.
#[derive(Debug, Args)]
pub struct AuthorArg {
    /// Your name in the journal [default: the app's preference, else the OS user name]
    #[arg(long, env = "COCKPIT_AUTHOR", value_name = "NAME")]
    pub author: Option<String>,
    /// Print what was recorded as JSON
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `cockpit alerts`.
#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Only the alerts still open (open or acknowledged)
    #[arg(long)]
    pub open: bool,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `cockpit ack`.
#[derive(Debug, Args)]
pub struct AckArgs {
    /// The turbine whose open alert you acknowledge (e.g. LYO-08)
    pub turbine: String,
    /// A note (at most 2,000 characters)
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub who: AuthorArg,
}

/// Arguments of `cockpit dismiss`.
#[derive(Debug, Args)]
pub struct DismissArgs {
    /// The turbine whose open alert you dismiss
    pub turbine: String,
    /// Why: false-alarm-sensor, known-issue, already-planned or other
    #[arg(long)]
    pub reason: String,
    /// No new alert for the turbine until the end of this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// A note
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub who: AuthorArg,
}

/// Arguments of `cockpit reopen`.
#[derive(Debug, Args)]
pub struct ReopenArgs {
    /// The turbine whose latest alert (dismissed or resolved) opens again
    pub turbine: String,
    /// A note
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub who: AuthorArg,
}

/// Arguments of `cockpit note`.
#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The turbine (the note goes to its latest alert, or to --intervention)
    pub turbine: String,
    /// What was seen or done (at most 2,000 characters)
    pub text: String,
    /// The intervention to note on (its id or its first 8 characters)
    #[arg(long, value_name = "ID")]
    pub intervention: Option<String>,
    #[command(flatten)]
    pub who: AuthorArg,
}

/// Arguments of `cockpit intervention`.
#[derive(Debug, Args)]
pub struct InterventionArgs {
    #[command(subcommand)]
    pub command: InterventionCommand,
}

/// The intervention sub-commands.
#[derive(Debug, Subcommand)]
pub enum InterventionCommand {
    /// Plan an intervention on a turbine (linked to its open alert); prints the new id
    Plan {
        /// The turbine
        turbine: String,
        /// The component to look at: gearbox_bearing, generator_bearing, generator_winding,
        /// pitch_hydraulic, converter, transformer
        #[arg(long)]
        component: String,
        /// Due date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        due: String,
        /// What to do
        #[arg(long)]
        action: Option<String>,
        /// Team or crew
        #[arg(long)]
        team: Option<String>,
        /// low, normal (default), high or urgent
        #[arg(long)]
        priority: Option<String>,
        /// A note
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: AuthorArg,
    },
    /// The team is on it
    Start {
        /// The intervention's id (or its first 8 characters)
        id: String,
        /// A note
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: AuthorArg,
    },
    /// Close with what was found; a confirmed fault is written in the logbook
    Close {
        /// The intervention's id (or its first 8 characters)
        id: String,
        /// confirmed, nothing or other
        #[arg(long)]
        finding: String,
        /// The component at fault (a confirmed fault; default: the planned one)
        #[arg(long)]
        component: Option<String>,
        /// A note
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: AuthorArg,
    },
    /// The intervention will not take place
    Cancel {
        /// The intervention's id (or its first 8 characters)
        id: String,
        /// Why
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: AuthorArg,
    },
    /// Interventions: open ones by due date (overdue marked), then the others
    List {
        /// Only the planned and in-progress ones
        #[arg(long)]
        open: bool,
        /// Only this turbine's
        #[arg(long)]
        turbine: Option<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

fn actor(store: &Store, who: &AuthorArg) -> Result<Actor, CliError> {
    Ok(Actor::resolve(store, who.author.as_deref())?)
}

/// Prints a recorded event: JSON, or a sentence.
fn recorded(event: &Event, json: bool, sentence: String) -> Result<ExitCode, CliError> {
    if json {
        say!("{}", serde_json::to_string_pretty(event)?);
    } else {
        say!("{sentence}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `cockpit alerts`.
pub fn alerts_cmd(cli: &Cli, args: &AlertsArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli)?;
    let list = views::alerts(store.conn(), args.open, Lang::En)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        say!(
            "{}",
            if args.open {
                "No open alert."
            } else {
                "No alert yet: alerts open when a run ranks a turbine high or critical."
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{:<8} {:<10} {:<13} {:<18} {:<12} {:<22} outcome / note",
        "alert",
        "turbine",
        "status",
        "categories",
        "raised",
        "badge"
    );
    for a in &list {
        let detail = a
            .text
            .outcome
            .clone()
            .or_else(|| a.text.closure.clone())
            .or_else(|| a.text.acknowledged.clone())
            .unwrap_or_default();
        say!(
            "{:<8} {:<10} {:<13} {:<18} {:<12} {:<22} {}",
            &a.id[..8],
            a.turbine_id,
            a.status.as_str(),
            a.text.path,
            &a.first_raised[..10],
            a.text.badge.as_deref().unwrap_or("-"),
            detail
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `cockpit ack`.
pub fn ack(cli: &Cli, args: &AckArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let who = actor(&store, &args.who)?;
    let e = alerts::acknowledge(&mut store, &who, &args.turbine, args.note.as_deref())?;
    let s = format!(
        "Acknowledged the alert on {} (by {} on {}).",
        e.turbine_id, who.author, who.machine
    );
    recorded(&e, args.who.json, s)
}

/// `cockpit dismiss`.
pub fn dismiss(cli: &Cli, args: &DismissArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let who = actor(&store, &args.who)?;
    let d = Dismissal {
        reason: Some(DismissReason::parse(&args.reason)?),
        until: args.until.clone(),
        note: args.note.clone(),
    };
    let e = alerts::dismiss(&mut store, &who, &args.turbine, &d)?;
    let mute = match &args.until {
        Some(u) => format!("; no new alert on it until the end of {}", u.trim()),
        None => String::new(),
    };
    let s = format!("Dismissed the alert on {}{mute}.", e.turbine_id);
    recorded(&e, args.who.json, s)
}

/// `cockpit reopen`.
pub fn reopen(cli: &Cli, args: &ReopenArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let who = actor(&store, &args.who)?;
    let e = alerts::reopen(&mut store, &who, &args.turbine, args.note.as_deref())?;
    let s = format!("Re-opened the alert on {}.", e.turbine_id);
    recorded(&e, args.who.json, s)
}

/// `cockpit note`.
pub fn note(cli: &Cli, args: &NoteArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    let who = actor(&store, &args.who)?;
    let e = alerts::note(
        &mut store,
        &who,
        &args.turbine,
        args.intervention.as_deref(),
        &args.text,
    )?;
    let on = match &args.intervention {
        Some(_) => format!("intervention {}", short(&e.subject)),
        None => format!("the alert {}", short(&e.subject)),
    };
    let s = format!("Note added to {on} on {}.", e.turbine_id);
    recorded(&e, args.who.json, s)
}

/// `cockpit intervention …`.
pub fn intervention(cli: &Cli, args: &InterventionArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(cli)?;
    match &args.command {
        InterventionCommand::Plan {
            turbine,
            component,
            due,
            action,
            team,
            priority,
            note,
            who,
        } => {
            let actor = actor(&store, who)?;
            let plan = Plan {
                turbine: turbine.clone(),
                alert: None,
                component: component.clone(),
                due: due.clone(),
                action: action.clone(),
                team: team.clone(),
                priority: priority.as_deref().map(Priority::parse).transpose()?,
                note: note.clone(),
            };
            let e = interventions::plan(&mut store, &actor, &plan)?;
            if who.json {
                say!("{}", serde_json::to_string_pretty(&e)?);
            } else {
                // The id alone on standard output, for scripts; the sentence on standard error.
                say!("{}", e.subject);
                say_err!(
                    "Planned an intervention on {} ({}), due {}.",
                    e.turbine_id,
                    plan_component(&e),
                    workflow::checked_date("due", due)?
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        InterventionCommand::Start { id, note, who } => {
            let actor = actor(&store, who)?;
            let e = interventions::start(&mut store, &actor, id, note.as_deref())?;
            let s = format!(
                "Intervention {} on {} started.",
                short(&e.subject),
                e.turbine_id
            );
            recorded(&e, who.json, s)
        }
        InterventionCommand::Close {
            id,
            finding,
            component,
            note,
            who,
        } => {
            let actor = actor(&store, who)?;
            let finding = Finding::parse(finding)?;
            let e = interventions::close(
                &mut store,
                &actor,
                id,
                finding,
                component.as_deref(),
                note.as_deref(),
            )?;
            let found = match &e.action {
                workflow::Action::InterventionClosed {
                    finding, component, ..
                } => workflow::words::finding(*finding, component.as_deref(), Lang::En),
                _ => String::new(),
            };
            let logbook = if finding == Finding::Confirmed {
                " Written in the logbook."
            } else {
                ""
            };
            let s = format!(
                "Intervention {} on {} closed: {found}.{logbook}",
                short(&e.subject),
                e.turbine_id
            );
            recorded(&e, who.json, s)
        }
        InterventionCommand::Cancel { id, note, who } => {
            let actor = actor(&store, who)?;
            let e = interventions::cancel(&mut store, &actor, id, note.as_deref())?;
            let s = format!(
                "Intervention {} on {} cancelled.",
                short(&e.subject),
                e.turbine_id
            );
            recorded(&e, who.json, s)
        }
        InterventionCommand::List {
            open,
            turbine,
            json,
        } => {
            if let Some(t) = turbine {
                workflow::act::turbine_id(store.conn(), t)?;
            }
            let list =
                views::interventions(store.conn(), *open, turbine.as_deref(), now(), Lang::En)?;
            if *json {
                say!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(ExitCode::SUCCESS);
            }
            if list.is_empty() {
                say!("No intervention{}.", if *open { " open" } else { "" });
                return Ok(ExitCode::SUCCESS);
            }
            say!(
                "{:<8} {:<10} {:<12} {:<20} {:<8} {:<24} {:<14} team / finding",
                "id",
                "turbine",
                "status",
                "component",
                "priority",
                "due",
                "planned by"
            );
            for i in &list {
                let last = i
                    .text
                    .finding
                    .clone()
                    .or_else(|| i.team.clone())
                    .unwrap_or_default();
                say!(
                    "{:<8} {:<10} {:<12} {:<20} {:<8} {:<24} {:<14} {}",
                    short(&i.id),
                    i.turbine_id,
                    i.text.status,
                    i.text.component,
                    i.text.priority,
                    if i.status.is_open() {
                        i.text.due.clone()
                    } else {
                        i.due.clone()
                    },
                    i.planned.author,
                    last
                );
                for n in &i.text.notes {
                    say!("{:<8} note: {n}", "");
                }
                for c in &i.text.conflicts {
                    say!("{:<8} conflict: {c}", "");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

fn plan_component(e: &Event) -> String {
    match &e.action {
        workflow::Action::InterventionPlanned { component, .. } => {
            cockpit_core::lang::component_text(component, Lang::En)
        }
        _ => String::new(),
    }
}
