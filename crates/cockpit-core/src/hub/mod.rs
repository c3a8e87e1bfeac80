//! The shared fleet store ("hub"): a PostgreSQL database that every cockpit syncs with when it
//! can reach it, so that several sites' workstations, managers' workstations and field laptops
//! share one picture of the fleet. Every cockpit stays local-first on its own SQLite database;
//! the hub holds what the views need — sites, turbines, scoring runs with their predictions and
//! drivers, the journal of actions, the logbook, the model sets in service — never raw SCADA.
//! Every hub row names the cockpit that produced it.
//!
//! - [`connect`] — the hub's address (a libpq URL or key=value string), the password
//!   (`PGPASSWORD`, `.pgpass`), TLS (`sslmode`), and the address as it may be shown (no secret);
//! - [`schema`] — the hub's versioned migrations (`cockpit hub init`) and the version check every
//!   connection makes; migration 2 is the access by role (row-level security);
//! - [`access`] — who may do what: `cockpit hub grant`, `revoke` and `status`;
//! - [`sync`] — `cockpit sync`: push this cockpit's runs and actions, pull the others';
//! - [`view`] — the all-sites view of the app: every site known here and from the hub copy, who
//!   scores it and how fresh, each turbine's latest prediction and workflow state;
//! - [`words`] — the all-sites view's and the Sync card's sentences in French and English.
//!
//! See `docs/shared-store.md` for the sync model, its guarantees and the conflict rule.

pub mod access;
pub mod connect;
pub mod schema;
pub mod sync;
pub mod view;
pub mod words;

use thiserror::Error;

pub use connect::HubTarget;

/// Why the hub could not be reached, read or written. A failed hub operation never changes the
/// local database.
#[derive(Debug, Error)]
pub enum HubError {
    /// The hub's address could not be read as a libpq URL or key=value string.
    #[error("the hub address {shown} is not a PostgreSQL connection string: {detail} (expected e.g. postgresql://cockpit@hub.example.org:5432/cockpit?sslmode=require)")]
    BadUrl {
        /// The address with any password hidden.
        shown: String,
        /// What the parser said.
        detail: String,
    },
    /// No hub address given and none saved in the settings.
    #[error("no hub address: give --server URL (e.g. postgresql://cockpit@hub.example.org/cockpit) or save one with `cockpit sync --server URL`")]
    NoServer,
    /// The server could not be reached or refused the connection (wrong host, port, password,
    /// user or database).
    #[error("cannot connect to the hub {shown}: {detail}")]
    Connect {
        /// The address with any password hidden.
        shown: String,
        /// What PostgreSQL or the network said.
        detail: String,
    },
    /// TLS was asked for (`sslmode`) and could not be set up.
    #[error("TLS to the hub {shown} could not be set up: {detail}")]
    Tls {
        /// The address with any password hidden.
        shown: String,
        /// Why.
        detail: String,
    },
    /// The database exists but `cockpit hub init` was never run on it.
    #[error("the database {shown} is not a cockpit hub yet: run `cockpit hub init --server URL` once (as the database's owner)")]
    NotInitialised {
        /// The address with any password hidden.
        shown: String,
    },
    /// The hub was migrated by a newer cockpit.
    #[error("the hub {shown} has schema version {found} and this cockpit knows up to {known}: update this cockpit to sync with it")]
    TooNew {
        /// The address with any password hidden.
        shown: String,
        /// The hub's version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// A query failed on the server (refused by a permission or a policy, or the connection
    /// dropped).
    #[error("the hub {shown} refused or lost the request while {doing}: {detail}")]
    Server {
        /// The address with any password hidden.
        shown: String,
        /// What the cockpit was doing ("pushing runs").
        doing: String,
        /// What PostgreSQL said.
        detail: String,
    },
    /// A grant asked for something that cannot be (unknown kind, a site list on an office
    /// user, no site for a site or field user, an empty password).
    #[error("{detail}")]
    BadAccess {
        /// What is wrong and what to give instead.
        detail: String,
    },
    /// Managing access needs the hub's owner (and CREATEROLE to create a login role).
    #[error("the hub {shown} refused {doing} to the user {user}: {detail}. Run `cockpit hub grant`/`revoke` as the hub's owner (the user who ran `cockpit hub init`, with the CREATEROLE right)")]
    NotOwner {
        /// The address with any password hidden.
        shown: String,
        /// The user the cockpit connected as.
        user: String,
        /// What was refused.
        doing: String,
        /// What PostgreSQL said.
        detail: String,
    },
    /// This cockpit's own database could not be read or written during a sync (nothing of the
    /// sync was kept locally).
    #[error("the local database could not be used while {doing}: {detail}")]
    Local {
        /// What the cockpit was doing ("storing what was pulled from the hub").
        doing: String,
        /// What SQLite said.
        detail: String,
    },
}

/// The text of a PostgreSQL error with its server message when there is one (the client's
/// `Display` says only "db error").
pub(crate) fn pg_detail(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(d) = db.detail() {
                s.push_str(&format!("; {d}"));
            }
            s
        }
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                s.push_str(&format!(": {inner}"));
                src = inner.source();
            }
            s
        }
    }
}
