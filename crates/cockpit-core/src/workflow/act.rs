//! Recording a person's action: the state is read, the action checked against it and its event
//! written in one immediate transaction, so two fronts acting at once see each other's events.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::events::{self, Event};
use super::state::Workflow;
use super::WorkflowError;
use crate::store::Store;

/// The canonical id of a registered turbine (case-insensitive), or `UnknownTurbine`. A turbine
/// of another site known through the shared store (`hub_turbines`) counts: a laptop or an
/// office cockpit acts on the alerts the other cockpits' runs raised.
pub fn turbine_id(conn: &Connection, turbine: &str) -> Result<String, WorkflowError> {
    conn.query_row(
        "SELECT turbine_id FROM turbines WHERE turbine_id = ?1 COLLATE NOCASE
         UNION ALL
         SELECT turbine_id FROM hub_turbines WHERE turbine_id = ?1 COLLATE NOCASE
         LIMIT 1",
        [turbine.trim()],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .ok_or_else(|| WorkflowError::UnknownTurbine {
        turbine: turbine.to_string(),
    })
}

/// Runs `f` on the current state in one immediate transaction and records the event it returns:
/// two fronts acting at once see each other's events.
pub fn act(
    store: &mut Store,
    f: impl FnOnce(&Connection, &Workflow) -> Result<Event, WorkflowError>,
) -> Result<Event, WorkflowError> {
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let w = Workflow::load(&tx)?;
    let event = f(&tx, &w)?;
    events::record(&tx, std::slice::from_ref(&event))?;
    // In a field pack, the action is sealed with the rest (see `seal`).
    crate::seal::refresh(&tx, crate::seal::ACTION_PARTS)?;
    tx.commit()?;
    Ok(event)
}
