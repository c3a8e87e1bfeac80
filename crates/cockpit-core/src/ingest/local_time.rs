//! Timestamps to UTC: a timestamp with `Z` or an offset is taken as written; one without is
//! read in the mapping's local time zone (UTC when it names none), with daylight-saving time's
//! two special hours handled.
//!
//! - In autumn one local hour happens twice (Europe/Paris, 2014-10-26: 02:00–02:59 first at
//!   +02:00, then at +01:00). An export without offsets writes both as `02:xx`. For each turbine,
//!   in file order, the first record of a repeated local time is the summer one and the second is
//!   the winter one, which is how a logger writes them.
//! - In spring one local hour does not exist (2014-03-30: 02:00 jumps to 03:00): a record written
//!   in it cannot be placed in time and is quarantined with that reason.
//!
//! A clock [`bounded`](LocalTime::bounded) by the ingestion time also refuses instants before
//! [`schema::EARLIEST_PLAUSIBLE_TIME`] or more than [`schema::FUTURE_TOLERANCE_SECS`] after the
//! ingestion (`implausible_time`): one mistyped year must not become the fleet's latest record.

use std::collections::HashSet;

use jiff::tz::{AmbiguousOffset, TimeZone};

use crate::schema;

/// A rejection: reason code and message.
type Reject = (&'static str, String);

/// Places the timestamps of one file in UTC.
pub(super) struct LocalTime {
    /// The export's time zone and its name; `None` reads wall-clock times as UTC.
    zone: Option<(TimeZone, String)>,
    /// (turbine, earlier instant) of the repeated local times already met.
    folds_seen: HashSet<(i64, i64)>,
    /// The ingestion time (Unix seconds) the instants are checked against; `None`: unchecked.
    now: Option<i64>,
}

impl LocalTime {
    /// The clock of a mapping's time zone (`None`: UTC). The name was checked when the mapping
    /// was loaded; an unknown one here reads as UTC.
    pub(super) fn new(timezone: Option<&str>) -> LocalTime {
        LocalTime {
            zone: timezone
                .and_then(|name| TimeZone::get(name).ok().map(|tz| (tz, name.to_string()))),
            folds_seen: HashSet::new(),
            now: None,
        }
    }

    /// The same clock, refusing instants that cannot be true at ingestion time `now` (Unix
    /// seconds, from [`crate::clock::now`]): before 1990 or more than a day after `now`.
    pub(super) fn bounded(mut self, now: i64) -> LocalTime {
        self.now = Some(now);
        self
    }

    /// Parses a timestamp field like [`LocalTime::parse_unchecked`], then refuses an instant
    /// outside the plausible range when the clock is [`bounded`](LocalTime::bounded).
    pub(super) fn parse(
        &mut self,
        f: &[u8],
        what: &str,
        required: bool,
        turbine: Option<i64>,
    ) -> Result<Option<i64>, Reject> {
        let secs = self.parse_unchecked(f, what, required, turbine)?;
        let (Some(now), Some(t)) = (self.now, secs) else {
            return Ok(secs);
        };
        let latest = now.saturating_add(schema::FUTURE_TOLERANCE_SECS);
        let bound = if t < schema::EARLIEST_PLAUSIBLE_TIME {
            format!(
                "before {}, the earliest time accepted",
                schema::format_timestamp(schema::EARLIEST_PLAUSIBLE_TIME)
            )
        } else if t > latest {
            format!(
                "after {}, one day after the ingestion time (a mistyped year or a logger clock set wrong)",
                schema::format_timestamp(latest)
            )
        } else {
            return Ok(secs);
        };
        Err((
            "implausible_time",
            format!(
                "{what} '{}' ({}) is implausible: {bound}",
                super::field::shown(f),
                schema::format_timestamp(t)
            ),
        ))
    }

    /// Parses a timestamp field into Unix seconds (UTC); `None` when it is empty and not
    /// required. `turbine` tells the records of a repeated local hour apart (see the module).
    fn parse_unchecked(
        &mut self,
        f: &[u8],
        what: &str,
        required: bool,
        turbine: Option<i64>,
    ) -> Result<Option<i64>, Reject> {
        if super::field::is_missing(f) {
            return if required {
                Err(("missing_value", format!("{what} is empty")))
            } else {
                Ok(None)
            };
        }
        let text = std::str::from_utf8(f).unwrap_or_default();
        let Some((secs, placed)) = schema::parse_timestamp_parts(text) else {
            return Err((
                "bad_timestamp",
                format!(
                    "{what} '{}' is not a valid date and time (expected e.g. 2026-05-01T00:10:00Z, 2014-01-01T01:00:00+01:00 or 2014-01-01 01:00)",
                    super::field::shown(f)
                ),
            ));
        };
        if placed {
            return Ok(Some(secs));
        }
        let Some((tz, name)) = &self.zone else {
            return Ok(Some(secs));
        };
        let civil = jiff::Timestamp::from_second(secs)
            .map(|t| TimeZone::UTC.to_datetime(t))
            .map_err(|_| {
                (
                    "bad_timestamp",
                    format!("{what} '{}' is out of range", super::field::shown(f)),
                )
            })?;
        match tz.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                Ok(Some(secs - i64::from(offset.seconds())))
            }
            AmbiguousOffset::Fold { before, after } => {
                let early = secs - i64::from(before.seconds());
                let late = secs - i64::from(after.seconds());
                let first = match turbine {
                    Some(t) => self.folds_seen.insert((t, early)),
                    None => true,
                };
                Ok(Some(if first { early } else { late }))
            }
            AmbiguousOffset::Gap { before, after } => Err((
                "nonexistent_local_time",
                format!(
                    "{what} '{}' does not exist in {name}: the clocks go forward from UTC{} to UTC{} at that hour (a logger error, or write the time with its offset)",
                    super::field::shown(f),
                    before,
                    after
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        schema::parse_timestamp(text).unwrap()
    }

    #[test]
    fn offsets_are_taken_as_written_whatever_the_zone() {
        let mut paris = LocalTime::new(Some("Europe/Paris"));
        let mut none = LocalTime::new(None);
        // La Haute Borne's own offsets on both sides of the 2014 changes.
        for (text, expected) in [
            ("2014-03-30T01:50:00+01:00", "2014-03-30T00:50:00Z"),
            ("2014-03-30T03:00:00+02:00", "2014-03-30T01:00:00Z"),
            ("2014-10-26T02:50:00+02:00", "2014-10-26T00:50:00Z"),
            ("2014-10-26T02:00:00+01:00", "2014-10-26T01:00:00Z"),
            ("2014-10-26T02:00+01:00", "2014-10-26T01:00:00Z"),
            ("2014-10-26T01:00:00Z", "2014-10-26T01:00:00Z"),
        ] {
            for clock in [&mut paris, &mut none] {
                let got = clock.parse(text.as_bytes(), "timestamp", true, Some(1));
                assert_eq!(got, Ok(Some(utc(expected))), "{text}");
            }
        }
    }

    #[test]
    fn wall_clock_times_are_read_in_the_zone() {
        let mut paris = LocalTime::new(Some("Europe/Paris"));
        let p = |c: &mut LocalTime, t: &str| c.parse(t.as_bytes(), "timestamp", true, Some(7));
        assert_eq!(
            p(&mut paris, "2014-01-01 01:00"),
            Ok(Some(utc("2014-01-01T00:00:00Z")))
        );
        assert_eq!(
            p(&mut paris, "2014-07-01T02:00:00"),
            Ok(Some(utc("2014-07-01T00:00:00Z")))
        );
        let mut none = LocalTime::new(None);
        assert_eq!(
            p(&mut none, "2014-01-01 01:00"),
            Ok(Some(utc("2014-01-01T01:00:00Z")))
        );
    }

    #[test]
    fn the_repeated_autumn_hour_is_summer_then_winter_per_turbine() {
        let mut paris = LocalTime::new(Some("Europe/Paris"));
        let mut p = |t: &str, turbine: i64| {
            paris
                .parse(t.as_bytes(), "timestamp", true, Some(turbine))
                .unwrap()
                .unwrap()
        };
        // Turbine 1 and 2 interleaved, as in La Haute Borne's file.
        assert_eq!(p("2014-10-26 02:00", 1), utc("2014-10-26T00:00:00Z"));
        assert_eq!(p("2014-10-26 02:00", 2), utc("2014-10-26T00:00:00Z"));
        assert_eq!(p("2014-10-26 02:50", 1), utc("2014-10-26T00:50:00Z"));
        assert_eq!(p("2014-10-26 02:00", 1), utc("2014-10-26T01:00:00Z"));
        assert_eq!(p("2014-10-26 02:00", 2), utc("2014-10-26T01:00:00Z"));
        assert_eq!(p("2014-10-26 02:50", 1), utc("2014-10-26T01:50:00Z"));
        assert_eq!(p("2014-10-26 03:00", 1), utc("2014-10-26T02:00:00Z"));
    }

    #[test]
    fn the_missing_spring_hour_is_refused_with_a_reason() {
        let mut paris = LocalTime::new(Some("Europe/Paris"));
        let (reason, message) = paris
            .parse(b"2014-03-30 02:30", "timestamp", true, Some(1))
            .unwrap_err();
        assert_eq!(reason, "nonexistent_local_time");
        assert!(
            message.contains("'2014-03-30 02:30' does not exist in Europe/Paris"),
            "{message}"
        );
        assert_eq!(
            paris.parse(b"2014-03-30 03:00", "timestamp", true, Some(1)),
            Ok(Some(utc("2014-03-30T01:00:00Z")))
        );
        assert_eq!(paris.parse(b"", "back", false, None), Ok(None));
        assert_eq!(
            paris.parse(b"", "timestamp", true, None).unwrap_err().0,
            "missing_value"
        );
    }

    #[test]
    fn instants_before_1990_or_over_a_day_after_the_ingestion_are_implausible() {
        let now = utc("2026-05-01T12:00:00Z");
        let mut clock = LocalTime::new(Some("Europe/Paris")).bounded(now);
        let mut p = |t: &str| clock.parse(t.as_bytes(), "timestamp", true, Some(1));
        assert_eq!(
            p("1990-01-01T00:00:00Z"),
            Ok(Some(utc("1990-01-01T00:00:00Z")))
        );
        assert_eq!(
            p("2026-05-02T12:00:00Z"),
            Ok(Some(utc("2026-05-02T12:00:00Z")))
        );
        assert_eq!(p("2026-05-02 14:00"), Ok(Some(utc("2026-05-02T12:00:00Z"))));
        assert_eq!(
            p("2099-05-01T00:00:00Z"),
            Err((
                "implausible_time",
                "timestamp '2099-05-01T00:00:00Z' (2099-05-01T00:00:00Z) is implausible: after 2026-05-02T12:00:00Z, one day after the ingestion time (a mistyped year or a logger clock set wrong)".to_string()
            ))
        );
        assert_eq!(
            p("0026-05-01 02:00"),
            Err((
                "implausible_time",
                "timestamp '0026-05-01 02:00' (0026-05-01T01:50:39Z) is implausible: before 1990-01-01T00:00:00Z, the earliest time accepted".to_string()
            ))
        );
        assert_eq!(p("2026-05-02T12:00:01Z").unwrap_err().0, "implausible_time");
        assert_eq!(p("1989-12-31T23:59:59Z").unwrap_err().0, "implausible_time");
        // Unbounded (a commissioning date), the same texts are read.
        let mut free = LocalTime::new(None);
        assert!(free
            .parse(b"2099-05-01", "d", false, None)
            .unwrap()
            .is_some());
    }
}
