//! The sync between this cockpit's SQLite database and the hub: push what this cockpit
//! produced since its last sync, then pull what the others did. Runs and actions are named by
//! UUIDs and written `ON CONFLICT DO NOTHING`, and the local markers move only once the hub has
//! committed, so a sync cut anywhere and run again never doubles or loses anything.
//!
//! - [`local`] — the Sync settings, this cockpit's identity and markers, what is pending;
//! - [`push`] — one hub transaction under the write lock: this cockpit, its sites' claims,
//!   turbines, runs and predictions, its own actions, the logbook, the model sets in service;
//! - [`pull`] — under the shared lock, every row past the cursor from the other cockpits, into
//!   the `hub_*` tables and the local journal, in one local transaction with the new cursor;
//! - [`words`] — the warnings in French and English.
//!
//! See `docs/shared-store.md` for the model, its guarantees and the conflict rule.

mod copy;
pub mod local;
mod pull;
mod push;
pub mod words;

use serde::Serialize;

use super::{HubError, HubTarget};
use crate::lang::Lang;
use crate::store::Store;

pub use local::{save_settings, settings, status};
pub use words::Notice;

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
    /// The same warnings as data, for a front that words them itself through [`Notice::text`].
    pub notices: Vec<Notice>,
    /// How long it took.
    pub duration_ms: i64,
}

/// Pushes what this cockpit produced since its last sync and pulls what the others did; the
/// warnings in English. See [`sync_in`].
pub fn sync(store: &mut Store, target: &HubTarget) -> Result<SyncReport, HubError> {
    sync_in(store, target, Lang::En)
}

/// Pushes what this cockpit produced since its last sync and pulls what the others did, the
/// warnings in `lang`. On failure `hub.last_error` records why (no secret) and nothing else
/// local changes: the pending items stay queued for the next sync.
pub fn sync_in(store: &mut Store, target: &HubTarget, lang: Lang) -> Result<SyncReport, HubError> {
    let started = std::time::Instant::now();
    let result = run(store, target, lang, started);
    match &result {
        Ok(_) => local::record_success(store)?,
        Err(e) => local::record_failure(store, &e.to_string()),
    }
    result
}

fn run(
    store: &mut Store,
    target: &HubTarget,
    lang: Lang,
    started: std::time::Instant,
) -> Result<SyncReport, HubError> {
    let me = local::prepare(store)?;
    let mut client = target.connect()?;
    super::schema::check(&mut client, target)?;
    let shown = target.shown().to_string();
    tracing::info!(server = %shown, cockpit = %me.id, "hub sync: push started");
    let pushed = push::push(store, &mut client, &shown, &me)?;
    local::move_markers(store, &pushed.markers)?;
    tracing::info!(
        server = %shown,
        runs = pushed.runs,
        events = pushed.events,
        "hub sync: pushed"
    );
    let pulled = pull::pull(store, &mut client, &shown, &me)?;
    let mut notices = pushed.notices;
    if let Some(n) = words::clock_notice(pushed.clock_offset_s) {
        notices.push(n);
    }
    Ok(SyncReport {
        server: shown,
        pushed_events: pushed.events,
        pushed_runs: pushed.runs,
        pulled_events: pulled.events,
        pulled_predictions: pulled.predictions,
        clock_offset_s: pushed.clock_offset_s,
        warnings: notices.iter().map(|n| n.text(lang)).collect(),
        notices,
        duration_ms: started.elapsed().as_millis() as i64,
    })
}

/// Whether an address carries a password (then it is used for this sync and never saved).
pub fn address_has_password(address: &str) -> bool {
    address
        .trim()
        .parse::<postgres::Config>()
        .map(|c| c.get_password().is_some())
        .unwrap_or(false)
}

/// A local SQLite failure during a sync.
pub(crate) fn local_err(doing: &str) -> impl Fn(rusqlite::Error) -> HubError + '_ {
    move |e| HubError::Local {
        doing: doing.to_string(),
        detail: e.to_string(),
    }
}

/// A hub failure during a sync.
pub(crate) fn hub_err<'a>(
    shown: &'a str,
    doing: &'a str,
) -> impl Fn(postgres::Error) -> HubError + 'a {
    move |e| HubError::Server {
        shown: shown.to_string(),
        doing: doing.to_string(),
        detail: super::pg_detail(&e),
    }
}
