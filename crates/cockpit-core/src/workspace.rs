//! The workspace of a database: everything the cockpit keeps beside it, derived in one place.
//!
//! A database `…/park/cockpit.db` has its folder, `…/park/`, and in it:
//!
//! | path | field | what |
//! |---|---|---|
//! | `inbox/` | [`Workspace::inbox`] | CSV files dropped here are ingested, then the fleet is rescored |
//! | `demo/` | [`Workspace::demo`] | where the demo park's simulated CSV files are written |
//! | `logs/` | [`Workspace::logs`] | the JSON-lines log files |
//! | `cockpit.db.scoring.lock` | [`Workspace::lock`] | the single-flight lock of the scoring runs |
//!
//! plus `model-sets/` ([`Workspace::model_sets`]: the model sets the cockpit keeps, promoted or
//! chosen as candidate, see [`crate::modelsets`]) and the models folder ([`Workspace::models`]). The command line and the desktop app
//! both start from a [`Workspace`], so `cockpit --db X watch` and the app over `X` watch the same
//! inbox and write the same logs. The workspace also loads the models
//! ([`Workspace::load_models`]) and prepares the demo park ([`Workspace::prepare_demo`]: simulate,
//! ingest, backfill the daily runs, score), the same way for `cockpit demo` and the app's first
//! launch.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::clock::now;
use crate::config;
use crate::demo::{self, DemoError, DemoReport};
use crate::model::{ModelError, ModelSet, OrtRuntime};
use crate::modelsets::{self, ModelSetError};
use crate::risk::RiskPolicy;
use crate::runs::queries::{self, QueryError};
use crate::runs::{self, RunError, RunRecord, RunRequest, ShadowSet, Trigger};
use crate::store::{self, Store, StoreError};

/// Name of the inbox folder beside the database.
pub const INBOX_DIR_NAME: &str = "inbox";
/// Name of the demo files folder beside the database.
pub const DEMO_DIR_NAME: &str = "demo";
/// Name of the log folder beside the database.
pub const LOG_DIR_NAME: &str = "logs";

/// Errors of the workspace: each wraps the error of the module that failed, with its message.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No default database, or the database cannot be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The demo park cannot be simulated or ingested.
    #[error(transparent)]
    Demo(#[from] DemoError),
    /// The models (or ONNX Runtime) cannot be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A scoring run (backfill or the final run) failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The run journal cannot be read.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The record of the model sets cannot be read.
    #[error(transparent)]
    ModelSet(#[from] ModelSetError),
}

/// The paths of a database's workspace. Derive it with [`Workspace::for_db`] (or
/// [`Workspace::resolve`] for the default database); every path is a plain field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    /// The SQLite database.
    pub db: PathBuf,
    /// The database's folder (`.` for a bare file name).
    pub data_dir: PathBuf,
    /// CSV files dropped here are ingested, then the fleet is rescored.
    pub inbox: PathBuf,
    /// Where the demo park's CSV files are written.
    pub demo: PathBuf,
    /// The log files' folder.
    pub logs: PathBuf,
    /// The scoring runs' lock file (`<db>.scoring.lock`).
    pub lock: PathBuf,
    /// The models folder ([`config::models_dir`]: `COCKPIT_MODELS`, else the installed
    /// models; change it with [`Workspace::with_models`]). It serves until a set is promoted
    /// ([`Workspace::models_in_service`]).
    pub models: PathBuf,
    /// The model sets the cockpit keeps (`model-sets/`): promoted ones, the one they replaced,
    /// the chosen candidate.
    pub model_sets: PathBuf,
}

/// What [`Workspace::prepare_demo`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoMode {
    /// Simulate, ingest, backfill and score every time (`cockpit demo`; ingesting the same park
    /// again only finds duplicates).
    Always,
    /// Only what is missing (the app's first launch): simulate and ingest when the database has
    /// no turbine; backfill and score when it has readings but no run yet. A preparation that
    /// was stopped (the app killed or closed during the first launch) is finished: the step it
    /// stopped in is redone ([`DEMO_STATE_SETTING`]).
    IfMissing,
}

/// A step of the demo park's preparation, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoStep {
    /// Simulating and ingesting the park.
    Simulating,
    /// Loading the models, backfilling the daily runs and scoring.
    Scoring,
}

impl DemoStep {
    /// The step's name (`simulating`, `scoring`).
    pub fn as_str(self) -> &'static str {
        match self {
            DemoStep::Simulating => "simulating",
            DemoStep::Scoring => "scoring",
        }
    }
}

/// The setting (`settings` table) that says how far the demo park's preparation got:
/// `started@<unix time>` while it is simulated and ingested (the time the park ends at, so a
/// resumed preparation simulates the very same park and only adds what is missing), `ingested`
/// while it is backfilled and scored, `complete` once the last run is committed. A database
/// without it is one the demo was never prepared in (or an older one): the rule of
/// [`DemoMode::IfMissing`] alone applies.
pub const DEMO_STATE_SETTING: &str = "demo_state";

/// How far the demo park's preparation got, as [`DEMO_STATE_SETTING`] records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DemoState {
    /// Simulating and ingesting the park that ends at this Unix time.
    Started(i64),
    /// Ingested; backfilling and scoring.
    Ingested,
    /// Every step done.
    Complete,
}

impl DemoState {
    fn read(store: &Store) -> Result<Option<DemoState>, StoreError> {
        Ok(store
            .setting(DEMO_STATE_SETTING)?
            .and_then(|v| match v.as_str() {
                "ingested" => Some(DemoState::Ingested),
                "complete" => Some(DemoState::Complete),
                other => other
                    .strip_prefix("started@")
                    .and_then(|t| t.parse().ok())
                    .map(DemoState::Started),
            }))
    }

    fn write(self, store: &Store) -> Result<(), StoreError> {
        let value = match self {
            DemoState::Started(t) => format!("started@{t}"),
            DemoState::Ingested => "ingested".into(),
            DemoState::Complete => "complete".into(),
        };
        store.set_setting(DEMO_STATE_SETTING, &value)
    }
}

/// What [`Workspace::prepare_demo`] did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoPrepared {
    /// The simulation and ingestion, when they ran.
    pub demo: Option<DemoReport>,
    /// Daily runs backfilled (0 when scoring did not run).
    pub backfilled_runs: usize,
    /// The final run, when scoring ran.
    pub run: Option<RunRecord>,
}

impl Workspace {
    /// The workspace of the database `db`: its folder holds the inbox, the demo files and the
    /// logs. The models are the default ones. A field pack (`.cockpitpack`) is one file that
    /// travels: its logs go to the OS data folder's `logs/` rather than beside it.
    pub fn for_db(db: &Path) -> Workspace {
        let data_dir = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let is_pack = db
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(crate::pack::EXTENSION));
        // (the same test as `is_pack_file`, before the workspace exists)
        let logs = match store::default_data_dir() {
            Ok(d) if is_pack => d.join(LOG_DIR_NAME),
            _ => data_dir.join(LOG_DIR_NAME),
        };
        Workspace {
            db: db.to_path_buf(),
            inbox: data_dir.join(INBOX_DIR_NAME),
            demo: data_dir.join(DEMO_DIR_NAME),
            logs,
            lock: crate::runs::lock_path(db),
            models: config::models_dir(None),
            model_sets: modelsets::sets_dir(db),
            data_dir,
        }
    }

    /// The workspace of `db`, else of the default database (`<OS data dir>/energitech-cockpit/
    /// cockpit.db`).
    pub fn resolve(db: Option<&Path>) -> Result<Workspace, WorkspaceError> {
        Ok(match db {
            Some(db) => Workspace::for_db(db),
            None => Workspace::for_db(&store::default_db_path()?),
        })
    }

    /// The same workspace with the models folder `explicit` (else the default, as
    /// [`config::models_dir`] resolves it).
    pub fn with_models(mut self, explicit: Option<&Path>) -> Workspace {
        self.models = config::models_dir(explicit);
        self
    }

    /// The same workspace with the demo files written to `dir`.
    pub fn with_demo_dir(mut self, dir: &Path) -> Workspace {
        self.demo = dir.to_path_buf();
        self
    }

    /// Whether the database's file name is a field pack's (`.cockpitpack`).
    pub fn is_pack_file(&self) -> bool {
        self.db
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(crate::pack::EXTENSION))
    }

    /// Opens (creating and migrating if needed) the database.
    pub fn open_store(&self) -> Result<Store, StoreError> {
        Store::open(&self.db)
    }

    /// The folder of the model set in service: the set the latest promotion or rollback put in
    /// service, else [`Workspace::models`].
    pub fn models_in_service(&self) -> Result<PathBuf, WorkspaceError> {
        Ok(modelsets::in_service(&self.open_store()?, &self.models)?)
    }

    /// [`Workspace::models_in_service`] for reports (health, diagnostics): never creates the
    /// database, and falls back to the models folder when it is missing or cannot be read.
    pub fn models_shown(&self) -> PathBuf {
        if !self.db.is_file() {
            return self.models.clone();
        }
        self.models_in_service()
            .unwrap_or_else(|_| self.models.clone())
    }

    /// Loads and verifies the model set in service ([`Workspace::models_in_service`]) for
    /// scoring (ONNX Runtime is loaded on first use).
    pub fn load_models(&self) -> Result<ModelSet, WorkspaceError> {
        let dir = self.models_in_service()?;
        Ok(ModelSet::load_for_scoring(&dir, OrtRuntime::init(None)?)?)
    }

    /// The candidate model set to score in shadow beside `served`, checked; `None` when there
    /// is none (or it is the set in service).
    pub fn shadow_candidate(&self, served: &ModelSet) -> Option<ShadowSet> {
        let ort = OrtRuntime::init(None).ok()?;
        modelsets::shadow_candidate(&self.model_sets, &self.models, served, ort)
    }

    /// Prepares the demo park in `store` (the workspace's database): simulates it into
    /// [`Workspace::demo`] and ingests it, loads the models, backfills
    /// [`demo::BACKFILL_DAYS`] days of daily runs and scores the fleet now under `trigger`.
    /// `mode` says whether to do it all or only what is missing; `on_step` hears each step as
    /// it starts. Models that cannot be loaded fail with [`WorkspaceError::Model`] after the
    /// park is ingested (the data stay; scoring can run later).
    pub fn prepare_demo(
        &self,
        store: &mut Store,
        policy: &RiskPolicy,
        mode: DemoMode,
        trigger: Trigger,
        mut on_step: impl FnMut(DemoStep),
    ) -> Result<DemoPrepared, WorkspaceError> {
        let mut prepared = DemoPrepared {
            demo: None,
            backfilled_runs: 0,
            run: None,
        };
        let state = DemoState::read(store)?;
        let simulate_at = match (mode, state) {
            (DemoMode::Always, _) => Some(now()),
            // Stopped while simulating or ingesting: the same park again (ingestion keeps
            // what is already stored and adds the rest).
            (DemoMode::IfMissing, Some(DemoState::Started(at))) => Some(at),
            (DemoMode::IfMissing, Some(_)) => None,
            (DemoMode::IfMissing, None) => (!has_row(store, "turbines")?).then(now),
        };
        if let Some(at) = simulate_at {
            let t = Instant::now();
            on_step(DemoStep::Simulating);
            DemoState::Started(at).write(store)?;
            prepared.demo = Some(demo::run_demo(store, &self.demo, at)?);
            DemoState::Ingested.write(store)?;
            tracing::info!(
                duration_ms = t.elapsed().as_millis() as u64,
                dir = %self.demo.display(),
                resumed = state.is_some() && mode == DemoMode::IfMissing,
                "demo park simulated and ingested"
            );
        }
        let score = match mode {
            DemoMode::Always => true,
            DemoMode::IfMissing => match DemoState::read(store)? {
                // Stopped while backfilling or scoring: the backfill adds the missing days.
                Some(DemoState::Ingested) => true,
                Some(_) => false,
                None => queries::latest_run(store)?.is_none() && has_row(store, "readings")?,
            },
        };
        if score {
            let t = Instant::now();
            on_step(DemoStep::Scoring);
            let mut models = self.load_models()?;
            prepared.backfilled_runs =
                runs::backfill_daily(store, &mut models, policy, demo::BACKFILL_DAYS)?;
            prepared.run = Some(runs::score(
                store,
                &mut models,
                policy,
                RunRequest {
                    trigger,
                    at: None,
                    scheduled_for: None,
                },
            )?);
            DemoState::Complete.write(store)?;
            tracing::info!(
                duration_ms = t.elapsed().as_millis() as u64,
                days = demo::BACKFILL_DAYS,
                backfilled_runs = prepared.backfilled_runs,
                "demo park backfilled and scored"
            );
        }
        Ok(prepared)
    }
}

/// Whether a table has a row (EXISTS, not a count: counting every reading of a large fleet
/// takes a while).
fn has_row(store: &Store, table: &str) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
    Ok(store.conn().query_row(&sql, [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sit_beside_the_database() {
        let ws = Workspace::for_db(Path::new("/data/park/cockpit.db"));
        assert_eq!(ws.data_dir, Path::new("/data/park"));
        assert_eq!(ws.inbox, Path::new("/data/park/inbox"));
        assert_eq!(ws.demo, Path::new("/data/park/demo"));
        assert_eq!(ws.logs, Path::new("/data/park/logs"));
        assert_eq!(ws.lock, Path::new("/data/park/cockpit.db.scoring.lock"));
        assert_eq!(ws.db, Path::new("/data/park/cockpit.db"));
    }

    #[test]
    fn a_bare_file_name_lives_in_the_current_folder() {
        let ws = Workspace::for_db(Path::new("c.db"));
        assert_eq!(ws.data_dir, Path::new("."));
        assert_eq!(ws.inbox, Path::new("./inbox"));
        assert_eq!(ws.logs, Path::new("./logs"));
        assert_eq!(ws.lock, Path::new("c.db.scoring.lock"));
    }

    #[test]
    fn models_and_demo_folders_can_be_chosen() {
        let ws = Workspace::for_db(Path::new("/d/c.db"))
            .with_models(Some(Path::new("/m")))
            .with_demo_dir(Path::new("/out"));
        assert_eq!(ws.models, Path::new("/m"));
        assert_eq!(ws.demo, Path::new("/out"));
        assert_eq!(ws.inbox, Path::new("/d/inbox"));
    }

    #[test]
    fn resolve_prefers_the_given_database() {
        let ws = Workspace::resolve(Some(Path::new("/x/y.db"))).unwrap();
        assert_eq!(ws, Workspace::for_db(Path::new("/x/y.db")));
    }

    #[test]
    fn the_lock_is_the_one_scoring_runs_take() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::for_db(&dir.path().join("c.db"));
        let store = ws.open_store().unwrap();
        let _lock = runs::RunLock::acquire(&store).unwrap();
        assert!(ws.lock.is_file(), "{}", ws.lock.display());
    }

    #[test]
    fn missing_models_fail_after_the_park_is_ingested() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::for_db(&dir.path().join("c.db"))
            .with_models(Some(&dir.path().join("no-models")));
        let mut store = ws.open_store().unwrap();
        let mut steps = Vec::new();
        let err = ws
            .prepare_demo(
                &mut store,
                &RiskPolicy::default(),
                DemoMode::IfMissing,
                Trigger::Backfill,
                |s| steps.push(s.as_str()),
            )
            .unwrap_err();
        assert!(matches!(err, WorkspaceError::Model(_)), "{err}");
        assert_eq!(steps, ["simulating", "scoring"]);
        assert!(ws.demo.join("scada.csv").is_file());
        assert!(has_row(&store, "readings").unwrap());
        // Nothing is missing but the run: a second call goes straight to scoring.
        steps.clear();
        let _ = ws.prepare_demo(
            &mut store,
            &RiskPolicy::default(),
            DemoMode::IfMissing,
            Trigger::Backfill,
            |s| steps.push(s.as_str()),
        );
        assert_eq!(steps, ["scoring"]);
    }

    /// The first launch killed at two points: after the registry was stored (before any
    /// reading), then, on the next launch, with no models and after 5 of the 30 backfilled days.
    /// Each next launch finishes what was left; then there is nothing left to do.
    #[test]
    fn a_first_launch_stopped_midway_is_finished_on_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let no_models = Workspace::for_db(&dir.path().join("c.db"))
            .with_models(Some(&dir.path().join("no-models")));
        let mut store = no_models.open_store().unwrap();
        let policy = RiskPolicy::default();
        // Killed during ingestion: the park simulated, its registry stored, no reading yet
        // (the readings of a complete ingestion removed).
        let at = now();
        demo::run_demo(&mut store, &no_models.demo, at).unwrap();
        store.conn().execute("DELETE FROM readings", []).unwrap();
        store
            .set_setting(DEMO_STATE_SETTING, &format!("started@{at}"))
            .unwrap();
        let park = demo::DemoPark::builtin().unwrap();
        assert!(has_row(&store, "turbines").unwrap() && !has_row(&store, "readings").unwrap());

        let mut steps = Vec::new();
        let err = no_models
            .prepare_demo(
                &mut store,
                &policy,
                DemoMode::IfMissing,
                Trigger::Backfill,
                |s| steps.push(s.as_str()),
            )
            .unwrap_err();
        assert!(matches!(err, WorkspaceError::Model(_)), "{err}");
        assert_eq!(steps, ["simulating", "scoring"], "the ingestion is redone");
        let fed: i64 = store
            .conn()
            .query_row("SELECT COUNT(DISTINCT turbine) FROM readings", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            fed as usize, park.turbines,
            "every turbine has its readings"
        );

        // Killed during the backfill: 5 of the 30 days scored, no final run.
        let ws = no_models.with_models(Some(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"),
        ));
        let mut models = ws.load_models().unwrap();
        assert_eq!(
            runs::backfill_daily(&mut store, &mut models, &policy, 5).unwrap(),
            5
        );
        steps.clear();
        let prepared = ws
            .prepare_demo(
                &mut store,
                &policy,
                DemoMode::IfMissing,
                Trigger::Backfill,
                |s| steps.push(s.as_str()),
            )
            .unwrap();
        assert_eq!(steps, ["scoring"]);
        assert_eq!(prepared.backfilled_runs as i64, demo::BACKFILL_DAYS - 5);
        assert!(prepared.run.is_some(), "the fleet is scored now");
        assert_eq!(
            store.setting(DEMO_STATE_SETTING).unwrap().as_deref(),
            Some("complete")
        );

        // Complete: a later launch does nothing.
        steps.clear();
        let again = ws
            .prepare_demo(
                &mut store,
                &policy,
                DemoMode::IfMissing,
                Trigger::Backfill,
                |s| steps.push(s.as_str()),
            )
            .unwrap();
        assert!(steps.is_empty() && again.run.is_none(), "{steps:?}");
    }
}
