//! The wall clock: the one place the core reads the current time, in Unix seconds (UTC).

/// Current Unix time in seconds (0 if the system clock is set before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
