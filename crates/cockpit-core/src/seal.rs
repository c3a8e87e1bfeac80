//! The seal of a field pack: a SHA-256 checksum of everything the pack says, so that a truncated
//! or damaged file is refused instead of merged.
//!
//! The seal covers fixed parts — the registry, the readings, the logbook, the runs and their
//! predictions and features, the journal of actions and the pack's own description
//! (`pack.*` settings) — each read with a fixed list of columns in a fixed order, so that a newer
//! cockpit adding a column to a table does not break the seal of an older pack. Each part has
//! its digest (`pack.digest.<part>` settings) and the checksum (`pack.checksum`) is the digest
//! of the parts' digests: recording an action on a laptop re-digests only the journal and the
//! logbook ([`refresh`]), while checking a pack ([`verify`]) recomputes every part.
//! The operations journal and the preferences are not sealed: they describe the machine that
//! has the pack open, not the pack.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::schema::SIGNALS;
use crate::store;

/// The setting holding the pack's checksum (hex SHA-256).
pub const CHECKSUM_SETTING: &str = "pack.checksum";
/// Prefix of the settings holding each sealed part's digest.
const DIGEST_PREFIX: &str = "pack.digest.";

/// The parts recording an action changes: the journal of actions and the logbook (a confirmed
/// fault's entry).
pub const ACTION_PARTS: &[&str] = &["workflow_events", "logbook"];

/// Why a pack's seal does not hold.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The pack carries no checksum (it was never sealed, or its description was removed).
    #[error("the pack carries no checksum: it was not written by a cockpit, or its description was removed")]
    Missing,
    /// A part's content no longer matches its digest.
    #[error("the pack's {part} do not match its checksum: the file was damaged or changed outside the cockpit (ask the office for a new pack)")]
    Mismatch {
        /// The part in words ("readings", "journal of actions", …).
        part: &'static str,
    },
    /// The file could not be read (truncated, not a database, …).
    #[error("the pack cannot be read: {0} (the file is truncated or damaged: copy it again)")]
    Sql(#[from] rusqlite::Error),
}

/// The sealed parts: name, words, query (fixed columns, fixed order).
fn parts() -> Vec<(&'static str, &'static str, String)> {
    let signals: Vec<&str> = SIGNALS.iter().map(|s| s.name).collect();
    vec![
        (
            "description",
            "description",
            format!(
                "SELECT key, value FROM settings WHERE key LIKE 'pack.%' AND key != '{CHECKSUM_SETTING}'
                 AND key NOT LIKE '{DIGEST_PREFIX}%' ORDER BY key"
            ),
        ),
        (
            "turbines",
            "turbines",
            "SELECT id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date
             FROM turbines ORDER BY id"
                .into(),
        ),
        (
            "readings",
            "readings",
            format!(
                "SELECT turbine, ts, {}, status FROM readings ORDER BY turbine, ts",
                signals.join(", ")
            ),
        ),
        (
            "logbook",
            "logbook entries",
            "SELECT turbine, component, failure_time, back_in_service_time, action, precursor_start,
                    precursor_known
             FROM logbook ORDER BY turbine, component, failure_time"
                .into(),
        ),
        (
            "runs",
            "scoring runs",
            "SELECT id, trigger, started_at, ended_at, duration_ms, status, as_of, scheduled_for,
                    model_version, turbines, critical, high, moderate, low, not_scored, error_count,
                    error, model_sha
             FROM runs ORDER BY id"
                .into(),
        ),
        (
            "predictions",
            "predictions",
            "SELECT run, turbine, scored, reason, p_fail_7d, ttf_days, risk_score, category, drivers,
                    last_record, data_quality, ttf_distribution
             FROM predictions ORDER BY run, turbine"
                .into(),
        ),
        (
            "prediction_features",
            "model inputs",
            "SELECT run, turbine, features FROM prediction_features ORDER BY run, turbine".into(),
        ),
        (
            "workflow_events",
            "journal of actions",
            "SELECT id, at, author, machine, kind, subject, turbine, data
             FROM workflow_events ORDER BY id"
                .into(),
        ),
    ]
}

/// The digest of one part: every value with its type, row after row.
fn digest(conn: &Connection, sql: &str) -> Result<String, rusqlite::Error> {
    let mut hash = Sha256::new();
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        for i in 0..columns {
            match row.get_ref(i)? {
                ValueRef::Null => hash.update([0u8]),
                ValueRef::Integer(v) => {
                    hash.update([1u8]);
                    hash.update(v.to_le_bytes());
                }
                ValueRef::Real(v) => {
                    hash.update([2u8]);
                    hash.update(v.to_bits().to_le_bytes());
                }
                ValueRef::Text(b) => {
                    hash.update([3u8]);
                    hash.update((b.len() as u64).to_le_bytes());
                    hash.update(b);
                }
                ValueRef::Blob(b) => {
                    hash.update([4u8]);
                    hash.update((b.len() as u64).to_le_bytes());
                    hash.update(b);
                }
            }
        }
        hash.update([0xFFu8]);
    }
    Ok(hex(&hash.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn stored(conn: &Connection, key: &str) -> Result<Option<String>, rusqlite::Error> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

/// The checksum of the parts' digests, in the parts' order.
fn checksum(digests: &[(&str, String)]) -> String {
    let mut hash = Sha256::new();
    for (name, d) in digests {
        hash.update(name.as_bytes());
        hash.update(b"=");
        hash.update(d.as_bytes());
        hash.update(b"\n");
    }
    hex(&hash.finalize())
}

/// Seals the pack on `conn`: every part's digest and the checksum, written into it.
pub fn seal(conn: &Connection) -> Result<String, rusqlite::Error> {
    let mut digests = Vec::new();
    for (name, _, sql) in parts() {
        let d = digest(conn, &sql)?;
        store::put_setting(conn, &format!("{DIGEST_PREFIX}{name}"), &d)?;
        digests.push((name, d));
    }
    let sum = checksum(&digests);
    store::put_setting(conn, CHECKSUM_SETTING, &sum)?;
    Ok(sum)
}

/// After a write to `changed` parts: re-digests them and the checksum if the database is a
/// pack (nothing otherwise). Call it inside the write's transaction.
pub fn refresh(conn: &Connection, changed: &[&str]) -> Result<(), rusqlite::Error> {
    if !store::is_pack(conn) {
        return Ok(());
    }
    let mut digests = Vec::new();
    for (name, _, sql) in parts() {
        let key = format!("{DIGEST_PREFIX}{name}");
        let d = match stored(conn, &key)? {
            Some(d) if !changed.contains(&name) => d,
            _ => {
                let d = digest(conn, &sql)?;
                store::put_setting(conn, &key, &d)?;
                d
            }
        };
        digests.push((name, d));
    }
    store::put_setting(conn, CHECKSUM_SETTING, &checksum(&digests))
}

/// Checks every part of the pack on `conn` against its digest and the checksum.
pub fn verify(conn: &Connection) -> Result<String, SealError> {
    let sum = stored(conn, CHECKSUM_SETTING)?.ok_or(SealError::Missing)?;
    let mut digests = Vec::new();
    for (name, words, sql) in parts() {
        let d = digest(conn, &sql)?;
        let kept = stored(conn, &format!("{DIGEST_PREFIX}{name}"))?;
        if kept.as_deref() != Some(d.as_str()) {
            return Err(SealError::Mismatch { part: words });
        }
        digests.push((name, d));
    }
    if checksum(&digests) != sum {
        return Err(SealError::Mismatch {
            part: "description",
        });
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, PACK_FORMAT_SETTING};

    fn pack() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.set_setting(PACK_FORMAT_SETTING, "1").unwrap();
        s.conn()
            .execute_batch(
                "INSERT INTO turbines VALUES (1, 'T-01', 'Lyon', 'M', 2300, 45.0, 4.0, '2020-01-01');
                 INSERT INTO readings (turbine, ts, wind_speed_ms) VALUES (1, 600, 7.5);",
            )
            .unwrap();
        seal(s.conn()).unwrap();
        s
    }

    #[test]
    fn a_sealed_pack_verifies_and_a_changed_value_names_its_part() {
        let s = pack();
        verify(s.conn()).unwrap();
        s.conn()
            .execute("UPDATE readings SET wind_speed_ms = 7.6", [])
            .unwrap();
        let err = verify(s.conn()).unwrap_err();
        assert!(err.to_string().contains("readings"), "{err}");
    }

    #[test]
    fn an_action_recorded_through_refresh_keeps_the_seal() {
        let s = pack();
        s.conn()
            .execute(
                "INSERT INTO workflow_events (id, at, author, machine, kind, subject, turbine, data)
                 VALUES ('e1', 10, 'karim', 'LAPTOP', 'note_added', 'a1', 'T-01', '{}')",
                [],
            )
            .unwrap();
        assert!(matches!(
            verify(s.conn()),
            Err(SealError::Mismatch {
                part: "journal of actions"
            })
        ));
        refresh(s.conn(), ACTION_PARTS).unwrap();
        verify(s.conn()).unwrap();
    }

    #[test]
    fn a_changed_description_or_a_removed_checksum_is_refused() {
        let s = pack();
        s.set_setting("pack.fleet_id", "another").unwrap();
        assert!(matches!(
            verify(s.conn()),
            Err(SealError::Mismatch {
                part: "description"
            })
        ));
        s.conn()
            .execute("DELETE FROM settings WHERE key = ?1", [CHECKSUM_SETTING])
            .unwrap();
        assert!(matches!(verify(s.conn()), Err(SealError::Missing)));
    }

    #[test]
    fn refresh_leaves_an_ordinary_database_alone() {
        let s = Store::open_in_memory().unwrap();
        refresh(s.conn(), ACTION_PARTS).unwrap();
        assert_eq!(s.setting(CHECKSUM_SETTING).unwrap(), None);
    }
}
