//! The daily timer: a worker thread that starts the daily run when its slot is due.

use std::time::Duration;

use super::schedule::DailySchedule;
use super::worker::{catch_panic, Wait, Worker};

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
    worker: Worker,
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
        let worker = Worker::spawn("cockpit-daily-timer", move |mailbox| {
            let mut fired: Option<i64> = None;
            loop {
                let _ = catch_panic(|| {
                    let schedule = schedule_source();
                    let last = match (last_run(), fired) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                    if let Some(slot) = schedule.due_slot_local(crate::clock::now(), last) {
                        fired = Some(slot);
                        tracing::info!(
                            slot = %crate::schema::format_timestamp(slot),
                            late_s = crate::clock::now() - slot,
                            "daily run due"
                        );
                        run(slot);
                    }
                });
                if mailbox.wait(Some(check_every)) == Wait::Stop {
                    break;
                }
            }
        })
        .expect("cannot start the daily timer thread");
        DailyTimer { worker }
    }

    /// Stops the timer and waits for its thread (promptly, unless a run is in progress).
    pub fn stop(self) {
        self.worker.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triggers::schedule::{local_utc_offset, DAY};
    use crate::triggers::test_support::wait_until;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::Instant;

    fn at(hour: u8, minute: u8) -> DailySchedule {
        DailySchedule {
            enabled: true,
            hour,
            minute,
        }
    }

    #[test]
    fn daily_timer_fires_once_for_a_due_slot() {
        let now = crate::clock::now();
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
        let last = Arc::new(Mutex::new(Some(crate::clock::now())));
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
        *last.lock().unwrap() = Some(crate::clock::now() - 2 * DAY);
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
}
