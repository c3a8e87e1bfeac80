//! Writing a pack: which turbines ([`Selection`]) and, for them, the registry rows, the last
//! [`WINDOW_DAYS`](super::WINDOW_DAYS) days of readings, the logbook, every successful run's
//! predictions (the runs' counts recomputed over the pack's turbines, so the pack's fleet view
//! adds up), the latest run's model inputs and the whole journal of actions. The pack is
//! written to a temporary file beside the target, sealed, compacted and renamed: a pack file
//! is complete or absent.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};
use serde::Serialize;

use super::fleet;
use super::info::{
    FLEET_ID, FLEET_NAME, ID, PREPARED_AT, PREPARED_BY, PREPARED_ON, SOURCE, TURBINES,
};
use super::{PackError, FORMAT, WINDOW_DAYS};
use crate::clock::now;
use crate::runs::queries::{self, FleetFilter, QueryError};
use crate::seal;
use crate::store::{self, Store, PACK_FORMAT_SETTING};
use crate::workflow::events::{new_id, Actor};

/// The turbines a pack is for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// These turbines (ids, case-insensitive); when empty, the filter chooses.
    pub turbines: Vec<String>,
    /// The fleet view's filter (site, categories — e.g. high and critical —, search,
    /// unacknowledged) applied to the latest run; an empty filter: every registered turbine.
    pub filter: FleetFilter,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportSummary {
    /// The pack file.
    pub path: String,
    /// Its turbines.
    pub turbines: Vec<String>,
    /// SCADA records it carries.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub readings: u64,
    /// Scoring runs it carries.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub runs: u64,
    /// Events of the journal of actions it carries.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    /// Its size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// The fleet it belongs to.
    pub fleet: fleet::FleetIdentity,
}

fn filter_is_empty(f: &FleetFilter) -> bool {
    f.categories.is_empty()
        && f.site.as_deref().is_none_or(|s| s.trim().is_empty())
        && f.search.as_deref().is_none_or(|s| s.trim().is_empty())
        && !f.unacknowledged
}

/// The registry keys and ids of the selected turbines, by id.
fn chosen(store: &Store, sel: &Selection) -> Result<Vec<(i64, String)>, PackError> {
    let conn = store.conn();
    let lookup = |id: &str| -> Result<Option<(i64, String)>, rusqlite::Error> {
        let mut stmt = conn.prepare_cached(
            "SELECT id, turbine_id FROM turbines WHERE turbine_id = ?1 COLLATE NOCASE",
        )?;
        let mut rows = stmt.query([id.trim()])?;
        Ok(match rows.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?)),
            None => None,
        })
    };
    let mut out = Vec::new();
    if !sel.turbines.is_empty() {
        let mut unknown = Vec::new();
        for t in sel.turbines.iter().filter(|t| !t.trim().is_empty()) {
            match lookup(t)? {
                Some(found) => out.push(found),
                None => unknown.push(t.trim().to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(PackError::Selection(format!(
                "unknown turbine(s) {}: check the ids (cockpit fleet lists them)",
                unknown.join(", ")
            )));
        }
    } else if filter_is_empty(&sel.filter) {
        let mut stmt = conn.prepare("SELECT id, turbine_id FROM turbines ORDER BY turbine_id")?;
        out = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
    } else {
        let mut filter = sel.filter.clone();
        filter.limit = None;
        let view = match queries::fleet(store, &filter) {
            Ok(v) => v,
            Err(QueryError::NoRun) => {
                return Err(PackError::Selection(
                    "no scoring run yet, so no category or alert to choose by: name the turbines (--turbines) or score the fleet first".into(),
                ))
            }
            Err(e) => return Err(PackError::Selection(e.to_string())),
        };
        for item in &view.items {
            if let Some(found) = lookup(&item.turbine_id)? {
                out.push(found);
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup();
    if out.is_empty() {
        return Err(PackError::Selection(
            "no turbine matches the selection: widen it (site, categories) or name the turbines"
                .into(),
        ));
    }
    Ok(out)
}

fn write_err(path: &Path) -> impl Fn(rusqlite::Error) -> PackError + '_ {
    move |e| PackError::Write {
        path: path.to_path_buf(),
        source: Box::new(e),
    }
}

/// Writes a pack of the selected turbines to `out` (replaced if it exists), prepared by `actor`.
pub fn export(
    store: &Store,
    sel: &Selection,
    out: &Path,
    actor: &Actor,
) -> Result<ExportSummary, PackError> {
    if store.is_pack() {
        return Err(PackError::IsAPack {
            what: "exporting a pack",
        });
    }
    if let (Ok(a), Ok(b)) = (out.canonicalize(), store.path().canonicalize()) {
        if a == b {
            return Err(PackError::Selection(
                "the pack would overwrite the database itself: choose another file".into(),
            ));
        }
    }
    let turbines = chosen(store, sel)?;
    let fleet = fleet::ensure(store)?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(PackError::Write {
            path: out.to_path_buf(),
            source: format!("the folder {} does not exist", dir.display()).into(),
        });
    }
    let tmp = temp_path(out);
    let result = write_pack(store, &turbines, &fleet, actor, &tmp);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        PackError::Write {
            path: out.to_path_buf(),
            source: Box::new(e),
        }
    })?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(ExportSummary {
        path: out.display().to_string(),
        bytes,
        ..summary
    })
}

fn temp_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack".into());
    out.with_file_name(format!(".{name}.{}.part", std::process::id()))
}

fn write_pack(
    store: &Store,
    turbines: &[(i64, String)],
    fleet: &fleet::FleetIdentity,
    actor: &Actor,
    tmp: &Path,
) -> Result<ExportSummary, PackError> {
    let _ = std::fs::remove_file(tmp);
    // The pack's schema: every migration of this cockpit, in a file of its own.
    {
        let pack = Store::open(tmp)?;
        pack.conn()
            .execute_batch("PRAGMA journal_mode = DELETE")
            .map_err(write_err(tmp))?;
    }
    let latest = queries::latest_run(store)
        .map_err(|e| PackError::Selection(e.to_string()))?
        .map(|r| r.id);
    let conn = store.conn();
    conn.execute("ATTACH DATABASE ?1 AS pack", [tmp.display().to_string()])
        .map_err(write_err(tmp))?;
    let copied = copy_rows(conn, turbines, latest, WINDOW_DAYS * 86_400);
    let detached = conn.execute_batch("DETACH DATABASE pack");
    let (readings, runs, events) = copied.map_err(write_err(tmp))?;
    detached.map_err(write_err(tmp))?;

    let pack = Connection::open(tmp).map_err(write_err(tmp))?;
    let ids: Vec<&str> = turbines.iter().map(|(_, id)| id.as_str()).collect();
    let source = store
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let describe = || -> Result<(), rusqlite::Error> {
        let tx = pack.unchecked_transaction()?;
        let now = now().to_string();
        let format = FORMAT.to_string();
        let joined = ids.join(",");
        for (k, v) in [
            (PACK_FORMAT_SETTING, format.as_str()),
            (ID, new_id().as_str()),
            (FLEET_ID, fleet.id.as_str()),
            (FLEET_NAME, fleet.name.as_str()),
            (PREPARED_AT, now.as_str()),
            (PREPARED_BY, actor.author.as_str()),
            (PREPARED_ON, actor.machine.as_str()),
            (SOURCE, source.as_str()),
            (TURBINES, joined.as_str()),
        ] {
            store::put_setting(&tx, k, v)?;
        }
        seal::seal(&tx)?;
        tx.commit()?;
        pack.execute_batch("VACUUM")?;
        Ok(())
    };
    describe().map_err(write_err(tmp))?;
    drop(pack);
    Ok(ExportSummary {
        path: String::new(),
        turbines: ids.iter().map(|s| s.to_string()).collect(),
        readings,
        runs,
        events,
        bytes: 0,
        fleet: fleet.clone(),
    })
}

/// Copies the selected turbines' rows into the attached `pack`, in one transaction on the
/// database's connection (one consistent snapshot of it).
fn copy_rows(
    conn: &Connection,
    turbines: &[(i64, String)],
    latest_run: Option<i64>,
    window: i64,
) -> Result<(u64, u64, u64), rusqlite::Error> {
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS pack_selection (id INTEGER PRIMARY KEY, turbine_id TEXT NOT NULL);
         DELETE FROM temp.pack_selection;",
    )?;
    for (id, tid) in turbines {
        tx.execute(
            "INSERT INTO temp.pack_selection (id, turbine_id) VALUES (?1, ?2)",
            params![id, tid],
        )?;
    }
    tx.execute_batch(
        "INSERT INTO pack.turbines SELECT * FROM main.turbines WHERE id IN (SELECT id FROM temp.pack_selection);
         INSERT INTO pack.logbook SELECT * FROM main.logbook WHERE turbine IN (SELECT id FROM temp.pack_selection);
         INSERT INTO pack.runs SELECT * FROM main.runs
             WHERE status = 'succeeded'
               AND id IN (SELECT DISTINCT run FROM main.predictions WHERE turbine IN (SELECT id FROM temp.pack_selection));
         INSERT INTO pack.predictions SELECT * FROM main.predictions
             WHERE turbine IN (SELECT id FROM temp.pack_selection) AND run IN (SELECT id FROM pack.runs);
         UPDATE pack.runs SET
             turbines   = (SELECT count(*) FROM pack.predictions p WHERE p.run = runs.id),
             critical   = (SELECT count(*) FROM pack.predictions p WHERE p.run = runs.id AND p.category = 'critical'),
             high       = (SELECT count(*) FROM pack.predictions p WHERE p.run = runs.id AND p.category = 'high'),
             moderate   = (SELECT count(*) FROM pack.predictions p WHERE p.run = runs.id AND p.category = 'moderate'),
             low        = (SELECT count(*) FROM pack.predictions p WHERE p.run = runs.id AND p.category = 'low'),
             not_scored = (SELECT count(*) FROM pack.predictions p WHERE p.run = runs.id AND p.scored = 0);
         INSERT INTO pack.workflow_events (id, at, author, machine, kind, subject, turbine, data)
             SELECT id, at, author, machine, kind, subject, turbine, data FROM main.workflow_events
             WHERE turbine IN (SELECT turbine_id FROM temp.pack_selection) ORDER BY seq;",
    )?;
    if let Some(run) = latest_run {
        tx.execute(
            "INSERT INTO pack.prediction_features SELECT * FROM main.prediction_features
             WHERE run = ?1 AND turbine IN (SELECT id FROM temp.pack_selection)",
            [run],
        )?;
    }
    let readings = tx.execute(
        "INSERT INTO pack.readings SELECT r.* FROM main.readings r
         JOIN (SELECT turbine, max(ts) AS last FROM main.readings
               WHERE turbine IN (SELECT id FROM temp.pack_selection) GROUP BY turbine) l
           ON l.turbine = r.turbine
         WHERE r.ts > l.last - ?1",
        [window],
    )? as u64;
    let runs: i64 = tx.query_row("SELECT count(*) FROM pack.runs", [], |r| r.get(0))?;
    let events: i64 = tx.query_row("SELECT count(*) FROM pack.workflow_events", [], |r| {
        r.get(0)
    })?;
    tx.execute_batch("DROP TABLE temp.pack_selection")?;
    tx.commit()?;
    Ok((readings, runs as u64, events as u64))
}
