//! The models watcher: one signal once a new model set has finished being copied into the models
//! folder (a burst of changes to `manifest.json` or `*.onnx`, then quiet).

use std::path::Path;
use std::time::{Duration, Instant};

use notify::EventKind;

use super::watch::{create_dir, watch_folder, FolderWatch, POLL_INTERVAL};
use super::worker::{catch_panic, Channel, Wait, Worker};
use super::TriggerError;

/// Signals a new model set: calls `on_change` once after a burst of changes to `manifest.json` or
/// `*.onnx` (any case) in the models folder has been quiet for `debounce`.
///
/// Only creations, writes, renames, deletions and attribute changes count: opening or reading the
/// models (the caller loading them after the signal) does not. The caller decides whether the new
/// set is valid and swaps it in. With the polling fallback, the quiet time is `debounce` plus the
/// 1 s polling interval. `on_change` runs on the watcher thread; a panic in it is caught.
pub struct ModelsWatcher {
    /// Declared before `worker`: fields drop in order, so the notifications stop before the
    /// worker is stopped and joined.
    watch: FolderWatch,
    worker: Worker,
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
        let channel = Channel::new();
        let watch = watch_folder(
            dir,
            channel.waker(),
            |event| matches!(event, Ok(e) if is_model_change(e)),
            force_poll,
        )?;
        let quiet = if watch.polling {
            debounce + POLL_INTERVAL
        } else {
            debounce
        };
        let worker = channel
            .spawn("cockpit-models-watch", move |mailbox| {
                // Wait for a first change, then until changes have been quiet for `quiet`.
                while mailbox.wait(None) == Wait::Wake {
                    let mut deadline = Instant::now() + quiet;
                    loop {
                        let wait = deadline.saturating_duration_since(Instant::now());
                        match mailbox.wait(Some(wait)) {
                            Wait::Wake => deadline = Instant::now() + quiet,
                            Wait::Stop => return,
                            Wait::Timeout => {
                                let _ = catch_panic(&mut on_change);
                                break;
                            }
                        }
                    }
                }
            })
            .map_err(TriggerError::Thread)?;
        Ok(ModelsWatcher { watch, worker })
    }

    /// Whether the polling fallback is in use (the system's notifications could not be started).
    pub fn is_polling(&self) -> bool {
        self.watch.polling
    }

    /// Stops watching and waits for the watcher thread. A pending signal is dropped.
    pub fn stop(self) {
        let ModelsWatcher { watch, worker } = self;
        drop(watch);
        worker.stop();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triggers::test_support::wait_until;
    use std::fs;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::thread;

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
