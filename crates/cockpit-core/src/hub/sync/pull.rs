//! The pull: under the shared [`WRITE_LOCK`] (no push is half-committed while it is held), the
//! hub's sequence gives the new cursor, and every row of another cockpit past the old cursor
//! and up to the new one is read: the cockpits, which cockpit scores each site, the other
//! sites' turbines, the latest prediction per turbine of their new runs, the model sets in
//! service, the actions (into the local journal, idempotent by UUID) and the logbook (for
//! turbines known here). All of it is applied in one local transaction that also stores the new
//! cursor: a pull cut anywhere leaves the old cursor, and pulling again is idempotent.

use postgres::{Client, Row};
use rusqlite::{params, Connection};

use super::local::{marker, Me, CURSOR};
use super::{hub_err, local_err};
use crate::hub::schema::WRITE_LOCK;
use crate::hub::HubError;
use crate::store::{put_setting, Store};
use crate::workflow::events::{self, Action, Event};

/// What the pull brought.
pub struct Pulled {
    /// Actions new in the local journal.
    pub events: i64,
    /// Turbines whose latest prediction from another cockpit changed.
    pub predictions: i64,
}

/// Everything read from the hub, before anything is written locally.
struct Fetched {
    cursor: i64,
    cockpits: Vec<Row>,
    sites: Vec<Row>,
    turbines: Vec<Row>,
    latest: Vec<Row>,
    model_sets: Vec<Row>,
    events: Vec<Row>,
    logbook: Vec<Row>,
}

/// Pulls what the other cockpits did since the cursor.
pub fn pull(
    store: &mut Store,
    client: &mut Client,
    shown: &str,
    me: &Me,
) -> Result<Pulled, HubError> {
    let from = marker(store.conn(), CURSOR).map_err(local_err("reading the hub cursor"))?;
    let fetched = fetch(client, shown, me, from)?;
    apply(store, &fetched)
}

fn fetch(client: &mut Client, shown: &str, me: &Me, from: i64) -> Result<Fetched, HubError> {
    let mut tx = client
        .transaction()
        .map_err(hub_err(shown, "starting the pull"))?;
    tx.execute("SELECT pg_advisory_xact_lock_shared($1)", &[&WRITE_LOCK])
        .map_err(hub_err(shown, "waiting for the hub's read lock"))?;
    let cursor: i64 = tx
        .query_one(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM hub.seq",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(hub_err(shown, "reading the hub's sequence"))?;
    let mut q = |doing: &str, sql: &str| {
        tx.query(sql, &[&from, &cursor, &me.id])
            .map_err(hub_err(shown, doing))
    };
    let fetched = Fetched {
        cursor,
        cockpits: q(
            "reading the cockpits",
            "SELECT id::text, name, extract(epoch FROM last_sync)::bigint, clock_offset_s
             FROM hub.cockpits WHERE seq > $1 AND seq <= $2 AND id <> $3::text::uuid",
        )?,
        sites: q(
            "reading the sites",
            "SELECT site, scored_by::text, extract(epoch FROM since)::bigint
             FROM hub.sites WHERE seq > $1 AND seq <= $2 AND $3::text IS NOT NULL",
        )?,
        turbines: q(
            "reading the turbines",
            "SELECT turbine_id, site, model, rated_power_kw, latitude, longitude,
                    commissioning_date, cockpit::text
             FROM hub.turbines WHERE seq > $1 AND seq <= $2 AND cockpit <> $3::text::uuid",
        )?,
        latest: q(
            "reading the latest predictions",
            "SELECT DISTINCT ON (p.turbine_id)
                    p.turbine_id, r.id::text, r.site, r.cockpit::text, r.trigger, r.ended_at,
                    r.as_of, r.model_version, p.scored, p.reason, p.p_fail_7d, p.ttf_days,
                    p.risk_score, p.category, p.drivers, p.last_record, p.data_quality,
                    p.ttf_distribution
             FROM hub.runs r JOIN hub.predictions p ON p.run = r.id AND p.site = r.site
             WHERE r.seq > $1 AND r.seq <= $2 AND r.cockpit <> $3::text::uuid
               AND r.status = 'succeeded'
             ORDER BY p.turbine_id, r.as_of DESC NULLS LAST, r.ended_at DESC, r.seq DESC",
        )?,
        model_sets: q(
            "reading the model sets",
            "SELECT site, cockpit::text, version, sha256, since
             FROM hub.model_sets WHERE seq > $1 AND seq <= $2 AND cockpit <> $3::text::uuid",
        )?,
        events: q(
            "reading the actions",
            "SELECT id::text, at, author, machine, kind, subject, turbine, data, cockpit::text
             FROM hub.events WHERE seq > $1 AND seq <= $2 AND cockpit <> $3::text::uuid
             ORDER BY seq",
        )?,
        logbook: q(
            "reading the logbook",
            "SELECT turbine_id, component, failure_time, back_in_service_time, action,
                    precursor_start, precursor_known
             FROM hub.logbook WHERE seq > $1 AND seq <= $2 AND cockpit <> $3::text::uuid",
        )?,
    };
    tx.commit().map_err(hub_err(shown, "ending the pull"))?;
    Ok(fetched)
}

/// A hub row's column, or the local error that names it.
fn col<'a, T: postgres::types::FromSql<'a>>(r: &'a Row, i: usize) -> Result<T, HubError> {
    r.try_get(i).map_err(|e| HubError::Local {
        doing: "reading a row pulled from the hub".into(),
        detail: e.to_string(),
    })
}

fn apply(store: &mut Store, f: &Fetched) -> Result<Pulled, HubError> {
    let err = local_err("storing what was pulled from the hub");
    let tx = store.conn_mut().transaction().map_err(&err)?;
    for r in &f.cockpits {
        tx.execute(
            "INSERT OR REPLACE INTO hub_cockpits (id, name, last_sync, clock_offset_s)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                col::<String>(r, 0)?,
                col::<String>(r, 1)?,
                col::<Option<i64>>(r, 2)?,
                col::<Option<i64>>(r, 3)?
            ],
        )
        .map_err(&err)?;
    }
    for r in &f.sites {
        tx.execute(
            "INSERT OR REPLACE INTO hub_sites (site, scored_by, since) VALUES (?1, ?2, ?3)",
            params![
                col::<String>(r, 0)?,
                col::<String>(r, 1)?,
                col::<i64>(r, 2)?
            ],
        )
        .map_err(&err)?;
    }
    for r in &f.turbines {
        tx.execute(
            "INSERT OR REPLACE INTO hub_turbines (turbine_id, site, model, rated_power_kw,
                 latitude, longitude, commissioning_date, cockpit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                col::<String>(r, 0)?,
                col::<String>(r, 1)?,
                col::<String>(r, 2)?,
                col::<f64>(r, 3)?,
                col::<f64>(r, 4)?,
                col::<f64>(r, 5)?,
                col::<String>(r, 6)?,
                col::<String>(r, 7)?
            ],
        )
        .map_err(&err)?;
    }
    let mut predictions = 0;
    for r in &f.latest {
        predictions += tx
            .execute(
                "INSERT INTO hub_latest (turbine_id, run, site, cockpit, trigger, ended_at, as_of,
                     model_version, scored, reason, p_fail_7d, ttf_days, risk_score, category,
                     drivers, last_record, data_quality, ttf_distribution)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18)
                 ON CONFLICT (turbine_id) DO UPDATE SET run = excluded.run, site = excluded.site,
                     cockpit = excluded.cockpit, trigger = excluded.trigger,
                     ended_at = excluded.ended_at, as_of = excluded.as_of,
                     model_version = excluded.model_version, scored = excluded.scored,
                     reason = excluded.reason, p_fail_7d = excluded.p_fail_7d,
                     ttf_days = excluded.ttf_days, risk_score = excluded.risk_score,
                     category = excluded.category, drivers = excluded.drivers,
                     last_record = excluded.last_record, data_quality = excluded.data_quality,
                     ttf_distribution = excluded.ttf_distribution
                 WHERE (coalesce(excluded.as_of, -1), excluded.ended_at)
                     >= (coalesce(hub_latest.as_of, -1), hub_latest.ended_at)",
                params![
                    col::<String>(r, 0)?,
                    col::<String>(r, 1)?,
                    col::<String>(r, 2)?,
                    col::<String>(r, 3)?,
                    col::<String>(r, 4)?,
                    col::<i64>(r, 5)?,
                    col::<Option<i64>>(r, 6)?,
                    col::<Option<String>>(r, 7)?,
                    col::<bool>(r, 8)?,
                    col::<Option<String>>(r, 9)?,
                    col::<Option<f64>>(r, 10)?,
                    col::<Option<f64>>(r, 11)?,
                    col::<Option<f64>>(r, 12)?,
                    col::<Option<String>>(r, 13)?,
                    col::<String>(r, 14)?,
                    col::<Option<i64>>(r, 15)?,
                    col::<Option<String>>(r, 16)?,
                    col::<Option<String>>(r, 17)?
                ],
            )
            .map_err(&err)? as i64;
    }
    for r in &f.model_sets {
        tx.execute(
            "INSERT OR REPLACE INTO hub_model_sets (site, cockpit, version, sha256, since)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                col::<String>(r, 0)?,
                col::<String>(r, 1)?,
                col::<String>(r, 2)?,
                col::<Option<String>>(r, 3)?,
                col::<i64>(r, 4)?
            ],
        )
        .map_err(&err)?;
    }
    let mut events = 0;
    for r in &f.events {
        events += record_event(&tx, r)?;
    }
    for r in &f.logbook {
        tx.execute(
            "INSERT OR IGNORE INTO logbook (turbine, component, failure_time,
                 back_in_service_time, action, precursor_start, precursor_known)
             SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM turbines WHERE turbine_id = ?1",
            params![
                col::<String>(r, 0)?,
                col::<String>(r, 1)?,
                col::<i64>(r, 2)?,
                col::<Option<i64>>(r, 3)?,
                col::<String>(r, 4)?,
                col::<Option<i64>>(r, 5)?,
                col::<bool>(r, 6)?
            ],
        )
        .map_err(&err)?;
    }
    put_setting(&tx, CURSOR, &f.cursor.to_string()).map_err(&err)?;
    tx.commit().map_err(&err)?;
    Ok(Pulled {
        events,
        predictions,
    })
}

/// One pulled action into the local journal, through the workflow's own `record` (idempotent by
/// UUID; a confirmed fault writes its logbook entry), marked with the cockpit it came from. An
/// action this version cannot read (from a newer cockpit) is kept as it came, byte for byte.
fn record_event(conn: &Connection, r: &Row) -> Result<i64, HubError> {
    let err = local_err("recording an action pulled from the hub");
    let id: String = col(r, 0)?;
    let data: String = col(r, 7)?;
    let origin: String = col(r, 8)?;
    let added = match serde_json::from_str::<Action>(&data) {
        Ok(action) => {
            let event = Event {
                id: id.clone(),
                at: col(r, 1)?,
                author: col(r, 2)?,
                machine: col(r, 3)?,
                subject: col(r, 5)?,
                turbine_id: col(r, 6)?,
                action,
            };
            events::record(conn, std::slice::from_ref(&event)).map_err(|e| HubError::Local {
                doing: "recording an action pulled from the hub".into(),
                detail: e.to_string(),
            })?
        }
        Err(_) => conn
            .execute(
                "INSERT OR IGNORE INTO workflow_events (id, at, author, machine, kind, subject,
                     turbine, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    col::<i64>(r, 1)?,
                    col::<String>(r, 2)?,
                    col::<String>(r, 3)?,
                    col::<String>(r, 4)?,
                    col::<String>(r, 5)?,
                    col::<String>(r, 6)?,
                    data
                ],
            )
            .map_err(&err)?,
    };
    if added > 0 {
        conn.execute(
            "UPDATE workflow_events SET origin = ?1, data = ?3 WHERE id = ?2",
            params![origin, id, data],
        )
        .map_err(&err)?;
    }
    Ok(added as i64)
}
