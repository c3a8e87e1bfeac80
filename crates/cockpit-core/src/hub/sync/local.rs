//! This cockpit's side of the sync: the Sync settings, its identity on the hub (a UUID made at
//! the first sync, the machine's name), the markers of what was pushed and pulled, and what is
//! still pending.

use rusqlite::{params, Connection, OptionalExtension};

use super::{local_err, SyncSettings, SyncStatus};
use crate::hub::{HubError, HubTarget};
use crate::store::{put_setting, Store};
use crate::workflow::events::{machine_name, new_id};

/// The hub's address as shown (no password).
pub const SERVER: &str = "hub.server";
/// Background sync on (`1`) or off.
pub const ENABLED: &str = "hub.enabled";
/// This cockpit's UUID on the hub.
pub const COCKPIT_ID: &str = "hub.cockpit_id";
/// The highest hub `seq` pulled.
pub const CURSOR: &str = "hub.cursor";
/// The highest local `workflow_events.seq` pushed.
pub const PUSHED_EVENTS: &str = "hub.pushed.events";
/// The highest local `runs.id` pushed.
pub const PUSHED_RUNS: &str = "hub.pushed.runs";
/// The highest local `logbook.id` pushed.
pub const PUSHED_LOGBOOK: &str = "hub.pushed.logbook";
/// When the last sync succeeded (Unix seconds, this machine).
pub const LAST_SYNC: &str = "hub.last_sync";
/// Why the last attempt failed (empty after a success).
pub const LAST_ERROR: &str = "hub.last_error";

/// Who this cockpit is on the hub.
#[derive(Debug, Clone)]
pub struct Me {
    /// Its UUID.
    pub id: String,
    /// The machine's name.
    pub name: String,
}

/// How far the push went: the markers to store once the hub has committed.
#[derive(Debug, Clone, Default)]
pub struct Markers {
    /// Highest local `workflow_events.seq` now on the hub.
    pub events: i64,
    /// Highest local `runs.id` now on the hub (or left local for a site held elsewhere).
    pub runs: i64,
    /// Highest local `logbook.id` now on the hub.
    pub logbook: i64,
}

fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

/// A numeric setting (0 when absent or unreadable).
pub fn marker(conn: &Connection, key: &str) -> rusqlite::Result<i64> {
    Ok(get(conn, key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// The saved settings.
pub fn settings(store: &Store) -> Result<SyncSettings, HubError> {
    let conn = store.conn();
    let read = local_err("reading the Sync settings");
    Ok(SyncSettings {
        server: get(conn, SERVER).map_err(&read)?.filter(|s| !s.is_empty()),
        enabled: get(conn, ENABLED).map_err(&read)?.as_deref() == Some("1"),
    })
}

/// Saves the settings; the address is checked (`HubTarget::parse`) and saved without password
/// (`None` keeps the saved one).
pub fn save_settings(
    store: &Store,
    server: Option<&str>,
    enabled: bool,
) -> Result<SyncSettings, HubError> {
    let save = local_err("saving the Sync settings");
    if let Some(address) = server {
        let target = HubTarget::parse(address)?;
        put_setting(store.conn(), SERVER, target.shown()).map_err(&save)?;
    }
    put_setting(store.conn(), ENABLED, if enabled { "1" } else { "0" }).map_err(&save)?;
    settings(store)
}

/// Where this cockpit stands with the hub (no connection made).
pub fn status(store: &Store) -> Result<SyncStatus, HubError> {
    let conn = store.conn();
    let read = local_err("reading the sync status");
    let pending_events: i64 = conn
        .query_row(
            "SELECT count(*) FROM workflow_events WHERE origin IS NULL AND seq > ?1",
            [marker(conn, PUSHED_EVENTS).map_err(&read)?],
            |r| r.get(0),
        )
        .map_err(&read)?;
    let pending_runs: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs WHERE id > ?1",
            [marker(conn, PUSHED_RUNS).map_err(&read)?],
            |r| r.get(0),
        )
        .map_err(&read)?;
    Ok(SyncStatus {
        settings: settings(store)?,
        cockpit_id: get(conn, COCKPIT_ID).map_err(&read)?,
        cockpit_name: machine_name(),
        last_sync: get(conn, LAST_SYNC)
            .map_err(&read)?
            .and_then(|v| v.parse().ok()),
        last_error: get(conn, LAST_ERROR)
            .map_err(&read)?
            .filter(|s| !s.is_empty()),
        pending_events,
        pending_runs,
    })
}

/// Before connecting, in one local transaction: this cockpit's id (made at the first sync) and
/// a UUID for every run that has none yet (runs made before issue 19, or imported).
pub fn prepare(store: &mut Store) -> Result<Me, HubError> {
    let err = local_err("preparing the sync");
    let tx = store.conn_mut().transaction().map_err(&err)?;
    let id = match get(&tx, COCKPIT_ID).map_err(&err)? {
        Some(id) if !id.is_empty() => id,
        _ => {
            let id = new_id();
            put_setting(&tx, COCKPIT_ID, &id).map_err(&err)?;
            id
        }
    };
    let missing: Vec<i64> = {
        let mut stmt = tx
            .prepare("SELECT id FROM runs WHERE uuid IS NULL")
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| r.get(0))
            .map_err(&err)?
            .collect::<Result<_, _>>()
            .map_err(&err)?;
        rows
    };
    {
        let mut set = tx
            .prepare("UPDATE runs SET uuid = ?1 WHERE id = ?2")
            .map_err(&err)?;
        for run in missing {
            set.execute(params![new_id(), run]).map_err(&err)?;
        }
    }
    tx.commit().map_err(&err)?;
    Ok(Me {
        id,
        name: machine_name(),
    })
}

/// Stores the push markers (after the hub committed).
pub fn move_markers(store: &mut Store, m: &Markers) -> Result<(), HubError> {
    let err = local_err("recording what was pushed");
    let tx = store.conn_mut().transaction().map_err(&err)?;
    put_setting(&tx, PUSHED_EVENTS, &m.events.to_string()).map_err(&err)?;
    put_setting(&tx, PUSHED_RUNS, &m.runs.to_string()).map_err(&err)?;
    put_setting(&tx, PUSHED_LOGBOOK, &m.logbook.to_string()).map_err(&err)?;
    tx.commit().map_err(&err)
}

/// A sync succeeded: its time, and no error.
pub fn record_success(store: &Store) -> Result<(), HubError> {
    let err = local_err("recording the sync");
    put_setting(store.conn(), LAST_SYNC, &crate::clock::now().to_string()).map_err(&err)?;
    put_setting(store.conn(), LAST_ERROR, "").map_err(&err)
}

/// A sync failed: why, in one line (the message shows the address without its password).
pub fn record_failure(store: &Store, message: &str) {
    let line = message.replace(['\n', '\r'], " ");
    if let Err(e) = put_setting(store.conn(), LAST_ERROR, &line) {
        tracing::warn!(error = %e, "could not record the sync's failure");
    }
}
