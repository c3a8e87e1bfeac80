//! SKELETON (to be written by the sync part of issue 19): the types and signatures below are
//! the contract the shell and the UI build on; every body is replaced by the real sync.

use serde::Serialize;

use super::{HubError, HubTarget};
use crate::store::Store;

/// The Sync settings: the hub's address as saved (shown form, never a password) and whether
/// this cockpit syncs in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncSettings {
    /// The hub's address as shown (`HubTarget::shown`), `None` when none is saved.
    pub server: Option<String>,
    /// Background sync on (after each run and every few minutes).
    pub enabled: bool,
}

/// Where this cockpit stands with the hub, for the Sync setting and Diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// The saved settings.
    pub settings: SyncSettings,
    /// This cockpit's id on the hub (`None` before its first sync).
    pub cockpit_id: Option<String>,
    /// This cockpit's name on the hub (the machine's name).
    pub cockpit_name: String,
    /// When the last sync succeeded (Unix seconds, this machine's clock).
    pub last_sync: Option<i64>,
    /// Why the last attempt failed, when it did (one line, no secret).
    pub last_error: Option<String>,
    /// Actions recorded here and not yet on the hub.
    pub pending_events: i64,
    /// Scoring runs made here and not yet on the hub.
    pub pending_runs: i64,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// The hub's address as shown.
    pub server: String,
    /// Actions sent to the hub.
    pub pushed_events: i64,
    /// Runs sent (one per run, whatever its number of sites).
    pub pushed_runs: i64,
    /// Actions received from the other cockpits.
    pub pulled_events: i64,
    /// Turbines whose latest prediction from another cockpit was updated.
    pub pulled_predictions: i64,
    /// This machine's clock minus the hub's, in seconds.
    pub clock_offset_s: i64,
    /// Warnings in words (a site scored by another cockpit, a clock far off), this cockpit's
    /// language.
    pub warnings: Vec<String>,
    /// How long it took.
    pub duration_ms: i64,
}

/// The saved settings.
pub fn settings(_store: &Store) -> Result<SyncSettings, HubError> {
    todo!("sync part")
}

/// Saves the settings; the address is checked (`HubTarget::parse`) and saved without password.
pub fn save_settings(
    _store: &Store,
    _server: Option<&str>,
    _enabled: bool,
) -> Result<SyncSettings, HubError> {
    todo!("sync part")
}

/// Where this cockpit stands with the hub (no connection made).
pub fn status(_store: &Store) -> Result<SyncStatus, HubError> {
    todo!("sync part")
}

/// Pushes what this cockpit produced since its last sync and pulls what the others did.
pub fn sync(_store: &mut Store, _target: &HubTarget) -> Result<SyncReport, HubError> {
    todo!("sync part")
}
