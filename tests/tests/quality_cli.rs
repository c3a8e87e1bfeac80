//! Black-box tests of sensor faults and of what the cockpit can and cannot watch: the demo park's
//! frozen generator-winding sensor no longer drives LYO-08's risk, and an export with power and
//! pitch only (like ENGIE's 7-signal file) is scored and says so.

use cockpit_tests::{cockpit, simulate};
use serde_json::Value;

#[test]
fn lyo_08s_frozen_winding_sensor_is_shown_and_never_a_driver() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let run = cockpit(&db, &["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let detail = cockpit(&db, &["turbine", "LYO-08", "--json"]).json();
    let prediction = &detail["prediction"];
    let quality = &prediction["data_quality"];
    // Its generator-winding trace is flat for days three days before the end of the data.
    let unwatched = quality["unwatched"].as_array().unwrap();
    assert!(
        unwatched
            .iter()
            .any(|u| u["indicator"] == "generator_winding"
                && u["watch"]["state"] == "faulty"
                && u["watch"]["fault"] == "frozen"),
        "{quality}"
    );
    let frozen = quality["faults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "frozen" && f["signal"] == "generator_winding_temp_c")
        .expect("the frozen stretch is listed");
    let days = (frozen["end"].as_i64().unwrap() - frozen["start"].as_i64().unwrap()) / 86_400;
    assert!(days >= 3, "flat for days: {frozen}");
    // No driver from a frozen or recovering sensor, and the risk it made up is gone.
    for d in detail["drivers"].as_array().unwrap() {
        assert_ne!(d["indicator"], "generator_winding", "{d}");
    }
    let category = prediction["category"].as_str().unwrap_or("-");
    assert!(
        category == "low" || category == "moderate",
        "LYO-08 was high only because of its frozen sensor; now {category}"
    );
    let text = cockpit(&db, &["turbine", "LYO-08"]);
    assert!(
        text.stdout
            .contains("data: generator winding: sensor frozen"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("data: generator winding temperature sensor frozen"),
        "{}",
        text.stdout
    );
    let fleet = cockpit(&db, &["fleet"]);
    let row = fleet
        .stdout
        .lines()
        .find(|l| l.starts_with("LYO-08"))
        .unwrap();
    assert!(
        row.contains("[data: generator winding: sensor frozen]"),
        "{row}"
    );
}

/// Keeps only the columns of ENGIE's 7-signal export (no temperature but the outdoor one, no
/// vibration, no status) in a canonical SCADA file.
fn power_and_pitch_only(scada: &std::path::Path) {
    let keep = [
        "timestamp",
        "turbine_id",
        "wind_speed_ms",
        "wind_dir_deg",
        "power_kw",
        "pitch_deg",
        "ambient_temp_c",
    ];
    let text = std::fs::read_to_string(scada).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let idx: Vec<usize> = keep
        .iter()
        .map(|k| header.iter().position(|h| h == k).unwrap())
        .collect();
    let mut out = keep.join(",") + "\n";
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let row: Vec<&str> = idx.iter().map(|&i| cells[i]).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    std::fs::write(scada, out).unwrap();
}

#[test]
fn an_export_without_temperatures_is_scored_on_power_and_pitch_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let out = dir.path().join("sim");
    simulate(&db, &out, 8, 20, 5);
    power_and_pitch_only(&out.join("scada.csv"));
    let files: Vec<String> = ["turbines.csv", "scada.csv"]
        .iter()
        .map(|f| out.join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    let run = cockpit(&db, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let items = cockpit(&db, &["fleet", "--json"]).json();
    let items = items.as_array().unwrap();
    let scored: Vec<&Value> = items.iter().filter(|i| i["scored"] == true).collect();
    assert_eq!(
        scored.len(),
        8,
        "every turbine is scored on power and pitch"
    );
    for i in &scored {
        let q = &i["data_quality"];
        assert_eq!(q["unwatched"].as_array().unwrap().len(), 8, "{q}");
        assert!(q["unwatched"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["watch"]["state"] == "absent"));
        assert_eq!(q["power_curve"], true);
        assert_eq!(q["pitch"], true);
        // Nothing it cannot see becomes a driver.
        for d in i["drivers"].as_array().unwrap() {
            let ind = d["indicator"].as_str().unwrap();
            assert!(ind == "power_curve" || ind == "pitch", "{d}");
        }
    }
    let id = scored[0]["turbine_id"].as_str().unwrap();
    let text = cockpit(&db, &["turbine", id]);
    assert!(
        text.stdout
            .contains("data: not watched: gearbox oil, gearbox bearing, generator bearing"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("data: watched on its power curve and pitch only"),
        "{}",
        text.stdout
    );
    // The shipped models measured no useful skill on power and pitch alone (model card,
    // "Missing signal families"): no day of such a turbine is an alarm; a day the models would
    // have rated high is held at moderate and says so.
    let replay = cockpit(&db, &["replay", "--json"]).json();
    let by = &replay["by_category"];
    assert!(
        by.get("high").is_none() && by.get("critical").is_none(),
        "{by}"
    );
    let held = replay["held_at_moderate"].as_u64().unwrap();
    let items = cockpit(&db, &["fleet", "--json"]).json();
    for i in items.as_array().unwrap() {
        if i["data_quality"]["held_at_moderate"] == true {
            assert!(held > 0);
            let id = i["turbine_id"].as_str().unwrap();
            let text = cockpit(&db, &["turbine", id]).stdout;
            assert!(text.contains("held at moderate"), "{text}");
        }
    }
    // No high without a reason: every high or critical row names one.
    let fleet = cockpit(&db, &["fleet"]);
    for line in fleet.stdout.lines().skip(2) {
        if line.contains(" high ") || line.contains(" critical ") {
            let cols: Vec<&str> = line.split_whitespace().collect();
            assert!(cols.len() > 7 && cols[6] != "-", "{line}");
        }
    }
}
