//! The inbox watcher: CSV files dropped in an inbox folder handed over one at a time, once fully
//! written, then filed under `processed/` (timestamped) or `rejected/` (with a reason file).

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::watch::{create_dir, watch_folder, FolderWatch, Problems};
use super::worker::{catch_panic, Channel, Mailbox, Wait, Worker};
use super::TriggerError;

/// The inbox is re-listed at least this often, even without notifications (safety net against
/// missed or overflowing notifications).
const INBOX_RESCAN: Duration = Duration::from_secs(2);
/// Environment variable setting the inbox settle time, in seconds.
pub const SETTLE_ENV: &str = "COCKPIT_INBOX_SETTLE_SECONDS";
/// Settle time when none is configured.
pub const SETTLE_DEFAULT: Duration = Duration::from_secs(3);
/// Shortest settle time accepted (below it, a writer's ordinary pauses split files).
pub const SETTLE_MIN: Duration = Duration::from_secs(1);
/// Longest settle time accepted.
pub const SETTLE_MAX: Duration = Duration::from_secs(3600);
/// Name of the inbox sub-folder for handled files.
pub const PROCESSED_DIR: &str = "processed";
/// Name of the inbox sub-folder for refused files.
pub const REJECTED_DIR: &str = "rejected";

/// Hands CSV files dropped in an inbox folder to a handler, one at a time, once fully written.
///
/// * Every regular file that appears in the inbox (created, copied or moved in) and the ones
///   already there at start (the backlog) are considered; sub-folders, symbolic links and the
///   files still being written under a temporary name are left alone — the safe convention for a
///   writer is to write `name.csv.part` (or `.name.csv`) and rename it to `name.csv` when done.
///   Left alone: names starting with `.` or `~$`, ending in `~`, `.tmp`, `.temp`, `.part`,
///   `.partial`, `.filepart`, `.crdownload`, `.download`, `.swp`; `Thumbs.db`, `desktop.ini`.
/// * A file is taken once its size and modification time have not changed for `settle` (on
///   Windows, also once no other program holds it open), so a file still being copied is not
///   ingested half-written.
/// * Files are handled one at a time. Among the files ready, the lowest rank (given by `rank`,
///   e.g. registries before readings) goes first, then arrival order (backlog: oldest
///   modification first). A file still being written does not hold up a complete one that
///   arrived after it.
/// * A file whose size or modification time changed while it was handled (a writer that paused
///   longer than `settle`) is not moved: it stays in the inbox, the change is reported, and it is
///   handled again once it has settled (the handler must accept the same rows twice).
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
    /// Declared before `worker`: fields drop in order, so the notifications stop before the
    /// worker is stopped and joined.
    watch: FolderWatch,
    worker: Worker,
    problems: Problems,
}

impl InboxWatcher {
    /// Watches `inbox` (created if missing, with `processed/` and `rejected/` inside) and hands
    /// files to `handle` as described on [`InboxWatcher`], in arrival order. `settle` is
    /// typically a few seconds.
    pub fn start(
        inbox: &Path,
        handle: impl FnMut(&Path) -> Result<String, String> + Send + 'static,
        settle: Duration,
    ) -> Result<InboxWatcher, TriggerError> {
        Self::start_with(inbox, handle, |_: &Path| 0, settle, false)
    }

    /// [`InboxWatcher::start`], the files ready at the same time handled by `rank` first (lowest
    /// first; asked once per file once it has settled), then in arrival order.
    pub fn start_ranked(
        inbox: &Path,
        handle: impl FnMut(&Path) -> Result<String, String> + Send + 'static,
        rank: impl Fn(&Path) -> u8 + Send + 'static,
        settle: Duration,
    ) -> Result<InboxWatcher, TriggerError> {
        Self::start_with(inbox, handle, rank, settle, false)
    }

    fn start_with(
        inbox: &Path,
        handle: impl FnMut(&Path) -> Result<String, String> + Send + 'static,
        rank: impl Fn(&Path) -> u8 + Send + 'static,
        settle: Duration,
        force_poll: bool,
    ) -> Result<InboxWatcher, TriggerError> {
        let mut state = InboxState::new(inbox, settle, Problems::default());
        state.rank = Box::new(rank);
        state.create_dirs()?;
        let problems = state.problems.clone();
        let channel = Channel::new();
        let watch = watch_folder(
            inbox,
            channel.waker(),
            // Opening a file (the handler reading it) is no change to the inbox.
            |event| !matches!(event, Ok(e) if e.kind.is_access()),
            force_poll,
        )?;
        let worker = channel
            .spawn("cockpit-inbox", move |mailbox| {
                run_inbox(state, handle, &mailbox);
            })
            .map_err(TriggerError::Thread)?;
        Ok(InboxWatcher {
            watch,
            worker,
            problems,
        })
    }

    /// The settle time configured: `explicit` (seconds, e.g. `cockpit watch --settle`), else
    /// [`SETTLE_ENV`], else [`SETTLE_DEFAULT`]; a value that is not a number of seconds between
    /// [`SETTLE_MIN`] and [`SETTLE_MAX`] is an error.
    pub fn settle_time(explicit: Option<&str>) -> Result<Duration, TriggerError> {
        let env = std::env::var(SETTLE_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty());
        let Some(text) = explicit.map(str::to_string).or(env) else {
            return Ok(SETTLE_DEFAULT);
        };
        match text.trim().parse::<f64>() {
            Ok(s) if (SETTLE_MIN.as_secs_f64()..=SETTLE_MAX.as_secs_f64()).contains(&s) => {
                Ok(Duration::from_secs_f64(s))
            }
            _ => Err(TriggerError::BadSettle(text)),
        }
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
        self.watch.polling
    }

    /// Non-fatal problems met since the last call (oldest first), e.g. a file that vanished or
    /// could not be moved.
    pub fn take_problems(&self) -> Vec<String> {
        self.problems.take()
    }

    /// Stops watching and waits for the worker (after the file being handled, if any).
    pub fn stop(self) {
        let InboxWatcher { watch, worker, .. } = self;
        drop(watch);
        worker.stop();
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
    /// The file's rank, once asked (forgotten when the file changes).
    rank: Option<u8>,
}

/// The worker's view of the inbox: files waiting to settle, files handled but left in place.
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
    /// Which ready file goes first (lowest first).
    rank: Box<dyn Fn(&Path) -> u8 + Send>,
}

/// The worker: lists the inbox, hands over ready files one at a time, waits for a change.
fn run_inbox<F>(mut state: InboxState, mut handle: F, mailbox: &Mailbox)
where
    F: FnMut(&Path) -> Result<String, String>,
{
    loop {
        state.scan();
        while let Some(path) = state.next_ready(Instant::now()) {
            if mailbox.stop_requested() {
                return;
            }
            state.process(&path, &mut handle);
            state.scan();
        }
        let wait = state
            .time_to_next_ready(Instant::now())
            .map_or(INBOX_RESCAN, |d| d.min(INBOX_RESCAN));
        if mailbox.wait(Some(wait)) == Wait::Stop || mailbox.stop_requested() {
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
            rank: Box::new(|_: &Path| 0),
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
                        p.rank = None;
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
                    rank: None,
                },
            );
            self.next_seq += 1;
        }
    }

    /// Among the files stable for `settle`, the lowest-ranked, earliest-arrived one.
    fn next_ready(&mut self, now: Instant) -> Option<PathBuf> {
        let settle = self.settle;
        let rank = &self.rank;
        self.pending
            .iter_mut()
            .filter(|(_, p)| now.saturating_duration_since(p.stable_since) >= settle)
            .map(|(path, p)| (*p.rank.get_or_insert_with(|| rank(path)), p.seq, path))
            .min_by_key(|(rank, seq, _)| (*rank, *seq))
            .map(|(_, _, path)| path.clone())
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
                    rank: None,
                },
            );
            return;
        }
        let Some(name) = path.file_name().map(OsStr::to_os_string) else {
            return;
        };
        let outcome = if is_csv_name(&name) {
            match catch_panic(|| handle(path)) {
                Ok(result) => result,
                Err(panic) => Err(format!(
                    "the file could not be handled because of an internal error: {panic}"
                )),
            }
        } else {
            Err("not a .csv file".to_string())
        };
        // Written to while it was handled (a writer that paused longer than `settle`): part of
        // it may have been missed. It stays in place and is handled again once it settles.
        let after = fs::metadata(path).map(|m| (m.len(), m.modified().ok()));
        if let Ok((size_after, modified_after)) = after {
            if size_after != size || modified_after != modified {
                let problem = format!(
                    "{} changed while it was being handled ({size} → {size_after} bytes); left in the inbox, it will be taken again once it has not changed for {} s",
                    path.display(),
                    self.settle.as_secs_f64()
                );
                tracing::warn!(
                    file = %name.to_string_lossy(),
                    size_before = size,
                    size_after,
                    "inbox file changed while handled; left in place"
                );
                self.problems.push(problem);
                self.pending.insert(
                    path.to_path_buf(),
                    Pending {
                        size: size_after,
                        modified: modified_after,
                        stable_since: Instant::now(),
                        seq: pending.seq,
                        rank: None,
                    },
                );
                return;
            }
        }
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

/// Suffixes of files still being written under a temporary name (copy tools, browsers, editors).
const TEMPORARY_SUFFIXES: &[&str] = &[
    "~",
    ".tmp",
    ".temp",
    ".part",
    ".partial",
    ".filepart",
    ".crdownload",
    ".download",
    ".swp",
];

/// Temporary or system files the inbox leaves alone.
fn is_ignored_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy().to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || TEMPORARY_SUFFIXES
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

#[cfg(test)]
mod tests;
