//! The running cockpit: the models in service (swapped in when a new valid set lands in the
//! models folder, or when a set is promoted or rolled back — [`crate::modelsets`]), a candidate
//! set scored in shadow on every run, and the triggers wired to scoring — the daily run with catch-up, the inbox
//! whose CSV files are ingested then rescored. The desktop app and `cockpit watch` both run one.
//!
//! Every callback opens its own database connection; scoring runs stay single-flight through the
//! run lock, and a timer run or an inbox rescore that meets a run in progress (of this or another
//! process) waits for it, retrying with backoff, instead of being lost. Each daily slot is claimed
//! in the database before it is run, so that the app and `cockpit watch` on one database run it
//! once. Stopping the service interrupts those waits.
//!
//! One owner of the timer ([`crate::background`]): a service that runs the timer writes a
//! heartbeat in the database at start and every minute when it owns the timer, or stands by
//! when another process does (the background service wins over the app; a silent owner is
//! replaced after three minutes). The owner also takes the inbox: a service that stands by
//! stops its inbox watcher, so one process files each dropped file.
//! A timer or inbox run that raised turbines to high or critical is told through the
//! [`Notifier`] the service was started with ([`crate::notifications`]): each process notifies
//! for its own runs, so the app and `cockpit watch` never notify twice for one run.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::background::{self, Decision, Me, OwnerKind};
use crate::clock::now;
use crate::ingest;
use crate::mapping::Mapping;
use crate::model::{ModelError, ModelSet, OrtRuntime};
use crate::modelsets;
use crate::notifications::{self, Delivery, Notifier};
use crate::risk::RiskPolicy;
use crate::runs::{self, RunError, RunRecord, RunRequest, Trigger};
use crate::schema::FileKind;
use crate::store::{Store, StoreError};
use crate::triggers::{DailySchedule, DailyTimer, InboxWatcher, ModelsWatcher, TriggerError};

/// Settings key of the daily schedule.
pub const SCHEDULE_KEY: &str = "schedule";
/// How long a timer run or a rescore waits for a run in progress before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(600);
/// First wait before trying again when the run lock is held; doubled after each try.
const LOCK_BACKOFF_FIRST: Duration = Duration::from_secs(1);
/// Longest wait between two tries.
const LOCK_BACKOFF_MAX: Duration = Duration::from_secs(30);
/// A slot claimed this long ago by a timer that recorded no run for it (the process died) may be
/// claimed again.
const SLOT_CLAIM_EXPIRY: i64 = 3600;

/// Errors of the service.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The database could not be opened or queried.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The models could not be loaded or run.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A fleet run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A trigger (daily timer, inbox or models watcher) could not be started.
    #[error(transparent)]
    Trigger(#[from] TriggerError),
    /// No model set is loaded, so nothing can be scored; holds why loading failed.
    #[error("the models are not loaded: {0}")]
    NoModels(String),
}

/// Something the service did, for the console or the app's status line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ServiceEvent"))]
pub struct Event {
    /// When it happened (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub at: String,
    /// What it concerns: `"models"`, `"run"` (a run finished or failed), `"run_started"` (a
    /// timer or inbox run begins: the views show the last run as "updating…" until the `"run"`
    /// event), `"ingest"`, `"owner"` (this process takes the daily timer and the inbox, or
    /// stands by because another one holds them) or `"notification"` (a run's notification
    /// shown, or why it could not be).
    pub kind: &'static str,
    /// Whether it succeeded.
    pub ok: bool,
    /// Human-readable summary (may contain local paths).
    pub message: String,
}

type Listener = Arc<dyn Fn(Event) + Send + Sync>;

struct Shared {
    db: PathBuf,
    models_dir: PathBuf,
    sets_dir: PathBuf,
    models: Mutex<Result<ModelSet, String>>,
    /// What `models` holds (its version, or why none), readable while a run holds `models`:
    /// the app's views ask for it at launch, when a catch-up run may be scoring.
    status: Mutex<Result<String, String>>,
    policy: RiskPolicy,
    listener: Listener,
    stop: StopSignal,
    /// Runs of this service in progress (scoring or waiting for the run lock).
    running: AtomicUsize,
    /// Shows a timer or inbox run's notification; `None`: no notifications.
    notifier: Option<Arc<dyn Notifier>>,
    /// A notification failed since the last one shown: the next failures are not logged again.
    notify_failing: AtomicBool,
}

/// Counts a run of the service as in progress while it lives.
struct Running<'a>(&'a AtomicUsize);

impl<'a> Running<'a> {
    fn new(count: &'a AtomicUsize) -> Running<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Running(count)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Set when the service stops: interrupts the waits for the run lock.
#[derive(Default)]
struct StopSignal {
    stopped: Mutex<bool>,
    changed: Condvar,
}

impl StopSignal {
    fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.changed.notify_all();
    }

    /// Waits `d` at most; whether the service is stopping.
    fn wait(&self, d: Duration) -> bool {
        let guard = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(|p| p.into_inner());
        *guard
    }
}

impl Shared {
    fn emit(&self, kind: &'static str, ok: bool, message: String) {
        if ok {
            tracing::info!(kind, message = %crate::journal::redact(&message), "service event");
        } else {
            tracing::warn!(kind, message = %crate::journal::redact(&message), "service event");
        }
        (self.listener)(Event {
            at: crate::schema::format_timestamp(now()),
            kind,
            ok,
            message,
        });
    }
}

/// The version of `models`, or why there are none.
fn status_of(models: &Result<ModelSet, String>) -> Result<String, String> {
    match models {
        Ok(m) => Ok(m.manifest().model_version.clone()),
        Err(e) => Err(e.clone()),
    }
}

impl Shared {
    fn set_status(&self, status: Result<String, String>) {
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = status;
    }

    fn model_status(&self) -> Result<String, String> {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn load_models(dir: &Path) -> Result<ModelSet, ModelError> {
    ModelSet::load_for_scoring(dir, OrtRuntime::init(None)?)
}

/// The folder of the set in service for `db`: the latest promotion or rollback's, else the
/// models folder (also when the record cannot be read: the service keeps serving).
fn in_service_dir(db: &Path, models_dir: &Path) -> PathBuf {
    Store::open(db)
        .map_err(modelsets::ModelSetError::from)
        .and_then(|s| modelsets::in_service(&s, models_dir))
        .unwrap_or_else(|e| {
            tracing::warn!(error = %crate::journal::redact(&e.to_string()), "the model sets' record cannot be read; the models folder serves");
            models_dir.to_path_buf()
        })
}

/// Reads the persisted daily schedule (the default, 06:00 enabled, when none is stored).
pub fn schedule(store: &Store) -> Result<DailySchedule, StoreError> {
    Ok(store
        .setting(SCHEDULE_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Persists the daily schedule.
pub fn set_schedule(store: &Store, schedule: &DailySchedule) -> Result<(), StoreError> {
    let json = serde_json::to_string(schedule).unwrap_or_default();
    store.set_setting(SCHEDULE_KEY, &json)
}

/// Start time of the latest timer run (the slot it served when recorded).
pub fn last_timer_run(store: &Store) -> Result<Option<i64>, StoreError> {
    Ok(store.conn().query_row(
        "SELECT max(coalesce(scheduled_for, started_at)) FROM runs WHERE trigger = 'timer'",
        [],
        |r| r.get(0),
    )?)
}

/// Claims the daily `slot` for this process: `true` when no timer claimed it before (or its claim
/// expired without a run), in one statement, so two processes on one database cannot both get it.
pub fn claim_slot(store: &Store, slot: i64, owner: &str) -> Result<bool, StoreError> {
    let now = now();
    let changed = store.conn().execute(
        "INSERT INTO timer_slots (slot, claimed_at, owner) VALUES (?1, ?2, ?3)
         ON CONFLICT (slot) DO UPDATE SET claimed_at = excluded.claimed_at, owner = excluded.owner
         WHERE timer_slots.claimed_at < ?4
           AND NOT EXISTS (SELECT 1 FROM runs WHERE trigger = 'timer' AND scheduled_for = ?1)",
        rusqlite::params![slot, now, owner, now - SLOT_CLAIM_EXPIRY],
    )?;
    Ok(changed == 1)
}

/// Starts the inbox watcher (again), with the service's handler and settings.
type InboxStarter = Box<dyn Fn() -> Result<InboxWatcher, TriggerError> + Send + Sync>;

/// The timer's ownership as this service sees it.
struct Ownership {
    me: Me,
    /// Whether this service holds the timer (and the inbox).
    owns: AtomicBool,
    /// Whether the ownership was said once (at the first heartbeat).
    announced: AtomicBool,
    /// The inbox watcher, running only while this service owns the timer (always when the
    /// service runs no timer).
    inbox: Mutex<Option<InboxWatcher>>,
    start_inbox: Option<InboxStarter>,
}

/// The running cockpit.
pub struct Service {
    shared: Arc<Shared>,
    timer: Option<DailyTimer>,
    ownership: Arc<Ownership>,
    /// The heartbeat thread (only when the service runs the timer).
    heartbeat: Option<std::thread::JoinHandle<()>>,
    models_watch: Option<ModelsWatcher>,
}

/// What to start.
pub struct ServiceConfig {
    /// Path of the SQLite database.
    pub db: PathBuf,
    /// Folder of the ONNX models and their manifest.
    pub models_dir: PathBuf,
    /// Risk policy (tier thresholds) applied to every run.
    pub policy: RiskPolicy,
    /// Inbox folder to watch (none: no inbox).
    pub inbox: Option<PathBuf>,
    /// Mapping applied to inbox files.
    pub mapping: Mapping,
    /// Run the daily timer (when this service owns it: see [`crate::background`]).
    pub timer: bool,
    /// What this service is for the timer's ownership: the background service (`cockpit
    /// watch`), which has priority, or the app.
    pub owner: OwnerKind,
    /// Watch the models folder.
    pub watch_models: bool,
    /// How long an inbox file must stay unchanged before it is taken; `None`: the configured
    /// one ([`InboxWatcher::settle_time`]).
    pub inbox_settle: Option<Duration>,
}

impl Service {
    /// Loads the models (a failure is kept and reported, the service still starts so the problem
    /// can be fixed by dropping valid models) and starts the triggers.
    pub fn start(
        cfg: ServiceConfig,
        listener: impl Fn(Event) + Send + Sync + 'static,
    ) -> Result<Service, ServiceError> {
        Service::start_notifying(cfg, listener, None)
    }

    /// [`Service::start`], telling a timer or inbox run that raised turbines to high or
    /// critical through `notifier` (when notifications are on in the settings).
    pub fn start_notifying(
        cfg: ServiceConfig,
        listener: impl Fn(Event) + Send + Sync + 'static,
        notifier: Option<Arc<dyn Notifier>>,
    ) -> Result<Service, ServiceError> {
        // Opening once creates the database and brings its schema up to date.
        drop(Store::open(&cfg.db)?);
        let serving = in_service_dir(&cfg.db, &cfg.models_dir);
        let models = load_models(&serving).map_err(|e| e.to_string());
        let status = status_of(&models);
        let shared = Arc::new(Shared {
            db: cfg.db.clone(),
            models_dir: cfg.models_dir.clone(),
            sets_dir: modelsets::sets_dir(&cfg.db),
            models: Mutex::new(models),
            status: Mutex::new(status),
            policy: cfg.policy,
            listener: Arc::new(listener),
            stop: StopSignal::default(),
            running: AtomicUsize::new(0),
            notifier,
            notify_failing: AtomicBool::new(false),
        });
        match &*shared.models.lock().unwrap_or_else(|p| p.into_inner()) {
            Ok(m) => shared.emit(
                "models",
                true,
                format!(
                    "models {} loaded from {}",
                    m.manifest().model_version,
                    serving.display()
                ),
            ),
            Err(e) => shared.emit("models", false, e.clone()),
        }
        let start_inbox: Option<InboxStarter> = match &cfg.inbox {
            Some(inbox) => {
                let settle = match cfg.inbox_settle {
                    Some(d) => d,
                    None => InboxWatcher::settle_time(None)?,
                };
                let (s, inbox, mapping) = (shared.clone(), inbox.clone(), cfg.mapping.clone());
                Some(Box::new(move || {
                    let (s, mapping) = (s.clone(), mapping.clone());
                    let rank_mapping = mapping.clone();
                    InboxWatcher::start_ranked(
                        &inbox,
                        move |file| handle_inbox_file(&s, file, &mapping),
                        // Registries first, so the readings that follow know their turbines.
                        move |file| match ingest::file_kind(file, &rank_mapping) {
                            Ok(FileKind::Registry) => 0,
                            Ok(FileKind::Logbook) => 1,
                            Ok(FileKind::Scada) => 2,
                            Err(_) => 3,
                        },
                        settle,
                    )
                }))
            }
            None => None,
        };
        let ownership = Arc::new(Ownership {
            me: Me::this_process(cfg.owner),
            owns: AtomicBool::new(!cfg.timer),
            announced: AtomicBool::new(false),
            inbox: Mutex::new(None),
            start_inbox,
        });
        let mut service = Service {
            shared: shared.clone(),
            timer: None,
            ownership: ownership.clone(),
            heartbeat: None,
            models_watch: None,
        };
        if cfg.timer {
            // Decided before the timer's first check, so a process that stands by never fires.
            heartbeat(&shared, &ownership);
        }
        if ownership.owns.load(Ordering::SeqCst) {
            if let Some(start) = &ownership.start_inbox {
                *lock(&ownership.inbox) = Some(start()?);
            }
        }
        if cfg.timer {
            let (s1, s2, s3) = (shared.clone(), shared.clone(), shared.clone());
            let owns = ownership.clone();
            service.timer = Some(DailyTimer::start(
                move || {
                    if !owns.owns.load(Ordering::SeqCst) {
                        // Another process runs the daily timer: nothing is due here.
                        return DailySchedule {
                            enabled: false,
                            ..DailySchedule::default()
                        };
                    }
                    Store::open(&s1.db)
                        .and_then(|s| schedule(&s))
                        .unwrap_or_default()
                },
                move || {
                    Store::open(&s2.db)
                        .and_then(|s| last_timer_run(&s))
                        .ok()
                        .flatten()
                },
                move |slot| {
                    let owner = format!("pid {}", std::process::id());
                    match Store::open(&s3.db).and_then(|s| claim_slot(&s, slot, &owner)) {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::info!(
                                slot = %crate::schema::format_timestamp(slot),
                                "daily slot already claimed by another process on this database"
                            );
                            s3.emit(
                                "run",
                                true,
                                format!(
                                    "the daily run of {} is made by another cockpit on this database",
                                    crate::schema::format_timestamp(slot)
                                ),
                            );
                            return;
                        }
                        // Better a second run than none: the slot is run anyway.
                        Err(e) => tracing::warn!(
                            error = %crate::journal::redact(&e.to_string()),
                            "the daily slot could not be claimed; running it anyway"
                        ),
                    }
                    let _ = score_when_free(&s3, Trigger::Timer, Some(slot));
                },
                Duration::from_secs(30),
            ));
        }
        if cfg.timer {
            let (s, o) = (shared.clone(), ownership.clone());
            let spawned = std::thread::Builder::new()
                .name("cockpit-heartbeat".into())
                .spawn(move || {
                    while !s.stop.wait(background::HEARTBEAT_EVERY) {
                        heartbeat(&s, &o);
                    }
                });
            match spawned {
                Ok(handle) => service.heartbeat = Some(handle),
                Err(e) => tracing::warn!(error = %e, "cannot start the heartbeat thread"),
            }
        }
        if cfg.watch_models {
            let s = shared.clone();
            service.models_watch = Some(ModelsWatcher::start(
                &cfg.models_dir,
                move || {
                    let _ = reload(&s);
                },
                Duration::from_secs(2),
            )?);
        }
        Ok(service)
    }

    /// Scores the fleet now.
    pub fn score_now(&self, trigger: Trigger) -> Result<RunRecord, ServiceError> {
        score(&self.shared, trigger, None).map(|(run, _)| run)
    }

    /// Whether a run of this service (daily timer, inbox, score now) is scoring or waiting for
    /// the run lock: the views keep showing the last run, marked as being updated.
    pub fn run_in_progress(&self) -> bool {
        self.shared.running.load(Ordering::SeqCst) > 0
    }

    /// Tries to load the set in service again (the models folder, or the set promoted or rolled
    /// back to); the current models keep serving on failure.
    pub fn reload_models(&self) -> Result<String, String> {
        reload(&self.shared)
    }

    /// Version of the models in service, or why there are none; answers at once, even while a
    /// run is scoring with them.
    pub fn model_status(&self) -> Result<String, String> {
        self.shared.model_status()
    }

    /// [`Service::model_status`] for another thread (the `cockpit watch --serve` endpoint):
    /// answers as long as the service runs, `None` once it is stopped.
    pub fn model_status_probe(&self) -> impl Fn() -> Option<Result<String, String>> + Send + Sync {
        let shared = Arc::downgrade(&self.shared);
        move || shared.upgrade().map(|s| s.model_status())
    }

    /// Whether this service runs the daily timer (and the inbox) now; `false` while another
    /// process (the background service) owns it.
    pub fn owns_timer(&self) -> bool {
        self.ownership.owns.load(Ordering::SeqCst)
    }

    /// The models folder watched.
    pub fn models_dir(&self) -> &Path {
        &self.shared.models_dir
    }

    /// Stops the triggers promptly: a timer run or a rescore waiting for the run lock gives up
    /// (a run already scoring finishes first).
    pub fn stop(mut self) {
        self.shared.stop.stop();
        if let Some(t) = self.timer.take() {
            t.stop();
        }
        if let Some(w) = lock(&self.ownership.inbox).take() {
            w.stop();
        }
        if let Some(w) = self.models_watch.take() {
            w.stop();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // Before the triggers' threads are joined (fields drop after this).
        self.shared.stop.stop();
        if let Some(h) = self.heartbeat.take() {
            let _ = h.join();
            // Handed over at once rather than after three silent minutes.
            if let Err(e) = Store::open(&self.shared.db)
                .and_then(|s| background::release(&s, &self.ownership.me))
            {
                tracing::warn!(error = %crate::journal::redact(&e.to_string()), "the daily timer could not be released");
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One heartbeat: asks the database who owns the timer ([`background::beat`]), says so when it
/// changes, and starts or stops the inbox watcher to follow. A database that cannot be read
/// keeps the current state, or at start runs the timer (the slot claim still prevents a second
/// run).
fn heartbeat(shared: &Shared, own: &Ownership) {
    let beat = Store::open(&shared.db).and_then(|s| background::beat(&s, &own.me, now()));
    let (decision, holder) = match beat {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %crate::journal::redact(&e.to_string()), "heartbeat not written");
            // At start, better a timer guarded by the slot claims than none: it runs.
            if !own.announced.load(Ordering::SeqCst) {
                own.owns.store(true, Ordering::SeqCst);
            }
            return;
        }
    };
    let owns = !matches!(decision, Decision::Defer(_));
    let was = own.owns.swap(owns, Ordering::SeqCst);
    let first = !own.announced.swap(true, Ordering::SeqCst);
    if was != owns || first {
        let line = background::owner_line(Some(&holder), now(), crate::lang::Lang::En);
        let message = if owns {
            format!(
                "this cockpit (pid {}) runs the daily timer and the inbox. {line}",
                own.me.pid
            )
        } else {
            format!(
                "the daily timer and the inbox are handled by the {} (pid {} on {}): this cockpit stands by. {line}",
                match holder.kind {
                    OwnerKind::Service => "background service",
                    OwnerKind::App => "app",
                },
                holder.pid,
                holder.host
            )
        };
        shared.emit("owner", true, message);
    }
    let mut inbox = lock(&own.inbox);
    match (owns, inbox.is_some(), &own.start_inbox) {
        (true, false, Some(start)) => match start() {
            Ok(w) => *inbox = Some(w),
            Err(e) => shared.emit(
                "ingest",
                false,
                format!("the inbox could not be watched: {e}"),
            ),
        },
        (false, true, _) => {
            if let Some(w) = inbox.take() {
                w.stop();
            }
        }
        _ => {}
    }
}

/// [`score`], waiting for a run in progress (this or another process) when the run lock is held:
/// tried again after 1 s, 2 s, 4 s… (at most 30 s apart) for up to 10 minutes, or until the
/// service stops. Giving up is recorded as a failed run with the reason, so it is never lost
/// silently.
fn score_when_free(
    shared: &Shared,
    trigger: Trigger,
    slot: Option<i64>,
) -> Result<RunRecord, ServiceError> {
    let _running = Running::new(&shared.running);
    shared.emit(
        "run_started",
        true,
        format!("{} run started", trigger.as_str()),
    );
    let started = Instant::now();
    let started_at = now();
    let mut backoff = LOCK_BACKOFF_FIRST;
    let mut tries = 0u32;
    loop {
        let result = score(shared, trigger, slot);
        let Err(ServiceError::Run(RunError::InProgress { .. })) = &result else {
            let result = result.map(|(run, events)| {
                notify(shared, &run, &events);
                run
            });
            if tries > 0 {
                tracing::info!(
                    trigger = trigger.as_str(),
                    tries,
                    waited_s = started.elapsed().as_secs(),
                    "the run lock was free again"
                );
            }
            return result;
        };
        tries += 1;
        if tries == 1 {
            shared.emit(
                "run",
                true,
                format!(
                    "{} run waits: another run holds the run lock of this database; it will be tried again when it is free",
                    trigger.as_str()
                ),
            );
        }
        let remaining = LOCK_WAIT.saturating_sub(started.elapsed());
        let stopping = !remaining.is_zero() && shared.stop.wait(backoff.min(remaining));
        if stopping || started.elapsed() >= LOCK_WAIT {
            let message = format!(
                "{} run given up after waiting {} s for the run in progress (run lock held{}); the new data will be scored by the next run",
                trigger.as_str(),
                started.elapsed().as_secs(),
                if stopping { ", then the cockpit stopped" } else { "" }
            );
            if let Ok(store) = Store::open(&shared.db) {
                let req = RunRequest {
                    trigger,
                    at: None,
                    scheduled_for: slot,
                };
                let _ = runs::record_failure(&store, &req, started_at, started, None, &message);
            }
            shared.emit("run", false, message);
            return result.map(|(run, _)| run);
        }
        backoff = (backoff * 2).min(LOCK_BACKOFF_MAX);
    }
}

/// Tells a timer or inbox run's new alerts through the notifier, when there is one and
/// notifications are on; a failure is reported once (until one is shown again), never fatal.
fn notify(shared: &Shared, run: &RunRecord, events: &[crate::workflow::Event]) {
    let Some(notifier) = &shared.notifier else {
        return;
    };
    let delivery = match Store::open(&shared.db) {
        Ok(store) => notifications::deliver(&store, run, events, notifier.as_ref())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match delivery {
        Ok(Delivery::Nothing) => {}
        Ok(Delivery::Off) => {
            tracing::info!(run_id = run.id, "notifications are off; run not notified");
        }
        Ok(Delivery::Shown(n)) => {
            shared.notify_failing.store(false, Ordering::SeqCst);
            shared.emit(
                "notification",
                true,
                format!("{}: {}", n.title, n.turbines.join(", ")),
            );
        }
        Ok(Delivery::Failed(_, why)) => {
            if shared.notify_failing.swap(true, Ordering::SeqCst) {
                tracing::debug!(run_id = run.id, error = %why, "notification not shown");
            } else {
                shared.emit(
                    "notification",
                    false,
                    format!("the run's notification could not be shown ({why}); scoring goes on, and this is not reported again until a notification is shown"),
                );
            }
        }
        Err(e) => tracing::warn!(
            run_id = run.id,
            error = %crate::journal::redact(&e),
            "the run's notification could not be built"
        ),
    }
}

fn score(
    shared: &Shared,
    trigger: Trigger,
    slot: Option<i64>,
) -> Result<(RunRecord, Vec<crate::workflow::Event>), ServiceError> {
    let _running = Running::new(&shared.running);
    tracing::info!(
        trigger = trigger.as_str(),
        slot = slot
            .map(crate::schema::format_timestamp)
            .unwrap_or_default(),
        "service run requested"
    );
    let mut store = Store::open(&shared.db)?;
    let req = RunRequest {
        trigger,
        at: None,
        scheduled_for: slot,
    };
    // A set promoted or rolled back by another process (the CLI) since the last run.
    let serving = in_service_dir(&shared.db, &shared.models_dir);
    let stale = match &*shared.models.lock().unwrap_or_else(|p| p.into_inner()) {
        Ok(m) => m.dir() != serving,
        Err(_) => false,
    };
    if stale {
        let _ = reload(shared);
    }
    let mut guard = shared.models.lock().unwrap_or_else(|p| p.into_inner());
    let result = match &mut *guard {
        Ok(models) => {
            let mut shadow = OrtRuntime::init(None).ok().and_then(|ort| {
                modelsets::shadow_candidate(&shared.sets_dir, &shared.models_dir, models, ort)
            });
            runs::score_run(&mut store, models, shadow.as_mut(), &shared.policy, req)
                .map_err(ServiceError::from)
        }
        Err(e) => {
            let message = format!("the models are not loaded: {e}");
            runs::record_failure(&store, &req, now(), Instant::now(), None, &message)?;
            Err(ServiceError::NoModels(e.clone()))
        }
    };
    drop(guard);
    match &result {
        // The caller waits and says so (see `score_when_free`), or returns it to the user.
        Err(ServiceError::Run(RunError::InProgress { .. })) => {}
        Ok((r, _)) => shared.emit(
            "run",
            true,
            format!(
                "run #{} ({}) scored {} turbines in {} ms: {} critical, {} high",
                r.id, r.trigger, r.turbines, r.duration_ms, r.counts.critical, r.counts.high
            ),
        ),
        Err(e) => shared.emit(
            "run",
            false,
            format!("{} run failed: {e}", trigger.as_str()),
        ),
    }
    result
}

fn reload(shared: &Shared) -> Result<String, String> {
    let serving = in_service_dir(&shared.db, &shared.models_dir);
    match load_models(&serving) {
        Ok(m) => {
            let version = m.manifest().model_version.clone();
            *shared.models.lock().unwrap_or_else(|p| p.into_inner()) = Ok(m);
            shared.set_status(Ok(version.clone()));
            let message = format!("new models {version} swapped in from {}", serving.display());
            shared.emit("models", true, message.clone());
            Ok(message)
        }
        Err(e) => {
            let mut guard = shared.models.lock().unwrap_or_else(|p| p.into_inner());
            let message = match &*guard {
                Ok(current) => format!(
                    "the models folder was refused ({e}); models {} keep serving",
                    current.manifest().model_version
                ),
                Err(_) => {
                    *guard = Err(e.to_string());
                    shared.set_status(Err(e.to_string()));
                    format!("the models folder was refused ({e}); no models are loaded")
                }
            };
            drop(guard);
            shared.emit("models", false, message.clone());
            Err(message)
        }
    }
}

fn handle_inbox_file(shared: &Shared, file: &Path, mapping: &Mapping) -> Result<String, String> {
    let _span =
        tracing::info_span!("inbox_file", file = %crate::journal::file_name(file)).entered();
    let mut store = Store::open(&shared.db).map_err(|e| e.to_string())?;
    let report = ingest::ingest_files(&mut store, &[file.to_path_buf()], mapping);
    if let Some(f) = report.failed.first() {
        shared.emit("ingest", false, f.error.clone());
        return Err(f.error.clone());
    }
    let summary = format!(
        "{}: accepted {}, quarantined {}, duplicates {}",
        file.display(),
        report.accepted,
        report.quarantined,
        report.duplicates
    );
    shared.emit("ingest", true, summary.clone());
    drop(store);
    let retry = report
        .retry
        .as_ref()
        .map(|r| format!("; {}", r.summary(crate::lang::Lang::En)))
        .unwrap_or_default();
    if !retry.is_empty() {
        shared.emit("ingest", true, retry[2..].to_string());
    }
    let summary = format!("{summary}{retry}");
    let rescore = if report.accepted > 0 {
        match score_when_free(shared, Trigger::Watch, None) {
            Ok(r) => format!("; rescored as run #{}", r.id),
            Err(e) => format!("; rescoring failed: {e}"),
        }
    } else {
        "; nothing new, no rescoring".to_string()
    };
    Ok(format!("{summary}{rescore}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A running service scores a candidate in shadow on each run, and serves a set promoted by
    /// another process (the CLI) from its next run, without a restart.
    #[test]
    fn a_running_service_shadows_the_candidate_and_swaps_to_a_promoted_set() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let end = now().div_euclid(86_400) * 86_400;
        let files = crate::sim::simulate(
            &crate::sim::SimConfig::new(3, 9, 3, end - 9 * 86_400),
            &dir.path().join("sim"),
        )
        .unwrap()
        .files;
        let mut store = Store::open(&db).unwrap();
        let report =
            ingest::ingest_files(&mut store, &files, &crate::mapping::Mapping::canonical());
        assert!(report.failed.is_empty());
        let models = dir.path().join("models");
        crate::modelsets::tests::copy_set(&models, |_| {});
        let mut candidate_version = String::new();
        crate::modelsets::tests::copy_set(&models.join(modelsets::CANDIDATE_DIR_NAME), |v| {
            candidate_version = format!("{}-next", v["model_version"].as_str().unwrap());
            v["model_version"] = candidate_version.clone().into();
        });
        let service = Service::start(
            ServiceConfig {
                db: db.clone(),
                models_dir: models.clone(),
                policy: RiskPolicy::default(),
                inbox: None,
                mapping: crate::mapping::Mapping::canonical(),
                timer: false,
                owner: OwnerKind::App,
                watch_models: false,
                inbox_settle: None,
            },
            |_| {},
        )
        .unwrap();
        let served = service.model_status().unwrap();
        let first = service.score_now(Trigger::Manual).unwrap();
        assert_eq!(first.model_version.as_deref(), Some(served.as_str()));
        let shadowed: Option<String> = store
            .conn()
            .query_row(
                "SELECT model_version FROM shadow_runs WHERE run = ?1 AND skipped IS NULL",
                [first.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(shadowed.as_deref(), Some(candidate_version.as_str()));

        let ort = OrtRuntime::init(None).unwrap();
        modelsets::promote(&mut store, &modelsets::sets_dir(&db), &models, ort).unwrap();
        let second = service.score_now(Trigger::Manual).unwrap();
        assert_eq!(
            second.model_version.as_deref(),
            Some(candidate_version.as_str())
        );
        assert_eq!(service.model_status().unwrap(), candidate_version);
        // Both runs are over: nothing is shown as updating.
        assert!(!service.run_in_progress());
        // The version answers while a run holds the models (the views ask at launch, when a
        // catch-up run may be scoring): it used to wait for the run's end.
        let held = service.shared.models.lock().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = Arc::clone(&service.shared);
        std::thread::spawn(move || {
            let _ = tx.send(shared.model_status());
        });
        // A generous bound that only a regression (waiting for the lock) reaches.
        let answered = rx.recv_timeout(Duration::from_secs(60));
        drop(held);
        assert_eq!(answered, Ok(Ok(candidate_version.clone())));
        service.stop();
    }

    fn app_service(db: &Path, events: Arc<Mutex<Vec<Event>>>) -> Service {
        Service::start(
            ServiceConfig {
                db: db.to_path_buf(),
                models_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"),
                policy: RiskPolicy::default(),
                inbox: Some(db.with_file_name("inbox")),
                mapping: crate::mapping::Mapping::canonical(),
                timer: true,
                owner: OwnerKind::App,
                watch_models: false,
                inbox_settle: None,
            },
            move |e| events.lock().unwrap().push(e),
        )
        .unwrap()
    }

    /// The app started while the background service is alive runs neither the timer nor the
    /// inbox, and says who does; with the service's heartbeat stale it takes both back and says
    /// why; stopping hands the timer over (the row is cleared).
    #[test]
    fn the_app_stands_by_for_a_live_background_service_and_takes_over_a_silent_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let store = Store::open(&db).unwrap();
        // The daily run is off: this test is about ownership, not scoring.
        set_schedule(
            &store,
            &DailySchedule {
                enabled: false,
                ..DailySchedule::default()
            },
        )
        .unwrap();
        let service_me = Me {
            kind: OwnerKind::Service,
            pid: 1,
            host: "elsewhere".into(),
        };
        background::beat(&store, &service_me, now()).unwrap();

        let events: Arc<Mutex<Vec<Event>>> = Arc::default();
        let app = app_service(&db, Arc::clone(&events));
        assert!(!app.owns_timer());
        assert!(app.ownership.inbox.lock().unwrap().is_none());
        let said: Vec<String> = events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.kind == "owner")
            .map(|e| e.message.clone())
            .collect();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("handled by the background service (pid 1 on elsewhere)"),
            "{said:?}"
        );
        drop(app);
        // The app never held it: the service's heartbeat is still there.
        assert_eq!(background::owner(&store).unwrap().map(|h| h.pid), Some(1));

        // Silent for ten minutes: the app takes the timer and the inbox back.
        background::beat(&store, &service_me, now() - 600).unwrap();
        let events: Arc<Mutex<Vec<Event>>> = Arc::default();
        let app = app_service(&db, Arc::clone(&events));
        assert!(app.owns_timer());
        assert!(app.ownership.inbox.lock().unwrap().is_some());
        let holder = background::owner(&store).unwrap().unwrap();
        assert_eq!(
            (holder.kind, holder.pid),
            (OwnerKind::App, std::process::id())
        );
        assert!(holder.replaced_stale.is_some());
        let said = events
            .lock()
            .unwrap()
            .iter()
            .find(|e| e.kind == "owner")
            .map(|e| e.message.clone())
            .unwrap();
        assert!(
            said.contains("the background service stopped answering"),
            "{said}"
        );
        app.stop();
        assert_eq!(background::owner(&store).unwrap(), None);
    }

    /// Keeps the notifications it is asked to show.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<crate::notifications::Notification>>);

    impl Notifier for Recorder {
        fn notify(&self, n: &crate::notifications::Notification) -> Result<(), String> {
            self.0.lock().unwrap().push(n.clone());
            Ok(())
        }
    }

    /// An inbox run that raises alerts hands its summary to the notifier, once; a run
    /// somebody started does not, nor any run once notifications are turned off.
    #[test]
    fn an_inbox_run_that_raises_alerts_is_notified_once_and_a_manual_run_never() {
        let dir = tempfile::tempdir().unwrap();
        let end = now().div_euclid(86_400) * 86_400;
        let files = crate::sim::simulate(
            &crate::sim::SimConfig::new(3, 9, 3, end - 9 * 86_400),
            &dir.path().join("sim"),
        )
        .unwrap()
        .files;
        // The same fleet in a database of its own, notifications on or off.
        let fleet = |name: &str, on: bool| -> PathBuf {
            let db = dir.path().join(name);
            let mut store = Store::open(&db).unwrap();
            let report =
                ingest::ingest_files(&mut store, &files, &crate::mapping::Mapping::canonical());
            assert!(report.failed.is_empty());
            notifications::set_language(&store, crate::lang::Lang::En).unwrap();
            notifications::set_enabled(&store, on).unwrap();
            db
        };
        // A policy under which any failure probability is critical: every scored turbine
        // raises an alert.
        let mut policy = RiskPolicy::default();
        policy.probability.moderate = 1e-9;
        policy.probability.high = 2e-9;
        policy.probability.critical = 3e-9;
        let recorder = Arc::new(Recorder::default());
        let events: Arc<Mutex<Vec<Event>>> = Arc::default();
        let sink = Arc::clone(&events);
        let service = Service::start_notifying(
            ServiceConfig {
                db: fleet("manual.db", true),
                models_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"),
                policy,
                inbox: None,
                mapping: crate::mapping::Mapping::canonical(),
                timer: false,
                owner: OwnerKind::Service,
                watch_models: false,
                inbox_settle: None,
            },
            move |e| sink.lock().unwrap().push(e),
            Some(recorder.clone() as Arc<dyn Notifier>),
        )
        .unwrap();

        // Score now: alerts raised, nobody notified (the person is at the screen).
        let manual = service.score_now(Trigger::Manual).unwrap();
        assert!(manual.counts.critical > 0, "{:?}", manual.counts);
        assert!(recorder.0.lock().unwrap().is_empty());

        // An inbox run raises the same fleet's alerts on another database: told once.
        let inbox = same_service_over(&service.shared, fleet("inbox.db", true));
        let run = score_when_free(&inbox, Trigger::Watch, None).unwrap();
        let shown = recorder.0.lock().unwrap().clone();
        assert_eq!(shown.len(), 1, "{shown:?}");
        let n = &shown[0];
        assert_eq!(n.run, run.id);
        let k = run.counts.critical as usize;
        let word = if k == 1 { "turbine" } else { "turbines" };
        assert_eq!(n.title, format!("{k} {word} now critical"));
        assert_eq!(n.turbines.len(), k);
        assert!(events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.kind == "notification" && e.ok && e.message.starts_with(&n.title)));
        // The same alerts the next time: nothing new, no second notification.
        score_when_free(&inbox, Trigger::Watch, None).unwrap();
        assert_eq!(recorder.0.lock().unwrap().len(), 1);

        // Turned off: a timer run that raises alerts says nothing.
        let off = same_service_over(&service.shared, fleet("off.db", false));
        let timer = score_when_free(&off, Trigger::Timer, None).unwrap();
        assert!(timer.counts.critical > 0, "{:?}", timer.counts);
        assert_eq!(recorder.0.lock().unwrap().len(), 1);
        service.stop();
    }

    /// A service like `s` (models, policy, listener, notifier) over the database `db`.
    fn same_service_over(s: &Shared, db: PathBuf) -> Shared {
        let models = match &*s.models.lock().unwrap() {
            Ok(m) => load_models(m.dir()).map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        Shared {
            db,
            models_dir: s.models_dir.clone(),
            sets_dir: s.sets_dir.clone(),
            status: Mutex::new(status_of(&models)),
            models: Mutex::new(models),
            policy: s.policy,
            listener: s.listener.clone(),
            stop: StopSignal::default(),
            running: AtomicUsize::new(0),
            notifier: s.notifier.clone(),
            notify_failing: AtomicBool::new(false),
        }
    }

    /// The daily slot due at start meets the run lock of another process: the service says it
    /// waits, and stopping it ends the wait at once (it used to hold the exit up to 600 s), with
    /// the given-up run in the journal.
    #[test]
    fn stopping_ends_a_wait_for_the_run_lock_at_once_and_journals_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        drop(Store::open(&db).unwrap());
        let lock = std::fs::File::create(runs::lock_path(&db)).unwrap();
        lock.try_lock().unwrap();
        let events: Arc<Mutex<Vec<Event>>> = Arc::default();
        let sink = Arc::clone(&events);
        let service = Service::start(
            ServiceConfig {
                db: db.clone(),
                models_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"),
                policy: RiskPolicy::default(),
                inbox: None,
                mapping: crate::mapping::Mapping::canonical(),
                timer: true,
                owner: OwnerKind::App,
                watch_models: false,
                inbox_settle: None,
            },
            move |e| sink.lock().unwrap().push(e),
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.message.contains("holds the run lock"))
        {
            assert!(Instant::now() < deadline, "the timer run did not wait");
            std::thread::sleep(Duration::from_millis(20));
        }
        // The views show the last run as being updated while the run waits, from its start.
        assert!(service.run_in_progress());
        let kinds: Vec<&str> = events.lock().unwrap().iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "run_started").count(),
            1,
            "{kinds:?}"
        );
        let stopping = Instant::now();
        service.stop();
        assert!(stopping.elapsed() < Duration::from_secs(5));
        let store = Store::open(&db).unwrap();
        let error: String = store
            .conn()
            .query_row(
                "SELECT error FROM runs WHERE trigger = 'timer' AND status = 'failed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(error.contains("then the cockpit stopped"), "{error}");
    }
}
