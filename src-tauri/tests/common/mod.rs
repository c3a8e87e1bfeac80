//! What the IPC test files share: a small simulated park in a fresh database, fabricated runs
//! (the real models are not needed to test the shell), the app built on Tauri's mock runtime
//! with its real capabilities, and a command call through IPC.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use cockpit_core::ingest;
use cockpit_core::mapping::Mapping;
use cockpit_core::runs::{self, RunRequest, Trigger, TurbineOutcome};
use cockpit_core::sim::{self, SimConfig};
use cockpit_core::store::Store;
use cockpit_core::workspace::Workspace;
use energitech_cockpit::state::AppState;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

pub const DAY: i64 = 86_400;
/// 2026-01-01.
pub const START: i64 = 1_767_225_600;

/// 4 simulated turbines with 10 days of data from `START`, ingested into `db`; returns the store
/// and the turbines' (id, key), sorted by id.
pub fn simulated_park(db: &Path) -> (Store, Vec<(String, i64)>) {
    let dir = db.parent().unwrap().join("sim");
    let summary = sim::simulate(&SimConfig::new(4, 10, 7, START), &dir).unwrap();
    let mut store = Store::open(db).unwrap();
    let report = ingest::ingest_files(&mut store, &summary.files, &Mapping::canonical());
    assert!(report.failed.is_empty());
    let mut keys: Vec<(String, i64)> = store.turbine_keys().unwrap().into_iter().collect();
    keys.sort();
    (store, keys)
}

/// Commits a backfill run as of `at` with these outcomes.
pub fn commit_backfill(store: &mut Store, at: i64, outcomes: &[TurbineOutcome]) {
    let req = RunRequest {
        trigger: Trigger::Backfill,
        at: Some(at),
        scheduled_for: None,
    };
    runs::commit_run(store, &req, at, Instant::now(), at, "test-1", outcomes).unwrap();
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

impl Fixture {
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("cockpit.db")
    }
}

/// The app over a database `build_db` fills, in the state `state` makes of its paths.
pub fn app(build_db: fn(&Path), state: impl FnOnce(Workspace) -> AppState) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    build_db(&db);
    let app = energitech_cockpit::builder(mock_builder())
        .build(tauri::generate_context!())
        .unwrap();
    app.manage(state(Workspace::for_db(&db)));
    // "main": the window the capabilities grant the commands to.
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Fixture { dir, app, window }
}

/// Invokes a command as the UI does; `Err` carries the `{code, message, summary_en, summary_fr}`
/// the UI would get.
pub fn call(f: &Fixture, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &f.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

/// One run at `at` that ranks the park's first turbine `first` (category, risk score) and the
/// others low (10): an open alert on the first when `first` is high or critical.
pub fn score_first(
    store: &mut Store,
    keys: &[(String, i64)],
    at: i64,
    first: (cockpit_core::risk::Category, f64),
) {
    use cockpit_core::risk::Category;
    let outcomes: Vec<TurbineOutcome> = keys
        .iter()
        .enumerate()
        .map(|(i, (id, key))| {
            let (c, s) = if i == 0 { first } else { (Category::Low, 10.0) };
            TurbineOutcome {
                turbine_key: *key,
                turbine_id: id.clone(),
                scored: true,
                reason: None,
                p_fail_7d: Some(s / 100.0),
                ttf: None,
                risk_score: Some(s),
                category: Some(c),
                drivers: Vec::new(),
                model_reactions: Vec::new(),
                last_record: Some(at),
                data_quality: Default::default(),
                features: vec![0.0; cockpit_core::features::N_FEATURES],
            }
        })
        .collect();
    commit_backfill(store, at, &outcomes);
}
