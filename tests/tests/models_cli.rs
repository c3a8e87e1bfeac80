//! Black-box tests of `cockpit models` (issue 15, item 5): a candidate refused with its reason, a
//! candidate scored in shadow without changing the run, promote then rollback, and promoting or
//! rolling back with nothing to do.

use std::path::{Path, PathBuf};

use cockpit_tests::{cockpit, count, ingest_simulated, simulate, workspace_root};
use serde_json::Value;

/// A copy of the model set the tests use (the shipped one, whatever its version) in `dir`, with
/// `edit` applied to its manifest.
fn copy_set(dir: &Path, edit: impl FnOnce(&mut Value)) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(workspace_root().join("models")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.join("manifest.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    dir.to_path_buf()
}

/// A valid candidate: the same models under another version (so another checksum).
fn renamed(v: &mut Value) {
    let old = v["model_version"].as_str().unwrap().to_string();
    v["model_version"] = format!("{old}-candidate").into();
}

/// `cockpit --models <models> ARGS` on `db`.
fn with_models(db: &Path, models: &Path, args: &[&str]) -> cockpit_tests::Run {
    let mut all = vec!["--models", models.to_str().unwrap()];
    all.extend_from_slice(args);
    cockpit(db, &all)
}

/// A database with a small simulated fleet, and a copy of the models folder.
fn park(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("cockpit.db");
    simulate(&db, &dir.join("sim"), 3, 12, 5);
    ingest_simulated(&db, &dir.join("sim"));
    let models = copy_set(&dir.join("models"), |_| {});
    (db, models)
}

#[test]
fn a_candidate_with_other_features_or_a_wrong_checksum_is_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cockpit.db");
    let models = copy_set(&tmp.path().join("models"), |_| {});
    let features = copy_set(&tmp.path().join("features"), |v| {
        v["feature_names"][0] = "not_a_cockpit_feature".into()
    });
    let run = with_models(
        &db,
        &models,
        &["models", "candidate", features.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("is refused") && run.stderr.contains("other features"),
        "{}",
        run.stderr
    );
    let checksum = copy_set(&tmp.path().join("checksum"), |_| {});
    let first = std::fs::read_dir(&checksum)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "onnx"))
        .unwrap();
    let mut bytes = std::fs::read(&first).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&first, bytes).unwrap();
    let run = with_models(
        &db,
        &models,
        &["models", "candidate", checksum.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("checksum mismatch"), "{}", run.stderr);

    // Nothing was kept, the set in service is the models folder's.
    let status = with_models(&db, &models, &["models", "status", "--json"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let s = status.json();
    assert!(s["candidate"].is_null(), "{s}");
    assert_eq!(s["in_service"]["dir"], models.display().to_string());
}

#[test]
fn a_candidate_is_scored_in_shadow_without_changing_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, models) = park(tmp.path());
    let alone = with_models(&db, &models, &["score", "--json"]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let alone = alone.json();

    copy_set(&models.join("candidate"), renamed);
    let status = with_models(&db, &models, &["models", "status", "--json"]).json();
    assert!(status["candidate_refused"].is_null(), "{status}");
    let with = with_models(&db, &models, &["score", "--json"]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    let with = with.json();
    assert_eq!(with["counts"], alone["counts"]);
    assert_eq!(with["model_version"], alone["model_version"]);
    assert_eq!(count(&db, "shadow_runs"), 1);
    assert_eq!(count(&db, "shadow_predictions"), 3);
    let text = with_models(&db, &models, &["score"]);
    assert!(text.stdout.contains("scored in shadow"), "{}", text.stdout);

    let cmp = with_models(&db, &models, &["models", "compare", "--json"]);
    assert_eq!(cmp.code, 0, "{}", cmp.stderr);
    let c = cmp.json();
    assert_eq!(c["agreement"]["runs"], 2);
    assert_eq!(c["agreement"]["share_identical"], 1.0, "{c}");
    assert!(c["served_levels"]["high"]["failures"].is_u64(), "{c}");
    assert_eq!(
        c["served_levels"], c["candidate_levels"],
        "same models, same backtest"
    );
    let text = with_models(&db, &models, &["models", "compare"]);
    assert!(
        text.stdout
            .contains("Categories identical for 6 of 6 turbine-runs (100 %)"),
        "{}",
        text.stdout
    );
}

#[test]
fn promote_then_rollback_round_trip_with_the_history_of_each_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, models) = park(tmp.path());
    let first = with_models(&db, &models, &["score", "--json"]).json();
    let original = first["model_version"].as_str().unwrap().to_string();

    let chosen = copy_set(&tmp.path().join("chosen"), renamed);
    let run = with_models(
        &db,
        &models,
        &["models", "candidate", chosen.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let promoted = with_models(&db, &models, &["models", "promote", "--json"]);
    assert_eq!(promoted.code, 0, "{}", promoted.stderr);
    let p = promoted.json();
    let candidate = format!("{original}-candidate");
    assert_eq!(p["set"]["version"], candidate.as_str());
    assert_eq!(p["replaced"]["version"], original.as_str());
    let second = with_models(&db, &models, &["score", "--json"]).json();
    assert_eq!(second["model_version"], candidate.as_str());

    let back = with_models(&db, &models, &["models", "rollback", "--json"]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert_eq!(back.json()["set"]["version"], original.as_str());
    let third = with_models(&db, &models, &["score", "--json"]).json();
    assert_eq!(third["model_version"], original.as_str());

    let h = with_models(&db, &models, &["models", "history", "--json"]);
    assert_eq!(h.code, 0, "{}", h.stderr);
    let h = h.json();
    let periods: Vec<(String, i64)> = h["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["version"].as_str().unwrap().to_string(),
                p["runs"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        periods,
        [
            (original.clone(), 1),
            (candidate.clone(), 1),
            (original.clone(), 1)
        ]
    );
    let actions: Vec<&str> = h["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["promote", "rollback"]);
    let text = with_models(&db, &models, &["models", "history"]);
    assert!(text.stdout.contains(&candidate), "{}", text.stdout);
    // The models folder was never written.
    assert!(!models.join("candidate").exists());
}

#[test]
fn promoting_without_a_candidate_or_rolling_back_without_a_previous_set_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cockpit.db");
    let models = copy_set(&tmp.path().join("models"), |_| {});
    let run = with_models(&db, &models, &["models", "promote"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("there is no candidate model set to promote"),
        "{}",
        run.stderr
    );
    let run = with_models(&db, &models, &["models", "rollback"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("there is no previous model set to roll back to"),
        "{}",
        run.stderr
    );
    let run = with_models(&db, &models, &["models", "compare"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no candidate model set to compare"),
        "{}",
        run.stderr
    );
}
