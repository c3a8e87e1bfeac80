//! Tests of the timestamp parser and writer, and of the calendar helpers, against `chrono`.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

use super::*;

#[test]
fn timestamps_round_trip_and_reject_nonsense() {
    let t = parse_timestamp("2026-05-01T00:10:00Z").unwrap();
    assert_eq!(format_timestamp(t), "2026-05-01T00:10:00Z");
    assert_eq!(parse_timestamp("2026-05-01 00:10:00"), Some(t));
    assert_eq!(parse_timestamp("2026-05-01T02:10:00+02:00"), Some(t));
    assert_eq!(parse_timestamp("2026-05-01T00:10"), Some(t));
    assert_eq!(parse_timestamp("2026-05-01T00:10:00.000Z"), Some(t));
    assert_eq!(
        parse_timestamp("2016-01-01T00:00:00+00:00"),
        Some(1_451_606_400)
    );
    assert_eq!(parse_timestamp("2024-02-29"), Some(1_709_164_800));
    for bad in [
        "",
        "2023-02-29",
        "2026-13-01T00:00:00Z",
        "2026-05-01T25:00:00Z",
        "yesterday",
        "2026-05-01T00:10:00Q",
        "2026-05-01X00:10",
    ] {
        assert_eq!(parse_timestamp(bad), None, "{bad}");
    }
    assert_eq!(format_date(t), "2026-05-01");
    assert_eq!(format_date(-1), "1969-12-31");
}

/// What `chrono` makes of a timestamp in one of the shapes [`parse_timestamp`] documents.
fn chrono_parse(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp());
    }
    for sep in ["T", "t", " "] {
        for time in ["%H:%M", "%H:%M:%S", "%H:%M:%S%.f"] {
            let base = format!("%Y-%m-%d{sep}{time}");
            for zone in ["", "Z", "z"] {
                if let Ok(dt) = NaiveDateTime::parse_from_str(t, &format!("{base}{zone}")) {
                    return Some(dt.and_utc().timestamp());
                }
            }
            for zone in ["%:z", "%z"] {
                if let Ok(dt) = DateTime::parse_from_str(t, &format!("{base}{zone}")) {
                    return Some(dt.timestamp());
                }
            }
        }
    }
    None
}

/// Leap years (2000, 2024), non-leap century years (1900, 2100) and ordinary years.
const YEARS: [i64; 10] = [1900, 1970, 1999, 2000, 2001, 2023, 2024, 2025, 2026, 2100];

#[test]
fn the_hot_path_parser_agrees_with_chrono_on_valid_dates() {
    let mut checked = 0;
    for y in YEARS {
        for m in 1..=12 {
            // Day 29 to 31 exist in some months and years only: both must agree on which.
            for d in 1..=31 {
                let date = format!("{y:04}-{m:02}-{d:02}");
                let expected = chrono_parse(&date);
                assert_eq!(parse_timestamp(&date), expected, "{date}");
                if expected.is_none() {
                    continue;
                }
                let times = [
                    "00:00",
                    "23:59",
                    "12:34:56",
                    "07:08:09.5",
                    "00:00:00.123456789",
                ];
                let zones = ["", "Z", "z", "+00:00", "+02:00", "-0530", "+2359", "-23:59"];
                for (k, time) in times.iter().enumerate() {
                    let sep = ["T", " ", "t"][(d as usize + k) % 3];
                    for zone in zones {
                        let text = format!("{date}{sep}{time}{zone}");
                        let ours = parse_timestamp(&text);
                        assert!(ours.is_some(), "{text}");
                        assert_eq!(ours, chrono_parse(&text), "{text}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 20_000, "{checked}");
}

#[test]
fn the_hot_path_parser_rejects_what_chrono_rejects() {
    for bad in [
        "",
        "yesterday",
        "2023-02-29",
        "1900-02-29",
        "2100-02-29T00:00Z",
        "2024-02-30",
        "2026-04-31",
        "2026-00-10",
        "2026-13-01T00:00:00Z",
        "2026-05-00",
        "2026-05-32",
        "2026-05-01T24:00:00Z",
        "2026-05-01T25:00:00Z",
        "2026-05-01T00:60:00Z",
        "2026-05-01T00:10:61Z",
        "2026-05-01T00:10:00.",
        "2026-05-01T00:10:00Q",
        "2026-05-01X00:10",
        "2026-05-01T00:10:00+24:00",
        "2026-05-01T00:10:00+02:60",
        "2026-05-01T00:10:00+2:00",
        "2026-05-01T00:10:00+02",
        "2026-05-01T00:10:00UTC",
        "2026/05/01",
    ] {
        assert_eq!(parse_timestamp(bad), None, "{bad}");
        assert_eq!(chrono_parse(bad), None, "chrono accepts {bad}");
    }
    // The canonical shape has fixed-width fields; chrono's `%H` and `%m` also take one digit.
    for stricter in ["2026-05-01T0:10", "2026-5-01T00:10Z", "2026-05-1"] {
        assert_eq!(parse_timestamp(stricter), None, "{stricter}");
        assert!(chrono_parse(stricter).is_some(), "{stricter}");
    }
}

#[test]
fn the_writer_agrees_with_chrono() {
    // 1900-01-01 to 2100-12-31, in steps that visit every time of day and every day of the year.
    let mut t = -2_208_988_800;
    while t < 4_133_980_800 {
        let expected = DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        assert_eq!(format_timestamp(t), expected, "{t}");
        assert_eq!(parse_timestamp(&expected), Some(t), "{expected}");
        t += 86_400 + 3_607;
    }
}

#[test]
fn the_hot_path_calendar_agrees_with_chrono() {
    // Every day from year -2000 to 6000, and chrono's range limits on either side.
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    for z in -1_450_000..1_475_000 {
        let (y, m, d) = fast::civil_from_days(z);
        let date = epoch + chrono::TimeDelta::days(z);
        assert_eq!(
            (y, m, d),
            (
                i64::from(date.year()),
                i64::from(date.month()),
                i64::from(date.day())
            ),
            "{z}"
        );
        assert_eq!(fast::days_from_civil(y, m, d), z, "{y}-{m}-{d}");
    }
    for z in [-96_000_000, 95_000_000, i64::from(i32::MAX)] {
        let (y, m, d) = fast::civil_from_days(z);
        assert_eq!(fast::days_from_civil(y, m, d), z, "{y}-{m}-{d}");
    }
    for y in YEARS {
        for m in 1..=12 {
            let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            assert_eq!(
                fast::days_from_civil(next.0, next.1, 1) - fast::days_from_civil(y, m, 1),
                fast::days_in_month(y, m),
                "{y}-{m}"
            );
        }
    }
}

#[test]
fn parts_tell_an_offset_from_a_wall_clock_reading() {
    let t = parse_timestamp("2014-01-01T00:00:00Z").unwrap();
    // La Haute Borne's own shapes: winter and summer offsets, with and without seconds.
    assert_eq!(
        parse_timestamp_parts("2014-01-01T01:00:00+01:00"),
        Some((t, true))
    );
    assert_eq!(
        parse_timestamp_parts("2014-01-01T01:00+01:00"),
        Some((t, true))
    );
    assert_eq!(
        parse_timestamp_parts("2014-07-01T02:00:00+02:00"),
        parse_timestamp("2014-07-01T00:00:00Z").map(|s| (s, true))
    );
    assert_eq!(parse_timestamp_parts("2014-01-01 00:00"), Some((t, false)));
    assert_eq!(parse_timestamp_parts("2014-01-01"), Some((t, false)));
    assert_eq!(parse_timestamp_parts("2014-01-01 00:00Z"), Some((t, true)));
}
