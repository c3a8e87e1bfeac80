//! The wall clock: the one place the core reads the current time, in Unix seconds (UTC).

/// Current Unix time in seconds (0 if the system clock is set before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The latest plausible time now: [`now`] plus [`crate::schema::FUTURE_TOLERANCE_SECS`] (the
/// plausible window is defined with the data contract, in `schema::time`).
pub fn latest_plausible() -> i64 {
    now() + crate::schema::FUTURE_TOLERANCE_SECS
}
