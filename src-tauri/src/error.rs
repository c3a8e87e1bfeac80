//! The error every command returns to the UI: `{code, message}`.
//!
//! `code` is stable (the UI translates the known ones and tests match on them); `message` is the
//! core's English sentence telling a maintenance engineer what to do.

use cockpit_core::charts::ChartError;
use cockpit_core::demo::DemoError;
use cockpit_core::model::ModelError;
use cockpit_core::risk::RiskError;
use cockpit_core::runs::queries::QueryError;
use cockpit_core::runs::RunError;
use cockpit_core::service::ServiceError;
use cockpit_core::store::StoreError;
use cockpit_core::triggers::TriggerError;
use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// Stable identifier of the kind of error, e.g. `no_run`, `unknown_turbine`.
    pub code: &'static str,
    /// What happened and what to do, in English.
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// The app is still creating the demo park.
    pub fn preparing() -> ApiError {
        ApiError::new(
            "preparing",
            "the cockpit is still preparing its database (demo park); try again in a moment",
        )
    }

    /// A failure that is not the user's to fix (a thread that died, a lock poisoned).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new("internal", message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::TooNew { .. } => "database_too_new",
            StoreError::NoDataDir => "no_data_dir",
            StoreError::CreateDir { .. } | StoreError::Open { .. } => "database_open",
            StoreError::Sql(_) => "database",
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<RunError> for ApiError {
    fn from(e: RunError) -> Self {
        let code = match &e {
            RunError::InProgress { .. } => "run_in_progress",
            RunError::NoData => "no_data",
            RunError::Model(_) => "models",
            RunError::Features(_) => "features",
            RunError::Store(_) | RunError::Sql(_) | RunError::Lock { .. } => "database",
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::NoRun => ApiError::new("no_run", e.to_string()),
            QueryError::UnknownTurbine { .. } => ApiError::new("unknown_turbine", e.to_string()),
            QueryError::UnknownCategory(_) => ApiError::new("unknown_category", e.to_string()),
            QueryError::UnknownSort(_) => ApiError::new("unknown_sort", e.to_string()),
            QueryError::Run(r) => r.into(),
            QueryError::Sql(_) => ApiError::new("database", e.to_string()),
        }
    }
}

impl From<ChartError> for ApiError {
    fn from(e: ChartError) -> Self {
        match e {
            ChartError::Query(q) => q.into(),
            ChartError::Sql(_) => ApiError::new("database", e.to_string()),
            ChartError::Draw(_) => ApiError::new("chart", e.to_string()),
        }
    }
}

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        ApiError::new("models", e.to_string())
    }
}

impl From<RiskError> for ApiError {
    fn from(e: RiskError) -> Self {
        ApiError::new("risk_policy", e.to_string())
    }
}

impl From<DemoError> for ApiError {
    fn from(e: DemoError) -> Self {
        ApiError::new("demo", e.to_string())
    }
}

impl From<TriggerError> for ApiError {
    fn from(e: TriggerError) -> Self {
        let code = match &e {
            TriggerError::BadTime(_) => "invalid_time",
            _ => "triggers",
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Store(s) => s.into(),
            ServiceError::Model(m) => m.into(),
            ServiceError::Run(r) => r.into(),
            ServiceError::Trigger(t) => t.into(),
            ServiceError::NoModels(_) => ApiError::new("models", e.to_string()),
        }
    }
}

impl From<tauri::Error> for ApiError {
    fn from(e: tauri::Error) -> Self {
        ApiError::internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_as_code_and_message() {
        let e: ApiError = QueryError::NoRun.into();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "no_run");
        assert!(json["message"]
            .as_str()
            .unwrap()
            .contains("no scoring run yet"));
        let e: ApiError = QueryError::Run(RunError::NoData).into();
        assert_eq!(e.code, "no_data");
    }
}
