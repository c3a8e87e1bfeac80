//! Black-box tests of `cockpit ingest`: each class of bad input gets a message that names the
//! problem, and the valid rows of the same file are stored.

use std::fs;
use std::path::{Path, PathBuf};

use cockpit_tests::{cockpit, count, workspace_root};
use serde_json::Value;

/// A small simulated fleet (2 turbines × 2 days) with its registry already ingested.
struct Fleet {
    _dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
    header: String,
    rows: Vec<String>,
}

impl Fleet {
    fn new() -> Fleet {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let db = root.join("cockpit.db");
        let sim = root.join("sim");
        let run = cockpit(
            &db,
            &[
                "simulate",
                "--turbines",
                "2",
                "--days",
                "2",
                "--seed",
                "11",
                "--start",
                "2026-01-01",
                "--out",
                sim.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let run = cockpit(&db, &["ingest", sim.join("turbines.csv").to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let text = fs::read_to_string(sim.join("scada.csv")).unwrap();
        let mut lines = text.lines().map(str::to_string);
        let header = lines.next().unwrap();
        let rows: Vec<String> = lines.collect();
        assert!(
            rows.len() > 400,
            "2 turbines × 2 days should give ~576 rows, got {}",
            rows.len()
        );
        Fleet {
            _dir: dir,
            root,
            db,
            header,
            rows,
        }
    }

    fn write(&self, name: &str, body: impl AsRef<[u8]>) -> PathBuf {
        let p = self.root.join(name);
        fs::write(&p, body).unwrap();
        p
    }

    fn csv(&self, rows: &[String]) -> String {
        let mut s = self.header.clone();
        s.push('\n');
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    fn ingest_json(&self, path: &Path, extra: &[&str]) -> (i32, Value, String) {
        let mut args = vec!["ingest", "--json"];
        args.extend_from_slice(extra);
        args.push(path.to_str().unwrap());
        let run = cockpit(&self.db, &args);
        let json = if run.stdout.trim().is_empty() {
            Value::Null
        } else {
            run.json()
        };
        (run.code, json, run.stderr)
    }

    fn column(&self, name: &str) -> usize {
        self.header.split(',').position(|c| c == name).unwrap()
    }

    fn with_field(&self, row: usize, col: &str, value: &str) -> String {
        let mut f: Vec<&str> = self.rows[row].split(',').collect();
        f[self.column(col)] = value;
        f.join(",")
    }
}

fn n(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("key {key} missing in {v}"))
}

#[test]
fn clean_simulated_file_is_stored_whole_and_reingest_adds_nothing() {
    let fleet = Fleet::new();
    let p = fleet.write("scada.csv", fleet.csv(&fleet.rows));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "accepted"), fleet.rows.len() as i64);
    assert_eq!(n(&j, "quarantined"), 0);
    assert_eq!(n(&j, "duplicates"), 0);
    assert!(j["reasons"].as_object().unwrap().is_empty());
    assert_eq!(count(&fleet.db, "readings"), fleet.rows.len() as i64);

    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (n(&j, "accepted"), n(&j, "duplicates")),
        (0, fleet.rows.len() as i64)
    );
    assert_eq!(count(&fleet.db, "readings"), fleet.rows.len() as i64);
}

#[test]
fn missing_required_column_is_named_and_nothing_else_is_lost() {
    let fleet = Fleet::new();
    let good = fleet.write("good.csv", fleet.csv(&fleet.rows[..100]));
    let power = fleet.column("power_kw");
    let drop_col = |line: &str| {
        line.split(',')
            .enumerate()
            .filter(|(i, _)| *i != power)
            .map(|(_, f)| f)
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut body = drop_col(&fleet.header);
    body.push('\n');
    for r in &fleet.rows[100..] {
        body.push_str(&drop_col(r));
        body.push('\n');
    }
    let bad = fleet.write("no_power.csv", body);
    let run = cockpit(
        &fleet.db,
        &["ingest", good.to_str().unwrap(), bad.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no_power.csv: missing required column power_kw for a scada file"),
        "{}",
        run.stderr
    );
    assert_eq!(
        count(&fleet.db, "readings"),
        100,
        "the good file of the same call is stored"
    );
}

#[test]
fn garbage_values_cost_one_value_and_a_bad_time_its_line() {
    let fleet = Fleet::new();
    let mut rows = fleet.rows.clone();
    rows[3] = fleet.with_field(3, "gearbox_oil_temp_c", "#VALUE!");
    rows[10] = fleet.with_field(10, "wind_speed_ms", "fast");
    rows[20] = fleet.with_field(20, "status", "exploded");
    rows[30] = fleet.with_field(30, "timestamp", "31/02/2026 10:00");
    let p = fleet.write("garbage.csv", fleet.csv(&rows));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0, "a file with bad values is still processed");
    // Only the record whose time cannot be read is lost; the three others keep their valid values.
    assert_eq!(n(&j, "quarantined"), 1);
    assert_eq!(j["reasons"]["bad_timestamp"], 1);
    assert_eq!(n(&j, "accepted"), rows.len() as i64 - 1);
    let cleared = &j["files"][0]["cleared_values"];
    assert_eq!(
        cleared["gearbox_oil_temp_c"]["example"],
        "line 5: gearbox_oil_temp_c = '#VALUE!' is not a number"
    );
    assert_eq!(cleared["wind_speed_ms"]["count"], 1);
    assert_eq!(cleared["status"]["count"], 1);
    assert_eq!(count(&fleet.db, "readings"), rows.len() as i64 - 1);
    assert_eq!(count(&fleet.db, "quarantine"), 1);
}

#[test]
fn out_of_range_values_cost_one_value_not_the_record() {
    let fleet = Fleet::new();
    let mut rows = fleet.rows.clone();
    rows[7] = fleet.with_field(7, "gearbox_oil_temp_c", "999");
    rows[8] = fleet.with_field(8, "wind_speed_ms", "-3");
    rows[9] = fleet.with_field(9, "generator_rpm", "-0.01");
    let p = fleet.write("range.csv", fleet.csv(&rows));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "quarantined"), 0);
    assert_eq!(n(&j["files"][0], "cleared"), 2);
    assert_eq!(j["cleared_values"]["gearbox_oil_temp_c"], 1);
    assert_eq!(j["cleared_values"]["wind_speed_ms"], 1);
    assert_eq!(n(&j["files"][0], "standstill_zeroed"), 1);
    let ex = j["files"][0]["cleared_values"]["gearbox_oil_temp_c"]["example"]
        .as_str()
        .unwrap();
    assert_eq!(
        ex,
        "line 9: gearbox_oil_temp_c = 999 °C is outside the valid range -50 to 130 °C"
    );
    assert_eq!(count(&fleet.db, "readings"), rows.len() as i64);
    let conn = rusqlite::Connection::open(&fleet.db).unwrap();
    let fields: Vec<&str> = rows[7].split(',').collect();
    let (ts, id) = (
        fields[fleet.column("timestamp")],
        fields[fleet.column("turbine_id")],
    );
    let (oil, winding, wind): (Option<f64>, Option<f64>, Option<f64>) = conn
        .query_row(
            "SELECT gearbox_oil_temp_c, generator_winding_temp_c, wind_speed_ms
             FROM readings r JOIN turbines t ON t.id = r.turbine
             WHERE t.turbine_id = ?2 AND r.ts = unixepoch(?1)",
            [ts, id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(oil, None, "the bad value is cleared");
    assert!(
        winding.is_some() && wind.is_some(),
        "the record's other values are kept"
    );

    let run = cockpit(&fleet.db, &["ingest", p.to_str().unwrap()]);
    assert!(
        run.stdout.contains(
            "cleared           1 × gearbox_oil_temp_c (value out of range, record kept): e.g. line 9:"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn duplicate_and_out_of_order_timestamps_are_reported_and_valid_rows_kept() {
    let fleet = Fleet::new();
    let mut rows = fleet.rows.clone();
    rows.swap(40, 41);
    rows.push(fleet.rows[5].clone());
    rows.push(fleet.rows[6].clone());
    let p = fleet.write("dups.csv", fleet.csv(&rows));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "duplicates"), 2);
    assert!(n(&j, "out_of_order") >= 1);
    assert_eq!(n(&j, "accepted"), fleet.rows.len() as i64);
    assert_eq!(count(&fleet.db, "readings"), fleet.rows.len() as i64);
    let run = cockpit(&fleet.db, &["ingest", p.to_str().unwrap()]);
    assert!(
        run.stdout.contains("rows repeat a key already stored"),
        "{}",
        run.stdout
    );
}

#[test]
fn truncated_last_line_is_quarantined_and_the_rest_stored() {
    let fleet = Fleet::new();
    let mut body = fleet.csv(&fleet.rows);
    let cut = body.len() - fleet.rows.last().unwrap().len() / 2;
    body.truncate(cut);
    let p = fleet.write("truncated.csv", body);
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "quarantined"), 1);
    let ex = j["files"][0]["reasons"]["wrong_field_count"]["example"]
        .as_str()
        .unwrap();
    assert!(ex.contains("(truncated or malformed line)"), "{ex}");
    assert_eq!(count(&fleet.db, "readings"), fleet.rows.len() as i64 - 1);
}

#[test]
fn empty_binary_and_non_csv_files_are_refused_with_a_reason() {
    let fleet = Fleet::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", vec![], "empty.csv: the file is empty"),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "photo.csv: this is not a CSV text file",
        ),
        (
            "notes.csv",
            b"Remember to check T03 tomorrow.\n".to_vec(),
            "does not look like a SCADA, turbine registry or logbook export",
        ),
    ];
    for (name, body, expected) in cases {
        let p = fleet.write(name, body);
        let run = cockpit(&fleet.db, &["ingest", p.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{name}");
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
    }
    let run = cockpit(
        &fleet.db,
        &["ingest", fleet.root.join("nowhere.csv").to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nowhere.csv: file not found"),
        "{}",
        run.stderr
    );
    assert_eq!(
        count(&fleet.db, "turbines"),
        2,
        "the registry stored earlier is intact"
    );
}

#[test]
fn utf8_bom_and_crlf_line_endings_are_read() {
    let fleet = Fleet::new();
    let body = format!(
        "\u{feff}{}",
        fleet.csv(&fleet.rows[..50]).replace('\n', "\r\n")
    );
    let p = fleet.write("excel.csv", body);
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (50, 0));
}

#[test]
fn edp_semicolon_export_goes_through_its_mapping() {
    let fleet = Fleet::new();
    let samples = workspace_root().join("data/samples/edp");
    let files: Vec<String> = ["failures.csv", "scada.csv", "turbines.csv"]
        .iter()
        .map(|f| samples.join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest", "--json", "--mapping", "edp"];
    args.extend(files.iter().map(String::as_str));
    let run = cockpit(&fleet.db, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    // The logbook is in EDP's real layout: Turbine_ID;Component;Timestamp;Remarks, no
    // Back_In_Service column.
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (2 + 24 + 5, 0));
    assert_eq!(
        j["files"][1]["absent_columns"],
        serde_json::json!(["back_in_service_time (expected as 'Back_In_Service')"])
    );
    let kinds: Vec<&str> = j["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["registry", "logbook", "scada"],
        "registry first, whatever the order given"
    );
    let conn = rusqlite::Connection::open(&fleet.db).unwrap();
    let (power, oil): (f64, f64) = conn
        .query_row(
            "SELECT power_kw, gearbox_oil_temp_c FROM readings r JOIN turbines t ON t.id = r.turbine
             WHERE t.turbine_id = 'T01' AND ts = 1451606400",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((power, oil), (37.7, 48.3));
    let comp: String = conn
        .query_row(
            "SELECT component FROM logbook WHERE action = 'Generator replaced'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(comp, "generator_winding");
    let components: Vec<String> = conn
        .prepare("SELECT component || '/' || ifnull(back_in_service_time, '-') FROM logbook ORDER BY component")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        components,
        [
            "gearbox_bearing/-",
            "generator_bearing/-",
            "generator_winding/-",
            "pitch_hydraulic/-",
            "transformer/-"
        ]
    );

    // A component EDP's logbook might carry that the mapping does not know: quarantined with
    // the list of the known ones.
    let blade = fleet.write(
        "blades.csv",
        "Turbine_ID;Component;Timestamp;Remarks\nT01;BLADE;2016-02-01T10:00:00+00:00;Crack\n",
    );
    let (code, j, _) = fleet.ingest_json(&blade, &["--mapping", "edp"]);
    assert_eq!(code, 0);
    assert_eq!(j["reasons"]["unknown_component"], 1);
    let ex = j["files"][0]["reasons"]["unknown_component"]["example"]
        .as_str()
        .unwrap();
    assert!(
        ex.starts_with("line 2: component 'BLADE' is not one of the known components: CONVERTER, GEARBOX, GENERATOR, GENERATOR_BEARING, HYDRAULIC_GROUP, TRANSFORMER, gearbox_bearing"),
        "{ex}"
    );

    // The same export without its mapping: the missing columns are named.
    let run = cockpit(&fleet.db, &["ingest", &files[1]]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("missing required columns wind_speed_ms, power_kw for a scada file"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_mapping_is_refused() {
    let fleet = Fleet::new();
    let p = fleet.write("s.csv", fleet.csv(&fleet.rows[..3]));
    let run = cockpit(
        &fleet.db,
        &["ingest", "--mapping", "siemens", p.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown mapping 'siemens'"),
        "{}",
        run.stderr
    );
    assert_eq!(count(&fleet.db, "readings"), 0);
}

#[test]
fn arbitrary_bytes_never_crash_the_ingester() {
    let fleet = Fleet::new();
    // Deterministic pseudo-random files, some starting with a valid header.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..12 {
        let len = (next() % 3000) as usize;
        let mut body: Vec<u8> = if i % 2 == 0 {
            format!("{}\n", fleet.header).into_bytes()
        } else {
            Vec::new()
        };
        let printable = i % 3 != 0;
        for _ in 0..len {
            let b = (next() & 0xff) as u8;
            body.push(if printable {
                b",;\n\"0123456789.-eT:Z abc"[(b as usize) % 24]
            } else {
                b
            });
        }
        let p = fleet.write(&format!("fuzz{i}.csv"), &body);
        let run = cockpit(&fleet.db, &["ingest", p.to_str().unwrap()]);
        assert!(
            run.code == 0 || run.code == 2,
            "fuzz{i}: exit {} {}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "fuzz{i}: {}", run.stderr);
    }
}

/// The committed excerpt of ENGIE's La Haute Borne open data (see data/samples/engie/README.md).
fn engie_samples() -> (String, String) {
    let dir = workspace_root().join("data/samples/engie");
    (
        dir.join("la-haute-borne_asset_table.csv")
            .display()
            .to_string(),
        dir.join("la-haute-borne-excerpt.csv").display().to_string(),
    )
}

/// Unix seconds of a UTC time, computed by SQLite (independent of the cockpit's parser).
fn utc(conn: &rusqlite::Connection, text: &str) -> i64 {
    conn.query_row("SELECT unixepoch(?1)", [text], |r| r.get(0))
        .unwrap()
}

#[test]
fn la_haute_borne_excerpt_ingests_with_the_engie_mapping_in_utc() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let (assets, scada) = engie_samples();
    // The SCADA file first, without its registry: every row is quarantined, and one line says so.
    let run = cockpit(&db, &["ingest", "--mapping", "engie", &scada]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warning: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("all 200 rows were quarantined"))
        .collect();
    assert_eq!(warning.len(), 1, "{}", run.stderr);
    assert!(
        warning[0].contains("nothing was stored; top reasons: unknown_turbine × 200"),
        "{}",
        warning[0]
    );

    // A file without the mapping's time column: the error names both names and the file.
    let no_time: String = fs::read_to_string(&scada)
        .unwrap()
        .lines()
        .take(4)
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(1);
            f.join(",") + "\n"
        })
        .collect();
    let no_time_path = dir.path().join("no_time.csv");
    fs::write(&no_time_path, no_time).unwrap();
    let run = cockpit(
        &db,
        &[
            "ingest",
            "--mapping",
            "engie",
            no_time_path.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "no_time.csv: missing required column timestamp (expected as 'Date_time') for a scada file (mapping 'engie')"
        ),
        "{}",
        run.stderr
    );

    let run = cockpit(
        &db,
        &["ingest", "--json", "--mapping", "engie", &assets, &scada],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let reg = &j["files"][0];
    assert_eq!((n(reg, "accepted"), n(reg, "quarantined")), (4, 0));
    let f = &j["files"][1];
    // 200 real rows: the 24 that repeat a (turbine, time) are the export's own artefact of the
    // spring change (the missing 02:xx hour written as a second 03:xx+02:00): other values under
    // a stored key, so conflicts, quarantined with both values; the first records are kept.
    assert_eq!(
        (
            n(f, "rows"),
            n(f, "accepted"),
            n(f, "duplicates"),
            n(f, "quarantined")
        ),
        (200, 176, 0, 24)
    );
    assert_eq!(f["reasons"]["conflict"]["count"], 24);
    assert!(f["reasons"]["conflict"]["example"]
        .as_str()
        .unwrap()
        .contains("is already stored with other values ("));
    // Real sensor faults cost one value each: -273.2 °C outdoors, pitch far below -10°.
    assert_eq!(f["cleared_values"]["ambient_temp_c"]["count"], 3);
    assert_eq!(f["cleared_values"]["pitch_deg"]["count"], 3);
    assert!(f["cleared_values"]["ambient_temp_c"]["example"]
        .as_str()
        .unwrap()
        .contains("ambient_temp_c = -273.20001 °C is outside the valid range -50 to 60 °C"));
    let absent = f["absent_columns"].as_array().unwrap();
    assert!(absent.contains(&serde_json::json!(
        "gearbox_oil_temp_c (expected as 'Gost_avg')"
    )));

    let conn = rusqlite::Connection::open(&db).unwrap();
    let site: String = conn
        .query_row(
            "SELECT site FROM turbines WHERE turbine_id = 'R80711'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(site, "La Haute Borne");
    let ts_of = |sql_filter: &str| -> Vec<i64> {
        conn.prepare(&format!(
            "SELECT ts FROM readings r JOIN turbines t ON t.id = r.turbine
             WHERE t.turbine_id = 'R80711' AND {sql_filter} ORDER BY ts"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    // Spring 2014: 01:50+01:00 is 00:50Z, the next record 03:00+02:00 is 01:00Z — ten minutes on.
    let spring =
        ts_of("ts BETWEEN unixepoch('2014-03-30 00:40:00') AND unixepoch('2014-03-30 01:10:00')");
    assert_eq!(
        spring,
        [
            utc(&conn, "2014-03-30 00:40:00"),
            utc(&conn, "2014-03-30 00:50:00"),
            utc(&conn, "2014-03-30 01:00:00"),
            utc(&conn, "2014-03-30 01:10:00")
        ]
    );
    // Autumn 2014: 01:50+02:00 is 23:50Z the day before, 02:00+01:00 is 01:00Z.
    let autumn =
        ts_of("ts BETWEEN unixepoch('2014-10-25 23:40:00') AND unixepoch('2014-10-26 01:10:00')");
    assert_eq!(
        autumn,
        [
            utc(&conn, "2014-10-25 23:40:00"),
            utc(&conn, "2014-10-25 23:50:00"),
            utc(&conn, "2014-10-26 01:00:00"),
            utc(&conn, "2014-10-26 01:10:00")
        ]
    );
}

#[test]
fn local_times_without_offset_follow_the_time_zone_through_both_dst_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let (assets, _) = engie_samples();
    let run = cockpit(&db, &["ingest", "--mapping", "engie", &assets]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A logger writing Paris wall-clock time, second-less: autumn 2014 from 01:00 to 03:00 with
    // the 02:xx hour twice (summer, then winter), for two turbines interleaved; then spring
    // 2015 with a record in the hour that does not exist.
    let mut body = String::from("Wind_turbine_name;Date_time;P_avg;Ws_avg\n");
    let mut autumn_local = Vec::new();
    for h in ["01", "02", "02", "03"] {
        for m in ["00", "10", "20", "30", "40", "50"] {
            autumn_local.push(format!("2014-10-26 {h}:{m}"));
        }
    }
    for t in &autumn_local {
        for id in ["R80711", "R80721"] {
            body.push_str(&format!("{id};{t};500;7\n"));
        }
    }
    body.push_str("R80711;2015-03-29 01:50;500;7\nR80711;2015-03-29 02:30;500;7\nR80711;2015-03-29 03:00;500;7\n");
    let p = dir.path().join("local.csv");
    fs::write(&p, body).unwrap();
    let p = p.to_str().unwrap();
    let mapping = dir.path().join("local.toml");
    fs::write(
        &mapping,
        "name = \"local\"\ndelimiter = \";\"\n[scada]\ntimestamp = \"Date_time\"\nturbine_id = \"Wind_turbine_name\"\npower_kw = \"P_avg\"\nwind_speed_ms = \"Ws_avg\"\n",
    )
    .unwrap();
    let mapping = mapping.to_str().unwrap();
    let run = cockpit(
        &db,
        &[
            "ingest",
            "--json",
            "--mapping",
            mapping,
            "--timezone",
            "Europe/Paris",
            p,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(
        (n(&j, "accepted"), n(&j, "duplicates"), n(&j, "quarantined")),
        (2 * 24 + 2, 0, 1)
    );
    let ex = j["files"][0]["reasons"]["nonexistent_local_time"]["example"]
        .as_str()
        .unwrap();
    assert!(
        ex.starts_with("line 51: timestamp '2015-03-29 02:30' does not exist in Europe/Paris"),
        "{ex}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let start = utc(&conn, "2014-10-25 23:00:00");
    for id in ["R80711", "R80721"] {
        let ts: Vec<i64> = conn
            .prepare(
                "SELECT ts FROM readings r JOIN turbines t ON t.id = r.turbine
                 WHERE t.turbine_id = ?1 AND ts < unixepoch('2015-01-01') ORDER BY ts",
            )
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected: Vec<i64> = (0..24).map(|k| start + 600 * k).collect();
        assert_eq!(ts, expected, "{id}: 24 records ten minutes apart in UTC");
    }

    // Without a time zone the same wall-clock times are read as UTC: the repeated hour collides.
    let db2 = dir.path().join("utc.db");
    let run = cockpit(&db2, &["ingest", "--mapping", "engie", &assets]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = cockpit(&db2, &["ingest", "--json", "--mapping", mapping, p]);
    let j = run.json();
    assert_eq!(n(&j, "duplicates"), 2 * 6);

    // A time zone that does not exist is refused before anything is read.
    let run = cockpit(
        &db2,
        &[
            "ingest",
            "--mapping",
            mapping,
            "--timezone",
            "Europe/Lyon",
            p,
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("timezone 'Europe/Lyon' is not an IANA time zone name"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_quarantine_is_exported_as_csv_with_every_line_and_its_raw_text_quoted() {
    let fleet = Fleet::new();
    let rows = vec![
        fleet.rows[0].clone(),
        fleet.with_field(1, "turbine_id", "ZZ-404"),
        fleet.with_field(2, "timestamp", "yesterday"),
        // A field with a quote and the delimiter inside: quoted in the file, kept as read.
        fleet.with_field(3, "turbine_id", "\"ZZ \"\"north\"\", 2\""),
    ];
    let p = fleet.write("scada.csv", fleet.csv(&rows));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(n(&j, "quarantined"), 3);
    let out = fleet.root.join("quarantine.csv");
    let run = cockpit(
        &fleet.db,
        &["diagnostics", "--quarantine-csv", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("3 quarantined lines written to"),
        "{}",
        run.stdout
    );
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("file,line,reason,message,raw\n"), "{text}");
    // Every line is there: 3 records, each naming the file; the raw text holds commas so it is
    // quoted, and the quote inside it is doubled.
    assert_eq!(text.matches("scada.csv").count(), 3, "{text}");
    assert!(
        text.contains("ZZ-404") && text.contains("yesterday"),
        "{text}"
    );
    assert!(text.contains("ZZ \"\"north\"\", 2"), "{text}");
    for line in text.lines().skip(1) {
        assert!(line.ends_with('"'), "the raw text is quoted: {line}");
    }

    // A folder that does not exist: the message names the file, exit code 2.
    let run = cockpit(
        &fleet.db,
        &["diagnostics", "--quarantine-csv", "/no/such/folder/q.csv"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("q.csv"), "{}", run.stderr);
}

#[test]
fn a_mistyped_year_a_corrected_value_and_a_daily_file_of_the_same_name_lose_nothing() {
    let fleet = Fleet::new();
    // Day 1: one record's year typed 2099, another 0026.
    let mut day1: Vec<String> = fleet.rows[..10].to_vec();
    day1[3] = fleet.rows[3].replacen("2026-", "2099-", 1);
    day1[4] = fleet.rows[4].replacen("2026-", "0026-", 1);
    let p = fleet.write("scada.csv", fleet.csv(&day1));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (8, 2));
    assert_eq!(j["reasons"]["implausible_time"], 2);
    let conn = rusqlite::Connection::open(&fleet.db).unwrap();
    let latest: i64 = conn
        .query_row("SELECT max(ts) FROM readings", [], |r| r.get(0))
        .unwrap();
    assert!(latest < 1_900_000_000, "a 2099 record was stored: {latest}");
    // Day 2, same file name: a corrected record of day 1 and a record with a bad time.
    let corrected = fleet.with_field(0, "wind_speed_ms", "24.5");
    let late = fleet.with_field(11, "timestamp", "2099-01-01T00:00:00Z");
    let p = fleet.write("scada.csv", fleet.csv(&[corrected, late]));
    let (code, j, _) = fleet.ingest_json(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!((n(&j, "accepted"), n(&j, "quarantined")), (0, 2));
    assert_eq!(j["reasons"]["conflict"], 1);
    let example = j["files"][0]["reasons"]["conflict"]["example"]
        .as_str()
        .unwrap();
    assert!(
        example.starts_with("line 2: turbine '") && example.contains("here 24.5"),
        "{example}"
    );
    // Every quarantined line counted is stored: 2 of day 1, 2 of day 2.
    assert_eq!(count(&fleet.db, "quarantine"), 4);
    let run = cockpit(&fleet.db, &["ingest", p.to_str().unwrap()]);
    assert!(run.stdout.contains("1 × conflict"), "{}", run.stdout);
}

#[test]
fn a_turbine_id_holding_terminal_escapes_is_printed_without_them() {
    let fleet = Fleet::new();
    let hostile = "ZZ\u{1b}[31m9\u{1b}]0;pwned\u{7}";
    let rows = vec![
        fleet.rows[0].clone(),
        fleet.with_field(1, "turbine_id", hostile),
    ];
    let p = fleet.write("escape.csv", fleet.csv(&rows));
    let run = cockpit(&fleet.db, &["ingest", p.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The quarantined line is shown (its example quotes the id), without the control characters.
    assert!(run.stdout.contains("ZZ[31m9]0;pwned"), "{}", run.stdout);
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}']),
            "{name} holds a control character: {text:?}"
        );
    }
    // An error message quoting the argument is cleaned the same way.
    let run = cockpit(&fleet.db, &["turbine", hostile]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("ZZ[31m9"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}
