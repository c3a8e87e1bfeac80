//! Bringing a pack's findings back: the pack is checked ([`open_checked`]), its fleet and
//! turbines compared with this database's, then its journal of actions is recorded here in one
//! transaction — events already present (same UUID) are skipped, so importing the same pack
//! twice changes nothing; a confirmed fault writes its logbook entry as it is recorded. The
//! summary says what was new, and the conflicts the merge revealed (an intervention closed
//! differently here and in the field: both closings kept, the first recorded stands).

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;

use super::fleet;
use super::info::{open_checked, PackInfo};
use super::{words, PackError};
use crate::lang::Lang;
use crate::store::{self, Store};
use crate::workflow::events::{self, Event};
use crate::workflow::state;

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportSummary {
    /// The pack's description.
    pub pack: PackInfo,
    /// Events recorded here for the first time.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub new_events: u64,
    /// Events that were already here (an earlier import, or this database's own).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub already_present: u64,
    /// Logbook entries written (confirmed faults).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub logbook_entries: u64,
    /// How many interventions the pack's events put in conflict.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub conflicts: u64,
    /// Each conflict in words: "LYO-08, intervention 1a2b3c4d (generator winding): closed here
    /// as nothing found; also closed by karim on LAPTOP-07 …".
    pub conflict_details: Vec<String>,
    /// True when this database took the pack's fleet identity (it had none).
    pub joined_fleet: bool,
    /// What changed, in one sentence: "3 interventions closed, 1 fault confirmed on LYO-08
    /// (generator winding), 2 notes."
    pub summary: String,
}

/// Every event of the pack, failing on one this cockpit cannot read (nothing is lost
/// silently).
fn pack_events(conn: &Connection) -> Result<Vec<Event>, PackError> {
    events::all_or_unreadable(conn)?.map_err(|(id, reason)| PackError::BadEvent { id, reason })
}

/// Imports the pack at `path` into `store`. Nothing is written when an error is returned.
pub fn import(store: &mut Store, path: &Path, lang: Lang) -> Result<ImportSummary, PackError> {
    if store.is_pack() {
        return Err(PackError::IsAPack {
            what: "importing a pack",
        });
    }
    let (pack, info) = open_checked(path, lang)?;
    let own = fleet::own(store)?;
    if let Some(own) = &own {
        if own.id != info.fleet.id {
            return Err(PackError::OtherFleet {
                pack_fleet: info.fleet.name.clone(),
                pack_id: info.fleet.id.clone(),
                own_fleet: own.name.clone(),
                own_id: own.id.clone(),
            });
        }
    }
    let events = pack_events(&pack)?;
    let mut pack_turbines: Vec<String> = pack
        .prepare("SELECT turbine_id FROM turbines ORDER BY turbine_id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    pack_turbines.extend(events.iter().map(|e| e.turbine_id.clone()));
    pack_turbines.sort();
    pack_turbines.dedup();
    drop(pack);

    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut unknown = Vec::new();
    for t in &pack_turbines {
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM turbines WHERE turbine_id = ?1)",
            [t],
            |r| r.get(0),
        )?;
        if !known {
            unknown.push(t.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(PackError::UnknownTurbines {
            turbines: unknown.join(", "),
        });
    }
    let logbook_before: i64 = tx.query_row("SELECT count(*) FROM logbook", [], |r| r.get(0))?;
    let mut new = Vec::new();
    for e in &events {
        if events::record(&tx, std::slice::from_ref(e))? > 0 {
            new.push(e.clone());
        }
    }
    let logbook_after: i64 = tx.query_row("SELECT count(*) FROM logbook", [], |r| r.get(0))?;
    let joined = own.is_none();
    if joined {
        for (k, v) in [
            (fleet::ID_SETTING, &info.fleet.id),
            (fleet::NAME_SETTING, &info.fleet.name),
        ] {
            store::put_setting(&tx, k, v)?;
        }
    }
    let conflict_details = conflicts(&tx, &events, lang)?;
    tx.commit()?;
    let summary = words::import_summary(&new, conflict_details.len(), lang);
    Ok(ImportSummary {
        pack: info,
        new_events: new.len() as u64,
        already_present: (events.len() - new.len()) as u64,
        logbook_entries: (logbook_after - logbook_before).max(0) as u64,
        conflicts: conflict_details.len() as u64,
        conflict_details,
        joined_fleet: joined,
        summary,
    })
}

/// The conflicts on the interventions the pack's events touch, in words.
fn conflicts(conn: &Connection, events: &[Event], lang: Lang) -> Result<Vec<String>, PackError> {
    let touched: HashSet<&str> = events.iter().map(|e| e.subject.as_str()).collect();
    let w = state::Workflow::load(conn)?;
    let mut out = Vec::new();
    for i in w
        .interventions
        .iter()
        .filter(|i| touched.contains(i.id.as_str()))
    {
        for c in &i.conflicts {
            let kept = match (i.status, i.finding) {
                (state::InterventionStatus::Done, Some(f)) => {
                    crate::workflow::words::finding(f, i.found_component.as_deref(), lang)
                }
                _ => crate::workflow::words::finding_cancelled(lang).to_string(),
            };
            out.push(words::conflict_line(
                &i.turbine_id,
                &i.id,
                &i.component,
                &kept,
                &crate::workflow::words::conflict(c, lang),
                lang,
            ));
        }
    }
    Ok(out)
}
