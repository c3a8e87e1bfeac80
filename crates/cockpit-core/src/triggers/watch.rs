//! Folder watching shared by the inbox and models watchers: the operating system's notifications
//! through `notify` (inotify on Linux, ReadDirectoryChangesW on Windows, FSEvents on macOS), or
//! polling when those cannot be started (e.g. the Linux inotify watch limit is reached, or a
//! network share); the folder creation; and the short list of non-fatal problems a watcher keeps
//! for `take_problems()` (no logging dependency is needed to report them).

use std::collections::VecDeque;
use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::worker::Waker;
use super::TriggerError;

/// Scan interval of the polling fallback watcher.
pub(super) const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Non-fatal problems kept for `take_problems()`; older ones are dropped.
const MAX_PROBLEMS: usize = 100;

/// A running folder watch (dropping it stops the notifications).
pub(super) struct FolderWatch {
    _watcher: Box<dyn Watcher + Send>,
    /// The polling fallback is in use.
    pub(super) polling: bool,
}

/// Watches `dir` (non-recursively) with the recommended watcher, or the polling one if the
/// recommended one cannot start (or `force_poll`), waking the worker behind `waker` on every
/// event for which `wakes` says yes.
pub(super) fn watch_folder(
    dir: &Path,
    waker: Waker,
    wakes: fn(&notify::Result<notify::Event>) -> bool,
    force_poll: bool,
) -> Result<FolderWatch, TriggerError> {
    let on_event = move |event: notify::Result<notify::Event>| {
        if wakes(&event) {
            waker.wake();
        }
    };
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

/// Creates a folder and its parents (nothing to do when it exists).
pub(super) fn create_dir(path: &Path) -> Result<(), TriggerError> {
    fs::create_dir_all(path).map_err(|source| TriggerError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Bounded list of non-fatal problems, shared between a worker and its owner.
#[derive(Clone, Default)]
pub(super) struct Problems(Arc<Mutex<VecDeque<String>>>);

impl Problems {
    /// Adds a problem, dropping the oldest one when the list is full.
    pub(super) fn push(&self, problem: String) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if list.len() >= MAX_PROBLEMS {
            list.pop_front();
        }
        list.push_back(problem);
    }

    /// The problems so far, oldest first; the list is then empty.
    pub(super) fn take(&self) -> Vec<String> {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        list.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_bounded_and_taken_oldest_first() {
        let problems = Problems::default();
        for k in 0..(MAX_PROBLEMS + 5) {
            problems.push(format!("p{k}"));
        }
        let taken = problems.take();
        assert_eq!(taken.len(), MAX_PROBLEMS);
        assert_eq!(taken[0], "p5");
        assert_eq!(taken.last().map(String::as_str), Some("p104"));
        assert!(problems.take().is_empty());
    }
}
