//! The sub-commands, one file each: its arguments, its call into the core and its printing.
//!
//! | file | sub-command |
//! |---|---|
//! | [`simulate`] | `cockpit simulate`: a seeded fleet as canonical CSV files |
//! | [`ingest`] | `cockpit ingest`: CSV files into the database, with quarantine |
//! | [`demo`] | `cockpit demo`: the Lyon demo park simulated, ingested, backfilled and scored |
//! | [`features`] | `cockpit features`: the training table |
//! | [`score`] | `cockpit score`: one scoring run of the fleet |
//! | [`fleet`] | `cockpit fleet`: the fleet ranked by risk |
//! | [`turbine`] | `cockpit turbine`: one turbine in detail |
//! | [`sheet`] | `cockpit sheet`: the field document (cover list, one A4 sheet per turbine) as HTML |
//! | [`runs`] | `cockpit runs`: the run journal |
//! | [`backtest`] | `cockpit backtest`: daily runs replayed against the logbook |
//! | [`models`] | `cockpit models`: candidate, compare, promote, rollback, history of the model sets |
//! | [`replay`] | `cockpit replay`: daily runs replayed into the journal, with what they said |
//! | [`quarantine`] | `cockpit quarantine retry`: unknown-turbine rows read again |
//! | [`schedule`] | `cockpit schedule`: the daily scoring schedule |
//! | [`notifications`] | `cockpit notifications`: on or off, their language; the desktop notifier of `cockpit watch` |
//! | [`watch`] | `cockpit watch`: the triggers in the foreground |
//! | [`service`] | `cockpit service`: the background service (systemd user unit) and the timer's owner |
//! | [`health`] | `cockpit health`: the health report and its exit code |
//! | [`serve`] | `cockpit serve` (and `watch --serve`): the read-only health and metrics endpoint |
//! | [`diagnostics`] | `cockpit diagnostics`: metrics, drift, freshness; the diagnostics bundle |
//! | [`workflow`] | `cockpit alerts`, `ack`, `dismiss`, `reopen`, `note`, `intervention …`: the maintenance workflow |
//! | [`pack`] | `cockpit pack export|import|info`: field packs for offline laptops |
//! | [`hub`] | `cockpit hub init`, `grant`, `revoke`, `status`: the shared fleet store on PostgreSQL and who may do what on it |
//! | [`sync`] | `cockpit sync`, `sync status`, `sync --on|--off`: push to and pull from the hub |
//!
//! Shared: [`error`] (the CLI's error, [`CliError`]) and [`common`] (workspace, database,
//! models, time options, formatting).

mod backtest;
mod common;
mod demo;
mod diagnostics;
mod error;
mod features;
mod fleet;
mod health;
mod hub;
mod ingest;
mod models;
mod notifications;
mod pack;
mod quarantine;
mod replay;
mod runs;
mod schedule;
mod score;
mod serve;
mod service;
mod sheet;
mod simulate;
mod sync;
mod turbine;
mod watch;
mod workflow;

use std::process::ExitCode;

pub use backtest::BacktestArgs;
pub use common::workspace;
pub use demo::DemoArgs;
pub use diagnostics::DiagnosticsArgs;
pub use error::CliError;
pub use features::FeaturesArgs;
pub use fleet::FleetArgs;
pub use health::HealthArgs;
pub use hub::HubArgs;
pub use ingest::IngestArgs;
pub use models::ModelsArgs;
pub use notifications::NotificationsArgs;
pub use pack::PackArgs;
pub use quarantine::QuarantineArgs;
pub use replay::ReplayArgs;
pub use runs::RunsArgs;
pub use schedule::ScheduleArgs;
pub use score::ScoreArgs;
pub use serve::ServeArgs;
pub use service::ServiceArgs;
pub use sheet::SheetArgs;
pub use simulate::SimulateArgs;
pub use sync::SyncArgs;
pub use turbine::TurbineArgs;
pub use watch::WatchArgs;
pub use workflow::{AckArgs, AlertsArgs, DismissArgs, InterventionArgs, NoteArgs, ReopenArgs};

use crate::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Simulate(args) => simulate::run(args),
        Command::Ingest(args) => ingest::run(cli, args),
        Command::Demo(args) => demo::run(cli, args),
        Command::Features(args) => features::run(cli, args),
        Command::Score(args) => score::run(cli, args),
        Command::Fleet(args) => fleet::run(cli, args),
        Command::Turbine(args) => turbine::run(cli, args),
        Command::Sheet(args) => sheet::run(cli, args),
        Command::Runs(args) => runs::run(cli, args),
        Command::Backtest(args) => backtest::run(cli, args),
        Command::Models(args) => models::run(cli, args),
        Command::Replay(args) => replay::run(cli, args),
        Command::Quarantine(args) => quarantine::run(cli, args),
        Command::Schedule(args) => schedule::run(cli, args),
        Command::Notifications(args) => notifications::run(cli, args),
        Command::Watch(args) => watch::run(cli, args),
        Command::Service(args) => service::run(cli, args),
        Command::Health(args) => health::run(cli, args),
        Command::Serve(args) => serve::run(cli, args),
        Command::Diagnostics(args) => diagnostics::run(cli, args),
        Command::Alerts(args) => workflow::alerts_cmd(cli, args),
        Command::Ack(args) => workflow::ack(cli, args),
        Command::Dismiss(args) => workflow::dismiss(cli, args),
        Command::Reopen(args) => workflow::reopen(cli, args),
        Command::Intervention(args) => workflow::intervention(cli, args),
        Command::Note(args) => workflow::note(cli, args),
        Command::Pack(args) => pack::run(cli, args),
        Command::Hub(args) => hub::run(cli, args),
        Command::Sync(args) => sync::run(cli, args),
    }
}
