//! The wall clock: the one place the core reads the current time, in Unix seconds (UTC).

/// Current Unix time in seconds (0 if the system clock is set before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The earliest time a stored record or a run may speak of: 1990-01-01T00:00:00Z. Older
/// timestamps are typing errors (a year 0026 for 2026), not wind-turbine data.
pub const EARLIEST_PLAUSIBLE: i64 = 631_152_000;

/// How far ahead of the wall clock a record or a scoring time may be: one day (clock skew
/// between a SCADA server and this PC, a local-time export read as UTC). Later ones are in the
/// future: a `score --at` there is refused, and stored records there never become "the latest
/// data".
pub const FUTURE_TOLERANCE_S: i64 = 86_400;

/// The latest plausible time now: [`now`] plus [`FUTURE_TOLERANCE_S`].
pub fn latest_plausible() -> i64 {
    now() + FUTURE_TOLERANCE_S
}
