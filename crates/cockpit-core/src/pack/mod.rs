//! Field packs: the office sends the turbines a crew will visit to an offline laptop, and the
//! findings come back. A pack is one SQLite file in the cockpit's own schema holding, for the
//! chosen turbines, their identity, the last [`WINDOW_DAYS`] days of SCADA records (what the
//! charts show), every scoring run's predictions and drivers, the latest model inputs, the
//! logbook and the journal of actions, plus a description (`pack.*` settings: format version,
//! the fleet it comes from, who prepared it, when) and a seal (`seal`). The laptop opens it as
//! its database — the same views, no models, no scoring — and records actions in it; the office
//! imports the pack's journal back, by event UUID, so importing twice changes nothing.
//!
//! - [`fleet`] — the fleet's identity (`fleet.id`, `fleet.name`): which database a pack came
//!   from, and which packs a database accepts;
//! - [`info`] — a pack's description, read and checked (format, schema, seal) before anything
//!   else is read;
//! - [`export`] — which turbines ([`Selection`]) and what of them go into a pack, written to a
//!   temporary file and renamed when complete;
//! - [`import`] — the pack's journal merged into a database in one transaction: what was new,
//!   what was already there, the logbook entries written, the conflicts;
//! - [`words`] — the pack's banner and the import's summary in French and English.
//!
//! The conflict rule (the same intervention closed differently at the office and in the field)
//! is the workflow's: both closings stay in the journal, the one recorded first stands, the
//! other is shown as a conflict, and a confirmed fault reaches the logbook either way — see
//! `docs/field-pack.md`.

pub mod export;
pub mod fleet;
pub mod import;
pub mod info;
pub mod words;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use thiserror::Error;

use crate::seal::SealError;
use crate::store::StoreError;
use crate::workflow::WorkflowError;

pub use export::{export, ExportSummary, Selection};
pub use fleet::FleetIdentity;
pub use import::{import, ImportSummary};
pub use info::PackInfo;

/// The pack format this cockpit writes and the newest it reads.
pub const FORMAT: u32 = 1;
/// The file extension of a pack (without the dot); the packages associate it with the app.
pub const EXTENSION: &str = "cockpitpack";
/// Days of SCADA records a pack carries before each turbine's latest record (the signal charts'
/// window).
pub const WINDOW_DAYS: i64 = crate::charts::SIGNAL_DAYS;

/// Why a pack could not be written, read or imported. Nothing is changed in the database when
/// one is returned.
#[derive(Debug, Error)]
pub enum PackError {
    /// The file is a database but not a field pack (e.g. a cockpit's own database).
    #[error("{path} is not a field pack (it has no pack description): export one with `cockpit pack export`")]
    NotAPack {
        /// The file.
        path: PathBuf,
    },
    /// The file cannot be opened or read as a pack (missing, truncated, not SQLite, damaged).
    #[error("{path} cannot be read as a field pack: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What SQLite or the file system said, and what to do.
        reason: String,
    },
    /// The seal does not hold: the pack was damaged or changed outside the cockpit.
    #[error("{path}: {source}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Which part does not match.
        source: SealError,
    },
    /// The pack was written by a newer cockpit.
    #[error("{path} is a field pack of format {found} (or schema version {schema}), newer than this cockpit reads (format {FORMAT}): upgrade the cockpit")]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// Its schema version.
        schema: i64,
    },
    /// The pack belongs to another fleet than this database.
    #[error("this pack comes from fleet '{pack_fleet}' ({pack_id}), this database belongs to fleet '{own_fleet}' ({own_id}): import it into the database it was prepared from")]
    OtherFleet {
        /// The pack's fleet name.
        pack_fleet: String,
        /// The pack's fleet id.
        pack_id: String,
        /// This database's fleet name.
        own_fleet: String,
        /// This database's fleet id.
        own_id: String,
    },
    /// Turbines of the pack are not in this database's registry.
    #[error("the pack's turbines {turbines} are not in this database's registry: import their registry first (cockpit ingest turbines.csv), then the pack")]
    UnknownTurbines {
        /// The unknown ids, comma-separated.
        turbines: String,
    },
    /// The turbines asked for are not in the registry, or nothing matches the selection.
    #[error("{0}")]
    Selection(String),
    /// The database is itself a field pack: packs are exported and imported at the office or on
    /// a laptop's own cockpit.
    #[error("this database is a field pack: {what} is done in a cockpit's own database (the office's, or a laptop's full cockpit)")]
    IsAPack {
        /// What was asked ("exporting a pack", "importing a pack").
        what: &'static str,
    },
    /// The pack file could not be written.
    #[error("cannot write the pack {path}: {source} (check the folder exists and is writable, and the disk has room)")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O or SQLite error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An event of the pack cannot be read by this cockpit.
    #[error("event {id} of the pack cannot be read ({reason}): the pack is damaged or was written by a newer cockpit")]
    BadEvent {
        /// The event's UUID.
        id: String,
        /// Why.
        reason: String,
    },
    /// The workflow could not be read or written.
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Any other SQLite error on this database.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}
