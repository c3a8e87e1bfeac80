//! Run triggers: what starts a scoring run.
//!
//! Three independent pieces, each driven by callbacks so that the desktop shell and the
//! `cockpit watch` command can share them without this module knowing about scoring or UI:
//!
//! * [`DailySchedule`] and [`DailyTimer`]: a run at a local time of day, with catch-up of the most
//!   recent missed slot (the machine was off or asleep at 06:00: the run happens when it is back).
//! * [`InboxWatcher`]: CSV files dropped in an inbox folder are handed over one at a time, once
//!   fully written, then filed under `processed/` or `rejected/` (with a reason file).
//! * [`ModelsWatcher`]: a signal once a new model set has finished being copied into the models
//!   folder; the caller validates and swaps it in.
//!
//! Folder watching uses the operating system's notifications through `notify` (inotify on Linux,
//! ReadDirectoryChangesW on Windows, FSEvents on macOS) and falls back to polling when those cannot
//! be started (e.g. the Linux inotify watch limit is reached, or a network share).
//!
//! No logging dependency yet: the watchers keep their non-fatal problems (a file that vanished, a
//! move that failed) in a short list read with `take_problems()`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{EventKind, RecursiveMode, Watcher};
use serde::{Deserialize, Serialize};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Scan interval of the polling fallback watcher.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The inbox is re-listed at least this often, even without notifications (safety net against
/// missed or overflowing notifications).
const INBOX_RESCAN: Duration = Duration::from_secs(2);
/// Non-fatal problems kept for `take_problems()`; older ones are dropped.
const MAX_PROBLEMS: usize = 100;
/// Name of the inbox sub-folder for handled files.
pub const PROCESSED_DIR: &str = "processed";
/// Name of the inbox sub-folder for refused files.
pub const REJECTED_DIR: &str = "rejected";

/// Why a trigger could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    #[error("time of day '{0}' is not valid: use HH:MM, 00:00 to 23:59")]
    BadTime(String),
    #[error("cannot watch folder {path}: {source}; check that the folder exists, is a local or reachable drive and that this user may read it")]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("cannot access {path}: {source}; check that the folder exists (or can be created) and that this user may read and write it")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot start a background thread: {0}; the system may be out of resources, restart the application")]
    Thread(io::Error),
}

// ---------------------------------------------------------------------------------------------
// Daily schedule
// ---------------------------------------------------------------------------------------------

/// A daily run at a local time of day.
///
/// Catch-up: only the most recent slot is ever due. A machine that was off for three days runs
/// once when it comes back, not three times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySchedule {
    /// Whether the daily run happens at all.
    pub enabled: bool,
    /// Local hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
}

impl Default for DailySchedule {
    /// Enabled, at 06:00.
    fn default() -> Self {
        DailySchedule {
            enabled: true,
            hour: 6,
            minute: 0,
        }
    }
}

impl DailySchedule {
    /// Parses a time of day, `"06:00"` or `"6:30"` (surrounding blanks allowed).
    pub fn parse_time(text: &str) -> Result<(u8, u8), TriggerError> {
        let bad = || TriggerError::BadTime(text.to_string());
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(bad());
        }
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 {
            return Err(bad());
        }
        Ok((hour, minute))
    }

    /// An enabled schedule at the given time of day (see [`DailySchedule::parse_time`]).
    pub fn at(text: &str) -> Result<DailySchedule, TriggerError> {
        let (hour, minute) = Self::parse_time(text)?;
        Ok(DailySchedule {
            enabled: true,
            hour,
            minute,
        })
    }

    /// The time of day as `HH:MM`.
    pub fn time_text(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// Whether hour and minute are in range (a schedule read from a hand-edited file may not be).
    /// An invalid schedule never fires.
    pub fn is_valid(&self) -> bool {
        self.hour <= 23 && self.minute <= 59
    }

    /// Seconds after local midnight of the slot; None when disabled or invalid.
    fn second_of_day(&self) -> Option<i64> {
        (self.enabled && self.is_valid())
            .then(|| i64::from(self.hour) * 3600 + i64::from(self.minute) * 60)
    }

    /// The scheduled slot (Unix seconds) that is due at `now`, if the last timer run started
    /// before it: the most recent occurrence of hour:minute (in the given UTC offset, seconds
    /// east) at or before `now`.
    ///
    /// None when disabled (or invalid) or when `last_timer_run >= slot`. Catch-up: if the machine
    /// was off at 06:00 and starts at 09:00, the 06:00 slot is due at 09:00 (once). Only the most
    /// recent missed slot is caught up, never one run per missed day.
    ///
    /// With a fixed offset this is exact except around a daylight-saving change; the timer uses
    /// [`DailySchedule::due_slot_local`], which follows the offset in force at each instant.
    pub fn due_slot(
        &self,
        now: i64,
        last_timer_run: Option<i64>,
        utc_offset_secs: i32,
    ) -> Option<i64> {
        self.due_slot_in(now, last_timer_run, |_| utc_offset_secs)
    }

    /// The first slot strictly after `now` (for "next run at …" displays); None when disabled.
    pub fn next_slot(&self, now: i64, utc_offset_secs: i32) -> Option<i64> {
        self.next_slot_in(now, |_| utc_offset_secs)
    }

    /// [`DailySchedule::due_slot`] in the computer's local time zone, daylight saving included.
    pub fn due_slot_local(&self, now: i64, last_timer_run: Option<i64>) -> Option<i64> {
        self.due_slot_in(now, last_timer_run, local_utc_offset)
    }

    /// [`DailySchedule::next_slot`] in the computer's local time zone, daylight saving included.
    pub fn next_slot_local(&self, now: i64) -> Option<i64> {
        self.next_slot_in(now, local_utc_offset)
    }

    /// [`DailySchedule::due_slot`] in a time zone given as "UTC offset in force at instant t".
    ///
    /// Daylight-saving rules: a time of day that occurs twice (clocks go back) is the first
    /// occurrence, so the slot fires once; a time that does not exist (clocks go forward over it)
    /// fires at the same wall-clock reading taken with the old offset, i.e. just after the jump
    /// (02:30 becomes 03:30 when clocks jump from 02:00 to 03:00).
    pub fn due_slot_in(
        &self,
        now: i64,
        last_timer_run: Option<i64>,
        offset_at: impl Fn(i64) -> i32,
    ) -> Option<i64> {
        let second = self.second_of_day()?;
        let today = local_day(now, &offset_at);
        let slot = ((today - 2)..=(today + 1))
            .rev()
            .map(|day| resolve_local(day * DAY + second, &offset_at))
            .find(|&t| t <= now)?;
        match last_timer_run {
            Some(last) if last >= slot => None,
            _ => Some(slot),
        }
    }

    /// [`DailySchedule::next_slot`] in a time zone given as "UTC offset in force at instant t".
    pub fn next_slot_in(&self, now: i64, offset_at: impl Fn(i64) -> i32) -> Option<i64> {
        let second = self.second_of_day()?;
        let today = local_day(now, &offset_at);
        ((today - 1)..=(today + 2))
            .map(|day| resolve_local(day * DAY + second, &offset_at))
            .find(|&t| t > now)
    }
}

/// Local day number (days since 1970-01-01 in local time) of the instant `t`.
fn local_day(t: i64, offset_at: &impl Fn(i64) -> i32) -> i64 {
    (t + i64::from(offset_at(t))).div_euclid(DAY)
}

/// The instant (Unix seconds) at which the local wall clock reads `naive` (seconds since
/// 1970-01-01 00:00 local). Earliest instant when ambiguous; old offset when inside a gap.
fn resolve_local(naive: i64, offset_at: &impl Fn(i64) -> i32) -> i64 {
    // Offsets a day either side: offset changes are months apart, so these are the offsets
    // before and after any change near `naive`.
    let before = i64::from(offset_at(naive - DAY));
    let after = i64::from(offset_at(naive + DAY));
    [before, after]
        .into_iter()
        .map(|offset| naive - offset)
        .filter(|&t| t + i64::from(offset_at(t)) == naive)
        .min()
        .unwrap_or(naive - before)
}

/// The computer's UTC offset (seconds east) in force at Unix time `at`, daylight saving included.
/// 0 for an instant chrono cannot represent.
pub fn local_utc_offset(at: i64) -> i32 {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|utc| utc.with_timezone(&chrono::Local).offset().local_minus_utc())
        .unwrap_or(0)
}

/// Current Unix time in seconds.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A background thread that starts the daily run when its slot is due.
///
/// Every `check_every` it re-reads the schedule (a change takes effect without restart) and the
/// time of the last timer run, and calls `run(slot)` when [`DailySchedule::due_slot_local`] says a
/// slot is due. The first check happens at once, so a slot missed while the application was closed
/// is caught up at start. If `last_run` has never been set (`None`), the most recent slot is due:
/// pass the installation time instead if a first run at start is not wanted.
///
/// The timer also remembers the slots it fired itself, so a `last_run` that is updated late (e.g.
/// by a run that is still being set up) never causes a second run for the same slot.
///
/// Sleep and hibernation: the wait between checks is on the monotonic clock, at most
/// `check_every`; the next check after waking reads the wall clock and finds the slot due.
///
/// `run` is called on the timer thread; a long run delays the next check and [`DailyTimer::stop`]
/// until it returns. A panic in a callback is caught and the timer keeps going.
pub struct DailyTimer {
    stop_tx: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl DailyTimer {
    /// Starts the timer thread (see [`DailyTimer`]).
    ///
    /// # Panics
    /// If the operating system cannot create a thread (as [`std::thread::spawn`]).
    pub fn start(
        schedule_source: impl Fn() -> DailySchedule + Send + 'static,
        last_run: impl Fn() -> Option<i64> + Send + 'static,
        run: impl Fn(i64) + Send + 'static,
        check_every: Duration,
    ) -> DailyTimer {
        let check_every = check_every.max(Duration::from_millis(10));
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("cockpit-daily-timer".into())
            .spawn(move || {
                let mut fired: Option<i64> = None;
                loop {
                    let _ = catch_unwind(AssertUnwindSafe(|| {
                        let schedule = schedule_source();
                        let last = match (last_run(), fired) {
                            (Some(a), Some(b)) => Some(a.max(b)),
                            (a, b) => a.or(b),
                        };
                        if let Some(slot) = schedule.due_slot_local(unix_now(), last) {
                            fired = Some(slot);
                            tracing::info!(
                                slot = %crate::schema::format_timestamp(slot),
                                late_s = unix_now() - slot,
                                "daily run due"
                            );
                            run(slot);
                        }
                    }));
                    match stop_rx.recv_timeout(check_every) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            })
            .expect("cannot start the daily timer thread");
        DailyTimer {
            stop_tx: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Stops the timer and waits for its thread (promptly, unless a run is in progress).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
        join_unless_current(self.thread.take());
    }
}

impl Drop for DailyTimer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Joins a worker thread, except from within itself (a callback dropping its own watcher).
fn join_unless_current(thread: Option<JoinHandle<()>>) {
    if let Some(handle) = thread {
        if handle.thread().id() != thread::current().id() {
            let _ = handle.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Folder watching (shared)
// ---------------------------------------------------------------------------------------------

/// A running folder watch (dropping it stops the notifications).
struct FolderWatch {
    _watcher: Box<dyn Watcher + Send>,
    /// The polling fallback is in use.
    polling: bool,
}

/// Watches `dir` (non-recursively) with the recommended watcher, or the polling one if the
/// recommended one cannot start (or `force_poll`).
fn watch_folder<F>(dir: &Path, on_event: F, force_poll: bool) -> Result<FolderWatch, TriggerError>
where
    F: FnMut(notify::Result<notify::Event>) + Send + Clone + 'static,
{
    let mut native_error = None;
    if !force_poll {
        match notify::recommended_watcher(on_event.clone()) {
            Ok(mut watcher) => match watcher.watch(dir, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    return Ok(FolderWatch {
                        _watcher: Box::new(watcher),
                        polling: false,
                    })
                }
                Err(e) => native_error = Some(e),
            },
            Err(e) => native_error = Some(e),
        }
    }
    let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
    let polling = notify::PollWatcher::new(on_event, config).and_then(|mut watcher| {
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .map(|()| watcher)
    });
    match polling {
        Ok(watcher) => Ok(FolderWatch {
            _watcher: Box::new(watcher),
            polling: true,
        }),
        Err(e) => Err(TriggerError::Watch {
            path: dir.to_path_buf(),
            source: native_error.unwrap_or(e),
        }),
    }
}

/// Messages to a watcher's worker thread.
enum Msg {
    Wake,
    Stop,
}

/// Bounded list of non-fatal problems, shared between a worker and its owner.
#[derive(Clone, Default)]
struct Problems(Arc<Mutex<VecDeque<String>>>);

impl Problems {
    fn push(&self, problem: String) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if list.len() >= MAX_PROBLEMS {
            list.pop_front();
        }
        list.push_back(problem);
    }

    fn take(&self) -> Vec<String> {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        list.drain(..).collect()
    }
}

/// Text of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn create_dir(path: &Path) -> Result<(), TriggerError> {
    fs::create_dir_all(path).map_err(|source| TriggerError::Io {
        path: path.to_path_buf(),
        source,
    })
}

// ---------------------------------------------------------------------------------------------
// Inbox watcher
// ---------------------------------------------------------------------------------------------

/// Hands CSV files dropped in an inbox folder to a handler, one at a time, once fully written.
///
/// * Every regular file that appears in the inbox (created, copied or moved in) and the ones
///   already there at start (the backlog) are considered; sub-folders, symbolic links and the
///   temporary files of copy tools and browsers (names starting with `.` or `~$`, ending in
///   `.tmp`, `.part`, `.partial`, `.crdownload`; `Thumbs.db`, `desktop.ini`) are left alone.
/// * A file is taken once its size and modification time have not changed for `settle` (on
///   Windows, also once no other program holds it open), so a file still being copied is not
///   ingested half-written.
/// * Files are handled one at a time, in arrival order (backlog: oldest modification first). A
///   file still being written does not hold up a complete one that arrived after it.
/// * `handle(path)` → `Ok(summary)`: the file is moved to `processed/` as
///   `YYYYMMDDTHHMMSSZ-<name>` (UTC time of the move). `Err(reason)`: it is moved to `rejected/`
///   under its own name (timestamp-prefixed if that name is taken) next to `<name>.reason.txt`
///   holding the reason. A panicking handler counts as an error. Files whose name does not end in
///   `.csv` (any case) are rejected with reason "not a .csv file" without calling the handler.
/// * A file that vanishes before it is handled is skipped; a file that cannot be moved after
///   handling is left in place and not handled again unless it changes. Both are reported by
///   [`InboxWatcher::take_problems`].
///
/// Notifications only wake the worker: it re-lists the inbox on every wake-up and at least every
/// 2 s, so a missed notification delays a file by at most that long.
pub struct InboxWatcher {
    watch: Option<FolderWatch>,
    tx: Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    problems: Problems,
}

impl InboxWatcher {
    /// Watches `inbox` (created if missing, with `processed/` and `rejected/` inside) and hands
    /// files to `handle` as described on [`InboxWatcher`]. `settle` is typically 1 s.
    pub fn start(
        inbox: &Path,
        handle: impl FnMut(&Path) -> Result<String, String> + Send + 'static,
        settle: Duration,
    ) -> Result<InboxWatcher, TriggerError> {
        Self::start_with(inbox, handle, settle, false)
    }

    fn start_with(
        inbox: &Path,
        handle: impl FnMut(&Path) -> Result<String, String> + Send + 'static,
        settle: Duration,
        force_poll: bool,
    ) -> Result<InboxWatcher, TriggerError> {
        let state = InboxState::new(inbox, settle, Problems::default());
        state.create_dirs()?;
        let problems = state.problems.clone();
        let (tx, rx) = mpsc::channel();
        let wake = tx.clone();
        let watch = watch_folder(
            inbox,
            move |event: notify::Result<notify::Event>| {
                // Opening a file (the handler reading it) is no change to the inbox.
                if !matches!(&event, Ok(e) if e.kind.is_access()) {
                    let _ = wake.send(Msg::Wake);
                }
            },
            force_poll,
        )?;
        let thread = thread::Builder::new()
            .name("cockpit-inbox".into())
            .spawn(move || run_inbox(state, handle, &rx))
            .map_err(TriggerError::Thread)?;
        Ok(InboxWatcher {
            watch: Some(watch),
            tx,
            thread: Some(thread),
            problems,
        })
    }

    /// Number of CSV files waiting in `inbox` (for health checks); 0 when the folder does not
    /// exist.
    pub fn backlog(inbox: &Path) -> Result<usize, TriggerError> {
        match list_files(inbox) {
            Ok(files) => Ok(files.iter().filter(|f| is_csv_name(&f.name)).count()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(source) => Err(TriggerError::Io {
                path: inbox.to_path_buf(),
                source,
            }),
        }
    }

    /// Whether the polling fallback is in use (the system's notifications could not be started).
    pub fn is_polling(&self) -> bool {
        self.watch.as_ref().is_some_and(|w| w.polling)
    }

    /// Non-fatal problems met since the last call (oldest first), e.g. a file that vanished or
    /// could not be moved.
    pub fn take_problems(&self) -> Vec<String> {
        self.problems.take()
    }

    /// Stops watching and waits for the worker (after the file being handled, if any).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.watch = None;
        let _ = self.tx.send(Msg::Stop);
        join_unless_current(self.thread.take());
    }
}

impl Drop for InboxWatcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A regular file seen in the inbox.
struct Listed {
    path: PathBuf,
    name: OsString,
    size: u64,
    modified: Option<SystemTime>,
}

/// A file waiting to become stable.
struct Pending {
    size: u64,
    modified: Option<SystemTime>,
    stable_since: Instant,
    seq: u64,
}

struct InboxState {
    inbox: PathBuf,
    processed: PathBuf,
    rejected: PathBuf,
    settle: Duration,
    pending: HashMap<PathBuf, Pending>,
    /// Files handled but left in place (could not be moved), with the size and time they had.
    done: HashMap<PathBuf, (u64, Option<SystemTime>)>,
    next_seq: u64,
    problems: Problems,
    last_list_error: Option<String>,
}

/// Whether the worker should stop; drains wake-ups.
fn stop_requested(rx: &Receiver<Msg>) -> bool {
    loop {
        match rx.try_recv() {
            Ok(Msg::Wake) => {}
            Ok(Msg::Stop) | Err(TryRecvError::Disconnected) => return true,
            Err(TryRecvError::Empty) => return false,
        }
    }
}

fn run_inbox<F>(mut state: InboxState, mut handle: F, rx: &Receiver<Msg>)
where
    F: FnMut(&Path) -> Result<String, String>,
{
    loop {
        state.scan();
        while let Some(path) = state.next_ready(Instant::now()) {
            if stop_requested(rx) {
                return;
            }
            state.process(&path, &mut handle);
            state.scan();
        }
        let wait = state
            .time_to_next_ready(Instant::now())
            .map_or(INBOX_RESCAN, |d| d.min(INBOX_RESCAN));
        match rx.recv_timeout(wait) {
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Ok(Msg::Wake) | Err(RecvTimeoutError::Timeout) => {}
        }
        if stop_requested(rx) {
            return;
        }
    }
}

impl InboxState {
    fn new(inbox: &Path, settle: Duration, problems: Problems) -> InboxState {
        InboxState {
            inbox: inbox.to_path_buf(),
            processed: inbox.join(PROCESSED_DIR),
            rejected: inbox.join(REJECTED_DIR),
            settle,
            pending: HashMap::new(),
            done: HashMap::new(),
            next_seq: 0,
            problems,
            last_list_error: None,
        }
    }

    fn create_dirs(&self) -> Result<(), TriggerError> {
        create_dir(&self.inbox)?;
        create_dir(&self.processed)?;
        create_dir(&self.rejected)
    }

    /// Lists the inbox and updates the pending files.
    fn scan(&mut self) {
        let files = match list_files(&self.inbox) {
            Ok(files) => {
                self.last_list_error = None;
                files
            }
            Err(e) => {
                let text = format!("cannot list the inbox {}: {e}", self.inbox.display());
                if self.last_list_error.as_deref() != Some(text.as_str()) {
                    self.problems.push(text.clone());
                    self.last_list_error = Some(text);
                }
                if e.kind() == io::ErrorKind::NotFound {
                    // Deleted while watched: recreate it so files dropped later are still found.
                    let _ = self.create_dirs();
                }
                return;
            }
        };
        let now = Instant::now();
        let present: HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
        self.pending
            .retain(|path, _| present.contains(path.as_path()));
        self.done.retain(|path, _| present.contains(path.as_path()));

        let mut arrived = Vec::new();
        for file in &files {
            if let Some(&(size, modified)) = self.done.get(&file.path) {
                if size == file.size && modified == file.modified {
                    continue;
                }
                self.done.remove(&file.path);
            }
            match self.pending.get_mut(&file.path) {
                Some(p) => {
                    if p.size != file.size || p.modified != file.modified {
                        p.size = file.size;
                        p.modified = file.modified;
                        p.stable_since = now;
                    }
                }
                None => arrived.push(file),
            }
        }
        arrived.sort_by(|a, b| (a.modified, &a.name).cmp(&(b.modified, &b.name)));
        for file in arrived {
            self.pending.insert(
                file.path.clone(),
                Pending {
                    size: file.size,
                    modified: file.modified,
                    stable_since: now,
                    seq: self.next_seq,
                },
            );
            self.next_seq += 1;
        }
    }

    /// The earliest-arrived file that has been stable for `settle`.
    fn next_ready(&self, now: Instant) -> Option<PathBuf> {
        self.pending
            .iter()
            .filter(|(_, p)| now.saturating_duration_since(p.stable_since) >= self.settle)
            .min_by_key(|(_, p)| p.seq)
            .map(|(path, _)| path.clone())
    }

    /// Time until the next pending file may become ready.
    fn time_to_next_ready(&self, now: Instant) -> Option<Duration> {
        self.pending
            .values()
            .map(|p| (p.stable_since + self.settle).saturating_duration_since(now))
            .min()
    }

    /// Hands one ready file over and files it away.
    fn process<F>(&mut self, path: &Path, handle: &mut F)
    where
        F: FnMut(&Path) -> Result<String, String>,
    {
        let Some(pending) = self.pending.remove(path) else {
            return;
        };
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                self.problems.push(format!(
                    "{} disappeared before it could be handled ({e}); skipped",
                    path.display()
                ));
                return;
            }
        };
        let (size, modified) = (meta.len(), meta.modified().ok());
        if size != pending.size || modified != pending.modified || is_held_open(path) {
            // Changed since the last look, or still open in the writing program: wait again.
            self.pending.insert(
                path.to_path_buf(),
                Pending {
                    size,
                    modified,
                    stable_since: Instant::now(),
                    seq: pending.seq,
                },
            );
            return;
        }
        let Some(name) = path.file_name().map(OsStr::to_os_string) else {
            return;
        };
        let outcome = if is_csv_name(&name) {
            match catch_unwind(AssertUnwindSafe(|| handle(path))) {
                Ok(result) => result,
                Err(panic) => Err(format!(
                    "the file could not be handled because of an internal error: {}",
                    panic_text(panic.as_ref())
                )),
            }
        } else {
            Err("not a .csv file".to_string())
        };
        match &outcome {
            Ok(_) => tracing::info!(file = %name.to_string_lossy(), "inbox file handled"),
            Err(reason) => tracing::warn!(
                file = %name.to_string_lossy(),
                reason = %crate::journal::redact(reason),
                "inbox file rejected"
            ),
        }
        let filed = match &outcome {
            Ok(_) => self.file_away(path, &name, true, None),
            Err(reason) => self.file_away(path, &name, false, Some(reason)),
        };
        if let Err(problem) = filed {
            tracing::warn!(problem = %crate::journal::redact(&problem), "inbox file not filed away");
            self.problems.push(problem);
            self.done.insert(path.to_path_buf(), (size, modified));
        }
    }

    /// Moves a handled file to `processed/` (`ok`) or `rejected/` (with its reason file).
    fn file_away(
        &self,
        path: &Path,
        name: &OsStr,
        ok: bool,
        reason: Option<&str>,
    ) -> Result<(), String> {
        let dir = if ok { &self.processed } else { &self.rejected };
        let _ = fs::create_dir_all(dir);
        let target = free_name(dir, name, ok, reason.is_some());
        let destination = dir.join(&target);
        fs::rename(path, &destination).map_err(|e| {
            format!(
                "{} was {} but could not be moved to {}: {e}; move it out of the inbox by hand",
                path.display(),
                if ok { "handled" } else { "rejected" },
                destination.display()
            )
        })?;
        if let Some(reason) = reason {
            let reason_path = dir.join(reason_file_name(&target));
            fs::write(&reason_path, format!("{reason}\n")).map_err(|e| {
                format!(
                    "{} was rejected ({reason}) but the reason file {} could not be written: {e}",
                    path.display(),
                    reason_path.display()
                )
            })?;
        }
        Ok(())
    }
}

/// `<name>.reason.txt`.
fn reason_file_name(name: &OsStr) -> OsString {
    let mut reason = name.to_os_string();
    reason.push(".reason.txt");
    reason
}

/// UTC timestamp used to prefix filed names.
fn file_stamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// A name for `name` in `dir` that is not taken: timestamp-prefixed (always when `prefixed`,
/// otherwise only on a clash), then numbered. With `with_reason`, `<name>.reason.txt` must be
/// free as well.
fn free_name(dir: &Path, name: &OsStr, prefixed: bool, with_reason: bool) -> OsString {
    let stamp = file_stamp();
    let is_free = |candidate: &OsStr| {
        fs::symlink_metadata(dir.join(candidate)).is_err()
            && (!with_reason
                || fs::symlink_metadata(dir.join(reason_file_name(candidate))).is_err())
    };
    let with_prefix = |prefix: String| {
        let mut candidate = OsString::from(prefix);
        candidate.push(name);
        candidate
    };
    if !prefixed && is_free(name) {
        return name.to_os_string();
    }
    let first = with_prefix(format!("{stamp}-"));
    if is_free(&first) {
        return first;
    }
    (2u32..)
        .map(|k| with_prefix(format!("{stamp}-{k}-")))
        .find(|candidate| is_free(candidate))
        .unwrap_or(first)
}

/// Whether a file name ends in `.csv`, any case.
fn is_csv_name(name: &OsStr) -> bool {
    name.to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".csv")
}

/// Temporary or system files the inbox leaves alone.
fn is_ignored_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy().to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || [".tmp", ".part", ".partial", ".crdownload"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
        || name == "thumbs.db"
        || name == "desktop.ini"
}

/// The regular files directly in `dir`, temporary and system files excluded.
fn list_files(dir: &Path) -> io::Result<Vec<Listed>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        // Vanished or unreadable entries are simply not listed (yet).
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        if !file_type.is_file() || is_ignored_name(&name) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        files.push(Listed {
            path: entry.path(),
            name,
            size: meta.len(),
            modified: meta.modified().ok(),
        });
    }
    Ok(files)
}

/// Windows: whether another program still has the file open (a copy in progress holds it with
/// exclusive write access, even when its final size is already allocated).
#[cfg(windows)]
fn is_held_open(path: &Path) -> bool {
    use std::os::windows::fs::OpenOptionsExt;
    const ERROR_SHARING_VIOLATION: i32 = 32;
    match fs::OpenOptions::new().read(true).share_mode(0).open(path) {
        Ok(_) => false,
        Err(e) => e.raw_os_error() == Some(ERROR_SHARING_VIOLATION),
    }
}

#[cfg(not(windows))]
fn is_held_open(_path: &Path) -> bool {
    false
}

// ---------------------------------------------------------------------------------------------
// Models watcher
// ---------------------------------------------------------------------------------------------

/// Signals a new model set: calls `on_change` once after a burst of changes to `manifest.json` or
/// `*.onnx` (any case) in the models folder has been quiet for `debounce`.
///
/// Only creations, writes, renames, deletions and attribute changes count: opening or reading the
/// models (the caller loading them after the signal) does not. The caller decides whether the new
/// set is valid and swaps it in. With the polling fallback, the quiet time is `debounce` plus the
/// 1 s polling interval. `on_change` runs on the watcher thread; a panic in it is caught.
pub struct ModelsWatcher {
    watch: Option<FolderWatch>,
    tx: Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl ModelsWatcher {
    /// Watches `dir` (created if missing) as described on [`ModelsWatcher`].
    pub fn start(
        dir: &Path,
        on_change: impl FnMut() + Send + 'static,
        debounce: Duration,
    ) -> Result<ModelsWatcher, TriggerError> {
        Self::start_with(dir, on_change, debounce, false)
    }

    fn start_with(
        dir: &Path,
        mut on_change: impl FnMut() + Send + 'static,
        debounce: Duration,
        force_poll: bool,
    ) -> Result<ModelsWatcher, TriggerError> {
        create_dir(dir)?;
        let (tx, rx) = mpsc::channel();
        let wake = tx.clone();
        let watch = watch_folder(
            dir,
            move |event: notify::Result<notify::Event>| {
                if matches!(&event, Ok(e) if is_model_change(e)) {
                    let _ = wake.send(Msg::Wake);
                }
            },
            force_poll,
        )?;
        let quiet = if watch.polling {
            debounce + POLL_INTERVAL
        } else {
            debounce
        };
        let thread = thread::Builder::new()
            .name("cockpit-models-watch".into())
            .spawn(move || {
                // Wait for a first change, then until changes have been quiet for `quiet`.
                while let Ok(Msg::Wake) = rx.recv() {
                    let mut deadline = Instant::now() + quiet;
                    loop {
                        let wait = deadline.saturating_duration_since(Instant::now());
                        match rx.recv_timeout(wait) {
                            Ok(Msg::Wake) => deadline = Instant::now() + quiet,
                            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                            Err(RecvTimeoutError::Timeout) => {
                                let _ = catch_unwind(AssertUnwindSafe(&mut on_change));
                                break;
                            }
                        }
                    }
                }
            })
            .map_err(TriggerError::Thread)?;
        Ok(ModelsWatcher {
            watch: Some(watch),
            tx,
            thread: Some(thread),
        })
    }

    /// Whether the polling fallback is in use (the system's notifications could not be started).
    pub fn is_polling(&self) -> bool {
        self.watch.as_ref().is_some_and(|w| w.polling)
    }

    /// Stops watching and waits for the watcher thread. A pending signal is dropped.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.watch = None;
        let _ = self.tx.send(Msg::Stop);
        join_unless_current(self.thread.take());
    }
}

impl Drop for ModelsWatcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Whether an event is a change to a model file (or a notice that events were lost).
fn is_model_change(event: &notify::Event) -> bool {
    if event.need_rescan() {
        return true;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|path| {
        path.file_name().is_some_and(|name| {
            let name = name.to_string_lossy().to_ascii_lowercase();
            name == "manifest.json" || name.ends_with(".onnx")
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// 2024-03-15 00:00:00 UTC.
    const D: i64 = 1_710_460_800;
    const H: i64 = 3600;

    fn at(hour: u8, minute: u8) -> DailySchedule {
        DailySchedule {
            enabled: true,
            hour,
            minute,
        }
    }

    /// Polls `cond` every 20 ms for up to 10 s.
    fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    // ---- schedule ----

    #[test]
    fn parse_time_accepts_and_rejects() {
        assert_eq!(DailySchedule::parse_time("06:00").unwrap(), (6, 0));
        assert_eq!(DailySchedule::parse_time("6:30").unwrap(), (6, 30));
        assert_eq!(DailySchedule::parse_time(" 23:59 ").unwrap(), (23, 59));
        assert_eq!(DailySchedule::parse_time("00:00").unwrap(), (0, 0));
        for bad in [
            "24:00", "25:00", "12:60", "6", "6:5", "06-00", "", "ab:cd", "+6:00", "006:00",
            "6:000", ":30", "6:+3",
        ] {
            assert!(DailySchedule::parse_time(bad).is_err(), "{bad:?} accepted");
        }
        let message = DailySchedule::parse_time("25:00").unwrap_err().to_string();
        assert_eq!(
            message,
            "time of day '25:00' is not valid: use HH:MM, 00:00 to 23:59"
        );
        assert_eq!(DailySchedule::at("7:05").unwrap(), at(7, 5));
        assert_eq!(at(7, 5).time_text(), "07:05");
    }

    #[test]
    fn schedule_default_and_serde() {
        let schedule = DailySchedule::default();
        assert_eq!(schedule, at(6, 0));
        let json = serde_json::to_string(&schedule).unwrap();
        assert_eq!(json, r#"{"enabled":true,"hour":6,"minute":0}"#);
        let back: DailySchedule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, schedule);
    }

    #[test]
    fn due_slot_table_utc() {
        let six = at(6, 0);
        let yesterday_slot = D - DAY + 6 * H;
        let today_slot = D + 6 * H;
        // (now, last timer run, expected)
        let cases: [(i64, Option<i64>, Option<i64>); 9] = [
            // Before today's slot, never ran: yesterday's slot is the most recent one.
            (D + 5 * H, None, Some(yesterday_slot)),
            // Before today's slot, yesterday's ran.
            (D + 5 * H, Some(yesterday_slot + 30), None),
            // Exactly at the slot.
            (D + 6 * H, Some(yesterday_slot), Some(today_slot)),
            // Just before the slot.
            (D + 6 * H - 1, Some(yesterday_slot), None),
            // Catch-up: machine off at 06:00, on at 09:00.
            (D + 9 * H, Some(yesterday_slot + 60), Some(today_slot)),
            // Already ran today.
            (D + 9 * H, Some(today_slot + 5), None),
            // Off for three days: a single catch-up, for the most recent slot.
            (D + 9 * H, Some(D - 3 * DAY + 6 * H), Some(today_slot)),
            // A manual run is not the timer run: only the last timer run counts, at the slot.
            (D + 9 * H, Some(today_slot - 1), Some(today_slot)),
            (D + 9 * H, Some(today_slot), None),
        ];
        for (now, last, expected) in cases {
            assert_eq!(
                six.due_slot(now, last, 0),
                expected,
                "now {now}, last {last:?}"
            );
        }
    }

    #[test]
    fn disabled_or_invalid_schedule_never_fires() {
        let off = DailySchedule {
            enabled: false,
            ..at(6, 0)
        };
        assert_eq!(off.due_slot(D + 9 * H, None, 0), None);
        assert_eq!(off.next_slot(D + 9 * H, 0), None);
        let invalid = at(25, 0);
        assert!(!invalid.is_valid());
        assert_eq!(invalid.due_slot(D + 9 * H, None, 0), None);
        assert_eq!(invalid.next_slot(D, 0), None);
    }

    #[test]
    fn midnight_edges() {
        let midnight = at(0, 0);
        assert_eq!(midnight.due_slot(D, None, 0), Some(D));
        assert_eq!(midnight.due_slot(D - 1, None, 0), Some(D - DAY));
        assert_eq!(midnight.next_slot(D - 1, 0), Some(D));
        assert_eq!(midnight.next_slot(D, 0), Some(D + DAY));
        let late = at(23, 59);
        assert_eq!(late.due_slot(D + 1, None, 0), Some(D - 60));
        assert_eq!(late.due_slot(D - 60, Some(D - 61), 0), Some(D - 60));
        assert_eq!(late.next_slot(D - 61, 0), Some(D - 60));
        // Local midnight east of UTC is the previous UTC day.
        assert_eq!(midnight.due_slot(D, None, 2 * 3600), Some(D - 2 * H));
    }

    #[test]
    fn utc_offsets_east_and_west() {
        let six = at(6, 0);
        // UTC+2: 06:00 local is 04:00 UTC.
        assert_eq!(six.due_slot(D + 5 * H, None, 7200), Some(D + 4 * H));
        assert_eq!(six.next_slot(D + 5 * H, 7200), Some(D + DAY + 4 * H));
        // UTC-5: 06:00 local is 11:00 UTC; at 05:00 UTC (00:00 local) yesterday's slot is due.
        assert_eq!(
            six.due_slot(D + 5 * H, None, -18_000),
            Some(D - DAY + 11 * H)
        );
        assert_eq!(six.next_slot(D + 5 * H, -18_000), Some(D + 11 * H));
        // UTC+13: at 12:00 UTC it is already 01:00 tomorrow locally.
        assert_eq!(six.due_slot(D + 12 * H, None, 13 * 3600), Some(D - 7 * H));
        assert_eq!(six.next_slot(D + 12 * H, 13 * 3600), Some(D + 17 * H));
        // UTC-12.
        assert_eq!(six.due_slot(D + 12 * H, None, -12 * 3600), Some(D - 6 * H));
        assert_eq!(six.next_slot(D + 12 * H, -12 * 3600), Some(D + 18 * H));
        // UTC+5:30.
        assert_eq!(six.due_slot(D + H, None, 19_800), Some(D + H / 2));
    }

    #[test]
    fn daylight_saving_changes() {
        // Clocks change at D + 01:00 UTC (as in the EU).
        let change = D + H;
        let spring = move |t: i64| if t < change { 3600 } else { 7200 };
        let autumn = move |t: i64| if t < change { 7200 } else { 3600 };
        let six = at(6, 0);

        // Autumn: yesterday's 06:00 (+2) ran at 04:00 UTC; at 04:00 local (+1) nothing is due.
        let ran = D - DAY + 4 * H;
        assert_eq!(six.due_slot_in(D + 3 * H, Some(ran), autumn), None);
        // A fixed offset taken at `now` would get this wrong (a spurious second run).
        assert_eq!(
            six.due_slot(D + 3 * H, Some(ran), 3600),
            Some(D - DAY + 5 * H)
        );
        // Today's 06:00 (+1) is 05:00 UTC.
        assert_eq!(
            six.due_slot_in(D + 5 * H, Some(ran), autumn),
            Some(D + 5 * H)
        );
        assert_eq!(six.next_slot_in(D, autumn), Some(D + 5 * H));

        // Spring: today's 06:00 (+2) is 04:00 UTC, yesterday's (+1) was 05:00 UTC.
        assert_eq!(six.due_slot_in(D + 4 * H, None, spring), Some(D + 4 * H));
        assert_eq!(
            six.due_slot_in(D + 4 * H - 1, None, spring),
            Some(D - DAY + 5 * H)
        );
        assert_eq!(six.next_slot_in(D, spring), Some(D + 4 * H));

        // 02:30 does not exist on the spring day (02:00 -> 03:00): it fires at 03:30 (+2).
        let half_two = at(2, 30);
        assert_eq!(half_two.next_slot_in(D, spring), Some(D + 90 * 60));
        assert_eq!(
            half_two.due_slot_in(D + 2 * H, None, spring),
            Some(D + 90 * 60)
        );
        // 02:30 happens twice on the autumn day: fires at the first one only.
        let first = D + 30 * 60;
        assert_eq!(half_two.due_slot_in(D + 45 * 60, None, autumn), Some(first));
        assert_eq!(
            half_two.due_slot_in(D + 105 * 60, Some(first), autumn),
            None
        );
        assert_eq!(half_two.next_slot_in(first, autumn), Some(first + DAY + H));
    }

    #[test]
    fn local_offset_matches_fixed_offset_functions() {
        let offset = local_utc_offset(D);
        assert!(offset.abs() <= 18 * 3600);
        let six = DailySchedule::default();
        assert_eq!(
            six.due_slot_local(D + 12 * H, None),
            six.due_slot_in(D + 12 * H, None, local_utc_offset)
        );
        assert!(six.next_slot_local(D).is_some_and(|t| t > D));
    }

    // ---- timer ----

    #[test]
    fn daily_timer_fires_once_for_a_due_slot() {
        let now = unix_now();
        let local_hour = (now + i64::from(local_utc_offset(now))).rem_euclid(DAY) / 3600;
        // Twelve hours away from now: the slot cannot move while the test runs.
        let schedule = at(u8::try_from((local_hour + 12) % 24).unwrap(), 0);
        let expected = schedule.due_slot_local(now, None).unwrap();
        let fired = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&fired);
        // `last_run` never updated: the timer's own memory prevents a second run.
        let timer = DailyTimer::start(
            move || schedule,
            || None,
            move |slot| sink.lock().unwrap().push(slot),
            Duration::from_millis(20),
        );
        wait_until("the timer run", || !fired.lock().unwrap().is_empty());
        thread::sleep(Duration::from_millis(300));
        timer.stop();
        assert_eq!(*fired.lock().unwrap(), vec![expected]);
    }

    #[test]
    fn daily_timer_rereads_schedule_and_respects_last_run() {
        let schedule = Arc::new(Mutex::new(DailySchedule {
            enabled: false,
            ..DailySchedule::default()
        }));
        let last = Arc::new(Mutex::new(Some(unix_now())));
        let count = Arc::new(AtomicUsize::new(0));
        let (s, l, c) = (Arc::clone(&schedule), Arc::clone(&last), Arc::clone(&count));
        let timer = DailyTimer::start(
            move || *s.lock().unwrap(),
            move || *l.lock().unwrap(),
            move |_| {
                c.fetch_add(1, Ordering::SeqCst);
            },
            Duration::from_millis(20),
        );
        thread::sleep(Duration::from_millis(150));
        // Enabled, but the last timer run is after the most recent slot.
        schedule.lock().unwrap().enabled = true;
        thread::sleep(Duration::from_millis(150));
        assert_eq!(count.load(Ordering::SeqCst), 0);
        // The last run goes back two days: the most recent slot is due, once.
        *last.lock().unwrap() = Some(unix_now() - 2 * DAY);
        wait_until("the timer run", || count.load(Ordering::SeqCst) > 0);
        thread::sleep(Duration::from_millis(150));
        assert_eq!(count.load(Ordering::SeqCst), 1);
        drop(timer);
    }

    #[test]
    fn daily_timer_stops_promptly() {
        let timer = DailyTimer::start(
            || DailySchedule {
                enabled: false,
                ..DailySchedule::default()
            },
            || None,
            |_| {},
            Duration::from_secs(3600),
        );
        thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        timer.stop();
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    // ---- inbox ----

    type Seen = Arc<Mutex<Vec<(String, String)>>>;

    /// A handler recording (file name, content); files whose content contains "BAD" fail.
    fn recording_handler(seen: &Seen) -> impl FnMut(&Path) -> Result<String, String> + Send {
        let seen = Arc::clone(seen);
        move |path: &Path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let content = fs::read_to_string(path).map_err(|e| e.to_string())?;
            seen.lock().unwrap().push((name, content.clone()));
            if content.contains("BAD") {
                Err("column 'wind_speed' is missing".to_string())
            } else {
                Ok(format!("{} bytes", content.len()))
            }
        }
    }

    fn assert_stamped(filed: &str, original: &str) {
        let b = filed.as_bytes();
        assert!(filed.len() > 17, "{filed}");
        assert!(b[..8].iter().all(u8::is_ascii_digit), "{filed}");
        assert_eq!(b[8], b'T', "{filed}");
        assert!(b[9..15].iter().all(u8::is_ascii_digit), "{filed}");
        assert_eq!(&filed[15..17], "Z-", "{filed}");
        assert_eq!(&filed[17..], original, "{filed}");
    }

    #[test]
    fn inbox_handles_backlog_in_order_and_creates_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        fs::create_dir(&inbox).unwrap();
        let base = SystemTime::now() - Duration::from_secs(3600);
        for (name, age) in [("a.csv", 1u64), ("b.CSV", 3), ("c.csv", 2)] {
            let path = inbox.join(name);
            fs::write(&path, format!("{name}\n")).unwrap();
            let file = fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(base - Duration::from_secs(age * 60))
                .unwrap();
        }
        assert_eq!(InboxWatcher::backlog(&inbox).unwrap(), 3);
        let seen: Seen = Arc::default();
        let watcher =
            InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(200))
                .unwrap();
        let processed = inbox.join(PROCESSED_DIR);
        wait_until("the backlog", || names_in(&processed).len() == 3);
        watcher.stop();
        let order: Vec<String> = seen.lock().unwrap().iter().map(|s| s.0.clone()).collect();
        assert_eq!(order, ["b.CSV", "c.csv", "a.csv"]);
        assert!(inbox.join(REJECTED_DIR).is_dir());
        assert_eq!(InboxWatcher::backlog(&inbox).unwrap(), 0);
        for name in names_in(&processed) {
            let original = &name[17..];
            assert!(["a.csv", "b.CSV", "c.csv"].contains(&original), "{name}");
            assert_stamped(&name, original);
        }
    }

    #[test]
    fn inbox_handles_dropped_and_moved_in_files() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        let seen: Seen = Arc::default();
        let watcher =
            InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(200))
                .unwrap();
        assert!(inbox.join(PROCESSED_DIR).is_dir());
        // Written in place.
        fs::write(inbox.join("scada.csv"), "t,ws\n1,2\n").unwrap();
        let processed = inbox.join(PROCESSED_DIR);
        wait_until("the dropped file", || names_in(&processed).len() == 1);
        // Moved in from elsewhere (a rename into the folder).
        let outside = tmp.path().join("moved.csv");
        fs::write(&outside, "t,ws\n3,4\n").unwrap();
        fs::rename(&outside, inbox.join("moved.csv")).unwrap();
        wait_until("the moved-in file", || names_in(&processed).len() == 2);
        assert!(watcher.take_problems().is_empty());
        watcher.stop();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0],
            ("scada.csv".to_string(), "t,ws\n1,2\n".to_string())
        );
        assert_eq!(
            seen[1],
            ("moved.csv".to_string(), "t,ws\n3,4\n".to_string())
        );
        let names = names_in(&processed);
        assert_stamped(
            &names
                .iter()
                .find(|n| n.ends_with("-scada.csv"))
                .unwrap()
                .clone(),
            "scada.csv",
        );
        assert_eq!(names_in(&inbox), [PROCESSED_DIR, REJECTED_DIR]);
    }

    #[test]
    fn inbox_rejects_handler_errors_and_non_csv_files() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        let seen: Seen = Arc::default();
        let watcher =
            InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(200))
                .unwrap();
        fs::write(inbox.join("broken.csv"), "BAD\n").unwrap();
        fs::write(inbox.join("notes.xlsx"), "binary").unwrap();
        // Temporary files of copy tools are left alone.
        fs::write(inbox.join(".partial-copy.csv"), "x").unwrap();
        fs::write(inbox.join("download.csv.crdownload"), "x").unwrap();
        let rejected = inbox.join(REJECTED_DIR);
        wait_until("the rejections", || names_in(&rejected).len() == 4);
        watcher.stop();
        assert_eq!(
            names_in(&rejected),
            [
                "broken.csv",
                "broken.csv.reason.txt",
                "notes.xlsx",
                "notes.xlsx.reason.txt"
            ]
        );
        assert_eq!(
            fs::read_to_string(rejected.join("broken.csv.reason.txt")).unwrap(),
            "column 'wind_speed' is missing\n"
        );
        assert_eq!(
            fs::read_to_string(rejected.join("notes.xlsx.reason.txt")).unwrap(),
            "not a .csv file\n"
        );
        assert_eq!(
            fs::read_to_string(rejected.join("broken.csv")).unwrap(),
            "BAD\n"
        );
        // The handler never saw the non-CSV file.
        assert_eq!(seen.lock().unwrap().len(), 1);
        assert!(names_in(&inbox.join(PROCESSED_DIR)).is_empty());
        assert!(inbox.join(".partial-copy.csv").exists());
        assert!(inbox.join("download.csv.crdownload").exists());
    }

    #[test]
    fn inbox_rejected_name_clash_gets_a_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        fs::create_dir_all(inbox.join(REJECTED_DIR)).unwrap();
        fs::write(inbox.join(REJECTED_DIR).join("x.csv"), "old").unwrap();
        fs::write(inbox.join("x.csv"), "BAD new").unwrap();
        let seen: Seen = Arc::default();
        let watcher =
            InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(100))
                .unwrap();
        let rejected = inbox.join(REJECTED_DIR);
        wait_until("the rejection", || names_in(&rejected).len() == 3);
        watcher.stop();
        let names = names_in(&rejected);
        let filed = names.iter().find(|n| n.ends_with("-x.csv")).unwrap();
        assert_stamped(filed, "x.csv");
        assert!(names.contains(&format!("{filed}.reason.txt")));
        assert_eq!(fs::read_to_string(rejected.join("x.csv")).unwrap(), "old");
    }

    #[test]
    fn inbox_waits_for_a_file_written_in_two_steps() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        let seen: Seen = Arc::default();
        let watcher =
            InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_secs(1)).unwrap();
        let first = "time,turbine,wind_speed\n".to_string() + &"2024-01-01,T1,5.0\n".repeat(500);
        let second = "2024-01-02,T1,6.0\n".repeat(500);
        {
            let mut file = fs::File::create(inbox.join("slow.csv")).unwrap();
            file.write_all(first.as_bytes()).unwrap();
            file.flush().unwrap();
            thread::sleep(Duration::from_millis(250));
            file.write_all(second.as_bytes()).unwrap();
        }
        let processed = inbox.join(PROCESSED_DIR);
        wait_until("the slow file", || names_in(&processed).len() == 1);
        watcher.stop();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].1, first + &second);
    }

    #[test]
    fn inbox_skips_a_file_that_vanishes_and_keeps_going() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        let seen: Seen = Arc::default();
        let watcher =
            InboxWatcher::start(&inbox, recording_handler(&seen), Duration::from_millis(500))
                .unwrap();
        fs::write(inbox.join("gone.csv"), "x\n").unwrap();
        thread::sleep(Duration::from_millis(50));
        fs::remove_file(inbox.join("gone.csv")).unwrap();
        fs::write(inbox.join("kept.csv"), "y\n").unwrap();
        let processed = inbox.join(PROCESSED_DIR);
        wait_until("the kept file", || names_in(&processed).len() == 1);
        watcher.stop();
        let seen = seen.lock().unwrap();
        assert_eq!(*seen, [("kept.csv".to_string(), "y\n".to_string())]);
    }

    #[test]
    fn inbox_works_with_the_polling_fallback() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        let seen: Seen = Arc::default();
        let watcher = InboxWatcher::start_with(
            &inbox,
            recording_handler(&seen),
            Duration::from_millis(200),
            true,
        )
        .unwrap();
        assert!(watcher.is_polling());
        fs::write(inbox.join("p.csv"), "p\n").unwrap();
        let processed = inbox.join(PROCESSED_DIR);
        wait_until("the polled file", || names_in(&processed).len() == 1);
        watcher.stop();
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn inbox_survives_a_panicking_handler() {
        let tmp = tempfile::tempdir().unwrap();
        let inbox = tmp.path().join("inbox");
        let watcher = InboxWatcher::start(
            &inbox,
            |path: &Path| {
                if path.ends_with("boom.csv") {
                    panic!("boom");
                }
                Ok(String::new())
            },
            Duration::from_millis(100),
        )
        .unwrap();
        fs::write(inbox.join("boom.csv"), "x").unwrap();
        let rejected = inbox.join(REJECTED_DIR);
        wait_until("the rejection", || names_in(&rejected).len() == 2);
        fs::write(inbox.join("fine.csv"), "x").unwrap();
        wait_until("the next file", || {
            names_in(&inbox.join(PROCESSED_DIR)).len() == 1
        });
        watcher.stop();
        let reason = fs::read_to_string(rejected.join("boom.csv.reason.txt")).unwrap();
        assert!(reason.contains("boom"), "{reason}");
    }

    #[test]
    fn backlog_of_a_missing_inbox_is_zero() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(InboxWatcher::backlog(&tmp.path().join("nope")).unwrap(), 0);
    }

    // ---- models ----

    fn models_burst_fires_once(force_poll: bool) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("models");
        let count = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&count);
        let watcher = ModelsWatcher::start_with(
            &dir,
            move || {
                c.fetch_add(1, Ordering::SeqCst);
            },
            Duration::from_millis(400),
            force_poll,
        )
        .unwrap();
        assert_eq!(watcher.is_polling(), force_poll);
        for name in ["manifest.json", "power_curve.onnx", "gearbox.ONNX"] {
            fs::write(dir.join(name), name).unwrap();
            thread::sleep(Duration::from_millis(50));
        }
        wait_until("the change signal", || count.load(Ordering::SeqCst) > 0);
        // Loading the set (reading the files) and unrelated files are no change.
        for name in ["manifest.json", "power_curve.onnx", "gearbox.ONNX"] {
            let _ = fs::read(dir.join(name)).unwrap();
        }
        fs::write(dir.join("notes.txt"), "x").unwrap();
        thread::sleep(Duration::from_millis(1500));
        assert_eq!(count.load(Ordering::SeqCst), 1);
        // A later change is signalled again.
        fs::write(dir.join("power_curve.onnx"), "v2, longer").unwrap();
        wait_until("the second signal", || count.load(Ordering::SeqCst) == 2);
        watcher.stop();
    }

    #[test]
    fn models_watcher_fires_once_per_burst() {
        models_burst_fires_once(false);
    }

    #[test]
    fn models_watcher_fires_once_per_burst_when_polling() {
        models_burst_fires_once(true);
    }
}
