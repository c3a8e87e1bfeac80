//! What the running app holds: where its data is, whether it is ready, the running service
//! (daily timer, inbox and models watchers) and a read connection for the views.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};

use cockpit_core::risk::RiskPolicy;
use cockpit_core::service::Service;
use cockpit_core::store::{self, Store};
use cockpit_core::workspace::Workspace;
use serde::Serialize;

use crate::error::ApiError;
use cockpit_core::errors::ErrorCode;

/// Environment variable that points the app at another database (tests, a second park).
pub const DB_ENV: &str = "COCKPIT_DB";

/// The field pack named on the command line (`energitech-cockpit FILE.cockpitpack`, as the
/// file association and "Open field pack…" start the app), if any.
pub fn pack_argument(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<PathBuf> {
    args.into_iter().skip(1).map(PathBuf::from).find(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(cockpit_core::pack::EXTENSION))
    })
}

/// The app's [`Workspace`]: the field pack named on the command line, else the database given
/// by `COCKPIT_DB`, else the OS data directory's; its folder holds the inbox, the demo files
/// and the logs (a pack's logs go to the OS data directory's).
pub fn resolve_workspace() -> Result<Workspace, ApiError> {
    let db = match (
        pack_argument(std::env::args_os()),
        std::env::var_os(DB_ENV).filter(|v| !v.is_empty()),
    ) {
        (Some(p), _) => std::path::absolute(&p).unwrap_or(p),
        (None, Some(p)) => {
            std::path::absolute(PathBuf::from(&p)).unwrap_or_else(|_| PathBuf::from(p))
        }
        (None, None) => store::default_db_path()?,
    };
    Ok(Workspace::for_db(&db))
}

/// Where the app is in its start-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Opening the database and starting the triggers.
    Starting,
    /// First launch: simulating, ingesting and scoring the demo park.
    PreparingDemo { step: String },
    /// Views and commands are available.
    Ready,
    /// Start-up failed: the views cannot work (e.g. the database cannot be opened).
    Failed { code: String, message: String },
}

/// The state shared by every command.
pub struct AppState {
    /// Where the app keeps its things (database, inbox, demo files, logs, models).
    pub workspace: Workspace,
    phase: Mutex<Phase>,
    /// The running service; `None` until start-up finished (or in tests). Held for the whole of
    /// a "score now" (the service is not `Sync`: its folder watchers are not).
    service: Mutex<Option<Service>>,
    /// Read connection of the views, opened on first use.
    reader: Mutex<Option<Store>>,
    /// Connection that records the commands' timings in the operations journal, opened on first
    /// use: a write waits while a run holds the database's write lock, and must not hold the
    /// views' reader meanwhile (a catch-up run at launch would delay the first fleet by its
    /// whole length).
    journal: Mutex<Option<Store>>,
    /// A "score now" is in progress in this app.
    pub scoring: AtomicBool,
    /// An "Import files…" is in progress in this app.
    pub importing: AtomicBool,
    /// The risk policy in force, set once at start-up (the one the service scores with).
    policy: OnceLock<RiskPolicy>,
}

impl AppState {
    pub fn new(workspace: Workspace) -> AppState {
        AppState {
            workspace,
            phase: Mutex::new(Phase::Starting),
            service: Mutex::new(None),
            reader: Mutex::new(None),
            journal: Mutex::new(None),
            scoring: AtomicBool::new(false),
            importing: AtomicBool::new(false),
            policy: OnceLock::new(),
        }
    }

    /// A state that is ready at once, over an existing database (tests).
    pub fn ready(workspace: Workspace) -> AppState {
        let s = AppState::new(workspace);
        s.set_phase(Phase::Ready);
        s
    }

    pub fn phase(&self) -> Phase {
        lock(&self.phase).clone()
    }

    pub fn set_phase(&self, phase: Phase) {
        *lock(&self.phase) = phase;
    }

    /// Fails with `preparing` (or the start-up error) unless the app is ready.
    pub fn ensure_ready(&self) -> Result<(), ApiError> {
        match self.phase() {
            Phase::Ready => Ok(()),
            Phase::Failed { code, message } => Err(ApiError::new(
                match code.as_str() {
                    "demo" => ErrorCode::Demo,
                    "models" => ErrorCode::Models,
                    _ => ErrorCode::Startup,
                },
                message,
            )),
            Phase::Starting | Phase::PreparingDemo { .. } => Err(ApiError::preparing()),
        }
    }

    /// Runs `f` with the read connection (opened on first use; reopened after an error).
    pub fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, ApiError>) -> Result<T, ApiError> {
        self.ensure_ready()?;
        let mut guard = lock(&self.reader);
        if guard.is_none() {
            *guard = Some(Store::open(&self.workspace.db)?);
        }
        let store = guard
            .as_ref()
            .ok_or_else(|| ApiError::internal("no database connection"))?;
        let result = f(store);
        if matches!(&result, Err(e) if e.code == ErrorCode::Database) {
            *guard = None;
        }
        result
    }

    /// Runs `f` with the journal's connection (see [`AppState::read`]), never the views' one.
    pub fn write_journal(&self, f: impl FnOnce(&Store)) -> Result<(), ApiError> {
        self.ensure_ready()?;
        let mut guard = lock(&self.journal);
        if guard.is_none() {
            *guard = Some(Store::open(&self.workspace.db)?);
        }
        if let Some(store) = guard.as_ref() {
            f(store);
        }
        Ok(())
    }

    /// Runs `f` with the running service (waits for a run in progress); `None` if not started.
    pub fn with_service<T>(&self, f: impl FnOnce(&Service) -> T) -> Option<T> {
        lock(&self.service).as_ref().map(f)
    }

    /// Like [`AppState::with_service`] but gives up at once when a run holds the service.
    pub fn try_with_service<T>(&self, f: impl FnOnce(&Service) -> T) -> Option<T> {
        let guard = match self.service.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        guard.as_ref().map(f)
    }

    /// Whether a run of this app is scoring or waiting to: "Score now", or the service's
    /// catch-up, timer or inbox run.
    pub fn run_in_progress(&self) -> bool {
        self.scoring.load(std::sync::atomic::Ordering::SeqCst)
            || self
                .try_with_service(|s| s.run_in_progress())
                .unwrap_or(false)
    }

    /// Records the risk policy in force (start-up; later calls keep the first).
    pub fn set_policy(&self, policy: RiskPolicy) {
        let _ = self.policy.set(policy);
    }

    /// The risk policy in force: the one loaded at start-up, or the built-in one before that
    /// (tests start ready without a start-up).
    pub fn policy(&self) -> RiskPolicy {
        self.policy.get().copied().unwrap_or_default()
    }

    /// Installs the started service.
    pub fn set_service(&self, service: Service) {
        *lock(&self.service) = Some(service);
    }

    /// Takes the service out (at exit; waits for a run in progress).
    pub fn take_service(&self) -> Option<Service> {
        lock(&self.service).take()
    }
}

/// Locks a mutex, going on after a panic in another holder (the data are still consistent:
/// every holder only replaces whole values).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
