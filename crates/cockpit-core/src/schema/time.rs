//! Time in the data contract: canonical timestamps (`YYYY-MM-DDTHH:MM:SSZ`, Unix seconds, UTC)
//! and calendar days.
//!
//! Two functions sit on a measured hot path and stay hand-written: [`parse_timestamp`] reads the
//! timestamp of every row ingestion stores, [`write_timestamp`] writes the timestamp of every row
//! the simulator produces (see the `simulate` bench). Their calendar arithmetic is private, and
//! their tests compare them with `chrono` on the same inputs. Calendar work off the hot path
//! uses `chrono` where it happens (e.g. the simulator's day of the year).

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The earliest plausible instant of a SCADA record, a logbook time or a scoring time:
/// 1990-01-01T00:00:00Z. Anything earlier (a year typed `0026`) is a typing or clock error:
/// quarantined as `implausible_time` at ingestion, refused as a `score --at`.
pub const EARLIEST_PLAUSIBLE_TIME: i64 = 631_152_000;

/// How far after the wall clock a record, a logbook time or a scoring time may lie (one day, for
/// loggers whose clock runs a little ahead or a local-time export read as UTC). Later (a year
/// typed `2099`) is quarantined as `implausible_time` at ingestion, refused as a `score --at`,
/// and a stored record there never becomes "the latest data".
pub const FUTURE_TOLERANCE_SECS: i64 = DAY;

/// Writes `secs` (Unix seconds, UTC) as the canonical timestamp `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Allocation-free, so the simulator can write millions of rows quickly. Years outside 0–9999
/// are written as 0000 or 9999.
pub fn write_timestamp(out: &mut Vec<u8>, secs: i64) {
    let days = secs.div_euclid(DAY);
    let sod = secs.rem_euclid(DAY);
    let (y, m, d) = fast::civil_from_days(days);
    let (hh, mm, ss) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    let two = |out: &mut Vec<u8>, v: i64| {
        out.push(b'0' + (v / 10) as u8);
        out.push(b'0' + (v % 10) as u8);
    };
    let y = y.clamp(0, 9999);
    two(out, y / 100);
    two(out, y % 100);
    out.push(b'-');
    two(out, m);
    out.push(b'-');
    two(out, d);
    out.push(b'T');
    two(out, hh);
    out.push(b':');
    two(out, mm);
    out.push(b':');
    two(out, ss);
    out.push(b'Z');
}

/// The canonical text of a timestamp (Unix seconds, UTC).
pub fn format_timestamp(secs: i64) -> String {
    let mut v = Vec::with_capacity(20);
    write_timestamp(&mut v, secs);
    String::from_utf8(v).unwrap_or_default()
}

/// The canonical date `YYYY-MM-DD` of the UTC day holding `secs` (Unix seconds): the date part
/// of [`format_timestamp`].
pub fn format_date(secs: i64) -> String {
    let mut text = format_timestamp(secs);
    text.truncate(10);
    text
}

/// Parses a timestamp into Unix seconds (UTC).
///
/// Accepts `YYYY-MM-DD HH:MM[:SS[.fff]]` with `T` or a space between date and time, followed by
/// nothing (taken as UTC), `Z`, or a `±HH:MM` / `±HHMM` offset; and a bare date `YYYY-MM-DD`
/// (midnight UTC). Returns `None` for anything else, including impossible dates. Fractions of a
/// second are dropped; a leap second (`:60`) counts as the first second of the next minute.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    parse_timestamp_parts(text).map(|(secs, _)| secs)
}

/// Parses a timestamp like [`parse_timestamp`], also telling whether the text placed it in time
/// itself (`Z` or a `±HH:MM` offset: `true`) or is a wall-clock reading without a zone (`false`,
/// the seconds are then that wall-clock time read as UTC, for a caller that knows the export's
/// local time zone to correct). A bare date counts as a wall-clock reading.
pub fn parse_timestamp_parts(text: &str) -> Option<(i64, bool)> {
    let b = text.trim().as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0')))
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    if !(1..=12).contains(&mo) || d < 1 || d > fast::days_in_month(y, mo) {
        return None;
    }
    let days = fast::days_from_civil(y, mo, d);
    if b.len() == 10 {
        return Some((days * DAY, false));
    }
    if b[10] != b'T' && b[10] != b' ' && b[10] != b't' {
        return None;
    }
    let rest = &b[11..];
    if rest.len() < 5 || rest[2] != b':' {
        return None;
    }
    let (hh, mi) = (num(&rest[0..2])?, num(&rest[3..5])?);
    let mut i = 5;
    let mut ss = 0;
    if rest.len() >= 8 && rest[5] == b':' {
        ss = num(&rest[6..8])?;
        i = 8;
        if i < rest.len() && rest[i] == b'.' {
            i += 1;
            let start = i;
            while i < rest.len() && rest[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    if hh > 23 || mi > 59 || ss > 60 {
        return None;
    }
    let tz = &rest[i..];
    let offset = match tz {
        [] => return Some((days * DAY + hh * 3600 + mi * 60 + ss, false)),
        [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let oh = num(&[*h1, *h2])?;
            let om = num(&[*m1, *m2])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    Some((days * DAY + hh * 3600 + mi * 60 + ss - offset, true))
}

/// The calendar arithmetic of the hot path: plain integer arithmetic, no range checks, no
/// allocation (H. Hinnant's algorithms).
mod fast {
    /// Whether `y` is a leap year of the proleptic Gregorian calendar.
    fn is_leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    /// Days in month `m` (1–12) of year `y`.
    pub(super) fn days_in_month(y: i64, m: i64) -> i64 {
        match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if is_leap(y) => 29,
            _ => 28,
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    pub(super) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01.
    pub(super) fn civil_from_days(z: i64) -> (i64, i64, i64) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }
}

#[cfg(test)]
mod tests;
