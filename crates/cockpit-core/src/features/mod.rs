//! Feature engineering: the single implementation of the model inputs, used both to export the
//! training table (`cockpit features`) and to score the fleet, so training and serving cannot
//! drift apart.
//!
//! For a turbine at a snapshot time `t`, features are computed from the records *before* `t`:
//! levels, spread, maxima and trends of the key temperatures and vibration; their residuals
//! against what load and ambient temperature predict for a healthy turbine (a model fitted on the
//! whole fleet over the trailing 7 days); the deviation of each residual from the fleet at the
//! same time; the power-curve deficit against the fleet's curve; pitch behaviour; data coverage.
//! Anything that cannot be computed from the data is NaN — never a made-up value.
//! `docs/features.md` explains every feature.
//!
//! | file | owns |
//! |---|---|
//! | `catalogue` | the feature names in model order ([`feature_names`], [`KEY_SIGNALS`], [`stat`]), the plausible-cause direction of each ([`Cause`]) and the windows |
//! | `series` | the records of each turbine loaded from the database with their sensor faults masked (`quality`), and its load average |
//! | `fleet` | the fleet laws: healthy temperature law of each key signal, power and pitch curves |
//! | `stats` | statistics helpers: running accumulator (mean, max, spread, slope), median |
//! | `turbine` | the features of one turbine at a snapshot time |
//! | `snapshot` | every turbine at a time, with the site and own deviations and what it could be watched on ([`TurbineWatch`]); [`History`], [`compute_at`] |
//! | `export` | the training table with its labels ([`export_training_table`]), [`parse_interval`] |
//! | `error` | [`FeatureError`] |

mod catalogue;
mod error;
mod export;
mod fleet;
mod series;
mod snapshot;
mod stats;
mod turbine;

pub use catalogue::{cause_of, feature_names, stat, Cause, KEY_SIGNALS, N_FEATURES, SIGNAL_STATS};
pub use error::FeatureError;
pub use export::{
    export_training_table, parse_interval, ExportOptions, ExportSummary, CLASSIFICATION_DAYS,
    HORIZON_DAYS,
};
pub use series::TurbineInfo;
pub use snapshot::{compute_at, data_watermark, FeatureMatrix, History, TurbineWatch};
