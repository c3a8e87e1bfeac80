//! # cockpit-core
//!
//! The headless domain library of EnergiTech Cockpit. It knows nothing about windows, terminals
//! or web views: the `cockpit` command and the desktop shell are thin fronts that parse, call
//! and display. Every rule and every user-facing sentence (in French and English) lives here.
//!
//! The modules sit in layers that only point down (the order is written in `ARCHITECTURE.md`
//! and checked by `make lint`):
//!
//! | layer | module | owns |
//! |---|---|---|
//! | vocabulary | [`schema`] | the data contract: canonical SCADA columns, units and ranges, registry and logbook, timestamps |
//! | | [`clock`] | the wall clock |
//! | | [`ttf`] | time to failure as a distribution: monotone CDF, quantiles, median and 80 % range, coverage |
//! | | [`risk`] | the risk policy: model outputs to a 0–100 score and a category |
//! | | [`lang`] | French and English: category, signal and trigger words, numbers, days |
//! | | [`sanitize`] | CSV cells neutralised against formulas, control characters stripped from printed data |
//! | infrastructure | [`store`] | the SQLite database: connection settings, migrations, queries |
//! | | [`seal`] | the checksum that seals a field pack's content, refreshed as actions are recorded in it |
//! | | [`config`] | where the models, the risk policy and the configuration folder are |
//! | | [`journal`] | the operations journal and what may be written to a log |
//! | domain | [`sim`] | the seeded, physically plausible fleet simulator |
//! | | [`mapping`] | column mappings that turn foreign exports into the canonical schema |
//! | | [`ingest`] | streaming, validating ingestion of CSV files with quarantine of bad rows |
//! | | [`quality`] | sensor faults (frozen, spikes, out of physics, gaps): found, phrased, masked out of the features |
//! | | [`features`] | the model inputs, computed once for training export and scoring alike |
//! | | [`model`] | loading and verifying the ONNX models and their manifest; batch inference |
//! | | [`workflow`] | the maintenance workflow: an append-only journal of actions; alerts (raised by runs, triaged), interventions and their outcome |
//! | | [`runs`] | scoring runs (atomic), drivers and their sentences, fleet/turbine/journal queries and search, backtest |
//! | | [`charts`] | risk, signal and fleet trend charts rendered as SVG with plotters |
//! | | [`pack`] | field packs: a few turbines exported to one sealed file for an offline laptop, its journal of actions imported back |
//! | | [`demo`] | the Lyon demo park: its definition, simulated and ingested in one call |
//! | orchestration | [`triggers`] | what starts a scoring run: the daily schedule with catch-up, the inbox and models folder watchers |
//! | | [`notifications`] | after a timer or inbox run that raised alerts: one notification summarising it, in French or English; the setting |
//! | | [`service`] | the running cockpit: models in service (hot-swapped), triggers wired to scoring |
//! | | [`workspace`] | what a database path implies: inbox, demo files, logs, scoring lock; loading the models; preparing the demo park |
//! | reports | [`telemetry`] | observability: log files and console, metrics, functional monitoring, health report, diagnostics bundle |
//! | | [`errors`] | the stable code of every core error and its summary in French and English |

#![deny(missing_docs)]

pub mod background;
pub mod charts;
pub mod clock;
pub mod config;
pub mod demo;
pub mod errors;
pub mod features;
pub mod hub;
pub mod ingest;
pub mod journal;
pub mod lang;
pub mod mapping;
pub mod model;
pub mod modelsets;
pub mod notifications;
pub mod pack;
pub mod quality;
pub mod risk;
pub mod runs;
pub mod sanitize;
pub mod schema;
pub mod seal;
pub mod service;
pub mod sim;
pub mod store;
pub mod telemetry;
pub mod triggers;
pub mod ttf;
pub mod workflow;
pub mod workspace;
