//! The fleet's identity: a UUID and a name kept in the database's settings (`fleet.id`,
//! `fleet.name`). A database gets one the first time it exports a pack; a database that has
//! none adopts the identity of the first pack it imports (a laptop's own cockpit joins the
//! office's fleet that way). A pack is imported only into a database of its fleet.

use serde::Serialize;

use super::PackError;
use crate::store::Store;
use crate::workflow::events::{machine_name, new_id};

/// The setting holding the fleet's UUID.
pub const ID_SETTING: &str = "fleet.id";
/// The setting holding the fleet's name (shown on the packs: "field pack from <name>").
pub const NAME_SETTING: &str = "fleet.name";

/// Which fleet a database or a pack belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetIdentity {
    /// Its UUID.
    pub id: String,
    /// Its name (by default the name of the machine that first exported a pack).
    pub name: String,
}

/// The database's fleet identity, if it has one.
pub fn own(store: &Store) -> Result<Option<FleetIdentity>, PackError> {
    let Some(id) = store.setting(ID_SETTING)? else {
        return Ok(None);
    };
    let name = store.setting(NAME_SETTING)?.unwrap_or_else(|| id.clone());
    Ok(Some(FleetIdentity { id, name }))
}

/// The database's fleet identity, created (named after this machine) if it has none.
pub fn ensure(store: &Store) -> Result<FleetIdentity, PackError> {
    if let Some(f) = own(store)? {
        return Ok(f);
    }
    let f = FleetIdentity {
        id: new_id(),
        name: machine_name(),
    };
    adopt(store, &f)?;
    Ok(f)
}

/// Makes `fleet` the database's identity.
pub fn adopt(store: &Store, fleet: &FleetIdentity) -> Result<(), PackError> {
    store.set_setting(ID_SETTING, &fleet.id)?;
    store.set_setting(NAME_SETTING, &fleet.name)?;
    Ok(())
}
