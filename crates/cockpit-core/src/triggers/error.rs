//! The error of the triggers: why a schedule, the timer or a folder watcher could not be set up.

use std::io;
use std::path::PathBuf;

/// Why a trigger could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    /// A time of day that is not `HH:MM` between 00:00 and 23:59 (the text as given).
    #[error("time of day '{0}' is not valid: use HH:MM, 00:00 to 23:59")]
    BadTime(String),
    /// An inbox settle time that is not a number of seconds within the bounds (the text as
    /// given).
    #[error("inbox settle time '{0}' is not valid: give a number of seconds from 1 to 3600 (--settle or COCKPIT_INBOX_SETTLE_SECONDS)")]
    BadSettle(String),
    /// Neither the system's notifications nor polling could watch a folder.
    #[error("cannot watch folder {path}: {source}; check that the folder exists, is a local or reachable drive and that this user may read it")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The first failure (the system's notifications when they were tried).
        source: notify::Error,
    },
    /// A folder could not be created or listed.
    #[error("cannot access {path}: {source}; check that the folder exists (or can be created) and that this user may read and write it")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The failure.
        source: io::Error,
    },
    /// The worker thread could not be started.
    #[error("cannot start a background thread: {0}; the system may be out of resources, restart the application")]
    Thread(io::Error),
}
