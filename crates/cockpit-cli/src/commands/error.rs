//! The CLI's error: anything that ends a command with `error: <message>` and exit code 2.

use std::path::PathBuf;

use cockpit_core::{
    charts, demo, features, ingest, mapping, model, modelsets, pack, risk, runs, service, sim,
    store, telemetry, workflow, workspace,
};

/// Errors that end a command with a message and exit code 2. The messages are the core's own
/// (transparent), written for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Workspace(#[from] workspace::WorkspaceError),
    #[error(transparent)]
    Mapping(#[from] mapping::MappingError),
    #[error(transparent)]
    Sim(#[from] sim::SimError),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
    #[error(transparent)]
    Features(#[from] features::FeatureError),
    #[error(transparent)]
    Model(#[from] model::ModelError),
    #[error(transparent)]
    ModelSet(#[from] modelsets::ModelSetError),
    #[error(transparent)]
    Risk(#[from] risk::RiskError),
    #[error(transparent)]
    Run(#[from] runs::RunError),
    #[error(transparent)]
    Query(#[from] runs::queries::QueryError),
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    #[error(transparent)]
    Service(#[from] service::ServiceError),
    #[error(transparent)]
    Background(#[from] cockpit_core::background::BackgroundError),
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot write JSON output: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Telemetry(#[from] telemetry::TelemetryError),
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    #[error(transparent)]
    Workflow(#[from] workflow::WorkflowError),
    #[error(transparent)]
    Pack(#[from] pack::PackError),
    #[error(transparent)]
    Hub(#[from] cockpit_core::hub::HubError),
}
