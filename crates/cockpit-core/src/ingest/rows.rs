//! The row rules: each record of a SCADA, registry or logbook file checked against the data
//! contract, giving a row ready to store or a reason code and a message.
//!
//! One bad value costs one value: a signal outside its valid range, or a field that is not a
//! number, is cleared (stored empty) and counted with its reason; an empty field is simply empty;
//! the record's other signals are kept — even when the cleared or empty signal is a required one
//! (wind speed, power). Only a bad key (timestamp, turbine) or a record left with no value at all
//! quarantines the whole record. A speed slightly below zero at standstill, within
//! [`schema::standstill_tolerance`], is read as 0.

use std::collections::HashMap;

use crate::mapping::Mapping;
use crate::schema::{self, Status, SIGNALS};

use super::field::{is_missing, shown};
use super::local_time::LocalTime;

/// Longest turbine id accepted.
const MAX_ID_LEN: usize = 64;

/// A validated SCADA record.
pub(super) struct Reading {
    /// Database key of the turbine.
    pub(super) turbine: i64,
    /// Unix seconds (UTC).
    pub(super) ts: i64,
    /// The signals, in [`SIGNALS`] order, converted to canonical units.
    pub(super) values: [Option<f64>; SIGNALS.len()],
    /// Status code ([`Status::code`]).
    pub(super) status: Option<i64>,
    /// Values cleared because they were out of range: the signal and the message.
    pub(super) cleared: Vec<(&'static str, String)>,
    /// Values slightly below zero at standstill, read as 0.
    pub(super) standstill_zeroed: u64,
    /// Line number in the file (set by the parser).
    pub(super) line: u64,
    /// The record's text in its batch's [`Batch::raw`] (set by the parser), quarantined with it
    /// if it conflicts with a stored reading.
    pub(super) raw: std::ops::Range<usize>,
}

/// A validated turbine registry entry.
pub(super) struct RegistryRow {
    pub(super) turbine_id: String,
    pub(super) site: String,
    pub(super) model: String,
    pub(super) rated_power_kw: f64,
    pub(super) latitude: f64,
    pub(super) longitude: f64,
    /// `YYYY-MM-DD`.
    pub(super) commissioning_date: String,
}

/// A validated logbook entry.
pub(super) struct LogbookRow {
    /// Database key of the turbine.
    pub(super) turbine: i64,
    /// Canonical component name.
    pub(super) component: &'static str,
    pub(super) failure_time: i64,
    pub(super) back_in_service_time: Option<i64>,
    pub(super) action: String,
    /// When the failure's precursor began (`None`: it had none, or nothing is known).
    pub(super) precursor_start: Option<i64>,
    /// Whether the file says anything about precursors (it has a `precursor_start` column).
    pub(super) precursor_known: bool,
}

/// A validated row of any kind of file.
// Readings are nearly every row ingested and are moved by value in batches: boxing them, as the
// lint suggests, would cost an allocation per row for the sake of the rare registry row.
#[allow(clippy::large_enum_variant)]
pub(super) enum Row {
    Reading(Reading),
    Registry(RegistryRow),
    Logbook(LogbookRow),
}

/// Result of validating one row: the row, or a reason code and a message.
pub(super) type Checked = Result<Row, (&'static str, String)>;

/// Field `col` (index into the kind's canonical columns) of a record, trimmed; `None` when the
/// column is absent from the file.
fn field<'r>(
    record: &'r csv::ByteRecord,
    columns: &[Option<usize>],
    col: usize,
) -> Option<&'r [u8]> {
    columns[col]
        .and_then(|i| record.get(i))
        .map(|f| f.trim_ascii())
}

/// The field as UTF-8 text.
fn text<'r>(f: &'r [u8], what: &str) -> Result<&'r str, (&'static str, String)> {
    std::str::from_utf8(f).map_err(|_| {
        (
            "unparsable_value",
            format!("{what} is not valid UTF-8 text"),
        )
    })
}

/// A finite number, with a decimal comma when the mapping says so.
fn parse_number(f: &[u8], decimal_comma: bool) -> Option<f64> {
    let s = std::str::from_utf8(f).ok()?;
    let v = if decimal_comma && s.contains(',') {
        s.replace(',', ".").parse::<f64>().ok()?
    } else {
        s.parse::<f64>().ok()?
    };
    v.is_finite().then_some(v)
}

/// A non-empty turbine id of letters, digits, `-`, `_` or `.`.
fn check_turbine_id(f: Option<&[u8]>) -> Result<&str, (&'static str, String)> {
    let f = f.unwrap_or_default();
    if is_missing(f) {
        return Err(("missing_value", "turbine_id is empty".to_string()));
    }
    let id = text(f, "turbine_id")?;
    if id.len() > MAX_ID_LEN
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err((
            "invalid_turbine_id",
            format!(
                "turbine_id '{}' must be 1–{MAX_ID_LEN} letters, digits, '-', '_' or '.'",
                shown(f)
            ),
        ));
    }
    Ok(id)
}

/// The database key of a registered turbine.
fn known_turbine(id: &str, turbines: &HashMap<String, i64>) -> Result<i64, (&'static str, String)> {
    turbines.get(id).copied().ok_or_else(|| {
        (
            "unknown_turbine",
            format!("turbine '{id}' is not in the registry (ingest its turbines.csv entry first)"),
        )
    })
}

/// Checks a SCADA record (canonical order: timestamp, turbine_id, [`SIGNALS`]..., status).
pub(super) fn check_reading(
    record: &csv::ByteRecord,
    columns: &[Option<usize>],
    mapping: &Mapping,
    scale: &[f64],
    turbines: &HashMap<String, i64>,
    clock: &mut LocalTime,
) -> Checked {
    // Canonical SCADA column order: timestamp, turbine_id, SIGNALS..., status.
    let ts_field = field(record, columns, 0).unwrap_or_default();
    if is_missing(ts_field) {
        return Err(("missing_value", "timestamp is empty".to_string()));
    }
    let id = check_turbine_id(field(record, columns, 1))?;
    let turbine = known_turbine(id, turbines)?;
    let ts = clock
        .parse(ts_field, "timestamp", true, Some(turbine))?
        .unwrap_or_default();
    let mut values = [None; SIGNALS.len()];
    let mut cleared = Vec::new();
    let mut standstill_zeroed = 0;
    for (i, sig) in SIGNALS.iter().enumerate() {
        let Some(f) = field(record, columns, i + 2) else {
            continue;
        };
        if is_missing(f) {
            continue;
        }
        let Some(v) = parse_number(f, mapping.decimal_comma) else {
            cleared.push((
                sig.name,
                format!("{} = '{}' is not a number", sig.name, shown(f)),
            ));
            continue;
        };
        let v = v * scale[i];
        if v < sig.min && v >= sig.min - schema::standstill_tolerance(sig.name) {
            standstill_zeroed += 1;
            values[i] = Some(sig.min);
            continue;
        }
        if v < sig.min || v > sig.max {
            cleared.push((
                sig.name,
                format!(
                    "{} = {} {} is outside the valid range {} to {} {}",
                    sig.name, v, sig.unit, sig.min, sig.max, sig.unit
                ),
            ));
            continue;
        }
        values[i] = Some(v);
    }
    let status = match field(record, columns, SIGNALS.len() + 2) {
        None => None,
        Some(f) if is_missing(f) => None,
        Some(f) => {
            let s = std::str::from_utf8(f).unwrap_or_default();
            let parsed = Status::parse(s).or_else(|| {
                s.parse::<i64>()
                    .ok()
                    .and_then(|c| Status::ALL.into_iter().find(|st| st.code() == c))
            });
            if parsed.is_none() {
                cleared.push((
                    "status",
                    format!(
                        "status '{}' is not one of running, fault, maintenance, stopped",
                        shown(f)
                    ),
                ));
            }
            parsed.map(Status::code)
        }
    };
    // One bad or empty value costs that value; a record left with no value at all carries
    // nothing to store.
    if values.iter().all(Option::is_none) && status.is_none() {
        return Err((
            "missing_value",
            if cleared.is_empty() {
                "no signal value at all (only its time and turbine)".to_string()
            } else {
                format!(
                    "no valid signal value left: {}",
                    cleared
                        .iter()
                        .map(|(_, m)| m.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            },
        ));
    }
    Ok(Row::Reading(Reading {
        turbine,
        ts,
        values,
        status,
        cleared,
        standstill_zeroed,
        line: 0,
        raw: 0..0,
    }))
}

/// Checks a turbine registry record.
pub(super) fn check_registry(
    record: &csv::ByteRecord,
    columns: &[Option<usize>],
    mapping: &Mapping,
) -> Checked {
    // Canonical registry order: turbine_id, site, model, rated_power_kw, latitude, longitude,
    // commissioning_date.
    let turbine_id = check_turbine_id(field(record, columns, 0))?.to_string();
    // A column the file lacks takes the mapping's default value, if it has one.
    let required_text = |col: usize, what: &str| -> Result<String, (&'static str, String)> {
        if columns[col].is_none() {
            if let Some(default) = mapping.registry_default(what) {
                return Ok(default.to_string());
            }
        }
        let f = field(record, columns, col).unwrap_or_default();
        if is_missing(f) {
            return Err(("missing_value", format!("{what} is empty")));
        }
        Ok(text(f, what)?.to_string())
    };
    let number = |col: usize,
                  what: &str,
                  min: f64,
                  max: f64,
                  unit: &str|
     -> Result<f64, (&'static str, String)> {
        let f = field(record, columns, col).unwrap_or_default();
        if is_missing(f) {
            return Err(("missing_value", format!("{what} is empty")));
        }
        let v = parse_number(f, mapping.decimal_comma).ok_or_else(|| {
            (
                "unparsable_value",
                format!("{what} = '{}' is not a number", shown(f)),
            )
        })?;
        if v < min || v > max {
            return Err((
                "out_of_range",
                format!("{what} = {v}{unit} is outside the valid range {min} to {max}{unit}"),
            ));
        }
        Ok(v)
    };
    let site = required_text(1, "site")?;
    let model = required_text(2, "model")?;
    let rated_power_kw = number(3, "rated_power_kw", 1.0, 20_000.0, " kW")?;
    let latitude = number(4, "latitude", -90.0, 90.0, "°")?;
    let longitude = number(5, "longitude", -180.0, 180.0, "°")?;
    // The commissioning date may be unknown (absent or empty): stored as empty text. It is a
    // calendar date, not an instant: the mapping's time zone does not move it to another day.
    let mut clock = LocalTime::new(None);
    let commissioning_date = match field(record, columns, 6) {
        Some(f) => clock
            .parse(f, "commissioning_date", false, None)?
            .map(schema::format_date),
        None => mapping
            .registry_default("commissioning_date")
            .map(|d| clock.parse(d.as_bytes(), "commissioning_date", false, None))
            .transpose()?
            .flatten()
            .map(schema::format_date),
    }
    .unwrap_or_default();
    Ok(Row::Registry(RegistryRow {
        turbine_id,
        site,
        model,
        rated_power_kw,
        latitude,
        longitude,
        commissioning_date,
    }))
}

/// Checks a logbook record.
pub(super) fn check_logbook(
    record: &csv::ByteRecord,
    columns: &[Option<usize>],
    mapping: &Mapping,
    turbines: &HashMap<String, i64>,
    clock: &mut LocalTime,
) -> Checked {
    // Canonical logbook order: turbine_id, component, failure_time, back_in_service_time, action,
    // precursor_start.
    let id = check_turbine_id(field(record, columns, 0))?;
    let turbine = known_turbine(id, turbines)?;
    let cf = field(record, columns, 1).unwrap_or_default();
    if is_missing(cf) {
        return Err(("missing_value", "component is empty".to_string()));
    }
    let component = std::str::from_utf8(cf)
        .ok()
        .and_then(|c| mapping.component(c))
        .ok_or_else(|| {
            (
                "unknown_component",
                format!(
                    "component '{}' is not one of the known components: {}",
                    shown(cf),
                    mapping.known_components().join(", ")
                ),
            )
        })?;
    let failure_time = clock
        .parse(
            field(record, columns, 2).unwrap_or_default(),
            "failure_time",
            true,
            None,
        )?
        .unwrap_or_default();
    let back = clock.parse(
        field(record, columns, 3).unwrap_or_default(),
        "back_in_service_time",
        false,
        None,
    )?;
    if let Some(b) = back {
        if b < failure_time {
            return Err((
                "invalid_interval",
                format!(
                    "back_in_service_time {} is before failure_time {}",
                    schema::format_timestamp(b),
                    schema::format_timestamp(failure_time)
                ),
            ));
        }
    }
    let action = match field(record, columns, 4) {
        Some(f) => text(f, "action")?.to_string(),
        None => String::new(),
    };
    let precursor_known = columns.get(5).is_some_and(Option::is_some);
    let precursor_start = clock.parse(
        field(record, columns, 5).unwrap_or_default(),
        "precursor_start",
        false,
        None,
    )?;
    if let Some(p) = precursor_start {
        if p > failure_time {
            return Err((
                "invalid_interval",
                format!(
                    "precursor_start {} is after failure_time {}",
                    schema::format_timestamp(p),
                    schema::format_timestamp(failure_time)
                ),
            ));
        }
    }
    Ok(Row::Logbook(LogbookRow {
        turbine,
        component: component.as_str(),
        failure_time,
        back_in_service_time: back,
        action,
        precursor_start,
        precursor_known,
    }))
}

/// A row rejected by validation.
pub(super) struct Rejected {
    /// Line number in the file.
    pub(super) line: u64,
    /// Reason code.
    pub(super) reason: &'static str,
    /// Message, starting with the line number.
    pub(super) message: String,
    /// The line as read (cut at 4 KiB).
    pub(super) raw: String,
}

/// Rows handed from the parser thread to the writer.
#[derive(Default)]
pub(super) struct Batch {
    /// Valid rows, to store.
    pub(super) rows: Vec<Row>,
    /// Rejected rows, to quarantine.
    pub(super) rejected: Vec<Rejected>,
    /// Records read.
    pub(super) read: u64,
    /// Readings earlier than the previous one of the same turbine.
    pub(super) out_of_order: u64,
    /// Values cleared in stored records: signal, message (starting with the line number) and the
    /// record's raw text.
    pub(super) cleared: Vec<(&'static str, String, String)>,
    /// Values slightly below zero at standstill, read as 0.
    pub(super) standstill_zeroed: u64,
    /// The text of the batch's readings, one after the other (see [`Reading::raw`]).
    pub(super) raw: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use crate::ingest::test_support::{scada_header, scada_row, setup, write};
    use crate::ingest::{ingest_file, quarantined};
    use crate::lang::Lang;
    use crate::mapping::Mapping;
    use crate::schema;
    use crate::store::Store;

    #[test]
    fn each_validation_rule_quarantines_with_its_reason_and_keeps_valid_rows() {
        let (dir, mut store) = setup();
        let rows = [
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"), // ok
            scada_row("2026-05-01T00:10:00Z", "T1", "", "1200"),    // empty wind: kept
            scada_row("2026-05-01T00:20:00Z", "T1", "abc", "1200"), // not a number: cleared
            scada_row("2026-05-01T00:30:00Z", "T1", "75", "1200"),  // out of range: cleared
            scada_row("2026-02-30T00:40:00Z", "T1", "7", "1200"),   // bad timestamp
            scada_row("2026-05-01T00:50:00Z", "T9", "7", "1200"),   // unknown turbine
            scada_row("2026-05-01T00:50:00Z", "T 1", "7", "1200"),  // invalid id
            "2026-05-01T01:00:00Z,T1,7".to_string(),                // wrong field count
            scada_row("2026-05-01T01:10:00Z", "T2", "NaN", "1200"), // NaN wind: kept empty
            scada_row("2026-05-01T01:20:00Z", "T2", "inf", "1200"), // infinite: cleared
            scada_row("2026-05-01T01:30:00Z", "T2", "8.25", "-20"), // ok
            line_with("2026-05-01T01:40:00Z", &[]),                 // no value at all, no status
            line_with(
                "2026-05-01T01:50:00Z",
                &[("wind_speed_ms", "x"), ("power_kw", "y")],
            ), // no valid value left
        ];
        let body = format!("{}\n{}\n", scada_header(), rows.join("\n"));
        let p = write(dir.path(), "scada.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!(r.kind, "scada");
        assert_eq!((r.rows, r.accepted, r.quarantined), (13, 7, 6));
        let reasons: Vec<(&str, u64)> = r
            .reasons
            .iter()
            .map(|(k, v)| (k.as_str(), v.count))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("bad_timestamp", 1),
                ("invalid_turbine_id", 1),
                ("missing_value", 2),
                ("unknown_turbine", 1),
                ("wrong_field_count", 1),
            ]
        );
        assert_eq!(r.cleared, 3);
        assert_eq!(
            r.cleared_values["wind_speed_ms"].example,
            "line 4: wind_speed_ms = 'abc' is not a number"
        );
        assert_eq!(r.cleared_values["wind_speed_ms"].count, 3);
        assert!(r.reasons["unknown_turbine"]
            .example
            .contains("turbine 'T9' is not in the registry"));
        assert!(r.reasons["missing_value"]
            .example
            .contains("no signal value at all"));
        let q = quarantined(&store, None).unwrap();
        assert_eq!(q.len(), 6);
        assert!(q.iter().any(|q| q.message.contains("no valid signal value left: wind_speed_ms = 'x' is not a number; power_kw = 'y' is not a number")), "{q:?}");
        assert_eq!(store.counts().unwrap().readings, 7);
    }

    /// A canonical SCADA line of T1 at `ts` with the given signals set (the others empty).
    fn line_with(ts: &str, set: &[(&str, &str)]) -> String {
        let cols = schema::scada_columns();
        let mut fields = vec![String::new(); cols.len()];
        fields[0] = ts.to_string();
        fields[1] = "T1".to_string();
        for (name, v) in set {
            fields[cols.iter().position(|c| c == name).unwrap()] = v.to_string();
        }
        fields.join(",")
    }

    #[test]
    fn one_bad_value_costs_one_value_and_standstill_negatives_read_as_zero() {
        let (dir, mut store) = setup();
        let rows = [
            // A 276 °C spike on the gearbox oil: that value goes, the winding and power stay.
            line_with(
                "2026-05-01T00:00:00Z",
                &[
                    ("wind_speed_ms", "7.5"),
                    ("power_kw", "1200"),
                    ("gearbox_oil_temp_c", "276"),
                    ("generator_winding_temp_c", "81.5"),
                ],
            ),
            // Standstill: -0.01 rpm and -0.1 m/s mean "not turning"; the temperatures are kept.
            line_with(
                "2026-05-01T00:10:00Z",
                &[
                    ("wind_speed_ms", "-0.1"),
                    ("power_kw", "-3"),
                    ("generator_rpm", "-0.01"),
                    ("rotor_rpm", "-0.2"),
                    ("gearbox_oil_temp_c", "35"),
                ],
            ),
            // Beyond the tolerance a negative speed is out of range: cleared, record kept.
            line_with(
                "2026-05-01T00:20:00Z",
                &[
                    ("wind_speed_ms", "6"),
                    ("power_kw", "900"),
                    ("generator_rpm", "-250"),
                    ("gearbox_oil_temp_c", "40"),
                ],
            ),
            // A required signal out of range is cleared too: the record is not lost.
            line_with(
                "2026-05-01T00:30:00Z",
                &[
                    ("wind_speed_ms", "6"),
                    ("power_kw", "99999"),
                    ("gearbox_oil_temp_c", "41"),
                ],
            ),
        ];
        let body = format!("{}\n{}\n", scada_header(), rows.join("\n"));
        let p = write(dir.path(), "spikes.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (4, 0));
        assert_eq!((r.cleared, r.standstill_zeroed), (3, 3));
        let cleared: Vec<(&str, u64)> = r
            .cleared_values
            .iter()
            .map(|(k, v)| (k.as_str(), v.count))
            .collect();
        assert_eq!(
            cleared,
            [
                ("gearbox_oil_temp_c", 1),
                ("generator_rpm", 1),
                ("power_kw", 1)
            ]
        );
        assert_eq!(
            r.cleared_values["gearbox_oil_temp_c"].example,
            "line 2: gearbox_oil_temp_c = 276 °C is outside the valid range -50 to 130 °C"
        );
        assert!(r.cleared_values["generator_rpm"]
            .example
            .starts_with("line 4: generator_rpm = -250 rpm"));
        let stored = |ts: &str, col: &str| -> Option<f64> {
            store
                .conn()
                .query_row(
                    &format!("SELECT {col} FROM readings WHERE ts = ?1"),
                    [schema::parse_timestamp(ts).unwrap()],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(stored("2026-05-01T00:00:00Z", "gearbox_oil_temp_c"), None);
        assert_eq!(
            stored("2026-05-01T00:00:00Z", "generator_winding_temp_c"),
            Some(81.5)
        );
        assert_eq!(stored("2026-05-01T00:10:00Z", "generator_rpm"), Some(0.0));
        assert_eq!(stored("2026-05-01T00:10:00Z", "rotor_rpm"), Some(0.0));
        assert_eq!(stored("2026-05-01T00:10:00Z", "wind_speed_ms"), Some(0.0));
        assert_eq!(stored("2026-05-01T00:10:00Z", "power_kw"), Some(-3.0));
        assert_eq!(stored("2026-05-01T00:20:00Z", "generator_rpm"), None);
        assert_eq!(
            stored("2026-05-01T00:20:00Z", "gearbox_oil_temp_c"),
            Some(40.0)
        );
        assert_eq!(stored("2026-05-01T00:30:00Z", "power_kw"), None);
        assert_eq!(
            stored("2026-05-01T00:30:00Z", "gearbox_oil_temp_c"),
            Some(41.0)
        );
    }

    #[test]
    fn a_file_whose_every_row_is_quarantined_says_so_in_one_line() {
        let (dir, mut store) = setup();
        let rows = [
            scada_row("2026-05-01T00:00:00Z", "T9", "7", "1200"),
            scada_row("2026-05-01T00:10:00Z", "T9", "7", "1200"),
            scada_row("someday", "T1", "7", "1200"),
        ];
        let body = format!("{}\n{}\n", scada_header(), rows.join("\n"));
        let p = write(dir.path(), "nothing.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        let line = r.all_quarantined(Lang::En).unwrap();
        assert!(
            line.contains("nothing.csv: all 3 rows were quarantined, nothing was stored; top reasons: unknown_turbine × 2, bad_timestamp × 1 (e.g. line 2: turbine 'T9' is not in the registry"),
            "{line}"
        );
        assert!(!line.contains('\n'));
        assert!(r
            .all_quarantined(Lang::Fr)
            .unwrap()
            .contains("les 3 lignes ont toutes été mises en quarantaine"));
        // One good row and the file is not "all quarantined".
        let body = format!(
            "{}\n{}\n{}\n",
            scada_header(),
            rows[0],
            scada_row("2026-05-01T00:20:00Z", "T1", "7", "1200")
        );
        let p = write(dir.path(), "some.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!(r.all_quarantined(Lang::En), None);
    }

    #[test]
    fn logbook_rules() {
        let (dir, mut store) = setup();
        let body = "turbine_id,component,failure_time,back_in_service_time,action\n\
            T1,gearbox_bearing,2026-05-03T10:00:00Z,2026-05-06T12:00:00Z,replaced HSS bearing\n\
            T1,blade,2026-05-03T10:00:00Z,,\n\
            T2,converter,2026-05-03T10:00:00Z,2026-05-01T00:00:00Z,reset\n\
            T2,\"Generator Winding\",2026-05-09T10:00:00Z,,\"rewound, stator\"\n";
        let p = write(dir.path(), "logbook.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!(r.kind, "logbook");
        assert_eq!((r.accepted, r.quarantined), (2, 2));
        assert!(
            r.reasons["unknown_component"].example.contains(
                "line 3: component 'blade' is not one of the known components: gearbox_bearing, generator_bearing"
            ),
            "{}",
            r.reasons["unknown_component"].example
        );
        assert!(r.reasons["invalid_interval"]
            .example
            .contains("is before failure_time"));
        let action: String = store
            .conn()
            .query_row(
                "SELECT action FROM logbook WHERE component = 'generator_winding'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(action, "rewound, stator");
        // The repair is completed later: the same entry is updated, not duplicated.
        let body2 = "turbine_id,component,failure_time,back_in_service_time,action\n\
            T2,generator_winding,2026-05-09T10:00:00Z,2026-05-15T08:00:00Z,rewound stator\n";
        let p2 = write(dir.path(), "logbook2.csv", body2.as_bytes());
        let r = ingest_file(&mut store, &p2, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.duplicates), (1, 0));
        assert_eq!(store.counts().unwrap().logbook, 2);
    }

    #[test]
    fn registry_rules() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let body = "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
            A1,Lyon,M,2300,45.7,4.9,2015-03-01\n\
            A2,Lyon,M,2300,145.7,4.9,2015-03-01\n\
            A3,,M,2300,45.7,4.9,2015-03-01\n\
            A4,Lyon,M,lots,45.7,4.9,2015-03-01\n\
            A5,Lyon,M,2300,45.7,4.9,someday\n";
        let p = write(dir.path(), "reg.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.kind, r.accepted, r.quarantined), ("registry", 1, 4));
        assert!(r.reasons["out_of_range"]
            .example
            .contains("latitude = 145.7°"));
        // A commissioning date is a calendar day: a mapping's time zone does not shift it.
        let paris = Mapping::parse("name = 'p'\ntimezone = 'Europe/Paris'", "test").unwrap();
        let body = "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
            B1,Lyon,M,2300,45.7,4.9,2015-03-01\n";
        let p = write(dir.path(), "reg2.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &paris).unwrap();
        assert_eq!(r.accepted, 1);
        let day: String = store
            .conn()
            .query_row(
                "SELECT commissioning_date FROM turbines WHERE turbine_id = 'B1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(day, "2015-03-01");
    }

    #[test]
    fn a_mistyped_year_is_quarantined_and_never_becomes_the_latest_record() {
        let (dir, mut store) = setup();
        let body = format!(
            "{}\n{}\n{}\n{}\n",
            scada_header(),
            scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200"),
            scada_row("2099-05-01T00:10:00Z", "T1", "7.5", "1200"),
            scada_row("0026-05-01T00:20:00Z", "T2", "7.5", "1200"),
        );
        let p = write(dir.path(), "scada.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (1, 2));
        assert_eq!(r.reasons["implausible_time"].count, 2);
        let q = quarantined(&store, None).unwrap();
        assert!(q[0].message.starts_with("line 3: timestamp '2099-05-01T00:10:00Z' (2099-05-01T00:10:00Z) is implausible: after "), "{}", q[0].message);
        assert!(
            q[1].message.ends_with(
                "is implausible: before 1990-01-01T00:00:00Z, the earliest time accepted"
            ),
            "{}",
            q[1].message
        );
        let latest = schema::parse_timestamp("2026-05-01T00:00:00Z").unwrap();
        assert_eq!(store.reading_span().unwrap(), Some((latest, latest)));
        // Logbook times too.
        let body = "turbine_id,component,failure_time,back_in_service_time,action\n\
            T1,gearbox_bearing,2026-05-03T10:00:00Z,2099-05-06T12:00:00Z,replaced\n\
            T2,converter,0026-05-03T10:00:00Z,,reset\n";
        let p = write(dir.path(), "logbook.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (0, 2));
        assert_eq!(r.reasons["implausible_time"].count, 2);
        assert!(r.reasons["implausible_time"]
            .example
            .contains("back_in_service_time '2099-05-06T12:00:00Z'"));
    }
}
