//! The error every command returns to the UI: `{code, message, summary_en, summary_fr}`.
//!
//! `code` is stable ([`ErrorCode`]: the UI and the tests match on it); `summary_en`/`summary_fr`
//! say what it means in plain words (the core's words, the UI shows the one in its language);
//! `message` is the core's technical English sentence telling a maintenance engineer what to do.
//! Every core error converts through one mapping: its [`Coded::code`] and its text.

use std::fmt::Display;

use cockpit_core::errors::{Coded, ErrorCode};
use cockpit_core::lang::Lang;
use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// Stable identifier of the kind of error, e.g. `no_run`, `unknown_turbine`.
    pub code: ErrorCode,
    /// What happened and what to do, in English.
    pub message: String,
    /// What the code means, in English.
    summary_en: &'static str,
    /// What the code means, in French.
    summary_fr: &'static str,
}

impl ApiError {
    /// An error of kind `code` with the technical `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            summary_en: code.summary(Lang::En),
            summary_fr: code.summary(Lang::Fr),
        }
    }

    /// What the code means, in `lang`.
    pub fn summary(&self, lang: Lang) -> &'static str {
        lang.pick(self.summary_en, self.summary_fr)
    }

    /// The app is still creating the demo park.
    pub fn preparing() -> ApiError {
        ApiError::new(
            ErrorCode::Preparing,
            "the cockpit is still preparing its database (demo park); try again in a moment",
        )
    }

    /// A failure that is not the user's to fix (a thread that died, a lock poisoned).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Internal, message)
    }

    /// An internal failure from any error (e.g. `tauri::Error`), by its text.
    pub fn internal_from(e: impl Display) -> ApiError {
        ApiError::internal(e.to_string())
    }
}

/// The one mapping from a core error to what the UI receives.
impl<E: Coded + Display> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cockpit_core::runs::queries::QueryError;
    use cockpit_core::runs::RunError;

    #[test]
    fn errors_serialize_as_code_message_and_summaries() {
        let e: ApiError = QueryError::NoRun.into();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "no_run");
        assert!(json["message"]
            .as_str()
            .unwrap()
            .contains("no scoring run yet"));
        assert_eq!(json["summary_en"], "No scoring run yet.");
        assert_eq!(json["summary_fr"], "Aucune évaluation pour l'instant.");
        let e: ApiError = QueryError::Run(RunError::NoData).into();
        assert_eq!(e.code.as_str(), "no_data");
        assert_eq!(e.summary(Lang::Fr), ErrorCode::NoData.summary(Lang::Fr));
    }
}
