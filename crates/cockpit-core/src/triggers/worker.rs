//! The one background-thread lifecycle shared by the daily timer and the folder watchers.
//!
//! A [`Worker`] is a named thread that owns the receiving end of a channel ([`Mailbox`]): it is
//! woken by [`Waker`]s (handed to a folder watch) and asked to stop when the [`Worker`] handle is
//! stopped or dropped, which then waits for the thread — except from within the thread itself (a
//! callback dropping its own watcher). Callbacks run on the thread through [`catch_panic`], so a
//! panicking callback never ends the worker.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Messages to a worker thread.
enum Msg {
    Wake,
    Stop,
}

/// What a [`Mailbox::wait`] ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wait {
    /// A wake-up arrived.
    Wake,
    /// The time was up without a message.
    Timeout,
    /// The worker must stop (asked to, or its handle is gone).
    Stop,
}

/// Sends wake-ups to a worker; cloned into a folder watch's callback.
#[derive(Clone)]
pub(super) struct Waker(Sender<Msg>);

impl Waker {
    /// Wakes the worker (nothing happens once it has stopped).
    pub(super) fn wake(&self) {
        let _ = self.0.send(Msg::Wake);
    }
}

/// The worker thread's end of its channel.
pub(super) struct Mailbox(Receiver<Msg>);

impl Mailbox {
    /// Waits for a message, at most `timeout` (`None`: until one arrives).
    pub(super) fn wait(&self, timeout: Option<Duration>) -> Wait {
        match timeout {
            None => match self.0.recv() {
                Ok(Msg::Wake) => Wait::Wake,
                Ok(Msg::Stop) | Err(_) => Wait::Stop,
            },
            Some(timeout) => match self.0.recv_timeout(timeout) {
                Ok(Msg::Wake) => Wait::Wake,
                Err(RecvTimeoutError::Timeout) => Wait::Timeout,
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => Wait::Stop,
            },
        }
    }

    /// Whether the worker must stop, without waiting; drains pending wake-ups.
    pub(super) fn stop_requested(&self) -> bool {
        loop {
            match self.0.try_recv() {
                Ok(Msg::Wake) => {}
                Ok(Msg::Stop) | Err(TryRecvError::Disconnected) => return true,
                Err(TryRecvError::Empty) => return false,
            }
        }
    }
}

/// A worker's channel before its thread starts, so that wakers can be handed out first.
pub(super) struct Channel {
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
}

impl Channel {
    /// A new, empty channel.
    pub(super) fn new() -> Channel {
        let (tx, rx) = mpsc::channel();
        Channel { tx, rx }
    }

    /// A waker for the worker this channel will belong to.
    pub(super) fn waker(&self) -> Waker {
        Waker(self.tx.clone())
    }

    /// Starts the thread `name` running `body` with the channel's mailbox.
    pub(super) fn spawn(
        self,
        name: &str,
        body: impl FnOnce(Mailbox) + Send + 'static,
    ) -> io::Result<Worker> {
        let Channel { tx, rx } = self;
        let thread = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || body(Mailbox(rx)))?;
        Ok(Worker {
            tx,
            thread: Some(thread),
        })
    }
}

/// A running worker thread: stopping or dropping it asks the thread to stop and waits for it.
pub(super) struct Worker {
    tx: Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread `name` running `body` (nothing wakes it: it only waits or stops).
    pub(super) fn spawn(
        name: &str,
        body: impl FnOnce(Mailbox) + Send + 'static,
    ) -> io::Result<Worker> {
        Channel::new().spawn(name, body)
    }

    /// Asks the thread to stop and waits for it (after the callback in progress, if any).
    pub(super) fn stop(self) {
        drop(self);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(handle) = self.thread.take() {
            // Never from within itself (a callback dropping its own watcher): that would deadlock.
            if handle.thread().id() != thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

/// Runs a callback, a panic in it turned into its text.
pub(super) fn catch_panic<T>(callback: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(callback)).map_err(|payload| panic_text(payload.as_ref()))
}

/// Text of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    #[test]
    fn wakes_times_out_and_stops_on_drop() {
        let channel = Channel::new();
        let waker = channel.waker();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let worker = channel
            .spawn("test-worker", move |mailbox| loop {
                let wait = mailbox.wait(Some(Duration::from_millis(20)));
                sink.lock().unwrap().push(wait);
                if wait == Wait::Stop {
                    break;
                }
            })
            .unwrap();
        waker.wake();
        thread::sleep(Duration::from_millis(100));
        drop(worker);
        let seen = seen.lock().unwrap();
        assert!(seen.contains(&Wait::Wake), "{seen:?}");
        assert!(seen.contains(&Wait::Timeout), "{seen:?}");
        assert_eq!(seen.last(), Some(&Wait::Stop));
        // The thread is gone: wake-ups go nowhere.
        waker.wake();
    }

    #[test]
    fn stops_promptly_while_waiting_forever() {
        let worker = Worker::spawn(
            "test-worker",
            |mailbox| {
                while mailbox.wait(None) == Wait::Wake {}
            },
        )
        .unwrap();
        let started = Instant::now();
        worker.stop();
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn stop_requested_drains_wake_ups() {
        let channel = Channel::new();
        let waker = channel.waker();
        let Channel { tx, rx } = channel;
        let mailbox = Mailbox(rx);
        waker.wake();
        waker.wake();
        assert!(!mailbox.stop_requested());
        assert_eq!(mailbox.wait(Some(Duration::ZERO)), Wait::Timeout);
        let _ = tx.send(Msg::Stop);
        assert!(mailbox.stop_requested());
    }

    #[test]
    fn dropping_a_worker_from_its_own_thread_does_not_deadlock() {
        let slot: Arc<Mutex<Option<Worker>>> = Arc::default();
        let inner = Arc::clone(&slot);
        let done = Arc::new(AtomicUsize::new(0));
        let d = Arc::clone(&done);
        let channel = Channel::new();
        let waker = channel.waker();
        let worker = channel
            .spawn("test-worker", move |mailbox| {
                if mailbox.wait(None) == Wait::Wake {
                    // The callback drops its own worker.
                    drop(inner.lock().unwrap().take());
                    d.fetch_add(1, Ordering::SeqCst);
                }
            })
            .unwrap();
        *slot.lock().unwrap() = Some(worker);
        waker.wake();
        let deadline = Instant::now() + Duration::from_secs(10);
        while done.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the worker did not finish");
            thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn panics_are_caught_as_text() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        assert_eq!(
            catch_panic::<()>(|| panic!("boom")),
            Err("boom".to_string())
        );
        let code = 3;
        assert_eq!(
            catch_panic::<()>(|| panic!("code {code}")),
            Err("code 3".to_string())
        );
    }
}
