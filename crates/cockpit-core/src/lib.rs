//! # cockpit-core
//!
//! The headless domain library of EnergiTech Cockpit. It knows nothing about windows or web
//! views: the `cockpit` command and the desktop shell are thin fronts over it.
//!
//! One module per concern:
//!
//! | module | owns |
//! |---|---|
//! | [`schema`] | the data contract: canonical SCADA columns, units and ranges, registry and logbook |
//! | [`sim`] | the seeded, physically plausible fleet simulator |
//! | [`mapping`] | column mappings that turn foreign exports into the canonical schema |
//! | [`ingest`] | streaming, validating ingestion of CSV files with quarantine of bad rows |
//! | [`store`] | the SQLite database: connection settings, migrations, queries |
//! | [`features`] | the model inputs, computed once for training export and scoring alike |
//! | [`model`] | loading and verifying the ONNX models and their manifest; batch inference |
//! | [`risk`] | the risk policy: model outputs to a 0–100 score and a category |
//! | [`runs`] | scoring runs (atomic), drivers, fleet/turbine/journal queries, backtest |
//! | [`service`] | the running cockpit: models in service (hot-swapped), triggers wired to scoring |
//! | [`workspace`] | what a database path implies: its inbox, demo files, logs and scoring lock; loading the models; preparing the demo park |
//! | [`config`] | where the models, the risk policy and the configuration folder are |
//! | [`demo`] | the Lyon demo park: its definition, simulated and ingested in one call |
//! | [`charts`] | risk and fleet trend charts rendered as SVG with plotters |
//! | [`triggers`] | what starts a scoring run: the daily schedule with catch-up, the inbox and models folder watchers |
//! | [`telemetry`] | observability: log files and console, operations journal and metrics, functional monitoring (alert band, drift, freshness), health report, diagnostics bundle |
//! | [`errors`] | the stable error codes the fronts receive, which code each core error has, and their plain-words summary in French and English |

pub mod charts;
pub mod clock;
pub mod config;
pub mod demo;
pub mod errors;
pub mod features;
pub mod ingest;
pub mod journal;
pub mod lang;
pub mod mapping;
pub mod model;
pub mod risk;
pub mod runs;
pub mod schema;
pub mod service;
pub mod sim;
pub mod store;
pub mod telemetry;
pub mod triggers;
pub mod workspace;
