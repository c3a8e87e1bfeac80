//! The charts' error: what can go wrong while reading chart data or drawing an SVG.

use plotters::prelude::DrawingAreaErrorKind;

use crate::runs::queries::QueryError;

/// Errors of the charts.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The turbine or run data behind the chart could not be read.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A chart query failed in SQLite.
    #[error("database error while reading chart data: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The plotting backend failed, or the chart was asked for something it cannot draw.
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    /// The turbine's alerts or interventions could not be read.
    #[error("the workflow journal could not be read: {0}")]
    Workflow(Box<crate::workflow::WorkflowError>),
    /// The field document could not be written where asked.
    #[error("the field document could not be written to {path}: {source}; choose a folder you can write to")]
    Write {
        /// The file asked for.
        path: std::path::PathBuf,
        /// Why the system refused.
        source: std::io::Error,
    },
}

impl From<crate::workflow::WorkflowError> for ChartError {
    fn from(e: crate::workflow::WorkflowError) -> Self {
        ChartError::Workflow(Box::new(e))
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}
