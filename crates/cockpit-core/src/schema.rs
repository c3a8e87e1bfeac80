//! The data contract: the canonical 10-minute SCADA schema, the turbine registry and the
//! maintenance/failure logbook.
//!
//! Everything that reads or writes fleet data (the simulator, ingestion, features) takes column
//! names, units and valid ranges from here, so the contract lives in exactly one place.
//! `docs/data-contract.md` is the human-readable form of this module and must be kept in step.

use std::fmt;

/// Length of one SCADA record, in seconds (10 minutes).
pub const RECORD_SECONDS: i64 = 600;

/// One numeric SCADA signal of the canonical schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signal {
    /// Canonical column name (also the SQLite column name).
    pub name: &'static str,
    /// Physical unit, for documentation and display.
    pub unit: &'static str,
    /// Smallest physically valid value (inclusive).
    pub min: f64,
    /// Largest physically valid value (inclusive).
    pub max: f64,
    /// A row without this value is rejected.
    pub required: bool,
    /// What the signal measures.
    pub description: &'static str,
}

/// The numeric signals of a canonical SCADA record, in canonical column order.
///
/// `timestamp` and `turbine_id` come first in every canonical file and are not listed here.
pub const SIGNALS: &[Signal] = &[
    Signal {
        name: "wind_speed_ms",
        unit: "m/s",
        min: 0.0,
        max: 60.0,
        required: true,
        description: "Mean wind speed at hub height (nacelle anemometer)",
    },
    Signal {
        name: "wind_dir_deg",
        unit: "°",
        min: 0.0,
        max: 360.0,
        required: false,
        description: "Mean wind direction (absolute, from north)",
    },
    Signal {
        name: "power_kw",
        unit: "kW",
        min: -500.0,
        max: 20_000.0,
        required: true,
        description: "Mean active power delivered to the grid (negative when the turbine consumes)",
    },
    Signal {
        name: "rotor_rpm",
        unit: "rpm",
        min: 0.0,
        max: 40.0,
        required: false,
        description: "Mean rotor speed",
    },
    Signal {
        name: "generator_rpm",
        unit: "rpm",
        min: 0.0,
        max: 3_000.0,
        required: false,
        description: "Mean generator speed (rotor speed times the gearbox ratio)",
    },
    Signal {
        name: "pitch_deg",
        unit: "°",
        min: -10.0,
        max: 95.0,
        required: false,
        description: "Mean blade pitch angle (0 = fine, ~90 = feathered)",
    },
    Signal {
        name: "ambient_temp_c",
        unit: "°C",
        min: -50.0,
        max: 60.0,
        required: false,
        description: "Ambient air temperature",
    },
    Signal {
        name: "nacelle_temp_c",
        unit: "°C",
        min: -50.0,
        max: 80.0,
        required: false,
        description: "Air temperature inside the nacelle",
    },
    Signal {
        name: "gearbox_oil_temp_c",
        unit: "°C",
        min: -50.0,
        max: 130.0,
        required: false,
        description: "Gearbox oil sump temperature",
    },
    Signal {
        name: "gearbox_bearing_temp_c",
        unit: "°C",
        min: -50.0,
        max: 150.0,
        required: false,
        description: "Gearbox high-speed shaft bearing temperature",
    },
    Signal {
        name: "generator_bearing_temp_c",
        unit: "°C",
        min: -50.0,
        max: 150.0,
        required: false,
        description: "Generator drive-end bearing temperature",
    },
    Signal {
        name: "generator_winding_temp_c",
        unit: "°C",
        min: -50.0,
        max: 200.0,
        required: false,
        description: "Generator stator winding temperature (hottest phase)",
    },
    Signal {
        name: "hydraulic_oil_temp_c",
        unit: "°C",
        min: -50.0,
        max: 110.0,
        required: false,
        description: "Pitch/brake hydraulic oil temperature",
    },
    Signal {
        name: "converter_temp_c",
        unit: "°C",
        min: -50.0,
        max: 130.0,
        required: false,
        description: "Power converter (IGBT cabinet) temperature",
    },
    Signal {
        name: "transformer_temp_c",
        unit: "°C",
        min: -50.0,
        max: 160.0,
        required: false,
        description: "HV transformer winding temperature",
    },
    Signal {
        name: "vibration_mm_s",
        unit: "mm/s",
        min: 0.0,
        max: 100.0,
        required: false,
        description: "Drivetrain vibration, RMS velocity",
    },
];

/// Index of a signal in [`SIGNALS`], by canonical name.
pub fn signal_index(name: &str) -> Option<usize> {
    SIGNALS.iter().position(|s| s.name == name)
}

/// Canonical column names of a SCADA file, in order: `timestamp`, `turbine_id`, then [`SIGNALS`],
/// then `status`.
pub fn scada_columns() -> Vec<&'static str> {
    let mut cols = vec!["timestamp", "turbine_id"];
    cols.extend(SIGNALS.iter().map(|s| s.name));
    cols.push("status");
    cols
}

/// Operating state reported by the turbine controller for a 10-minute record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Producing, or ready and waiting for wind.
    Running,
    /// Stopped by the controller on a fault.
    Fault,
    /// Stopped for maintenance or repair.
    Maintenance,
    /// Stopped on purpose (curtailment, grid request, storm).
    Stopped,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 4] = [
        Status::Running,
        Status::Fault,
        Status::Maintenance,
        Status::Stopped,
    ];

    /// The canonical text written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Fault => "fault",
            Status::Maintenance => "maintenance",
            Status::Stopped => "stopped",
        }
    }

    /// Small integer stored in SQLite.
    pub fn code(self) -> i64 {
        match self {
            Status::Running => 0,
            Status::Fault => 1,
            Status::Maintenance => 2,
            Status::Stopped => 3,
        }
    }

    /// Parses the canonical text (case-insensitive).
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Columns of the turbine registry file (`turbines.csv`), all required.
pub const REGISTRY_COLUMNS: &[&str] = &[
    "turbine_id",
    "site",
    "model",
    "rated_power_kw",
    "latitude",
    "longitude",
    "commissioning_date",
];

/// Columns of the maintenance/failure logbook (`logbook.csv`). `back_in_service_time` and `action`
/// may be empty (repair still ongoing, action not yet written).
pub const LOGBOOK_COLUMNS: &[&str] = &[
    "turbine_id",
    "component",
    "failure_time",
    "back_in_service_time",
    "action",
];

/// Turbine components whose failures the cockpit tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    GearboxBearing,
    GeneratorBearing,
    GeneratorWinding,
    PitchHydraulic,
    Converter,
    Transformer,
}

impl Component {
    /// Every component, in a stable order.
    pub const ALL: [Component; 6] = [
        Component::GearboxBearing,
        Component::GeneratorBearing,
        Component::GeneratorWinding,
        Component::PitchHydraulic,
        Component::Converter,
        Component::Transformer,
    ];

    /// Canonical text written in logbook files and stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::GearboxBearing => "gearbox_bearing",
            Component::GeneratorBearing => "generator_bearing",
            Component::GeneratorWinding => "generator_winding",
            Component::PitchHydraulic => "pitch_hydraulic",
            Component::Converter => "converter",
            Component::Transformer => "transformer",
        }
    }

    /// Parses the canonical text (case-insensitive; spaces and dashes accepted for underscores).
    pub fn parse(text: &str) -> Option<Component> {
        let norm: String = text
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Component::ALL.into_iter().find(|c| c.as_str() == norm)
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three kinds of file the cockpit ingests, told apart by their header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Scada,
    Registry,
    Logbook,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Scada => "scada",
            FileKind::Registry => "registry",
            FileKind::Logbook => "logbook",
        }
    }
}

/// Writes `secs` (Unix seconds, UTC) as the canonical timestamp `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Allocation-free, so the simulator can write millions of rows quickly.
pub fn write_timestamp(out: &mut Vec<u8>, secs: i64) {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
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

/// Parses a timestamp into Unix seconds (UTC).
///
/// Accepts `YYYY-MM-DD HH:MM[:SS[.fff]]` with `T` or a space between date and time, followed by
/// nothing (taken as UTC), `Z`, or a `±HH:MM` / `±HHMM` offset; and a bare date `YYYY-MM-DD`
/// (midnight UTC). Returns `None` for anything else, including impossible dates.
pub fn parse_timestamp(text: &str) -> Option<i64> {
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
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if b.len() == 10 {
        return Some(days * 86_400);
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
        [] | [b'Z'] | [b'z'] => 0,
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
    Some(days * 86_400 + hh * 3600 + mi * 60 + ss - offset)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_names_are_unique_and_ranges_sane() {
        let mut names: Vec<_> = SIGNALS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SIGNALS.len());
        for s in SIGNALS {
            assert!(s.min < s.max, "{}", s.name);
        }
        assert_eq!(signal_index("power_kw"), Some(2));
    }

    #[test]
    fn component_and_status_round_trip() {
        for c in Component::ALL {
            assert_eq!(Component::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            Component::parse("Gearbox Bearing"),
            Some(Component::GearboxBearing)
        );
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("bogus"), None);
    }

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
        for days in [-1000, 0, 10_000, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
