//! The data contract: the canonical 10-minute SCADA schema, the turbine registry and the
//! maintenance/failure logbook.
//!
//! Everything that reads or writes fleet data (the simulator, ingestion, features) takes column
//! names, units and valid ranges from here, so the contract lives in exactly one place.
//! `docs/data-contract.md` is the human-readable form of this module and must be kept in step.
//!
//! | file | owns |
//! |---|---|
//! | `signals` | the SCADA record: its length, the numeric [`SIGNALS`] with units and valid ranges, the column order |
//! | `codes` | the coded values: [`Status`], [`Component`], the kinds of file and the registry and logbook columns |
//! | `time` | canonical timestamps and dates (hand-written fast parser and writer, tested against `chrono`) |

mod codes;
mod signals;
mod time;

pub use codes::{Component, FileKind, Status, LOGBOOK_COLUMNS, REGISTRY_COLUMNS};
pub use signals::{
    scada_columns, signal_index, standstill_tolerance, Signal, RECORD_SECONDS, SIGNALS,
    STANDSTILL_TOLERANCES,
};
pub use time::{
    format_date, format_timestamp, parse_timestamp, parse_timestamp_parts, write_timestamp,
    EARLIEST_PLAUSIBLE_TIME, FUTURE_TOLERANCE_SECS,
};
