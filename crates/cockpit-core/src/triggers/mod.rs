//! Run triggers: what starts a scoring run.
//!
//! Each piece is driven by callbacks, so that the desktop shell and the `cockpit watch` command
//! share them without this module knowing about scoring or UI:
//!
//! * `schedule` — [`DailySchedule`]: a run at a local time of day, which slot is due (catch-up of
//!   the most recent missed one) or next, in a time zone with daylight saving.
//! * `timer` — [`DailyTimer`]: the thread that starts the daily run when its slot is due.
//! * `inbox` — [`InboxWatcher`]: CSV files dropped in an inbox folder handed over one at a time,
//!   once fully written, then filed under [`PROCESSED_DIR`] or [`REJECTED_DIR`] (with a reason).
//! * `models` — [`ModelsWatcher`]: a signal once a new model set has finished being copied into
//!   the models folder; the caller validates and swaps it in.
//! * `watch` — the folder watch both watchers use (the system's notifications, or polling when
//!   those cannot start) and their list of non-fatal problems.
//! * `worker` — the one background-thread lifecycle of the timer and the watchers: wake-ups, stop,
//!   join on drop, callback panics caught.
//! * `error` — [`TriggerError`]: why a trigger could not be set up.

mod error;
mod inbox;
mod models;
mod schedule;
mod timer;
mod watch;
mod worker;

#[cfg(test)]
mod test_support;

pub use error::TriggerError;
pub use inbox::{
    InboxWatcher, PROCESSED_DIR, REJECTED_DIR, SETTLE_DEFAULT, SETTLE_ENV, SETTLE_MAX, SETTLE_MIN,
};
pub use models::ModelsWatcher;
pub use schedule::{local_utc_offset, DailySchedule};
pub use timer::DailyTimer;
