//! Black-box tests of `cockpit backtest`'s alert levels (issue 15): per level, the failures, the
//! detectable ceiling from the simulator's precursor starts, warnings 2+ days ahead, alert
//! episodes true and false, median lead — and no ceiling at all from a logbook that says nothing
//! about precursors (a real one).

use std::path::Path;

use cockpit_tests::{cockpit, ingest_simulated, simulate};
use serde_json::Value;

const DAY: i64 = 86_400;

/// Simulates a fleet into `dir/sim`, lets `edit` rewrite its logbook, ingests everything into
/// `dir/cockpit.db` and returns the backtest's JSON and text outputs.
fn backtest(
    dir: &Path,
    turbines: u32,
    days: u32,
    edit: impl Fn(&str) -> String,
) -> (Value, String) {
    let db = dir.join("cockpit.db");
    let out = dir.join("sim");
    simulate(&db, &out, turbines, days, 31);
    let logbook = out.join("logbook.csv");
    let text = std::fs::read_to_string(&logbook).unwrap();
    std::fs::write(&logbook, edit(&text)).unwrap();
    ingest_simulated(&db, &out);
    let run = cockpit(&db, &["backtest", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let run = cockpit(&db, &["backtest"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (json, run.stdout)
}

const FIELDS: [&str; 10] = [
    "failures",
    "detectable_failures",
    "warned",
    "recall",
    "recall_detectable",
    "true_episodes",
    "false_episodes",
    "false_episodes_per_turbine_quarter",
    "episode_precision",
    "median_lead_days",
];

fn secs(text: &str) -> i64 {
    // `YYYY-MM-DDTHH:MM:SSZ` → Unix seconds, enough for comparisons between logbook times.
    let n = |r: std::ops::Range<usize>| text[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 719_469;
    days * DAY + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

#[test]
fn backtest_reports_the_detectable_ceiling_and_alert_episodes_per_level() {
    let dir = tempfile::tempdir().unwrap();
    let (r, text) = backtest(dir.path(), 10, 60, str::to_string);
    let failures = r["failures"].as_array().unwrap();
    assert!(!failures.is_empty());
    // What the simulator's logbook says: failures of the period whose precursor began 2+ days
    // before them.
    let logbook = std::fs::read_to_string(dir.path().join("sim/logbook.csv")).unwrap();
    let mut lines = logbook.lines();
    assert!(lines.next().unwrap().ends_with(",precursor_start"));
    let in_period = |id: &str, at: &str| {
        failures
            .iter()
            .any(|f| f["turbine_id"] == id && f["failure_time"] == at)
    };
    let detectable = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| in_period(f[0], f[2]))
        .filter(|f| !f[5].is_empty() && secs(f[2]) - secs(f[5]) >= 2 * DAY)
        .count() as u64;
    for level in ["high", "critical"] {
        let l = &r["levels"][level];
        for field in FIELDS {
            assert!(
                l.get(field).is_some(),
                "levels.{level}.{field} missing: {l}"
            );
        }
        assert_eq!(
            l["failures"].as_u64(),
            Some(failures.len() as u64),
            "{level}"
        );
        assert_eq!(
            l["detectable_failures"].as_u64(),
            Some(detectable),
            "{level}"
        );
        let warned = l["warned"].as_u64().unwrap();
        assert!(warned <= failures.len() as u64);
        let recall = l["recall"].as_f64().unwrap();
        assert!((recall - warned as f64 / failures.len() as f64).abs() < 1e-9);
        let (t, f) = (
            l["true_episodes"].as_u64().unwrap(),
            l["false_episodes"].as_u64().unwrap(),
        );
        if t + f > 0 {
            let p = l["episode_precision"].as_f64().unwrap();
            assert!((p - t as f64 / (t + f) as f64).abs() < 1e-9, "{level}");
        }
        assert!(l["false_episodes_per_turbine_quarter"].as_f64().unwrap() >= 0.0);
        if warned > 0 {
            assert!(l["median_lead_days"].as_f64().unwrap() >= 2.0, "{level}");
        }
    }
    // Critical is a subset of high: never more warned, never more episodes.
    let (h, c) = (&r["levels"]["high"], &r["levels"]["critical"]);
    assert!(h["warned"].as_u64() >= c["warned"].as_u64());
    // The existing figures are still there.
    for field in [
        "recall",
        "precision",
        "true_alarms",
        "false_alarms",
        "median_lead_days",
    ] {
        assert!(r.get(field).is_some(), "{field}");
    }
    // The text output says it in words.
    assert!(text.contains("High or above: "), "{text}");
    assert!(text.contains("Critical: "), "{text}");
    assert!(
        text.contains("with a precursor visible 2+ days before"),
        "{text}"
    );
    assert!(text.contains("per turbine per quarter"), "{text}");
}

#[test]
fn a_logbook_without_precursor_information_gives_no_ceiling_rather_than_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    // A real logbook: the same failures, no precursor_start column.
    let strip = |text: &str| {
        text.lines()
            .map(|l| l.rsplit_once(',').map_or(l, |(kept, _)| kept))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let (r, text) = backtest(dir.path(), 8, 45, strip);
    let failures = r["failures"].as_array().unwrap().len() as u64;
    assert!(failures > 0);
    for level in ["high", "critical"] {
        let l = &r["levels"][level];
        assert_eq!(l["failures"].as_u64(), Some(failures));
        assert!(l["detectable_failures"].is_null(), "{level}: {l}");
        assert!(l["recall_detectable"].is_null(), "{level}: {l}");
        assert!(l["recall"].is_number(), "{level}: {l}");
    }
    assert!(
        text.contains("the logbook does not say which failures had a precursor"),
        "{text}"
    );
}

#[test]
fn each_alert_category_says_how_often_it_was_right_on_this_park_as_the_backtest_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let (r, _) = backtest(dir.path(), 10, 60, str::to_string);
    // The same daily runs, kept in the journal this time: the park's own history.
    let run = cockpit(&db, &["replay", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fleet = cockpit(&db, &["fleet"]);
    assert_eq!(fleet.code, 0, "{}", fleet.stderr);
    let legend: Vec<&str> = fleet
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("How often each alert category has been right"))
        .skip(1)
        .collect();
    assert_eq!(legend.len(), 3, "{}", fleet.stdout);
    for (line, (level, name)) in legend.iter().zip([
        ("critical", "Critical"),
        ("high", "High or above"),
        ("moderate", "Moderate or above"),
    ]) {
        assert!(
            line.starts_with(&format!("{name} — evaluation fleet")),
            "{line}"
        );
        let l = &r["levels"][level];
        let (t, f) = (
            l["true_episodes"].as_u64().unwrap(),
            l["false_episodes"].as_u64().unwrap(),
        );
        let park = if t + f == 0 {
            "this park: no alert episode judged yet".to_string()
        } else {
            format!("this park: {t} of {} alert episode", t + f)
        };
        assert!(line.contains(&park), "{line}\nexpected: {park}");
    }
    // A turbine's page says it beside its category when that is an alert.
    let latest = cockpit(&db, &["fleet", "--json"]).json();
    let rated = latest.as_array().unwrap().iter().find(|i| {
        i["category"]
            .as_str()
            .is_some_and(|c| c == "critical" || c == "high" || c == "moderate")
    });
    if let Some(item) = rated {
        let id = item["turbine_id"].as_str().unwrap();
        let page = cockpit(&db, &["turbine", id]);
        assert_eq!(page.code, 0, "{}", page.stderr);
        assert!(
            page.stdout.contains("— evaluation fleet"),
            "{}",
            page.stdout
        );
        assert!(page.stdout.contains("this park:"), "{}", page.stdout);
    }
}

#[test]
fn backtest_measures_the_coverage_of_the_time_to_failure_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let (r, text) = backtest(dir.path(), 8, 50, str::to_string);
    let t = &r["ttf"];
    for field in [
        "ranges",
        "covered",
        "coverage",
        "median_width_days",
        "no_failure_expected",
        "outcome_unknown",
    ] {
        assert!(t.get(field).is_some(), "ttf.{field} missing: {t}");
    }
    let n = |k: &str| t[k].as_u64().unwrap();
    // Every scored turbine-day has a distribution: a range (judged or not yet) or no failure
    // expected.
    assert_eq!(
        n("ranges") + n("no_failure_expected") + n("outcome_unknown"),
        r["scored_snapshots"].as_u64().unwrap(),
        "{t}"
    );
    assert!(n("covered") <= n("ranges"), "{t}");
    if n("ranges") > 0 {
        let coverage = t["coverage"].as_f64().unwrap();
        assert!(
            (coverage - n("covered") as f64 / n("ranges") as f64).abs() < 1e-12,
            "{t}"
        );
        let width = t["median_width_days"].as_f64().unwrap();
        assert!((0.0..=30.0).contains(&width), "{t}");
    } else {
        assert!(
            t["coverage"].is_null() && t["median_width_days"].is_null(),
            "{t}"
        );
    }
    // The text says it in words.
    assert!(text.contains("Time to failure: "), "{text}");
    assert!(text.contains("hold the true time"), "{text}");
}
