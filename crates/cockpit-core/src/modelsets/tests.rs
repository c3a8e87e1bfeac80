//! Tests of the model sets: refusals, shadow scoring leaving the served results alone, the
//! agreement, promote and rollback, the history's periods.

use super::*;
use crate::ingest;
use crate::mapping::Mapping;
use crate::risk::RiskPolicy;
use crate::runs::{self, RunRequest, Trigger};
use crate::sim::{self, SimConfig};

const DAY: i64 = 86_400;

fn ort() -> &'static OrtRuntime {
    OrtRuntime::init(None).expect("ONNX Runtime (set COCKPIT_ORT_LIB)")
}

/// The model set the cockpit ships (whatever its version).
fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")
}

/// A copy of the shipped set's files in `dir` with `edit` applied to its manifest (also used by
/// the service's tests).
pub(crate) fn copy_set(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(shipped()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.join("manifest.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    dir.to_path_buf()
}

/// A valid candidate: the shipped set under another version (its checksum changes with it).
fn other_version(dir: &Path) -> PathBuf {
    copy_set(dir, |v| {
        let old = v["model_version"].as_str().unwrap().to_string();
        v["model_version"] = format!("{old}-candidate").into();
    })
}

struct Park {
    _dir: tempfile::TempDir,
    root: PathBuf,
    store: Store,
    sets: PathBuf,
    models: PathBuf,
}

/// 4 turbines × 9 days of simulated data, the shipped set as the models folder (a copy, so a
/// `candidate/` may be dropped in it).
fn park() -> Park {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let end = crate::clock::now().div_euclid(DAY) * DAY;
    let files = sim::simulate(&SimConfig::new(4, 9, 11, end - 9 * DAY), &root.join("sim"))
        .unwrap()
        .files;
    let db = root.join("cockpit.db");
    let mut store = Store::open(&db).unwrap();
    let report = ingest::ingest_files(&mut store, &files, &Mapping::canonical());
    assert!(report.failed.is_empty());
    let models = copy_set(&root.join("models"), |_| {});
    Park {
        sets: sets_dir(&db),
        _dir: dir,
        root,
        store,
        models,
    }
}

fn req() -> RunRequest {
    RunRequest {
        trigger: Trigger::Cli,
        at: None,
        scheduled_for: None,
    }
}

/// A served prediction: turbine, score, category, drivers.
type Served = (i64, Option<f64>, Option<String>, Option<String>);

/// Every served prediction of run `run`.
fn served(store: &Store, run: i64) -> Vec<Served> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT turbine, risk_score, category, drivers FROM predictions WHERE run = ?1 ORDER BY turbine",
        )
        .unwrap();
    stmt.query_map([run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_candidate_failing_a_check_is_refused_with_the_reason_and_its_code() {
    let tmp = tempfile::tempdir().unwrap();
    let features = copy_set(&tmp.path().join("f"), |v| {
        v["feature_names"][0] = "not_a_cockpit_feature".into()
    });
    let checksum = copy_set(&tmp.path().join("c"), |v| {
        let file = v["models"].as_object().unwrap().values().next().unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        let flipped: String = file
            .chars()
            .map(|c| if c == '0' { '1' } else { '0' })
            .collect();
        let first = v["models"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        v["models"][first]["sha256"] = flipped.into();
    });
    let parity = copy_set(&tmp.path().join("p"), |_| {});
    let text = std::fs::read_to_string(parity.join("parity.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // The last column of the first reference row: an output the models do not give.
    let row = &mut lines[1];
    let cut = row.rfind(',').unwrap();
    row.replace_range(cut + 1.., "0.123456");
    std::fs::write(parity.join("parity.csv"), lines.join("\n") + "\n").unwrap();
    let invalid = copy_set(&tmp.path().join("i"), |_| {});
    std::fs::write(invalid.join("manifest.json"), "{ not json").unwrap();

    for (dir, refusal, words) in [
        (&features, Refusal::Features, "other features"),
        (&checksum, Refusal::Checksum, "checksum mismatch"),
        (&parity, Refusal::Parity, "reference outputs"),
        (&invalid, Refusal::Invalid, "is invalid"),
    ] {
        let err = check(dir, ort()).unwrap_err();
        assert!(
            matches!(&err, ModelSetError::CandidateRefused { refusal: r, .. } if *r == refusal),
            "{err}"
        );
        let msg = err.to_string();
        assert!(msg.contains(words) && msg.contains("refused"), "{msg}");
    }
}

#[test]
fn a_refused_candidate_never_changes_the_set_in_service_nor_fails_the_run() {
    let mut p = park();
    let cand = copy_set(&p.models.join(CANDIDATE_DIR_NAME), |v| {
        v["feature_names"][0] = "not_a_cockpit_feature".into()
    });
    let err = promote(&mut p.store, &p.sets, &p.models, ort()).unwrap_err();
    assert!(
        matches!(err, ModelSetError::CandidateRefused { .. }),
        "{err}"
    );
    assert_eq!(in_service(&p.store, &p.models).unwrap(), p.models);
    let kept = std::fs::read_dir(&p.sets).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "nothing kept from a refused candidate");

    let mut models = ModelSet::load_for_scoring(&p.models, ort()).unwrap();
    let mut shadow = shadow_candidate(&p.sets, &p.models, &models, ort()).unwrap();
    assert!(shadow.models.is_err());
    let run = runs::score_with_shadow(
        &mut p.store,
        &mut models,
        Some(&mut shadow),
        &RiskPolicy::default(),
        req(),
    )
    .unwrap();
    assert_eq!(run.status, "succeeded");
    let skipped: String = p
        .store
        .conn()
        .query_row(
            "SELECT skipped FROM shadow_runs WHERE run = ?1",
            [run.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(skipped.contains("other features"), "{skipped}");
    assert_eq!(
        p.store
            .conn()
            .query_row("SELECT count(*) FROM shadow_predictions", [], |r| r
                .get::<_, i64>(0))
            .unwrap(),
        0
    );
    let _ = cand;
}

#[test]
fn shadow_scoring_leaves_the_served_results_as_they_are_and_agrees_with_itself() {
    let mut p = park();
    let policy = RiskPolicy::default();
    let mut models = ModelSet::load_for_scoring(&p.models, ort()).unwrap();
    let alone = runs::score(&mut p.store, &mut models, &policy, req()).unwrap();
    assert!(
        shadow_candidate(&p.sets, &p.models, &models, ort()).is_none(),
        "no candidate"
    );
    other_version(&p.models.join(CANDIDATE_DIR_NAME));
    let mut shadow = shadow_candidate(&p.sets, &p.models, &models, ort()).unwrap();
    let with =
        runs::score_with_shadow(&mut p.store, &mut models, Some(&mut shadow), &policy, req())
            .unwrap();
    assert_eq!(served(&p.store, alone.id), served(&p.store, with.id));
    assert_eq!(alone.counts, with.counts);
    assert_eq!(alone.model_version, with.model_version);

    // The same models under another version: every category identical.
    let cand = shadow.models.as_ref().unwrap();
    let a = compare::agreement(&p.store, cand.checksum()).unwrap();
    assert_eq!((a.runs, a.skipped_runs), (1, 0));
    assert_eq!(a.compared, 4);
    assert_eq!(a.identical, 4);
    assert_eq!(a.share_identical, Some(1.0));
    let diagonal: i64 = (0..5).map(|i| a.confusion[i][i]).sum();
    assert_eq!(diagonal, 4);
    assert!(
        a.text(Lang::En).contains("4 of 4 turbine-runs (100 %)"),
        "{}",
        a.text(Lang::En)
    );
    assert!(
        a.text(Lang::Fr).contains("4 éoliennes-évaluations sur 4"),
        "{}",
        a.text(Lang::Fr)
    );
}

use crate::lang::Lang;

#[test]
fn the_agreement_counts_each_served_and_candidate_category_pair() {
    let store = Store::open_in_memory().unwrap();
    store
        .conn()
        .execute_batch(
            "INSERT INTO turbines (id, turbine_id, site, model, rated_power_kw, latitude, longitude, commissioning_date)
             VALUES (1, 'T1', 's', 'm', 2000, 0, 0, ''), (2, 'T2', 's', 'm', 2000, 0, 0, ''),
                    (3, 'T3', 's', 'm', 2000, 0, 0, '');
             INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, model_version)
             VALUES (1, 'cli', 0, 0, 0, 'succeeded', 'a'), (2, 'cli', 1, 1, 0, 'succeeded', 'a'),
                    (3, 'cli', 2, 2, 0, 'succeeded', 'a');
             INSERT INTO predictions (turbine, run, scored, category) VALUES
                (1, 1, 1, 'high'), (2, 1, 1, 'low'), (3, 1, 0, NULL),
                (1, 2, 1, 'high'), (2, 2, 1, 'moderate'), (3, 2, 1, 'low'),
                (1, 3, 1, 'critical');
             INSERT INTO shadow_runs (run, model_version, model_sha, skipped) VALUES
                (1, 'b', 'bbb', NULL), (2, 'b', 'bbb', NULL), (3, 'b', 'bbb', 'cannot load');
             INSERT INTO shadow_predictions (run, turbine, category) VALUES
                (1, 1, 'critical'), (1, 2, 'low'), (1, 3, NULL),
                (2, 1, 'high'), (2, 2, 'low'), (2, 3, 'low');",
        )
        .unwrap();
    let a = compare::agreement(&store, "bbb").unwrap();
    assert_eq!((a.runs, a.skipped_runs), (2, 1));
    assert_eq!(a.last_skip_reason.as_deref(), Some("cannot load"));
    assert_eq!(a.compared, 6);
    // Identical: T2 low/low, T3 not scored twice... run 1 T3 (none/none), run 2 T1 high/high,
    // T3 low/low.
    assert_eq!(a.identical, 4);
    assert_eq!(a.confusion[2][3], 1, "served high, candidate critical");
    assert_eq!(a.confusion[1][0], 1, "served moderate, candidate low");
    assert_eq!(a.confusion[4][4], 1, "both not scored");
    let text = a.text(Lang::En);
    assert!(
        text.contains("4 of 6 turbine-runs (67 %) over 2 runs"),
        "{text}"
    );
    assert!(text.contains("Skipped in 1 run: cannot load"), "{text}");
    assert_eq!(
        compare::agreement(&store, "other").unwrap().share_identical,
        None
    );
}

#[test]
fn promote_then_rollback_round_trip_and_nothing_to_promote_or_roll_back_says_so() {
    let mut p = park();
    let err = rollback(&mut p.store, &p.models, ort()).unwrap_err();
    assert!(matches!(err, ModelSetError::NoPrevious { .. }), "{err}");
    let err = promote(&mut p.store, &p.sets, &p.models, ort()).unwrap_err();
    assert!(matches!(err, ModelSetError::NoCandidate { .. }), "{err}");
    assert!(err.to_string().contains("no candidate"), "{err}");

    let original = ModelSetInfo::read(&p.models).unwrap();
    let chosen = other_version(&p.root.join("elsewhere"));
    let info = choose_candidate(&p.store, &p.sets, &chosen, ort()).unwrap();
    assert_eq!(Path::new(&info.dir), p.sets.join(CANDIDATE_DIR_NAME));
    let change = promote(&mut p.store, &p.sets, &p.models, ort()).unwrap();
    assert_eq!(change.action, "promote");
    assert!(change.set.version.ends_with("-candidate"));
    let kept = PathBuf::from(&change.set.dir);
    assert!(kept.starts_with(&p.sets) && kept.join("manifest.json").is_file());
    assert_eq!(in_service(&p.store, &p.models).unwrap(), kept);
    assert!(
        !p.sets.join(CANDIDATE_DIR_NAME).exists(),
        "the chosen candidate is consumed"
    );
    let replaced = change.replaced.clone().unwrap();
    assert_eq!(
        (replaced.version.as_str(), replaced.sha256.as_str()),
        (original.version.as_str(), original.sha256.as_str())
    );
    assert!(
        Path::new(&replaced.dir).starts_with(&p.sets),
        "the set it replaced is kept"
    );
    // The models folder itself is untouched.
    assert_eq!(
        ModelSetInfo::read(&p.models).unwrap().sha256,
        original.sha256
    );

    let back = rollback(&mut p.store, &p.models, ort()).unwrap();
    assert_eq!(back.set.sha256, original.sha256);
    assert_eq!(
        in_service(&p.store, &p.models).unwrap(),
        PathBuf::from(&replaced.dir)
    );
    let err = rollback(&mut p.store, &p.models, ort()).unwrap_err();
    assert!(matches!(err, ModelSetError::NoPrevious { .. }), "{err}");

    let h = history(&p.store).unwrap();
    let actions: Vec<&str> = h.changes.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(actions, ["promote", "rollback"]);
    assert_eq!(
        h.changes[1].replaced.as_ref().unwrap().sha256,
        change.set.sha256
    );
    let journal: i64 = p
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM operations WHERE kind = 'model_set_change'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        journal, 6,
        "candidate, promote and rollback, refused ones included"
    );
}

#[test]
fn the_kept_sets_folder_is_written_in_full() {
    let dir = sets_dir(Path::new("c.db"));
    assert!(dir.is_absolute(), "{}", dir.display());
    assert!(dir.ends_with(SETS_DIR_NAME));
}

#[test]
fn the_history_groups_consecutive_runs_of_one_set_into_periods() {
    let store = Store::open_in_memory().unwrap();
    store
        .conn()
        .execute_batch(
            "INSERT INTO runs (id, trigger, started_at, ended_at, duration_ms, status, model_version, model_sha) VALUES
                (1, 'cli', 86400, 0, 0, 'succeeded', '1.0', NULL),
                (2, 'cli', 172800, 0, 0, 'succeeded', '1.0', 'aaa'),
                (3, 'cli', 259200, 0, 0, 'failed', NULL, NULL),
                (4, 'cli', 345600, 0, 0, 'succeeded', '1.0', 'aaa'),
                (5, 'cli', 432000, 0, 0, 'succeeded', '2.0', 'bbb'),
                (6, 'cli', 518400, 0, 0, 'succeeded', '1.0', 'aaa');",
        )
        .unwrap();
    let h = history(&store).unwrap();
    let got: Vec<(&str, Option<&str>, &str, &str, i64)> = h
        .periods
        .iter()
        .map(|p| {
            (
                p.version.as_str(),
                p.sha256.as_deref(),
                p.from.as_str(),
                p.to.as_str(),
                p.runs,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "1.0",
                None,
                "1970-01-02T00:00:00Z",
                "1970-01-02T00:00:00Z",
                1
            ),
            (
                "1.0",
                Some("aaa"),
                "1970-01-03T00:00:00Z",
                "1970-01-05T00:00:00Z",
                2
            ),
            (
                "2.0",
                Some("bbb"),
                "1970-01-06T00:00:00Z",
                "1970-01-06T00:00:00Z",
                1
            ),
            (
                "1.0",
                Some("aaa"),
                "1970-01-07T00:00:00Z",
                "1970-01-07T00:00:00Z",
                1
            ),
        ]
    );
}
