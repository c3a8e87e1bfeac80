//! The hostile-input corpus (`tests/hostile/`, plus the big files generated here at test time)
//! run against the real `cockpit` binary. For every class: no panic, the exit code and message
//! of `docs/reliability.md`, every valid row stored (each case knows how many its files hold),
//! and `PRAGMA integrity_check` = ok afterwards.
//!
//! Small files are committed (`tests/hostile/README.md` says what each holds); the 10,000-column
//! file, the 100 MB field, the late bad bytes and the 50,000-row turbine are generated into a
//! temporary folder, streamed to disk.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use cockpit_tests::{assert_no_panic, cockpit, count, integrity_check, workspace_root, Run};
use serde_json::Value;

/// Header of the corpus's SCADA files: the required columns, one optional signal and the status.
const HEADER: &str = "timestamp,turbine_id,wind_speed_ms,power_kw,gearbox_oil_temp_c,status";

/// A committed corpus file.
fn corpus(name: &str) -> PathBuf {
    workspace_root().join("tests/hostile").join(name)
}

/// `2026-03-01T00:00:00Z` plus `i` ten-minute steps.
fn ts(i: u32) -> String {
    let day = 1 + i / 144;
    let (h, m) = ((i % 144) / 6, (i % 6) * 10);
    format!("2026-03-{day:02}T{h:02}:{m:02}:00Z")
}

/// One valid corpus SCADA row.
fn row(i: u32) -> String {
    format!("{},HX-01,7.5,1200,55.0,running", ts(i))
}

/// A fresh database with the corpus registry (HX-01, HX-02) ingested.
struct Case {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cockpit.db");
        let case = Case { dir, db };
        let run = case.ingest(&[corpus("turbines.csv")], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        case
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `cockpit ingest [extra] FILES` in human form.
    fn ingest(&self, files: &[PathBuf], extra: &[&str]) -> Run {
        let mut args: Vec<String> = vec!["ingest".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(files.iter().map(|f| f.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = cockpit(&self.db, &args);
        assert_no_panic(&run, &format!("ingest {files:?}"));
        run
    }

    /// `cockpit ingest --json [extra] FILES`: exit code and the JSON report.
    fn ingest_json(&self, files: &[PathBuf], extra: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(extra);
        let run = self.ingest(files, &all);
        (run.code, run.json())
    }

    fn readings(&self) -> i64 {
        count(&self.db, "readings")
    }

    fn quarantined(&self) -> i64 {
        count(&self.db, "quarantine")
    }

    /// Stored values of `gearbox_oil_temp_c` of HX-01, by time.
    fn oil(&self) -> Vec<(String, Option<f64>)> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ts, 'unixepoch'), gearbox_oil_temp_c
                 FROM readings r JOIN turbines t ON t.id = r.turbine
                 WHERE t.turbine_id = 'HX-01' ORDER BY ts",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The check every class ends with.
    fn integrity_ok(&self) {
        assert_eq!(integrity_check(&self.db), "ok");
    }
}

fn n(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("key {key} missing in {v}"))
}

/// A refused file: exit 2, one `error:` line naming the file and the problem, nothing stored,
/// and the JSON report lists it under `failed`.
fn assert_refused(case: &Case, file: PathBuf, expected: &str) {
    let before = (case.readings(), case.quarantined());
    let run = case.ingest(std::slice::from_ref(&file), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains(&name) && errors[0].contains(expected),
        "expected '{expected}' for {name}: {}",
        run.stderr
    );
    let (code, j) = case.ingest_json(&[file], &[]);
    assert_eq!(code, 2);
    assert_eq!(j["failed"].as_array().map(Vec::len), Some(1), "{j}");
    assert_eq!((case.readings(), case.quarantined()), before);
    case.integrity_ok();
}

#[test]
fn non_utf8_latin1_file_is_refused_naming_the_byte() {
    let case = Case::new();
    assert_refused(
        &case,
        corpus("latin1.csv"),
        "this is not a CSV text file (it is not UTF-8 text (invalid byte at offset 163))",
    );
}

#[test]
fn nul_bytes_are_refused_as_binary() {
    let case = Case::new();
    assert_refused(
        &case,
        corpus("nul_bytes.csv"),
        "this is not a CSV text file (it contains binary data (a zero byte at offset 157))",
    );
}

#[test]
fn empty_file_is_refused() {
    let case = Case::new();
    assert_refused(
        &case,
        corpus("empty.csv"),
        "the file is empty (no header line)",
    );
}

#[test]
fn a_column_named_twice_is_refused() {
    let case = Case::new();
    assert_refused(
        &case,
        corpus("duplicate_column.csv"),
        "the header names column 'power_kw' twice",
    );
}

/// Beyond the 8 KiB sniffed at the start, a Latin-1 byte or a zero byte costs the value it sits
/// in (read as U+FFFD, so not a status): the record and every other row are stored.
#[test]
fn late_non_utf8_and_nul_bytes_cost_one_value() {
    let case = Case::new();
    for (name, bad) in [
        ("late_latin1.csv", &b"arr\xeat"[..]),
        ("late_nul.csv", &b"run\0ning"[..]),
    ] {
        let path = case.path(name);
        let mut body = format!("{HEADER}\n").into_bytes();
        for i in 0..200 {
            body.extend_from_slice(row(i).as_bytes());
            body.push(b'\n');
        }
        assert!(
            body.len() > 8192,
            "the bad byte must be past the sniffed 8 KiB"
        );
        body.extend_from_slice(format!("{},HX-02,7.5,1200,55.0,", ts(200)).as_bytes());
        body.extend_from_slice(bad);
        body.push(b'\n');
        fs::write(&path, body).unwrap();
        let (code, j) = case.ingest_json(&[path], &[]);
        assert_eq!(code, 0, "{name}: {j}");
        assert_eq!(n(&j, "quarantined"), 0, "{name}: {j}");
        assert_eq!(j["cleared_values"]["status"], 1, "{name}: {j}");
    }
    assert_eq!(case.readings(), 201);
    case.integrity_ok();
}

#[test]
fn header_only_file_stores_nothing_and_succeeds() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("header_only.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (0, 0));
    assert_eq!(n(&j["files"][0], "rows"), 0);
    assert_eq!(case.readings(), 0);
    case.integrity_ok();
}

#[test]
fn bom_and_crlf_are_read() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("bom_crlf.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (3, 0));
    assert_eq!(case.readings(), 3);
    // The status, last before the CR, is read as a status (not "running\r").
    assert_eq!(j["cleared_values"], serde_json::json!({}));
    case.integrity_ok();
}

#[test]
fn truncated_last_line_is_quarantined_and_the_rest_stored() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("truncated_last_line.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 2);
    assert_eq!(j["reasons"]["wrong_field_count"], 1);
    assert!(j["files"][0]["reasons"]["wrong_field_count"]["example"]
        .as_str()
        .unwrap()
        .contains("line 4: has 3 fields, the header has 6 (truncated or malformed line)"));
    assert_eq!((case.readings(), case.quarantined()), (2, 1));
    case.integrity_ok();
}

/// A quote opened on line 5 and never closed: that record is quarantined, and the two valid
/// rows after it are stored (not swallowed into the open quote).
#[test]
fn a_quote_that_never_closes_loses_no_valid_row() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("unclosed_quote.csv")], &[]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(n(&j, "accepted"), 5, "{j}");
    assert_eq!(n(&j, "quarantined"), 1, "{j}");
    assert_eq!(j["reasons"]["unclosed_quote"], 1, "{j}");
    assert_eq!(case.readings(), 5);
    case.integrity_ok();
}

/// 10,000 columns: the unknown ones are ignored, every row is stored.
#[test]
fn ten_thousand_columns_are_read() {
    let case = Case::new();
    let path = case.path("wide.csv");
    let mut f = BufWriter::new(File::create(&path).unwrap());
    let extra = 10_000 - 6;
    write!(f, "{HEADER}").unwrap();
    for k in 0..extra {
        write!(f, ",extra_{k}").unwrap();
    }
    writeln!(f).unwrap();
    for i in 0..20 {
        write!(f, "{}", row(i)).unwrap();
        for _ in 0..extra {
            f.write_all(b",1").unwrap();
        }
        writeln!(f).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let (code, j) = case.ingest_json(&[path], &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (20, 0));
    assert_eq!(case.readings(), 20);
    case.integrity_ok();
}

/// One record holding a 100 MB field (in an extra column), between valid rows: the record is
/// quarantined as `record_too_large` (over the 1 MiB cap), the 9 valid rows are stored, and the
/// database does not grow by the field.
#[test]
fn a_100_mb_field_is_quarantined_as_too_large_and_the_rest_stored() {
    let case = Case::new();
    let path = case.path("big_field.csv");
    let mut f = BufWriter::new(File::create(&path).unwrap());
    writeln!(f, "{HEADER},comment").unwrap();
    for i in 0..5 {
        writeln!(f, "{},ok", row(i)).unwrap();
    }
    write!(f, "{},", row(5)).unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&chunk).unwrap();
    }
    writeln!(f).unwrap();
    for i in 6..10 {
        writeln!(f, "{},ok", row(i)).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let (code, j) = case.ingest_json(std::slice::from_ref(&path), &[]);
    fs::remove_file(&path).unwrap();
    assert_eq!(code, 0, "{j}");
    assert_eq!(n(&j, "accepted"), 9, "{j}");
    assert_eq!(j["reasons"]["record_too_large"], 1, "{j}");
    assert_eq!(case.readings(), 9);
    let size = fs::metadata(&case.db).unwrap().len()
        + fs::metadata(case.db.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    assert!(
        size < 16 << 20,
        "the database holds the 100 MB field: {size} bytes"
    );
    case.integrity_ok();
}

/// `1e309`, `inf`, hexadecimal and garbage cost their value (cleared, counted); `NaN` is a
/// missing value; `-0`, `+12.5` and a subnormal are numbers. No infinity or NaN is stored.
#[test]
fn extreme_numbers_cost_their_value_only() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("numbers.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (10, 0));
    assert_eq!(j["cleared_values"]["gearbox_oil_temp_c"], 6, "{j}");
    assert_eq!(
        j["files"][0]["cleared_values"]["gearbox_oil_temp_c"]["example"],
        "line 2: gearbox_oil_temp_c = '1e309' is not a number"
    );
    let oil: Vec<Option<f64>> = case.oil().into_iter().map(|(_, v)| v).collect();
    assert_eq!(
        oil,
        [
            None,
            None,
            None,
            Some(0.0),
            None,
            None,
            Some(12.5),
            Some(4.9e-324),
            None,
            None
        ]
    );
    let conn = rusqlite::Connection::open(&case.db).unwrap();
    let infinite: i64 = conn
        .query_row(
            "SELECT count(*) FROM readings WHERE abs(gearbox_oil_temp_c) > 1e308",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(infinite, 0);
    case.integrity_ok();
}

/// `12,5` in a `;` file: without a mapping that says `decimal = ","` the values are cleared and
/// named; with one they are read. In a `,` file an unquoted `7,5` splits the line
/// (`wrong_field_count`) and a quoted one is cleared.
#[test]
fn localised_decimals_are_named_or_read_through_a_mapping() {
    let case = Case::new();
    let semi = corpus("decimal_comma_semicolon.csv");
    let (code, j) = case.ingest_json(std::slice::from_ref(&semi), &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (4, 0));
    assert_eq!(j["cleared_values"]["wind_speed_ms"], 4);
    assert_eq!(
        j["files"][0]["cleared_values"]["wind_speed_ms"]["example"],
        "line 2: wind_speed_ms = '7,5' is not a number"
    );

    let other = Case::new();
    let mapping = corpus("decimal_comma.toml").display().to_string();
    let (code, j) = other.ingest_json(&[semi], &["--mapping", &mapping]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(n(&j, "accepted"), 4);
    assert_eq!(j["cleared_values"], serde_json::json!({}));
    assert_eq!(other.oil()[0].1, Some(55.25));
    other.integrity_ok();

    assert_eq!(case.readings(), 4);
    case.integrity_ok();

    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("decimal_comma_comma.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 3);
    assert_eq!(j["reasons"]["wrong_field_count"], 1);
    assert_eq!(j["cleared_values"]["wind_speed_ms"], 1);
    assert_eq!(case.readings(), 3);
    case.integrity_ok();
}

/// Every offset form: `Z`, `±HH:MM`, `±HHMM`, none (UTC without a mapping time zone), `T` or a
/// space, no seconds, fractional seconds; each lands on its UTC instant. `+01` (hours only) is
/// not a form the contract reads: quarantined as `bad_timestamp` with the expected forms.
#[test]
fn timestamps_in_every_offset_form_land_on_their_utc_instant() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("timestamps.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (n(&j, "accepted"), n(&j, "quarantined"), n(&j, "duplicates")),
        (12, 1, 0),
        "{j}"
    );
    assert!(j["files"][0]["reasons"]["bad_timestamp"]["example"]
        .as_str()
        .unwrap()
        .starts_with("line 14: timestamp '2026-03-01T03:00:00+01' is not a valid date and time"));
    let stored: Vec<String> = case.oil().into_iter().map(|(t, _)| t).collect();
    let expected: Vec<String> = (0..12).map(ts).collect();
    assert_eq!(stored, expected);
    case.integrity_ok();
}

/// A row dated 2099 and one dated 0026 between valid rows: both quarantined as
/// `implausible_time`, the 3 valid rows stored (issue 14 item 1).
#[test]
fn years_2099_and_0026_are_quarantined_as_implausible() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("implausible_years.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 3, "{j}");
    assert_eq!(j["reasons"]["implausible_time"], 2, "{j}");
    assert_eq!((case.readings(), case.quarantined()), (3, 2));
    case.integrity_ok();
}

/// The same key with different values is quarantined as `conflict` (in one file, and against a
/// stored row on re-delivery); an identical row is a duplicate (issue 14 item 7).
#[test]
fn same_key_different_values_is_a_conflict_identical_is_a_duplicate() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("conflict.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 4, "{j}");
    assert_eq!(n(&j, "duplicates"), 1, "{j}");
    assert_eq!(j["reasons"]["conflict"], 1, "{j}");
    let (code, j) = case.ingest_json(&[corpus("conflict_redelivery.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 1, "{j}");
    assert_eq!(j["reasons"]["conflict"], 1, "{j}");
    assert_eq!(case.readings(), 5);
    assert_eq!(case.quarantined(), 2);
    case.integrity_ok();
}

/// `23:59:60` is read as the next midnight; it and the real midnight row differ, so one of them
/// is quarantined as `conflict` (or the leap second as `bad_timestamp`), never dropped silently
/// as a duplicate (issue 14 item 7).
#[test]
fn a_leap_second_is_not_dropped_silently() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("leap_second.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 2, "{j}");
    assert_eq!(n(&j, "duplicates"), 0, "{j}");
    // `conflict` (issue 14 item 7); refusing the leap second as `bad_timestamp` would say as much.
    let reasons = &j["reasons"];
    assert_eq!(
        reasons["conflict"].as_i64().unwrap_or(0) + reasons["bad_timestamp"].as_i64().unwrap_or(0),
        1,
        "{j}"
    );
    assert_eq!((case.readings(), case.quarantined()), (2, 1));
    case.integrity_ok();
}

/// Cells the product writes never start a spreadsheet formula: a registry site
/// `=HYPERLINK(…)` is stored as text, and the quarantine CSV (whose raw lines start with
/// `=HYPERLINK(`, `@SUM(`…) neutralises them (issue 14 item 8).
#[test]
fn formula_cells_are_stored_as_text_and_neutralised_in_written_csv() {
    let case = Case::new();
    let (code, j) = case.ingest_json(&[corpus("formula_registry.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        n(&j, "accepted"),
        2,
        "a formula is valid text for a site: {j}"
    );
    let (code, j) = case.ingest_json(&[corpus("formula_scada.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 2);
    assert_eq!(j["reasons"]["bad_timestamp"], 1);
    assert_eq!(j["reasons"]["invalid_turbine_id"], 1);
    assert_eq!(j["reasons"]["unknown_turbine"], 1);
    let out = case.path("quarantine.csv");
    let run = cockpit(
        &case.db,
        &["diagnostics", "--quarantine-csv", out.to_str().unwrap()],
    );
    assert_no_panic(&run, "diagnostics --quarantine-csv");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&out)
        .unwrap();
    let mut cells = 0;
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            cells += 1;
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell of the quarantine CSV starts a formula: {cell:?}"
            );
        }
    }
    assert!(cells > 3 * 4, "the three quarantined lines are written");
    case.integrity_ok();
}

/// Terminal escape sequences in a turbine id (quarantined), a status (cleared) and a registry
/// site (stored) never reach the terminal: the CLI strips control characters from data it
/// prints (issue 14 item 8).
#[test]
fn terminal_escapes_in_data_never_reach_the_terminal() {
    let case = Case::new();
    let run = case.ingest(&[corpus("escapes_registry.csv")], &[]);
    assert_eq!(run.code, 0);
    let (code, j) = case.ingest_json(&[corpus("escapes_scada.csv")], &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), 3);
    assert_eq!(j["reasons"]["invalid_turbine_id"], 1);
    assert_eq!(j["cleared_values"]["status"], 1);
    let dir = case.path("again");
    fs::create_dir(&dir).unwrap();
    let again = dir.join("escapes_scada.csv");
    fs::copy(corpus("escapes_scada.csv"), &again).unwrap();
    let runs = [
        ("ingest", case.ingest(&[again], &[])),
        ("turbine", cockpit(&case.db, &["turbine", "HX-01"])),
    ];
    for (what, run) in runs {
        assert_no_panic(&run, what);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        let printed = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !printed.contains(['\u{1b}', '\u{7}']),
            "{what} printed a control character: {printed:?}"
        );
    }
    case.integrity_ok();
}

/// SCADA rows of a turbine whose registry comes later: in one call the registry is taken first;
/// in two calls the rows quarantined as `unknown_turbine` are retried when the registry arrives
/// (issue 14 item 4).
#[test]
fn a_registry_arriving_after_its_scada_loses_no_row() {
    let case = Case::new();
    let (code, j) = case.ingest_json(
        &[
            corpus("scada_before_registry.csv"),
            corpus("late_registry.csv"),
        ],
        &[],
    );
    assert_eq!(code, 0);
    assert_eq!(j["files"][0]["kind"], "registry");
    assert_eq!(n(&j, "accepted"), 1 + 6);

    let case = Case::new();
    let run = case.ingest(&[corpus("scada_before_registry.csv")], &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("all 6 rows were quarantined"),
        "{}",
        run.stderr
    );
    let run = case.ingest(&[corpus("late_registry.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        case.readings(),
        6,
        "the rows waiting for their turbine are stored once its registry arrives"
    );
    case.integrity_ok();
}

/// 50,000 rows (about 347 days) of one turbine in one file: all stored.
#[test]
fn a_huge_number_of_rows_for_one_turbine_are_all_stored() {
    let case = Case::new();
    let path = case.path("one_turbine.csv");
    let rows = 50_000u32;
    let mut f = BufWriter::new(File::create(&path).unwrap());
    writeln!(f, "{HEADER}").unwrap();
    let start: i64 = 1_740_787_200; // 2025-03-01T00:00:00Z
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let first: String = conn
        .query_row(
            "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1, 'unixepoch')",
            [start],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first, "2025-03-01T00:00:00Z");
    for i in 0..rows {
        let t = start + 600 * i64::from(i);
        let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
        let (y, m, d) = civil(days);
        writeln!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z,HX-01,7.5,1200,{}.5,running",
            secs / 3600,
            secs % 3600 / 60,
            40 + i % 30
        )
        .unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let (code, j) = case.ingest_json(&[path], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (n(&j, "accepted"), n(&j, "quarantined"), n(&j, "duplicates")),
        (i64::from(rows), 0, 0)
    );
    assert_eq!(case.readings(), i64::from(rows));
    case.integrity_ok();
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Every committed corpus file is small (big ones are generated) and listed in the README.
#[test]
fn the_committed_corpus_is_small_and_documented() {
    let dir = workspace_root().join("tests/hostile");
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    let mut files = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        files += 1;
        assert!(fs::metadata(&path).unwrap().len() < 50_000, "{name} is big");
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is not in the README"
        );
    }
    assert!(files >= 20);
}
