//! A pack's description (`pack.*` settings) and the checks made before anything else is read
//! from a pack file: it opens as SQLite, it is a pack, its format and schema are not newer than
//! this cockpit's, and its seal holds.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use super::fleet::FleetIdentity;
use super::{words, PackError, FORMAT};
use crate::lang::Lang;
use crate::seal;
use crate::store::{self, PACK_FORMAT_SETTING};

/// Settings of the description, besides the format (`pack.format`).
pub(super) const ID: &str = "pack.id";
pub(super) const FLEET_ID: &str = "pack.fleet_id";
pub(super) const FLEET_NAME: &str = "pack.fleet_name";
pub(super) const PREPARED_AT: &str = "pack.prepared_at";
pub(super) const PREPARED_BY: &str = "pack.prepared_by";
pub(super) const PREPARED_ON: &str = "pack.prepared_on";
pub(super) const SOURCE: &str = "pack.source";
pub(super) const TURBINES: &str = "pack.turbines";

/// What a pack says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackInfo {
    /// Its UUID.
    pub id: String,
    /// Its format version.
    pub format: u32,
    /// The fleet it comes from.
    pub fleet: FleetIdentity,
    /// When it was prepared (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub prepared_at: i64,
    /// Who prepared it.
    pub prepared_by: String,
    /// On which machine.
    pub prepared_on: String,
    /// The file name of the database it was exported from.
    pub source: String,
    /// Its turbines' ids.
    pub turbines: Vec<String>,
    /// The banner the fronts show: "Field pack from Lyon office (PC-OFFICE), prepared by marie
    /// on Nov 30: 1 turbine (LYO-08). Scoring is done at the office."
    pub banner: String,
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>, rusqlite::Error> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

impl PackInfo {
    /// The description of the pack on `conn`; `None` when the database is not a pack.
    pub fn read(conn: &Connection, lang: Lang) -> Result<Option<PackInfo>, rusqlite::Error> {
        if !store::is_pack(conn) {
            return Ok(None);
        }
        let get = |k: &str| -> Result<String, rusqlite::Error> {
            Ok(setting(conn, k)?.unwrap_or_default())
        };
        let format = get(PACK_FORMAT_SETTING)?.parse().unwrap_or(u32::MAX);
        let turbines: Vec<String> = get(TURBINES)?
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let mut info = PackInfo {
            id: get(ID)?,
            format,
            fleet: FleetIdentity {
                id: get(FLEET_ID)?,
                name: get(FLEET_NAME)?,
            },
            prepared_at: get(PREPARED_AT)?.parse().unwrap_or(0),
            prepared_by: get(PREPARED_BY)?,
            prepared_on: get(PREPARED_ON)?,
            source: get(SOURCE)?,
            turbines,
            banner: String::new(),
        };
        info.banner = words::banner(
            &info.fleet.name,
            info.prepared_at,
            &info.prepared_by,
            &info.prepared_on,
            &info.turbines,
            lang,
        );
        Ok(Some(info))
    }
}

/// Opens the pack at `path` read-only and checks it: a pack, of a format and schema this
/// cockpit reads, whose seal holds. Returns the connection and its description.
pub fn open_checked(path: &Path, lang: Lang) -> Result<(Connection, PackInfo), PackError> {
    let unreadable = |e: &dyn std::fmt::Display| PackError::Unreadable {
        path: path.to_path_buf(),
        reason: format!("{e} (the file is missing, truncated or not a pack: copy it again)"),
    };
    if !path.is_file() {
        return Err(PackError::Unreadable {
            path: path.to_path_buf(),
            reason: "no such file".into(),
        });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| unreadable(&e))?;
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| unreadable(&e))?;
    let info = PackInfo::read(&conn, lang)
        .map_err(|e| unreadable(&e))?
        .ok_or_else(|| PackError::NotAPack {
            path: path.to_path_buf(),
        })?;
    if info.format > FORMAT || schema > store::schema_version_known() {
        return Err(PackError::TooNew {
            path: path.to_path_buf(),
            found: info.format,
            schema,
        });
    }
    seal::verify(&conn).map_err(|source| PackError::Damaged {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((conn, info))
}
